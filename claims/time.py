"""The Arabic temporal tagger: dates, weekdays, relative and vague times as sets of days.

:func:`find_times` is a pure function of normalised text (and the publication date). It
finds *cores* with regexes compiled once per process from ``claims/lexicon/ar/time.yaml``
(calendar dates in any order and both month systems, numeric dates, years with a cue,
weekdays, relative days and periods, lengths of time after a cue, clock times), keeps the
longest non-overlapping ones, widens each over the words around it (part of day, "يوم",
modifier such as "مطلع", relation cue such as "بحلول"), joins a weekday or clock time to the
date next to it, and finally resolves each to an interval of calendar days:

- an explicit year gives an absolute value;
- a month or day without a year takes its year from a full date in the same sentence
  (anchor "context"), else from the publication date (anchor "publication"), else stays
  unresolved with its month kept ("XXXX-09");
- relative expressions ("امس", "الشهر الماضي", "خلال ايام") need the publication date and
  are never guessed without it.

The semantics (which days "نهايه 2026" or "مطلع سبتمبر" allow) are settings
(:class:`TimeSettings`), documented in docs/time-and-quantity.md.
"""

from __future__ import annotations

import calendar as _calendar
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Literal, TypedDict

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from spacy.language import Language
from spacy.tokens import Doc, SpanGroup

from claims.lexicon.schemas import (
    RelationEntry,
    TimeLexicon,
    TimeZoneEntry,
    YearPart,
    numbers_lexicon,
    time_lexicon,
    units_lexicon,
)
from claims.model import Granularity, Span, TimeModifier, TimeRelation, TimeValue
from claims.numbers import (
    alternation,
    hour_forms,
    number_words_pattern,
    ordinal_forms,
    parse_number_words,
)
from claims.tokenizer import doc_text


class TimeSettings(BaseSettings):
    """How much of a month or year a modifier covers, and other choices of the tagger.

    Read from the environment with the prefix ``CLAIMCHECK_TIME_`` (for example
    ``CLAIMCHECK_TIME_WEEKDAY_DIRECTION=both``)."""

    model_config = SettingsConfigDict(env_prefix="CLAIMCHECK_TIME_", frozen=True)

    year_min: int = Field(1900, description="a bare four-digit number is a year only in this range")
    year_max: int = 2100
    hijri_year_min: int = 1300
    hijri_year_max: int = 1600
    month_start_days: tuple[int, int] = Field((1, 10), description='"مطلع سبتمبر": days 1..10')
    month_mid_days: tuple[int, int] = (11, 20)
    month_end_first_day: int = Field(21, description='"نهايه سبتمبر": day 21 to the last day')
    year_start_months: tuple[int, int] = Field((1, 3), description='"مطلع 2026": Jan..Mar')
    year_mid_months: tuple[int, int] = (5, 8)
    year_end_months: tuple[int, int] = Field((10, 12), description='"نهايه 2026": Oct..Dec')
    hijri_slack_days: int = Field(
        2, description="tabular Hijri dates differ from sighted ones by a day or two"
    )
    weekday_direction: Literal["past", "future", "both"] = Field(
        "past",
        description="a bare weekday with a publication date: the last such day on or before "
        "it (news reports past events), the next one, or both as an interval",
    )
    context_anchor: bool = Field(
        True, description="a month without a year takes the year of a full date in the sentence"
    )


SETTINGS = TimeSettings()

_W = r"(?<![\w])"  # no letter or digit before
_E = r"(?![\w])"  # no letter or digit after
_CONJ = r"(?:[وف](?=\S))?"  # a conjunction glued to the next word; not part of the span

