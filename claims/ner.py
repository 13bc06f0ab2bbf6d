"""Statistical named-entity recognition for Arabic: actors and places no gazetteer lists.

The model is a linear-chain CRF (python-crfsuite) over hand-written token features, trained
by this project on the ANERcorp news corpus, with two resources built from other open
corpora: name lists (WikiFANE, AQMAR, Wojood) and word clusters learned without labels
(see ``docs/ner-model.md``). Model and resources are shipped as package data in
``claims/ner_model``, loaded lazily, once per process, on the first call; nothing is
downloaded.

Input is text already normalised with :func:`claims.normalize.normalize` (the model was
trained on normalised tokens); offsets are character offsets into that normalised text,
to be mapped back with :meth:`claims.normalize.Normalized.to_original`. Labels are coarse:
PER, ORG, LOC, MISC. As in the training data, a span covers whole tokens, so an attached
proclitic stays inside it ("bi-l-Iraq", in Iraq, is one LOC token).

Training (``checker.ner_training``) and run time share :func:`token_features`, so a token
is described the same way in both.

Importing this module also registers the spaCy factory ``cc_ner``, which writes the
model's entities to ``doc.spans["ner"]``. In the extraction pipeline it runs right after
``cc_entities`` and only on the sentences where a name can still matter (see
:class:`NamedEntityComponent`); on a bare pipeline it runs on the whole doc.
"""

from __future__ import annotations

import json
import os
import threading
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import pycrfsuite
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from claims import layers
from claims.layers import Contract
from claims.sentences import SentenceInfo

if TYPE_CHECKING:
    from claims.entities import EntitiesComponent
    from claims.events import EventsComponent

MODEL_PACKAGE = "claims"
MODEL_DIR = "ner_model"
MODEL_FILE = "model.crfsuite"
AUXILIARY_FILE = "auxiliary.crfsuite"
RESOURCES_FILE = "resources.json"
LABELS = ("PER", "ORG", "LOC", "MISC")
SPANS_KEY = layers.NER_SPANS.key

CONTEXT = 3  # neighbouring tokens described on each side
SENTENCE_END = frozenset({".", "!", "?", "؟"})
MAX_NAME_TOKENS = 4  # the longest name carried from one sentence to another (consistent)


class NerModelMissing(RuntimeError):
    """The trained model is not in the package (run ``make train-ner``)."""


@dataclass(frozen=True)
class NerResources:
    """What the features read besides the tokens, keyed by bare form (:func:`bare`).

    - ``names``: the label name lists give a form (built from corpora the main model is
      not trained on);
    - ``seen``: the label a form had in the main model's own training data;
    - ``clusters``: the form's word cluster at each of ``granularities``;
    - ``proclitics``: what :func:`bare` strips, longest first (part of the model: the
      features were learnt with it; set in the training config)."""

    proclitics: tuple[str, ...]
    names: dict[str, str]
    seen: dict[str, str]
    clusters: dict[str, list[int]]
    granularities: tuple[int, ...]

    @classmethod
    def from_json(cls, data: dict) -> NerResources:
        return cls(
            proclitics=tuple(data["proclitics"]),
            names=dict(data["names"]),
            seen=dict(data["seen"]),
            clusters={k: list(v) for k, v in data["clusters"].items()},
            granularities=tuple(data["granularities"]),
        )

    def to_json(self) -> dict:
        return {
            "proclitics": list(self.proclitics),
            "granularities": list(self.granularities),
            "names": dict(sorted(self.names.items())),
            "seen": dict(sorted(self.seen.items())),
            "clusters": dict(sorted(self.clusters.items())),
        }


def bare(word: str, proclitics: Sequence[str]) -> tuple[str, str]:
    """``word`` without the first of ``proclitics`` it starts with, if at least two letters
    remain, and that proclitic: ("بالعراق") -> ("عراق", "بال")."""
    for clitic in proclitics:
        if word.startswith(clitic) and len(word) - len(clitic) >= 2:
            return word[len(clitic):], clitic
    return word, ""


