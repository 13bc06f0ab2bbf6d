"""The English quantity tagger: counts and measures as intervals with a unit, the same
values as the Arabic tagger (:mod:`claims.quantity`).

:func:`find_quantities` takes the numbers :mod:`claims.en.numbers` finds (figures, number
words read by text2num, "two dozen", vague amounts), drops those inside time expressions
and those that name something ("Flight 93", "Camp 27", "a 40-year-old"), joins ranges
("between 30 and 40", "30 to 40"), reads the unit after the number, past a few adjectives
("100 French troops") or "of" ("dozens of soldiers"), or the counted noun before it ("the
death toll rose to 11,300"), and the bound around it ("at least", "more than", "about",
"or more"):

- "at least 265 people": low 265, high None, unit people;
- "fewer than 500 troops": low 0, high 500 exclusive, unit soldiers;
- "about two dozen soldiers": 24 +/- the tolerance, approximate;
- "hundreds of soldiers": vague, 200..999.

Vocabulary: ``lexicon/en/units.yaml`` (unit names shared with the Arabic file),
``quantity_bounds.yaml``, ``numbers.yaml``; lengths of time from ``time.yaml``. The
settings (tolerance of "about") are the Arabic tagger's (:class:`QuantitySettings`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from spacy.lang.en import English
from spacy.language import Language
from spacy.tokens import Doc, SpanGroup

from claims.en.numbers import find_numbers
from claims.lexicon.schemas import (
    BoundKind,
    en_bounds_lexicon,
    en_time_lexicon,
    en_units_lexicon,
)
from claims.model import Quantity, Span, TimeValue
from claims.numbers import NumberMatch, alternation
from claims.quantity import SETTINGS, QuantitySettings
from claims.tokenizer import doc_text

PROVIDES: frozenset[str] = frozenset({"quantity"})
REQUIRES: frozenset[str] = frozenset()
PRODUCES: frozenset[str] = frozenset({"quantities"})

_W = r"(?<![\w])"
_E = r"(?![\w])"


def _key(form: str) -> str:
    return " ".join(form.split()).lower()


def _ci(forms: Sequence[str]) -> str:
    return "(?i:" + alternation([f.lower() for f in forms]) + ")"


@dataclass(frozen=True)
class _Grammar:
    units: dict[str, str]
    measures: frozenset[str]
    not_between: frozenset[str]
    words_between: int
    unit_re: re.Pattern[str]
    word_re: re.Pattern[str]
    link_re: re.Pattern[str]
    count_before: re.Pattern[str]
    toll_before: re.Pattern[str]
    bound_before: re.Pattern[str]
    bound_before_kind: dict[str, BoundKind]
    bound_after: re.Pattern[str]
    bound_after_kind: dict[str, BoundKind]
    between_before: re.Pattern[str]
    from_before: re.Pattern[str]
    between_gap: re.Pattern[str]
    to_gap: re.Pattern[str]
    change_before: re.Pattern[str]
    identifier_before: re.Pattern[str]


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    lex = en_units_lexicon()
    bounds = en_bounds_lexicon()
    units: dict[str, str] = {}
    for entry in lex.units:
        for form in entry.forms:
            units[_key(form)] = entry.unit
    for duration in en_time_lexicon().durations:
        for form in [*duration.singular, *duration.plural]:
            units.setdefault(_key(form), duration.unit)
    before_kind = {_key(f): b.kind for b in bounds.before for f in b.forms}
    after_kind = {_key(f): b.kind for b in bounds.after for f in b.forms}
    unit_alt = _ci([u for u in units if u != "%"])
    one_word_counts = [c for c in bounds.count_nouns if " " not in c]
    phrase_counts = [c for c in bounds.count_nouns if " " in c]
    return _Grammar(
        units=units,
        measures=frozenset(
            [u.unit for u in lex.units if u.measure]
            + [d.unit for d in en_time_lexicon().durations]
        ),
        not_between=frozenset(w.lower() for w in lex.not_between),
        words_between=lex.words_between,
        unit_re=re.compile(rf"\s*(?:(?P<pct>%)|(?P<u>{unit_alt}){_E})"),
        word_re=re.compile(r"\s+(?P<w>[A-Za-z][\w'-]*)"),
        link_re=re.compile(rf"\s+{_ci(bounds.unit_links)}(?=\s)"),
        # "the number of dead rose to 50", "a total of 240 ..."
        count_before=re.compile(
            rf"{_W}{_ci(phrase_counts)}\s+(?:(?i:the)\s+)?(?P<u>{unit_alt}){_E}"
            r"(?P<rest>[^.,;:!?\n\d]*)$"
        ),
        # "the death toll rose to 11,300"
        toll_before=re.compile(
            rf"{_W}(?P<u>{unit_alt})\s+{_ci(one_word_counts)}{_E}(?P<rest>[^.,;:!?\n\d]*)$"
        ),
        bound_before=re.compile(rf"{_W}(?P<b>{_ci(list(before_kind))})\s+$"),
        bound_before_kind=before_kind,
        bound_after=re.compile(rf"\s*,?\s*(?P<b>{_ci(list(after_kind))}){_E}"),
        bound_after_kind=after_kind,
        between_before=re.compile(rf"{_W}{_ci(bounds.range_between)}\s+$"),
        from_before=re.compile(rf"{_W}{_ci(bounds.range_from)}\s+$"),
        between_gap=re.compile(
            rf"^\s*(?:(?P<u>{unit_alt})\s*)?{_ci(bounds.range_between_joiners)}\s*$"
        ),
        to_gap=re.compile(
            rf"^\s*(?:(?P<u>{unit_alt})\s*)?(?:-|–|{_ci(bounds.range_to)}\s*)$"
        ),
        change_before=re.compile(rf"{_W}{_ci(bounds.change_cues)}{_E}"),
        identifier_before=re.compile(
            rf"(?:{_W}{_ci(bounds.identifier_cues)}\s*[-:#]?\s*|[A-Za-z]-|[A-Za-z])$"
        ),
    )


@dataclass
class _Item:
    start: int
    end: int
    value: float | None
    low: float | None
    high: float | None
    vague: bool = False
    needs_unit: bool = False
    range_: bool = False
    spelled: bool = False
    unit: str | None = None


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _keep(n: NumberMatch, text: str, skip: Sequence[tuple[int, int]], g: _Grammar) -> bool:
    if _overlaps(n.start, n.end, skip):
        return False
    before, after = text[max(0, n.start - 2) : n.start], text[n.end : n.end + 2]
    if before[-1:] in ("/", ":", "#", "$") or re.match(r"[/:]\d|-[A-Za-z]", after):
        return False  # a date, a score, "40-year-old"
    if re.fullmatch(r"[A-Za-z\d]-", before):
        return False  # "787-8", "F-16"
    return not g.identifier_before.search(text[max(0, n.start - 30) : n.start])


def _items(numbers: list[NumberMatch], text: str, g: _Grammar) -> list[_Item]:
    """Numbers as items, with ranges ("between 30 and 40", "30 to 40") joined."""
    items: list[_Item] = []
    i = 0
    while i < len(numbers):
        n = numbers[i]
        item = _Item(n.start, n.end, n.value, n.low, n.high, n.vague, n.needs_unit,
                     spelled=n.spelled)
        if i + 1 < len(numbers) and n.value is not None and numbers[i + 1].value is not None:
            nxt = numbers[i + 1]
            gap = text[n.end : nxt.start]
            left = text[max(0, n.start - 40) : n.start]
            range_start: int | None = None
            unit_in_gap: str | None = None
            m_between = g.between_before.search(left)
            m_gap = g.between_gap.match(gap)
            if m_between and m_gap:
                range_start = n.start - (len(left) - m_between.start())
                unit_in_gap = m_gap.group("u")
            else:
                m_to = g.to_gap.match(gap)
                if m_to and not g.change_before.search(text[max(0, n.start - 50) : n.start]):
                    m_from = g.from_before.search(left)
                    range_start = n.start - (len(left) - m_from.start()) if m_from else n.start
                    unit_in_gap = m_to.group("u")
            assert nxt.value is not None and n.value is not None
            low = n.value
            if nxt.scale > 1 and n.scale == 1 and n.value < nxt.value / nxt.scale:
                low = n.value * nxt.scale  # "between 30 and 40 thousand"
            if range_start is not None and nxt.value >= low:
                item = _Item(range_start, nxt.end, None, low, nxt.value, range_=True)
                if unit_in_gap:
                    item.unit = g.units[_key(unit_in_gap)]
                items.append(item)
                i += 2
                continue
        items.append(item)
        i += 1
    return items


def _unit_after(text: str, end: int, g: _Grammar) -> tuple[str, int] | None:
    """The unit after a number, past "of" and a few adjectives: (unit, end)."""
    m = g.unit_re.match(text, end)
    if m:
        return ("percent" if m.group("pct") else g.units[_key(m.group("u"))]), m.end()
    link = g.link_re.match(text, end)
    pos = link.end() if link else end
    if link:
        m = g.unit_re.match(text, pos)
        if m and not m.group("pct"):
            return g.units[_key(m.group("u"))], m.end()
    for _ in range(g.words_between):
        word = g.word_re.match(text, pos)
        if word is None or word.group("w").lower() in g.not_between:
            return None
        pos = word.end()
        m = g.unit_re.match(text, pos)
        if m and not m.group("pct"):
            return g.units[_key(m.group("u"))], m.end()
    return None


def find_quantities(
    text: str,
    *,
    times: Sequence[TimeValue] | None = None,
    settings: QuantitySettings | None = None,
) -> list[Quantity]:
    """Every quantity in normalised English ``text``, sorted, non-overlapping. Numbers
    inside ``times`` (from :func:`claims.en.time.find_times`) are not counts."""
    s = settings or SETTINGS
    g = _grammar()
    if times is None:
        from claims.en.time import find_times

        times = find_times(text)
    skip = [(t.span.start, t.span.end) for t in times if t.span is not None]
    numbers = [n for n in find_numbers(text) if _keep(n, text, skip, g)]
    out: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for item in _items(numbers, text, g):
        q = _quantity(item, text, g, s)
        if q is not None and q.span is not None and not _overlaps(q.span.start, q.span.end, taken):
            out.append(q)
            taken.append((q.span.start, q.span.end))
    out.sort(key=lambda q: q.span.start if q.span else 0)
    return out


def _quantity(item: _Item, text: str, g: _Grammar, s: QuantitySettings) -> Quantity | None:
    start, end = item.start, item.end
    unit = item.unit
    after = _unit_after(text, end, g)
    if after is not None and (unit is None or after[0] == unit):
        unit, end = after
    if unit is None:
        window = text[max(0, start - s.unit_before_window) : start]
        before = g.count_before.search(window) or g.toll_before.search(window)
        if before:
            unit = g.units[_key(before.group("u"))]
    if unit is None and item.needs_unit:
        return None
    kind: BoundKind | None = None
    if not item.range_:
        window = text[max(0, start - 40) : start]
        mb = g.bound_before.search(window)
        if mb:
            kind = g.bound_before_kind[_key(mb.group("b"))]
            start -= len(window) - mb.start("b")
        ma = g.bound_after.match(text, end)
        if ma and kind is None:
            kind = g.bound_after_kind[_key(ma.group("b"))]
            end = ma.end("b")
    q = Quantity(span=Span(start=start, end=end, text=text[start:end]), unit=unit)
    if item.range_:
        q.low, q.high = item.low, item.high
        return q
    if item.vague:
        q.low, q.high, q.vague, q.approximate = item.low, item.high, True, True
        return q
    value = item.value
    assert value is not None
    q.value = value
    if kind is None:
        q.low = q.high = value
        if (
            unit is None
            and not item.spelled
            and value == int(value)
            and s.year_like_min <= value <= s.year_like_max
        ):
            q.resolved = False
            q.reason = "a number without a unit that may be a year"
    elif kind == "more_than":
        q.low, q.low_inclusive = value, False
    elif kind == "at_least":
        q.low = value
    elif kind == "less_than":
        q.low, q.high, q.high_inclusive = 0.0, value, False
    elif kind == "at_most":
        q.low, q.high = 0.0, value
    else:
        q.approximate = True
        q.low = round(value * (1 - s.approx_tolerance), 6)
        q.high = round(value * (1 + s.approx_tolerance), 6)
    return q


class EnglishQuantities:
    """``cc_quantities`` for English, stored as the Arabic component stores its values."""

    def __call__(self, doc: Doc) -> Doc:
        times = doc.user_data.get("cc_times")
        values = find_quantities(doc_text(doc), times=times if isinstance(times, list) else None)
        doc.user_data["cc_quantities"] = values
        spans = []
        for value in values:
            if value.span is None:
                continue
            span = doc.char_span(value.span.start, value.span.end, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans["quantities"] = SpanGroup(doc, name="quantities", spans=spans)
        return doc


@English.factory("cc_quantities")
def make_quantities(nlp: Language, name: str) -> EnglishQuantities:
    return EnglishQuantities()
