"""Every threshold of linking and of the rule engine, in one typed settings object.

Defaults are chosen to avoid false alarms (an editor's time costs more than a miss).
Any value can be overridden from the environment, e.g.
``CLAIMCHECK_CHECKER_LINK_THRESHOLD=0.7`` or ``CLAIMCHECK_CHECKER_LINK_WEIGHTS__TIME=0.2``,
or by passing a ``CheckerSettings`` to :func:`checker.linking.link` / :func:`checker.rules.check`.

Display data (event nouns, phase and weekday names in English and Arabic, cluster label
templates) lives in ``checker/data/labels.yaml`` and is loaded by :func:`load_labels`.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from claims.model import (
    Certainty,
    CompassPoint,
    EventType,
    FindingKind,
    Modality,
    Phase,
    ReviewStatus,
    Severity,
    TimeModifier,
    TimeRelation,
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LinkWeights(_Strict):
    """How much each slot counts in the same-event score (normalised by their sum)."""

    event: float = Field(default=0.35, ge=0)
    place: float = Field(default=0.25, ge=0)
    actor: float = Field(default=0.15, ge=0)
    time: float = Field(default=0.15, ge=0)
    phase: float = Field(default=0.10, ge=0)

    @model_validator(mode="after")
    def _positive_total(self) -> LinkWeights:
        if self.event + self.place + self.actor + self.time + self.phase <= 0:
            raise ValueError("link weights must not all be zero")
        return self


class SlotScores(_Strict):
    """Partial scores of one slot comparison, each in [0, 1]."""

    event_same_type: float = Field(default=1.0, ge=0, le=1)
    event_same_family: float = Field(default=0.5, ge=0, le=1)
    place_same: float = Field(default=1.0, ge=0, le=1)
    # One place inside the other (a base and its country): related, never "same event".
    place_contained: float = Field(default=0.5, ge=0, le=1)
    place_unknown: float = Field(default=0.3, ge=0, le=1)
    # Origins unknown but the destinations agree ("moved to Erbil" twice).
    destination_shared: float = Field(default=0.8, ge=0, le=1)
    actor_same: float = Field(default=1.0, ge=0, le=1)
    actor_unknown: float = Field(default=0.5, ge=0, le=1)
    actor_different: float = Field(default=0.0, ge=0, le=1)
    time_overlap: float = Field(default=1.0, ge=0, le=1)
    time_unknown: float = Field(default=0.5, ge=0, le=1)
    # Disjoint dates of a one-off event are kept linked: that is what a date conflict is.
    time_disjoint: float = Field(default=0.3, ge=0, le=1)
    phase_same: float = Field(default=1.0, ge=0, le=1)
    phase_different: float = Field(default=0.7, ge=0, le=1)
    phase_unknown: float = Field(default=0.7, ge=0, le=1)


class ModifierWindow(_Strict):
    """Inclusive [first, last] day of month (for a month) or month of year (for a year)."""

    first: int = Field(ge=1, le=31)
    last: int = Field(ge=1, le=31)


def _month_windows() -> dict[str, ModifierWindow]:
    return {
        "start": ModifierWindow(first=1, last=10),
        "mid": ModifierWindow(first=11, last=20),
        "end": ModifierWindow(first=21, last=31),
    }


def _year_windows() -> dict[str, ModifierWindow]:
    return {
        "start": ModifierWindow(first=1, last=4),
        "mid": ModifierWindow(first=5, last=8),
        "end": ModifierWindow(first=9, last=12),
    }


def _event_families() -> dict[EventType, str]:
    return {
        "withdrawal": "movement",
        "convoy_departure": "movement",
        "relocation": "movement",
        "base_closure": "installation",
        "handover": "installation",
        "troop_presence": "presence",
        "attack": "violence",
        "casualties": "violence",
        "agreement": "agreement",
        "other": "other",
    }


def _repeatable_events() -> list[EventType]:
    # "other" covers kinds the lexicon does not model (floods, earthquakes, strikes...):
    # without knowing better, one more occurrence of such an event is the safe reading.
    return ["attack", "convoy_departure", "casualties", "other"]


def _evolving_events() -> list[EventType]:
    return ["casualties"]


def _movement_events() -> list[EventType]:
    return ["withdrawal", "convoy_departure", "relocation"]


def _factual() -> list[Modality]:
    return ["asserted", "reported"]


def _prospective() -> list[Modality]:
    return ["planned", "expected"]


def _ignored() -> list[Modality]:
    return ["hypothetical"]


def _phase_order() -> list[Phase]:
    return ["began", "ongoing", "completed"]


class CheckerSettings(BaseSettings):
    """Thresholds, tolerances and weights of linking and of every rule."""

    model_config = SettingsConfigDict(
        env_prefix="CLAIMCHECK_CHECKER_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )

    # --- linking -------------------------------------------------------------------------
    link_threshold: float = Field(default=0.6, ge=0, le=1)
    link_weights: LinkWeights = Field(default_factory=LinkWeights)
    slot_scores: SlotScores = Field(default_factory=SlotScores)
    # Claims with known, different actors are never one event ("US forces" vs "Iraqi army").
    actor_mismatch_veto: bool = True
    event_families: dict[EventType, str] = Field(default_factory=_event_families)
    # Events that happen again and again: far-apart dates mean another occurrence, not a
    # conflict, so such claims are not linked when their days are further apart than this.
    repeatable_events: list[EventType] = Field(default_factory=_repeatable_events)
    repeatable_gap_days: int = Field(default=2, ge=0)
    # A report of such an event that states no date is taken to be about an occurrence of
    # the last few days before its publication, for linking only (never for a rule): two
    # undated reports of "an attack in Mosul" published months apart are not one event.
    undated_report_window_days: int = Field(default=10, ge=0)
    # A claim linked to nothing is not an event of its own (it stays "outside any event").
    min_cluster_size: int = Field(default=2, ge=1)
    # Blocks bigger than this are still linked (no silent truncation) but reported.
    large_block_warning: int = Field(default=5000, ge=1)

    # --- times ---------------------------------------------------------------------------
    # "about 15 September": the named days widened by this many days on each side.
    approx_date_tolerance_days: int = Field(default=3, ge=0)
    # Used only when a resolved time has a value but no earliest/latest days.
    month_modifier_windows: dict[str, ModifierWindow] = Field(default_factory=_month_windows)
    year_modifier_windows: dict[str, ModifierWindow] = Field(default_factory=_year_windows)
    # "Thursday night" may be said of the evening before: such weekdays may differ by one.
    night_time_of_day: list[str] = Field(default_factory=lambda: ["night"])
    # The clock hours (minutes from midnight, first and last) each part of the day may
    # mean; "night" runs past midnight. Two figures of a growing count given for hours of
    # one day that do not meet are two bulletins, not a disagreement.
    day_part_minutes: dict[str, tuple[int, int]] = Field(
        default_factory=lambda: {
            "dawn": (4 * 60, 7 * 60),
            "morning": (5 * 60, 12 * 60),
            "forenoon": (8 * 60, 12 * 60),
            "noon": (11 * 60, 15 * 60),
            "afternoon": (12 * 60, 18 * 60),
            "evening": (16 * 60, 23 * 60 + 59),
            "night": (19 * 60, 29 * 60),
        }
    )

    # Two clock times of one moment: reports round, so exact times up to this many minutes
    # apart agree ("13:38" and "13:39")...
    clock_tolerance_minutes: int = Field(default=10, ge=0, le=12 * 60)
    # ...and each side said approximately ("حوالي الساعه الثالثه", "around 3 pm") adds this.
    clock_approx_minutes: int = Field(default=20, ge=0, le=12 * 60)
    # A clock time with no zone is in an unknown frame and is compared with no other
    # report's; set this where the outlets checked give unzoned times in local time.
    clock_unzoned_is_local: bool = False

    # --- quantities ----------------------------------------------------------------------
    approx_relative_tolerance: float = Field(default=0.1, ge=0, lt=1)
    # ...for a round figure; one hedged to its last digits reaches less, never below this
    # ("تقريبا 12,003,143" is not "about twelve million": claims.quantity.approx_fraction).
    approx_relative_floor: float = Field(default=0.005, ge=0, lt=1)
    exact_relative_tolerance: float = Field(default=0.0, ge=0, lt=1)
    # A vague amount with only an order of magnitude ("hundreds": value 100) spans
    # [value * low_factor, value * high_factor).
    vague_low_factor: float = Field(default=1.0, gt=0)
    vague_high_factor: float = Field(default=10.0, gt=1)
    # Counts that grow as reports come in (death tolls): a disagreement is soft at most.
    # Event words that count different things: the dead, the injured and the missing of
    # one attack are three numbers, never a count conflict between reports.
    distinct_count_words: list[str] = Field(
        default_factory=lambda: ["killed", "injured", "missing", "survived"]
    )
    evolving_count_events: list[EventType] = Field(default_factory=_evolving_events)

    # --- rules ---------------------------------------------------------------------------
    movement_events: list[EventType] = Field(default_factory=_movement_events)
    # Words of "other" events that end a trip with one destination (a plane's crash, a
    # ferry's sinking): two reports sending it to different places disagree (C012).
    trip_words: list[str] = Field(default_factory=lambda: ["crash", "sinking"])
    presence_event: EventType = "troop_presence"
    factual_modalities: list[Modality] = Field(default_factory=_factual)
    prospective_modalities: list[Modality] = Field(default_factory=_prospective)
    # Claims in these modalities are not facts of any report and never enter a comparison.
    ignored_modalities: list[Modality] = Field(default_factory=_ignored)
    # Order of one event's story; "planned" is a plan, compared by the plan-change rule.
    phase_order: list[Phase] = Field(default_factory=_phase_order)
    # Two claims of one report are one writer's account; contradictions are between reports.
    compare_within_article: bool = False
    # A value class of a fact is judged against at most this many claims of each side
    # (the most reported first): an event of n claims costs O(n x sides) judge calls.
    fact_side_representatives: int = Field(default=6, ge=1)
    # A claim dated more than this many days before its story (its report's publication,
    # else the middle of its event's stated days) is background ("it left in 2011"), not
    # a fact of the story's event: it is compared with nothing.
    background_gap_days: int = Field(default=365, ge=1)
    disabled_rules: list[str] = Field(default_factory=list, description="codes or names")
    severity_overrides: dict[str, Severity] = Field(default_factory=dict)

    def family(self, event: EventType) -> str:
        return self.event_families.get(event, event)


@lru_cache(maxsize=1)
def get_settings() -> CheckerSettings:
    """The settings from defaults and the environment, read once."""
    return CheckerSettings()


# --- display data ------------------------------------------------------------------------


class EventLabels(_Strict):
    noun_en: str
    noun_ar: str
    # Tried in order; the first whose placeholders ({actor}, {place}) are all known is used.
    label_en: list[str] = Field(min_length=1)
    label_ar: list[str] = Field(min_length=1)


class DisplayLabel(_Strict):
    """A value's name on the report pages: Arabic first, English behind the toggle."""

    ar: str = Field(min_length=1)
    en: str = Field(min_length=1)


