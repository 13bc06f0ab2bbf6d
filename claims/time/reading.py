"""Reading the time expressions of a text: the patterns of :mod:`claims.time.grammar`
tried where a first word of theirs stands, each match built into an expression (a
*core*), the longest non-overlapping ones kept, each widened over the words around it
(part of day, "يوم", a modifier such as "مطلع", a relation cue such as "بحلول"), a weekday
or clock time joined to the date next to it, clock times given their zones."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from claims.clitics import clitics
from claims.model import TimeRelation
from claims.numbers import parse_number_words
from claims.settings import TimeSettings
from claims.time.grammar import (
    _DAYLIKE,
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
    _key,
    _year_ok,
    half_day_open,
    mark_clock_approx,
)
from claims.time.zones import attach_zones, pair_zones


def _build(kind: str, m: re.Match[str], text: str, g: _Grammar, s: TimeSettings) -> _Expr | None:
    builder = _BUILDERS[kind]
    return builder(m, text, g, s)


def _calendar_core(m: re.Match[str], text: str, g: _Grammar, s: TimeSettings) -> _Expr | None:
    form = _key(m.group("mon"))
    month, hijri = g.months[form]
    if m.group("mon2"):
        month2, hijri2 = g.months[_key(m.group("mon2"))]
        if (month2, hijri2) != (month, hijri):
            return None  # "يوليو/اغسطس" is two months, not one written twice
    e = _Expr(m.start("x"), m.end("x"), CALENDAR, month=month, hijri=hijri)
    if m.group("year"):
        suffix = m.group("ysuf")
        if suffix:
            e.hijri = g.suffixes[suffix]
        year = int(m.group("year"))
        if not _year_ok(year, e.hijri, s):
            # not a year of this calendar: keep the month alone
            e.end = m.end("mon2") if m.group("mon2") else m.end("mon")
        else:
            e.year = year
    elif m.group("ydir") or m.group("ythis"):
        if m.group("ythis") and g.periods[m.group("ythis")] != "year":
            return None
        if m.group("yper") and g.periods[m.group("yper")] != "year":
            return None
        e.year_offset = g.directions[m.group("ydir")] if m.group("ydir") else 0
    elif m.group("mdir"):
        e.direction = g.directions[m.group("mdir")]
    day: int | None = None
    if m.group("day"):
        day = int(m.group("day"))
    elif m.group("ord"):
        day = g.ordinals[_key(m.group("ord"))]
    if day is not None:
        limit = 30 if e.hijri else _days_in(e.year, month)
        if 1 <= day <= limit:
            e.day = day
        else:
            e.start = m.start("mw") if m.group("mw") else m.start("mon")
    has_cue = bool(
        e.day
        or e.year
        or m.group("mw")
        or m.group("mon2")
        or e.direction is not None
        or e.year_offset is not None
    )
    e.needs_cue = form in g.month_cue_forms and not has_cue
    return e


def _numeric_core(m: re.Match[str], text: str, g: _Grammar, s: TimeSettings) -> _Expr | None:
    if m.group("y"):
        year, month, day = int(m.group("y")), int(m.group("mo")), int(m.group("d"))
    else:
        a, b, c = int(m.group("a")), int(m.group("b")), m.group("c")
        year = int(c) if len(c) == 4 else (2000 + int(c) if int(c) < 70 else 1900 + int(c))
        day, month = a, b
        if month > 12 and day <= 12:
            day, month = month, day  # only the month-first reading is a date
    if not (1 <= month <= 12 and _year_ok(year, False, s) and 1 <= day <= _days_in(year, month)):
        return None
    end = m.end("ysuf") if m.group("ysuf") else m.end("x")
    return _Expr(m.start("x"), end, NUMERIC, year=year, month=month, day=day)


def _year_core(m: re.Match[str], text: str, g: _Grammar, s: TimeSettings) -> _Expr | None:
    year = int(m.group("year"))
    hijri = bool(m.group("ysuf")) and g.suffixes[m.group("ysuf")]
    if not _year_ok(year, hijri, s):
        return None
    if g.unit_after.match(text, m.end("x")) or re.match(r"\s*%", text[m.end("x") :]):
        return None  # "2000 جندي" counts soldiers
    e = _Expr(m.start("x"), m.end("x"), YEAR, year=year, hijri=hijri)
    e.needs_cue = not (m.group("yw") or m.group("ysuf"))
    return e


def _part_core(m: re.Match[str], text: str, g: _Grammar, s: TimeSettings) -> _Expr | None:
    part = g.year_parts[_key(m.group("part"))]
    e = _Expr(m.start("x"), m.end("x"), YEAR, year_part=part)
    if m.group("year"):
        year = int(m.group("year"))
        if not _year_ok(year, False, s) or g.unit_after.match(text, m.end("x")):
            return None
        e.year = year
    else:
        per = m.group("pthis") or m.group("pper")
        if g.periods[per] != "year":
            return None
        e.kind = PERIOD
        e.period_unit = "year"
        e.day_offset = g.directions[m.group("pdir")] if m.group("pdir") else 0
    return e


def _weekday_core(m: re.Match[str], text: str, g: _Grammar, s: TimeSettings) -> _Expr | None:
    form = m.group("wd")
    e = _Expr(m.start("x"), m.end("x"), WEEKDAY, weekday=g.weekdays[form])
    if m.group("wdir"):
        e.direction = g.directions[m.group("wdir")]
    e.needs_cue = form in g.weekday_cue_forms and e.direction is None
    return e


def _relday_core(m: re.Match[str], text: str, g: _Grammar, s: TimeSettings) -> _Expr | None:
    form = _key(m.group("x"))
    offset, tod = g.relative_days[form]
    if form in g.guarded_days:
        after = re.match(r"\s+([^\W\d_]+)", text[m.end("x") :])
        before = re.search(r"([^\W\d_]+)\s+$", text[max(0, m.start("x") - 20) : m.start("x")])
        if after and after.group(1) in g.today_blocked_after:
            return None
        if before and before.group(1) in g.today_blocked_before:
            return None
    return _Expr(m.start("x"), m.end("x"), RELDAY, day_offset=offset, time_of_day=tod)


def _period_core(m: re.Match[str], text: str, g: _Grammar, s: TimeSettings) -> _Expr | None:
    unit = g.periods[m.group("pu1") or m.group("pu2")]
    offset = g.directions[m.group("pdir")] if m.group("pdir") else 0
    return _Expr(m.start("x"), m.end("x"), PERIOD, period_unit=unit, day_offset=offset)


def _vague_core(m: re.Match[str], text: str, g: _Grammar, s: TimeSettings) -> _Expr | None:
    unit = g.plurals[m.group("vp")]
    direction = g.directions[m.group("vdir")]
    if direction == 0:
        return None
    low, high = float(g.lex.vague_plural.low), float(g.lex.vague_plural.high)
    if m.group("vnum"):
        n = parse_number_words(m.group("vnum"))
        if n is None:
            return None
        low = high = n
    e = _Expr(m.start("x"), m.end("x"), VAGUE, unit_days=g.unit_days[unit], direction=direction)
    e.count_low, e.count_high = low, high
    return e


def _duration_core(m: re.Match[str], text: str, g: _Grammar, s: TimeSettings) -> _Expr | None:
    cue = g.relations[_key(m.group("cue"))]
    unit, days, fixed = g.durations[m.group("unit")]
    low: float | None
    high: float | None
    if m.group("vc"):
        low, high = g.vague_counts[m.group("vc")]
    elif m.group("num"):
        raw = m.group("num")
        article = clitics().article
        n = parse_number_words(raw[len(article) :] if raw.startswith(article) else raw)
        if n is None or n <= 0:
            return None
        low = high = n
    elif fixed is not None:
        low = high = float(fixed)
    else:
        low, high = float(g.lex.vague_plural.low), float(g.lex.vague_plural.high)
    if cue.duration_needs_number and not (m.group("num") or fixed == 2):
        return None
    e = _Expr(m.start("x"), m.end("x"), DURATION, unit_days=days, duration_use=cue.duration)
    e.count_low, e.count_high = low, high
    e.extras["unit"] = unit
    if g.event_after.match(text, m.end("x")):
        e.event_relative = True  # "قبل ثلاثه ايام من الانتخابات": from another event
    e.relation = (
        _DURATION_RELATION.get(cue.duration, cue.relation) if not e.event_relative else cue.relation
    )
    return e


_DURATION_RELATION: dict[str, TimeRelation] = {
    "within": "within",
    "ago": "on",
    "since_ago": "since",
}


def _day_of_month_core(m: re.Match[str], text: str, g: _Grammar, s: TimeSettings) -> _Expr | None:
    day = int(m.group("day")) if m.group("day") else g.ordinals[_key(m.group("ord"))]
    if not 1 <= day <= 31:
        return None
    e = _Expr(m.start("x"), m.end("x"), DAY_OF_MONTH, day=day, period_unit="month")
    e.day_offset = g.directions[m.group("ddir")] if m.group("ddir") else 0
    return e


def _clock_core(m: re.Match[str], text: str, g: _Grammar, s: TimeSettings) -> _Expr | None:
    if m.group("h") is not None:
        hour, minute, adverb = int(m.group("h")), int(m.group("mi")), m.group("cadv")
    elif m.group("hw3") is not None:
        hour, adverb = g.hours[_key(m.group("hw3"))], m.group("cadv3")
        minute = g.clock_minutes[m.group("cmin3")] if m.group("cmin3") else 0
    else:
        if m.group("h2") is not None:
            hour = int(m.group("h2"))
            minute = int(m.group("mi2")) if m.group("mi2") else 0
        else:
            hour = g.hours[_key(m.group("hw"))]
            minute = 0
        if m.group("cmin"):
            minute = g.clock_minutes[m.group("cmin")]
        elif m.group("cmn"):
            spelled = parse_number_words(m.group("cmn"))
            if spelled is None or spelled != int(spelled):
                return None
            minute = int(spelled)
        adverb = m.group("cadv2")
    if not (0 <= hour <= 24 and 0 <= minute <= 59):
        return None
    e = _Expr(m.start("x"), m.end("x"), CLOCK, clock=(hour, minute))
    if adverb:
        name, shift = g.pod_after[adverb]
        e.time_of_day = name
        e.shift = shift
    e.open_half = half_day_open(hour, m.group("h") or m.group("h2"), e.time_of_day)
    sure = g.pod_sure_hours.get(e.time_of_day or "")
    if sure is not None and not sure[0] <= hour <= sure[1]:
        e.half_unsure = True  # "الثانيه ليلا": 02:00 rather than 14:00
    return e


_BUILDERS: dict[str, Callable[[re.Match[str], str, _Grammar, TimeSettings], _Expr | None]] = {
    CALENDAR: _calendar_core,
    NUMERIC: _numeric_core,
    YEAR: _year_core,
    "part": _part_core,
    WEEKDAY: _weekday_core,
    RELDAY: _relday_core,
    PERIOD: _period_core,
    VAGUE: _vague_core,
    DURATION: _duration_core,
    DAY_OF_MONTH: _day_of_month_core,
    CLOCK: _clock_core,
}


def _select(cands: list[_Expr]) -> list[_Expr]:
    """Longest non-overlapping candidates (earlier first on ties), in text order."""
    chosen: list[_Expr] = []
    for c in sorted(cands, key=lambda e: (-e.length, e.start)):
        if all(c.end <= o.start or o.end <= c.start for o in chosen):
            chosen.append(c)
    return sorted(chosen, key=lambda e: e.start)


# -------------------------------------------------------------------------- widening


def _extend_left(e: _Expr, text: str, floor: int, g: _Grammar) -> None:
    """Take in "يوم", a part of the day and a modifier written before the expression."""
    while True:
        window = text[max(floor, e.start - 40) : e.start]
        base = e.start - len(window)
        day_like = e.kind in _DAYLIKE and (e.kind != CALENDAR or e.day is not None)
        if day_like:
            m = g.left_day_word.search(window)
            if m:
                e.start = base + m.start("w")
                e.has_cue = True
                continue
            m = g.left_pod.search(window)
            if m and e.time_of_day is None:
                name, shift = g.pod_before[_key(m.group("w"))]
                e.time_of_day, e.shift = name, shift
                e.start = base + m.start("w")
                e.has_cue = True
                continue
        elif e.kind in (CALENDAR, YEAR, PERIOD) and e.modifier is None:
            m = g.left_modifier.search(window)
            if m:
                e.modifier = g.modifiers[_key(m.group("w"))]
                e.start = base + (m.start("b") if m.group("b") else m.start("w"))
                if m.group("b"):
                    e.relation = "by"  # "بنهايه العام": by the end of the year
                e.has_cue = True
                continue
        return


def _extend_relation(e: _Expr, text: str, floor: int, g: _Grammar) -> None:
    if e.relation is not None and e.kind != DURATION:
        return
    if e.kind == DURATION:
        return  # the cue is part of the core
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
        e.relation = "within" if e.direction == 1 and entry.duration == "within" else entry.relation
    else:
        e.relation = entry.relation
    e.start = base + m.start("w")
    e.has_cue = True


def _merge(a: _Expr, b: _Expr, g: _Grammar, text: str) -> _Expr | None:
    """Join two neighbouring expressions that name one moment, or None."""
    gap = text[a.end : b.start]
    if a.kind == WEEKDAY and b.kind in (CALENDAR, NUMERIC) and b.day is not None:
        if g.weekday_gap.match(gap):
            return _combine(b, a, a.start, b.end)
    if a.kind == RELDAY and b.kind == WEEKDAY and b.direction is None and g.relday_gap.match(gap):
        return _combine(a, b, a.start, b.end)
    if b.kind == CLOCK and a.kind in _DAYLIKE and a.clock is None and g.clock_after_gap.match(gap):
        return _combine(a, b, a.start, b.end)
    if a.kind == CLOCK and b.kind in _DAYLIKE and b.clock is None and g.clock_before_gap.match(gap):
        return _combine(b, a, a.start, b.end)
    return None


def _combine(main: _Expr, other: _Expr, start: int, end: int) -> _Expr:
    merged = replace(main, start=start, end=end, has_cue=True, needs_cue=False)
    if other.weekday is not None and merged.weekday is None:
        merged.weekday = other.weekday
    if other.clock is not None:
        merged.clock = other.clock
        merged.zone, merged.utc_offset = other.zone, other.utc_offset
        merged.approx, merged.open_half = other.approx, other.open_half
        merged.half_unsure = other.half_unsure
        if other.time_of_day is not None:
            merged.time_of_day = other.time_of_day
            merged.shift = other.shift
    elif other.time_of_day is not None and merged.time_of_day is None:
        merged.time_of_day, merged.shift = other.time_of_day, other.shift
    if main.kind == CLOCK:
        merged.kind = other.kind
    return merged


# ---------------------------------------------------------------------- whole text


def _attempts(text: str, g: _Grammar) -> set[tuple[int, int]]:
    """(pattern index, offset) pairs worth trying: where a word that can start the pattern
    stands, clitics included, or a number."""
    tries: set[tuple[int, int]] = set()
    for m in g.trigger_re.finditer(text):
        start = m.start()
        kinds = g.triggers.get(m.group())
        if kinds is not None:
            for i in kinds:
                tries.add((i, start))
            continue
        glued = start
        while glued > 0 and start - glued < 3 and text[glued - 1].isalpha():
            glued -= 1  # a clitic glued to the number ("و2025")
        for i in g.digit_patterns:
            tries.add((i, start))
            if glued != start:
                tries.add((i, glued))
    return tries


def _collect(text: str, g: _Grammar, s: TimeSettings) -> list[_Expr]:
    cands: dict[tuple[str, int, int], _Expr] = {}
    for i, offset in sorted(_attempts(text, g)):
        kind, pattern = g.patterns[i]
        m = pattern.match(text, offset)
        if m is None:
            continue
        e = _build(kind, m, text, g, s)
        if e is not None and e.end > e.start:
            cands.setdefault((kind, e.start, e.end), e)
    exprs = _select(list(cands.values()))
    floor = 0
    for e in exprs:
        _extend_left(e, text, floor, g)
        floor = e.end
    # "الساعه الثالثه تقريبا بالتوقيت المحلي" and "... بالتوقيت المحلي تقريبا"
    _clock_approx(exprs, text, g)
    attach_zones(exprs, text, g.zone_after, g.zones)
    exprs = pair_zones(exprs, text)
    _clock_approx(exprs, text, g)
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
            adverb = g.right_adverb.match(text[e.end : limit])
            if adverb:
                e.time_of_day, e.shift = g.pod_after[adverb.group("w")]
                e.end += adverb.end("w")
        if e.needs_cue and not e.has_cue:
            if e.kind != YEAR or not g.left_event_noun.search(
                text[max(floor, e.start - 30) : e.start]
            ):
                continue
        floor = e.end
        out.append(e)
    out = _add_conjoined_years(out, text, g, s)
    return out


def _clock_approx(exprs: list[_Expr], text: str, g: _Grammar) -> None:
    floor = 0
    for e in exprs:
        mark_clock_approx(e, text, floor, g.left_clock_approx, g.right_clock_approx)
        floor = e.end


def _add_conjoined_years(
    exprs: list[_Expr], text: str, g: _Grammar, s: TimeSettings
) -> list[_Expr]:
    """ "عامي 2024 و2025": the second year after a year joined by و/الي."""
    result: list[_Expr] = []
    for i, e in enumerate(exprs):
        result.append(e)
        if e.kind != YEAR or e.year is None or e.year_part is not None:
            continue
        limit = exprs[i + 1].start if i + 1 < len(exprs) else len(text)
        m = g.year_conj.match(text[e.end : limit])
        if not m:
            continue
        year = int(m.group("year"))
        if not _year_ok(year, e.hijri, s) or g.unit_after.match(text, e.end + m.end()):
            continue
        result.append(
            _Expr(e.end + m.start("year"), e.end + m.end("year"), YEAR, year=year, hijri=e.hijri)
        )
    return result
