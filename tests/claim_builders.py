"""Hand-built claims for linking and rule tests (no extraction involved).

Places follow the gazetteer's shape: a key with its ancestors, nearest first.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date

from claims.model import Claim, Entity, Modality, Phase, Quantity, Span, TimeValue


def place(
    key: str | None,
    *ancestors: str,
    label: str | None = None,
    surface: str = "",
    complement: bool = False,
) -> Entity:
    return Entity(
        kind="place",
        key=key,
        label=label,
        surface=surface or (key or ""),
        complement=complement,
        ancestors=list(ancestors),
        source="gazetteer" if key else "pattern",
    )


def actor(key: str | None, label: str | None = None, surface: str = "") -> Entity:
    return Entity(kind="actor", key=key, label=label, surface=surface or (key or ""))


def day(
    value: str,
    *,
    relation: str = "on",
    weekday: int | None = None,
    text: str = "",
    time_of_day: str | None = None,
    modifier: str | None = None,
) -> TimeValue:
    """A resolved calendar day, month or year with its bounds filled as an extractor would."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        lo = hi = date(*parts)
        granularity = "day"
    elif len(parts) == 2:
        lo = date(parts[0], parts[1], 1)
        hi = date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
        granularity = "month"
    else:
        lo, hi = date(parts[0], 1, 1), date(parts[0], 12, 31)
        granularity = "year"
    return TimeValue(
        span=Span(start=0, end=len(text), text=text) if text else None,
        value=value,
        granularity=granularity,
        earliest=lo,
        latest=hi,
        relation=relation,
        weekday=weekday,
        modifier=modifier,
        time_of_day=time_of_day,
        anchor="absolute",
        resolved=True,
    )


def weekday_only(weekday: int, *, text: str = "", relation: str = "on") -> TimeValue:
    """A weekday with no publication date to anchor it: not resolved to days."""
    return TimeValue(
        span=Span(start=0, end=len(text), text=text) if text else None,
        granularity="weekday",
        weekday=weekday,
        relation=relation,
        resolved=False,
        reason="weekday without publication date",
    )


def yearless(value: str, *, text: str = "", relation: str = "on") -> TimeValue:
    """A day or month said without its year in a report with no date of its own
    ("XXXX-07", "XXXX-01-31"): not resolved to days."""
    return TimeValue(
        span=Span(start=0, end=len(text), text=text) if text else None,
        value=value,
        granularity="day" if value.count("-") == 2 else "month",
        relation=relation,
        resolved=False,
        reason="no year and no publication date",
    )


def qty(
    value: float | None = None,
    *,
    unit: str | None,
    low: float | None = None,
    high: float | None = None,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
    approximate: bool = False,
    vague: bool = False,
    resolved: bool = True,
    text: str = "",
) -> Quantity:
    return Quantity(
        span=Span(start=0, end=len(text), text=text) if text else None,
        value=value,
        low=low,
        high=high,
        low_inclusive=low_inclusive,
        high_inclusive=high_inclusive,
        unit=unit,
        approximate=approximate,
        vague=vague,
        resolved=resolved,
    )


def claim(
    article: str,
    quote: str,
    event: str,
    *,
    phase: Phase | None = None,
    modality: Modality = "asserted",
    location: Entity | None = None,
    destinations: Sequence[Entity] = (),
    actors: Sequence[Entity] = (),
    time: TimeValue | None = None,
    quantity: Quantity | None = None,
    start: int = 0,
    event_word: str | None = None,
    published: date | None = None,
) -> Claim:
    span = Span(start=start, end=start + len(quote), text=quote)
    return Claim(
        article_id=article,
        sentence=span,
        evidence=span,
        quote=quote,
        event=event,
        event_word=event_word,
        phase=phase,
        modality=modality,
        location=location,
        destinations=list(destinations),
        actors=list(actors),
        time=time,
        quantity=quantity,
        published=published,
    )