class UnitNames(_Strict):
    """The Arabic noun a unit takes after a number: ``one`` after 1 and after whole
    hundreds ("200 جندي"), ``two`` the dual, ``few`` after 3 to 10, ``many`` after 11 to
    99. A measure ("كم") has only ``one``."""

    one: str = Field(min_length=1)
    two: str | None = None
    few: str | None = None
    many: str | None = None
    feminine: bool = False


class LabelData(_Strict):
    events: dict[EventType, EventLabels]
    # The noun of an "other" event by its event word ("election": الانتخابات).
    other_words: dict[str, DisplayLabel] = Field(default_factory=dict)
    phases_en: dict[Phase, str]
    phases_ar: dict[Phase, str]
    weekdays_en: list[str] = Field(min_length=7, max_length=7)
    weekdays_ar: list[str] = Field(min_length=7, max_length=7)
    unknown_place_en: str
    unknown_place_ar: str
    # The points of the compass by name: "north" / "شمال", "the centre" / "وسط".
    compass: dict[CompassPoint, DisplayLabel] = Field(default_factory=dict)
    # The report pages.
    finding_kinds: dict[FindingKind, DisplayLabel]
    severities: dict[Severity, DisplayLabel]
    certainties: dict[Certainty, DisplayLabel]
    review_statuses: dict[ReviewStatus, DisplayLabel]
    slots: dict[str, DisplayLabel]
    fact_kinds: dict[str, DisplayLabel]
    modalities_ar: dict[Modality, str]
    occurrences_ar: dict[str, str]
    months_ar: list[str] = Field(min_length=12, max_length=12)
    relations_ar: dict[TimeRelation, str]
    modifiers_ar: dict[TimeModifier, str]
    times_of_day_ar: dict[str, str]
    units_ar: dict[str, UnitNames]

    @model_validator(mode="after")
    def _complete(self) -> LabelData:
        """Every value of every closed set has a name: a status added to the model
        without one fails at start-up, not as a raw code on an editor's page."""
        missing = [
            f"{name}: {sorted(set(get_args(kind)) - set(table))}"
            for name, kind, table in (
                ("finding_kinds", FindingKind, self.finding_kinds),
                ("severities", Severity, self.severities),
                ("certainties", Certainty, self.certainties),
                ("review_statuses", ReviewStatus, self.review_statuses),
                ("modalities_ar", Modality, self.modalities_ar),
                ("relations_ar", TimeRelation, self.relations_ar),
                ("modifiers_ar", TimeModifier, self.modifiers_ar),
                ("compass", CompassPoint, self.compass),
            )
            if set(get_args(kind)) - set(table)
        ]
        if missing:
            raise ValueError("labels missing for " + "; ".join(missing))
        return self


class LabelDataError(ValueError):
    """``checker/data/labels.yaml`` is missing or does not match its schema."""


@lru_cache(maxsize=1)
def load_labels() -> LabelData:
    """Event, phase and weekday display names, validated (``extra="forbid"``)."""
    path = resources.files("checker").joinpath("data/labels.yaml")
    try:
        return LabelData.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise LabelDataError(f"checker/data/labels.yaml: {exc}") from exc
