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

Importing this module also registers the spaCy factory ``cc_ner``, which writes the
model's entities to ``doc.spans["ner"]``. In the extraction pipeline it runs right after
``cc_entities`` and only on the sentences where a name can still matter (see
:class:`NamedEntityComponent`); on a bare pipeline it runs on the whole ``doc.text``.
"""

from __future__ import annotations

import os
import threading
from bisect import bisect_right
from importlib import resources
from typing import TYPE_CHECKING

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from claims.sentences import SentenceInfo
from claims.tokenizer import doc_text

if TYPE_CHECKING:
    from claims.entities import EntitiesComponent
    from claims.events import EventsComponent

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
    """spaCy component: the shipped model's entities as ``doc.spans["ner"]``.

    The host pipeline keeps its own tokenisation; each entity is snapped outwards to the
    host's token boundaries (identical offsets when the host uses ``spacy.blank("ar")``).

    Gated mode (the extraction pipeline: ``cc_entities`` ran before this component and
    ``cc_sentences`` left its sentences): the model runs only on the sentences that

    - hold an event trigger candidate (the ``cc_events`` trigger lexicon or presence
      patterns; the assembler reads entities only in clauses that hold a trigger, so a
      name anywhere else never reaches a claim), and
    - have no place the gazetteer resolved (a mention with a key): there the gazetteer
      already fills the place, and it wins over the model anyway.

    Each selected sentence is one text for the model, as in training (one sentence per
    example); offsets are shifted back to the whole doc. The new names are then added to
    the ``cc_entities`` mentions (:func:`claims.entities.add_ner_mentions`) before the
    attribution and event taggers read them. Without those layers (a bare pipeline), or
    with ``gated=False``, the model runs on the whole doc and only ``doc.spans`` is set
    (``cc_entities``, if it runs later, consumes the spans itself)."""

    def __init__(
        self, nlp: Language | None = None, spans_key: str = SPANS_KEY, gated: bool = True
    ) -> None:
        self.nlp = nlp
        self.spans_key = spans_key
        self.gated = gated
        self._events: _TriggerFinder | None = None
        self._events_looked_up = False

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        entities = self._entities_component()
        sentences = doc.user_data.get("cc_sentences")
        mentions = doc.user_data.get("cc_entities")
        if entities is None or sentences is None or mentions is None:
            found = find_named_entities(text)
        else:
            if self.gated:
                ranges = [(s.start, s.end) for s in self.selected_sentences(doc)]
            else:
                ranges = [(0, len(text))]
            found = []
            batch = find_named_entities_batch([text[a:b] for a, b in ranges])
            for (offset, _), spans in zip(ranges, batch, strict=True):
                found.extend((offset + s, offset + e, label) for s, e, label in spans)
        doc.spans[self.spans_key] = self._to_spans(doc, found)
        if entities is not None and mentions is not None:
            from claims.entities import add_ner_mentions

            add_ner_mentions(doc, entities.gaz, self.spans_key)
        return doc

    def selected_sentences(self, doc: Doc) -> list[SentenceInfo]:
        """The sentences the gated component runs the model on (see the class docstring)."""
        sentences: list[SentenceInfo] = doc.user_data.get("cc_sentences", [])
        if not sentences:
            return []
        starts = [s.tok_start for s in sentences]

        def sentence_of(tok: int) -> int:
            return bisect_right(starts, tok) - 1

        resolved = {
            sentence_of(m.tok_start)
            for m in doc.user_data.get("cc_entities", [])
            if m.kind == "place" and m.key is not None
        }
        finder = self._trigger_finder()
        if finder is None:
            # No event tagger in this pipeline: every sentence may hold a claim.
            with_trigger = set(range(len(sentences)))
        else:
            with_trigger = {sentence_of(tok) for tok in finder(doc)}
        return [
            s
            for i, s in enumerate(sentences)
            if i in with_trigger and i not in resolved and s.end > s.start
        ]

    @staticmethod
    def _to_spans(doc: Doc, found: list[tuple[int, int, str]]) -> list[Span]:
        spans: list[Span] = []
        for start, end, label in found:
            span = doc.char_span(start, end, label=label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        return spans

    def _entities_component(self) -> EntitiesComponent | None:
        """``cc_entities`` if it runs before this component in the host pipeline."""
        if self.nlp is None:
            return None
        names = self.nlp.pipe_names
        if "cc_entities" not in names:
            return None
        mine = [n for n, c in self.nlp.pipeline if c is self]
        if mine and names.index("cc_entities") > names.index(mine[0]):
            return None
        from claims.entities import EntitiesComponent

        component = self.nlp.get_pipe("cc_entities")
        return component if isinstance(component, EntitiesComponent) else None

    def _trigger_finder(self) -> _TriggerFinder | None:
        # Looked up on first use: cc_events is added after this component.
        if not self._events_looked_up and self.nlp is not None:
            from claims.events import EventsComponent

            if "cc_events" in self.nlp.pipe_names:
                events = self.nlp.get_pipe("cc_events")
                if isinstance(events, EventsComponent):
                    self._events = _TriggerFinder(events)
            self._events_looked_up = True
        return self._events


class _TriggerFinder:
    """Token positions of event trigger candidates, from the event tagger's own lexicon
    (before it filters them: a superset of the triggers it will keep)."""

    def __init__(self, events: EventsComponent) -> None:
        self.events = events

    def __call__(self, doc: Doc) -> list[int]:
        toks = [m.start for m in self.events.lex.triggers(doc)]
        toks.extend(start for _, start, _ in self.events.presence(doc))
        return toks


@Language.factory("cc_ner", default_config={"spans_key": SPANS_KEY, "gated": True})
def make_cc_ner(nlp: Language, name: str, spans_key: str, gated: bool) -> NamedEntityComponent:
    return NamedEntityComponent(nlp, spans_key, gated)