# Kinds of core expression.
CALENDAR, NUMERIC, YEAR, WEEKDAY, RELDAY, PERIOD, VAGUE, DURATION, CLOCK, DAY_OF_MONTH = (
    "calendar",
    "numeric",
    "year",
    "weekday",
    "relday",
    "period",
    "vague",
    "duration",
    "clock",
    "day_of_month",
)
_DAYLIKE = {CALENDAR, NUMERIC, WEEKDAY, RELDAY, DAY_OF_MONTH}
_ARTICLE = "ال"
# Clitic clusters a first word may carry (conjunction, preposition, article).
_TRIGGER_PREFIXES = (
    "",
    "و",
    "ف",
    "ب",
    "ل",
    "ك",
    "وب",
    "ول",
    "فب",
    "فل",
    "لل",
    "ولل",
    "ال",
    "وال",
    "بال",
    "فال",
)


@dataclass
class _Expr:
    """One time expression while it is being built; becomes a TimeValue at the end."""

    start: int
    end: int
    kind: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    hijri: bool = False
    direction: int | None = None  # "المقبل" +1, "الماضي" -1, "الحالي" 0
    year_offset: int | None = None  # "سبتمبر من العام المقبل"
    weekday: int | None = None
    year_part: YearPart | None = None
    modifier: TimeModifier | None = None
    relation: TimeRelation | None = None
    time_of_day: str | None = None
    clock: tuple[int, int] | None = None
    day_offset: int | None = None  # relative day
    period_unit: str | None = None  # week/month/year
    unit_days: float | None = None  # length of one unit of a duration / vague period
    count_low: float | None = None
    count_high: float | None = None
    duration_use: str | None = None
    event_relative: bool = False
    needs_cue: bool = False
    has_cue: bool = False
    shift: int = 0  # clock hours to add, from a part of day
    zone: str | None = None  # the time zone a clock time is said in
    utc_offset: int | None = None  # minutes east of UTC of that zone, when known
    extras: dict[str, str] = field(default_factory=dict)

    @property
    def length(self) -> int:
        return self.end - self.start


# ---------------------------------------------------------------------------- grammar


@dataclass(frozen=True)
class _Grammar:
    lex: TimeLexicon
    months: dict[str, tuple[int, bool]]  # form -> (number, hijri)
    month_cue_forms: frozenset[str]
    weekdays: dict[str, int]
    weekday_cue_forms: frozenset[str]
    directions: dict[str, int]
    relations: dict[str, RelationEntry]
    modifiers: dict[str, TimeModifier]
    pod_before: dict[str, tuple[str, int]]
    pod_after: dict[str, tuple[str, int]]
    relative_days: dict[str, tuple[int, str | None]]
    guarded_days: frozenset[str]
    periods: dict[str, str]
    plurals: dict[str, str]
    durations: dict[str, tuple[str, float, int | None]]  # form -> (unit, days, fixed count)
    unit_days: dict[str, float]
    year_parts: dict[str, YearPart]
    suffixes: dict[str, bool]  # form -> hijri
    ordinals: dict[str, int]
    hours: dict[str, int]
    clock_minutes: dict[str, int]
    vague_counts: dict[str, tuple[float, float]]
    patterns: list[tuple[str, re.Pattern[str]]]
    triggers: dict[str, tuple[int, ...]]
    trigger_re: re.Pattern[str]
    digit_patterns: tuple[int, ...]
    unit_after: re.Pattern[str]
    left_day_word: re.Pattern[str]
    left_pod: re.Pattern[str]
    left_modifier: re.Pattern[str]
    left_relation: re.Pattern[str]
    left_event_noun: re.Pattern[str]
    right_adverb: re.Pattern[str]
    year_conj: re.Pattern[str]
    weekday_gap: re.Pattern[str]
    clock_before_gap: re.Pattern[str]
    clock_after_gap: re.Pattern[str]
    relday_gap: re.Pattern[str]
    event_after: re.Pattern[str]
    today_blocked_after: frozenset[str]
    today_blocked_before: frozenset[str]
    sentence_end: re.Pattern[str]
    zones: dict[str, TimeZoneEntry]
    zone_after: re.Pattern[str]
    zone_pair_gap: re.Pattern[str]


def _key(form: str) -> str:
    return " ".join(form.split())


