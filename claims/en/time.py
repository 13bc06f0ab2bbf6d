"""The English temporal tagger: the same values as the Arabic one, from English grammar.

:func:`find_times` finds *cores* with regexes compiled once from ``lexicon/en/time.yaml``:
dates in either order ("September 15, 2025", "15 September 2025", "Sept. 15"), months with
or without a year ("in March", "August 2024"), ISO and unambiguous numeric dates, years
with a cue ("in 2021", "the 2021 elections"), parts of a year ("the first quarter of
2026"), weekdays ("on Saturday", "last Friday"), relative days ("yesterday", "last night"),
periods ("this month", "earlier this month", "last year"), vague periods ("in recent days",
"the coming weeks"), lengths of time ("within 48 hours", "three days ago", "two days after
the vote") and clock times with their zone ("2317 GMT", "10 a.m.", "13:45 local time").
Each core is widened over the words before it (a part of the day: "late on Tuesday"; a
modifier: "mid-December", "the end of"; a relation: "by", "since", "on") and after it
("Friday evening"); a weekday and a clock time join the date next to them.

The values are resolved by the Arabic tagger's own code (:mod:`claims.time`: the same
intervals, settings and refusals): a relative expression needs the publication date, a
month without a year takes the year of a full date in its sentence or of the publication
date, and an ambiguous numeric date ("05/06/2025": May or June) is not read at all.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import ClassVar

from spacy.lang.en import English
from spacy.language import Language
from spacy.tokens import Doc

from claims import layers
from claims.en.numbers import word_value
from claims.layers import Contract
from claims.lexicon.schemas import (
    EnglishTimeLexicon,
    RelationEntry,
    TimeZoneEntry,
    YearPart,
    en_numbers_lexicon,
    en_time_lexicon,
    en_units_lexicon,
)
from claims.model import Span, TimeModifier, TimeRelation, TimeValue
from claims.numbers import alternation, parse_digits
from claims.time import SETTINGS, TimeSettings, clock_fields, pair_zones, zone_fields
from claims.time.grammar import (
    _DAYLIKE,
    CALENDAR,
    CLOCK,
    DURATION,
    NUMERIC,
    PERIOD,
    RELDAY,
    VAGUE,
    WEEKDAY,
    YEAR,
    _days_in,
    _Expr,
    _left_words,
    _right_words,
    _time_of_day,
    _year_ok,
    half_day_open,
    mark_clock_approx,
)
from claims.time.reading import _combine, _select
from claims.time.resolve import _resolve
from claims.tokenizer import doc_text

_W = r"(?<![\w])"
_E = r"(?![\w])"
_ORD = r"(?:st|nd|rd|th)?"
# Digits or a spelled length ("three", "forty-eight"), or an article ("a week ago").
_COUNT = r"(?:\d+(?:\.\d+)?|[A-Za-z]+(?:-[A-Za-z]+)?)"


def _key(form: str) -> str:
    return " ".join(form.split()).lower()


def _with_bare(forms: Iterable[str]) -> list[str]:
    """Forms, and those ending in a period also without it ("Sept." and "Sept")."""
    out: list[str] = []
    for form in forms:
        out.append(form)
        if form.endswith("."):
            out.append(form[:-1])
    return out


def _ci(forms: Iterable[str]) -> str:
    """An alternation of lower-case lexicon forms that matches them in any case."""
    return "(?i:" + alternation([f.lower() for f in forms]) + ")"


@dataclass(frozen=True)
class _Grammar:
    lex: EnglishTimeLexicon
    months: dict[str, int]
    month_cue_forms: frozenset[str]
    weekdays: dict[str, int]
    weekday_cue_forms: frozenset[str]
    directions: dict[str, int]
    relations: dict[str, RelationEntry]
    modifiers: dict[str, TimeModifier]
    pod_before: dict[str, tuple[str, int]]
    pod_after: dict[str, tuple[str, int]]
    pod_after_clock: dict[str, tuple[str, int]]
    relative_days: dict[str, tuple[int, str | None]]
    periods: dict[str, str]
    units: dict[str, tuple[str, float]]  # length word -> (unit, days)
    vague_directions: dict[str, int]
    vague_counts: dict[str, tuple[float, float]]
    year_parts: dict[str, YearPart]
    clock_shifts: dict[str, int]
    zones: dict[str, TimeZoneEntry]
    patterns: list[tuple[str, re.Pattern[str]]]
    count_after: re.Pattern[str]
    left_pod: re.Pattern[str]
    left_modifier: re.Pattern[str]
    left_direction: re.Pattern[str]
    left_relation: re.Pattern[str]
    right_pod: re.Pattern[str]
    event_after: re.Pattern[str]
    weekday_gap: re.Pattern[str]
    clock_gap: re.Pattern[str]
    sentence_end: re.Pattern[str]
    right_clock_pod: re.Pattern[str]
    left_clock_approx: re.Pattern[str]
    right_clock_approx: re.Pattern[str]


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    lex = en_time_lexicon()
    months = {_key(f): m.number for m in lex.months for f in _with_bare(m.names)}
    month_cue = frozenset(_key(f) for m in lex.months for f in _with_bare(m.needs_cue))
    weekdays = {_key(f): w.number for w in lex.weekdays for f in _with_bare(w.names)}
    weekday_cue = frozenset(_key(f) for w in lex.weekdays for f in _with_bare(w.needs_cue))
    directions: dict[str, int] = {_key(f): d.direction for d in lex.directions for f in d.forms}
    relations = {_key(f): r for r in lex.relations for f in r.forms}
    modifiers: dict[str, TimeModifier] = {
        _key(f): m.modifier for m in lex.modifiers for f in m.forms
    }
    pod_before = {_key(f): (p.name, p.clock_shift) for p in lex.parts_of_day for f in p.before}
    pod_after = {_key(f): (p.name, p.clock_shift) for p in lex.parts_of_day for f in p.after}
    pod_after_clock = {
        _key(f): (p.name, p.clock_shift) for p in lex.parts_of_day for f in p.after_clock
    }
    relative_days = {
        _key(f): (r.offset, r.time_of_day) for r in lex.relative_days for f in r.forms
    }
    periods: dict[str, str] = {_key(f): p.unit for p in lex.period_words for f in p.forms}
    units: dict[str, tuple[str, float]] = {}
    for d in lex.durations:
        for f in [*d.singular, *d.plural]:
            units[_key(f)] = (d.unit, d.days)
    plurals = [f for d in lex.durations for f in d.plural]
    vague_directions: dict[str, int] = {
        _key(f): v.direction for v in lex.vague_periods for f in v.forms
    }
    vague_counts = {
        _key(f): (v.low, v.high if v.high is not None else v.low)
        for v in en_numbers_lexicon().vague
        for f in v.forms
        if v.high is not None
    }
    year_parts = {_key(f): p for p in lex.year_parts for f in p.forms}
    clock_shifts = {_key(f): c.shift for c in lex.clock_suffixes for f in c.forms}

    # Month and weekday names keep their capital: "May 15", not "they may".
    month_alt = alternation(_with_bare(n for m in lex.months for n in m.names))
    month_alt_up = alternation(_with_bare(n.upper() for m in lex.months for n in m.names))
    mon = f"(?P<mon>{month_alt}|{month_alt_up})"
    weekday_alt = alternation(_with_bare(n for w in lex.weekdays for n in w.names))
    dirs = _ci(directions)
    period_alt = _ci(periods)
    unit_alt = _ci(units)
    zones = {_key(f): z for z in lex.time_zones for f in z.forms}
    zone_alt = _ci(zones)
    ampm = _ci(clock_shifts)
    year_word = _ci(lex.year_words)
    vague_alt = _ci(vague_directions)
    vague_count_alt = _ci(vague_counts)
    relation_alt = _ci(relations)
    duration_cues = _ci([f for f, r in relations.items() if r.duration != "none"])
    year = r"(?P<year>\d{4})(?![\d,]\d)"

    calendar_mdy = (
        rf"{_W}(?P<x>{mon}(?:\.(?=\s))?\s+(?P<day>\d{{1,2}}){_ORD}(?![\d:])"
        rf"(?:\s*,?\s*{year})?){_E}"
    )
    calendar_dmy = (
        rf"{_W}(?P<x>(?P<day>\d{{1,2}}){_ORD}\s+(?:(?i:of)\s+)?{mon}(?:\.(?=\s))?"
        rf"(?:\s*,?\s*{year})?){_E}"
    )
    calendar_my = (
        rf"{_W}(?P<x>{mon}(?:\.(?=\s))?(?:\s*,?\s*(?:(?i:of)\s+)?{year})?){_E}"
    )
    numeric = (
        r"(?<![\w./\-])(?P<x>(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})"
        r"|(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<c>\d{4}))(?![\w/]|[.\-]\d)"
    )
    year_re = rf"{_W}(?P<x>(?:(?P<yw>{year_word})\s+)?{year})(?![\w]|[.,/:\-]\d)"
    part_re = (
        rf"{_W}(?P<x>(?P<part>{_ci(year_parts)})\s+(?:{year}|(?P<pdir>{dirs})\s+"
        rf"(?P<pper>{period_alt})))(?![\w]|[.,/:\-]\d)"
    )
    weekday_re = rf"{_W}(?P<x>(?P<wd>{weekday_alt})(?:\.(?=\s))?){_E}"
    relday_re = rf"{_W}(?P<x>{_ci(relative_days)}){_E}"
    period_re = rf"{_W}(?P<x>(?P<pdir>{dirs})\s+(?P<pu>{period_alt})){_E}"
    vague_re = rf"{_W}(?P<x>(?P<vdir>{vague_alt})\s+(?P<vu>{_ci(plurals)})){_E}"
    ago_re = (
        rf"{_W}(?P<x>(?P<num>{_COUNT}|{vague_count_alt})\s+(?P<unit>{unit_alt})\s+"
        rf"(?P<ago>{_ci(lex.ago_words)})){_E}"
    )
    event_re = (
        rf"{_W}(?P<x>(?:(?P<bound>(?i:less than|more than|about|nearly|almost|some|just))\s+)?"
        rf"(?P<num>{_COUNT}|{vague_count_alt})\s+(?P<unit>{unit_alt})\s+"
        rf"(?P<rel>{_ci(lex.event_relative_words)})){_E}"
    )
    cue_re = (
        rf"{_W}(?P<x>(?P<cue>{duration_cues})\s+(?:(?i:the)\s+)?(?:(?i:next|past|last|coming)\s+)?"
        rf"(?:(?P<num>{_COUNT}|{vague_count_alt})\s+)?(?P<unit>{unit_alt})){_E}"
    )
    clock_re = (
        rf"{_W}(?P<x>(?P<h>\d{{1,2}}):(?P<mi>\d{{2}})(?:\s*(?P<suf>{ampm}))?(?:\s+(?P<tz>{zone_alt}))?"
        rf"|(?P<h2>\d{{1,2}})(?:[.:](?P<mi2>\d{{2}}))?\s*(?P<suf2>{ampm})(?:\s+(?P<tz2>{zone_alt}))?"
        rf"|(?P<hm>\d{{4}})\s*(?:(?i:hrs|hours)\s+)?(?P<tz3>{zone_alt}))(?![\w])"
    )
    patterns: list[tuple[str, re.Pattern[str]]] = [
        ("mdy", re.compile(calendar_mdy)),
        ("dmy", re.compile(calendar_dmy)),
        ("my", re.compile(calendar_my)),
        (NUMERIC, re.compile(numeric)),
        (YEAR, re.compile(year_re)),
        ("part", re.compile(part_re)),
        (WEEKDAY, re.compile(weekday_re)),
        (RELDAY, re.compile(relday_re)),
        (PERIOD, re.compile(period_re)),
        (VAGUE, re.compile(vague_re)),
        ("ago", re.compile(ago_re)),
        ("event", re.compile(event_re)),
        (DURATION, re.compile(cue_re)),
        (CLOCK, re.compile(clock_re)),
    ]
    unit_forms = [f for u in en_units_lexicon().units for f in u.forms if f != "%"]
    return _Grammar(
        lex=lex,
        months=months,
        month_cue_forms=month_cue,
        weekdays=weekdays,
        weekday_cue_forms=weekday_cue,
        directions=directions,
        relations=relations,
        modifiers=modifiers,
        pod_before=pod_before,
        pod_after=pod_after,
        pod_after_clock=pod_after_clock,
        relative_days=relative_days,
        periods=periods,
        units=units,
        vague_directions=vague_directions,
        vague_counts=vague_counts,
        year_parts=year_parts,
        clock_shifts=clock_shifts,
        zones=zones,
        patterns=patterns,
        # "2000 soldiers" counts soldiers; "2000 people" is no year
        count_after=re.compile(rf"\s*(?:%|(?:[A-Za-z-]+\s+)?{_ci(unit_forms)}{_E})"),
        left_pod=re.compile(rf"{_W}(?P<w>{_ci(pod_before)})\s+$"),
        left_modifier=re.compile(rf"{_W}(?P<w>{_ci(modifiers)})(?:\s*-\s*|\s+)$"),
        left_direction=re.compile(rf"{_W}(?P<w>{dirs})\s+$"),
        left_relation=re.compile(rf"{_W}(?P<w>{relation_alt})\s+$"),
        right_pod=re.compile(rf"^\s+(?P<w>{_ci(pod_after)}){_E}"),
        event_after=re.compile(rf"^\s+{_ci(lex.year_event_nouns)}{_E}"),
        weekday_gap=re.compile(r"^[\s,]*(?:(?i:the)\s+)?$"),
        clock_gap=re.compile(r"^\s*,?\s*(?:(?i:at|around|about|on)\s+)?$"),
        sentence_end=re.compile(r"[!?\n]|\.(?=\s+[A-Z\"']|\s*$)"),
        right_clock_pod=_right_words(list(pod_after_clock)),
        left_clock_approx=_left_words(lex.clock_approx.before),
        right_clock_approx=_right_words(lex.clock_approx.after),
    )


# ------------------------------------------------------------------------------ cores


def _count(raw: str, g: _Grammar) -> tuple[float, float] | None:
    """A length's count: digits, number words, an article (one), or a vague amount."""
    key = _key(raw)
    if key in g.vague_counts:
        return g.vague_counts[key]
    if key in ("a", "an"):
        return 1.0, 1.0
    value = parse_digits(raw) if raw[:1].isdigit() else word_value(raw)
    if value is None or value <= 0:
        return None
    return value, value


