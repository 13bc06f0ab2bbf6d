"""What claim slots mean when two reports are compared: day sets, count intervals, places.

Shared by the linker and every rule, so "do these two times overlap" has one answer.
Every function returns None (or "unknown") for a value that is not resolved: callers
never turn an unknown into a conflict.

Times: ``TimeValue.earliest``/``latest`` are read as the days the time expression names
("15 September 2025" -> that day, "end of 2026" -> the end window of 2026); the relation
then says which days the *event* may fall on ("by" X: any day up to X's last day; "on":
exactly those days; "after" X: from the day after; "since" X: from X's first day). When
the extractor already folded the relation into the bounds (earliest None for "by"), the
result is the same.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from checker.settings import CheckerSettings, LabelData
from claims.model import Claim, Entity, Quantity, TimeValue
from claims.normalize import normalize
from claims.quantity import approx_fraction
from claims.time import utc_days

# --- days ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayRange:
    """An inclusive range of calendar days; None is an open end."""

    lo: date | None
    hi: date | None

    def intersects(self, other: DayRange) -> bool:
        lo = _max_date(self.lo, other.lo)
        hi = _min_date(self.hi, other.hi)
        return lo is None or hi is None or lo <= hi

    def gap_days(self, other: DayRange) -> int:
        """Days between two disjoint ranges (0 when they intersect)."""
        if self.intersects(other):
            return 0
        if self.hi is not None and other.lo is not None and self.hi < other.lo:
            return (other.lo - self.hi).days
        assert other.hi is not None and self.lo is not None
        return (self.lo - other.hi).days

    def describe(self) -> str:
        if self.lo is not None and self.lo == self.hi:
            return self.lo.isoformat()
        if self.lo is None and self.hi is None:
            return "any day"
        if self.lo is None:
            return f"≤ {self.hi.isoformat() if self.hi else ''}"
        if self.hi is None:
            return f"≥ {self.lo.isoformat()}"
        return f"{self.lo.isoformat()}..{self.hi.isoformat()}"


def _max_date(a: date | None, b: date | None) -> date | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def _min_date(a: date | None, b: date | None) -> date | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


_VALUE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _days_from_value(t: TimeValue, settings: CheckerSettings) -> DayRange | None:
    """Days named by ``value`` ("2025", "2025-09", "2025-09-15") and its modifier."""
    match = _VALUE.match(t.value or "")
    if match is None:
        return None
    year = int(match.group(1))
    if match.group(3):
        day = date(year, int(match.group(2)), int(match.group(3)))
        return DayRange(day, day)
    if match.group(2):
        month = int(match.group(2))
        last = calendar.monthrange(year, month)[1]
        window = settings.month_modifier_windows.get(t.modifier or "")
        first_day, last_day = (window.first, min(window.last, last)) if window else (1, last)
        return DayRange(date(year, month, first_day), date(year, month, last_day))
    window = settings.year_modifier_windows.get(t.modifier or "")
    first_month, last_month = (window.first, window.last) if window else (1, 12)
    last_day = calendar.monthrange(year, last_month)[1]
    return DayRange(date(year, first_month, 1), date(year, last_month, last_day))


def reference_days(t: TimeValue | None, settings: CheckerSettings) -> DayRange | None:
    """The days the time expression itself names, or None when it is not resolved."""
    if t is None or not t.resolved:
        return None
    if t.earliest is None and t.latest is None:
        found = _days_from_value(t, settings)
        if found is None:
            return None
    else:
        found = DayRange(t.earliest, t.latest)
    if t.modifier == "approx":
        pad = timedelta(days=settings.approx_date_tolerance_days)
        found = DayRange(found.lo - pad if found.lo else None, found.hi + pad if found.hi else None)
    return found


def allowed_days(t: TimeValue | None, settings: CheckerSettings) -> DayRange | None:
    """The days on which the event may have happened (or may happen), given the relation."""
    ref = reference_days(t, settings)
    if ref is None or t is None:
        return None
    return _with_relation(ref, t.relation)


_YEARLESS = re.compile(r"^XXXX-(\d{2})(?:-(\d{2}))?$")


def yearless(t: TimeValue | None) -> tuple[int, int | None] | None:
    """(month, day or None) of a date said without its year and not resolved ("في
    يوليو", "يوم 5 اغسطس" in a report with no date of its own), on the day or month
    itself with no modifier; else None."""
    if t is None or t.resolved or t.value is None or t.modifier is not None:
        return None
    if t.relation not in (None, "on"):
        return None
    m = _YEARLESS.match(t.value)
    if m is None:
        return None
    return int(m.group(1)), int(m.group(2)) if m.group(2) else None


def _in_year(month_day: tuple[int, int | None], year: int) -> DayRange | None:
    month, day = month_day
    try:
        if day is not None:
            return DayRange(date(year, month, day), date(year, month, day))
        last = calendar.monthrange(year, month)[1]
        return DayRange(date(year, month, 1), date(year, month, last))
    except ValueError:
        return None  # 30 February: no such day


def never_same_day(a: TimeValue | None, b: TimeValue | None, settings: CheckerSettings) -> bool:
    """Whether two dates, at least one of them said without its year, name no common day
    in any year: "July" and "August 2024" never meet, "July" and "2024" may. A date with
    no year against one without a day, month or bounds is not compared."""
    md_a, md_b = yearless(a), yearless(b)
    if md_a is None and md_b is None:
        return False
    if md_a is not None and md_b is not None:
        (month_a, day_a), (month_b, day_b) = md_a, md_b
        return month_a != month_b or (day_a is not None and day_b is not None and day_a != day_b)
    partial, other = (md_a, b) if md_a is not None else (md_b, a)
    assert partial is not None
    days = allowed_days(other, settings)
    if days is None or days.lo is None or days.hi is None:
        return False
    for year in range(days.lo.year - 1, days.hi.year + 2):
        in_year = _in_year(partial, year)
        if in_year is None or in_year.intersects(days):
            return False
    return True


def as_of_days(t: TimeValue | None, settings: CheckerSettings) -> DayRange | None:
    """The days a figure is given for: a toll "as of" a time ("حصيلة الى غاية الثانية
    صباحا", "by Saturday evening") is the figure at that time, so "by" and "until" name
    the day itself; any other relation as in :func:`allowed_days`."""
    if t is not None and t.relation in ("by", "until"):
        return reference_days(t, settings)
    return allowed_days(t, settings)


def as_of_hour(t: TimeValue | None) -> bool:
    """Whether a figure is given as of an hour ("حصيلة الى غاية الثانية صباحا", "by 6
    p.m."): a time of day with "by" or "until"."""
    return t is not None and bool(t.time_of_day) and t.relation in ("by", "until")


def _hours(t: TimeValue | None, settings: CheckerSettings) -> tuple[int, int] | None:
    """The minutes from midnight a time of day may mean (a clock time: one minute)."""
    if t is None or not t.time_of_day:
        return None
    clock = _CLOCK.match(t.time_of_day)
    if clock is not None:
        minute = int(clock.group(1)) * 60 + int(clock.group(2))
        return minute, minute
    return settings.day_part_minutes.get(t.time_of_day.lower())


def different_hours(a: TimeValue | None, b: TimeValue | None, settings: CheckerSettings) -> bool:
    """Whether two times both state a time of day and the hours they may mean do not
    meet ("02:00" against "morning"; a night's hours past midnight count for both)."""
    hours_a, hours_b = _hours(a, settings), _hours(b, settings)
    if hours_a is None or hours_b is None:
        return False
    day = 24 * 60
    return not any(
        a0 + shift_a <= b1 + shift_b and b0 + shift_b <= a1 + shift_a
        for (a0, a1), (b0, b1) in [(hours_a, hours_b)]
        for shift_a in (0, day)
        for shift_b in (0, day)
    )


def _with_relation(ref: DayRange, relation: str | None) -> DayRange | None:
    one = timedelta(days=1)
    relation = relation or "on"
    if relation in ("on", "within"):
        return ref
    if relation in ("by", "until"):
        return DayRange(None, ref.hi)
    if relation == "before":
        return DayRange(None, ref.lo - one) if ref.lo else DayRange(None, ref.hi)
    if relation == "after":
        return DayRange(ref.hi + one, None) if ref.hi else DayRange(ref.lo, None)
    if relation == "since":
        return DayRange(ref.lo, None)
    return None


# A clock time this close to midnight may fall on another calendar day in another zone.
NEAR_MIDNIGHT_MINUTES = 3 * 60
_CLOCK = re.compile(r"^(\d{2}):(\d{2})$")


def _near_midnight(t: TimeValue) -> bool:
    clock = _CLOCK.match(t.time_of_day or "")
    if clock is None:
        return False
    minutes = int(clock.group(1)) * 60 + int(clock.group(2))
    return min(minutes, 24 * 60 - minutes) <= NEAR_MIDNIGHT_MINUTES


def zones_apart(a: TimeValue | None, b: TimeValue | None) -> bool:
    """Whether the calendar days of two reports may be days of different zones: they state
    their clock times in different zones ("23:11 local time" against "00:11 GMT"), or one
    states a zone for a clock time near midnight and the other states none. Their days are
    then compared in UTC (:func:`utc_allowed_days`)."""
    if a is None or b is None:
        return False
    zone_a, zone_b = a.time_zone, b.time_zone
    if zone_a is not None and zone_b is not None:
        return zone_a != zone_b
    if zone_a is not None:
        return _near_midnight(a)
    if zone_b is not None:
        return _near_midnight(b)
    return False


_PROBE = date(2001, 1, 1)


def utc_day_shifts(t: TimeValue) -> tuple[int, int]:
    """How many days the UTC date of the stated moment may lie before and after the stated
    date (``claims.time.utc_days``): (0, 0) for a known offset that keeps the day, (0, 1)
    for "23:11 local time" in an unknown zone, (-1, 1) for a day without a clock time."""
    probe = TimeValue(
        earliest=_PROBE,
        latest=_PROBE,
        time_of_day=t.time_of_day,
        utc_day_offset=t.utc_day_offset,
    )
    found = utc_days(probe)
    assert found is not None
    return (found[0] - _PROBE).days, (found[1] - _PROBE).days


def utc_allowed_days(t: TimeValue | None, settings: CheckerSettings) -> DayRange | None:
    """:func:`allowed_days` on the UTC calendar: the stated days moved by what the zone (or
    the lack of one) allows, then the relation applied."""
    ref = reference_days(t, settings)
    if ref is None or t is None:
        return None
    low, high = utc_day_shifts(t)
    shifted = DayRange(
        ref.lo + timedelta(days=low) if ref.lo else None,
        ref.hi + timedelta(days=high) if ref.hi else None,
    )
    return _with_relation(shifted, t.relation)


def compared_days(
    a: TimeValue | None, b: TimeValue | None, settings: CheckerSettings
) -> tuple[DayRange | None, DayRange | None]:
    """The days two reports allow, on one calendar: the stated (local) days, or the UTC
    days when their zones may differ (:func:`zones_apart`) and their stated days are at
    most a day apart (a clock can move a date by one day, no zone by two)."""
    days_a, days_b = allowed_days(a, settings), allowed_days(b, settings)
    if days_a is None or days_b is None or days_a.gap_days(days_b) > 1:
        return days_a, days_b
    if zones_apart(a, b):
        return utc_allowed_days(a, settings), utc_allowed_days(b, settings)
    return days_a, days_b


def state_days(t: TimeValue | None, settings: CheckerSettings) -> DayRange | None:
    """Days on which a *state* (a presence, an empty base) is said to hold.

    "Empty by early September" holds at least from the deadline on; "since 2014" from then
    on; "until March" up to then; "on" a day that day.
    """
    ref = reference_days(t, settings)
    if ref is None or t is None:
        return None
    relation = t.relation or "on"
    if relation in ("on", "within"):
        return ref
    if relation == "by":
        return DayRange(ref.hi, None)
    if relation in ("since", "after"):
        return DayRange(ref.lo if relation == "since" else ref.hi, None)
    if relation in ("until", "before"):
        return DayRange(None, ref.hi if relation == "until" else ref.lo)
    return None


def time_precision(t: TimeValue | None) -> str:
    """Two times compared at "the same precision" have equal precision strings."""
    if t is None:
        return "none"
    return f"{t.granularity}{'~' if t.modifier == 'approx' else ''}"


def describe_time(t: TimeValue | None, settings: CheckerSettings) -> str:
    """A compact, language-neutral form: 'by 2026 (end) = ≤ 2026-12-31'."""
    if t is None:
        return "no time"
    days = allowed_days(t, settings)
    said = " ".join(
        part
        for part in (
            t.relation or "on",
            t.value or "",
            f"({t.modifier})" if t.modifier else "",
        )
        if part
    )
    if days is None:
        return f"{said} (unresolved)"
    if days.describe() == t.value:
        return said
    return f"{said} = {days.describe()}"


def stated_weekday(t: TimeValue | None) -> int | None:
    """The weekday the report puts the event on, when it says "on" that weekday."""
    if t is None or t.weekday is None or (t.relation or "on") != "on":
        return None
    return t.weekday


def stated_calendar_day(t: TimeValue | None) -> date | None:
    """The one calendar day a resolved day-precision expression names, if any."""
    if t is None or not t.resolved or t.granularity != "day":
        return None
    if t.earliest is not None and t.earliest == t.latest:
        return t.earliest
    match = _VALUE.match(t.value or "")
    if match and match.group(3):
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    return None


def _is_night(t: TimeValue, settings: CheckerSettings) -> bool:
    tod = (t.time_of_day or "").lower()
    return any(word in tod for word in settings.night_time_of_day)


def utc_weekdays(t: TimeValue, said: int) -> set[int]:
    """The weekdays of the UTC calendar that weekday ``said``, at the time of ``t``, may
    be (see :func:`utc_day_shifts`)."""
    low, high = utc_day_shifts(t)
    return {(said + k) % 7 for k in range(low, high + 1)}


def weekdays_meet_in_utc(a: TimeValue, said_a: int, b: TimeValue, said_b: int) -> bool:
    """Two weekdays a day apart that may be one UTC day, their zones being apart
    (:func:`zones_apart`): "Friday 23:11 local time" and "Saturday 00:11 GMT"."""
    apart = (said_a - said_b) % 7
    return (
        apart in (1, 6)
        and zones_apart(a, b)
        and bool(utc_weekdays(a, said_a) & utc_weekdays(b, said_b))
    )


def weekdays_agree(said: int, actual: int, t: TimeValue, settings: CheckerSettings) -> bool:
    """Whether weekday ``said`` is compatible with ``actual``: "Thursday night" may be the
    evening before Thursday, so a night expression also allows the previous day."""
    if said == actual:
        return True
    return _is_night(t, settings) and (said - 1) % 7 == actual


# --- clock times ---------------------------------------------------------------------------

ClockFrame = Literal["utc", "zone"]
_DAY = 24 * 60


def _clock_minute(clock: str | None) -> int | None:
    match = _CLOCK.match(clock or "")
    return int(match.group(1)) * 60 + int(match.group(2)) if match else None


def clock_frame(a: Claim, b: Claim, settings: CheckerSettings) -> ClockFrame | None:
    """The one frame in which the clock times of two claims can be compared, or None.

    Both in UTC when both offsets are known; the stated clocks when both are said in one
    named zone, or both in "local" time (of one place: the caller has checked that). A
    clock with no zone is in an unknown frame, which another report's may not share: it
    is compared only when ``clock_unzoned_is_local`` says such clocks are the place's
    local time. Anything else (local time against a zone whose offset the text does not
    give, a zone against none) is refused. (Two claims of one article, which would share
    a frame, are never compared by the rules.)"""
    ta, tb = a.time, b.time
    if ta is None or tb is None:
        return None
    if ta.utc_time is not None and tb.utc_time is not None:
        return "utc"
    zone_a, zone_b = ta.time_zone, tb.time_zone
    if settings.clock_unzoned_is_local:
        zone_a, zone_b = zone_a or "local", zone_b or "local"
    if zone_a is not None and zone_a == zone_b:
        return "zone"
    return None


def clock_minutes(t: TimeValue | None, frame: ClockFrame) -> tuple[int, ...] | None:
    """The minutes from midnight a clock time may mean in ``frame``: one, or two for an
    hour of a 12-hour dial with no part of the day ("الساعه الثالثه": 03:00 or 15:00).
    None for no clock time (a part of the day alone is a range, not compared here)."""
    if t is None:
        return None
    minute = _clock_minute(t.utc_time if frame == "utc" else t.time_of_day)
    if minute is None:
        return None
    if t.twelve_hour:
        return minute, (minute + 12 * 60) % _DAY
    return (minute,)


def clock_gap(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    """The fewest minutes between any reading of one clock time and any of the other,
    round the dial (23:55 and 00:05 are ten minutes apart)."""
    return min(min((x - y) % _DAY, (y - x) % _DAY) for x in a for y in b)


def clock_tolerance(a: TimeValue, b: TimeValue, settings: CheckerSettings) -> int:
    """Minutes two clock times of one moment may be apart: the rounding of reports, and
    more for each side said approximately."""
    approx = sum(1 for t in (a, b) if t.clock_approx)
    return settings.clock_tolerance_minutes + approx * settings.clock_approx_minutes


def describe_clock(t: TimeValue | None, frame: ClockFrame) -> str:
    """'13:38 local', '08:09 UTC (13:39 IST)', '~15:00', '03:00/15:00'."""
    if t is None or t.time_of_day is None:
        return "no clock time"
    minutes = clock_minutes(t, frame) or ()
    shown = "/".join(f"{m // 60:02d}:{m % 60:02d}" for m in minutes)
    said = f"{shown} UTC" if frame == "utc" else f"{shown} {t.time_zone or ''}".strip()
    if frame == "utc" and t.time_zone not in (None, "UTC"):
        said += f" ({t.time_of_day} {t.time_zone})"
    return ("~" if t.clock_approx else "") + said


# --- quantities ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    low: float
    high: float
    low_inclusive: bool = True
    high_inclusive: bool = True

    def disjoint(self, other: Interval) -> bool:
        return self._below(other) or other._below(self)

    def _below(self, other: Interval) -> bool:
        """Every value of self is smaller than every value of other, with a gap: two
        amounts that meet at one figure are not apart, even when one of them excludes it
        ("وفاة أكثر من 820 شخصا" and "820 قتيلا" cite one figure, one of them hedged)."""
        return self.high < other.low

    def describe(self) -> str:
        if self.low == self.high:
            return _num(self.low)
        left = "[" if self.low_inclusive and math.isfinite(self.low) else "("
        right = "]" if self.high_inclusive and math.isfinite(self.high) else ")"
        low = _num(self.low) if math.isfinite(self.low) else "-∞"
        high = _num(self.high) if math.isfinite(self.high) else "∞"
        return f"{left}{low}, {high}{right}"


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def quantity_interval(
    q: Quantity | None, settings: CheckerSettings, *, tolerant: bool = True
) -> Interval | None:
    """The values a quantity allows, or None when it is unresolved or has no number.
    ``tolerant=False`` gives the stated interval, without the "about" tolerance."""
    if q is None or not q.resolved:
        return None
    if (
        q.precision
        and tolerant
        and not q.approximate
        and q.value is not None
        and q.low == q.high == q.value
    ):
        # "21.4 مليون" is any figure that rounds to it: 21,404,291 agrees, 21,041,391 not
        half = q.precision / 2
        return Interval(q.value - half, q.value + half, True, False)
    if q.low is not None or q.high is not None:
        low = q.low if q.low is not None else -math.inf
        high = q.high if q.high is not None else math.inf
        if q.low is None and q.high is not None and q.high >= 0:
            low = 0.0  # counts are never negative: "fewer than 500" is [0, 500)
        interval = Interval(low, high, q.low_inclusive, q.high_inclusive)
        if q.approximate and tolerant:
            interval = _widen(interval, _approx(q, settings))
        return interval
    if q.value is None:
        return None
    if q.vague:
        return Interval(
            q.value * settings.vague_low_factor,
            q.value * settings.vague_high_factor,
            True,
            False,
        )
    tolerance = _approx(q, settings) if q.approximate else settings.exact_relative_tolerance
    if not tolerant:
        tolerance = 0.0
    return _widen(Interval(q.value, q.value), tolerance)


def _approx(q: Quantity, settings: CheckerSettings) -> float:
    return approx_fraction(
        q.value, settings.approx_relative_tolerance, settings.approx_relative_floor
    )


def _widen(interval: Interval, tolerance: float) -> Interval:
    if tolerance == 0:
        return interval
    low = (
        interval.low - abs(interval.low) * tolerance
        if math.isfinite(interval.low)
        else interval.low
    )
    high = (
        interval.high + abs(interval.high) * tolerance
        if math.isfinite(interval.high)
        else interval.high
    )
    return Interval(low, high, interval.low_inclusive, interval.high_inclusive)


def quantity_is_precise(q: Quantity | None) -> bool:
    return q is not None and not q.approximate and not q.vague


def describe_quantity(q: Quantity | None, settings: CheckerSettings) -> str:
    """The stated interval ("≈" marks an approximate or vague amount), e.g. "(50, ∞) vehicles"."""
    interval = quantity_interval(q, settings, tolerant=False)
    if q is None:
        return "no quantity"
    unit = f" {q.unit}" if q.unit else ""
    if interval is None:
        return f"unresolved{unit}"
    return f"{'≈' if q.approximate or q.vague else ''}{interval.describe()}{unit}"


# --- places and actors ---------------------------------------------------------------------

PlaceRelation = Literal["same", "inside", "contains", "disjoint", "unknown"]


def _surface_key(entity: Entity) -> str:
    text = normalize(entity.surface)
    return " ".join(re.findall(r"\w+", text))


def entity_ref(entity: Entity) -> str | None:
    """A comparable identity: the gazetteer key, else the normalised surface form."""
    if entity.key:
        return entity.key
    surface = _surface_key(entity)
    return f"~{surface}" if surface else None


def place_root(entity: Entity | None) -> str | None:
    """The top of the containment chain (the country for a base), or the key itself."""
    if entity is None or entity.key is None:
        return None
    return entity.ancestors[-1] if entity.ancestors else entity.key


def is_within(entity: Entity, key: str) -> bool:
    """``entity`` is ``key`` or lies inside it (never for a complement)."""
    return not entity.complement and (entity.key == key or key in entity.ancestors)


def place_relation(a: Entity | None, b: Entity | None) -> PlaceRelation:
    """How place ``a`` relates to ``b``: "inside" means a lies inside b."""
    if a is None or b is None:
        return "unknown"
    if a.key is None or b.key is None:
        ref_a, ref_b = entity_ref(a), entity_ref(b)
        if a.key is None and b.key is None and ref_a and ref_a == ref_b:
            return "same" if a.complement == b.complement else "unknown"
        return "unknown"
    if a.complement or b.complement:
        return "same" if a.key == b.key and a.complement == b.complement else "unknown"
    if a.key == b.key:
        return "same"
    if b.key in a.ancestors:
        return "inside"
    if a.key in b.ancestors:
        return "contains"
    return "disjoint"


ActorRelation = Literal["same", "different", "unknown"]


def _actor_refs(actors: Iterable[Entity]) -> set[str]:
    refs: set[str] = set()
    for actor in actors:
        ref = entity_ref(actor)
        if ref:
            refs.add(ref)
            refs.update(actor.ancestors)
    return refs


def actor_relation(a: Sequence[Entity], b: Sequence[Entity]) -> ActorRelation:
    refs_a, refs_b = _actor_refs(a), _actor_refs(b)
    if not refs_a or not refs_b:
        return "unknown"
    return "same" if refs_a & refs_b else "different"


def shared_destination(a: Sequence[Entity], b: Sequence[Entity]) -> bool:
    """Some destination of one report is the same place as a destination of the other
    (the same gazetteer key, or the same name when neither is known); "to Mosul" and "to
    Iraq" are not, since every movement into Iraq would share the second."""
    for da in a:
        for db in b:
            if da.complement or db.complement:
                continue
            if da.key or db.key:
                if da.key == db.key:
                    return True
            elif entity_ref(da) and entity_ref(da) == entity_ref(db):
                return True
    return False


def describe_entity(entity: Entity | None) -> str:
    if entity is None:
        return "no place"
    name = entity.label or entity.key or _surface_key(entity) or "?"
    return f"outside {name}" if entity.complement else name


# --- modality ------------------------------------------------------------------------------


def is_ignored(claim: Claim, settings: CheckerSettings) -> bool:
    return claim.modality in settings.ignored_modalities


def is_negated(claim: Claim) -> bool:
    return claim.modality == "negated"


def is_plan(claim: Claim, settings: CheckerSettings) -> bool:
    """A plan or forecast: what should happen, not what did."""
    return claim.phase == "planned" or claim.modality in settings.prospective_modalities


def is_outcome(claim: Claim, settings: CheckerSettings) -> bool:
    """A report of what happened (or is happening), stated as a fact."""
    return not is_plan(claim, settings) and claim.modality in settings.factual_modalities


def is_factual(claim: Claim, settings: CheckerSettings) -> bool:
    return claim.modality in settings.factual_modalities


def plan_vs_outcome(a: Claim, b: Claim, settings: CheckerSettings) -> bool:
    """One side is a plan and the other an outcome: a change of plan, not a contradiction."""
    return (is_plan(a, settings) and is_outcome(b, settings)) or (
        is_plan(b, settings) and is_outcome(a, settings)
    )


# --- can two claims be one event? ------------------------------------------------------------


def occurrence_days(claim: Claim, settings: CheckerSettings) -> DayRange | None:
    """The days a claim's event may fall on, for deciding whether two claims can be one
    event: the stated days, else, for a report of a recurring event (an attack, a death
    toll) that states no date, the days just before its article was published. Only the
    linker reads the second kind; no rule ever compares a date that was not stated.
    """
    stated = allowed_days(claim.time, settings)
    if stated is not None:
        return stated
    if claim.published is None or claim.event not in settings.repeatable_events:
        return None
    if is_plan(claim, settings):
        return None
    window = timedelta(days=settings.undated_report_window_days)
    return DayRange(claim.published - window, claim.published)


VetoReason = Literal["event", "place", "actor", "recurrence"]


def one_event_veto(a: Claim, b: Claim, settings: CheckerSettings) -> VetoReason | None:
    """Why two claims cannot be about one event, or None when they may be.

    Different event families, places that exclude each other, known and different actors
    (when ``actor_mismatch_veto``), or two reported occurrences of a recurring event too
    far apart.
    The linker never joins such claims directly, and the rules never compare them, even
    when other claims put both in one event cluster.
    """
    if a.event != b.event and (
        a.event == "other" or settings.family(a.event) != settings.family(b.event)
    ):
        return "event"
    if place_relation(a.location, b.location) == "disjoint":
        return "place"
    if settings.actor_mismatch_veto and actor_relation(a.actors, b.actors) == "different":
        return "actor"
    # A plan whose date slipped is a change of plan, not another occurrence.
    recurring = {a.event, b.event} & set(settings.repeatable_events)
    if recurring and not is_plan(a, settings) and not is_plan(b, settings):
        days_a, days_b = occurrence_days(a, settings), occurrence_days(b, settings)
        if (
            days_a is not None
            and days_b is not None
            and days_a.gap_days(days_b) > settings.repeatable_gap_days
        ):
            return "recurrence"
    return None


# --- compass bearings ------------------------------------------------------------------------

# Degrees clockwise from north of each point of the compass; "centre" has none.
_COMPASS_DEGREES: dict[str, int] = {
    "N": 0, "NE": 45, "E": 90, "SE": 135, "S": 180, "SW": 225, "W": 270, "NW": 315,
}


def compass_gap(a: str, b: str) -> int | None:
    """How far apart two compass points are, in degrees (0 to 180); None for the centre
    against a side. The centre against the centre is 0."""
    if a == "centre" or b == "centre":
        return 0 if a == b else None
    diff = abs(_COMPASS_DEGREES[a] - _COMPASS_DEGREES[b]) % 360
    return min(diff, 360 - diff)


def bearing_subject(entity: Entity) -> str | None:
    """The place a bearing situates, as facts are keyed: the entity's key, or "*" when the
    entity is the reference itself (the claim's own place, somewhere in that part of it);
    None when there is nothing to compare (no bearing, an unresolved reference)."""
    bearing = entity.bearing
    if bearing is None or bearing.reference is None or entity.key is None or entity.complement:
        return None
    return "*" if entity.key == bearing.reference else entity.key


def describe_bearing(entity: Entity, labels: LabelData) -> str:
    """A bearing in English words: "north of Chad", "the centre of Niger"."""
    bearing = entity.bearing
    if bearing is None:
        return "no bearing"
    return describe_direction(
        bearing.direction, bearing.reference_label or bearing.reference, labels
    )


def describe_direction(direction: str, reference: str | None, labels: LabelData) -> str:
    """A compass point from a place in English words: "south-west of مراكش"."""
    point = labels.compass[direction].en if direction in labels.compass else direction
    return f"{point} of {reference or 'an unknown place'}"
