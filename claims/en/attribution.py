"""Attribution (who says so) and modality cues in English text.

``cc_attribution`` for English reads ``lexicon/en/attribution.yaml`` (the Arabic schema
plus ``determiners``) and leaves what the Arabic unit leaves
(:class:`claims.attribution.ReportCue`, :class:`claims.attribution.ModalityCue`), so the
claim assembler reads both languages alike. English word order differs:

- the source stands before its verb ("the ministry said", "Police said"), after it after a
  comma or a quote ("..., said the ministry") or after a preposition at either end of the
  sentence ("according to the ministry");
- a reporting clause after what it reports ("At least 265 people were killed, police
  said on Saturday.") covers the sentence before it (``kind_of_cue="postposed"``, which
  the assembler reads as it reads a trailing "according to"); its frame runs to the end of
  the sentence, so "on Saturday" there dates the report, not the deaths;
- before what it reports, the frame runs from the verb to "that" or, without one, to the
  first word of the reported clause.

The kind of the source is the Arabic rule: a gazetteer actor decides by its category,
otherwise the first source noun ("officials" anonymous, "ministry" official, "reports"
media); "on condition of anonymity" makes it anonymous. Modality cues (negation, hedges,
forecasts, plans) work as in Arabic; the words of a bound ("no fewer than") or a date
("May 15") are never cues.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from spacy.lang.en import English
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from claims import layers
from claims.attribution import (
    _CATEGORY_KIND,
    _MODALITIES,
    _SOURCE_KINDS,
    AttributionComponent,
    AttributionFile,
    ModalityCue,
    ReportCue,
    SourceKind,
    _Cue,
    _Mod,
    _phrase_end,
    _sentence_end,
)
from claims.en.lexicon import PhraseLexicon, Tokenize
from claims.entities import EntityMention
from claims.layers import Contract
from claims.resources import load_yaml
from claims.tokenizer import LexMatch, TokenTable, doc_text, token_table

__all__ = ["EnglishAttributionFile"]

ATTRIBUTION_FILE = "lexicon/en/attribution.yaml"

_SOURCE_MAX_TOKENS = 8
_FRONTED_SOURCE_MAX_TOKENS = 10
_FRAME_MAX_TOKENS = 15
_OPENERS = frozenset({'"', "'", "(", "[", "—", "-", "–", ":"})


class EnglishAttributionFile(AttributionFile):
    """Schema of ``lexicon/en/attribution.yaml``."""

    determiners: list[str]
    passive_auxiliaries: list[str]


def load_english_attribution() -> EnglishAttributionFile:
    return load_yaml(ATTRIBUTION_FILE, EnglishAttributionFile)


@dataclass(frozen=True)
class _Lexicons:
    cues: PhraseLexicon[_Cue]
    words: PhraseLexicon[str]
    modality: PhraseLexicon[_Mod]
    scope: PhraseLexicon[str]


def _lexicons(data: EnglishAttributionFile, tokenize: Tokenize) -> _Lexicons:
    cues: PhraseLexicon[_Cue] = PhraseLexicon("reporting_cues", tokenize)
    words: PhraseLexicon[str] = PhraseLexicon("attribution_words", tokenize)
    modality: PhraseLexicon[_Mod] = PhraseLexicon("modality_cues", tokenize)
    scope: PhraseLexicon[str] = PhraseLexicon("negation_scope", tokenize)
    denials = set(data.denial_verbs)
    rc = data.reporting_cues
    for kind, forms in (
        ("verb", rc.verbs),
        ("participle", rc.participles),
        ("preposition", rc.prepositions),
    ):
        for word in forms:
            cues.add_phrase(word, _Cue(kind, denial=word in denials))
    cues.add_phrases(data.passive_reports, _Cue("passive"))
    for kind_name, nouns in data.source_nouns.items():
        words.add_phrases(nouns, f"source:{kind_name}")
    words.add_phrases(data.anonymity_markers, "anonymous")
    words.add_phrases(data.complementizers, "complementizer")
    mod = data.modality
    modality.add_phrases(mod.not_negation, _Mod("none", 0))
    for cue in mod.negation:
        modality.add_phrases(
            cue.words, _Mod("negated", cue.window, first_only=cue.scope == "first")
        )
    scope.add_phrases(mod.negative_polarity.words, "any")
    for outcome in mod.negated_outcomes:
        scope.add_phrases(outcome.verbs, "outcome:" + outcome.marker)
    for name, forms in (
        ("hypothetical", mod.hypothetical),
        ("expected", mod.expected),
        ("planned", mod.planned),
    ):
        modality.add_phrases(forms, _Mod(name, 0))
    return _Lexicons(cues, words, modality, scope)


class EnglishAttribution:
    contract: ClassVar[Contract] = AttributionComponent.contract

    def __init__(self, data: EnglishAttributionFile, tokenize: Tokenize, vocab: Vocab) -> None:
        self.data = data
        self.lex = _lexicons(data, tokenize)
        for lexicon in (self.lex.cues, self.lex.words, self.lex.modality, self.lex.scope):
            lexicon.build(vocab)
        self.determiners = frozenset(d.lower() for d in data.determiners)
        self.not_source = frozenset(w.lower() for w in data.not_source_starts)
        self.trailing = frozenset(w.lower() for w in data.source_trailing)
        self.passive_auxiliaries = frozenset(w.lower() for w in data.passive_auxiliaries)

    def __call__(self, doc: Doc) -> Doc:
        words = {m.start: m for m in self.lex.words(doc)}
        layers.REPORTING_CUES.set(doc, self._reporting(doc, words))
        layers.MODALITY_CUES.set(doc, self._modality(doc))
        return doc

    # ------------------------------------------------------------------ reporting

    def _reporting(self, doc: Doc, words: dict[int, LexMatch[str]]) -> list[ReportCue]:
        entities = layers.ENTITIES.get(doc)
        anonymity = sorted(s for s, m in words.items() if m.payload == "anonymous")
        table = token_table(doc)
        text = doc_text(doc)
        blocked = _value_tokens(doc)
        sentence_starts = {s.tok_start for s in layers.SENTENCES.get(doc)}
        out: list[ReportCue] = []
        for m in self.lex.cues(doc):
            cue = m.payload
            if any(i in blocked for i in range(m.start, m.end)):
                continue
            end_limit = _sentence_end(doc, m.start)
            start_limit = max((s for s in sentence_starts if s <= m.start), default=0)
            frame_end: int | None = None
            for i in range(m.end, min(end_limit, m.end + _FRAME_MAX_TOKENS)):
                w = words.get(i)
                if w is not None and w.payload == "complementizer":
                    frame_end = i
                    break
            kind_of_cue = cue.kind
            source_toks: list[int] = []
            closed = False
            passive = cue.kind == "passive"
            if cue.kind == "preposition":
                stop = min(end_limit, m.end + _FRONTED_SOURCE_MAX_TOKENS)
                toks = [k for k in range(m.end, stop) if not table.space[k]]
                cut = next((j for j, k in enumerate(toks) if table.punct[k]), None)
                closed = cut is not None or stop == end_limit
                source_toks = self._trim(toks[:cut] if cut is not None else toks[:6], text, table,
                                         blocked)
            elif cue.kind == "verb" and self._after_auxiliary(m.start, start_limit, table, text):
                passive = True  # "no casualties were reported": nobody is named
            elif cue.kind in ("verb", "participle"):
                before, edge = self._source_before(doc, m.start, start_limit, table, blocked)
                opener = _opener_before(edge, start_limit, table, text)
                if before and cue.kind == "verb":
                    source_toks = before
                    if opener and not self._reports_after(doc, m.end, end_limit, table, blocked):
                        kind_of_cue = "postposed"
                elif cue.kind == "verb" and opener:
                    # "..., said the ministry": an inverted source after the verb.
                    stop = min(end_limit, m.end + _SOURCE_MAX_TOKENS)
                    toks = [k for k in range(m.end, stop) if not table.space[k]]
                    cut = next((j for j, k in enumerate(toks) if table.punct[k]), None)
                    toks = toks[:cut] if cut is not None else toks
                    if toks and text[table.idx[toks[0]] : table.end[toks[0]]].lower() \
                            not in self.not_source:
                        source_toks = self._trim(toks, text, table, blocked)
                        kind_of_cue = "postposed"
                if kind_of_cue == "postposed":
                    frame_end = end_limit  # a time after it dates the report
                elif frame_end is None and cue.kind == "verb":
                    frame_end = self._clause_start(doc, m.end, end_limit, table, blocked)
            source: str | None = None
            s_start, s_end = table.idx[m.start], table.end[m.end - 1]
            kind: SourceKind = "unknown"
            if source_toks and not passive:
                s_start, s_end = table.idx[source_toks[0]], table.end[source_toks[-1]]
                source = text[s_start:s_end]
                kind = _kind(source_toks[0], source_toks[-1] + 1, entities, words)
            if any(min(m.start, source_toks[0] if source_toks else m.start) <= a < end_limit
                   for a in anonymity):
                kind = "anonymous"
            out.append(
                ReportCue(
                    m.start,
                    m.end,
                    text[table.idx[m.start] : table.end[m.end - 1]],
                    source,
                    s_start,
                    s_end,
                    kind,
                    frame_end,
                    passive or (cue.kind != "preposition" and source is None),
                    cue.denial,
                    kind_of_cue,
                    source_closed=closed and source is not None,
                )
            )
        return out

    def _after_auxiliary(self, cue: int, floor: int, table: TokenTable, text: str) -> bool:
        """A passive reporting verb ("were reported", "has been confirmed")."""
        k = cue - 1
        while k >= floor and table.space[k]:
            k -= 1
        return k >= floor and text[table.idx[k] : table.end[k]].lower() in self.passive_auxiliaries

    def _source_before(
        self, doc: Doc, cue: int, floor: int, table: TokenTable, blocked: set[int]
    ) -> tuple[list[int], int]:
        """The noun phrase right before a reporting verb ("the ministry", "Central
        Command chief Gen. Michael Kurilla"), a time between them left out ("the ministry
        on Saturday said"), and the first token of the phrase as written ("the")."""
        text = doc_text(doc)
        toks: list[int] = []
        k = cue - 1
        while k >= floor and (table.space[k] or k in blocked):
            k -= 1  # "the army on Saturday said"
        while k >= floor and len(toks) < _SOURCE_MAX_TOKENS:
            if table.space[k]:
                k -= 1
                continue
            word = text[table.idx[k] : table.end[k]].lower()
            if table.punct[k] or k in blocked or word in self.trailing and not toks:
                break
            if word in ("that", "which", "who", "but", "as", "while", "when"):
                break
            if word == "and" and not (toks and text[table.idx[toks[-1]]].isupper()):
                break  # "the US and Niger's ministry said": two sources, one phrase
            toks.append(k)
            k -= 1
        toks.reverse()
        return self._trim(toks, text, table, blocked), (toks[0] if toks else cue)

    def _trim(
        self, toks: list[int], text: str, table: TokenTable, blocked: set[int]
    ) -> list[int]:
        """A source's tokens without a leading determiner, a time inside it and the
        words that close a reporting phrase ("told reporters on Saturday")."""
        at = next((j for j, k in enumerate(toks) if j and k in blocked), None)
        if at is not None:
            toks = toks[:at]
        while toks and text[table.idx[toks[0]] : table.end[toks[0]]].lower() in self.determiners:
            toks = toks[1:]
        while len(toks) > 1 and text[table.idx[toks[-1]] : table.end[toks[-1]]].lower() \
                in self.trailing:
            toks = toks[:-1]
        return toks

    @staticmethod
    def _reports_after(
        doc: Doc, start: int, limit: int, table: TokenTable, blocked: set[int]
    ) -> bool:
        """Whether words other than a time or a short prepositional phrase ("in a
        statement", "on X") follow the verb in its sentence: then it introduces what it
        reports rather than closing it."""
        text = doc_text(doc)
        rest = [k for k in range(start, limit) if not table.space[k] and not table.punct[k]]
        rest = [k for k in rest if k not in blocked]
        words = [text[table.idx[k] : table.end[k]].lower() for k in rest]
        return len(words) > 4 and words[0] not in ("in", "on", "at", "to", "during")

    @staticmethod
    def _clause_start(
        doc: Doc, start: int, limit: int, table: TokenTable, blocked: set[int]
    ) -> int | None:
        """The first token of the reported clause after a verb without "that": past a
        time ("said on Saturday the troops had left") and an indirect object ("told
        reporters")."""
        k = start
        while k < limit and (table.space[k] or k in blocked):
            k += 1
        return k if k < limit else None

    # ------------------------------------------------------------------ modality

    def _negation_scope(
        self, doc: Doc, negations: list[ModalityCue]
    ) -> tuple[list[ModalityCue], set[int]]:
        narrowed: set[int] = set()
        if not negations:
            return [], narrowed
        polarity = self.data.modality.negative_polarity
        table = token_table(doc)
        text = doc_text(doc)
        out: list[ModalityCue] = []
        for m in self.lex.scope(doc):
            before = [n for n in negations if n.tok_end <= m.start]
            if not before:
                continue
            neg = before[-1]
            if _phrase_end(table, neg.tok_end, m.start) < m.start:
                continue
            if m.payload == "any":
                if m.start - neg.tok_end <= polarity.reach_back:
                    out.append(ModalityCue(m.start, m.end, "negated", polarity.window, True))
                continue
            if m.start - neg.tok_end > 2:
                continue  # "did not result", "no reports": the negation is right before
            marker = m.payload.split(":", 1)[1]
            end = _phrase_end(table, m.end, _sentence_end(doc, m.start))
            at = next(
                (
                    k
                    for k in range(m.end, min(end, m.end + polarity.reach_back))
                    if text[table.idx[k] : table.end[k]].lower() == marker
                ),
                None,
            )
            if at is not None and end > at + 1:
                out.append(ModalityCue(at, at + 1, "negated", end - at - 1, True))
                narrowed.add(id(neg))
        return out, narrowed

    def _modality(self, doc: Doc) -> list[ModalityCue]:
        out: list[ModalityCue] = []
        blocked = _value_tokens(doc)
        matches = self.lex.modality(doc)
        for m in matches:
            if m.payload.modality == "none":
                blocked.update(range(m.start, m.end))
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
        out = [replace(c, window=0) if id(c) in narrowed else c for c in out] + scoped
        out.sort(key=lambda c: c.tok_start)
        return out


def _value_tokens(doc: Doc) -> set[int]:
    """Tokens of times and quantities: "May 15" is no hedge, "no fewer than" no negation,
    "on Saturday" no source."""
    out: set[int] = set()
    for layer in (layers.TIME_SPANS, layers.QUANTITY_SPANS):
        for span in layer.spans(doc):
            out.update(range(span.start, span.end))
    return out


def _opener_before(tok: int, floor: int, table: TokenTable, text: str) -> bool:
    """Whether a comma, a quote or a dash stands right before ``tok`` in its sentence (a
    reporting clause after what it reports), or the sentence starts with a quote."""
    k = tok - 1
    while k >= floor and table.space[k]:
        k -= 1
    if k < floor:
        return False
    word = text[table.idx[k] : table.end[k]]
    return word in (",", *_OPENERS) or (table.punct[k] and word not in (".", "!", "?"))


def _kind(
    start: int, end: int, entities: list[EntityMention], words: dict[int, LexMatch[str]]
) -> SourceKind:
    for e in entities:
        if e.kind == "actor" and e.category and e.tok_start < end and e.tok_end > start:
            return _CATEGORY_KIND.get(e.category, "unknown")
    for i in range(start, end):
        w = words.get(i)
        if w is not None and w.payload.startswith("source:"):
            return _SOURCE_KINDS.get(w.payload.split(":", 1)[1], "unknown")
    return "unknown"


@English.factory("cc_attribution")
def make_attribution(nlp: Language, name: str) -> EnglishAttribution:
    return EnglishAttribution(load_english_attribution(), nlp.make_doc, nlp.vocab)