def token_features(words: Sequence[str], res: NerResources) -> list[list[str]]:
    """The plain CRF features of each token of one sentence (normalised words): its form,
    bare form, proclitics, affixes, shape, the words around it and the word clusters of
    itself and its neighbours. What the auxiliary model reads."""
    forms = [bare(w, res.proclitics) for w in words]
    bares = [b for b, _ in forms]
    clusters = [res.clusters.get(b) for b in bares]
    n = len(words)
    out: list[list[str]] = []
    for i, word in enumerate(words):
        b, clitic = forms[i]
        f = ["bias", "w=" + word, "s=" + b, "cl=" + clitic, f"len={min(len(b), 10)}"]
        for k in (1, 2, 3, 4):
            if len(b) > k:
                f.append(f"p{k}={b[:k]}")
                f.append(f"x{k}={b[-k:]}")
        if any(c.isascii() and c.isalpha() for c in word):
            f.append("latin")
        if any(c.isdigit() for c in word):
            f.append("digit")
        if i == 0:
            f.append("BOS")
        if i == n - 1:
            f.append("EOS")
        for off in range(-CONTEXT, CONTEXT + 1):
            j = i + off
            if off == 0:
                continue
            if not 0 <= j < n:
                f.append(f"{off}pad")
                continue
            f.append(f"{off}w={words[j]}")
            f.append(f"{off}s={bares[j]}")
            if abs(off) == 1:
                f.append(f"{off}x2={bares[j][-2:]}")
                f.append(f"{off}p2={bares[j][:2]}")
        if i > 0:
            f.append(f"bg-={words[i - 1]}|{b}")
        if i < n - 1:
            f.append(f"bg+={b}|{words[i + 1]}")
        for off in (-1, 0, 1):
            j = i + off
            ids = clusters[j] if 0 <= j < n else None
            if ids is not None:
                f.extend(f"{off}c{g}={c}" for g, c in zip(res.granularities, ids, strict=True))
        out.append(f)
    return out


def main_features(
    plain: Sequence[list[str]],
    words: Sequence[str],
    res: NerResources,
    *,
    seen: Mapping[str, str],
    auxiliary: Sequence[str],
) -> list[list[str]]:
    """The main model's features: the plain ones (:func:`token_features`, computed once
    and shared with the auxiliary model), plus the label the name lists and ``seen`` give
    each token and its neighbours, and the auxiliary model's tags around it."""
    bares = [bare(w, res.proclitics)[0] for w in words]
    n = len(words)
    out: list[list[str]] = []
    for i, word in enumerate(words):
        f = list(plain[i])
        for key, table in (("g", res.names), ("jk", seen)):
            for off in (-1, 0, 1):
                j = i + off
                label = table.get(bares[j]) if 0 <= j < n else None
                if label is None and off == 0:
                    label = table.get(word)
                if label:
                    f.append(f"{off}{key}={label}")
        f.append("wk=" + auxiliary[i])
        if i > 0:
            f.append("wk-1=" + auxiliary[i - 1])
        if i < n - 1:
            f.append("wk+1=" + auxiliary[i + 1])
        out.append(f)
    return out


def bio_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Token spans ``[start, end)`` with labels from BIO tags; an ``I-`` that does not
    continue an entity of its label opens one."""
    spans: list[tuple[int, int, str]] = []
    start, label = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        continues = tag.startswith("I-") and tag[2:] == label
        if start >= 0 and not continues:
            spans.append((start, i, label))
            start, label = -1, ""
        if tag != "O" and not continues:
            start, label = i, tag[2:]
    return spans


class NerModel:
    """The two CRF taggers and their resources: the auxiliary model's tags are features of
    the main model. Thread-safe: a tagger holds the sequence being tagged, so each thread
    gets its own, opened from the same model files."""

    def __init__(self, main_path: str, auxiliary_path: str, res: NerResources) -> None:
        self.paths = {"main": main_path, "auxiliary": auxiliary_path}
        self.resources = res
        self._local = threading.local()
        self._tagger("main")  # fail now, not on first use, if a file is unreadable
        self._tagger("auxiliary")

    def _tagger(self, which: str) -> pycrfsuite.Tagger:
        taggers: dict[str, pycrfsuite.Tagger] = self._local.__dict__.setdefault("taggers", {})
        if which not in taggers:
            tagger = pycrfsuite.Tagger()
            tagger.open(self.paths[which])
            taggers[which] = tagger
        return taggers[which]

    @property
    def labels(self) -> list[str]:
        return sorted({tag[2:] for tag in self._tagger("main").labels() if tag != "O"})

    def tag(self, words: Sequence[str]) -> list[str]:
        """BIO tags of one sentence."""
        if not words:
            return []
        res = self.resources
        plain = token_features(words, res)
        auxiliary = self._tagger("auxiliary").tag(plain)
        features = main_features(plain, words, res, seen=res.seen, auxiliary=auxiliary)
        return list(self._tagger("main").tag(features))

    def spans(self, words: Sequence[str]) -> list[tuple[int, int, str]]:
        """Entity token spans of one sentence."""
        return bio_spans(self.tag(words))


_lock = threading.Lock()
_model: NerModel | None = None
_files = ExitStack()  # keeps a zipped install's extracted files for the process


def load_model() -> NerModel:
    """The shipped NER model, loaded on first use and shared by the whole process."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = _load()
    return _model


