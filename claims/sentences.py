"""Sentences, lines, paragraphs and clauses.

``cc_sentences`` (first in the pipeline) splits on sentence punctuation (. ؟ ? ! ؛ ; and
ellipses) and on every line break, so headlines, bullet lines ("•") and table rows rendered
as lines are sentences of their own. A period is not a boundary inside a number (the
tokenizer keeps "3.5" whole) nor after a one-letter abbreviation ("د."). Each sentence
records its line, its paragraph (lines between blank lines), its section (text under one
heading line) and whether it is part of the headline (the first non-empty line).

``cc_clauses`` (after the event tagger) splits a sentence where it carries two claims
joined by a connector (patterns in ``patterns/clauses.jsonl``: "، و…", "، فيما", "، على أن",
"، بينما", "وأن"...) or by "و" glued to a verb trigger, and only when both sides have a
trigger of their own.

Results: the layers :data:`claims.layers.SENTENCES` (:class:`SentenceInfo`) and
:data:`claims.layers.CLAUSES` (:class:`ClauseInfo`), offsets in normalised text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy
from pydantic import BaseModel, ConfigDict
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from claims import layers
from claims.layers import Contract
from claims.resources import load_jsonl
from claims.tokenizer import (
    TokenTable,
    doc_text,
    load_morphology,
    starts_with_conjunction,
    token_table,
)

if TYPE_CHECKING:
    from claims.events import TriggerMention

CLAUSE_PATTERNS_FILE = "patterns/clauses.jsonl"

_HEADING_MAX_WORDS = 12
_BULLET_RE = re.compile(r"^\s*[•\-*–·▪●◦]")
_DIGIT_RE = re.compile(r"\d")


class SpacyPattern(BaseModel):
    """One line of a ``patterns/*.jsonl`` file (spaCy's Matcher/SpanRuler shape)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    id: str
    pattern: list[dict[str, Any]]


def load_patterns(relative: str) -> list[SpacyPattern]:
    return load_jsonl(relative, SpacyPattern)


class AnchoredMatcher:
    """A spaCy Matcher over ``patterns/*.jsonl`` that only looks where a pattern can start.

    spaCy's Matcher walks every token of the doc for every pattern; most of these patterns
    start with one of a few words ("خالية", "قد", a comma), so the doc's ORTH column is
    searched for those words at once (numpy) and the Matcher runs on a short window after
    each. A pattern whose first token is not a plain ORTH test makes it fall back to the
    whole doc."""

    def __init__(self, vocab: Vocab, patterns: list[SpacyPattern]) -> None:
        self.matcher = Matcher(vocab, validate=True)
        self.window = 1
        anchors: set[int] = set()
        self.anchored = True
        for p in patterns:
            self.matcher.add(p.id, [p.pattern])
            self.window = max(self.window, len(p.pattern))
            first = p.pattern[0]
            orth = first.get("ORTH")
            unbounded = any(t.get("OP") in ("*", "+") for t in p.pattern)
            if unbounded or set(first) - {"ORTH"} or orth is None:
                self.anchored = False  # no fixed start word or no fixed length
            elif isinstance(orth, str):
                anchors.add(vocab.strings.add(orth))
            elif isinstance(orth, dict) and set(orth) == {"IN"}:
                anchors.update(vocab.strings.add(w) for w in orth["IN"])
            else:
                self.anchored = False
        self.anchors = numpy.array(sorted(anchors), dtype="uint64")

    def __call__(self, doc: Doc) -> list[tuple[str, int, int]]:
        """(pattern id, start, end) for every match, in doc token offsets."""
        strings = doc.vocab.strings
        if not self.anchored:
            return [(strings[m], s, e) for m, s, e in self.matcher(doc)]
        if not len(doc):
            return []
        orth = doc.to_array("ORTH")
        out: list[tuple[str, int, int]] = []
        seen: set[tuple[int, int, int]] = set()
        for i in numpy.flatnonzero(numpy.isin(orth, self.anchors)).tolist():
            window = doc[i : min(len(doc), i + self.window)]
            for m, s, e in self.matcher(window):
                if s == 0 and (m, i, i + e) not in seen:
                    seen.add((m, i, i + e))
                    out.append((strings[m], i, i + e))
        return out


@dataclass(frozen=True)
class SentenceInfo:
    index: int
    tok_start: int
    tok_end: int
    start: int  # normalised character offsets, whitespace trimmed
    end: int
    line: int
    paragraph: int
    section: int
    headline: bool
    heading: bool  # its line looks like a heading (short, unpunctuated, before a paragraph)


@dataclass(frozen=True)
class ClauseInfo:
    index: int
    sentence: int
    tok_start: int
    tok_end: int
    start: int
    end: int


# --------------------------------------------------------------------------- sentences


class SentencesComponent:
    contract: ClassVar[Contract] = Contract(
        provides=frozenset({"sentence"}), writes=(layers.SENTENCES,)
    )

    def __call__(self, doc: Doc) -> Doc:
        table = token_table(doc)
        starts = _sentence_starts(doc_text(doc), table)
        if len(doc):
            flags = numpy.full((len(doc), 1), -1, dtype="int64").astype("uint64")
            flags[sorted(starts), 0] = 1
            doc.from_array([SENT_START], flags)  # type: ignore[arg-type]
        layers.SENTENCES.set(doc, _sentence_infos(doc, sorted(starts), table))
        return doc


# A run of sentence punctuation (closing quotes/brackets kept with it) before whitespace
# or the end, or a line break. "3.5" has no whitespace after its point.
_BOUNDARY_RE = re.compile(r"[.؟?!؛;…]+[\"”»)’']*(?=\s|$)|\n")


def _sentence_starts(text: str, table: TokenTable) -> set[int]:
    starts = {0}
    n = len(table.idx)
    for m in _BOUNDARY_RE.finditer(text):
        p = m.start()
        if (
            m.group() == "."
            and p >= 1
            and text[p - 1].isalpha()
            and (p < 2 or text[p - 2].isspace())
        ):
            continue  # "د." and other one-letter abbreviations
        k = bisect_left(table.idx, m.end())
        while k < n and table.space[k]:
            k += 1
        if k < n:
            starts.add(k)
    return starts


def _lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _sentence_infos(doc: Doc, starts: list[int], table: TokenTable) -> list[SentenceInfo]:
    text = doc_text(doc)
    lines = _lines(text)
    line_starts = [s for s, _ in lines]
    # Paragraph of each line: blank lines separate paragraphs.
    paragraph_of: list[int] = []
    paragraph, blank = 0, True
    first_content: int | None = None
    for i, (s, e) in enumerate(lines):
        empty = not text[s:e].strip()
        if not empty and blank and first_content is not None:
            paragraph += 1
        if not empty and first_content is None:
            first_content = i
        paragraph_of.append(paragraph)
        blank = empty
    headings = _heading_lines(text, lines, first_content)
    section_of: list[int] = []
    section = 0
    for i in range(len(lines)):
        if i in headings:
            section += 1
        section_of.append(section)

    infos: list[SentenceInfo] = []
    bounds = [*starts, len(doc)]
    for k in range(len(starts)):
        a, b = bounds[k], bounds[k + 1]
        extent = table.first_last(a, b)
        if extent is None:
            continue
        s, e = extent
        line = _line_of(s, line_starts)
        infos.append(
            SentenceInfo(
                index=len(infos),
                tok_start=a,
                tok_end=b,
                start=s,
                end=e,
                line=line,
                paragraph=paragraph_of[line],
                section=section_of[line],
                headline=line == first_content,
                heading=line in headings,
            )
        )
    return infos


def _line_of(offset: int, line_starts: list[int]) -> int:
    lo, hi = 0, len(line_starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if line_starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _heading_lines(text: str, lines: list[tuple[int, int]], first: int | None) -> set[int]:
    """Short unpunctuated lines followed by a longer paragraph: section headings."""
    out: set[int] = set()
    contents = [(i, text[s:e].strip()) for i, (s, e) in enumerate(lines) if text[s:e].strip()]
    for k, (i, line) in enumerate(contents):
        if i == first or k + 1 >= len(contents):
            continue
        words = line.split()
        if not words or len(words) > _HEADING_MAX_WORDS or line[-1] in ".؟?!:؛;،,":
            continue
        if _BULLET_RE.match(line) or _DIGIT_RE.search(line):
            continue
        following = contents[k + 1][1]
        if len(following.split()) >= 2 * len(words) and following[-1] in ".؟?!:؛;":
            out.add(i)
    return out


@Language.factory("cc_sentences")
def make_sentences(nlp: Language, name: str) -> SentencesComponent:
    return SentencesComponent()


# --------------------------------------------------------------------------- clauses


class ClausesComponent:
    """Splits sentences into clauses at connectors, where each side has a trigger."""

    contract: ClassVar[Contract] = Contract(
        reads=(layers.SENTENCES, layers.TRIGGERS),
        writes=(layers.SOFT_BREAKS, layers.CLAUSES, layers.CLAUSE_SPANS),
    )

    def __init__(self, nlp: Language) -> None:
        patterns = load_patterns(CLAUSE_PATTERNS_FILE)
        self.morph = load_morphology()
        self.matcher = AnchoredMatcher(nlp.vocab, patterns)
        self.after_comma: set[str] = set()
        for p in patterns:
            first = p.pattern[0].get("ORTH")
            if isinstance(first, dict) and "," in first.get("IN", []):
                self.after_comma.add(p.id)

    def __call__(self, doc: Doc) -> Doc:
        sentences = layers.SENTENCES.get(doc)
        table = token_table(doc)
        triggers = layers.TRIGGERS.get(doc)
        trigger_starts = sorted(t.tok_start for t in triggers)
        splits: set[int] = set()
        for key, start, _ in self.matcher(doc):
            splits.add(start + 1 if key in self.after_comma else start)
        splits |= self.verb_splits(doc, triggers)
        clauses: list[ClauseInfo] = []
        # Every connector, split or not: slots after one do not belong to a trigger before
        # it (the assembler reads these).
        layers.SOFT_BREAKS.set(doc, sorted(splits))
        for sent in sentences:
            cuts = [sent.tok_start]
            candidates = sorted(x for x in splits if sent.tok_start < x < sent.tok_end)
            for k, cut in enumerate(candidates):
                # Both sides need a trigger: the part since the last split and the part up
                # to the next connector ("A، حيث B، وأن C": B without one stays with A).
                nxt = candidates[k + 1] if k + 1 < len(candidates) else sent.tok_end
                left = _count_in(trigger_starts, cuts[-1], cut)
                right = _count_in(trigger_starts, cut, nxt)
                if left and right:
                    cuts.append(cut)
            cuts.append(sent.tok_end)
            for a, b in zip(cuts, cuts[1:], strict=False):
                extent = table.first_last(a, b, skip_punct_first=True)
                if extent is None:
                    continue
                clauses.append(ClauseInfo(len(clauses), sent.index, a, b, *extent))
        layers.CLAUSES.set(doc, clauses)
        layers.CLAUSE_SPANS.set(doc, [Span(doc, c.tok_start, c.tok_end) for c in clauses])
        return doc


    def verb_splits(self, doc: Doc, triggers: list[TriggerMention]) -> set[int]:
        """Where "and" joins a verb trigger to what comes before it ("... ويبقى منها"):
        in Arabic the "و" is glued to the verb."""
        return {
            t.tok_start
            for t in triggers
            if t.tense in ("past", "present", "future")
            and starts_with_conjunction(t.clitic, self.morph)
        }


def _count_in(sorted_positions: list[int], start: int, end: int) -> int:
    return bisect_left(sorted_positions, end) - bisect_left(sorted_positions, start)


@Language.factory("cc_clauses")
def make_clauses(nlp: Language, name: str) -> ClausesComponent:
    return ClausesComponent(nlp)
