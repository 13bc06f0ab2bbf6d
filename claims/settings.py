"""The extraction settings: every choice that changes the claims of an article, in one
pydantic-settings class read from the environment in one place.

:class:`PipelineSettings` holds the pipeline's own choice (``use_ner``) and one group per
tagger: :class:`TimeSettings` (``time``), :class:`QuantitySettings` (``quantity``) and
:class:`ContextSettings` (``context``). Each group keeps the environment prefix it has
always had: ``CLAIMCHECK_PIPELINE_USE_NER=1``, ``CLAIMCHECK_TIME_WEEKDAY_DIRECTION=both``,
``CLAIMCHECK_QUANTITY_APPROX_TOLERANCE=0.2``, ``CLAIMCHECK_CONTEXT_CARRY_TIME=1``. A name
under one of these prefixes that is no setting is ignored, as before.

:func:`extraction_settings` is the process's settings, read once; the taggers take their
group from it when they are imported (``claims.time.SETTINGS``...).
``claims.pipeline.settings_fingerprint`` digests them, so that a change re-extracts.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TimeSettings(_Group):
    """How much of a month or year a modifier covers, and other choices of the time tagger
    (environment prefix ``CLAIMCHECK_TIME_``, e.g. ``CLAIMCHECK_TIME_WEEKDAY_DIRECTION``)."""

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


class QuantitySettings(_Group):
    """Choices of the quantity tagger (environment prefix ``CLAIMCHECK_QUANTITY_``)."""

    approx_tolerance: float = Field(
        0.1, ge=0, lt=1, description='"نحو 350": 350 minus/plus this fraction of it'
    )
    approx_floor: float = Field(
        0.005, ge=0, lt=1,
        description='"تقريبا 12,003,143": a figure given to its last digits reaches this far',
    )
    year_like_min: int = Field(
        1900, description="a unitless whole number in this range may be a year"
    )
    year_like_max: int = 2100
    unit_before_window: int = Field(
        60, description="characters searched back for a counted noun (عدد القتلي ... 50)"
    )


class ContextSettings(_Group):
    """What the document context may take from the text, and what the lead carries to
    later claims (environment prefix ``CLAIMCHECK_CONTEXT_``)."""

    reference_from_text: bool = Field(
        True, description="without a publication date, read the date of writing from the text"
    )
    dateline_lines: int = Field(
        3, ge=1, description="how many non-empty lines from the top may hold the dateline"
    )
    dateline_name_words: int = Field(
        3, ge=0, description="words of a place the gazetteer does not know before a dateline"
    )
    # Off by default: on the development stories, dating a later sentence by its lead
    # lost on date, date relation and weekday accuracy and on finding precision, since a
    # report's later sentences often tell another moment (an announcement, a toll).
    carry_time: bool = Field(
        False, description="a claim without a time takes the day of an earlier claim of its event"
    )
    carry_place: bool = Field(
        True, description="a claim without a place takes the place of earlier claims of its event"
    )


class PipelineSettings(BaseSettings):
    """Every extraction setting; environment prefixes ``CLAIMCHECK_PIPELINE_`` (the
    pipeline's own), ``CLAIMCHECK_TIME_``, ``CLAIMCHECK_QUANTITY_`` and
    ``CLAIMCHECK_CONTEXT_`` (its groups)."""

    model_config = SettingsConfigDict(
        env_prefix="CLAIMCHECK_PIPELINE_",
        # CLAIMCHECK_TIME_WEEKDAY_DIRECTION: the group's alias, then one field name.
        env_nested_delimiter="_",
        env_nested_max_split=1,
        frozen=True,
    )

    use_ner: bool = Field(
        False, description="run the statistical NER (claims.ner) for names no gazetteer lists"
    )
    time: TimeSettings = Field(default_factory=TimeSettings, validation_alias="CLAIMCHECK_TIME")
    quantity: QuantitySettings = Field(
        default_factory=QuantitySettings, validation_alias="CLAIMCHECK_QUANTITY"
    )
    context: ContextSettings = Field(
        default_factory=ContextSettings, validation_alias="CLAIMCHECK_CONTEXT"
    )

    @field_validator("time", "quantity", "context", mode="before")
    @classmethod
    def _known_only(cls, value: object, info: ValidationInfo) -> object:
        """A group read from the environment keeps only its own settings: another name
        under its prefix is ignored, as it was when each group read its own."""
        group = cls.model_fields[info.field_name or ""].annotation
        if not isinstance(value, dict) or not (
            isinstance(group, type) and issubclass(group, BaseModel)
        ):
            return value
        return {k: v for k, v in value.items() if k in group.model_fields}


@cache
def extraction_settings() -> PipelineSettings:
    """The settings of this process, read from the environment on first use."""
    return PipelineSettings()
