"""Phrase lexicons for English: the Arabic :class:`~claims.tokenizer.VariantLexicon`
without the clitic expansion, tokenized like the text and matched without regard to case.

Arabic glues clitics to words, so each Arabic entry is expanded into its surface forms;
English writes them apart, so an entry is one phrase, split by the pipeline's own tokenizer
(so that "U.S." or "Niger's" split in the entry as in the text). Matching is on the
lower-case words, except for entries marked ``exact``: those match only as written (a
one-word place name, "Chad" and not "chad").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

from spacy.tokens import Doc
from spacy.vocab import Vocab

from claims import layers
from claims.tokenizer import (
    LexMatch,
    VariantLexicon,
    length_index,
    longest_matches,
    token_words,
)

P = TypeVar("P")
Tokenize = Callable[[str], Doc]


class PhraseLexicon(VariantLexicon[P], Generic[P]):
    """English phrases -> payloads, leftmost-longest: entries matched without regard to
    case, and ``exact`` entries matched only as written."""

    def __init__(self, name: str, tokenize: Tokenize) -> None:
        super().__init__(name)
        self.tokenize = tokenize
        self._exact: dict[tuple[str, ...], P] = {}
        self._exact_lengths: dict[str, tuple[int, ...]] | None = None

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

    def build(self, vocab: Vocab | None = None) -> None:
        super().build(vocab)
        self._exact_lengths = length_index(self._exact)

    def __call__(self, doc: Doc) -> list[LexMatch[P]]:
        if self._lengths is None or self._exact_lengths is None:
            raise RuntimeError(f"lexicon {self.name} used before build()")
        words = token_words(doc)
        lowered = lowered_words(doc)
        # Both readings, then leftmost-longest over them (a folded entry first on a tie).
        hits: list[tuple[int, int, P]] = [
            (start, end, found[0])
            for start, end, found in longest_matches(lowered, self._table, self._lengths)
        ]
        hits.extend(longest_matches(words, self._exact, self._exact_lengths))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        out: list[LexMatch[P]] = []
        taken_until = -1
        for start, end, payload in hits:
            if start < taken_until:
                continue
            out.append(LexMatch(start, end, payload, ""))
            taken_until = end
        return out


def lowered_words(doc: Doc) -> list[str]:
    """The lower-case text of every token, read once per doc."""
    cached = layers.LOWER_WORDS.find(doc)
    if isinstance(cached, list):
        return cached
    lowered = [word.lower() for word in token_words(doc)]
    layers.LOWER_WORDS.set(doc, lowered)
    return lowered