def _calendar(m: re.Match[str], text: str, g: _Grammar, s: TimeSettings) -> _Expr | None:
    form = _key(m.group("mon"))
    month = g.months[form]
    e = _Expr(m.start("x"), m.end("x"), CALENDAR, month=month)
    if m.group("year"):
        year = int(m.group("year"))
        if _year_ok(year, False, s):
            e.year = year
        else:
            e.end = m.end("mon")
    day = m.groupdict().get("day")
    if day is not None:
        if 1 <= int(day) <= _days_in(e.year, month):
            e.day = int(day)
        else:
            return None
    e.needs_cue = form in g.month_cue_forms and e.day is None and e.year is None
    return e


def _numeric(m: re.Match[str], text: str, g: _Grammar, s: TimeSettings) -> _Expr | None:
    if m.group("y"):
        year, month, day = int(m.group("y")), int(m.group("mo")), int(m.group("d"))
    else:
        a, b, year = int(m.group("a")), int(m.group("b")), int(m.group("c"))
        if a > 12 >= b:
            day, month = a, b
        elif b > 12 >= a:
            month, day = a, b
        elif a == b:
            day = month = a
        else:
            return None  # "05/06/2025": May 6 in American usage, 5 June in British
    if not (1 <= month <= 12 and _year_ok(year, False, s) and 1 <= day <= _days_in(year, month)):
        return None
    return _Expr(m.start("x"), m.end("x"), NUMERIC, year=year, month=month, day=day)