def _with_lil(forms: Iterable[str]) -> list[str]:
    """Forms with the article, plus their shape after the preposition ل ("العام" -> "للعام")."""
    out = list(forms)
    out += ["لل" + f[2:] for f in out if f.startswith("ال")]
    return out


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    lex = time_lexicon()
    nums = numbers_lexicon()
    months = {_key(n): (m.number, m.calendar == "hijri") for m in lex.months for n in m.names}
    month_cue = frozenset(_key(n) for m in lex.months for n in m.needs_cue)
    weekdays = {n: w.number for w in lex.weekdays for n in _with_lil(w.names)}
    weekday_cue = frozenset(n for w in lex.weekdays for n in _with_lil(w.needs_cue))
    directions: dict[str, int] = {f: d.direction for d in lex.directions for f in d.forms}
    relations = {_key(f): r for r in lex.relations for f in r.forms}
    modifiers: dict[str, TimeModifier] = {
        _key(f): m.modifier for m in lex.modifiers for f in m.forms
    }
    pod_before = {_key(f): (p.name, p.clock_shift) for p in lex.parts_of_day for f in p.before}
    pod_after = {_key(f): (p.name, p.clock_shift) for p in lex.parts_of_day for f in p.after}
    relative_days = {_key(f): (r.offset, r.time_of_day) for r in lex.relative_days for f in r.forms}
    guarded_days = frozenset(_key(f) for r in lex.relative_days if r.guarded for f in r.forms)
    periods: dict[str, str] = {f: p.unit for p in lex.period_words for f in _with_lil(p.forms)}
    plurals = {f: p.unit for p in lex.period_plurals for f in _with_lil(p.forms)}
    durations: dict[str, tuple[str, float, int | None]] = {}
    for d in lex.durations:
        for f in d.singular:
            durations[f] = (d.unit, d.days, 1)
        for f in d.dual:
            durations[f] = (d.unit, d.days, 2)
        for f in d.plural:
            durations[f] = (d.unit, d.days, None)
    unit_days = {d.unit: d.days for d in lex.durations}
    year_parts = {_key(f): p for p in lex.year_parts for f in p.forms}
    suffixes = {f: s.calendar == "hijri" for s in lex.year_suffixes for f in s.forms}
    ordinals = ordinal_forms()
    hours = hour_forms()
    clock_minutes = {f: c.minutes for c in lex.clock_minutes for f in c.forms}
    vague_counts = {
        f: (v.low, v.high if v.high is not None else v.low)
        for v in nums.vague
        for f in v.forms
        if v.needs_unit and " " not in f and v.high is not None
    }

    month_alt = alternation(list(months))
    dir_alt = alternation(list(directions))
    this_alt = alternation(lex.this_words)
    period_alt = alternation(list(periods))
    year_word_alt = alternation(lex.year_words)
    suffix_alt = alternation(list(suffixes))
    ord_alt = alternation(list(ordinals))
    month_word_alt = alternation(lex.month_words)
    of = alternation(lex.of_words)
    num_words = number_words_pattern()
    vague_alt = alternation(list(vague_counts))
    dur_alt = alternation(list(durations))
    dur_cues = alternation([f for f, r in relations.items() if r.duration != "none"])
    plural_alt = alternation(list(plurals))
    part_alt = alternation(list(year_parts))
    clock_word_alt = alternation(lex.clock_words)
    hour_alt = alternation(list(hours))
    minute_alt = alternation(list(clock_minutes))
    minute_word_alt = alternation(lex.minute_words)
    adverb_alt = alternation(list(pod_after))
    reld_alt = alternation(list(relative_days))
    weekday_alt = alternation(list(weekdays))
    month_period = alternation([f for f, unit in periods.items() if unit == "month"])

    year_tail = (
        rf"(?:\s*[,،]?\s*(?:(?:{of}\s+)?(?:ال|ل|لل)?{year_word_alt}\s+)?"
        rf"(?P<year>\d{{4}})(?!\d)(?:\s*(?P<ysuf>{suffix_alt}){_E})?)"
    )
    rel_year_tail = (
        rf"(?:\s+{of}\s+(?:{this_alt}\s+(?P<ythis>{period_alt})"
        rf"|(?P<yper>{period_alt})\s+(?P<ydir>{dir_alt})))"
    )
    month_expr = (
        rf"(?P<mw>{month_word_alt}\s+)?(?P<mon>{month_alt})"
        rf"(?:\s*[/(\-]\s*(?P<mon2>{month_alt})\s*\)?)?"
        rf"(?:{year_tail}|{rel_year_tail}|\s+(?P<mdir>{dir_alt}){_E})?"
    )
    calendar_re = (
        rf"{_W}{_CONJ}(?P<x>(?:(?P<day>(?<![\w.,/:])\d{{1,2}})\s*(?:{of}\s+)?|(?P<ord>{ord_alt})\s+{of}\s+)?"
        rf"{month_expr}){_E}"
    )
    numeric_re = (
        # "8/11/1931", also spaced ("8 / 11 / 1931"); the same separator both times.
        r"(?<![\w.,/:\-])(?P<x>(?:(?P<a>\d{1,2})(?P<sep>[/.\-]| / )(?P<b>\d{1,2})(?P=sep)"
        r"(?P<c>\d{4}|\d{2})"
        r"|(?P<y>\d{4})(?P<sep2>[/.\-])(?P<mo>\d{1,2})(?P=sep2)(?P<d>\d{1,2})))"
        rf"(?!\d|[/\-.,]\d)(?:\s*(?P<ysuf>{suffix_alt}){_E})?"
    )
    year_re = (
        rf"{_W}(?:[وفبل]|ول|وب|لل|ولل)?(?P<x>(?:(?P<yw>(?:ال)?{year_word_alt})\s+)?"
        # "عام (1979)": the year may stand in brackets.
        rf"(?P<yo>\(\s*)?(?P<year>\d{{4}})(?(yo)\s*\))(?:\s*(?P<ysuf>{suffix_alt}){_E})?)"
        rf"(?![\w]|[.,/:\-]\d)"
    )
    part_re = (
        rf"{_W}{_CONJ}(?P<x>(?P<part>{part_alt})\s+(?:{of}\s+)?(?:"
        rf"(?:(?:ال|ل|لل)?{year_word_alt}\s+)?(?P<year>\d{{4}})(?!\d)(?:\s*(?P<ysuf>{suffix_alt}){_E})?"
        rf"|{this_alt}\s+(?P<pthis>{period_alt})|(?P<pper>{period_alt})\s+(?P<pdir>{dir_alt})))(?![\w]|[.,/:\-]\d)"
    )
    weekday_re = rf"{_W}(?:[وفب]|لل)?(?P<x>(?P<wd>{weekday_alt})(?:\s+(?P<wdir>{dir_alt}))?){_E}"
    relday_re = rf"{_W}(?:[وفب])?(?P<x>{reld_alt}){_E}"
    period_re = (
        rf"{_W}(?:[وفبل])?(?P<x>{this_alt}\s+(?P<pu1>{period_alt})"
        rf"|(?P<pu2>{period_alt})\s+(?P<pdir>{dir_alt})){_E}"
    )
    vague_re = (
        rf"{_W}(?:[وفبل])?(?P<x>(?P<vp>{plural_alt})\s+"
        rf"(?:(?P<vnum>{num_words})\s+)?(?P<vdir>{dir_alt})){_E}"
    )
    duration_re = (
        rf"{_W}{_CONJ}(?P<x>(?P<cue>{dur_cues})\s+(?:[\"«“']\s*)?"
        rf"(?:(?P<num>(?:ال)?\d+(?:[.,]\d+)?|{num_words}|(?P<vc>{vague_alt}))\s+)?(?:ال)?"
        rf"(?P<unit>{dur_alt})(?:\s+{alternation(lex.duration_tails)})?(?:\s*[\"»”'])?){_E}(?!\s*\d{{4}})"
    )
    day_of_month_re = (
        rf"{_W}{_CONJ}(?P<x>(?:(?P<day>(?<![\w.,/:])\d{{1,2}})|(?P<ord>{ord_alt}))\s+{of}\s+"
        rf"(?:{this_alt}\s+(?P<dthis>{month_period})|(?P<dper>{month_period})\s+(?P<ddir>{dir_alt}))){_E}"
    )
    clock_re = (
        rf"{_W}(?P<x>(?:(?P<cw>{clock_word_alt})\s+)?(?P<h>\d{{1,2}}):(?P<mi>\d{{2}})(?!\d)"
        rf"(?:\s+(?P<cadv>{adverb_alt}){_E})?"
        rf"|(?P<cw2>{clock_word_alt})\s+(?:(?P<h2>\d{{1,2}})(?:[.:](?P<mi2>\d{{2}}))?(?!\d)|(?P<hw>{hour_alt}){_E})"
        rf"(?:\s+(?:(?P<cmin>{minute_alt})|و\s*(?P<cmn>\d{{1,2}}|{num_words})\s+{minute_word_alt}){_E})?"
        rf"(?:\s+(?P<cadv2>{adverb_alt}){_E})?)"
    )
    patterns = [
        (CALENDAR, re.compile(calendar_re)),
        (NUMERIC, re.compile(numeric_re)),
        (YEAR, re.compile(year_re)),
        ("part", re.compile(part_re)),
        (WEEKDAY, re.compile(weekday_re)),
        (RELDAY, re.compile(relday_re)),
        (PERIOD, re.compile(period_re)),
        (VAGUE, re.compile(vague_re)),
        (DURATION, re.compile(duration_re)),
        (DAY_OF_MONTH, re.compile(day_of_month_re)),
        (CLOCK, re.compile(clock_re)),
    ]
    # The words each pattern can start with, so that a pattern is only tried where one of
    # them stands (one pass over the tokens instead of one regex scan per pattern).
    ordinal_words = [f.split()[0] for f in ordinals]
    first_words: dict[str, list[str]] = {
        CALENDAR: [*months, *lex.month_words, *ordinal_words],
        YEAR: list(lex.year_words),
        "part": list(year_parts),
        WEEKDAY: list(weekdays),
        RELDAY: list(relative_days),
        PERIOD: [*lex.this_words, *periods],
        VAGUE: list(plurals),
        DURATION: [f for f, r in relations.items() if r.duration != "none"],
        DAY_OF_MONTH: ordinal_words,
        CLOCK: list(lex.clock_words),
    }
    digit_kinds = {CALENDAR, NUMERIC, YEAR, DAY_OF_MONTH, CLOCK}
    index = {kind: i for i, (kind, _) in enumerate(patterns)}
    trigger_sets: dict[str, set[int]] = {}
    for kind, words in first_words.items():
        for word in words:
            first = word.split()[0]
            bases = {first, first[len(_ARTICLE) :]} if first.startswith(_ARTICLE) else {first}
            for base in bases:
                for prefix in _TRIGGER_PREFIXES:
                    trigger_sets.setdefault(prefix + base, set()).add(index[kind])
    triggers = {word: tuple(sorted(kinds)) for word, kinds in trigger_sets.items()}
    digit_patterns = tuple(sorted(index[k] for k in digit_kinds))

    unit_forms = [f for u in units_lexicon().units for f in [*u.forms, *u.dual]]
    unit_forms += list(durations)
    scale_forms = [f for s in nums.scales for f in [*s.singular, *s.dual, *s.plural]]
    # a count is written "2000 جندي", never with the article or a clitic on the noun
    unit_after = re.compile(rf"\s*(?:%|{alternation(unit_forms + scale_forms)}{_E})")
    relation_alt = alternation(list(relations))
    not_events = [*lex.now_words, *periods, *relative_days]
    zones = {_key(f): z for z in lex.time_zones for f in [*z.forms, *z.bare]}
    cued = alternation([f for z in lex.time_zones for f in z.forms])
    bare = alternation([f for z in lex.time_zones for f in z.bare])
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
        relative_days=relative_days,
        guarded_days=guarded_days,
        periods=periods,
        plurals=plurals,
        durations=durations,
        unit_days=unit_days,
        year_parts=year_parts,
        suffixes=suffixes,
        ordinals=ordinals,
        hours=hours,
        clock_minutes=clock_minutes,
        vague_counts=vague_counts,
        patterns=patterns,
        triggers=triggers,
        trigger_re=re.compile(rf"{_W}{alternation(list(triggers))}{_E}|\d+"),
        digit_patterns=digit_patterns,
        unit_after=unit_after,
        left_day_word=re.compile(rf"{_W}{_CONJ}(?P<w>{alternation(lex.day_words)})\s+$"),
        left_pod=re.compile(
            rf"{_W}{_CONJ}(?P<w>{alternation(list(pod_before))})\s+(?:{alternation(lex.day_words)}\s+)?$"
        ),
        left_modifier=re.compile(
            rf"{_W}(?:[وف]?(?P<b>ب))?(?P<w>{alternation(list(modifiers))})\s+(?:{of}\s+)?$"
        ),
        left_relation=re.compile(rf"{_W}{_CONJ}(?P<w>{relation_alt})\s+$"),
        left_event_noun=re.compile(rf"{_W}(?:[وفبل])?{alternation(lex.year_event_nouns)}\s+$"),
        right_adverb=re.compile(rf"^\s+(?P<w>{adverb_alt}){_E}"),
        year_conj=re.compile(
            rf"^\s*(?:{alternation(lex.year_joiners)}|-|–)\s*(?P<year>\d{{4}})(?![\w]|[.,/:\-]\d)"
        ),
        weekday_gap=re.compile(
            rf"^[\s,،\-–]*(?:{alternation(lex.weekday_date_joiners)}\s*)?[,،]?\s*$"
        ),
        clock_before_gap=re.compile(
            rf"^\s*[,،]?\s*(?:{alternation(lex.clock_joiners_before)}\s+)?$"
        ),
        clock_after_gap=re.compile(rf"^\s*[,،]?\s*(?:{alternation(lex.clock_joiners_after)}\s+)?$"),
        relday_gap=re.compile(r"^[\s,،]*$"),
        event_after=re.compile(
            rf"\s+{alternation(lex.event_links)}\s+(?!{alternation(not_events)}{_E})"
        ),
        today_blocked_after=frozenset(lex.today_blocked_after),
        today_blocked_before=frozenset(lex.today_blocked_before),
        sentence_end=re.compile(r"[!?؟\n]|\.(?!\d)"),
        zones=zones,
        # "بالتوقيت المحلي", "(بتوقيت غرينتش)", "GMT"
        zone_after=re.compile(
            rf"\s*[,،]?\s*(?P<open>\(\s*)?(?:(?:{alternation(lex.time_zone_cues)})\s+(?P<z>{cued})"
            rf"|(?P<b>{bare})){_E}(?(open)\s*\))"
        ),
        zone_pair_gap=_ZONE_PAIR_GAP,
    )


