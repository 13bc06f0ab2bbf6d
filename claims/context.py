"""Document context: the date an article gives for itself.

A weekday or a relative expression ("امس", "الاحد") is anchored to the article's
publication date. When the metadata gives none, many reports still say when they were
written, and ``cc_context`` reads that date from the text (data in
``lexicon/ar/context.yaml``):

- a **dateline**: the first full date near the top (``ContextSettings.dateline_lines``
  non-empty lines) that stands on its line alone, after the place of writing or after a
  publication label: "القاهره - 12 يونيو 2025", "الرباط في 9 سبتمبر 2023", "نشر في:
  12/06/2025". Before the date only place names, other time expressions, separators and
  the listed words may stand, or a short name the gazetteer does not know set off by a
  separator on a line the date ends ("عمان - 3 مارس 2024"); a date alone at the start of
  a line must end the line or be followed by a separator ("12 يونيو 2025 -"), since "في 9
  سبتمبر 2023، ضرب زلزال" dates the first event, not the article. The dateline's date is
  never the date of an event (the layer :data:`claims.layers.DATELINE`), with or without
  metadata;
- a **relative day next to a full date**: "اليوم السبت 11 يناير 2025" (written on 11
  January), "امس الجمعه (10 يناير 2025)" (written on the 11th). A weekday that is not the
  date's own makes the text contradict itself, and nothing is read from it.

Refuse rather than guess: two different dates from these cues give no reference date.
With one, the times of the document are resolved again against it, exactly as against a
publication date (``anchor="publication"``), and each value anchored to it says so in its
``reason``. The reference is kept in the layer :data:`claims.layers.REFERENCE_DATE`; it
never replaces the article's publication date on the claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import ClassVar, Literal

from spacy.language import Language
from spacy.tokens import Doc

from claims import layers
from claims.layers import Contract
from claims.lexicon.schemas import ContextLexicon, context_lexicon, time_lexicon
from claims.model import TimeValue
from claims.settings import ContextSettings, extraction_settings
from claims.tokenizer import doc_text

ReferenceSource = Literal["publication", "dateline", "today"]


SETTINGS: ContextSettings = extraction_settings().context


@dataclass(frozen=True)
class ReferenceDate:
    """The day the article was written, how it is known, and where the text says so
    (normalised character offsets; 0, 0 for the metadata)."""

    day: date
    source: ReferenceSource
    start: int = 0
    end: int = 0

    def reason(self) -> str:
        return f"anchored to {self.day.isoformat()}, the date the article gives ({self.source})"


@dataclass(frozen=True)
class _Cues:
    dateline_words: frozenset[str]
    punctuation: frozenset[str]
    dateline_punctuation: re.Pattern[str]
    closers: frozenset[str]
    place_lines: tuple[re.Pattern[str], ...]
    today_joiners: frozenset[str]
    today_punctuation: re.Pattern[str]
    relative_day: re.Pattern[str]
    offsets: dict[str, int]


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    lex: ContextLexicon = context_lexicon()
    offsets = {" ".join(f.split()): r.offset for r in time_lexicon().relative_days for f in r.forms}
    forms = sorted(offsets, key=len, reverse=True)
    return _Cues(
        dateline_words=frozenset(lex.dateline_words),
        punctuation=frozenset(lex.dateline_punctuation),
        dateline_punctuation=re.compile("[" + re.escape("".join(lex.dateline_punctuation)) + "]"),
        closers=frozenset(lex.dateline_closers),
        place_lines=_place_lines(lex.place_dashes),
        today_joiners=frozenset(lex.today_joiners),
        today_punctuation=re.compile("[" + re.escape("".join(lex.today_punctuation)) + "]"),
        relative_day=re.compile(
            r"(?<!\w)(" + "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms) + r")(?!\w)"
        ),
        offsets=offsets,
    )


_PLACE = "\x00"  # a place's stand-in in a line (see :func:`dateline_places`)


def _place_lines(dashes: list[str]) -> tuple[re.Pattern[str], ...]:
    """The shapes of a line that opens with the place a report was filed from, each place
    written as ``_PLACE``."""
    if not dashes:
        return ()
    dash = "[" + re.escape("".join(dashes)) + "]"
    name = r"[^\x00\n()]{1,40}?"
    return (
        re.compile(rf"^\s*{_PLACE}(?:\s*[،,/]?\s*\({name}\))?\s*{dash}"),  # "اربيل (كوردستان 24)-"
        re.compile(rf"^\s*\(\s*{_PLACE}\s*\)"),  # "(مولاي ابراهيم) لقي"
    )


def dateline_places(
    text: str, places: list[tuple[int, int]], settings: ContextSettings
) -> list[tuple[int, int]]:
    """The spans of the places a report says it was filed from, in its first lines: no
    event happened there for saying so."""
    cues = _cues()
    out: list[tuple[int, int]] = []
    for line_start, line_end in _lines(text, settings.dateline_lines):
        inside = sorted((s, e) for s, e in places if line_start <= s and e <= line_end)
        if not inside:
            continue
        marked, pos = [], line_start
        for s, e in inside:
            marked += [text[pos:s], _PLACE]
            pos = e
        marked.append(text[pos:line_end])
        line = "".join(marked)
        for shape in cues.place_lines:
            m = shape.search(line)
            if m is None:
                continue
            words = [w for w in line[: m.end()].replace(_PLACE, " ").split() if w.isalnum()]
            if len(words) > settings.dateline_name_words:
                continue
            count = line[: m.end()].count(_PLACE)
            out += inside[:count]
            break
    return out


def _exact_day(value: TimeValue) -> date | None:
    """The day of a full date with its year written ("12 يونيو 2025"), else None."""
    if (
        value.resolved
        and value.anchor == "absolute"
        and value.granularity == "day"
        and value.earliest is not None
        and value.earliest == value.latest
        and value.span is not None
    ):
        return value.earliest
    return None


def _lines(text: str, limit: int) -> list[tuple[int, int]]:
    """(start, end) of the first ``limit`` non-empty lines."""
    out: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
            if len(out) == limit:
                break
        pos += len(line) + 1
    return out


def _blank(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    """text[start:end] with the given spans replaced by spaces."""
    chars = list(text[start:end])
    for s, e in spans:
        for i in range(max(s, start), min(e, end)):
            chars[i - start] = " "
    return "".join(chars)


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
            unknown = [w for w in words if w not in cues.dateline_words]
            rest = text[end:line_end].strip()
            closed = not rest or rest[0] in cues.closers
            if unknown:
                # "عمان - 3 مارس 2024": a place the gazetteer cannot tell, set off from
                # the date by a separator, on a line the date closes.
                separated = prefix.rstrip()[-1:] in cues.punctuation
                if len(unknown) > settings.dateline_name_words or not (separated and closed):
                    continue  # "زلزال المغرب 8 سبتمبر 2023": a headline, not a dateline
            elif not (words or named or closed):
                continue  # "في 9 سبتمبر 2023، ضرب زلزال": the date of the first event
            return ReferenceDate(day, "dateline", line_start, end)
    return None


def _relative_offset(value: TimeValue) -> int | None:
    """The day offset of a relative day ("اليوم" 0, "امس" -1) that the expression is."""
    if value.span is None or value.resolved:
        return None
    cues = _cues()
    m = cues.relative_day.search(value.span.text)
    return cues.offsets[" ".join(m.group(1).split())] if m else None


def _today(text: str, times: list[TimeValue]) -> list[ReferenceDate | None]:
    """Each relative day written next to a full date gives the day of writing; None for
    one whose weekday is not the date's own."""
    cues = _cues()
    out: list[ReferenceDate | None] = []
    for value, nxt in zip(times, times[1:], strict=False):
        offset = _relative_offset(value)
        day = _exact_day(nxt)
        if offset is None or day is None or value.span is None or nxt.span is None:
            continue
        gap = cues.today_punctuation.sub(" ", text[value.span.end : nxt.span.start]).split()
        if any(w not in cues.today_joiners for w in gap):
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
    """The day normalised ``text`` says it was written, from its dateline or a relative day
    next to a full date; None when it says nothing, or two different days, or contradicts
    itself. ``times`` are the text's time values (unanchored), ``places`` the character
    spans of the places named in it."""
    s = settings or SETTINGS
    found: list[ReferenceDate | None] = []
    line = _dateline(text, times, places, s)
    if line is not None:
        found.append(line)
    found += _today(text, times)
    if not found or any(r is None for r in found):
        return None
    days = {r.day for r in found if r is not None}
    if len(days) != 1:
        return None
    return found[0]


