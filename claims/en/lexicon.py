"""Phrase lexicons for English: the Arabic :class:`~claims.tokenizer.VariantLexicon`
without the clitic expansion, tokenized like the text and matched without regard to case.

Arabic glues clitics to words, so each Arabic entry is expanded into its surface forms;
English writes them apart, so an entry is one phrase, split by the pipeline's own tokenizer
(so that "U.S." or "Niger's" split in the entry as in the text). Matching is on the LOWER
attribute, except for entries marked ``exact``: those match only as written (a one-word
place name, "Chad" and not "chad").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from claims.tokenizer import LexMatch, VariantLexicon, doc_text, token_table

P = TypeVar("P")
Tokenize = Callable[[str], Doc]


class PhraseLexicon(VariantLexicon[P], Generic[P]):
    """English phrases -> payloads, leftmost-longest, one PhraseMatcher per case mode."""

    def __init__(self, name: str, tokenize: Tokenize) -> None:
        super().__init__(name)
        self.tokenize = tokenize
        self._exact: dict[tuple[str, ...], P] = {}
        self._exact_matcher: PhraseMatcher | None = None

    def words(self, phrase: str) -> tuple[str, ...]:
        return tuple(t.text for t in self.tokenize(phrase) if not t.is_space)

    def add_phrase(self, phrase: str, payload: P, *, exact: bool = False) -> None:
        """Add one entry; ``exact`` entries match only with the same letter case."""
        tokens = self.words(phrase)
        if not tokens:
            return
        if exact:
            self._exact.setdefault(tokens, payload)
        else:
            self.add(tuple(t.lower() for t in tokens), payload)

    def add_phrases(self, phrases: Iterable[str], payload: P, *, exact: bool = False) -> None:
        for phrase in phrases:
            self.add_phrase(phrase, payload, exact=exact)

    def build(self, vocab: Vocab) -> None:
        folded = PhraseMatcher(vocab, attr="LOWER")
        docs = [Doc(vocab, words=list(t), spaces=[True] * len(t)) for t in self._table]
        if docs:
            folded.add(self.name, docs)
        self._matcher = folded
        exact = PhraseMatcher(vocab, attr="ORTH")
        exact_docs = [Doc(vocab, words=list(t), spaces=[True] * len(t)) for t in self._exact]
        if exact_docs:
            exact.add(self.name + "_exact", exact_docs)
        self._exact_matcher = exact

    def __call__(self, doc: Doc) -> list[LexMatch[P]]:
        if self._matcher is None or self._exact_matcher is None:
            raise RuntimeError(f"lexicon {self.name} used before build()")
        text = doc_text(doc)
        table = token_table(doc)
        hits: list[tuple[int, int, P]] = []
        for _, start, end in self._matcher(doc):
            key = tuple(text[table.idx[i] : table.end[i]].lower() for i in range(start, end))
            found = self._table.get(key)
            if found is not None:
                hits.append((start, end, found[0]))
        for _, start, end in self._exact_matcher(doc):
            key = tuple(text[table.idx[i] : table.end[i]] for i in range(start, end))
            if key in self._exact:
                hits.append((start, end, self._exact[key]))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        out: list[LexMatch[P]] = []
        taken_until = -1
        for start, end, payload in hits:
            if start < taken_until:
                continue
            out.append(LexMatch(start, end, payload, ""))
            taken_until = end
        return out
