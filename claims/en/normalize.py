"""English normalisation, in one place, with the map back to original offsets.

The English pipeline matches on this text and maps every span back through
:class:`claims.normalize.Normalized`, exactly as the Arabic pipeline does. Case is kept
(a capital tells a name from a word: "Chad", "Turkey"); lexicons are matched without
regard to case instead.

What is folded:
- typographic quotes and apostrophes to ASCII (’ ‘ ‚ ′ to ', “ ” „ ″ « » to "), so that
  "Niger’s" splits like "Niger's";
- dashes (‐ ‑ ‒ – — ―) and the minus sign to "-" when they join two words or figures
  ("mid‑December", "30–40"); a dash between spaces is kept as it is (it may set off a
  clause);
- no-break, thin and other spaces to a plain space;
- compatibility forms (ligatures such as "ﬁ", full-width digits) to their plain letters
  (NFKC);
- zero-width characters, soft hyphens, bidi marks and the byte-order mark: removed.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from claims.normalize import Normalized

_REMOVED = frozenset(
    [
        "\u00ad",  # soft hyphen
        "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060",
        "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
        "\u2066", "\u2067", "\u2068", "\u2069",
        "\ufeff",
    ]
)
_FOLDED = {
    "\u2019": "'", "\u2018": "'", "\u201a": "'", "\u2032": "'", "\u02bc": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ", "\u3000": " ",
}
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212")


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in _REMOVED:
        return ""
    if ch in _FOLDED:
        return _FOLDED[ch]
    if ch.isascii() or ch in _DASHES:
        return ch
    folded = unicodedata.normalize("NFKC", ch)
    # NFKC may expand to a space-led sequence (e.g. for some spacing marks): keep those.
    return folded if folded and not folded[0].isspace() else ch


def normalize_with_map(text: str) -> Normalized:
    """The normalised text of an English article and, per character, where it came from."""
    out: list[str] = []
    origin: list[int] = []
    n = len(text)
    for index, ch in enumerate(text):
        if ch in _DASHES:
            joined = 0 < index < n - 1 and text[index - 1].isalnum() and text[index + 1].isalnum()
            folded = "-" if joined else ch
        else:
            folded = _fold_char(ch)
        for piece in folded:
            out.append(piece)
            origin.append(index)
    return Normalized(original=text, text="".join(out), origin=tuple(origin))


def normalize(text: str) -> str:
    """Normalised text only (for lexicon entries and tests)."""
    return normalize_with_map(text).text


def is_normalized(text: str) -> bool:
    return normalize(text) == text
