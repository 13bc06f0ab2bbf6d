"""Attribution (who says so) and modality cues (negation, hedges, forecasts, plans).

``cc_attribution`` reads ``lexicon/ar/attribution.yaml`` and ``patterns/modality.jsonl``.
It finds reporting cues ("أعلنت", "ذكرت", "وفقا لـ", "مشيرا") with the source after them
and its kind: a gazetteer actor decides by its category (government, military ->
official; media -> media), otherwise the head noun does ("مصادر" -> anonymous,
"تقارير" -> media, "وزارة" -> official); "طلب عدم الكشف عن هويته" makes a named speaker
anonymous; a passive report ("ذُكر أن") has no source. The stretch from a cue to its
complementizer ("أن") is the report frame: a time inside it dates the report, not the
event ("ذكرت مصادر في سبتمبر 2024 أن ...").

Modality cues are stored with how far they reach: negation only a few tokens ("لم تتوجه"),
a denial verb further ("نفى ... انسحاب"); word sequences that merely contain a negation
word ("لا تزال", "لا يقل عن") are not negations. The assembler decides per claim.

Results: ``doc.user_data["cc_reporting_cues"]`` and ``doc.user_data["cc_modality_cues"]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from claims.entities import EntityMention
from claims.model import Modality
from claims.resources import load_yaml
from claims.sentences import AnchoredMatcher, load_patterns
from claims.tokenizer import (
    LexMatch,
    MorphologyFile,
    VariantLexicon,
    doc_text,
    load_morphology,
    noun_variants,
    token_table,
    verb_variants,
)

ATTRIBUTION_FILE = "lexicon/ar/attribution.yaml"
MODALITY_PATTERNS_FILE = "patterns/modality.jsonl"
REPORTING_KEY = "cc_reporting_cues"
MODALITY_KEY = "cc_modality_cues"

PROVIDES: frozenset[str] = frozenset({"attribution", "modality"})
REQUIRES: frozenset[str] = frozenset({"sentences", "entities"})
PRODUCES: frozenset[str] = frozenset({"reporting_cues", "modality_cues"})

SourceKind = Literal["official", "anonymous", "media", "unknown"]
T = TypeVar("T")
_SOURCE_KINDS: dict[str, SourceKind] = {
    "official": "official",
    "anonymous": "anonymous",
    "media": "media",
}
_MODALITIES: dict[str, Modality] = {
    "negated": "negated",
    "hypothetical": "hypothetical",
    "expected": "expected",
    "planned": "planned",
}
_SOURCE_MAX_TOKENS = 6
_FRAME_MAX_TOKENS = 15
_CATEGORY_KIND: dict[str, SourceKind] = {
    "government": "official",
    "military": "official",
    "organization": "official",
    "armed_group": "official",
    "media": "media",
    "other": "unknown",
}


# --------------------------------------------------------------------------- schema


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReportingCues(_Strict):
    verbs: list[str]
    participles: list[str]
    prepositions: list[str]


class NegationCue(_Strict):
    words: list[str] = Field(min_length=1)
    window: int = Field(ge=1)


class ModalityLexicon(_Strict):
    negation: list[NegationCue]
    not_negation: list[str]
    hypothetical: list[str]
    expected: list[str]
    planned: list[str]


class AttributionFile(_Strict):
    """Schema of ``lexicon/ar/attribution.yaml``."""

    version: int
    reporting_cues: ReportingCues
    denial_verbs: list[str]
    source_nouns: dict[Literal["official", "anonymous", "media"], list[str]]
    anonymity_markers: list[str]
    passive_reports: list[str]
    complementizers: list[str]
    not_source_starts: list[str]
    modality: ModalityLexicon
    modality_priority: list[Literal["negated", "hypothetical", "expected", "planned", "reported"]]


def load_attribution() -> AttributionFile:
    return load_yaml(ATTRIBUTION_FILE, AttributionFile)


# --------------------------------------------------------------------------- mentions


@dataclass(frozen=True)
class ReportCue:
    tok_start: int
    tok_end: int
    cue: str
    source: str | None
    source_start: int  # normalised char offsets of the source (or of the cue if none)
    source_end: int
    kind: SourceKind
    frame_end: int | None  # token index of the complementizer closing the frame
    passive: bool
    denial: bool
    kind_of_cue: str = "verb"  # verb, participle, preposition or passive


@dataclass(frozen=True)
class ModalityCue:
    tok_start: int
    tok_end: int
    modality: Modality
    window: int  # tokens it reaches forward (0 = the whole clause after it)


@dataclass(frozen=True)
class _Cue:
    kind: str  # verb, participle, preposition
    denial: bool = False


@dataclass(frozen=True)
class _Mod:
    modality: str
    window: int


# --------------------------------------------------------------------------- lexicon


class AttributionLexicon:
    def __init__(self, data: AttributionFile, morph: MorphologyFile) -> None:
        self.data = data
        self.cues: VariantLexicon[_Cue] = VariantLexicon("reporting_cues")
        self.words: VariantLexicon[str] = VariantLexicon("attribution_words")
        self.modality: VariantLexicon[_Mod] = VariantLexicon("modality_cues")
        denials = set(data.denial_verbs)
        rc = data.reporting_cues
        for kind, words in (
            ("verb", rc.verbs),
            ("participle", rc.participles),
            ("preposition", rc.prepositions),
        ):
            for word in words:
                payload = _Cue(kind, denial=word in denials)
                _add_verbish(self.cues, word, payload, morph)
        for word in data.passive_reports:
            _add_verbish(self.cues, word, _Cue("passive"), morph)
        for kind_name, words in data.source_nouns.items():
            for word in words:
                first = word.split()[0]
                for v in noun_variants(first, morph, definite=True, suffixes=False):
                    self.words.add((v.text, *word.split()[1:]), f"source:{kind_name}", v.clitic)
        for word in data.anonymity_markers:
            _add_verbish(self.words, word, "anonymous", morph)
        for word in data.complementizers:
            _add_verbish(self.words, word, "complementizer", morph)
        for word in data.not_source_starts:
            _add_verbish(self.words, word, "not_source", morph)
        mod = data.modality
        for word in mod.not_negation:
            _add_verbish(self.modality, word, _Mod("none", 0), morph)
        for cue in mod.negation:
            for word in cue.words:
                _add_verbish(self.modality, word, _Mod("negated", cue.window), morph)
        for name, words in (
            ("hypothetical", mod.hypothetical),
            ("expected", mod.expected),
            ("planned", mod.planned),
        ):
            for word in words:
                tokens = word.split()
                first = tokens[0]
                variants = noun_variants(first, morph, definite=False, suffixes=False)
                for v in variants:
                    self.modality.add((v.text, *tokens[1:]), _Mod(name, 0), v.clitic)

    def build(self, vocab: Vocab) -> None:
        for lex in (self.cues, self.words, self.modality):
            lex.build(vocab)


def _add_verbish(lex: VariantLexicon[T], word: str, payload: T, morph: MorphologyFile) -> None:
    tokens = word.split()
    for v in verb_variants(tokens[0], morph, object_suffixes=False):
        lex.add((v.text, *tokens[1:]), payload, v.clitic)


# --------------------------------------------------------------------------- component


class AttributionComponent:
    def __init__(self, lex: AttributionLexicon, vocab: Vocab) -> None:
        self.lex = lex
        self.patterns = AnchoredMatcher(vocab, load_patterns(MODALITY_PATTERNS_FILE))

    def __call__(self, doc: Doc) -> Doc:
        words = {m.start: m for m in self.lex.words(doc)}
        doc.user_data[REPORTING_KEY] = self._reporting(doc, words)
        doc.user_data[MODALITY_KEY] = self._modality(doc)
        return doc

    def _reporting(self, doc: Doc, words: dict[int, LexMatch[str]]) -> list[ReportCue]:
        entities: list[EntityMention] = doc.user_data.get("cc_entities", [])
        anonymity = sorted(s for s, m in words.items() if m.payload == "anonymous")
        out: list[ReportCue] = []
        n = len(doc)
        for m in self.lex.cues(doc):
            cue = m.payload
            end_limit = _sentence_end(doc, m.start)
            frame_end: int | None = None
            for i in range(m.end, min(end_limit, m.end + _FRAME_MAX_TOKENS)):
                w = words.get(i)
                if w is not None and w.payload == "complementizer":
                    frame_end = i
                    break
            nxt = m.end
            passive = cue.kind == "passive" or (
                cue.kind == "verb"
                and nxt < n
                and (w := words.get(nxt)) is not None
                and w.payload == "complementizer"
            )
            source: str | None = None
            # without a source the span is the cue itself
            s_start, s_end = doc[m.start].idx, _end_char(doc, m.end)
            kind: SourceKind = "unknown"
            if not passive:
                stop = min(end_limit, m.end + _SOURCE_MAX_TOKENS)
                if frame_end is not None:
                    stop = min(stop, frame_end)
                table = token_table(doc)
                span_toks = [k for k in range(m.end, stop) if not table.space[k]]
                cut = next((j for j, k in enumerate(span_toks) if table.punct[k]), len(span_toks))
                span_toks = span_toks[:cut]
                first = words.get(span_toks[0]) if span_toks else None
                if first is not None and first.payload == "not_source":
                    passive = True  # "ذُكر في وقت سابق أن": no one is named
                elif span_toks:
                    s_start = table.idx[span_toks[0]]
                    s_end = table.end[span_toks[-1]]
                    source = doc_text(doc)[s_start:s_end]
                    # the cue itself may name the kind ("نقلت وكالة رويترز")
                    kind = self._kind(m.start, span_toks[-1] + 1, entities, words)
            if any(m.end <= a < end_limit for a in anonymity):
                kind = "anonymous"
            out.append(
                ReportCue(
                    m.start,
                    m.end,
                    doc_text(doc)[doc[m.start].idx : _end_char(doc, m.end)],
                    source,
                    s_start,
                    s_end,
                    kind,
                    frame_end,
                    passive,
                    cue.denial,
                    cue.kind,
                )
            )
        return out

    def _kind(
        self,
        start: int,
        end: int,
        entities: list[EntityMention],
        words: dict[int, LexMatch[str]],
    ) -> SourceKind:
        """A gazetteer actor in the span decides by its category; else the first source
        noun ("مصادر", "تقارير", "وزارة")."""
        for e in entities:
            if e.kind == "actor" and e.category and e.tok_start < end and e.tok_end > start:
                return _CATEGORY_KIND.get(e.category, "unknown")
        for i in range(start, end):
            w = words.get(i)
            if w is not None and w.payload.startswith("source:"):
                return _SOURCE_KINDS.get(w.payload.split(":", 1)[1], "unknown")
        return "unknown"

    def _modality(self, doc: Doc) -> list[ModalityCue]:
        out: list[ModalityCue] = []
        blocked: set[int] = set()
        matches = self.lex.modality(doc)
        for m in matches:
            if m.payload.modality == "none":
                blocked.update(range(m.start, m.end))
        if "quantities" in doc.spans:  # "ما لا يقل عن 70" is a bound, not a negation
            for span in doc.spans["quantities"]:
                blocked.update(range(span.start, span.end))
        for m in matches:
            mod = m.payload.modality
            if mod == "none" or any(i in blocked for i in range(m.start, m.end)):
                continue
            out.append(ModalityCue(m.start, m.end, _MODALITIES[mod], m.payload.window))
        for _, start, end in self.patterns(doc):
            # "قد" before an imperfect verb: reaches that verb and a little beyond.
            out.append(ModalityCue(start, start + 1, "hypothetical", end - start + 2))
        out.sort(key=lambda c: c.tok_start)
        return out


def _sentence_end(doc: Doc, i: int) -> int:
    for sent in doc.user_data.get("cc_sentences", []):
        if sent.tok_start <= i < sent.tok_end:
            return int(sent.tok_end)
    return len(doc)


def _end_char(doc: Doc, tok_end: int) -> int:
    last = doc[tok_end - 1]
    return last.idx + len(last.text)


@Language.factory("cc_attribution")
def make_attribution(nlp: Language, name: str) -> AttributionComponent:
    lex = AttributionLexicon(load_attribution(), load_morphology())
    lex.build(nlp.vocab)
    return AttributionComponent(lex, nlp.vocab)
