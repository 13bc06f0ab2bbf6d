"""Statistical named-entity recognition for Arabic: actors and places no gazetteer lists.

The model is a spaCy pipeline (``tok2vec`` + ``ner``, blank Arabic tokenizer) trained by
this project on open corpora (ANERcorp, NewsFANE, WikiFANE; see ``docs/ner-model.md``)
and shipped as package data in ``claims/ner_model``. It is loaded lazily, once per
process, on the first call; nothing is downloaded.

Input is text already normalised with :func:`claims.normalize.normalize` (the model was
trained on normalised tokens); offsets are character offsets into that normalised text,
to be mapped back with :meth:`claims.normalize.Normalized.to_original`. Labels are coarse:
PER, ORG, LOC, MISC. As in the training data, a span covers whole whitespace tokens, so
an attached proclitic stays inside it ("bi-l-Iraq", in Iraq, is one LOC token).

Importing this module also registers the spaCy factory ``cc_ner``, which runs the model
on ``doc.text`` and writes the entities to ``doc.spans["ner"]``.
"""

from __future__ import annotations

import os
import threading
from importlib import resources

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from claims.tokenizer import doc_text

MODEL_PACKAGE = "claims"
MODEL_DIR = "ner_model"
LABELS = ("PER", "ORG", "LOC", "MISC")
SPANS_KEY = "ner"

_lock = threading.Lock()
_nlp: Language | None = None


class NerModelMissing(RuntimeError):
    """The trained pipeline is not in the package (run ``make train-ner``)."""


def load_model() -> Language:
    """The shipped NER pipeline, loaded on first use and shared by the whole process."""
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                _nlp = _load()
    return _nlp


def _load() -> Language:
    root = resources.files(MODEL_PACKAGE).joinpath(MODEL_DIR)
    if not root.joinpath("config.cfg").is_file():
        raise NerModelMissing(f"no trained model in package: {MODEL_PACKAGE}/{MODEL_DIR}")
    if isinstance(root, os.PathLike):
        return spacy.load(os.fspath(root))
    # A zipped install: spacy.load reads every file eagerly, so the temporary copy may go.
    with resources.as_file(root) as path:
        return spacy.load(path)


def _spans(doc: Doc) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for ent in doc.ents:
        # The model never saw line breaks in training (one sentence per example); a span
        # across one is an artefact, not a name.
        if "\n" in ent.text or not ent.text.strip():
            continue
        out.append((ent.start_char, ent.end_char, ent.label_))
    return out


def find_named_entities(text: str) -> list[tuple[int, int, str]]:
    """Named entities in normalised ``text``: ``(start, end, label)`` character offsets,
    label in :data:`LABELS`, in text order, non-overlapping."""
    if not text.strip():
        return []
    return _spans(load_model()(text))


def find_named_entities_batch(
    texts: list[str], batch_size: int = 16
) -> list[list[tuple[int, int, str]]]:
    """:func:`find_named_entities` for many texts, batched through ``nlp.pipe``."""
    nlp = load_model()
    return [_spans(doc) for doc in nlp.pipe(texts, batch_size=batch_size)]


class NamedEntityComponent:
    """spaCy component: the shipped model's entities over ``doc.text`` as ``doc.spans``.

    The host pipeline keeps its own tokenisation; each entity is snapped outwards to the
    host's token boundaries (identical offsets when the host uses ``spacy.blank("ar")``)."""

    def __init__(self, spans_key: str = SPANS_KEY) -> None:
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        for start, end, label in find_named_entities(doc_text(doc)):
            span = doc.char_span(start, end, label=label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc


@Language.factory("cc_ner", default_config={"spans_key": SPANS_KEY})
def make_cc_ner(nlp: Language, name: str, spans_key: str) -> NamedEntityComponent:
    return NamedEntityComponent(spans_key)
