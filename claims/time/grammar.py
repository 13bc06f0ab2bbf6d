"""The grammar of the Arabic time tagger: the expression being built, and the regexes
compiled once per process from ``lexicon/ar/time.yaml`` (with the clitics of
``lexicon/ar/morphology.yaml``, :mod:`claims.clitics`).

Each kind of *core* expression (calendar date, numeric date, year, part of a year,
weekday, relative day, period, vague period, length of time, day of a month, clock time)
has one pattern; :attr:`_Grammar.triggers` says which patterns can start at a word, so a
pattern is only tried where one of its first words stands (:mod:`claims.time.reading`).
"""

from __future__ import annotations

import calendar as _calendar
import re
from dataclasses import dataclass, field
from functools import lru_cache

from claims.clitics import clitics, clusters, one_of
from claims.lexicon.schemas import (
    RelationEntry,
    TimeLexicon,
    TimeZoneEntry,
    YearPart,
    numbers_lexicon,
    time_lexicon,
    units_lexicon,
)
from claims.model import TimeModifier, TimeRelation
from claims.numbers import (
    alternation,
    hour_forms,
    number_words_pattern,
    ordinal_forms,
)
from claims.settings import TimeSettings

_W = r"(?<![\w])"  # no letter or digit before
_E = r"(?![\w])"  # no letter or digit after

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
    approx: bool = False  # "حوالي الساعه الثالثه": a clock time said approximately
    # An hour 1-12 with nothing saying which half of the day ("الساعه الثالثه", "at 2:30")
    open_half: bool = False
    # Said with a part of the day whose shift is not sure for this hour ("الثانيه ليلا")
    half_unsure: bool = False
    extras: dict[str, str] = field(default_factory=dict)

    @property
    def length(self) -> int:
        return self.end - self.start


def _time_of_day(e: _Expr) -> str | None:
    if e.clock is None:
        return e.time_of_day
    hour, minute = e.clock
    if e.shift and hour < 12:
        hour += e.shift
    return f"{hour % 24:02d}:{minute:02d}"


def _days_in(year: int | None, month: int) -> int:
    return _calendar.monthrange(year if year is not None else 2024, month)[1]


def _year_ok(year: int, hijri: bool, s: TimeSettings) -> bool:
    if hijri:
        return s.hijri_year_min <= year <= s.hijri_year_max
    return s.year_min <= year <= s.year_max


# ---------------------------------------------------------------------------- grammar

# Between a clock time and the same instant in a second zone: "23:11 (22:11 GMT)",
# "13:39 IST, or 08:09 UTC".
_ZONE_PAIR_GAP = re.compile(r"^\s*(?:[,،]\s*)?(?:(?:اي|او|or|i\.e\.,?)\s*)?[(\[]?\s*$")


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
    pod_sure_hours: dict[str, tuple[int, int]]  # part of day -> hours its shift is sure for
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
    left_clock_approx: re.Pattern[str]
    right_clock_approx: re.Pattern[str]


