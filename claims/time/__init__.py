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
(:class:`claims.settings.TimeSettings`), documented in docs/time-and-quantity.md.

The package's modules (the English tagger, :mod:`claims.en.time`, reuses what it shares
with them):

- :mod:`claims.time.grammar`: the expression being built and the compiled patterns;
- :mod:`claims.time.reading`: the expressions of a text, found, widened and joined;
- :mod:`claims.time.zones`: time zones of clock times, and the UTC days of a moment;
- :mod:`claims.time.hijri`: the tabular Islamic calendar;
- :mod:`claims.time.resolve`: each expression resolved to an interval of days;

and here, :func:`find_times` and the spaCy component ``cc_times``.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import ClassVar

from spacy.language import Language
from spacy.tokens import Doc

from claims import layers
from claims.layers import Contract
from claims.model import Span, TimeValue
from claims.settings import TimeSettings, extraction_settings
from claims.time.grammar import (
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
    _grammar,
    _time_of_day,
)
from claims.time.reading import _collect
from claims.time.resolve import _context_dates, _resolve
from claims.time.zones import (
    ZoneFields,
    attach_zones,
    clock_fields,
    pair_zones,
    utc_days,
    zone_fields,
)
from claims.tokenizer import doc_text

__all__ = [
    "CALENDAR",
    "CLOCK",
    "DAY_OF_MONTH",
    "DURATION",
    "NUMERIC",
    "PERIOD",
    "RELDAY",
    "SETTINGS",
    "VAGUE",
    "WEEKDAY",
    "YEAR",
    "TimeSettings",
    "TimesComponent",
    "ZoneFields",
    "attach_zones",
    "clock_fields",
    "find_times",
    "make_times_component",
    "pair_zones",
    "utc_days",
    "zone_fields",
]

SETTINGS: TimeSettings = extraction_settings().time


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
                **clock_fields(e),
            )
        )
    return values


# ------------------------------------------------------------------ spaCy component


class TimesComponent:
    """Runs :func:`find_times` on ``doc.text`` (normalised text): stores the values in
    the layer :data:`claims.layers.TIMES` and their spans in :data:`claims.layers.TIME_SPANS`."""

    contract: ClassVar[Contract] = Contract(
        provides=frozenset({"time"}),
        reads=(layers.PUBLISHED,),
        writes=(layers.TIMES, layers.TIME_SPANS),
    )

    def __init__(self, name: str = "cc_times") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        published = layers.PUBLISHED.find(doc)
        if not isinstance(published, date):
            published = None
        values = find_times(doc_text(doc), published)
        layers.TIMES.set(doc, values)
        layers.TIME_SPANS.set_values(doc, values)
        return doc


@Language.factory("cc_times")
def make_times_component(nlp: Language, name: str) -> TimesComponent:
    return TimesComponent(name)