# ------------------------------------------------------------------------------ cores


def _days_in(year: int | None, month: int) -> int:
    return _calendar.monthrange(year if year is not None else 2024, month)[1]


def _year_ok(year: int, hijri: bool, s: TimeSettings) -> bool:
    if hijri:
        return s.hijri_year_min <= year <= s.hijri_year_max
    return s.year_min <= year <= s.year_max


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
        n = parse_number_words(raw[2:] if raw.startswith("ال") else raw)
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
        if other.time_of_day is not None:
            merged.time_of_day = other.time_of_day
            merged.shift = other.shift
    elif other.time_of_day is not None and merged.time_of_day is None:
        merged.time_of_day, merged.shift = other.time_of_day, other.shift
    if main.kind == CLOCK:
        merged.kind = other.kind
    return merged


# Between a clock time and the same instant in a second zone: "23:11 (22:11 GMT)",
# "13:39 IST, or 08:09 UTC".
_ZONE_PAIR_GAP = re.compile(r"^\s*(?:[,،]\s*)?(?:(?:اي|او|or|i\.e\.,?)\s*)?[(\[]?\s*$")
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
    attach_zones(exprs, text, g.zone_after, g.zones)
    exprs = pair_zones(exprs, text)
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


# ---------------------------------------------------------------------------- calendar

