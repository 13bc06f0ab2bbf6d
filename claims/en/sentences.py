"""English sentences and clauses: the Arabic units of :mod:`claims.sentences` with English
data.

``cc_sentences`` splits where the Arabic one does (sentence punctuation before a space,
every line break), except after an abbreviation that a name, number or date follows
("Gen. Smith", "Sept. 15", "No. 4"; ``lexicon/en/sentences.yaml``), after an initial ("John
F. Kennedy"), and after "U.S."-like abbreviations when the next word is lower case or a
figure ("U.S. troops"). The records it leaves (:class:`~claims.sentences.SentenceInfo`:
lines, paragraphs, sections, headline) are built by the same code as the Arabic ones.

``cc_clauses`` is the Arabic clause splitter with English connectors
(``patterns/en/clauses.jsonl``: ", and", ", while", "; "...): a sentence is split only
where both sides carry a trigger.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar

import numpy
from spacy.attrs import SENT_START
from spacy.lang.en import English
from spacy.language import Language
from spacy.tokens import Doc

from claims import layers
from claims.layers import Contract
from claims.lexicon.schemas import en_sentences_lexicon
from claims.sentences import (
    AnchoredMatcher,
    ClausesComponent,
    _sentence_infos,
    _sentence_starts,
    load_patterns,
)

if TYPE_CHECKING:
    from claims.events import TriggerMention
from claims.tokenizer import doc_text, load_morphology, token_table

__all__ = ["EnglishClauses", "EnglishSentences"]

CLAUSE_PATTERNS_FILE = "patterns/en/clauses.jsonl"


@lru_cache(maxsize=1)
def _abbreviations() -> tuple[frozenset[str], frozenset[str]]:
    lex = en_sentences_lexicon()
    return frozenset(lex.abbreviations), frozenset(lex.ambiguous_abbreviations)


def _kept_start(doc: Doc, start: int) -> bool:
    """Whether a sentence start found by the Arabic rules is one in English: not after an
    abbreviation or an initial that the next word belongs with."""
    text = doc_text(doc)
    table = token_table(doc)
    prev = start - 1
    while prev >= 0 and table.space[prev]:
        prev -= 1
    if prev < 0:
        return True
    word = text[table.idx[prev] : table.end[prev]]
    if "\n" in text[table.end[prev] : table.idx[start]]:
        return True  # a line break always ends a sentence
    lower = word.lower()
    always, ambiguous = _abbreviations()
    if lower in always:
        return False
    if len(word) == 2 and word[0].isupper() and word[1] == ".":
        return False  # an initial: "John F. Kennedy"
    if lower in ambiguous:
        nxt = text[table.idx[start] : table.end[start]]
        return not (nxt[:1].islower() or nxt[:1].isdigit())
    return True


class EnglishSentences:
    contract: ClassVar[Contract] = Contract(
        provides=frozenset({"sentence"}), writes=(layers.SENTENCES,)
    )

    def __call__(self, doc: Doc) -> Doc:
        table = token_table(doc)
        starts = {s for s in _sentence_starts(doc_text(doc), table) if _kept_start(doc, s)}
        starts.add(0)
        if len(doc):
            flags = numpy.full((len(doc), 1), -1, dtype="int64").astype("uint64")
            flags[sorted(starts), 0] = 1
            doc.from_array([SENT_START], flags)  # type: ignore[arg-type]
        layers.SENTENCES.set(doc, _sentence_infos(doc, sorted(starts), table))
        return doc


class EnglishClauses(ClausesComponent):
    """The Arabic clause splitter with English connectors. English writes "and" apart
    from the verb, so the split before a verb with a glued "و" never applies."""

    def __init__(self, nlp: Language) -> None:
        patterns = load_patterns(CLAUSE_PATTERNS_FILE)
        self.morph = load_morphology()  # read only for glued conjunctions: none in English
        self.matcher = AnchoredMatcher(nlp.vocab, patterns)
        self.after_comma = set()
        for p in patterns:
            first = p.pattern[0].get("ORTH")
            if isinstance(first, dict) and "," in first.get("IN", []):
                self.after_comma.add(p.id)

    def verb_splits(self, doc: Doc, triggers: list[TriggerMention]) -> set[int]:
        """ "and" right before a verb trigger ("took off at 1:38 pm and crashed"): the
        English form of the Arabic "و" glued to the verb."""
        return {
            t.tok_start
            for t in triggers
            if t.tense in ("past", "present", "future")
            and t.tok_start > 0
            and doc[t.tok_start - 1].lower_ == "and"
        }


@English.factory("cc_sentences")
def make_sentences(nlp: Language, name: str) -> EnglishSentences:
    return EnglishSentences()


@English.factory("cc_clauses")
def make_clauses(nlp: Language, name: str) -> EnglishClauses:
    return EnglishClauses(nlp)
