"""Resolving time expressions to intervals of calendar days: an explicit year gives an
absolute value; a month or day without a year takes its year from a full date in the same
sentence (anchor "context"), else from the reference date (anchor "publication"), else
stays unresolved with its month kept ("XXXX-09"); relative expressions ("امس", "الشهر
الماضي", "خلال ايام") are anchored to the reference date and never guessed without it.
Which days a modifier allows ("نهايه 2026", "مطلع سبتمبر") are settings
(:class:`claims.settings.TimeSettings`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from claims.lexicon.schemas import YearPart
from claims.model import Granularity, TimeModifier, TimeRelation
from claims.settings import TimeSettings
from claims.time.grammar import (
    CALENDAR,
    CLOCK,
    DAY_OF_MONTH,
    DURATION,
    NUMERIC,
    PERIOD,
    RELDAY,
    VAGUE,
    WEEKDAY,
    YEAR,
    _days_in,
    _Expr,
    _Grammar,
)
from claims.time.hijri import (
    _hijri_month_length,
    _hijri_month_start,
    _hijri_year_of,
    _nearest_hijri_year,
)


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, _days_in(year, month))


def _narrow_days(
    lo: date, hi: date, modifier: TimeModifier | None, s: TimeSettings
) -> tuple[date, date]:
    """The part of a month-long interval that a modifier names."""
    if modifier == "start":
        return lo + timedelta(s.month_start_days[0] - 1), min(
            hi, lo + timedelta(s.month_start_days[1] - 1)
        )
    if modifier == "mid":
        return lo + timedelta(s.month_mid_days[0] - 1), min(
            hi, lo + timedelta(s.month_mid_days[1] - 1)
        )
    if modifier == "end":
        return lo + timedelta(s.month_end_first_day - 1), hi
    return lo, hi


def _narrow_thirds(lo: date, hi: date, modifier: TimeModifier | None) -> tuple[date, date]:
    if modifier is None or modifier == "approx":
        return lo, hi
    span = (hi - lo).days + 1
    third = max(1, span // 3)
    if modifier == "start":
        return lo, lo + timedelta(third - 1)
    if modifier == "end":
        return hi - timedelta(third - 1), hi
    return lo + timedelta(third), hi - timedelta(third)


def _year_bounds(
    year: int, modifier: TimeModifier | None, part: YearPart | None, s: TimeSettings
) -> tuple[date, date]:
    if part is not None:
        if part.first_month <= part.last_month:
            return date(year, part.first_month, 1), _month_bounds(year, part.last_month)[1]
        return date(year, 1, 1), date(year, 12, 31)  # a season across the new year
    months = {"start": s.year_start_months, "mid": s.year_mid_months, "end": s.year_end_months}.get(
        modifier or "", (1, 12)
    )
    return date(year, months[0], 1), _month_bounds(year, months[1])[1]


def _nearest_year(month: int, anchor: date, direction: int | None) -> int:
    """The year of the occurrence of ``month`` that the anchor date points at."""
    here = anchor.year * 12 + anchor.month - 1
    if direction == 1:
        return anchor.year if month > anchor.month else anchor.year + 1
    if direction == -1:
        return anchor.year if month < anchor.month else anchor.year - 1
    if direction == 0:
        return anchor.year
    best = anchor.year
    for year in (anchor.year, anchor.year - 1, anchor.year + 1):
        if abs(year * 12 + month - 1 - here) < abs(best * 12 + month - 1 - here):
            best = year
    return best


# -------------------------------------------------------------------------- resolving


@dataclass
class _Out:
    value: str | None = None
    granularity: Granularity = "unknown"
    earliest: date | None = None
    latest: date | None = None
    resolved: bool = False
    reason: str | None = None
    anchor: Literal["absolute", "publication", "context"] | None = None
    relative: bool = False
    within_days: int | None = None
    modifier: TimeModifier | None = None
    relation: TimeRelation | None = None


def _iso(d: date) -> str:
    return d.isoformat()


def _calendar_out(e: _Expr, year: int, s: TimeSettings) -> _Out:
    """An expression with a known year (stated or anchored) as an interval."""
    out = _Out(resolved=True, modifier=e.modifier)
    if e.hijri:
        month = e.month
        if month is None:  # a Hijri year
            lo_ord = _hijri_month_start(year, 1)
            hi_ord = _hijri_month_start(year, 12) + _hijri_month_length(year, 12) - 1
            lo, hi = date.fromordinal(lo_ord), date.fromordinal(hi_ord)
            lo, hi = _narrow_thirds(lo, hi, e.modifier)
            out.granularity = "year"
            mid = date.fromordinal((lo.toordinal() + hi.toordinal()) // 2)
            out.value = str(mid.year)
        elif e.day is not None:
            day = date.fromordinal(_hijri_month_start(year, month) + e.day - 1)
            lo = hi = day
            out.granularity, out.value = "day", _iso(day)
        else:
            start = _hijri_month_start(year, month)
            lo = date.fromordinal(start)
            hi = date.fromordinal(start + _hijri_month_length(year, month) - 1)
            lo, hi = _narrow_days(lo, hi, e.modifier, s)
            mid = date.fromordinal((lo.toordinal() + hi.toordinal()) // 2)
            out.granularity, out.value = "month", f"{mid.year:04d}-{mid.month:02d}"
        slack = timedelta(days=s.hijri_slack_days)
        out.earliest, out.latest = lo - slack, hi + slack
        return out
    if e.month is None:
        lo, hi = _year_bounds(year, e.modifier, e.year_part, s)
        out.granularity = "year"
        out.value = f"{year:04d}" + (f"-{e.year_part.label}" if e.year_part else "")
    elif e.day is not None:
        lo = hi = date(year, e.month, e.day)
        out.granularity, out.value = "day", _iso(lo)
    else:
        lo, hi = _narrow_days(*_month_bounds(year, e.month), e.modifier, s)
        out.granularity, out.value = "month", f"{year:04d}-{e.month:02d}"
    out.earliest, out.latest = lo, hi
    return out


def _unresolved(
    granularity: Granularity, reason: str, value: str | None = None, relative: bool = True
) -> _Out:
    return _Out(value=value, granularity=granularity, reason=reason, relative=relative)


def _resolve(e: _Expr, published: date | None, context: date | None, s: TimeSettings) -> _Out:
    if e.kind in (CALENDAR, NUMERIC, YEAR) and e.year is not None:
        out = _calendar_out(e, e.year, s)
        out.anchor = "absolute"
        return out
    if e.kind == CALENDAR and e.month is not None:
        return _resolve_partial(e, published, context, s)
    if e.kind == WEEKDAY:
        return _resolve_weekday(e, published, s)
    if e.kind == CLOCK:
        return _unresolved("unknown", "a clock time without a date", relative=False)
    if e.kind == DURATION and (e.event_relative or e.duration_use == "after_event"):
        return _unresolved("unknown", "counted from another event, not the publication date")
    if published is None:
        gran: Granularity = "day" if e.kind in (RELDAY, DURATION, DAY_OF_MONTH) else "unknown"
        if e.kind == PERIOD and e.period_unit in ("month", "year"):
            gran = "month" if e.period_unit == "month" else "year"
        out = _unresolved(gran, "relative to the publication date, which is not known")
        if (
            e.kind == DURATION
            and e.duration_use == "within"
            and e.count_high is not None
            and e.unit_days
        ):
            out.within_days = math.ceil(e.count_high * e.unit_days)
        return out
    out = _resolve_relative(e, published, s)
    out.anchor = "publication" if out.resolved else None
    out.relative = True
    return out


def _resolve_partial(
    e: _Expr, published: date | None, context: date | None, s: TimeSettings
) -> _Out:
    assert e.month is not None
    month = e.month
    deictic = e.direction is not None or e.year_offset is not None
    if deictic and published is not None:
        context = None  # "سبتمبر القادم" counts from the time of writing
    elif deictic:
        # Only a date in the sentence to go by: take the occurrence nearest to it.
        e = replace(e, direction=None, year_offset=None)
    anchor_date = context if context is not None else published
    value = f"XXXX-{month:02d}" + (f"-{e.day:02d}" if e.day is not None else "")
    granularity: Granularity = "day" if e.day is not None else "month"
    if anchor_date is None:
        return _unresolved(
            granularity, "a month without a year, and no date to anchor it", value, relative=False
        )
    if e.hijri:
        year = (
            _hijri_year_of(anchor_date) + e.year_offset
            if e.year_offset is not None
            else _nearest_hijri_year(month, anchor_date, e.direction)
        )
    elif e.year_offset is not None:
        year = anchor_date.year + e.year_offset
    else:
        year = _nearest_year(month, anchor_date, e.direction)
    if not e.hijri and e.day is not None and e.day > _days_in(year, month):
        return _unresolved(
            granularity, "the day does not exist in the anchored year", value, relative=False
        )
    out = _calendar_out(e, year, s)
    out.anchor = "context" if context is not None else "publication"
    out.relative = deictic
    return out


def _resolve_weekday(e: _Expr, published: date | None, s: TimeSettings) -> _Out:
    assert e.weekday is not None
    if published is None:
        return _unresolved("weekday", "a weekday without a date, and no publication date")
    back = (published.weekday() - e.weekday) % 7
    ahead = (e.weekday - published.weekday()) % 7
    if e.direction == -1:
        day = published - timedelta(days=back or 7)
    elif e.direction == 1:
        day = published + timedelta(days=ahead or 7)
    elif s.weekday_direction == "future":
        day = published + timedelta(days=ahead)
    elif s.weekday_direction == "both" and back and ahead:
        lo, hi = published - timedelta(days=back), published + timedelta(days=ahead)
        return _Out(None, "weekday", lo, hi, True, None, "publication", True)
    else:
        day = published - timedelta(days=back)
    return _Out(_iso(day), "day", day, day, True, None, "publication", True)


def _resolve_relative(e: _Expr, pub: date, s: TimeSettings) -> _Out:
    if e.kind == RELDAY:
        assert e.day_offset is not None
        day = pub + timedelta(days=e.day_offset)
        return _Out(_iso(day), "day", day, day, True)
    if e.kind == DAY_OF_MONTH:
        assert e.day is not None and e.day_offset is not None
        index = pub.year * 12 + pub.month - 1 + e.day_offset
        year, month = divmod(index, 12)
        if e.day > _days_in(year, month + 1):
            return _unresolved("day", "the day does not exist in that month")
        day = date(year, month + 1, e.day)
        return _Out(_iso(day), "day", day, day, True)
    if e.kind == PERIOD:
        offset = e.day_offset or 0
        if e.period_unit == "year":
            out = _calendar_out(replace(e, month=None, day=None), pub.year + offset, s)
            return out
        if e.period_unit == "month":
            year, month = divmod(pub.year * 12 + pub.month - 1 + offset, 12)
            out = _calendar_out(replace(e, month=month + 1, day=None, year_part=None), year, s)
            return out
        # A week: the hull of every reading (weeks start on Saturday, Sunday or Monday).
        lo, hi = {
            -1: (pub - timedelta(13), pub - timedelta(1)),
            0: (pub - timedelta(6), pub + timedelta(6)),
            1: (pub + timedelta(1), pub + timedelta(13)),
        }[max(-1, min(1, offset))]
        lo, hi = _narrow_thirds(lo, hi, e.modifier)
        return _Out(None, "unknown", lo, hi, True, modifier=e.modifier)
    if e.kind == VAGUE:
        assert e.unit_days is not None and e.count_low is not None and e.count_high is not None
        far = math.ceil(e.count_high * e.unit_days)
        if e.direction == 1:
            return _Out(
                None,
                "day",
                pub,
                pub + timedelta(far),
                True,
                within_days=far,
                modifier="approx",
                relation="within",
            )
        return _Out(None, "day", pub - timedelta(far), pub, True, modifier="approx")
    if e.kind == DURATION:
        return _resolve_duration(e, pub)
    return _unresolved("unknown", "not understood")


def _resolve_duration(e: _Expr, pub: date) -> _Out:
    assert e.unit_days is not None and e.count_low is not None and e.count_high is not None
    unit = e.extras.get("unit", "days")
    exact = e.count_low == e.count_high
    if e.event_relative or e.duration_use == "after_event":
        return _unresolved("unknown", "counted from another event, not the publication date")
    if e.duration_use == "within":
        days = math.ceil(e.count_high * e.unit_days)
        return _Out(
            None,
            "day",
            pub,
            pub + timedelta(days),
            True,
            within_days=days,
            modifier=None if exact else "approx",
            relation="within",
        )
    # "قبل 3 ايام" / "منذ 3 اشهر": a point back from the publication date.
    relation: TimeRelation = "since" if e.duration_use == "since_ago" else "on"
    if exact and unit in ("months", "years"):
        n = int(e.count_low)
        if unit == "years":
            out = _Out(
                f"{pub.year - n:04d}",
                "year",
                date(pub.year - n, 1, 1),
                date(pub.year - n, 12, 31),
                True,
            )
        else:
            year, month = divmod(pub.year * 12 + pub.month - 1 - n, 12)
            lo, hi = _month_bounds(year, month + 1)
            out = _Out(f"{year:04d}-{month + 1:02d}", "month", lo, hi, True)
        out.relation = relation
        return out
    far = pub - timedelta(math.ceil(e.count_high * e.unit_days))
    near = pub - timedelta(math.floor(e.count_low * e.unit_days))
    if far == near:
        return _Out(_iso(far), "day", far, far, True, relation=relation)
    return _Out(None, "day", far, near, True, modifier="approx", relation=relation)


# ------------------------------------------------------------------- context dates


def _sentence_ids(text: str, g: _Grammar) -> list[int]:
    return [m.end() for m in g.sentence_end.finditer(text)]


def _sentence_of(offset: int, ends: list[int]) -> int:
    lo, hi = 0, len(ends)
    while lo < hi:
        mid = (lo + hi) // 2
        if ends[mid] <= offset:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _context_dates(exprs: list[_Expr], text: str, g: _Grammar) -> dict[int, date]:
    """For each expression without a year, the nearest full Gregorian date (with a stated
    year) in the same sentence, as the date it is anchored to."""
    ends = _sentence_ids(text, g)
    full: list[tuple[int, int, date]] = []
    for e in exprs:
        if e.kind in (CALENDAR, NUMERIC, YEAR) and e.year is not None and not e.hijri:
            if e.month is None:
                anchor = date(e.year, 7, 1)
            else:
                anchor = date(e.year, e.month, e.day or 15)
            full.append((_sentence_of(e.start, ends), e.start, anchor))
    out: dict[int, date] = {}
    for i, e in enumerate(exprs):
        if e.kind != CALENDAR or e.year is not None:
            continue
        sentence = _sentence_of(e.start, ends)
        same = [(abs(start - e.start), d) for sid, start, d in full if sid == sentence]
        if same:
            out[i] = min(same, key=lambda t: t[0])[1]
    return out