def _key(form: str) -> str:
    return " ".join(form.split())


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    lex = time_lexicon()
    nums = numbers_lexicon()
    c = clitics()
    # The clitics each pattern takes (claims/clitics.py); they are never part of the span.
    conj = rf"(?:{one_of(c.conjunctions)}(?=\S))?"  # a conjunction glued to the next word
    glued = f"(?:{one_of(c.conjunctions + c.temporal)})?"  # "وبعد", "لمده"
    before_definite = one_of(c.conjunctions + c.plain)  # ل contracts: "للاحد"
    article = f"(?:{c.article})?"
    # "العام", "لعام", "للعام" before a year
    year_article = f"(?:{c.article}|{c.contracting}|{c.contracted})?"
    months = {_key(n): (m.number, m.calendar == "hijri") for m in lex.months for n in m.names}
    month_cue = frozenset(_key(n) for m in lex.months for n in m.needs_cue)
    weekdays = {n: w.number for w in lex.weekdays for n in c.with_contracted(w.names)}
    weekday_cue = frozenset(n for w in lex.weekdays for n in c.with_contracted(w.needs_cue))
    directions: dict[str, int] = {f: d.direction for d in lex.directions for f in d.forms}
    relations = {_key(f): r for r in lex.relations for f in r.forms}
    modifiers: dict[str, TimeModifier] = {
        _key(f): m.modifier for m in lex.modifiers for f in m.forms
    }
    pod_before = {_key(f): (p.name, p.clock_shift) for p in lex.parts_of_day for f in p.before}
    pod_after = {_key(f): (p.name, p.clock_shift) for p in lex.parts_of_day for f in p.after}
    relative_days = {_key(f): (r.offset, r.time_of_day) for r in lex.relative_days for f in r.forms}
    guarded_days = frozenset(_key(f) for r in lex.relative_days if r.guarded for f in r.forms)
    periods: dict[str, str] = {
        f: p.unit for p in lex.period_words for f in c.with_contracted(p.forms)
    }
    plurals = {f: p.unit for p in lex.period_plurals for f in c.with_contracted(p.forms)}
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
        rf"(?:\s*[,،]?\s*(?:(?:{of}\s+)?{year_article}{year_word_alt}\s+)?"
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
        rf"{_W}{conj}(?P<x>(?:(?P<day>(?<![\w.,/:])\d{{1,2}})\s*(?:{of}\s+)?|(?P<ord>{ord_alt})\s+{of}\s+)?"
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
        rf"{_W}(?:{one_of(c.conjunctions)}?(?:{one_of(c.temporal)}|{c.contracted})"
        rf"|{one_of(c.conjunctions)})?(?P<x>(?:(?P<yw>{article}{year_word_alt})\s+)?"
        # "عام (1979)": the year may stand in brackets.
        rf"(?P<yo>\(\s*)?(?P<year>\d{{4}})(?(yo)\s*\))(?:\s*(?P<ysuf>{suffix_alt}){_E})?)"
        rf"(?![\w]|[.,/:\-]\d)"
    )
    part_re = (
        rf"{_W}{conj}(?P<x>(?P<part>{part_alt})\s+(?:{of}\s+)?(?:"
        rf"(?:{year_article}{year_word_alt}\s+)?(?P<year>\d{{4}})(?!\d)(?:\s*(?P<ysuf>{suffix_alt}){_E})?"
        rf"|{this_alt}\s+(?P<pthis>{period_alt})|(?P<pper>{period_alt})\s+(?P<pdir>{dir_alt})))(?![\w]|[.,/:\-]\d)"
    )
    weekday_re = (
        rf"{_W}(?:{before_definite}|{c.contracted})?"
        rf"(?P<x>(?P<wd>{weekday_alt})(?:\s+(?P<wdir>{dir_alt}))?){_E}"
    )
    # not ل: "لامس" is a verb, "لليوم الثالث" no day
    relday_re = rf"{_W}(?:{before_definite})?(?P<x>{reld_alt}){_E}"
    period_re = (
        rf"{_W}{glued}(?P<x>{this_alt}\s+(?P<pu1>{period_alt})"
        rf"|(?P<pu2>{period_alt})\s+(?P<pdir>{dir_alt})){_E}"
    )
    vague_re = (
        rf"{_W}{glued}(?P<x>(?P<vp>{plural_alt})\s+"
        rf"(?:(?P<vnum>{num_words})\s+)?(?P<vdir>{dir_alt})){_E}"
    )
    duration_re = (
        rf"{_W}{conj}(?P<x>(?P<cue>{dur_cues})\s+(?:[\"«“']\s*)?"
        rf"(?:(?P<num>{article}\d+(?:[.,]\d+)?|{num_words}|(?P<vc>{vague_alt}))\s+)?{article}"
        rf"(?P<unit>{dur_alt})(?:\s+{alternation(lex.duration_tails)})?(?:\s*[\"»”'])?){_E}(?!\s*\d{{4}})"
    )
    day_of_month_re = (
        rf"{_W}{conj}(?P<x>(?:(?P<day>(?<![\w.,/:])\d{{1,2}})|(?P<ord>{ord_alt}))\s+{of}\s+"
        rf"(?:{this_alt}\s+(?P<dthis>{month_period})|(?P<dper>{month_period})\s+(?P<ddir>{dir_alt}))){_E}"
    )
    clock_re = (
        rf"{_W}(?P<x>(?:(?P<cw>{clock_word_alt})\s+)?(?P<h>\d{{1,2}}):(?P<mi>\d{{2}})(?!\d)"
        rf"(?:\s+(?P<cadv>{adverb_alt}){_E})?"
        rf"|(?P<cw2>{clock_word_alt})\s+(?:(?P<h2>\d{{1,2}})(?:[.:](?P<mi2>\d{{2}}))?(?!\d)|(?P<hw>{hour_alt}){_E})"
        rf"(?:\s+(?:(?P<cmin>{minute_alt})|{c.coordinator}\s*(?P<cmn>\d{{1,2}}|{num_words})"
        rf"\s+{minute_word_alt}){_E})?"
        rf"(?:\s+(?P<cadv2>{adverb_alt}){_E})?"
        # "الثانيه صباحا", "الحاديه عشره والنصف ليلا": a spelled hour needs no clock word
        # when a part of the day follows it.
        rf"|(?P<hw3>{hour_alt})(?:\s+(?P<cmin3>{minute_alt}))?\s+(?P<cadv3>{adverb_alt}){_E})"
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
        CLOCK: [*lex.clock_words, *hours],
    }
    digit_kinds = {CALENDAR, NUMERIC, YEAR, DAY_OF_MONTH, CLOCK}
    index = {kind: i for i, (kind, _) in enumerate(patterns)}
    # Every proclitic a first word may carry, and the article after a conjunction and/or
    # a temporal preposition ("وبالعام", "للعام").
    definite = c.definite(clusters(c.conjunctions, c.temporal))
    prefixes = ["", *c.proclitics, *definite]
    trigger_sets: dict[str, set[int]] = {}
    for kind, words in first_words.items():
        for word in words:
            first = word.split()[0]
            bases = {first, first[len(c.article) :]} if first.startswith(c.article) else {first}
            for base in bases:
                for prefix in prefixes:
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
        pod_sure_hours={p.name: p.sure_hours for p in lex.parts_of_day if p.sure_hours},
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
        left_day_word=re.compile(rf"{_W}{conj}(?P<w>{alternation(lex.day_words)})\s+$"),
        left_pod=re.compile(
            rf"{_W}{conj}(?P<w>{alternation(list(pod_before))})\s+(?:{alternation(lex.day_words)}\s+)?$"
        ),
        # "بنهايه العام": by the end of the year
        left_modifier=re.compile(
            rf"{_W}(?:{one_of(c.conjunctions)}?(?P<b>{one_of(c.plain)}))?"
            rf"(?P<w>{alternation(list(modifiers))})\s+(?:{of}\s+)?$"
        ),
        left_relation=re.compile(rf"{_W}{conj}(?P<w>{relation_alt})\s+$"),
        left_event_noun=re.compile(rf"{_W}{glued}{alternation(lex.year_event_nouns)}\s+$"),
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
        left_clock_approx=_left_words(lex.clock_approx.before, conj),
        right_clock_approx=_right_words(lex.clock_approx.after),
    )


