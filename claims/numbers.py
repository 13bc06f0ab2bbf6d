"""Arabic numbers: digits with separators, number words, vague amounts, ordinals.

Works on normalised text (:func:`claims.normalize.normalize`). The vocabulary comes from
``claims/lexicon/ar/numbers.yaml``; this module only knows how Arabic composes numbers:
units and tens joined by و ("سته وخمسون"), teens ("ثلاثه عشر"), hundreds ("ثلاثمئه",
"ثلاث مئه"), scales that multiply what precedes them ("ثلاثه الاف", "مئه الف",
"1.5 مليون"), duals ("الفان"), fractions of a scale ("مليون ونصف") and vague amounts
("عشرات", "مئات الالاف", "بضعه").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any

from claims.clitics import clitics, clusters, one_of
from claims.lexicon.schemas import NumbersLexicon, numbers_lexicon


class _Kind(Enum):
    UNIT = "unit"  # 1..10
    TEEN_ONE = "teen_one"  # the "one" of 11
    TEEN_TEN = "teen_ten"  # the "ten" of 11..19
    TENS = "tens"
    HUNDRED = "hundred"
    SCALE = "scale"
    SCALE_DUAL = "scale_dual"
    SCALE_PLURAL = "scale_plural"
    FRACTION = "fraction"


@dataclass(frozen=True)
class NumberMatch:
    """A number found in text. ``start``/``end`` cover the number only (not a clitic such as
    the و of "و50"). Vague amounts have ``value`` None and a ``low``..``high`` range
    (``high`` None when open-ended)."""

    start: int
    end: int
    value: float | None
    low: float | None
    high: float | None
    vague: bool = False
    spelled: bool = False
    needs_unit: bool = False
    scale: float = 1.0  # the scale word after digits ("40 الف": 1000)




def _units(form: str) -> list[str]:
    """A lexicon form as regex pieces: one per character, any whitespace between words."""
    pieces: list[str] = []
    for i, word in enumerate(form.split()):
        if i:
            pieces.append(r"\s+")
        pieces.extend(re.escape(c) for c in word)
    return pieces


def _emit(node: dict[str, dict[str, Any]]) -> str:
    children = sorted((k, v) for k, v in node.items() if k)
    if not children:
        return ""
    branches = [key + _emit(child) for key, child in children]
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def alternation(forms: Iterable[str]) -> str:
    """A regex matching any of ``forms``, the longest one when several match.

    Built as a trie ("(?:ا(?:ب(?:ريل)?|ذار)|...)") rather than a flat list: Python's regex
    engine then tests one branch per distinct next letter instead of every form."""
    root: dict[str, dict[str, Any]] = {}
    for form in set(forms):
        node = root
        for piece in _units(form):
            node = node.setdefault(piece, {})
        node[""] = {}
    if not root:
        return "(?!)"
    return "(?:" + _emit(root) + ")"


@dataclass(frozen=True)
class _Vocab:
    words: dict[str, list[tuple[_Kind, float]]]
    scale_values: frozenset[float]
    ambiguous: frozenset[str]
    vague_single: dict[str, tuple[float, float | None, bool, bool]]
    vague_phrase_re: re.Pattern[str]
    vague_phrases: dict[str, tuple[float, float | None, bool, bool]]
    plural_scales: dict[str, float]
    conjunction: str
    word_re_source: str


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    lex: NumbersLexicon = numbers_lexicon()
    c = clitics()
    words: dict[str, list[tuple[_Kind, float]]] = {}

    def add(form: str, kind: _Kind, value: float) -> None:
        words.setdefault(form, []).append((kind, value))

    for value, forms in lex.units.items():
        for form in forms:
            add(form, _Kind.UNIT, value)
    for form in lex.teen_one:
        add(form, _Kind.TEEN_ONE, 1)
    for form in lex.teen_ten:
        add(form, _Kind.TEEN_TEN, 10)
    for value, forms in lex.tens.items():
        for form in forms:
            add(form, _Kind.TENS, value)
    for value, forms in lex.hundreds.items():
        for form in forms:
            add(form, _Kind.HUNDRED, value)
    plural_scales: dict[str, float] = {}
    for scale in lex.scales:
        for form in scale.singular:
            add(form, _Kind.SCALE, scale.value)
        for form in scale.dual:
            add(form, _Kind.SCALE_DUAL, scale.value)
        for form in scale.plural:
            add(form, _Kind.SCALE_PLURAL, scale.value)
            plural_scales[form] = scale.value
            plural_scales[c.article + form] = scale.value
    for fraction in lex.fractions:
        for form in fraction.forms:
            add(form, _Kind.FRACTION, fraction.value)

    vague_single: dict[str, tuple[float, float | None, bool, bool]] = {}
    vague_phrases: dict[str, tuple[float, float | None, bool, bool]] = {}
    for entry in lex.vague:
        info = (entry.low, entry.high, entry.needs_unit, entry.scalable)
        for form in entry.forms:
            (vague_phrases if " " in form else vague_single)[form] = info
    phrase_re = re.compile(
        rf"(?<![^\W\d_])(?:{one_of(c.conjunctions + c.temporal)})?(?P<p>"
        + alternation(list(vague_phrases))
        + r")(?![^\W\d_])"
        if vague_phrases
        else r"(?!x)x"
    )
    word_forms = [f for f, kinds in words.items() if kinds[0][0] is not _Kind.FRACTION]
    return _Vocab(
        words=words,
        scale_values=frozenset(s.value for s in lex.scales),
        ambiguous=frozenset(lex.ambiguous),
        vague_single=vague_single,
        vague_phrase_re=phrase_re,
        vague_phrases=vague_phrases,
        plural_scales=plural_scales,
        conjunction=lex.conjunction,
        word_re_source=alternation(word_forms),
    )


def number_words_pattern() -> str:
    """Regex source for a spelled-out number ("ثلاثه", "خمسه عشر", "مئه وخمسين الف").

    It may over-match (it does not check the grammar); parse the match with
    :func:`parse_number_words`."""
    vocab = _vocab()
    word = vocab.word_re_source
    return rf"{word}(?:\s+(?:{re.escape(vocab.conjunction)}\s*)?{word})*(?![^\W\d_])"


def parse_digits(token: str) -> float | None:
    """A digit string with separators: "1,200" -> 1200, "1.5" -> 1.5, "1.200.000" -> 1200000.

    A single "." is a decimal point; "," groups thousands unless one group of one or two
    digits follows it (then it is a decimal comma, as in "1,5 مليون")."""
    if not token or not token[0].isdigit():
        return None
    if "," in token and "." in token:
        whole, _, frac = token.replace(",", "").partition(".")
        return float(f"{whole}.{frac}") if whole.isdigit() and frac.isdigit() else None
    if "," in token:
        groups = token.split(",")
        if all(len(g) == 3 for g in groups[1:]) and groups[0].isdigit():
            return float("".join(groups))
        if len(groups) == 2 and 1 <= len(groups[1]) <= 2:
            return float(f"{groups[0]}.{groups[1]}")
        return None
    if token.count(".") > 1:
        groups = token.split(".")
        if all(len(g) == 3 for g in groups[1:]):
            return float("".join(groups))
        return None
    try:
        return float(token)
    except ValueError:
        return None


_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


def _strip_clitic(word: str, vocab: _Vocab) -> tuple[int, str] | None:
    """(length of clitic prefix, bare word) when a clitic cluster precedes a number word."""
    for clitic in clitics().proclitics:
        if word.startswith(clitic) and word[len(clitic) :] in vocab.words:
            return len(clitic), word[len(clitic) :]
    return None


class _Accumulator:
    """Composes the value of a spelled-out number token by token."""

    def __init__(self) -> None:
        self.total = 0.0
        self.current = 0.0
        self.last_kind: _Kind | None = None
        self.last_unit = 0.0
        self.last_scale = 0.0
        self.pending_teen_one = False

    @property
    def value(self) -> float:
        return self.total + self.current

    def feed(self, kinds: list[tuple[_Kind, float]], joined: bool) -> bool:
        """Take one word (``joined``: it carried the conjunction و). False: it does not
        continue the number, which ends before it."""
        for kind, value in kinds:
            if self._accept(kind, value, joined):
                self.last_kind = kind
                return True
        return False

    def _accept(self, kind: _Kind, value: float, joined: bool) -> bool:
        first = self.last_kind is None
        if self.pending_teen_one and kind is not _Kind.TEEN_TEN:
            return False
        if kind is _Kind.TEEN_ONE:
            if not first and not joined:
                return False
            self.pending_teen_one = True
            self.current += value
            self.last_unit = value
            return True
        if kind is _Kind.TEEN_TEN:
            if joined or self.last_kind not in (_Kind.UNIT, _Kind.TEEN_ONE):
                return False
            if not 1 <= self.last_unit <= 9:
                return False
            self.pending_teen_one = False
            self.current += value
            return True
        if kind is _Kind.UNIT:
            if not first and not joined:
                return False
            self.current += value
            self.last_unit = value
            return True
        if kind is _Kind.TENS:
            if not first and not joined:
                return False
            self.current += value
            return True
        if kind is _Kind.HUNDRED:
            if self.last_kind is _Kind.UNIT and not joined and 3 <= self.last_unit <= 9:
                self.current += self.last_unit * 99  # "ثلاث مئه": 3 -> 300
                return True
            if not first and not joined:
                return False
            self.current += value
            return True
        if kind is _Kind.SCALE:
            if joined:
                if self.current or self.total == 0:
                    return False
                self.total += value  # "مليون والف"
            elif self.current:
                self.total += self.current * value
            elif self.total and value > self.last_scale:
                self.total *= value  # "الف مليون"
            elif first:
                self.total += value
            else:
                return False
            self.current = 0
            self.last_scale = value
            return True
        if kind is _Kind.SCALE_DUAL:
            if self.current or not (first or joined):
                return False
            self.total += 2 * value
            self.last_scale = value
            return True
        if kind is _Kind.SCALE_PLURAL:
            if joined or not 3 <= self.current <= 10:
                return False
            self.total += self.current * value
            self.current = 0
            self.last_scale = value
            return True
        if kind is _Kind.FRACTION:
            if joined and self.last_kind in (_Kind.SCALE, _Kind.SCALE_DUAL, _Kind.SCALE_PLURAL):
                self.total += value * self.last_scale  # "مليون ونصف"
                return True
            if first:
                self.current = value  # "نصف مليون": the scale multiplies it
                return True
            return False
        return False


def _parse_words(
    tokens: list[_Token], index: int, text: str, vocab: _Vocab
) -> tuple[int, int, float, int, float] | None:
    """Parse a spelled number starting at ``tokens[index]``.

    Returns (start offset, end offset, value, number of words, its last scale word's
    value or 1) or None."""
    acc = _Accumulator()
    first = tokens[index]
    stripped = (0, first.text) if first.text in vocab.words else _strip_clitic(first.text, vocab)
    if stripped is None:
        return None
    start = first.start + stripped[0]
    end = start
    count = 0
    last_good: tuple[int, float, int, _Kind | None] | None = None
    i = index
    word = stripped[1]
    joined = False
    while True:
        kinds = vocab.words.get(word)
        if kinds is None or not acc.feed(kinds, joined):
            break
        count += 1
        end = tokens[i].end
        if not acc.pending_teen_one:
            last_good = (end, acc.value, count, acc.last_kind)
        i += 1
        if i >= len(tokens) or text[tokens[i - 1].end : tokens[i].start].strip():
            break
        nxt = tokens[i].text
        joined = False
        if nxt == vocab.conjunction:
            # a detached "و" followed by a number word
            if i + 1 < len(tokens) and not text[tokens[i].end : tokens[i + 1].start].strip():
                i += 1
                nxt = tokens[i].text
                joined = True
            else:
                break
        elif nxt.startswith(vocab.conjunction) and nxt[1:] in vocab.words:
            nxt = nxt[1:]
            joined = True
        word = nxt
    if last_good is None:
        return None
    end, value, count, last_kind = last_good
    if value <= 0 or (count == 1 and last_kind is _Kind.FRACTION):
        return None
    return start, end, value, count, acc.last_scale or 1.0


def _scale_after(tokens: list[_Token], index: int, text: str, vocab: _Vocab) -> tuple[float, int]:
    """(multiplier, tokens used) for a scale word after a digit number ("1.5 مليون")."""
    if index >= len(tokens) or text[tokens[index - 1].end : tokens[index].start].strip():
        return 1.0, 0
    for kind, value in vocab.words.get(tokens[index].text, []):
        if kind in (_Kind.SCALE, _Kind.SCALE_PLURAL):
            return value, 1
    return 1.0, 0


@lru_cache(maxsize=1)
def _article_clitics() -> frozenset[str]:
    """The article with the clitics before it that the tokenizer splits from a digit
    ("بال2025"): a conjunction and/or a temporal preposition."""
    c = clitics()
    return frozenset(c.definite(clusters(c.conjunctions, c.temporal)))


def _clitic_ok(tokens: list[_Token], index: int, text: str) -> tuple[bool, int]:
    """Whether a digit token at ``index`` stands alone or after a clitic ("و50", "ب350").

    Returns (ok, start of the clitic or the digits)."""
    token = tokens[index]
    if index == 0 or tokens[index - 1].end != token.start:
        return True, token.start
    prev = tokens[index - 1]
    glued_to_word = prev.start > 0 and (
        text[prev.start - 1].isalnum() or text[prev.start - 1] == "_"
    )
    if prev.text in clitics().proclitics or prev.text in _article_clitics():
        return not glued_to_word, prev.start
    return False, token.start


def find_numbers(text: str) -> list[NumberMatch]:
    """Every number in normalised ``text``, sorted, non-overlapping.

    Digits (with clitics and a following scale word), spelled-out numbers and vague
    amounts. Numbers glued to other letters ("F16", "ام16") are skipped."""
    vocab = _vocab()
    found: list[NumberMatch] = []
    taken_until = -1
    for m in vocab.vague_phrase_re.finditer(text):
        low, high, needs_unit, _ = vocab.vague_phrases[" ".join(m.group("p").split())]
        found.append(NumberMatch(m.start("p"), m.end("p"), None, low, high, True, True, needs_unit))
    phrase_spans = [(n.start, n.end) for n in found]

    tokens = _tokens(text)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.start < taken_until or any(s <= tok.start < e for s, e in phrase_spans):
            i += 1
            continue
        if tok.text[0].isdigit():
            ok, _ = _clitic_ok(tokens, i, text)
            value = parse_digits(tok.text) if ok else None
            if value is None:
                i += 1
                continue
            mult, used = _scale_after(tokens, i + 1, text, vocab)
            end = tokens[i + used].end
            total = value * mult
            found.append(NumberMatch(tok.start, end, total, total, total, scale=mult))
            taken_until = end
            i += 1 + used
            continue
        vague = _vague_word(tokens, i, text, vocab)
        if vague is not None:
            found.append(vague)
            taken_until = vague.end
            while i < len(tokens) and tokens[i].start < vague.end:
                i += 1
            continue
        parsed = _parse_words(tokens, i, text, vocab)
        if parsed is None:
            i += 1
            continue
        start, end, value, count, scale = parsed
        # a lone "ست"/"واحد" is as often a plain word ("lady", "one of") as a count
        single = count == 1 and (text[start:end] in vocab.ambiguous or value < 3)
        found.append(
            NumberMatch(
                start, end, value, value, value, spelled=True, needs_unit=single, scale=scale
            )
        )
        taken_until = end
        while i < len(tokens) and tokens[i].start < end:
            i += 1
    found.sort(key=lambda n: (n.start, -n.end))
    result: list[NumberMatch] = []
    for n in found:
        if result and n.start < result[-1].end:
            continue
        if result and _continues(result[-1], n, text, vocab):
            head = result.pop()
            total = (head.value or 0) + (n.value or 0)
            n = NumberMatch(head.start, n.end, total, total, total, scale=n.scale)
        result.append(n)
    return result


_FIGURE = re.compile(r"\d+(?:[.,٫](\d+))?")


def rounding_step(n: NumberMatch, text: str) -> float | None:
    """The step of the last written digit of a figure given with a scale word ("21.4
    مليون", "2.5 million": 100,000): the figure stands for any value that rounds to it.
    None for a figure written in full, or in words."""
    if n.scale < 1000 or n.spelled or n.vague:
        return None
    m = _FIGURE.match(text, n.start)
    if m is None:
        return None
    decimals = len(m.group(1) or "")
    if decimals > 3:  # "1,500 الف": a thousands group, not decimals
        return None
    return float(n.scale) / 10**decimals


def _continues(head: NumberMatch, nxt: NumberMatch, text: str, vocab: _Vocab) -> bool:
    """Whether ``nxt`` is the rest of the number ``head`` after "و": a scaled number and a
    smaller part ("10 ملايين و898 الف", "مليون و500 الف", "الف و200")."""
    if head.vague or nxt.vague or head.value is None or nxt.value is None:
        return False
    if head.scale < 1000 or nxt.value >= head.scale:
        return False
    return text[head.end : nxt.start].strip() == vocab.conjunction


def _vague_word(tokens: list[_Token], index: int, text: str, vocab: _Vocab) -> NumberMatch | None:
    """A one-word vague amount ("عشرات", "المئات", "بضعه"), scaled by a following plural
    scale word when the lexicon allows it ("عشرات الالاف")."""
    tok = tokens[index]
    word = tok.text
    offset = 0
    if word not in vocab.vague_single:
        for clitic in clitics().proclitics:
            if word.startswith(clitic) and word[len(clitic) :] in vocab.vague_single:
                offset, word = len(clitic), word[len(clitic) :]
                break
        else:
            return None
    low, high, needs_unit, scalable = vocab.vague_single[word]
    end = tok.end
    nxt = index + 1
    if scalable and nxt < len(tokens) and not text[tok.end : tokens[nxt].start].strip():
        scale = vocab.plural_scales.get(tokens[nxt].text)
        if scale is not None:
            low *= scale
            high = (high + 1) * scale - 1 if high is not None else None
            end = tokens[nxt].end
            needs_unit = False
    return NumberMatch(tok.start + offset, end, None, low, high, True, True, needs_unit)


def parse_number_words(text: str) -> float | None:
    """The value of a whole spelled-out (or digit) number, None if it is not one.

    >>> parse_number_words("ثلاثمئه وسته وخمسون")
    356.0
    """
    text = text.strip()
    digits = parse_digits(text)
    if digits is not None:
        return digits
    vocab = _vocab()
    tokens = _tokens(text)
    if not tokens:
        return None
    parsed = _parse_words(tokens, 0, text, vocab)
    if parsed is None or parsed[1] != len(text):
        return None
    return parsed[2]


@lru_cache(maxsize=1)
def ordinal_forms() -> dict[str, int]:
    """Spelled ordinals 1..31 as used for the day of a month ("الحادي والعشرين": 21)."""
    lex = numbers_lexicon()
    forms: dict[str, int] = {}
    for n, words in lex.ordinals.items():
        for w in words:
            forms[w] = n
    ones: dict[int, list[str]] = {
        1: lex.ordinal_teen_one,
        **{n: lex.ordinals[n] for n in range(2, 10)},
    }
    for n, words in ones.items():
        for w in words:
            for ten in lex.teen_ten:
                forms[f"{w} {ten}"] = 10 + n
    for tens, tens_words in lex.ordinal_tens.items():
        for tw in tens_words:
            forms[tw] = tens
            for n, words in ones.items():
                if tens + n > 31:
                    continue
                for w in words:
                    forms[f"{w} {lex.conjunction}{tw}"] = tens + n
    return forms


@lru_cache(maxsize=1)
def hour_forms() -> dict[str, int]:
    """Spelled clock hours 1..12 ("الواحده", "السابعه", "الحاديه عشره")."""
    forms = {f: n for f, n in ordinal_forms().items() if n <= 12}
    for w in numbers_lexicon().hour_one:
        forms[w] = 1
    return forms