def _load() -> NerModel:
    return load_dir(resources.files(MODEL_PACKAGE).joinpath(MODEL_DIR))


def load_dir(root: Traversable | os.PathLike[str]) -> NerModel:
    """A model from a folder of ``model.crfsuite``, ``auxiliary.crfsuite`` and
    ``resources.json`` (the package's own, or one ``make train-ner`` wrote)."""
    folder: Traversable = root if isinstance(root, Traversable) else Path(root)
    missing = [f for f in (MODEL_FILE, AUXILIARY_FILE, RESOURCES_FILE)
               if not folder.joinpath(f).is_file()]
    if missing:
        raise NerModelMissing(f"no trained model in {folder}: {', '.join(missing)} missing")
    res = NerResources.from_json(json.loads(folder.joinpath(RESOURCES_FILE).read_text("utf-8")))
    paths = []
    for name in (MODEL_FILE, AUXILIARY_FILE):
        file = folder.joinpath(name)
        if not isinstance(file, os.PathLike):
            # A zipped install: crfsuite opens a file by name, so keep an extracted copy.
            file = _files.enter_context(resources.as_file(file))
        paths.append(os.fspath(file))
    return NerModel(paths[0], paths[1], res)


_tokenizer_lock = threading.Lock()
_blank: Language | None = None


def _tokenize(text: str) -> Doc:
    global _blank
    with _tokenizer_lock:
        if _blank is None:
            _blank = spacy.blank("ar")
        return _blank.make_doc(text)


def sentences_of(tokens: Sequence[str]) -> Iterator[tuple[int, int]]:
    """Token ranges ``[start, end)`` of the sentences in a run of tokens: a sentence ends
    after final punctuation or at a line break (whitespace tokens are left out)."""
    start = 0
    for i, tok in enumerate(tokens):
        if not tok.strip():
            if start < i:
                yield start, i
            start = i + 1
        elif tok in SENTENCE_END:
            yield start, i + 1
            start = i + 1
    if start < len(tokens):
        yield start, len(tokens)


def consistent(
    sentences: Sequence[Sequence[str]],
    spans: Sequence[Sequence[tuple[int, int, str]]],
    proclitics: Sequence[str],
) -> list[list[tuple[int, int, str]]]:
    """Label consistency within one text: a name the model tagged in one sentence is also a
    name where the same words recur untagged (a bank tagged in the lead and missed three
    sentences later), with the label it was tagged with most often. A part of a name (a
    surname alone) is not carried. Names are compared by bare forms (:func:`bare`), up to
    :data:`MAX_NAME_TOKENS` tokens, longest first; a one-token name needs at least three
    letters. ``spans``: per sentence, the model's token spans; returns them with the
    recurrences added, in token order."""
    labels: dict[tuple[str, ...], Counter[str]] = {}
    bares = [[bare(w, proclitics)[0] for w in words] for words in sentences]
    for forms, found in zip(bares, spans, strict=True):
        for start, end, label in found:
            if end - start <= MAX_NAME_TOKENS:
                labels.setdefault(tuple(forms[start:end]), Counter())[label] += 1
    out: list[list[tuple[int, int, str]]] = []
    for forms, found in zip(bares, spans, strict=True):
        tagged = {i for start, end, _ in found for i in range(start, end)}
        added: list[tuple[int, int, str]] = []
        i = 0
        while i < len(forms):
            for size in range(min(MAX_NAME_TOKENS, len(forms) - i), 0, -1):
                key = tuple(forms[i : i + size])
                if (key in labels and (size > 1 or len(key[0]) > 2)
                        and not tagged.intersection(range(i, i + size))):
                    added.append((i, i + size, labels[key].most_common(1)[0][0]))
                    i += size
                    break
            else:
                i += 1
        out.append(sorted([*found, *added]))
    return out


