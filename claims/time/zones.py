"""Time zones of clock times: the zone written after a clock time ("بالتوقيت المحلي",
"GMT"), a second clock time giving the same instant in another zone ("23:11 (22:11
GMT)"), and the days of the UTC calendar a stated moment may fall on."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TypedDict

from claims.lexicon.schemas import TimeZoneEntry
from claims.model import TimeValue
from claims.time.grammar import _ZONE_PAIR_GAP, CLOCK, _Expr, _key, _time_of_day

_CLOSE_BRACKET = re.compile(r"\s*[)\]]")
_DAY_MINUTES = 24 * 60
_MAX_EAST, _MAX_WEST = 14 * 60, 12 * 60  # UTC+14 .. UTC-12


def _local_minutes(e: _Expr) -> int | None:
    tod = _time_of_day(e) if e.clock is not None else None
    if tod is None:
        return None
    hour, minute = tod.split(":")
    return int(hour) * 60 + int(minute)


def attach_zones(
    exprs: list[_Expr], text: str, zone_after: re.Pattern[str], zones: dict[str, TimeZoneEntry]
) -> None:
    """Take in the zone written after each clock time ("بالتوقيت المحلي", "GMT")."""
    for e in exprs:
        if e.clock is None or e.zone is not None:
            continue
        m = zone_after.match(text, e.end)
        if m:
            entry = zones[_key(m.group("z") or m.group("b"))]
            e.zone, e.utc_offset, e.end = entry.zone, entry.offset, m.end()


def pair_zones(
    exprs: list[_Expr], text: str, pair_gap: re.Pattern[str] = _ZONE_PAIR_GAP
) -> list[_Expr]:
    """Join a clock time and a second one right after it, in brackets or after "or", that
    gives the same instant in a zone whose offset is known: the first one's offset follows
    from the two ("23:11 local time (22:11 GMT)": UTC+1) and the second is no time of its
    own. Two clock times that no whole quarter-hour offset joins stay two (refused)."""
    out: list[_Expr] = []
    i = 0
    while i < len(exprs):
        e = exprs[i]
        nxt = exprs[i + 1] if i + 1 < len(exprs) else None
        gap = text[e.end : nxt.start] if nxt is not None else ""
        local = _local_minutes(e)
        if (
            nxt is not None
            and local is not None
            and nxt.kind == CLOCK
            and nxt.utc_offset is not None
            and pair_gap.match(gap)
            and (e.zone is not None or "(" in gap or "[" in gap)
        ):
            other = _local_minutes(nxt)
            assert other is not None
            offset = (local - (other - nxt.utc_offset)) % _DAY_MINUTES
            if offset > _MAX_EAST:
                offset -= _DAY_MINUTES
            if e.utc_offset is None and offset % 15 == 0 and offset >= -_MAX_WEST:
                e.zone, e.utc_offset = e.zone or "local", offset
            if e.utc_offset == offset:
                close = _CLOSE_BRACKET.match(text, nxt.end)
                e.end = close.end() if close and ("(" in gap or "[" in gap) else nxt.end
                out.append(e)
                i += 2
                continue
        out.append(e)
        i += 1
    return out


class ZoneFields(TypedDict, total=False):
    """The ``TimeValue`` fields a clock time's zone fills."""

    time_zone: str
    utc_offset: int | None
    utc_time: str
    utc_day_offset: int


def zone_fields(e: _Expr) -> ZoneFields:
    """The ``TimeValue`` fields of a clock time's zone: its name, offset, and the time and
    day shift in UTC when the offset is known."""
    local = _local_minutes(e)
    if e.zone is None or local is None:
        return {}
    fields: ZoneFields = {"time_zone": e.zone, "utc_offset": e.utc_offset}
    if e.utc_offset is not None:
        day, minutes = divmod(local - e.utc_offset, _DAY_MINUTES)
        fields["utc_time"] = f"{minutes // 60:02d}:{minutes % 60:02d}"
        fields["utc_day_offset"] = day
    return fields


class ClockFields(TypedDict, total=False):
    """The ``TimeValue`` fields of how a clock time was said."""

    clock_approx: bool
    twelve_hour: bool


def clock_fields(e: _Expr) -> ClockFields:
    """Whether a clock time is approximate, and whether it may be either half of the day
    (set only when true, so that a time without them keeps its claim ID)."""
    fields: ClockFields = {}
    if e.clock is None:
        return fields
    if e.approx:
        fields["clock_approx"] = True
    if (e.open_half and e.time_of_day is None) or e.half_unsure:
        fields["twelve_hour"] = True
    return fields


def utc_days(t: TimeValue) -> tuple[date, date] | None:
    """The days of the UTC calendar the stated moment may fall on.

    With a known offset the stated day moves by ``utc_day_offset``; with a clock time in
    local or unknown time, by what any offset from UTC-12 to UTC+14 allows at that hour
    (23:11 is that day or, west of Greenwich, the next; 01:11 that day or the one before);
    without a clock time, a day either side. A rule comparing the dates of two reports
    that give their times in different zones compares these."""
    if t.earliest is None or t.latest is None:
        return None
    one = timedelta(days=1)
    if t.utc_day_offset is not None:
        return t.earliest + t.utc_day_offset * one, t.latest + t.utc_day_offset * one
    hour_min = re.fullmatch(r"(\d{2}):(\d{2})", t.time_of_day or "")
    if hour_min is None:
        return t.earliest - one, t.latest + one
    local = int(hour_min.group(1)) * 60 + int(hour_min.group(2))
    low = (local - _MAX_EAST) // _DAY_MINUTES
    high = (local + _MAX_WEST) // _DAY_MINUTES
    return t.earliest + low * one, t.latest + high * one