_NEVER = re.compile(r"(?!)")


def _left_words(forms: list[str], prefix: str = "") -> re.Pattern[str]:
    """The last word of a window before an expression, when it is one of ``forms``."""
    if not forms:
        return _NEVER
    return re.compile(rf"{_W}{prefix}(?P<w>{alternation(forms)})\s+$", re.IGNORECASE)


def _right_words(forms: list[str]) -> re.Pattern[str]:
    """One of ``forms`` right after an expression."""
    if not forms:
        return _NEVER
    return re.compile(rf"\s*[,،]?\s*(?P<w>{alternation(forms)}){_E}", re.IGNORECASE)


def half_day_open(hour: int, written: str | None, part_of_day: str | None) -> bool:
    """Whether a clock time may be either half of the day: an hour from 1 to 12, no part
    of the day or a.m./p.m., and not written with a leading zero ("08:30", "0930")."""
    if part_of_day is not None or not 1 <= hour <= 12:
        return False
    return written is None or not written.startswith("0")


def mark_clock_approx(
    e: _Expr, text: str, floor: int, left: re.Pattern[str], right: re.Pattern[str]
) -> None:
    """Take in a word that makes a clock time approximate, before it ("حوالي الساعه
    الثالثه", "around 3 pm") or after it ("الساعه الثالثه تقريبا")."""
    if e.clock is None or e.approx:
        return
    window = text[max(floor, e.start - 30) : e.start]
    m = left.search(window)
    if m:
        e.start = e.start - len(window) + m.start("w")
        e.approx = True
    after = right.match(text, e.end)
    if after:
        e.end = after.end()
        e.approx = True