_HIJRI_EPOCH = date(622, 7, 19).toordinal()  # 1 Muharram 1 AH, tabular (civil) calendar


def _hijri_month_start(year: int, month: int) -> int:
    """Ordinal of the first day of a Hijri month in the tabular Islamic calendar."""
    return (
        1
        + (59 * (month - 1) + 1) // 2
        + (year - 1) * 354
        + (3 + 11 * year) // 30
        + _HIJRI_EPOCH
        - 1
    )


def _hijri_month_length(year: int, month: int) -> int:
    if month == 12:
        return 30 if (14 + 11 * year) % 30 < 11 else 29
    return 30 if month % 2 == 1 else 29


def _hijri_year_of(day: date) -> int:
    return int((day.toordinal() - _HIJRI_EPOCH) / 354.36667) + 1


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


def _nearest_hijri_year(month: int, anchor: date, direction: int | None) -> int:
    hy = _hijri_year_of(anchor)
    options = [hy - 1, hy, hy + 1]
    starts = {y: _hijri_month_start(y, month) for y in options}
    a = anchor.toordinal()
    if direction == 1:
        return min((y for y in options if starts[y] > a), key=lambda y: starts[y], default=hy + 1)
    if direction == -1:
        return max(
            (y for y in options if starts[y] + 29 < a), key=lambda y: starts[y], default=hy - 1
        )
    return min(options, key=lambda y: (abs(starts[y] + 14 - a), -y))


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


