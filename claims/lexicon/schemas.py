"""Schemas of the time, number, unit, quantity-bound and document-context lexicons, and
their cached loaders.

Each file under ``claims/lexicon/ar/`` is validated by one of these models when it is loaded
(``extra="forbid"``: a misspelt key fails at start-up) and in
``tests/test_lexicons_time_quantity.py``, which also checks that every Arabic entry is
already normalised.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from claims.resources import load_yaml

TIME_FILE = "lexicon/ar/time.yaml"
NUMBERS_FILE = "lexicon/ar/numbers.yaml"
UNITS_FILE = "lexicon/ar/units.yaml"
BOUNDS_FILE = "lexicon/ar/quantity_bounds.yaml"
CONTEXT_FILE = "lexicon/ar/context.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- time.yaml


class MonthEntry(_Strict):
    number: int = Field(ge=1, le=12)
    calendar: Literal["gregorian", "hijri"]
    names: list[str] = Field(min_length=1)
    needs_cue: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _cue_subset(self) -> MonthEntry:
        stray = set(self.needs_cue) - set(self.names)
        if stray:
            raise ValueError(f"needs_cue forms not among names: {sorted(stray)}")
        return self


class WeekdayEntry(_Strict):
    number: int = Field(ge=0, le=6, description="0 = Monday")
    names: list[str] = Field(min_length=1)
    needs_cue: list[str] = Field(default_factory=list)


class PartOfDay(_Strict):
    name: str
    before: list[str] = Field(default_factory=list)
    after: list[str] = Field(default_factory=list)
    clock_shift: int = Field(default=0, ge=0, le=12)


class ClockMinutes(_Strict):
    minutes: int = Field(ge=0, le=59)
    forms: list[str] = Field(min_length=1)


class ModifierEntry(_Strict):
    modifier: Literal["start", "mid", "end"]
    forms: list[str] = Field(min_length=1)


class YearPart(_Strict):
    label: str
    first_month: int = Field(ge=1, le=12)
    last_month: int = Field(ge=1, le=12)
    forms: list[str] = Field(min_length=1)


DurationUse = Literal["within", "ago", "since_ago", "after_event", "none"]


class RelationEntry(_Strict):
    forms: list[str] = Field(min_length=1)
    relation: Literal["on", "by", "before", "after", "since", "until", "within"]
    duration: DurationUse
    duration_needs_number: bool = False


class DurationEntry(_Strict):
    unit: str
    days: float = Field(gt=0)
    singular: list[str] = Field(min_length=1)
    dual: list[str] = Field(default_factory=list)
    plural: list[str] = Field(default_factory=list)


class VagueRange(_Strict):
    low: int = Field(ge=1)
    high: int = Field(ge=1)


class RelativeDay(_Strict):
    offset: int
    forms: list[str] = Field(min_length=1)
    time_of_day: str | None = None
    guarded: bool = False


class PeriodWord(_Strict):
    unit: Literal["week", "month", "year"]
    forms: list[str] = Field(min_length=1)


class PeriodPlural(_Strict):
    unit: str
    forms: list[str] = Field(min_length=1)


class DirectionEntry(_Strict):
    direction: Literal[-1, 0, 1]
    forms: list[str] = Field(min_length=1)


class YearSuffix(_Strict):
    calendar: Literal["gregorian", "hijri"]
    forms: list[str] = Field(min_length=1)


class TimeLexicon(_Strict):
    months: list[MonthEntry]
    month_words: list[str]
    weekdays: list[WeekdayEntry] = Field(min_length=7, max_length=7)
    day_words: list[str]
    weekday_date_joiners: list[str]
    parts_of_day: list[PartOfDay]
    clock_words: list[str]
    clock_minutes: list[ClockMinutes]
    modifiers: list[ModifierEntry]
    year_parts: list[YearPart]
    relations: list[RelationEntry]
    durations: list[DurationEntry]
    vague_plural: VagueRange
    relative_days: list[RelativeDay]
    today_blocked_after: list[str]
    today_blocked_before: list[str]
    period_words: list[PeriodWord]
    period_plurals: list[PeriodPlural]
    directions: list[DirectionEntry]
    this_words: list[str]
    year_words: list[str]
    year_suffixes: list[YearSuffix]
    year_event_nouns: list[str]
    of_words: list[str]
    event_links: list[str]
    now_words: list[str]
    year_joiners: list[str]
    clock_joiners_before: list[str]
    clock_joiners_after: list[str]
    duration_tails: list[str]

    @model_validator(mode="after")
    def _complete(self) -> TimeLexicon:
        for calendar in ("gregorian", "hijri"):
            numbers = sorted(m.number for m in self.months if m.calendar == calendar)
            if numbers != list(range(1, 13)):
                raise ValueError(f"{calendar} months must be 1..12 once each, got {numbers}")
        if sorted(w.number for w in self.weekdays) != list(range(7)):
            raise ValueError("weekdays must be numbered 0..6 once each")
        plural_units = {p.unit for p in self.period_plurals}
        duration_units = {d.unit for d in self.durations}
        if not plural_units <= duration_units:
            raise ValueError(
                f"period_plurals units not in durations: {plural_units - duration_units}"
            )
        return self


# ------------------------------------------------------------------------ numbers.yaml


class ScaleEntry(_Strict):
    value: float = Field(gt=0)
    singular: list[str] = Field(min_length=1)
    dual: list[str] = Field(default_factory=list)
    plural: list[str] = Field(default_factory=list)


class FractionEntry(_Strict):
    value: float = Field(gt=0, lt=1)
    forms: list[str] = Field(min_length=1)


class VagueEntry(_Strict):
    forms: list[str] = Field(min_length=1)
    low: float = Field(ge=0)
    high: float | None = None
    needs_unit: bool = False
    scalable: bool = False


class NumbersLexicon(_Strict):
    units: dict[int, list[str]]
    teen_one: list[str]
    teen_ten: list[str]
    tens: dict[int, list[str]]
    hundreds: dict[int, list[str]]
    scales: list[ScaleEntry]
    fractions: list[FractionEntry]
    ambiguous: list[str]
    conjunction: str
    vague: list[VagueEntry]
    ordinals: dict[int, list[str]]
    ordinal_teen_one: list[str]
    ordinal_tens: dict[int, list[str]]
    hour_one: list[str]

    @model_validator(mode="after")
    def _ranges(self) -> NumbersLexicon:
        if sorted(self.units) != list(range(1, 11)):
            raise ValueError("units must cover 1..10")
        if sorted(self.tens) != list(range(20, 100, 10)):
            raise ValueError("tens must cover 20..90")
        if sorted(self.hundreds) != list(range(100, 1000, 100)):
            raise ValueError("hundreds must cover 100..900")
        if sorted(self.ordinals) != list(range(1, 11)):
            raise ValueError("ordinals must cover 1..10")
        for entry in self.vague:
            if entry.high is not None and entry.high < entry.low:
                raise ValueError(f"vague range {entry.forms}: high below low")
        return self


# -------------------------------------------------------------------------- units.yaml


class UnitEntry(_Strict):
    unit: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    forms: list[str] = Field(min_length=1)
    dual: list[str] = Field(default_factory=list)
    measure: bool = Field(
        default=False,
        description="a measure (km, percent, dollars), not a head count: may be a fraction",
    )


class UnitsLexicon(_Strict):
    units: list[UnitEntry]

    @model_validator(mode="after")
    def _unique(self) -> UnitsLexicon:
        names = [u.unit for u in self.units]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(f"unit listed twice: {sorted(dupes)}")
        return self


# ---------------------------------------------------------------- quantity_bounds.yaml

BoundKind = Literal["more_than", "at_least", "less_than", "at_most", "approx"]


class BoundEntry(_Strict):
    kind: BoundKind
    forms: list[str] = Field(min_length=1)


class QuantityBoundsLexicon(_Strict):
    before: list[BoundEntry]
    after: list[BoundEntry]
    range_between: list[str]
    range_between_joiners: list[str]
    range_from: list[str]
    range_to: list[str]
    unit_links: list[str]
    change_cues: list[str]
    count_nouns: list[str]
    identifier_cues: list[str]


# ---------------------------------------------------------------------------- context.yaml


class ContextLexicon(_Strict):
    """What tells the date an article was written when its metadata does not: a dateline
    near the top, or a relative day ("اليوم") written next to a full date."""

    version: int
    dateline_words: list[str] = Field(min_length=1)
    dateline_punctuation: list[str] = Field(min_length=1)
    dateline_closers: list[str] = Field(min_length=1)
    today_joiners: list[str]
    today_punctuation: list[str]

    @model_validator(mode="after")
    def _single_words(self) -> ContextLexicon:
        problems = [w for w in [*self.dateline_words, *self.today_joiners] if " " in w.strip()]
        problems += [
            p
            for p in [*self.dateline_punctuation, *self.dateline_closers, *self.today_punctuation]
            if len(p) != 1 or p.isalnum()
        ]
        if problems:
            raise ValueError(f"one word or one punctuation mark per entry: {problems}")
        return self


# ------------------------------------------------------------------------------ loading


def time_lexicon() -> TimeLexicon:
    return load_yaml(TIME_FILE, TimeLexicon)


def numbers_lexicon() -> NumbersLexicon:
    return load_yaml(NUMBERS_FILE, NumbersLexicon)


def units_lexicon() -> UnitsLexicon:
    return load_yaml(UNITS_FILE, UnitsLexicon)


def bounds_lexicon() -> QuantityBoundsLexicon:
    return load_yaml(BOUNDS_FILE, QuantityBoundsLexicon)


def context_lexicon() -> ContextLexicon:
    return load_yaml(CONTEXT_FILE, ContextLexicon)


LEXICON_FILES: dict[str, type[BaseModel]] = {
    TIME_FILE: TimeLexicon,
    NUMBERS_FILE: NumbersLexicon,
    UNITS_FILE: UnitsLexicon,
    BOUNDS_FILE: QuantityBoundsLexicon,
    CONTEXT_FILE: ContextLexicon,
}


def arabic_strings(value: object) -> Iterator[str]:
    """Every string inside a loaded lexicon (for the is-normalised test)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, BaseModel):
        for field in type(value).model_fields:
            yield from arabic_strings(getattr(value, field))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from arabic_strings(key)
            yield from arabic_strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from arabic_strings(item)
