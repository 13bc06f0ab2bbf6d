"""The Arabic quantity tagger: counts and measures as intervals with a unit.

:func:`find_quantities` is a pure function of normalised text. It takes the numbers that
:mod:`claims.numbers` finds (digits, number words, vague amounts), drops those inside time
expressions (dates and clock times are not counts) and those that name something ("القرار
2254", "F-16"), joins ranges ("بين 30 و40"), reads the unit after the number (or the counted
noun before it: "ارتفع عدد القتلي الي 50") and the bound around it ("اكثر من", "نحو",
"علي الاقل"), and returns each as an interval:

- "اكثر من 50 اليه": low 50 exclusive, high None, unit vehicles;
- "اقل من 500 عنصر": low 0, high 500 exclusive;
- "حوالي 350 كيلومترا": value 350 +/- :attr:`QuantitySettings.approx_tolerance`;
- "مئات الجنود": vague, 200..999 (ranges from numbers.yaml).

Vocabulary: ``claims/lexicon/ar/units.yaml``, ``quantity_bounds.yaml``, ``numbers.yaml`` and
the lengths of time in ``time.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from spacy.language import Language
from spacy.tokens import Doc, SpanGroup

from claims.lexicon.schemas import (
    BoundKind,
    bounds_lexicon,
    numbers_lexicon,
    time_lexicon,
    units_lexicon,
)
from claims.model import Quantity, Span, TimeValue
from claims.numbers import NumberMatch, alternation, find_numbers
from claims.time import find_times
from claims.tokenizer import doc_text


class QuantitySettings(BaseSettings):
    """Choices of the quantity tagger; environment prefix ``CLAIMCHECK_QUANTITY_``."""

    model_config = SettingsConfigDict(env_prefix="CLAIMCHECK_QUANTITY_", frozen=True)

    approx_tolerance: float = Field(
        0.1, ge=0, lt=1, description='"نحو 350": 350 minus/plus this fraction of it'
    )
    year_like_min: int = Field(
        1900, description="a unitless whole number in this range may be a year"
    )
    year_like_max: int = 2100
    unit_before_window: int = Field(
        60, description="characters searched back for a counted noun (عدد القتلي ... 50)"
    )


SETTINGS = QuantitySettings()

_W = r"(?<![\w])"
_E = r"(?![\w])"
# Clitics before a unit noun: conjunction, preposition, article ("وبالجنود", "للجنود").
_UNIT_PREFIX = r"(?:[وف]?(?:لل|[بك]ال|ال|[بلك]))?"


@dataclass(frozen=True)
class _Grammar:
    units: dict[str, str]
    duals: dict[str, str]
    measures: frozenset[str]
    unit_after: re.Pattern[str]
    unit_one: re.Pattern[str]
    dual_re: re.Pattern[str]
    count_noun_before: re.Pattern[str]
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


def _key(form: str) -> str:
    return " ".join(form.split())


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    bounds = bounds_lexicon()
    units: dict[str, str] = {}
    duals: dict[str, str] = {}
    for entry in units_lexicon().units:
        for form in entry.forms:
            units[_key(form)] = entry.unit
        for form in entry.dual:
            duals[_key(form)] = entry.unit
    for duration in time_lexicon().durations:
        for form in [*duration.singular, *duration.plural]:
            units.setdefault(form, duration.unit)
        for form in duration.dual:
            duals.setdefault(form, duration.unit)
    unit_alt = alternation(list(units))
    ones = [f for f in numbers_lexicon().units[1]]
    twos = [f for f in numbers_lexicon().units[2]]
    before_kind = {_key(f): b.kind for b in bounds.before for f in b.forms}
    after_kind = {_key(f): b.kind for b in bounds.after for f in b.forms}
    joiners = alternation(bounds.range_between_joiners)
    return _Grammar(
        units=units,
        duals=duals,
        measures=frozenset(
            [u.unit for u in units_lexicon().units if u.measure]
            + [d.unit for d in time_lexicon().durations]
        ),
        unit_after=re.compile(
            rf"\s*(?:%|(?:{alternation(bounds.unit_links)}\s+)?{_UNIT_PREFIX}(?P<u>{unit_alt}){_E})"
        ),
        unit_one=re.compile(
            rf"{_W}{_UNIT_PREFIX}(?P<u>{unit_alt})\s+(?P<n>{alternation(ones)}){_E}"
        ),
        dual_re=re.compile(
            rf"{_W}{_UNIT_PREFIX}(?P<u>{alternation(list(duals))})(?:\s+(?P<n>{alternation(twos)}))?{_E}"
        ),
        count_noun_before=re.compile(
            rf"{_W}(?:[وفبل])?{alternation(bounds.count_nouns)}\s+{_UNIT_PREFIX}(?P<u>{unit_alt}){_E}"
            r"(?P<rest>[^.،,؛;:!?؟\n\d]*)$"
        ),
        bound_before=re.compile(
            rf"{_W}(?:[وفبل])?(?P<b>{alternation(list(before_kind))})\s*(?:ال)?$"
        ),
        bound_before_kind=before_kind,
        bound_after=re.compile(rf"\s*(?P<b>{alternation(list(after_kind))}){_E}"),
        bound_after_kind=after_kind,
        between_before=re.compile(rf"{_W}(?:[وفبل])?{alternation(bounds.range_between)}\s+$"),
        from_before=re.compile(rf"{_W}(?:[وف])?{alternation(bounds.range_from)}\s+$"),
        between_gap=re.compile(rf"^\s*(?:{_UNIT_PREFIX}(?P<u>{unit_alt})\s*)?{joiners}\s*$"),
        to_gap=re.compile(
            rf"^\s*(?:{_UNIT_PREFIX}(?P<u>{unit_alt})\s*)?(?:-|–|{alternation(bounds.range_to)}\s*)$"
        ),
        change_before=re.compile(rf"{_W}(?:[وف])?{alternation(bounds.change_cues)}{_E}"),
        identifier_before=re.compile(
            rf"(?:{_W}{_UNIT_PREFIX}{alternation(bounds.identifier_cues)}\s*[-:]?\s*|[^\W\d_]\s*-\s*|[A-Za-z])$"
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
    dot_thousands: bool = False


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _keep_number(n: NumberMatch, text: str, skip: Sequence[tuple[int, int]], g: _Grammar) -> bool:
    if _overlaps(n.start, n.end, skip):
        return False
    before, after = text[max(0, n.start - 1) : n.start], text[n.end : n.end + 2]
    if before in ("/", ":") or re.match(r"[/:]\d", after):
        return False  # part of a date, a ratio or a score
    window = text[max(0, n.start - 30) : n.start]
    return not g.identifier_before.search(window)


# "12.500": a decimal point in a measure, a thousands dot in a head count.
_DOT_GROUP = re.compile(r"\d{1,3}\.\d{3}")


def _items(numbers: list[NumberMatch], text: str, g: _Grammar) -> list[_Item]:
    """Numbers as items, with ranges ("بين 30 و40", "30-40", "من 30 الي 40") joined."""
    items: list[_Item] = []
    i = 0
    while i < len(numbers):
        n = numbers[i]
        item = _Item(
            n.start, n.end, n.value, n.low, n.high, n.vague, n.needs_unit, spelled=n.spelled
        )
        item.dot_thousands = bool(_DOT_GROUP.fullmatch(text[n.start : n.end]))
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
                low = n.value * nxt.scale  # "بين 30 و40 الف": the scale counts for both
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


def _unit_words(
    text: str, g: _Grammar, skip: Sequence[tuple[int, int]], taken: list[tuple[int, int]]
) -> list[Quantity]:
    """Counts said by the noun alone: a dual ("جنديان") or a noun with "واحد" ("جندي واحد")."""
    found: list[Quantity] = []
    for pattern, count, table in ((g.unit_one, 1.0, g.units), (g.dual_re, 2.0, g.duals)):
        for m in pattern.finditer(text):
            start, end = m.start("u"), m.end()
            if _overlaps(start, end, skip) or _overlaps(start, end, taken):
                continue
            unit = table[_key(m.group("u"))]
            found.append(
                Quantity(
                    span=Span(start=start, end=end, text=text[start:end]),
                    value=count,
                    low=count,
                    high=count,
                    unit=unit,
                )
            )
            taken.append((start, end))
    return found


def find_quantities(
    text: str,
    *,
    skip_spans: Sequence[tuple[int, int]] | None = None,
    times: Sequence[TimeValue] | None = None,
    settings: QuantitySettings | None = None,
) -> list[Quantity]:
    """Every quantity in normalised ``text``, sorted by start, non-overlapping.

    Numbers inside time expressions are skipped: pass ``times`` (from
    :func:`claims.time.find_times`) or raw ``skip_spans`` to avoid tagging times twice;
    without either, the time tagger is run here."""
    s = settings or SETTINGS
    g = _grammar()
    if skip_spans is None:
        if times is None:
            times = find_times(text)
        skip_spans = [(t.span.start, t.span.end) for t in times if t.span is not None]
    skip = list(skip_spans)
    numbers = [n for n in find_numbers(text) if _keep_number(n, text, skip, g)]
    quantities: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for item in _items(numbers, text, g):
        q = _quantity(item, text, g, s)
        if q is not None and q.span is not None and not _overlaps(q.span.start, q.span.end, taken):
            quantities.append(q)
            taken.append((q.span.start, q.span.end))
    quantities += _unit_words(text, g, skip, taken)
    quantities.sort(key=lambda q: q.span.start if q.span else 0)
    return quantities


def _quantity(item: _Item, text: str, g: _Grammar, s: QuantitySettings) -> Quantity | None:
    start, end = item.start, item.end
    unit = item.unit
    m = g.unit_after.match(text, end)
    if m and unit is None:
        unit = "percent" if m.group("u") is None else g.units[_key(m.group("u"))]
        end = m.end()
    elif m and m.group("u") is not None and g.units[_key(m.group("u"))] == unit:
        end = m.end()
    if unit is None:
        window = text[max(0, start - s.unit_before_window) : start]
        before = g.count_noun_before.search(window)
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
    if item.dot_thousands and unit is not None and unit not in g.measures:
        value = round(value * 1000)  # nobody counts 12.5 refugees
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
        # rounded so that 350 +/- 10% reads 315..385, not 385.00000000000006
        q.low = round(value * (1 - s.approx_tolerance), 6)
        q.high = round(value * (1 + s.approx_tolerance), 6)
    return q


# ------------------------------------------------------------------ spaCy component


class QuantitiesComponent:
    """Runs :func:`find_quantities` on ``doc.text``: values in
    ``doc.user_data["cc_quantities"]``, spans in ``doc.spans["quantities"]``. Reuses the
    times in ``doc.user_data["cc_times"]`` when ``cc_times`` ran before it."""

    def __init__(self, name: str = "cc_quantities") -> None:
        self.name = name

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


@Language.factory("cc_quantities")
def make_quantities_component(nlp: Language, name: str) -> QuantitiesComponent:
    return QuantitiesComponent(name)