def _year(m: re.Match[str], text: str, g: _Grammar, s: TimeSettings) -> _Expr | None:
    year = int(m.group("year"))
    if not _year_ok(year, False, s) or g.count_after.match(text, m.end("x")):
        return None
    e = _Expr(m.start("x"), m.end("x"), YEAR, year=year)
    e.needs_cue = not m.group("yw")
    if g.event_after.match(text[m.end("x") :]):
        e.has_cue = True  # "the 2021 elections"
    return e


def _part(m: re.Match[str], text: str, g: _Grammar, s: TimeSettings) -> _Expr | None:
    part = g.year_parts[_key(m.group("part"))]
    e = _Expr(m.start("x"), m.end("x"), YEAR, year_part=part)
    if m.group("year"):
        year = int(m.group("year"))
        if not _year_ok(year, False, s):
            return None
        e.year = year
        return e
    if g.periods[_key(m.group("pper"))] != "year":
        return None
    e.kind, e.period_unit = PERIOD, "year"
    e.day_offset = g.directions[_key(m.group("pdir"))]
    return e


def _weekday(m: re.Match[str], text: str, g: _Grammar, s: TimeSettings) -> _Expr | None:
    form = _key(m.group("wd"))
    e = _Expr(m.start("x"), m.end("x"), WEEKDAY, weekday=g.weekdays[form])
    e.needs_cue = form in g.weekday_cue_forms
    return e