def reanchor(text: str, reference: ReferenceDate) -> list[TimeValue]:
    """The time values of ``text`` resolved against the reference date, as against a
    publication date; every value anchored to it says where the date came from."""
    from claims.time import find_times

    reason = reference.reason()
    return [
        v.model_copy(update={"reason": reason}) if v.anchor == "publication" else v
        for v in find_times(text, reference.day)
    ]


class ContextComponent:
    """Finds the dateline (its normalised character span) and the reference date; when the
    date comes from the text, re-resolves the times against it."""

    # The places of a dateline come from the entities; without times there is no date.
    contract: ClassVar[Contract] = Contract(
        reads=(layers.PUBLISHED, layers.ENTITIES),
        reads_if_present=(layers.TIMES,),
        writes=(layers.DATELINE, layers.DATELINE_PLACES, layers.REFERENCE_DATE, layers.TIMES),
    )

    def __init__(self, name: str = "cc_context", settings: ContextSettings | None = None) -> None:
        self.name = name
        self.settings = settings or SETTINGS

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        places = [(e.start, e.end) for e in layers.ENTITIES.get(doc) if e.kind == "place"]
        layers.DATELINE_PLACES.set(doc, dateline_places(text, places, self.settings))
        times = layers.TIMES.find(doc)
        if not isinstance(times, list):
            return doc
        # The dateline dates the report, never an event, with or without metadata.
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
        # Same spans, new values: the time spans stay right.
        layers.TIMES.set(doc, reanchor(text, found))
        return doc


@Language.factory("cc_context")
def make_context(nlp: Language, name: str) -> ContextComponent:
    return ContextComponent(name)