def _doc_spans(
    doc: Doc, ranges: Sequence[tuple[int, int]] | None = None, model: NerModel | None = None
) -> list[Span]:
    """Entity spans over the token ranges of ``doc`` (default: all of it), tagged sentence
    by sentence, then made consistent across all of them (:func:`consistent`)."""
    model = model or load_model()
    starts: list[int] = []
    sentences: list[list[str]] = []
    for first, last in ranges if ranges is not None else [(0, len(doc))]:
        words = [t.text for t in doc[first:last]]
        for a, b in sentences_of(words):
            starts.append(first + a)
            sentences.append(words[a:b])
    found = consistent(
        sentences, [model.spans(words) for words in sentences], model.resources.proclitics
    )
    return [
        Span(doc, offset + s, offset + e, label=label)
        for offset, spans in zip(starts, found, strict=True)
        for s, e, label in spans
    ]


def find_named_entities(text: str, model: NerModel | None = None) -> list[tuple[int, int, str]]:
    """Named entities in normalised ``text``: ``(start, end, label)`` character offsets,
    label in :data:`LABELS`, in text order, non-overlapping. ``model``: the shipped one
    unless given."""
    if not text.strip():
        return []
    doc = _tokenize(text)
    return [(s.start_char, s.end_char, s.label_) for s in _doc_spans(doc, model=model)]


class NamedEntityComponent:
    """spaCy component: the shipped model's entities as ``doc.spans["ner"]``.

    The model tags the host's own tokens, sentence by sentence (a sentence ends after
    final punctuation or at a line break), so its spans are host spans.

    Gated mode (the extraction pipeline: ``cc_entities`` ran before this component and
    ``cc_sentences`` left its sentences): the model runs only on the sentences that

    - hold an event trigger candidate (the ``cc_events`` trigger lexicon or presence
      patterns; the assembler reads entities only in clauses that hold a trigger, so a
      name anywhere else never reaches a claim), and
    - have no place the gazetteer resolved (a mention with a key): there the gazetteer
      already fills the place, and it wins over the model anyway.

    Each selected sentence is tagged on its own, as in training (one sentence per
    example). The new names are then added to
    the ``cc_entities`` mentions (:func:`claims.entities.add_ner_mentions`) before the
    attribution and event taggers read them. Without those layers (a bare pipeline), or
    with ``gated=False``, the model runs on the whole doc and only ``doc.spans`` is set
    (``cc_entities``, if it runs later, consumes the spans itself)."""

    # In the extraction pipeline (gated, after cc_entities); it writes the spans under
    # its configured key, the NER_SPANS layer by default.
    contract: ClassVar[Contract] = Contract(
        reads=(layers.SENTENCES, layers.ENTITIES),
        writes=(layers.NER_SPANS, layers.ENTITIES, layers.ENTITY_SPANS),
    )

    def __init__(
        self, nlp: Language | None = None, spans_key: str = SPANS_KEY, gated: bool = True
    ) -> None:
        self.nlp = nlp
        self.spans_key = spans_key
        self.gated = gated
        self._events: _TriggerFinder | None = None
        self._events_looked_up = False

    def __call__(self, doc: Doc) -> Doc:
        entities = self._entities_component()
        sentences = layers.SENTENCES.find(doc)
        mentions = layers.ENTITIES.find(doc)
        if entities is None or sentences is None or mentions is None:
            found = _doc_spans(doc)
        else:
            if self.gated:
                ranges = [(s.tok_start, s.tok_end) for s in self.selected_sentences(doc)]
            else:
                ranges = [(0, len(doc))]
            found = _doc_spans(doc, ranges)
        doc.spans[self.spans_key] = found
        if entities is not None and mentions is not None:
            from claims.entities import add_ner_mentions

            add_ner_mentions(doc, entities.gaz, self.spans_key)
        return doc

    def selected_sentences(self, doc: Doc) -> list[SentenceInfo]:
        """The sentences the gated component runs the model on (see the class docstring)."""
        sentences = layers.SENTENCES.get(doc)
        if not sentences:
            return []
        starts = [s.tok_start for s in sentences]

        def sentence_of(tok: int) -> int:
            return bisect_right(starts, tok) - 1

        resolved = {
            sentence_of(m.tok_start)
            for m in layers.ENTITIES.get(doc)
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