def _relday(m: re.Match[str], text: str, g: _Grammar, s: TimeSettings) -> _Expr | None:
    offset, tod = g.relative_days[_key(m.group("x"))]
    return _Expr(m.start("x"), m.end("x"), RELDAY, day_offset=offset, time_of_day=tod)


def _period(m: re.Match[str], text: str, g: _Grammar, s: TimeSettings) -> _Expr | None:
    unit = g.periods[_key(m.group("pu"))]
    offset = g.directions[_key(m.group("pdir"))]
    return _Expr(m.start("x"), m.end("x"), PERIOD, period_unit=unit, day_offset=offset)


def _vague(m: re.Match[str], text: str, g: _Grammar, s: TimeSettings) -> _Expr | None:
    _, days = g.units[_key(m.group("vu"))]
    e = _Expr(
        m.start("x"), m.end("x"), VAGUE, unit_days=days,
        direction=g.vague_directions[_key(m.group("vdir"))],
    )
    e.count_low, e.count_high = float(g.lex.vague_plural.low), float(g.lex.vague_plural.high)
    if e.direction == 1:
        e.relation, e.duration_use = "within", "within"
    return e


def _length(e: _Expr, m: re.Match[str], g: _Grammar) -> _Expr | None:
    unit, days = g.units[_key(m.group("unit"))]
    e.unit_days = days
    e.extras["unit"] = unit
    raw = m.group("num")
    if raw is not None:
        counted = _count(raw, g)
        if counted is None:
            return None
        e.count_low, e.count_high = counted
    elif _key(m.group("unit")) in {_key(f) for d in g.lex.durations for f in d.singular}:
        e.count_low = e.count_high = 1.0
    else:  # "within days": a few of them
        e.count_low = float(g.lex.vague_plural.low)
        e.count_high = float(g.lex.vague_plural.high)
    return e


