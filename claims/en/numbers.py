"""English numbers: figures with separators, number words, scales and vague amounts.

Number words ("two hundred sixty-five", "twenty-eight") are read by the text2num library
(:func:`text_to_num.text2num`, which ships its tables in its wheel); figures with
separators by the Arabic module's :func:`claims.numbers.parse_digits` ("21,404,029",
"56.07"). What text2num does not read comes from ``lexicon/en/numbers.yaml``: scale words
after a figure ("2.5 million"), "dozen" and the article before a scale ("a dozen", "a
hundred"), fractions ("half a million") and vague amounts ("hundreds", "several").

:func:`find_numbers` scans normalised English text and returns
:class:`claims.numbers.NumberMatch` records, the shape the Arabic quantity tagger uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from text_to_num import text2num

from claims.lexicon.schemas import en_numbers_lexicon
from claims.numbers import NumberMatch, alternation, parse_digits

_W = r"(?<![\w.,])"
_E = r"(?![\w])"
_TOKEN = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*|\S+")
_LANG = "en"


def _cased(forms: list[str]) -> list[str]:
    """Forms as written, with a capital, and in capitals (headlines)."""
    out: list[str] = []
    for form in forms:
        out += [form, form[:1].upper() + form[1:], form.upper()]
    return list(dict.fromkeys(out))


def word_value(words: str) -> float | None:
    """The value of a run of number words ("two hundred and five" -> 205), or None."""
    cleaned = " ".join(words.replace("-", " ").split()).lower()
    if not cleaned or cleaned in ("and", "a", "an"):
        return None
    try:
        return float(text2num(cleaned, _LANG))
    except ValueError:
        return None


@dataclass(frozen=True)
class _Vocab:
    scales: dict[str, float]
    articles: frozenset[str]
    fractions: dict[str, float]
    vague: dict[str, tuple[float, float | None, bool, bool]]
    figure_re: re.Pattern[str]
    vague_re: re.Pattern[str]
    scale_after_re: re.Pattern[str]


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    lex = en_numbers_lexicon()
    scales = {f.lower(): s.value for s in lex.scales for f in s.forms}
    fractions = {f.lower(): fr.value for fr in lex.fractions for f in fr.forms}
    vague = {
        f.lower(): (v.low, v.high, v.needs_unit, v.scalable) for v in lex.vague for f in v.forms
    }
    scale_alt = alternation(_cased(list(scales)))
    fraction_alt = alternation(_cased(list(fractions)))
    return _Vocab(
        scales=scales,
        articles=frozenset(a.lower() for a in lex.scale_articles),
        fractions=fractions,
        vague=vague,
        # "21,404,029", "56.07", "2.5 million", "40-year-old" is left to the caller
        figure_re=re.compile(
            rf"{_W}(?P<n>\d+(?:[.,]\d+)*)(?:\s+(?:and\s+(?P<frac>{fraction_alt})\s+)?"
            rf"(?P<scale>{scale_alt}){_E})?"
        ),
        vague_re=re.compile(
            rf"(?<![\w-])(?P<v>{alternation(_cased(list(vague)))})"
            rf"(?:\s+of\s+(?P<vs>{alternation(_cased([s + 's' for s in scales]))}))?{_E}"
        ),
        scale_after_re=re.compile(rf"\s+(?P<scale>{scale_alt}){_E}"),
    )


def _read_words(text: str) -> float | None:
    """A run of words read as one number, allowing what text2num leaves out: an article
    or "one" before a scale ("a dozen"), "dozen" as a scale ("two dozen"), a fraction
    ("half a million", "one and a half million")."""
    v = _vocab()
    words = text.replace("-", " ").lower().split()
    if not words:
        return None
    if len(words) > 2 and words[0] in v.articles and words[1] in v.scales:
        words[0] = "one"  # "a hundred and five"
    if words[0] in v.fractions and len(words) >= 3 and words[1] in ("a", "an"):
        scale = v.scales.get(words[2])
        return v.fractions[words[0]] * scale if scale and len(words) == 3 else None
    if words[-1] in v.scales and len(words) >= 2 and words[-1] != "hundred":
        scale = v.scales[words[-1]]
        head = words[:-1]
        if head[-2:] and len(head) >= 3 and head[-3:-1] == ["and", "a"] and head[-1] in v.fractions:
            base = _head_value(head[:-3], v)
            return (base + v.fractions[head[-1]]) * scale if base is not None else None
        base = _head_value(head, v)
        return base * scale if base is not None else None
    if len(words) == 2 and words[0] in v.articles and words[1] in v.scales:
        return v.scales[words[1]]
    return word_value(" ".join(words))


def _head_value(words: list[str], v: _Vocab) -> float | None:
    if len(words) == 1 and words[0] in v.articles:
        return 1.0
    return word_value(" ".join(words))


def find_numbers(text: str) -> list[NumberMatch]:
    """Every number in normalised English ``text``, sorted, non-overlapping."""
    v = _vocab()
    found: list[NumberMatch] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or b <= s for a, b in taken)

    for m in v.vague_re.finditer(text):
        low, high, needs_unit, scalable = v.vague[m.group("v").lower()]
        end = m.end()
        if m.group("vs"):
            if not scalable:
                continue
            scale = v.scales[m.group("vs").lower()[:-1]]
            low, high = low * scale, (high * scale if high is not None else None)
        found.append(NumberMatch(m.start(), end, None, low, high, vague=True,
                                 spelled=True, needs_unit=needs_unit))
        taken.append((m.start(), end))
    for m in v.figure_re.finditer(text):
        value = parse_digits(m.group("n"))
        if value is None or not free(m.start(), m.end()):
            continue
        scale = 1.0
        if m.group("scale"):
            scale = v.scales[m.group("scale").lower()]
            if m.group("frac"):
                value += v.fractions[m.group("frac").lower()]
        end = m.end() if m.group("scale") else m.end("n")
        found.append(NumberMatch(m.start(), end, value * scale, value * scale,
                                 value * scale, scale=scale))
        taken.append((m.start(), end))
    for run in _word_runs(text, list(taken)):
        for start, end, value in _numbers_in_run(text, run):
            if free(start, end):
                found.append(NumberMatch(start, end, value, value, value, spelled=True))
                taken.append((start, end))
    found.sort(key=lambda n: n.start)
    return found


@lru_cache(maxsize=8192)
def _number_like(word: str) -> bool:
    """A word that may be part of a spelled number: text2num reads it, or it is a scale,
    an article before a scale, a fraction or "and"."""
    v = _vocab()
    lower = word.lower()
    if lower == "and" or lower in v.articles or lower in v.scales or lower in v.fractions:
        return True
    return word_value(lower) is not None


def _word_runs(text: str, taken: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Runs of number-like words separated by spaces only, as character spans; a word
    inside ``taken`` (the scale of a figure: "2.5 million") ends a run."""
    runs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for m in _TOKEN.finditer(text):
        word = m.group()
        joined = bool(current) and text[current[-1][1] : m.start()].isspace()
        inside = any(a < m.end() and m.start() < b for a, b in taken)
        if word[0].isalpha() and not inside and _number_like(word):
            if current and not joined:
                runs.append(current)
                current = []
            current.append((m.start(), m.end()))
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _numbers_in_run(text: str, run: list[tuple[int, int]]) -> list[tuple[int, int, float]]:
    """Leftmost-longest numbers of one run of number-like words."""
    out: list[tuple[int, int, float]] = []
    i = 0
    while i < len(run):
        best: tuple[int, int, float] | None = None
        for j in range(len(run), i, -1):
            piece = text[run[i][0] : run[j - 1][1]]
            if piece.split()[-1].lower() == "and":
                continue
            value = _read_words(piece)
            if value is not None:
                best = (run[i][0], run[j - 1][1], value)
                i = j
                break
        if best is None:
            i += 1
        else:
            out.append(best)
    return out
