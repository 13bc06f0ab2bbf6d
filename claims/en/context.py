"""Document context for English: the date an article gives for itself.

The Arabic unit (:mod:`claims.context`) with English words (``lexicon/en/context.yaml``,
the same schema): a dateline near the top ("BAGHDAD, Nov 12, 2025 (Reuters) -",
"Published: June 12, 2025", or a date alone on its line) dates the report and is never
the time of an event; without a publication date in the metadata it is the reference
date the times are resolved again against, as is a relative day written next to a full
date ("today, Saturday, January 11, 2025"). Two different dates, or a weekday that is not
the date's own, give no reference date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import ClassVar

from spacy.lang.en import English
from spacy.language import Language
from spacy.tokens import Doc

from claims import layers
from claims.context import (
    SETTINGS,
    ContextComponent,
    ContextSettings,
    ReferenceDate,
    _blank,
    _exact_day,
    _lines,
)
from claims.en.time import find_times
from claims.layers import Contract
from claims.lexicon.schemas import en_context_lexicon, en_time_lexicon
from claims.model import TimeValue
from claims.tokenizer import doc_text

__all__ = ["EnglishContext", "reference_date"]


@dataclass(frozen=True)
class _Cues:
    dateline_words: frozenset[str]
    punctuation: frozenset[str]
    dateline_punctuation: re.Pattern[str]
    closers: frozenset[str]
    today_joiners: frozenset[str]
    today_punctuation: re.Pattern[str]
    offsets: dict[str, int]


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    lex = en_context_lexicon()
    offsets = {
        " ".join(f.split()).lower(): r.offset
        for r in en_time_lexicon().relative_days
        for f in r.forms
    }
    return _Cues(
        dateline_words=frozenset(w.lower() for w in lex.dateline_words),
        punctuation=frozenset(lex.dateline_punctuation),
        dateline_punctuation=re.compile("[" + re.escape("".join(lex.dateline_punctuation)) + "]"),
        closers=frozenset(lex.dateline_closers),
        today_joiners=frozenset(w.lower() for w in lex.today_joiners),
        today_punctuation=re.compile("[" + re.escape("".join(lex.today_punctuation)) + "]"),
        offsets=offsets,
    )


def _dateline(
    text: str, times: list[TimeValue], places: list[tuple[int, int]], settings: ContextSettings
) -> ReferenceDate | None:
    cues = _cues()
    others = [(v.span.start, v.span.end) for v in times if v.span is not None]
    for line_start, line_end in _lines(text, settings.dateline_lines):
        for value in times:
            day = _exact_day(value)
            if day is None or value.span is None:
                continue
            start, end = value.span.start, value.span.end
            if not (line_start <= start and end <= line_end):
                continue
            named = [(s, e) for s, e in places if line_start <= s and e <= start]
            dated = [(s, e) for s, e in others if line_start <= s and e <= start]
            prefix = _blank(text, line_start, start, named + dated)
            words = cues.dateline_punctuation.sub(" ", prefix).split()
            unknown = [w for w in words if w.lower() not in cues.dateline_words]
            rest = text[end:line_end].strip()
            closed = not rest or rest[0] in cues.closers
            if unknown:
                separated = prefix.rstrip()[-1:] in cues.punctuation
                if len(unknown) > settings.dateline_name_words or not (separated and closed):
                    continue
            elif not (words or named or closed):
                continue  # "On June 12, 2025, a plane crashed": the date of the event
            return ReferenceDate(day, "dateline", line_start, end)
    return None


def _today(text: str, times: list[TimeValue]) -> list[ReferenceDate | None]:
    cues = _cues()
    out: list[ReferenceDate | None] = []
    for value, nxt in zip(times, times[1:], strict=False):
        day = _exact_day(nxt)
        if value.span is None or nxt.span is None or day is None or value.resolved:
            continue
        offset = cues.offsets.get(" ".join(value.span.text.split()).lower())
        if offset is None:
            continue
        gap = cues.today_punctuation.sub(" ", text[value.span.end : nxt.span.start]).split()
        if any(w.lower() not in cues.today_joiners for w in gap):
            continue
        weekdays = {w for w in (value.weekday, nxt.weekday) if w is not None}
        if weekdays and weekdays != {day.weekday()}:
            out.append(None)
            continue
        out.append(
            ReferenceDate(day - timedelta(days=offset), "today", value.span.start, nxt.span.end)
        )
    return out


def reference_date(
    text: str,
    times: list[TimeValue],
    places: list[tuple[int, int]],
    settings: ContextSettings | None = None,
) -> ReferenceDate | None:
    """The day normalised English ``text`` says it was written, or None (see the module
    docstring)."""
    s = settings or SETTINGS
    found: list[ReferenceDate | None] = []
    line = _dateline(text, times, places, s)
    if line is not None:
        found.append(line)
    found += _today(text, times)
    if not found or any(r is None for r in found):
        return None
    days = {r.day for r in found if r is not None}
    return found[0] if len(days) == 1 else None


class EnglishContext:
    """``cc_context`` for English (see :class:`claims.context.ContextComponent`)."""

    contract: ClassVar[Contract] = ContextComponent.contract

    def __init__(self, settings: ContextSettings | None = None) -> None:
        self.settings = settings or SETTINGS

    def __call__(self, doc: Doc) -> Doc:
        times = layers.TIMES.find(doc)
        if not isinstance(times, list):
            return doc
        text = doc_text(doc)
        places = [(e.start, e.end) for e in layers.ENTITIES.get(doc) if e.kind == "place"]
        line = _dateline(text, times, places, self.settings)
        if line is not None:
            layers.DATELINE.set(doc, (line.start, line.end))
        published = layers.PUBLISHED.find(doc)
        if isinstance(published, date):
            layers.REFERENCE_DATE.set(doc, ReferenceDate(published, "publication"))
            return doc
        if not self.settings.reference_from_text:
            return doc
        found = reference_date(text, times, places, self.settings)
        if found is None:
            return doc
        layers.REFERENCE_DATE.set(doc, found)
        reason = found.reason()
        layers.TIMES.set(doc, [
            v.model_copy(update={"reason": reason}) if v.anchor == "publication" else v
            for v in find_times(text, found.day)
        ])
        return doc


@English.factory("cc_context")
def make_context(nlp: Language, name: str) -> EnglishContext:
    return EnglishContext()
