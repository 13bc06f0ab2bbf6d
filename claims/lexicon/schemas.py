"""Schemas of the morphology, time, number, unit, quantity-bound and document-context
lexicons, and their cached loaders.

``lexicon/ar/morphology.yaml`` is the one definition of the Arabic clitics: every list of
proclitics, article forms and regex classes the taggers use is derived from it
(:mod:`claims.clitics`). Each time lexicon's ``weekdays`` is the one table of weekday
names of its language (:func:`weekday_names`).

Each file under ``claims/lexicon/ar/`` is validated by one of these models when it is loaded
(``extra="forbid"``: a misspelt key fails at start-up) and in
``tests/test_lexicons_time_quantity.py``, which also checks that every Arabic entry is
already normalised.

The English files under ``claims/lexicon/en/`` reuse the schemas whose shape is not tied to
Arabic (units, quantity bounds, document context) and add their own where English grammar
differs (time, numbers, sentence boundaries, entity patterns); ``EN_LEXICON_FILES`` lists
them for ``tests/test_english_lexicons.py``. The English event and attribution schemas
extend the Arabic ones in ``claims/en/events.py`` and ``claims/en/attribution.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from claims.resources import load_yaml

MORPHOLOGY_FILE = "lexicon/ar/morphology.yaml"
TIME_FILE = "lexicon/ar/time.yaml"
NUMBERS_FILE = "lexicon/ar/numbers.yaml"
UNITS_FILE = "lexicon/ar/units.yaml"
BOUNDS_FILE = "lexicon/ar/quantity_bounds.yaml"
CONTEXT_FILE = "lexicon/ar/context.yaml"
LANGUAGES_FILE = "lexicon/languages.yaml"
EN_TIME_FILE = "lexicon/en/time.yaml"
EN_NUMBERS_FILE = "lexicon/en/numbers.yaml"
EN_UNITS_FILE = "lexicon/en/units.yaml"
EN_BOUNDS_FILE = "lexicon/en/quantity_bounds.yaml"
EN_CONTEXT_FILE = "lexicon/en/context.yaml"
EN_SENTENCES_FILE = "lexicon/en/sentences.yaml"
EN_ENTITIES_FILE = "lexicon/en/entities.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------- morphology.yaml


class MorphologyFile(BaseModel):
    """Schema of ``lexicon/ar/morphology.yaml``: the clitics, checked against each other
    (every proclitic is a conjunction and/or a preposition of the file, and each named
    letter is one of its list)."""

    model_config = ConfigDict(extra="forbid")

    version: int
    proclitics: list[str]
    verb_proclitics: list[str]
    conjunctions: list[str]
    coordinating_conjunction: str
    prepositions: list[str]
    contracting_preposition: str
    comparative_preposition: str
    article: str
    nisba_endings: list[str]
    nisba_suffix: str
    pronoun_suffixes: list[str]
    future_prefix: str
    imperfect_prefixes: list[str]
    ta_marbuta: str
    ta_before_suffix: str
    accusative_suffix: str
    accusative_not_after: list[str]

    @model_validator(mode="after")
    def _consistent(self) -> MorphologyFile:
        problems = []
        clusters = {*self.conjunctions, *self.prepositions}
        clusters |= {c + p for c in self.conjunctions for p in self.prepositions}
        problems += [f"proclitic {p!r} is no conjunction and/or preposition"
                     for p in self.proclitics if p not in clusters]
        problems += [f"verb proclitic {p!r} is not among the proclitics"
                     for p in self.verb_proclitics if p not in self.proclitics]
        if self.coordinating_conjunction not in self.conjunctions:
            problems.append("coordinating_conjunction is not among the conjunctions")
        for name in ("contracting_preposition", "comparative_preposition"):
            if getattr(self, name) not in self.prepositions:
                problems.append(f"{name} is not among the prepositions")
        if problems:
            raise ValueError("; ".join(problems))
        return self


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
    sure_hours: tuple[int, int] | None = Field(
        default=None,
        description="the hours of a 12-hour dial for which the shift is sure; another hour "
        'said with this part of the day may be either half ("الثانيه ليلا")',
    )
    after_clock: list[str] = Field(
        default_factory=list,
        description='the words after a clock time ("2:30 in the afternoon") where they '
        "differ from `after`",
    )


class ClockApprox(_Strict):
    """Words that make a clock time approximate ("حوالي الساعه الثالثه", "around 3 pm")."""

    before: list[str] = Field(default_factory=list)
    after: list[str] = Field(default_factory=list)


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


class TimeZoneEntry(_Strict):
    """A time zone a clock time may be said in ("بتوقيت غرينتش", "GMT", "local time")."""

    zone: str = Field(
        pattern=r"^(local|UTC|[A-Z]{2,5})$",
        description='"local" (the place\'s own time), "UTC" or an abbreviation',
    )
    offset: int | None = Field(
        default=None, ge=-720, le=840, description="minutes east of UTC; None for local time"
    )
    forms: list[str] = Field(min_length=1)
    bare: list[str] = Field(
        default_factory=list, description='forms that need no cue before them ("GMT")'
    )


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
    # Time zones after a clock time: a cue ("بتوقيت") then a zone, or a zone alone ("GMT").
    time_zone_cues: list[str] = Field(default_factory=list)
    time_zones: list[TimeZoneEntry] = Field(default_factory=list)
    minute_words: list[str] = Field(
        default_factory=list, description='"و11 دقيقه" after an hour: its minutes'
    )
    clock_approx: ClockApprox = Field(default_factory=ClockApprox)

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
    person: bool = Field(default=False, description="a head count of people")
    qualified: bool = Field(
        default=False,
        description="an amount shared out among holders or kinds (seats, votes, voters, "
        "percent): compared only when what it is of or who holds it is known",
    )
    per_source: bool = Field(
        default=False,
        description="each measuring agency gives its own value (a magnitude): values with "
        "no named source are at most a soft disagreement",
    )


_ASPECT = r"^[a-z][a-z_]*$"
NO_UNIT, ANY_UNIT = "none", "any"  # in AspectEntry.units: a bare number; every amount


class AspectEntry(_Strict):
    """What an amount is of, read from a cue next to it ("علي عمق 10 كم" is a depth)."""

    of: str = Field(pattern=_ASPECT)
    units: list[str] = Field(
        min_length=1, description='units the cue applies to; "none" for a number without one'
    )
    unit: str | None = Field(
        default=None, description='the unit the amount then has ("بقوه 6.8 درجات": magnitude)'
    )
    bare_unit: str | None = Field(
        default=None, description='the unit a number without one then has ("242 on board")'
    )
    before: list[str] = Field(
        default_factory=list, description="cues in the clause before the number, nearest wins"
    )
    adjacent: bool = Field(
        default=False, description="a `before` cue only counts right before the amount"
    )
    max_value: float | None = Field(
        default=None, description="larger values are not of this kind (a magnitude is below 10)"
    )
    after: list[str] = Field(
        default_factory=list, description="cues right after the amount and its unit"
    )
    per_source: bool = Field(
        default=False, description="as for a unit: each agency measures its own (a depth)"
    )

    @model_validator(mode="after")
    def _cued(self) -> AspectEntry:
        if not self.before and not self.after:
            raise ValueError(f"aspect {self.of}: give `before` or `after` cues")
        return self


class HolderWords(_Strict):
    """Who an amount belongs to: a list or party winning seats or votes."""

    units: list[str] = Field(min_length=1, description="units whose amounts have a holder")
    nouns: list[str] = Field(
        min_length=1, description='nouns that open a holder\'s name ("تحالف", "party")'
    )
    head_nouns: list[str] = Field(
        default_factory=list,
        description="of those, the ones left out of the holder's key: reports call one list "
        'a "تحالف" or an "ائتلاف"',
    )
    verbs: list[str] = Field(
        default_factory=list,
        description="verbs of winning; the words between them and the amount name the holder",
    )
    stoppers: list[str] = Field(default_factory=list, description="words that end a holder's name")
    leader_cues: list[str] = Field(
        default_factory=list,
        description='words after a holder\'s name that open the name of its leader '
        '("بزعامه", "الذي يتزعمه"); the leader\'s last name identifies the holder when the '
        "list itself is not named",
    )
    leader_prepositions: list[str] = Field(
        default_factory=list,
        description='a preposition that, joined to the article on the last word of a '
        'holder\'s name, makes that word its leader ("تحالف X للسوداني")',
    )
    max_words: int = Field(default=6, ge=1, le=12)
    window: int = Field(default=90, ge=10, description="characters searched back")


class ScopeEntry(_Strict):
    """A part of the whole an amount may be about ("التصويت الخاص", "the runoff")."""

    scope: str = Field(pattern=_ASPECT, description="the key both languages share")
    forms: list[str] = Field(min_length=1)


class BearingEntry(_Strict):
    bearing: str = Field(pattern=r"^(N|S|E|W|NE|NW|SE|SW)$")
    forms: list[str] = Field(min_length=1)


class DistanceWords(_Strict):
    """The place a distance is measured from ("علي بعد 70 كم جنوب غرب مراكش")."""

    bearings: list[BearingEntry] = Field(default_factory=list)
    links: list[str] = Field(
        default_factory=list, description='words before the place: "من", "عن", "of"'
    )
    place_nouns: list[str] = Field(
        default_factory=list,
        description='nouns left out of the reference ("مدينه", "town of"): "مدينه مراكش" is '
        '"مراكش"',
    )
    stoppers: list[str] = Field(default_factory=list)
    max_words: int = Field(default=3, ge=1, le=6)


class UnitsLexicon(_Strict):
    units: list[UnitEntry]
    aspects: list[AspectEntry] = Field(default_factory=list)
    holders: HolderWords | None = None
    distance: DistanceWords | None = None
    scopes: list[ScopeEntry] = Field(
        default_factory=list,
        description="parts of a whole that a shared-out (`qualified`) amount may be about",
    )
    wholes: dict[str, str] = Field(
        default_factory=dict,
        description="what a whole is of, by what its part is of: those who voted are out of "
        'the registered voters ("12,003,143 صوتا من اصل 21,404,291 ناخبا": cast -> registered)',
    )
    shares: dict[str, str] = Field(
        default_factory=dict,
        description="what the count behind a share is of, by what the share is of: the "
        'turnout\'s count is of those who voted ("82.6% بواقع 1,084,289": turnout -> cast)',
    )
    share_cues: list[str] = Field(
        default_factory=list,
        description='words alone between a share and the count behind it ("بواقع", "or")',
    )
    part_links: list[str] = Field(
        default_factory=list,
        description='a word alone between two amounts that makes the second, when not '
        'smaller, the whole the first is out of ("1,084,289 من 1,313,943")',
    )

    @model_validator(mode="after")
    def _unique(self) -> UnitsLexicon:
        names = [u.unit for u in self.units]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(f"unit listed twice: {sorted(dupes)}")
        known = set(names) | {NO_UNIT, ANY_UNIT}
        unknown = {u for a in self.aspects for u in a.units if u not in known}
        unknown |= {
            u
            for a in self.aspects
            for u in (a.unit, a.bare_unit)
            if u is not None and u not in names
        }
        if self.holders is not None:
            unknown |= set(self.holders.units) - set(names)
        if unknown:
            raise ValueError(f"aspects or holders name units not listed: {sorted(unknown)}")
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
    # Between a counted noun and a count of its own ("طاقم من 6 اشخاص"): such a noun is
    # not the second kind of a head count before it ("64 راكبا وطاقم من 6 اشخاص").
    size_links: list[str] = Field(default_factory=list)
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
    place_dashes: list[str] = Field(
        default_factory=list,
        description='the marks after the place of filing at the top of a report ("اربيل '
        '(كوردستان 24)- اعلنت")',
    )
    today_joiners: list[str]
    today_punctuation: list[str]

    @model_validator(mode="after")
    def _single_words(self) -> ContextLexicon:
        problems = [w for w in [*self.dateline_words, *self.today_joiners] if " " in w.strip()]
        problems += [
            p
            for p in [
                *self.dateline_punctuation,
                *self.dateline_closers,
                *self.place_dashes,
                *self.today_punctuation,
            ]
            if len(p) != 1 or p.isalnum()
        ]
        if problems:
            raise ValueError(f"one word or one punctuation mark per entry: {problems}")
        return self


# -------------------------------------------------------------------------- languages.yaml


class LanguageEntry(_Strict):
    code: str = Field(pattern=r"^[a-z]{2,3}$")
    name: str
    script: str = Field(pattern=r"^[A-Z]+$")
    detector_labels: list[str] = Field(min_length=1)


class LanguagesFile(_Strict):
    """Schema of ``lexicon/languages.yaml``: the languages with an extraction pipeline."""

    version: int
    languages: list[LanguageEntry] = Field(min_length=1)
    min_confidence: float = Field(gt=0, le=1)
    min_letters: int = Field(ge=0)
    script_fallback: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> LanguagesFile:
        codes = [entry.code for entry in self.languages]
        labels = [label for entry in self.languages for label in entry.detector_labels]
        if len(set(codes)) != len(codes) or len(set(labels)) != len(labels):
            raise ValueError("a language code or detector label is listed twice")
        scripts = {entry.code: entry.script for entry in self.languages}
        unknown = [code for code in self.script_fallback if code not in scripts]
        fallback_scripts = [scripts[c] for c in self.script_fallback if c in scripts]
        if unknown or len(set(fallback_scripts)) != len(fallback_scripts):
            raise ValueError("script_fallback: an unknown language, or two for one script")
        return self


# ------------------------------------------------------------------------ English lexicons


class EnglishMonth(_Strict):
    number: int = Field(ge=1, le=12)
    names: list[str] = Field(min_length=1)
    needs_cue: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _cue_subset(self) -> EnglishMonth:
        stray = set(self.needs_cue) - set(self.names)
        if stray:
            raise ValueError(f"needs_cue forms not among names: {sorted(stray)}")
        return self


class ClockSuffix(_Strict):
    forms: list[str] = Field(min_length=1)
    shift: int = Field(ge=0, le=12)


class VaguePeriod(_Strict):
    direction: Literal[-1, 1]
    forms: list[str] = Field(min_length=1)


class EnglishTimeLexicon(_Strict):
    """Schema of ``lexicon/en/time.yaml`` (claims.en.time)."""

    version: int
    months: list[EnglishMonth]
    weekdays: list[WeekdayEntry] = Field(min_length=7, max_length=7)
    parts_of_day: list[PartOfDay]
    clock_suffixes: list[ClockSuffix]
    clock_approx: ClockApprox = Field(default_factory=ClockApprox)
    time_zones: list[TimeZoneEntry]
    modifiers: list[ModifierEntry]
    year_parts: list[YearPart]
    relations: list[RelationEntry]
    ago_words: list[str]
    event_relative_words: list[str]
    durations: list[DurationEntry]
    vague_plural: VagueRange
    vague_periods: list[VaguePeriod]
    relative_days: list[RelativeDay]
    period_words: list[PeriodWord]
    directions: list[DirectionEntry]
    year_event_nouns: list[str]
    year_words: list[str]

    @model_validator(mode="after")
    def _complete(self) -> EnglishTimeLexicon:
        if sorted(m.number for m in self.months) != list(range(1, 13)):
            raise ValueError("months must be 1..12 once each")
        if sorted(w.number for w in self.weekdays) != list(range(7)):
            raise ValueError("weekdays must be numbered 0..6 once each")
        names = [n for m in self.months for n in m.names] + [
            n for w in self.weekdays for n in w.names
        ]
        if any(not n[:1].isupper() for n in names):
            raise ValueError("month and weekday names are written with a capital")
        return self


class EnglishUnitsLexicon(UnitsLexicon):
    """Schema of ``lexicon/en/units.yaml``: the Arabic units schema, plus the words that
    may stand between an English number and its unit ("100 French troops", "four heavily
    armed terrorists")."""

    words_between: int = Field(ge=0, le=4)
    not_between: list[str]


class EnglishScale(_Strict):
    value: float = Field(gt=1)
    forms: list[str] = Field(min_length=1)


class EnglishNumbersLexicon(_Strict):
    """Schema of ``lexicon/en/numbers.yaml`` (claims.en.quantity). Number words are read by
    the text2num library; this file holds scales, fractions and vague amounts."""

    version: int
    scales: list[EnglishScale]
    scale_articles: list[str]
    fractions: list[FractionEntry]
    vague: list[VagueEntry]

    @model_validator(mode="after")
    def _ranges(self) -> EnglishNumbersLexicon:
        for entry in self.vague:
            if entry.high is not None and entry.high < entry.low:
                raise ValueError(f"vague range {entry.forms}: high below low")
        return self


class EnglishSentencesLexicon(_Strict):
    """Schema of ``lexicon/en/sentences.yaml`` (claims.en.sentences)."""

    version: int
    abbreviations: list[str]
    ambiguous_abbreviations: list[str]

    @model_validator(mode="after")
    def _periods(self) -> EnglishSentencesLexicon:
        bad = [a for a in [*self.abbreviations, *self.ambiguous_abbreviations] if a[-1:] != "."]
        if bad or any(a != a.lower() for a in [*self.abbreviations, *self.ambiguous_abbreviations]):
            raise ValueError(f"abbreviations are lower case and end with a period: {bad}")
        return self


class EnglishNameTrigger(_Strict):
    """A noun that makes an unknown capitalised name a place or actor: after it ("the
    city of Agadez", "Camp Lemonnier") or before it ("Abeche base", "Anantnag district")."""

    noun: str
    kind: Literal["place", "actor"]
    type: str | None = None
    position: Literal["before", "after"]


class EnglishAnaphor(_Strict):
    words: list[str] = Field(min_length=1)  # "the base", "the airport"
    type: str


class CompassPointWords(_Strict):
    point: Literal["N", "NE", "E", "SE", "S", "SW", "W", "NW", "centre"]
    words: list[str] = Field(min_length=1)


class CompassWords(_Strict):
    """The compass of one language (``compass`` in its entities lexicon): which point each
    direction word names, the nouns that mean "the country" of the place they are said of,
    the words that may stand between a place and the direction that situates it, and the
    words after which a direction is not where a place lies (an origin, a route)."""

    points: list[CompassPointWords] = Field(default_factory=list)
    country_nouns: list[str] = Field(default_factory=list)
    links: list[str] = Field(default_factory=list)
    blockers: list[str] = Field(default_factory=list)
    # Words passed over when looking for a blocker ("from the north of").
    articles: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_point_each(self) -> CompassWords:
        words = [w for p in self.points for w in p.words]
        twice = sorted({w for w in words if words.count(w) > 1})
        if twice:
            raise ValueError(f"compass words with two points: {twice}")
        return self

    def point_of(self) -> dict[str, str]:
        """Each direction word (words joined by one space) -> its point."""
        return {" ".join(w.split()): p.point for p in self.points for w in p.words}


class EnglishEntitiesLexicon(_Strict):
    """Schema of ``lexicon/en/entities.yaml`` (claims.en.entities): the closed-class words
    around names; the names themselves are the gazetteer's English names."""

    version: int
    name_triggers: list[EnglishNameTrigger]
    name_stoppers: list[str]
    force_heads: list[str]
    demonyms: dict[str, list[str]]
    territory_nouns: list[str]
    direction_words: list[str]
    complement_words: list[str]
    anaphors: list[EnglishAnaphor]
    possessive_markers: list[str]
    # Capitalised words that make a place name part of an organisation's name ("Air
    # India", "Qatar Airways"): the place is then no place of the event.
    organisation_before: list[str] = Field(default_factory=list)
    organisation_after: list[str] = Field(default_factory=list)
    compass: CompassWords = Field(default_factory=CompassWords)
    # Prepositions after which a capitalised name the gazetteer does not know may be a
    # town of GeoNames' table ("in Pahalgam"; claims.towns), as after a direction word.
    place_cues: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _compass_words_are_directions(self) -> EnglishEntitiesLexicon:
        missing = sorted(set(self.compass.point_of()) - set(self.direction_words))
        if missing:
            raise ValueError(f"compass words not in direction_words: {missing}")
        return self


# ------------------------------------------------------------------------------ loading


def morphology_lexicon() -> MorphologyFile:
    return load_yaml(MORPHOLOGY_FILE, MorphologyFile)


def time_lexicon() -> TimeLexicon:
    return load_yaml(TIME_FILE, TimeLexicon)


def weekday_names(language: str = "ar") -> tuple[str, ...]:
    """The name of each weekday, Monday first (``datetime.date.weekday()`` numbering), as
    the language's time lexicon writes it first (Arabic normalised). The time grammar reads
    the same table; whatever names a weekday (a report, an evaluation) should name it so."""
    if language == "ar":
        weekdays = time_lexicon().weekdays
    elif language == "en":
        weekdays = en_time_lexicon().weekdays
    else:
        raise ValueError(f"no time lexicon for language {language!r}")
    return tuple(w.names[0] for w in sorted(weekdays, key=lambda w: w.number))


def numbers_lexicon() -> NumbersLexicon:
    return load_yaml(NUMBERS_FILE, NumbersLexicon)


def units_lexicon() -> UnitsLexicon:
    return load_yaml(UNITS_FILE, UnitsLexicon)


def bounds_lexicon() -> QuantityBoundsLexicon:
    return load_yaml(BOUNDS_FILE, QuantityBoundsLexicon)


def context_lexicon() -> ContextLexicon:
    return load_yaml(CONTEXT_FILE, ContextLexicon)


def languages_file() -> LanguagesFile:
    return load_yaml(LANGUAGES_FILE, LanguagesFile)


def en_time_lexicon() -> EnglishTimeLexicon:
    return load_yaml(EN_TIME_FILE, EnglishTimeLexicon)


def en_numbers_lexicon() -> EnglishNumbersLexicon:
    return load_yaml(EN_NUMBERS_FILE, EnglishNumbersLexicon)


def en_units_lexicon() -> EnglishUnitsLexicon:
    return load_yaml(EN_UNITS_FILE, EnglishUnitsLexicon)


def en_bounds_lexicon() -> QuantityBoundsLexicon:
    return load_yaml(EN_BOUNDS_FILE, QuantityBoundsLexicon)


def en_context_lexicon() -> ContextLexicon:
    return load_yaml(EN_CONTEXT_FILE, ContextLexicon)


def en_sentences_lexicon() -> EnglishSentencesLexicon:
    return load_yaml(EN_SENTENCES_FILE, EnglishSentencesLexicon)


def en_entities_lexicon() -> EnglishEntitiesLexicon:
    return load_yaml(EN_ENTITIES_FILE, EnglishEntitiesLexicon)


LEXICON_FILES: dict[str, type[BaseModel]] = {
    TIME_FILE: TimeLexicon,
    NUMBERS_FILE: NumbersLexicon,
    UNITS_FILE: UnitsLexicon,
    BOUNDS_FILE: QuantityBoundsLexicon,
    CONTEXT_FILE: ContextLexicon,
}

EN_LEXICON_FILES: dict[str, type[BaseModel]] = {
    EN_TIME_FILE: EnglishTimeLexicon,
    EN_NUMBERS_FILE: EnglishNumbersLexicon,
    EN_UNITS_FILE: EnglishUnitsLexicon,
    EN_BOUNDS_FILE: QuantityBoundsLexicon,
    EN_CONTEXT_FILE: ContextLexicon,
    EN_SENTENCES_FILE: EnglishSentencesLexicon,
    EN_ENTITIES_FILE: EnglishEntitiesLexicon,
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