def _ago(m: re.Match[str], text: str, g: _Grammar, s: TimeSettings) -> _Expr | None:
    e = _Expr(m.start("x"), m.end("x"), DURATION, duration_use="ago", relation="on")
    return _length(e, m, g)


def _event_relative(m: re.Match[str], text: str, g: _Grammar, s: TimeSettings) -> _Expr | None:
    """ "two days after the vote", "less than a minute after take-off": another event's
    time plus a length, which the tagger does not resolve."""
    rel = _key(m.group("rel"))
    e = _Expr(m.start("x"), m.end("x"), DURATION, duration_use="after_event", event_relative=True)
    e.relation = "before" if rel in ("before", "earlier", "prior to") else "after"
    return _length(e, m, g)


def _duration(m: re.Match[str], text: str, g: _Grammar, s: TimeSettings) -> _Expr | None:
    cue = g.relations[_key(m.group("cue"))]
    if cue.duration_needs_number and m.group("num") is None:
        return None  # "in a week's time" aside, "in week" is no length
    e = _Expr(m.start("x"), m.end("x"), DURATION, duration_use=cue.duration)
    relations: dict[str, TimeRelation] = {"within": "within", "since_ago": "since", "ago": "on"}
    e.relation = relations.get(cue.duration, cue.relation)
    return _length(e, m, g)


def _clock(m: re.Match[str], text: str, g: _Grammar, s: TimeSettings) -> _Expr | None:
    suffix: str | None
    if m.group("h") is not None:
        hour, minute, suffix = int(m.group("h")), int(m.group("mi")), m.group("suf")
    elif m.group("h2") is not None:
        hour = int(m.group("h2"))
        minute = int(m.group("mi2")) if m.group("mi2") else 0
        suffix = m.group("suf2")
    else:
        digits = m.group("hm")
        hour, minute, suffix = int(digits[:2]), int(digits[2:]), None
    if not (0 <= hour <= 24 and 0 <= minute <= 59):
        return None
    if suffix is not None:
        shift = g.clock_shifts[_key(suffix)]
        if hour > 12:
            return None
        hour = hour % 12 + shift  # 12 a.m. is midnight, 12 p.m. noon
    e = _Expr(m.start("x"), m.end("x"), CLOCK, clock=(hour, minute))
    e.open_half = suffix is None and half_day_open(
        hour, m.group("h") or m.group("h2") or m.group("hm"), None
    )
    zone = m.group("tz") or m.group("tz2") or m.group("tz3")
    if zone is not None:
        entry = g.zones[_key(zone)]
        e.zone, e.utc_offset = entry.zone, entry.offset
    return e


