"""Attribution (who says so) and modality cues (negation, hedges, forecasts, plans).

``cc_attribution`` reads ``lexicon/ar/attribution.yaml`` and ``patterns/modality.jsonl``.
It finds reporting cues ("أعلنت", "ذكرت", "وفقا لـ", "مشيرا") with the source after them
and its kind: a gazetteer actor decides by its category (government, military ->
official; media -> media), otherwise the head noun does ("مصادر" -> anonymous,
"تقارير" -> media, "وزارة" -> official); "طلب عدم الكشف عن هويته" makes a named speaker
anonymous; a passive report ("ذُكر أن") has no source. The stretch from a cue to its
complementizer ("أن") is the report frame: a time inside it dates the report, not the
event ("ذكرت مصادر في سبتمبر 2024 أن ..."). The source is the name alone: it stops before
a time, drops a trailing "الي/عن", and after "وفقا/طبقا" leaves out the "ل" written on it
("وفقا للمركز الالماني" names "المركز الالماني"); after a preposition it runs to its comma.

Modality cues are stored with how far they reach: negation only a few tokens ("لم تتوجه")
and only to the first event after it, a denial verb further ("نفى ... انسحاب"); word
sequences that merely contain a negation word ("لا تزال", "لا يقل عن") are not negations.
A negation reaches further through "اي" to the event it quantifies ("لم تسجل السلطات حتي
الان اي انسحاب") and through a negated verb of outcome to what follows its marker ("لم
يسفر القصف عن سقوط ضحايا", the shelling itself not negated). The assembler decides per
claim.

Results: the layers :data:`claims.layers.REPORTING_CUES` and
:data:`claims.layers.MODALITY_CUES`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from claims import layers
from claims.clitics import clitics
from claims.entities import EntityMention
from claims.layers import Contract
from claims.model import Modality
from claims.resources import load_yaml
from claims.sentences import AnchoredMatcher, load_patterns
from claims.tokenizer import (
    LexMatch,
    MorphologyFile,
    TokenTable,
    VariantLexicon,
    doc_text,
    load_morphology,
    noun_variants,
    token_table,
    verb_variants,
)

ATTRIBUTION_FILE = "lexicon/ar/attribution.yaml"
MODALITY_PATTERNS_FILE = "patterns/modality.jsonl"

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
_FRONTED_SOURCE_MAX_TOKENS = 10  # "وفقا لـ X،": a fronted source runs to its comma
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
    # "first": only the first event after it; "all": every event in the window (a denial)
    scope: Literal["first", "all"] = "first"


class NegativePolarity(_Strict):
    words: list[str] = Field(min_length=1)
    window: int = Field(ge=0)
    reach_back: int = Field(ge=1)


class NegatedOutcome(_Strict):
    verbs: list[str] = Field(min_length=1)
    marker: str


class ModalityLexicon(_Strict):
    negation: list[NegationCue]
    negative_polarity: NegativePolarity
    negated_outcomes: list[NegatedOutcome] = Field(default_factory=list)
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
    clitic_prepositions: list[str] = Field(default_factory=list)
    source_trailing: list[str] = Field(default_factory=list)
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
    # the source runs to punctuation: "وفقا للمركز الالماني لابحاث علوم الارض، ..."
    source_closed: bool = False


@dataclass(frozen=True)
class ModalityCue:
    tok_start: int
    tok_end: int
    modality: Modality
    window: int  # tokens it reaches forward (0 = the whole clause after it)
    first_only: bool = False  # a negation reaching only the first event after it


@dataclass(frozen=True)
class _Cue:
    kind: str  # verb, participle, preposition
    denial: bool = False


@dataclass(frozen=True)
class _Mod:
    modality: str
    window: int
    first_only: bool = False


# --------------------------------------------------------------------------- lexicon


class AttributionLexicon:
    def __init__(self, data: AttributionFile, morph: MorphologyFile) -> None:
        self.data = data
        self.clitic_prepositions = frozenset(data.clitic_prepositions)
        self.trailing = frozenset(data.source_trailing)
        self.cues: VariantLexicon[_Cue] = VariantLexicon("reporting_cues")
        self.words: VariantLexicon[str] = VariantLexicon("attribution_words")
        self.modality: VariantLexicon[_Mod] = VariantLexicon("modality_cues")
        self.scope: VariantLexicon[str] = VariantLexicon("negation_scope")
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
                negation = _Mod("negated", cue.window, first_only=cue.scope == "first")
                _add_verbish(self.modality, word, negation, morph)
        for word in mod.negative_polarity.words:
            _add_verbish(self.scope, word, "any", morph)
        for outcome in mod.negated_outcomes:
            for word in outcome.verbs:
                _add_verbish(self.scope, word, "outcome:" + outcome.marker, morph)
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
        for lex in (self.cues, self.words, self.modality, self.scope):
            lex.build(vocab)


def _add_verbish(lex: VariantLexicon[T], word: str, payload: T, morph: MorphologyFile) -> None:
    tokens = word.split()
    for v in verb_variants(tokens[0], morph, object_suffixes=False):
        lex.add((v.text, *tokens[1:]), payload, v.clitic)


# --------------------------------------------------------------------------- component


class AttributionComponent:
    # The tokens of times and amounts are never sources or cues.
    contract: ClassVar[Contract] = Contract(
        provides=frozenset({"attribution", "modality"}),
        reads=(layers.SENTENCES, layers.ENTITIES),
        reads_if_present=(layers.TIME_SPANS, layers.QUANTITY_SPANS),
        writes=(layers.REPORTING_CUES, layers.MODALITY_CUES),
    )

    def __init__(
        self, lex: AttributionLexicon, vocab: Vocab, past_verbs: frozenset[str] = frozenset()
    ) -> None:
        self.lex = lex
        self.patterns = AnchoredMatcher(vocab, load_patterns(MODALITY_PATTERNS_FILE))
        # Past-tense event verbs ("تحطمت"): after "قد" they are "has indeed", not "may".
        self.past_verbs = past_verbs

    def __call__(self, doc: Doc) -> Doc:
        words = {m.start: m for m in self.lex.words(doc)}
        layers.REPORTING_CUES.set(doc, self._reporting(doc, words))
        layers.MODALITY_CUES.set(doc, self._modality(doc))
        return doc

    def _reporting(self, doc: Doc, words: dict[int, LexMatch[str]]) -> list[ReportCue]:
        entities = layers.ENTITIES.get(doc)
        anonymity = sorted(s for s, m in words.items() if m.payload == "anonymous")
        out: list[ReportCue] = []
        n = len(doc)
        table = token_table(doc)
        text = doc_text(doc)
        time_starts = {span.start for span in layers.TIME_SPANS.spans(doc)}
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
            closed = False
            speaker = (
                next(
                    (
                        r for r in reversed(out)
                        if r.source is not None and _sentence_end(doc, r.tok_start) == end_limit
                    ),
                    None,
                )
                if cue.kind == "participle"
                else None
            )
            if cue.kind == "participle":
                # "أكد ضابط ...، مشيرًا إلى وجود عدد قليل من الجنود": the participle's
                # subject is the sentence's speaker; what follows it is what is said
                if speaker is not None:
                    source, kind = speaker.source, speaker.kind
                    s_start, s_end = speaker.source_start, speaker.source_end
            elif not passive:
                reach = (
                    _FRONTED_SOURCE_MAX_TOKENS if cue.kind == "preposition" else _SOURCE_MAX_TOKENS
                )
                stop = min(end_limit, m.end + reach)
                if frame_end is not None:
                    stop = min(stop, frame_end)
                span_toks = [k for k in range(m.end, stop) if not table.space[k]]
                cut = next((j for j, k in enumerate(span_toks) if table.punct[k]), None)
                closed = cut is not None or stop == end_limit
                if cut is None and cue.kind == "preposition":
                    span_toks = span_toks[:_SOURCE_MAX_TOKENS]
                span_toks = self._source_tokens(span_toks[:cut], text, table, time_starts)
                first = words.get(span_toks[0]) if span_toks else None
                if first is not None and first.payload == "not_source":
                    passive = True  # "ذُكر في وقت سابق أن": no one is named
                elif span_toks:
                    s_start = table.idx[span_toks[0]]
                    s_end = table.end[span_toks[-1]]
                    cue_word = text[table.idx[m.start] + len(m.clitic) : table.end[m.end - 1]]
                    if cue.kind == "preposition" and cue_word in self.lex.clitic_prepositions:
                        s_start, source = _without_preposition(text, s_start, s_end)
                    else:
                        source = text[s_start:s_end]
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
                    source_closed=closed and source is not None,
                )
            )
        return out

    def _source_tokens(
        self, toks: list[int], text: str, table: TokenTable, time_starts: set[int]
    ) -> list[int]:
        """The source's tokens: up to a time expression ("اعلن الجيش اليوم السبت ..." names
        the army), without a trailing "الي"/"عن" before the "ان" ("اشارت الهيئه الي ان")."""
        at = next((j for j, k in enumerate(toks) if j and k in time_starts), None)
        if at is not None:
            toks = toks[:at]
        trailing = self.lex.trailing
        while len(toks) > 1 and text[table.idx[toks[-1]] : table.end[toks[-1]]] in trailing:
            toks = toks[:-1]
        return toks

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

    def _negation_scope(
        self, doc: Doc, negations: list[ModalityCue]
    ) -> tuple[list[ModalityCue], set[int]]:
        """Negations that reach further than their own window: through "اي" (any) to the
        event it quantifies, and through a negated verb of outcome ("لم يسفر ... عن") to
        what did not happen, stopping at punctuation. Returns the new cues and (by ``id``)
        the negations that then reach only their verb, not its subject."""
        narrowed: set[int] = set()
        if not negations:
            return [], narrowed
        polarity = self.lex.data.modality.negative_polarity
        table = token_table(doc)
        text = doc_text(doc)
        out: list[ModalityCue] = []
        for m in self.lex.scope(doc):
            before = [n for n in negations if n.tok_end <= m.start]
            if not before:
                continue
            neg = before[-1]
            if _phrase_end(table, neg.tok_end, m.start) < m.start:
                continue  # a comma or a full stop between: another phrase
            if m.payload == "any":
                if m.start - neg.tok_end <= polarity.reach_back:
                    out.append(ModalityCue(m.start, m.end, "negated", polarity.window, True))
                continue
            if m.start - neg.tok_end > 1:
                continue  # "لم يسفر": the negation stands right before the verb
            marker = m.payload.split(":", 1)[1]
            end = _phrase_end(table, m.end, _sentence_end(doc, m.start))
            at = next(
                (
                    k
                    for k in range(m.end, min(end, m.end + polarity.reach_back))
                    if text[table.idx[k] : table.end[k]] == marker
                ),
                None,
            )
            if at is not None and end > at + 1:
                out.append(ModalityCue(at, at + 1, "negated", end - at - 1, True))
                narrowed.add(id(neg))
        return out, narrowed

    def _modality(self, doc: Doc) -> list[ModalityCue]:
        out: list[ModalityCue] = []
        blocked: set[int] = set()
        matches = self.lex.modality(doc)
        for m in matches:
            if m.payload.modality == "none":
                blocked.update(range(m.start, m.end))
        # "ما لا يقل عن 70" is a bound, not a negation
        for span in layers.QUANTITY_SPANS.spans(doc):
            blocked.update(range(span.start, span.end))
        negations: list[ModalityCue] = []
        for m in matches:
            mod = m.payload.modality
            if mod == "none" or any(i in blocked for i in range(m.start, m.end)):
                continue
            cue = ModalityCue(
                m.start, m.end, _MODALITIES[mod], m.payload.window, m.payload.first_only
            )
            out.append(cue)
            if mod == "negated":
                negations.append(cue)
        scoped, narrowed = self._negation_scope(doc, negations)
        # "لم يسفر القصف عن": the negation is the verb's; the shelling did happen.
        out = [replace(c, window=0) if id(c) in narrowed else c for c in out] + scoped
        for _, start, end in self.patterns(doc):
            # "قد" before an imperfect verb: reaches that verb and a little beyond; a past
            # verb that merely starts like one ("فقد تحطمت الطائرة") is no hypothesis.
            if doc[end - 1].text in self.past_verbs:
                continue
            out.append(ModalityCue(start, start + 1, "hypothetical", end - start + 2))
        out.sort(key=lambda c: c.tok_start)
        return out


def _without_preposition(text: str, start: int, end: int) -> tuple[int, str]:
    """(start, source) with the preposition "ل" written on the source left out: "للمركز"
    names "المركز", "لهيئه" names "هيئه"."""
    name = text[start:end]
    c = clitics()
    if name.startswith(c.contracted) and len(name) > len(c.contracted):
        return start + len(c.contracted), c.article + name[len(c.contracted) :]
    if name.startswith(c.contracting) and len(name) > len(c.contracting):
        return start + len(c.contracting), name[len(c.contracting) :]
    return start, name


def _phrase_end(table: TokenTable, start: int, limit: int) -> int:
    """The first punctuation token at or after ``start`` (or ``limit``)."""
    for k in range(start, limit):
        if table.punct[k]:
            return k
    return limit


def _sentence_end(doc: Doc, i: int) -> int:
    for sent in layers.SENTENCES.get(doc):
        if sent.tok_start <= i < sent.tok_end:
            return int(sent.tok_end)
    return len(doc)


def _end_char(doc: Doc, tok_end: int) -> int:
    last = doc[tok_end - 1]
    return last.idx + len(last.text)


@Language.factory("cc_attribution")
def make_attribution(nlp: Language, name: str) -> AttributionComponent:
    from claims.events import load_events  # the event verbs; no import cycle at load

    lex = AttributionLexicon(load_attribution(), load_morphology())
    lex.build(nlp.vocab)
    past = frozenset(v for group in load_events().triggers for v in group.past)
    return AttributionComponent(lex, nlp.vocab, past)
