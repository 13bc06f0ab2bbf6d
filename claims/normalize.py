"""Arabic normalisation, in exactly one place, with a map back to original offsets.

Every matcher in claimcheck runs on normalised text; every span it reports is mapped back
through :class:`Normalized` to the original article text. Lexicon entries are normalised
with the same function (a test checks that each entry already is).

What is folded:
- alef variants (أ إ آ ٱ) to bare alef, alef maqsura (ى) to ya, ta marbuta (ة) to ha;
- tatweel, harakat and Quranic marks, dagger alef: removed;
- Arabic-Indic and Persian digits to ASCII digits; Arabic decimal/thousands separators
  and percent sign to their ASCII forms;
- presentation forms (ligatures, contextual forms) to their base letters (NFKC);
- bidi control marks, zero-width joiners and BOM: removed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_REMOVED = frozenset(
    [chr(c) for c in range(0x064B, 0x0660)]  # harakat, shadda, sukun, madda/hamza marks
    + [chr(c) for c in range(0x06D6, 0x06EE)]  # Quranic annotation marks
    + [chr(c) for c in range(0x0610, 0x061B)]  # Arabic signs above/below
    + [
        "\u0670",  # dagger alef
        "\u0640",  # tatweel
        "\u061c",  # Arabic letter mark
        "\u200b", "\u200c", "\u200d", "\u200e", "\u200f",  # zero-width and LRM/RLM
        "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",  # embeddings and overrides
        "\u2066", "\u2067", "\u2068", "\u2069",  # isolates
        "\ufeff",  # BOM / zero-width no-break space
    ]
)

_FOLDED = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ی": "ي", "ې": "ي",
    "ة": "ه", "ۀ": "ه",
    "ک": "ك",
    "٫": ".", "٬": ",", "٪": "%", "٭": "*",
}
for _i in range(10):
    _FOLDED[chr(0x0660 + _i)] = str(_i)  # Arabic-Indic digits
    _FOLDED[chr(0x06F0 + _i)] = str(_i)  # Persian (extended Arabic-Indic) digits


def _is_presentation_form(ch: str) -> bool:
    code = ord(ch)
    return 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFE


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """The normalised replacement of one original character (possibly empty or longer)."""
    if ch in _REMOVED:
        return ""
    if _is_presentation_form(ch):
        expanded = unicodedata.normalize("NFKC", ch)
        if expanded == ch:  # no compatibility mapping (e.g. ornate parentheses)
            return _FOLDED.get(ch, ch)
        return "".join(_fold_char(c) for c in expanded if not c.isspace())
    return _FOLDED.get(ch, ch)


@dataclass(frozen=True)
class Normalized:
    """Normalised text plus, for each of its characters, the index of the original character
    it came from."""

    original: str
    text: str
    origin: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) range of the normalised text to the original text.

        The end is extended over characters that normalisation removed right after the
        range (a diacritic on the last letter belongs to the word)."""
        n = len(self.text)
        if not 0 <= start <= end <= n:
            raise ValueError(f"range {start}:{end} outside normalised text of length {n}")
        if start == end:
            pos = self.origin[start] if start < n else len(self.original)
            return pos, pos
        orig_start = self.origin[start]
        last = self.origin[end - 1]
        orig_end = self.origin[end] if end < n else len(self.original)
        if orig_end <= last:  # inside a ligature that expanded to several characters
            orig_end = last + 1
        return orig_start, orig_end

    def original_slice(self, start: int, end: int) -> str:
        s, e = self.to_original(start, end)
        return self.original[s:e]


def normalize_with_map(text: str) -> Normalized:
    out: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        folded = _fold_char(ch)
        for piece in folded:
            out.append(piece)
            origin.append(index)
    return Normalized(original=text, text="".join(out), origin=tuple(origin))


def normalize(text: str) -> str:
    """Normalised text only (for lexicon entries, queries and keys)."""
    return "".join(_fold_char(ch) for ch in text)


def is_normalized(text: str) -> bool:
    return normalize(text) == text