_BUILDERS: dict[str, Callable[[re.Match[str], str, _Grammar, TimeSettings], _Expr | None]] = {
    "mdy": _calendar,
    "dmy": _calendar,
    "my": _calendar,
    NUMERIC: _numeric,
    YEAR: _year,
    "part": _part,
    WEEKDAY: _weekday,
    RELDAY: _relday,
    PERIOD: _period,
    VAGUE: _vague,
    "ago": _ago,
    "event": _event_relative,
    DURATION: _duration,
    CLOCK: _clock,
}


# -------------------------------------------------------------------------- widening


def _extend_left(e: _Expr, text: str, floor: int, g: _Grammar) -> None:
    """Take in a part of the day ("late on Tuesday"), a modifier ("mid-December", "the end
    of 2026") and a direction ("last Friday", "next March") written before the core."""
    while True:
        window = text[max(floor, e.start - 40) : e.start]
        base = e.start - len(window)
        day_like = e.kind in _DAYLIKE and (e.kind != CALENDAR or e.day is not None)
        if day_like:
            m = g.left_pod.search(window)
            if m and e.time_of_day is None:
                e.time_of_day, e.shift = g.pod_before[_key(m.group("w"))]
                e.start = base + m.start("w")
                e.has_cue = True
                continue
        if e.kind in (CALENDAR, YEAR, PERIOD) and e.modifier is None and not day_like:
            m = g.left_modifier.search(window)
            if m:
                e.modifier = g.modifiers[_key(m.group("w"))]
                e.start = base + m.start("w")
                e.has_cue = True
                continue
        if e.kind in (WEEKDAY, CALENDAR) and e.direction is None and e.year is None:
            m = g.left_direction.search(window)
            if m and not (e.kind == CALENDAR and e.day is not None):
                e.direction = g.directions[_key(m.group("w"))]
                e.start = base + m.start("w")
                e.has_cue = True
                continue
        return


def _extend_relation(e: _Expr, text: str, floor: int, g: _Grammar) -> None:
    if e.kind == DURATION or (e.relation is not None and e.kind != VAGUE):
        return
    window = text[max(floor, e.start - 40) : e.start]
    base = e.start - len(window)
    m = g.left_relation.search(window)
    if not m:
        return
    entry = g.relations[_key(m.group("w"))]
    if e.kind == VAGUE:
        if entry.duration == "none":
            return
        e.duration_use = entry.duration
        e.relation = "within" if e.direction == 1 else entry.relation
    else:
        e.relation = entry.relation
    e.start = base + m.start("w")
    e.has_cue = True


def _merge(a: _Expr, b: _Expr, g: _Grammar, text: str) -> _Expr | None:
    """Join a weekday to the date after it ("Saturday, January 11, 2025") and a clock time
    to the day before or after it ("on Saturday at 10 a.m.", "at 2317 GMT on Friday")."""
    gap = text[a.end : b.start]
    if a.kind == WEEKDAY and b.kind in (CALENDAR, NUMERIC) and b.day is not None:
        if g.weekday_gap.match(gap):
            return _combine(b, a, a.start, b.end)
    if b.kind == CLOCK and a.kind in _DAYLIKE and a.clock is None and g.clock_gap.match(gap):
        return _combine(a, b, a.start, b.end)
    if a.kind == CLOCK and b.kind in _DAYLIKE and b.clock is None and g.clock_gap.match(gap):
        return _combine(b, a, a.start, b.end)
    return None


def _collect(text: str, g: _Grammar, s: TimeSettings) -> list[_Expr]:
    cands: dict[tuple[str, int, int], _Expr] = {}
    for kind, pattern in g.patterns:
        for m in pattern.finditer(text):
            e = _BUILDERS[kind](m, text, g, s)
            if e is not None and e.end > e.start:
                cands.setdefault((kind, e.start, e.end), e)
    exprs = _select(list(cands.values()))
    floor = 0
    for e in exprs:
        _extend_left(e, text, floor, g)
        floor = e.end
    exprs = pair_zones(exprs, text)
    floor = 0
    for e in exprs:
        _clock_words(e, text, floor, g)
        floor = e.end
    merged: list[_Expr] = []
    for e in exprs:
        if merged:
            joined = _merge(merged[-1], e, g, text)
            if joined is not None:
                merged[-1] = joined
                continue
        merged.append(e)
    out: list[_Expr] = []
    floor = 0
    for i, e in enumerate(merged):
        _extend_relation(e, text, floor, g)
        if e.kind in _DAYLIKE and e.time_of_day is None:
            limit = merged[i + 1].start if i + 1 < len(merged) else len(text)
            after = g.right_pod.match(text[e.end : limit])
            if after:
                e.time_of_day, e.shift = g.pod_after[_key(after.group("w"))]
                e.end += after.end("w")
        if e.needs_cue and not e.has_cue:
            continue
        floor = e.end
        out.append(e)
    return out