# ------------------------------------------------------------------------------- API


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


def find_times(
    text: str, published: date | None = None, *, settings: TimeSettings | None = None
) -> list[TimeValue]:
    """Every time expression in normalised ``text``, sorted by start, non-overlapping.

    ``published`` anchors relative expressions; without it they are returned unresolved
    with a ``reason``. Spans are offsets into ``text`` itself."""
    s = settings or SETTINGS
    g = _grammar()
    if published is not None and not isinstance(published, date):
        raise TypeError("published must be a datetime.date")
    if isinstance(published, datetime):
        published = published.date()
    exprs = _collect(text, g, s)
    contexts = _context_dates(exprs, text, g) if s.context_anchor else {}
    values: list[TimeValue] = []
    for i, e in enumerate(exprs):
        out = _resolve(e, published, contexts.get(i), s)
        relation = e.relation or out.relation or "on"
        within_days = out.within_days if relation == "within" else None
        if (
            relation == "within"
            and within_days is None
            and e.count_high is not None
            and e.unit_days
        ):
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
            )
        )
    return values


def _time_of_day(e: _Expr) -> str | None:
    if e.clock is None:
        return e.time_of_day
    hour, minute = e.clock
    if e.shift and hour < 12:
        hour += e.shift
    return f"{hour % 24:02d}:{minute:02d}"


# ------------------------------------------------------------------ spaCy component


class TimesComponent:
    """Runs :func:`find_times` on ``doc.text`` (normalised text): stores the values in
    ``doc.user_data["cc_times"]`` and their spans in ``doc.spans["times"]``."""

    def __init__(self, name: str = "cc_times") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        published = doc.user_data.get("published")
        if not isinstance(published, date):
            published = None
        values = find_times(doc_text(doc), published)
        doc.user_data["cc_times"] = values
        spans = []
        for value in values:
            if value.span is None:
                continue
            span = doc.char_span(value.span.start, value.span.end, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans["times"] = SpanGroup(doc, name="times", spans=spans)
        return doc


@Language.factory("cc_times")
def make_times_component(nlp: Language, name: str) -> TimesComponent:
    return TimesComponent(name)