def _clock_words(e: _Expr, text: str, floor: int, g: _Grammar) -> None:
    """A part of the day after a clock time said without a.m./p.m. ("2:30 in the
    afternoon"), and a word that makes it approximate ("around 3 pm")."""
    if e.kind != CLOCK:
        return
    if e.open_half and e.time_of_day is None:
        m = g.right_clock_pod.match(text, e.end)
        if m:
            e.time_of_day, e.shift = g.pod_after_clock[_key(m.group("w"))]
            e.end = m.end()
    mark_clock_approx(e, text, floor, g.left_clock_approx, g.right_clock_approx)


def _context_dates(exprs: list[_Expr], text: str, g: _Grammar) -> dict[int, date]:
    """For each month without a year, the nearest full date with a year in its sentence."""
    ends = [m.end() for m in g.sentence_end.finditer(text)]

    def sentence_of(offset: int) -> int:
        return sum(1 for end in ends if end <= offset)

    full = [
        (sentence_of(e.start), e.start, date(e.year, e.month or 7, e.day or (15 if e.month else 1)))
        for e in exprs
        if e.kind in (CALENDAR, NUMERIC, YEAR) and e.year is not None
    ]
    out: dict[int, date] = {}
    for i, e in enumerate(exprs):
        if e.kind != CALENDAR or e.year is not None:
            continue
        same = [(abs(start - e.start), d) for sid, start, d in full if sid == sentence_of(e.start)]
        if same:
            out[i] = min(same, key=lambda t: t[0])[1]
    return out


def find_times(
    text: str, published: date | None = None, *, settings: TimeSettings | None = None
) -> list[TimeValue]:
    """Every time expression in normalised English ``text``, sorted, non-overlapping;
    spans are offsets into ``text``. ``published`` anchors relative expressions."""
    s = settings or SETTINGS
    g = _grammar()
    if isinstance(published, datetime):
        published = published.date()
    exprs = _collect(text, g, s)
    contexts = _context_dates(exprs, text, g) if s.context_anchor else {}
    values: list[TimeValue] = []
    for i, e in enumerate(exprs):
        out = _resolve(e, published, contexts.get(i), s)
        relation = e.relation or out.relation or "on"
        within_days = out.within_days if relation == "within" else None
        if relation == "within" and within_days is None and e.count_high and e.unit_days:
            within_days = math.ceil(e.count_high * e.unit_days)
        values.append(
            TimeValue(
                span=Span(start=e.start, end=e.end, text=text[e.start : e.end]),
                value=out.value,
                granularity=out.granularity,
                earliest=out.earliest,
                latest=out.latest,
                modifier=e.modifier or out.modifier,
                relation=relation,
                weekday=e.weekday,
                time_of_day=_time_of_day(e),
                within_days=within_days,
                relative=out.relative,
                anchor=out.anchor if out.resolved else None,
                resolved=out.resolved,
                reason=out.reason,
                **zone_fields(e),
                **clock_fields(e),
            )
        )
    return values


class EnglishTimes:
    """``cc_times`` for English: :func:`find_times` on the doc, stored as the Arabic
    component stores its values (the layers TIMES and TIME_SPANS)."""

    contract: ClassVar[Contract] = Contract(
        provides=frozenset({"time"}),
        reads=(layers.PUBLISHED,),
        writes=(layers.TIMES, layers.TIME_SPANS),
    )

    def __call__(self, doc: Doc) -> Doc:
        published = layers.PUBLISHED.find(doc)
        values = find_times(doc_text(doc), published if isinstance(published, date) else None)
        layers.TIMES.set(doc, values)
        layers.TIME_SPANS.set_values(doc, values)
        return doc


@English.factory("cc_times")
def make_times(nlp: Language, name: str) -> EnglishTimes:
    return EnglishTimes()
