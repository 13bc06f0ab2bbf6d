"""The report: JSON first, Markdown and HTML render the same data.

:func:`build_report` collects everything an editor needs from the store into one
:class:`Report` (events with their facts, claims and findings, findings and claims
outside any event, articles, rejected inputs and, after a run, what changed since the
previous one). ``report.json`` is its JSON form; :func:`render_markdown` and
:func:`checker.html_report.render_report_html` render that same object, and the Markdown
never lets article text through as Markdown syntax or HTML.

A finding is one disagreement about one fact of one event: its **sides** each give a
value, the tally of reports that state it and every quote (article, outlet, date and
character offsets into the article). The shape is declared by the pydantic models below
(exported as ``docs/schema/report.schema.json``), so an HTML template or an API can rely
on it. Values are described by :mod:`checker.rules.semantics`, the same words the rules
and the facts use, and a second time in Arabic words for the editor (``value_ar``,
``slots_ar``: "أكثر من 50 آلية", places as the reports write them), made from the same
structured slots with the display names of ``checker/data/labels.yaml``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from checker.facts import FactKind, event_facts
from checker.ingest import RejectedInput
from checker.rules import semantics as sem
from checker.settings import LabelData, get_settings, load_labels
from checker.store import CERTAINTY_RANK, SEVERITY_RANK, RunRecord, Store
from claims.model import (
    DERIVED_FROM,
    SCHEMA_VERSION,
    Article,
    Attribution,
    Claim,
    ComparedValue,
    Entity,
    EventCluster,
    Finding,
    FindingSide,
    Modality,
    Phase,
    Quantity,
    Span,
    TimeValue,
)
from claims.quantity import PEOPLE

# A lookup lists this many agreeing claims, so that it stays fast in an event of hundreds
# of reports; ``agrees_total`` gives the count.
AGREES_WITH_LIMIT = 50

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReportArticle(_Model):
    id: str
    name: str
    title: str = ""
    outlet: str | None = None
    url: str | None = None
    published: date | None = None
    language: str = "ar"
    claim_count: int = 0
    text: str | None = Field(
        default=None,
        description="the whole article text, when the report carries it (the report file "
        "does, so that its page can show every article in full)",
    )


class ReportClaim(_Model):
    """A claim with its article's details and its normalised slots."""

    id: str
    article_id: str
    article_name: str
    outlet: str | None = None
    url: str | None = None
    published: date | None = None
    quote: str
    evidence: Span
    sentence: Span
    event: str
    event_word: str | None = None
    phase: str | None = None
    modality: str
    time: TimeValue | None = None
    quantity: Quantity | None = None
    location: Entity | None = None
    destinations: list[Entity] = Field(default_factory=list)
    actors: list[Entity] = Field(default_factory=list)
    attribution: Attribution | None = None
    extractor: str = ""
    slots_text: dict[str, str] = Field(
        default_factory=dict, description="each filled slot in a short readable English form"
    )
    slots_ar: dict[str, str] = Field(
        default_factory=dict,
        description="each filled slot in Arabic words, as an editor reads it (places as "
        "the reports write them, weekdays, months and units in Arabic)",
    )
    event_id: str | None = None


class ReportQuote(_Model):
    """One claim's words on one side of a finding: its quote, widened to cover the
    compared words, with offsets into the article text, and the value compared."""

    claim_id: str
    article_id: str | None = None
    article_name: str | None = None
    outlet: str | None = None
    published: date | None = None
    quote: str
    start: int | None = Field(default=None, description="offset of the quote in the article")
    end: int | None = None
    field: str = Field(default="", description='the compared slot, e.g. "time.weekday"')
    value: str = Field(default="", description="the compared value, as the rules read it")
    compared: Span | None = Field(
        default=None, description="the compared words, with offsets into the article"
    )
    inferred: bool = Field(
        default=False,
        description="the claim does not state the fact's phase, place or list itself: its "
        "event's other reports give it",
    )
    value_ar: str = Field(default="", description="the compared value in Arabic words")
    modality: Modality | None = Field(
        default=None, description="how the claim states it (a report, a forecast, a plan...)"
    )
    phase: Phase | None = None
    time_ar: str = Field(default="", description="when the claim says it happens, in Arabic")


class ReportSide(_Model):
    """One side of a finding: a value and every report that states it."""

    value: str
    value_ar: str = Field(default="", description="the value in Arabic words")
    tally: int = Field(description="how many distinct reports (articles) state this side")
    claim_ids: list[str]
    article_ids: list[str] = Field(default_factory=list)
    quotes: list[ReportQuote] = Field(default_factory=list)


class ReportReview(_Model):
    status: str = "open"
    note: str | None = None
    by: str | None = None
    at: datetime | None = None


class ReportFinding(_Model):
    """One disagreement about one fact of one event, with all its sides."""

    id: str
    rule: str
    code: str
    kind: str
    severity: str
    certainty: str
    certainty_reason: str = Field(default="", description="why hard or soft, in English")
    certainty_reason_ar: str = ""
    fact: str = Field(default="", description='e.g. "withdrawal|began|at:ain_al_asad"')
    fact_ar: str = Field(default="", description="what the sides disagree on, in Arabic words")
    display_kind: str = Field(
        default="",
        description="the kind an editor files it under when that is not its rule's kind: "
        '"date" for a weekday finding whose sides name different calendar days',
    )
    event_id: str | None = None
    claim_ids: list[str]
    sides: list[ReportSide] = Field(default_factory=list)
    explanation_en: str = ""
    explanation_ar: str = ""
    review: ReportReview = Field(default_factory=ReportReview)


class ReportFactValue(_Model):
    """One value of an event's fact, with every claim and report that states it."""

    value: str
    value_ar: str = Field(default="", description="the value in Arabic words")
    tally: int = Field(description="how many distinct reports (articles) state it")
    claim_ids: list[str] = Field(default_factory=list)
    article_ids: list[str] = Field(default_factory=list)


class ReportFact(_Model):
    """One fact of an event (when a phase happened, how many, where to, whether at all)
    and the values its reports give, the most reported first."""

    fact: str
    kind: FactKind
    label_ar: str = Field(default="", description='what the fact is, in Arabic words')
    values: list[ReportFactValue] = Field(default_factory=list)


class ReportEvent(_Model):
    id: str
    label: str
    label_ar: str = ""
    event: str
    location_key: str | None = None
    facts: list[ReportFact] = Field(default_factory=list)
    claims: list[ReportClaim] = Field(default_factory=list)
    findings: list[ReportFinding] = Field(default_factory=list)


class ReportSummary(_Model):
    articles: int = 0
    claims: int = 0
    events: int = 0
    findings: int = 0
    findings_by_kind: dict[str, int] = Field(default_factory=dict)
    findings_by_severity: dict[str, int] = Field(default_factory=dict)
    findings_by_certainty: dict[str, int] = Field(default_factory=dict)
    findings_by_status: dict[str, int] = Field(default_factory=dict)
    rejected: int = 0


# -- what changed since the previous run (built by checker.delta) ---------------------------


class FindingRef(_Model):
    """A finding known only by its ID."""

    id: str


class ArticleRef(_Model):
    id: str
    name: str = ""
    outlet: str | None = None


class SideGain(_Model):
    """A side of a finding that new reports support since the previous run."""

    value: str
    tally: int = Field(description="reports that state the side now")
    previous_tally: int = Field(description="reports that stated it then (0: a new side)")
    new_articles: list[ArticleRef] = Field(default_factory=list)
    new_claim_ids: list[str] = Field(default_factory=list)


class FindingUpdate(_Model):
    """A finding that fired then and still fires, whose sides gained claims or reports.
    It keeps its ID, so an editor's decision on it stays attached."""

    id: str
    code: str
    kind: str
    severity: str
    review_status: str
    sides: list[SideGain] = Field(default_factory=list)


class Delta(_Model):
    """Findings of this run against the previous run's."""

    run_id: str
    previous_run_id: str | None = Field(
        description="None on the first run: every finding is then new"
    )
    new: list[Finding | FindingRef] = Field(default_factory=list)
    open: list[str] = Field(default_factory=list, description="IDs of findings still firing")
    updated: list[FindingUpdate] = Field(
        default_factory=list,
        description="findings still firing whose sides new reports support (a subset of open)",
    )
    resolved: list[Finding | FindingRef] = Field(default_factory=list)
    counts: dict[str, int] = Field(
        default_factory=dict,
        description="new, open (fired then and still fires, whatever its review), updated, "
        "resolved, previous, current",
    )
    open_reviews: dict[str, int] = Field(
        default_factory=dict,
        description="the findings still firing (open) by their review status now: how many "
        "still await a decision",
    )


class Report(_Model):
    schema_version: int = SCHEMA_VERSION
    generated_at: datetime
    run: RunRecord | None = None
    summary: ReportSummary
    events: list[ReportEvent] = Field(default_factory=list)
    findings_outside_events: list[ReportFinding] = Field(default_factory=list)
    claims_outside_events: list[ReportClaim] = Field(default_factory=list)
    articles: list[ReportArticle] = Field(default_factory=list)
    rejected: list[RejectedInput] = Field(default_factory=list)
    delta: Delta | None = Field(
        default=None, description="what changed since the previous run (a run's report)"
    )


class ClaimDetails(_Model):
    """Everything about one claim, for a lookup by ID (``claimcheck show c_...``)."""

    claim: ReportClaim
    article_title: str = ""
    event: ReportEvent | None = Field(
        default=None, description="the claim's event, without its facts, claims and findings"
    )
    findings: list[ReportFinding] = Field(default_factory=list)
    agrees_with: list[ReportClaim] = Field(
        default_factory=list,
        description="other claims of the same event on no other side of a finding than this "
        "one (on its own side, or in none), that could be one event with it by themselves; "
        f"at most {AGREES_WITH_LIMIT}",
    )
    agrees_unread: int = Field(
        0,
        description="further claims of the event with no finding with this one, not read "
        "once agrees_with was full",
    )


class FindingDetails(_Model):
    """Everything about one finding, for a lookup by ID (``claimcheck show f_...``)."""

    finding: ReportFinding
    event: ReportEvent | None = Field(
        default=None, description="the finding's event with its facts, without its claims "
        "and findings",
    )
    claims: list[ReportClaim] = Field(
        default_factory=list, description="the claims of every side"
    )
    reviews: list[ReportReview] = Field(
        default_factory=list, description="every decision on the finding, oldest first"
    )


class ArticleDetails(_Model):
    """One article in full, for its page (``GET /articles/{id}``): its text, every claim
    extracted from it, and the findings they are part of."""

    article: ReportArticle
    claims: list[ReportClaim] = Field(default_factory=list)
    findings: list[ReportFinding] = Field(default_factory=list)
    events: list[ReportEvent] = Field(
        default_factory=list, description="the events of its claims, without their members"
    )


# -- readable slot values -----------------------------------------------------------------
# The value itself is described by checker.rules.semantics, as the rules and the facts
# describe it; a slot adds only what the value does not say (a weekday, a reason).


def time_text(time: TimeValue) -> str:
    """The time slot: the value as the rules describe it, then what the value itself does
    not say (the weekday named, the time of day, what it was anchored to, why unresolved)."""
    text = sem.describe_time(time, get_settings())
    extra: list[str] = []
    if time.weekday is not None:
        extra.append(WEEKDAYS[time.weekday])
    if time.time_of_day:
        extra.append(time.time_of_day)
    if time.within_days is not None:
        extra.append(f"within {time.within_days} days")
    if time.anchor in ("publication", "context"):
        extra.append(f"anchored to {time.anchor}")
    if not time.resolved:
        if time.span and time.span.text:
            extra.append(f'"{time.span.text}"')
        if time.reason:
            extra.append(time.reason)
    return text + (f" ({'; '.join(extra)})" if extra else "")


def quantity_text(quantity: Quantity) -> str:
    """The quantity slot: the value as the rules describe it, and why it is unresolved."""
    text = sem.describe_quantity(quantity, get_settings())
    if not quantity.resolved and quantity.reason:
        text += f" ({quantity.reason})"
    return text


def describe_attribution(attribution: Attribution) -> str:
    source = attribution.source or "unnamed source"
    cue = f' via "{attribution.cue}"' if attribution.cue else ""
    return f"{source} [{attribution.kind}]{cue}"


def shown_quantity(claim: Claim, labels: LabelData | None = None) -> Quantity | None:
    """A claim's amount as an editor reads it: a count of people whose event word says
    what befell them ("مقتل 26 شخصا", "26 قتيلا": people, killed) in that word's unit,
    "26 قتيلاً" rather than "26 شخصاً" beside the event "الضحايا"."""
    q = claim.quantity
    labels = labels or load_labels()
    word = claim.event_word
    if q is not None and q.unit == PEOPLE and word in labels.units_ar and word != PEOPLE:
        return q.model_copy(update={"unit": word})
    return q


def slots_text(claim: Claim) -> dict[str, str]:
    """The filled slots of a claim, each as a short readable string."""
    out: dict[str, str] = {"event": claim.event}
    if claim.phase:
        out["phase"] = claim.phase
    out["modality"] = claim.modality
    if claim.time:
        out["time"] = time_text(claim.time)
    shown = shown_quantity(claim)
    if shown:
        out["quantity"] = quantity_text(shown)
        left = claim.inherited.get(DERIVED_FROM)
        if left is not None:  # the place a completed withdrawal left empty
            out["quantity"] = f"none remain ({left} completed)"
    if claim.location:
        out["location"] = sem.describe_entity(claim.location)
        if claim.location.bearing is not None:
            out["location"] += f" ({sem.describe_bearing(claim.location, load_labels())})"
    if claim.destinations:
        out["destinations"] = "; ".join(sem.describe_entity(d) for d in claim.destinations)
    if claim.actors:
        out["actors"] = ", ".join(sem.describe_entity(a) for a in claim.actors)
    if claim.attribution:
        out["attribution"] = describe_attribution(claim.attribution)
    return out


# -- Arabic display texts -------------------------------------------------------------------
# What an editor reads: each value in Arabic words, made from the same structured slot the
# rules read ("أكثر من 50 آلية" for (50, ∞) vehicles). No interval notation: brackets and
# "∞" in a right-to-left line are mirrored and reordered by the browser.

_WEEKDAY_WORD = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b")
_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_ISO_YEAR = re.compile(r"^(\d{4})$")
_ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")
ATTRIBUTION_KINDS_AR = {"official": "رسمي", "anonymous": "مجهول", "media": "إعلامي"}


def _num_ar(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def date_ar(day: date, labels: LabelData | None = None) -> str:
    """A calendar day in Arabic words: "21 أغسطس 2025"."""
    labels = labels or load_labels()
    return f"{day.day} {labels.months_ar[day.month - 1]} {day.year}"


def counted_ar(count: float, unit: str | None, labels: LabelData | None = None) -> str:
    """A number with the noun it takes in Arabic ("جندي واحد", "جنديان", "5 جنود",
    "23 شخصاً", "200 جندي"); a unit without Arabic names keeps its own name."""
    labels = labels or load_labels()
    number = _num_ar(count)
    names = labels.units_ar.get(unit or "")
    if names is None:
        return f"{number} {unit}" if unit else number
    few = names.few or names.one
    if not float(count).is_integer() or names.two is None:
        return f"{number} {names.one}"
    n = int(count)
    if n == 0:
        return f"لا {few}"
    if n == 1:
        return f"{names.one} {'واحدة' if names.feminine else 'واحد'}"
    if n == 2:
        return names.two
    rest = n % 100
    if 3 <= rest <= 10:
        return f"{number} {few}"
    if 11 <= rest <= 99:
        return f"{number} {names.many or names.one}"
    return f"{number} {names.one}"


def quantity_ar(quantity: Quantity | None, labels: LabelData | None = None) -> str:
    """A quantity in Arabic words, with its bounds: "أكثر من 50 آلية", "70 هجوماً على
    الأقل", "أقل من 500 جندي", "بين 315 و385 كم", "نحو 350 كم"."""
    labels = labels or load_labels()
    if quantity is None:
        return ""
    unit = quantity.unit
    if not quantity.resolved:
        names = labels.units_ar.get(unit or "")
        what = f" من {names.few or names.one}" if names else (f" ({unit})" if unit else "")
        return f"عدد غير محدد{what}"
    low, high = quantity.low, quantity.high
    if quantity.approximate and not quantity.vague and quantity.value is not None:
        return f"نحو {counted_ar(quantity.value, unit, labels)}"
    if low is None and high is None:
        if quantity.value is None:
            return f"عدد غير محدد ({unit})" if unit else "عدد غير محدد"
        text = counted_ar(quantity.value, unit, labels)
    elif low is not None and high is not None and low == high:
        text = counted_ar(low, unit, labels)
    elif high is None or high == float("inf"):
        assert low is not None
        text = (
            f"{counted_ar(low, unit, labels)} على الأقل"
            if quantity.low_inclusive
            else f"أكثر من {counted_ar(low, unit, labels)}"
        )
    elif low is None or low <= 0:
        text = (
            f"{counted_ar(high, unit, labels)} على الأكثر"
            if quantity.high_inclusive
            else f"أقل من {counted_ar(high, unit, labels)}"
        )
    else:
        text = f"بين {_num_ar(low)} و{counted_ar(high, unit, labels)}"
    if quantity.vague:
        return f"{text} (عدد تقريبي)"
    if quantity.approximate:
        return f"{text} تقريباً"
    return text


def time_ar(
    time: TimeValue | None, labels: LabelData | None = None, *, detail: bool = True
) -> str:
    """When, in Arabic words: "الخميس 21 أغسطس 2025 مساءً", "بحلول مطلع سبتمبر 2025",
    "أواخر عام 2026". ``detail``: with the weekday, the time of day and what a relative
    day was counted from (a fact's value groups times without them)."""
    labels = labels or load_labels()
    if time is None:
        return ""
    said = f" («{time.span.text}»)" if time.span and time.span.text else ""
    if not time.resolved:
        if time.weekday is not None:
            return f"يوم {labels.weekdays_ar[time.weekday]}، دون تاريخ محدد"
        return "زمن غير محدد" + said
    parts: list[str] = []
    relation = labels.relations_ar.get(time.relation or "on", "")
    if relation:
        parts.append(relation)
    if time.modifier == "approx":
        parts.append(labels.modifiers_ar["approx"])
    value = time.value or ""
    named = labels.weekdays_ar[time.weekday] if time.weekday is not None and detail else ""
    season = labels.modifiers_ar.get(time.modifier) if time.modifier in (
        "start", "mid", "end"
    ) else None
    day = sem.stated_calendar_day(time)
    month, year = _ISO_MONTH.match(value), _ISO_YEAR.match(value)
    if day is not None:
        parts += [named, date_ar(day, labels)] if named else [date_ar(day, labels)]
    elif month:
        if named:
            parts.append(named)
        if season:
            parts.append(season)
        parts.append(f"{labels.months_ar[int(month.group(2)) - 1]} {month.group(1)}")
    elif year:
        if named:
            parts.append(named)
        if season:
            parts.append(season)
        parts.append(f"عام {year.group(1)}")
    elif named:
        parts.append(f"يوم {named}")
    elif time.earliest is not None and time.latest is not None:
        parts.append(f"بين {date_ar(time.earliest, labels)} و{date_ar(time.latest, labels)}")
    elif time.earliest is not None or time.latest is not None:
        edge = time.earliest or time.latest
        assert edge is not None
        parts.append(date_ar(edge, labels))
    else:
        return "زمن غير محدد" + said
    if detail and time.time_of_day:
        parts.append(labels.times_of_day_ar.get(time.time_of_day, time.time_of_day))
    if time.within_days is not None:
        parts.append(f"خلال {_days_ar(time.within_days)}")
    if detail and time.anchor == "publication":
        parts.append("(محسوباً من تاريخ النشر)")
    return " ".join(p for p in parts if p)


def _days_ar(days: int) -> str:
    if days == 1:
        return "يوم واحد"
    if days == 2:
        return "يومين"
    return f"{days} {'أيام' if 3 <= days % 100 <= 10 else 'يوماً'}"


def words_ar(value: str, labels: LabelData | None = None) -> str:
    """A value string of the rules with its weekdays and ISO dates in Arabic words (for
    values no slot describes: "Thursday (2025-08-21)" -> "الخميس (21 أغسطس 2025)")."""
    labels = labels or load_labels()
    text = _ISO_DAY.sub(
        lambda m: date_ar(date(int(m.group(1)), int(m.group(2)), int(m.group(3))), labels),
        value,
    )
    return _WEEKDAY_WORD.sub(lambda m: labels.weekdays_ar[WEEKDAYS.index(m.group(1))], text)


@lru_cache(maxsize=1)
def _gazetteer_names() -> dict[str, tuple[str, frozenset[str]]]:
    """Every gazetteer key with its first and all its normalised Arabic names (read
    once, when a page first names a place; kept in the extraction cache, under the
    digest of the ``claims`` package: merging the gazetteer's layers takes a new process
    most of a second)."""
    from claims import resources

    def build() -> dict[str, tuple[str, frozenset[str]]]:
        from claims.entities import load_gazetteer

        data = load_gazetteer()
        found: dict[str, tuple[str, frozenset[str]]] = {}
        for place in data.places:
            found[place.key] = (
                place.aliases[0], frozenset([*place.aliases, *place.cue_aliases])
            )
        for actor in data.actors:
            found[actor.key] = (actor.aliases[0], frozenset(actor.aliases))
        return found

    if resources.cache_dir() is None:
        return build()
    key = resources.cache_key("gazetteer-names", resources.package_digest())
    return resources.cached("gazetteer-names", key, build)


def _without_clitic(surface: str) -> list[str]:
    """A written name, then the same name without a leading conjunction or preposition
    ("للقوات العراقية" -> "القوات العراقية", "وسوريا" -> "سوريا")."""
    found = [surface]
    rest = surface[1:] if surface[:1] in ("و", "ف") else surface
    if rest != surface:
        found.append(rest)
    if rest.startswith("لل"):
        found.append("ال" + rest[2:])
    elif rest[:1] in ("ب", "ل", "ك") and len(rest) > 3:
        found.append(rest[1:])
    return found


class ArabicNames:
    """The Arabic name of each gazetteer place and actor, as the reports write it: the
    surface most often written for the key among the claims given, counting only
    surfaces that are one of the gazetteer's names for it ("عين الأسد", not the anaphor
    "القاعدة" nor the adjective in "الأراضي السورية"). The gazetteer keeps no written
    Arabic label, so a key never written by name falls back to its first (normalised)
    alias, then to its English label. A town of GeoNames' table (claims.towns), which the
    gazetteer does not name, is named as the reports spell it ("باهالجام")."""

    def __init__(self, claims: Iterable[Claim] = ()) -> None:
        self._written: dict[str, Counter[str]] = {}
        self.add(claims)

    def add(self, claims: Iterable[Claim]) -> None:
        from claims.normalize import normalize

        for claim in claims:
            entities = [*claim.actors, *claim.destinations]
            if claim.location is not None:
                entities.append(claim.location)
            for entity in entities:
                if not entity.key or not _ARABIC_LETTER.search(entity.surface):
                    continue
                known = _gazetteer_names().get(entity.key)
                if known is None:  # a town of GeoNames' table: named as the text spells it
                    self._written.setdefault(entity.key, Counter())[entity.surface.strip()] += 1
                    continue
                for written in _without_clitic(entity.surface.strip()):
                    if normalize(written) in known[1]:
                        self._written.setdefault(entity.key, Counter())[written] += 1
                        break

    def of_key(self, key: str, fallback: str | None = None) -> str:
        written = self._written.get(key)
        if written:
            return min(written, key=lambda name: (-written[name], name))
        known = _gazetteer_names().get(key)
        return known[0] if known else fallback or key.replace("_", " ")

    def name(self, entity: Entity) -> str:
        if entity.key:
            name = self.of_key(entity.key, entity.label)
        else:
            name = entity.surface or entity.label or "؟"
        return f"خارج {name}" if entity.complement else name


# The presence a completed withdrawal leaves (the extractor's `empties`).
LEFT_EMPTY_AR = "لا أحد باقٍ (اكتمل الانسحاب)"


def slots_ar(
    claim: Claim, names: ArabicNames | None = None, labels: LabelData | None = None
) -> dict[str, str]:
    """The filled slots of a claim in Arabic words (the keys of :func:`slots_text`)."""
    labels = labels or load_labels()
    names = names or ArabicNames([claim])
    out: dict[str, str] = {"event": labels.events[claim.event].noun_ar}
    if claim.phase:
        out["phase"] = labels.phases_ar[claim.phase]
    out["modality"] = labels.modalities_ar[claim.modality]
    if claim.time:
        out["time"] = time_ar(claim.time, labels)
    if claim.quantity:
        out["quantity"] = quantity_ar(shown_quantity(claim, labels), labels)
        if claim.inherited.get(DERIVED_FROM):  # the place a completed withdrawal left empty
            out["quantity"] = LEFT_EMPTY_AR
    if claim.location:
        out["location"] = names.name(claim.location)
        if claim.location.bearing is not None:
            out["location"] += f" ({bearing_ar(claim.location, names, labels)})"
    if claim.destinations:
        out["destinations"] = "، ".join(names.name(d) for d in claim.destinations)
    if claim.actors:
        out["actors"] = "، ".join(dict.fromkeys(names.name(a) for a in claim.actors))
    if claim.attribution:
        written = claim.attribution.span.text if claim.attribution.span else ""
        source = written if claim.attribution.source and written else (
            claim.attribution.source or "مصدر غير مسمّى"
        )
        kind = ATTRIBUTION_KINDS_AR.get(claim.attribution.kind)
        out["attribution"] = source + (f" ({kind})" if kind else "")
    return out


def compared_ar(
    field: str,
    value: str,
    claim: Claim | None,
    names: ArabicNames,
    labels: LabelData | None = None,
) -> str:
    """A compared value of one claim in Arabic: from the claim's own slot when the value
    is that slot's description, else the value's weekdays and dates in Arabic words."""
    labels = labels or load_labels()
    settings = get_settings()
    head = field.partition(".")[0]
    if claim is not None:
        if field == "location.bearing" and claim.location and claim.location.bearing:
            return bearing_ar(claim.location, names, labels)
        if field == "time" and claim.time is not None:
            return time_ar(claim.time, labels)
        if head == "quantity" and claim.quantity is not None and value == (
            sem.describe_quantity(claim.quantity, settings)
        ):
            return quantity_ar(shown_quantity(claim, labels), labels)
        if head in ("destinations", "location"):
            entities = [*claim.destinations] + ([claim.location] if claim.location else [])
            known = {sem.describe_entity(e): names.name(e) for e in entities}
            return "، ".join(known.get(piece, piece) for piece in value.split("; "))
    if head == "quantity" and value.startswith("0 (denied presence)"):
        return "لا وجود (نفي الوجود)"
    if head == "quantity" and claim is not None and claim.inherited.get(DERIVED_FROM):
        return LEFT_EMPTY_AR
    if head == "modality" and value in labels.modalities_ar:
        return labels.modalities_ar[value]
    if head == "phase" and value in labels.phases_ar:
        return labels.phases_ar[value]
    return words_ar(value, labels)


def bearing_ar(entity: Entity, names: ArabicNames, labels: LabelData | None = None) -> str:
    """Where a place is said to lie, in Arabic words: "شرق السودان", "وسط النيجر"."""
    labels = labels or load_labels()
    bearing = entity.bearing
    if bearing is None:
        return ""
    point = labels.compass[bearing.direction].ar
    if bearing.reference is None:
        return f"{point} البلاد"
    return f"{point} {names.of_key(bearing.reference, bearing.reference_label)}"


def _side_value_ar(quotes: Sequence[ReportQuote], value: str) -> str:
    """A side's value in Arabic, as its value is made: its claims' distinct values."""
    distinct = list(dict.fromkeys(q.value_ar for q in quotes if q.value_ar))
    if not distinct:
        return words_ar(value)
    return "؛ ".join(distinct[:3]) + (" …" if len(distinct) > 3 else "")


def _fact_value_ar(kind: FactKind, value: str, claim: Claim | None, names: ArabicNames) -> str:
    labels = load_labels()
    if claim is None:
        return words_ar(value, labels)
    if kind == "time" and claim.time is not None:
        return time_ar(claim.time, labels, detail=False)
    if kind == "quantity" and claim.quantity is not None:
        return quantity_ar(claim.quantity, labels)
    if kind == "destination":
        return "، ".join(names.name(d) for d in claim.destinations)
    if kind == "occurrence":
        return labels.occurrences_ar.get(value, value)
    return words_ar(value, labels)


# The words of fact keys that are not an event, a phase, a unit or a place; each heads a
# construct with the event ("وقوع الانسحاب", "وجهة التحرك").
FACT_WORDS_AR = {
    "occurred": "وقوع",
    "destination": "وجهة",
    "remaining": "ما تبقّى من",
    "bearing": "موقع",
}


def fact_label_ar(fact: str, names: ArabicNames, labels: LabelData | None = None) -> str:
    """A fact key in Arabic words: "withdrawal|began|at:ain_al_asad" -> "بدء الانسحاب في
    عين الأسد"; "movement|destination|from:ain_al_asad" -> "وجهة التحرك من عين الأسد".
    Pieces it does not know are left out (the key itself stays in the data)."""
    labels = labels or load_labels()
    head: list[str] = []
    place = ""
    event = phase = ""
    for token in fact.split("|"):
        if token.startswith(("place:", "of:")):
            # "bearing|place:kassala|of:sudan": where Kassala lies from Sudan.
            where, _, ref = token.partition(":")
            if ref == "*" and where == "place":
                head.append("مكان الحدث")
            elif ref not in ("", "-", "*"):
                name = names.of_key(ref)
                head.append(name if where == "place" else f"بالنسبة إلى {name}")
        elif token.startswith(("at:", "from:")):
            where, _, ref = token.partition(":")
            if ref in ("", "-", "*"):
                continue
            outside = ref.startswith("!")
            ref = ref.lstrip("!")
            name = ref[1:].replace("_", " ") if ref.startswith("~") else names.of_key(ref)
            name = f"خارج {name}" if outside else name
            place = f"{'في' if where == 'at' else 'من'} {name}"
        elif token in labels.events:
            event = labels.events[token].noun_ar
        elif token == "movement":
            event = "التحرك"
        elif token in labels.phases_ar:
            phase = labels.phases_ar[token]
        elif token in labels.units_ar:
            unit = labels.units_ar[token]
            head.append(f"عدد {unit.few}" if unit.few else f"مقدار ({unit.one})")
        elif token in FACT_WORDS_AR:
            head.append(FACT_WORDS_AR[token])
    if event:
        head.append(f"{phase} {event}" if phase else event)
    return " ".join([*head, place]).strip()


def display_kind(finding: Finding, claims: dict[str, Claim]) -> str:
    """'date' for a weekday finding whose sides name different calendar days (14 against
    15 October is a disagreement about the date, whatever weekdays are named with it);
    else empty: the rule's own kind."""
    if finding.kind != "weekday" or len(finding.sides) < 2:
        return ""
    days: list[set[date]] = []
    for side in finding.sides:
        found = {
            day
            for claim_id in side.claim_ids
            if (claim := claims.get(claim_id)) is not None
            and (day := sem.stated_calendar_day(claim.time)) is not None
        }
        if found:
            days.append(found)
    if len(days) >= 2 and any(
        not a & b for i, a in enumerate(days) for b in days[i + 1 :]
    ):
        return "date"
    return ""


# -- building -----------------------------------------------------------------------------


def _report_claim(
    claim: Claim,
    article: Article | None,
    event_id: str | None = None,
    names: ArabicNames | None = None,
) -> ReportClaim:
    return ReportClaim(
        id=claim.id,
        article_id=claim.article_id,
        article_name=article.name if article else claim.article_id,
        outlet=article.outlet if article else None,
        url=article.url if article else None,
        published=article.published if article else None,
        quote=claim.quote,
        evidence=claim.evidence,
        sentence=claim.sentence,
        event=claim.event,
        event_word=claim.event_word,
        phase=claim.phase,
        modality=claim.modality,
        time=claim.time,
        quantity=claim.quantity,
        location=claim.location,
        destinations=claim.destinations,
        actors=claim.actors,
        attribution=claim.attribution,
        extractor=claim.extractor,
        slots_text=slots_text(claim),
        slots_ar=slots_ar(claim, names),
        event_id=event_id,
    )


def _report_quote(
    claim_id: str,
    compared: ComparedValue | None,
    side: FindingSide,
    claims: dict[str, Claim],
    articles: dict[str, Article],
    names: ArabicNames,
) -> ReportQuote:
    claim = claims.get(claim_id)
    field = compared.field if compared else ""
    value = compared.value if compared else side.value
    span = compared.span if compared else None
    inferred = claim_id in side.inferred
    value_ar = compared_ar(field, value, claim, names)
    if claim is None:
        return ReportQuote(
            claim_id=claim_id, quote=compared.quote if compared else "", field=field,
            value=value, compared=span, inferred=inferred, value_ar=value_ar,
        )
    article = articles.get(claim.article_id)
    # The quote must show what is compared: a weekday said earlier in the sentence than
    # the event's words ("يوم الأحد ... الانسحاب") widens it to cover both.
    start, end, text = claim.evidence.start, claim.evidence.end, claim.quote
    if article is not None and span is not None:
        start, end = min(start, span.start), max(end, span.end)
        text = article.text[start:end]
    return ReportQuote(
        claim_id=claim_id,
        article_id=claim.article_id,
        article_name=article.name if article else None,
        outlet=article.outlet if article else None,
        published=article.published if article else None,
        quote=text,
        start=start,
        end=end,
        field=field,
        value=value,
        compared=span,
        inferred=inferred,
        value_ar=value_ar,
        modality=claim.modality,
        phase=claim.phase,
        time_ar=time_ar(claim.time),
    )


def _report_side(
    side: FindingSide,
    claims: dict[str, Claim],
    articles: dict[str, Article],
    names: ArabicNames,
) -> ReportSide:
    quotes = [_report_quote(v.claim_id, v, side, claims, articles, names) for v in side.quotes]
    quoted = {v.claim_id for v in side.quotes}
    # Every claim of the side is shown, also one whose compared words were not kept.
    quotes += [
        _report_quote(claim_id, None, side, claims, articles, names)
        for claim_id in side.claim_ids
        if claim_id not in quoted
    ]
    return ReportSide(
        value=side.value,
        value_ar=_side_value_ar(quotes[: len(side.quotes)] or quotes, side.value),
        tally=side.tally,
        claim_ids=list(side.claim_ids),
        article_ids=list(side.article_ids),
        quotes=quotes,
    )


def _report_finding(
    finding: Finding,
    claims: dict[str, Claim],
    articles: dict[str, Article],
    event_id: str | None,
    names: ArabicNames | None = None,
) -> ReportFinding:
    names = names or ArabicNames(claims.values())
    return ReportFinding(
        id=finding.id,
        rule=finding.rule,
        code=finding.code,
        kind=finding.kind,
        severity=finding.severity,
        certainty=finding.certainty,
        certainty_reason=finding.certainty_reason,
        certainty_reason_ar=finding.certainty_reason_ar,
        fact=finding.fact,
        fact_ar=fact_label_ar(finding.fact, names),
        display_kind=display_kind(finding, claims),
        event_id=event_id,
        claim_ids=list(finding.claim_ids),
        sides=[_report_side(side, claims, articles, names) for side in finding.sides],
        explanation_en=finding.explanation_en,
        explanation_ar=finding.explanation_ar,
        review=ReportReview(
            status=finding.review_status,
            note=finding.review_note,
            by=finding.reviewed_by,
            at=finding.reviewed_at,
        ),
    )


def _report_facts(
    claims: Sequence[Claim], names: ArabicNames | None = None
) -> list[ReportFact]:
    by_id = {c.id: c for c in claims}
    names = names or ArabicNames(claims)
    return [
        ReportFact(
            fact=fact.fact,
            kind=fact.kind,
            label_ar=fact_label_ar(fact.fact, names),
            values=[
                ReportFactValue(
                    value=value.value,
                    value_ar=_fact_value_ar(
                        fact.kind,
                        value.value,
                        by_id.get(value.claim_ids[0]) if value.claim_ids else None,
                        names,
                    ),
                    tally=len(value.article_ids) or len(value.claim_ids),
                    claim_ids=value.claim_ids,
                    article_ids=value.article_ids,
                )
                for value in fact.values
            ],
        )
        for fact in event_facts(claims)
    ]


def _report_event(
    event: EventCluster, *, facts: list[ReportFact] | None = None
) -> ReportEvent:
    return ReportEvent(
        id=event.id,
        label=event.label,
        label_ar=event.label_ar,
        event=event.event,
        location_key=event.location_key,
        facts=facts or [],
    )


def _finding_rank(finding: ReportFinding) -> tuple[int, int, str, str]:
    return (
        SEVERITY_RANK.get(finding.severity, 9),
        CERTAINTY_RANK.get(finding.certainty, 9),
        finding.code,
        finding.id,
    )


def _event_of_finding(
    finding: Finding, event_ids: set[str], event_of_claim: dict[str, str]
) -> str | None:
    if finding.event_id and finding.event_id in event_ids:
        return finding.event_id
    for claim_id in finding.claim_ids:
        if claim_id in event_of_claim:
            return event_of_claim[claim_id]
    return None


def _report_article(
    article: Article, claim_count: int = 0, *, text: bool = False
) -> ReportArticle:
    return ReportArticle(
        id=article.id,
        name=article.name,
        title=article.title,
        outlet=article.outlet,
        url=article.url,
        published=article.published,
        language=article.language,
        claim_count=claim_count,
        text=article.text if text else None,
    )


def build_report(
    store: Store, *, run: RunRecord | None = None, delta: Delta | None = None
) -> Report:
    """The whole report (the shape of ``report.schema.json``; ``model_dump(mode="json")``
    is ``report.json``).

    ``run`` describes the run shown in the report (by default the last recorded run);
    ``delta`` is what changed since the previous run, when a run builds the report.
    Each article carries its whole text, so that the report file can show it.
    """
    articles = {a.id: a for a in store.articles()}
    claims_list = store.claims()
    claims = {c.id: c for c in claims_list}
    names = ArabicNames(claims_list)
    events: list[EventCluster] = store.events()
    findings = store.findings()
    rejected = store.rejected()
    if run is None:
        runs = store.runs()
        run = runs[0] if runs else None

    event_of_claim: dict[str, str] = {}
    for event in events:
        for claim_id in event.claim_ids:
            event_of_claim.setdefault(claim_id, event.id)
    event_ids = {e.id for e in events}

    by_event: dict[str, list[ReportFinding]] = {e.id: [] for e in events}
    outside: list[ReportFinding] = []
    for finding in findings:
        event_id = _event_of_finding(finding, event_ids, event_of_claim)
        item = _report_finding(finding, claims, articles, event_id, names)
        (by_event[event_id] if event_id else outside).append(item)

    report_events: list[ReportEvent] = []
    for event in events:
        members = [claims[cid] for cid in dict.fromkeys(event.claim_ids) if cid in claims]
        entry = _report_event(event, facts=_report_facts(members, names))
        entry.claims = [
            _report_claim(claim, articles.get(claim.article_id), event.id, names)
            for claim in members
        ]
        entry.findings = sorted(by_event[event.id], key=_finding_rank)
        report_events.append(entry)
    # Events with the most severe findings first, then the busiest, then by label.
    report_events.sort(
        key=lambda e: (
            min((_finding_rank(f)[:2] for f in e.findings), default=(9, 9)),
            -len(e.findings),
            e.label,
            e.id,
        )
    )

    claim_counts = Counter(c.article_id for c in claims_list)
    report_articles = [
        _report_article(a, claim_counts.get(a.id, 0), text=True) for a in articles.values()
    ]
    summary = ReportSummary(
        articles=len(articles),
        claims=len(claims),
        events=len(events),
        findings=len(findings),
        findings_by_kind=dict(Counter(f.kind for f in findings)),
        findings_by_severity=dict(Counter(f.severity for f in findings)),
        findings_by_certainty=dict(Counter(f.certainty for f in findings)),
        findings_by_status=dict(Counter(f.review_status for f in findings)),
        rejected=len(rejected),
    )
    return Report(
        generated_at=datetime.now(UTC),
        run=run,
        summary=summary,
        events=report_events,
        findings_outside_events=sorted(outside, key=_finding_rank),
        claims_outside_events=[
            _report_claim(c, articles.get(c.article_id), None, names) for c in claims_list
            if c.id not in event_of_claim
        ],
        articles=report_articles,
        rejected=rejected,
        delta=delta,
    )


def claim_details(store: Store, claim_id: str) -> ClaimDetails | None:
    """A claim with its article, its event and the findings it is part of."""
    claim = store.get_claim(claim_id)
    if claim is None:
        return None
    article = store.get_article(claim.article_id)
    event = store.event_of_claim(claim_id)
    findings = store.findings(claim_id=claim_id)
    involved: dict[str, Claim] = {claim.id: claim}
    for finding in findings:
        for other in store.claims(ids=[i for i in finding.claim_ids if i not in involved]):
            involved[other.id] = other
    # Same event, on no other side of a finding than this claim and nothing says they are
    # two events: the reports agree (or at least do not clash). A report on this claim's
    # own side of a finding agrees with it.
    disputed = {claim_id} | {
        i for f in findings for side in f.sides if claim_id not in side.claim_ids
        for i in side.claim_ids
    }
    candidates = [i for i in (event.claim_ids if event else []) if i not in disputed]
    settings = get_settings()
    agreeing: list[Claim] = []
    read = 0
    while read < len(candidates) and len(agreeing) < AGREES_WITH_LIMIT:
        chunk = candidates[read : read + AGREES_WITH_LIMIT - len(agreeing)]
        read += len(chunk)
        agreeing.extend(
            other
            for other in store.claims(ids=chunk)
            if sem.one_event_veto(claim, other, settings) is None
        )
    articles = {
        a.id: a
        for a in store.articles(
            ids=sorted({c.article_id for c in [*involved.values(), *agreeing]})
        )
    }
    if article is not None and not claim.sentence.text:
        # Older extractions may leave the sentence text empty: the offsets still hold.
        sentence = claim.sentence
        claim = claim.model_copy(
            update={
                "sentence": sentence.model_copy(
                    update={"text": article.text[sentence.start : sentence.end]}
                )
            }
        )
    names = ArabicNames([*involved.values(), *agreeing])
    event_id = event.id if event else None
    return ClaimDetails(
        agrees_unread=len(candidates) - read,
        agrees_with=[
            _report_claim(c, articles.get(c.article_id), event_id, names) for c in agreeing
        ],
        claim=_report_claim(claim, article, event_id, names),
        article_title=article.title if article else "",
        event=_report_event(event) if event else None,
        findings=[
            _report_finding(f, involved, articles, event_id or f.event_id, names)
            for f in findings
        ],
    )


def _reviews(store: Store, finding_id: str) -> list[ReportReview]:
    """Every decision on a finding, oldest first, when the store keeps a history."""
    history = getattr(store, "reviews", None)
    if history is None:
        return []
    return [
        ReportReview(status=r.status, note=r.note, by=r.by, at=r.at)
        for r in history(finding_id)
    ]


def finding_details(store: Store, finding_id: str) -> FindingDetails | None:
    """A finding with every side's quotes, its claims, its event's facts and its review
    history."""
    finding = store.get_finding(finding_id)
    if finding is None:
        return None
    claims = {c.id: c for c in store.claims(ids=finding.claim_ids)}
    events = store.get_events([finding.event_id]) if finding.event_id else []
    event = events[0] if events else None
    members = store.claims(ids=event.claim_ids) if event else []
    names = ArabicNames([*claims.values(), *members])
    articles = {
        a.id: a for a in store.articles(ids=sorted({c.article_id for c in claims.values()}))
    }
    event_id = event.id if event else finding.event_id
    return FindingDetails(
        finding=_report_finding(finding, claims, articles, event_id, names),
        event=_report_event(event, facts=_report_facts(members, names)) if event else None,
        claims=[
            _report_claim(claims[cid], articles.get(claims[cid].article_id), event_id, names)
            for cid in finding.claim_ids
            if cid in claims
        ],
        reviews=_reviews(store, finding.id),
    )


def event_details(store: Store, event_id: str) -> ReportEvent | None:
    """One event with its facts, every claim and every finding of its claims (most
    severe first): the data of its page (``GET /events/{id}``)."""
    found = store.get_events([event_id])
    if not found:
        return None
    event = found[0]
    claims = {c.id: c for c in store.claims(ids=event.claim_ids)}
    articles = {
        a.id: a for a in store.articles(ids=sorted({c.article_id for c in claims.values()}))
    }
    findings = store.get_findings(sorted(store.finding_ids_of_claims(list(claims))))
    others = [i for f in findings for i in f.claim_ids if i not in claims]
    involved = {**claims, **{c.id: c for c in store.claims(ids=others)}} if others else claims
    names = ArabicNames(involved.values())
    members = [claims[cid] for cid in dict.fromkeys(event.claim_ids) if cid in claims]
    item = _report_event(event, facts=_report_facts(members, names))
    item.claims = [
        _report_claim(claim, articles.get(claim.article_id), event.id, names)
        for claim in members
    ]
    item.findings = sorted(
        (_report_finding(f, involved, articles, event.id, names) for f in findings),
        key=_finding_rank,
    )
    return item


def article_details(store: Store, article_id: str) -> ArticleDetails | None:
    """One article with its whole text, its claims (in text order), the findings they are
    part of and their events: the data of its page (``GET /articles/{id}``)."""
    article = store.get_article(article_id)
    if article is None:
        return None
    claims = store.claims_of_articles([article.id])
    claims.sort(key=lambda c: (c.evidence.start, c.id))
    ids = [c.id for c in claims]
    event_of: dict[str, str] = {}
    events = store.get_events(sorted(store.event_ids_of_claims(ids))) if ids else []
    for event in events:
        for claim_id in event.claim_ids:
            event_of.setdefault(claim_id, event.id)
    findings = store.get_findings(sorted(store.finding_ids_of_claims(ids))) if ids else []
    others = sorted({i for f in findings for i in f.claim_ids} - set(ids))
    involved = {c.id: c for c in [*claims, *store.claims(ids=others)]}
    articles = {
        a.id: a
        for a in store.articles(ids=sorted({c.article_id for c in involved.values()}))
    }
    articles[article.id] = article
    names = ArabicNames(involved.values())
    return ArticleDetails(
        article=_report_article(article, len(claims), text=True),
        claims=[_report_claim(c, article, event_of.get(c.id), names) for c in claims],
        findings=sorted(
            (
                _report_finding(f, involved, articles, f.event_id or event_of.get(f.claim_ids[0]),
                                names)
                for f in findings
            ),
            key=_finding_rank,
        ),
        events=[_report_event(e) for e in events],
    )


# -- writing --------------------------------------------------------------------------------


def dumps_json(data: object) -> str:
    """JSON as claimcheck writes it: UTF-8 text, Arabic unescaped, indented."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def write_report_json(report: Report, path: Path) -> None:
    """``dumps_json(report.model_dump(mode="json"))``, written as it is made: one event,
    claim or article at a time (the whole report as one dict and one string would take
    twice the memory of the report itself; gigabytes for a store of ten thousand
    articles). The text is the same, byte for byte."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for chunk in json_chunks(report):
            handle.write(chunk)


def _indented(text: str, prefix: str, *, first: bool) -> str:
    lines = text.split("\n")
    head = (prefix + lines[0]) if first else lines[0]
    return "\n".join([head, *(prefix + line for line in lines[1:])])


def json_chunks(model: BaseModel) -> Iterator[str]:
    """The text of ``dumps_json(model.model_dump(mode="json"))``, in pieces: a list field
    of the model is dumped one item at a time (JSON strings hold no raw line break, so
    indenting each line of an item places it as the whole dump would)."""
    lists = {
        name for name, value in model.__dict__.items()
        if isinstance(value, list) and value and all(isinstance(v, BaseModel) for v in value)
    }
    rest = model.model_dump(mode="json", exclude=lists)
    keys = [k for k in type(model).model_fields if k in rest or k in lists]
    keys += [k for k in rest if k not in keys]
    yield "{"
    for number, key in enumerate(keys):
        yield "\n  " + json.dumps(key, ensure_ascii=False) + ": "
        if key in lists:
            items = getattr(model, key)
            yield "["
            for index, item in enumerate(items):
                text = json.dumps(item.model_dump(mode="json"), ensure_ascii=False, indent=2)
                yield "\n" + _indented(text, "    ", first=True)
                if index < len(items) - 1:
                    yield ","
            yield "\n  ]"
        else:
            text = json.dumps(rest[key], ensure_ascii=False, indent=2)
            yield _indented(text, "  ", first=False)
        if number < len(keys) - 1:
            yield ","
    yield "\n}\n" if keys else "}\n"


def write_report_md(report: Report, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown(report), encoding="utf-8")


# Characters that mean something anywhere in a line of Markdown (CommonMark or GFM
# tables and strikethrough); CommonMark allows a backslash before any ASCII punctuation.
_MD_INLINE = re.compile(r"([\\`*_\[\]|~!])")
# Characters that mean something only at the start of a line (headings, lists, quotes,
# thematic breaks); escaped text is always one line, so only its start matters.
_MD_LINE_START = re.compile(r"^(\s*)([#+\-=>]|\d+[.)])")
_SPACES = re.compile(r"\s+")


def md_escape(text: str) -> str:
    """Article text as inert Markdown: one line, no syntax, no HTML."""
    text = _SPACES.sub(" ", text).strip()
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_INLINE.sub(r"\\\1", text)
    match = _MD_LINE_START.match(text)
    if match:
        marker = match.group(2)
        text = text[: match.start(2)] + marker[:-1] + "\\" + marker[-1] + text[match.end(2) :]
    return text


def _code(text: str) -> str:
    """An identifier in a code span (IDs and rule names never contain backticks)."""
    return "`" + text.replace("`", "'") + "`"


def reports_en(count: int) -> str:
    return f"{count} report" + ("" if count == 1 else "s")


def side_label(index: int) -> str:
    """Sides are called A, B, ... Z, then by number."""
    return chr(ord("A") + index) if index < 26 else str(index + 1)


def _article_line(name: str | None, outlet: str | None, published: date | None) -> str:
    bits = [f"**{md_escape(name or '?')}**"]
    extra = [md_escape(outlet)] if outlet else []
    if published:
        extra.append(published.isoformat())
    if extra:
        bits.append("(" + ", ".join(extra) + ")")
    return " ".join(bits)


def _claim_lines(claim: ReportClaim) -> list[str]:
    slots = " · ".join(
        f"{key}: {md_escape(value)}" for key, value in claim.slots_text.items()
    )
    return [
        f"- {_code(claim.id)} {_article_line(claim.article_name, claim.outlet, claim.published)}, "
        f"chars {claim.evidence.start}–{claim.evidence.end}",
        f"  > {md_escape(claim.quote)}",
        f"  - {slots}",
    ]


def _fact_lines(facts: Sequence[ReportFact]) -> list[str]:
    if not facts:
        return []
    lines = ["Facts:", ""]
    for fact in facts:
        values = "; ".join(
            f"**{md_escape(v.value)}** ({reports_en(v.tally)})" for v in fact.values
        )
        lines.append(f"- {fact.kind} {_code(fact.fact)}: {values}")
    return [*lines, ""]


def _quote_lines(quote: ReportQuote) -> list[str]:
    where = f"chars {quote.start}–{quote.end}" if quote.start is not None else "no offsets"
    compared = f"{md_escape(quote.field)} = {md_escape(quote.value)}" if quote.field else ""
    inferred = "; phase, place or list inferred from its event" if quote.inferred else ""
    return [
        f"- {_article_line(quote.article_name, quote.outlet, quote.published)}, "
        f"claim {_code(quote.claim_id)}, {where}"
        + (f"; {compared}" if compared else "") + inferred + ":",
        f"  > {md_escape(quote.quote) or '(quote missing)'}",
    ]


def _finding_lines(finding: ReportFinding, heading: str) -> list[str]:
    lines = [
        f"{heading} {finding.severity.upper()} · {finding.certainty} · {finding.code} "
        f"{_code(finding.rule)} ({finding.kind})",
        "",
        f"Finding {_code(finding.id)}"
        + (f", fact {_code(finding.fact)}" if finding.fact else "")
        + f"; review: **{finding.review.status}**"
        + (f" by {md_escape(finding.review.by)}" if finding.review.by else "")
        + (f" at {finding.review.at.isoformat()}" if finding.review.at else "")
        + (f"; note: {md_escape(finding.review.note)}" if finding.review.note else ""),
        "",
    ]
    if finding.explanation_en:
        lines += [md_escape(finding.explanation_en), ""]
    if finding.explanation_ar:
        lines += [md_escape(finding.explanation_ar), ""]
    if finding.certainty_reason:
        lines += [md_escape(finding.certainty_reason), ""]
    if finding.certainty_reason_ar:
        lines += [md_escape(finding.certainty_reason_ar), ""]
    for index, side in enumerate(finding.sides):
        lines += [
            f"Side {side_label(index)}: **{md_escape(side.value)}**, {reports_en(side.tally)}",
            "",
        ]
        for quote in side.quotes:
            lines += _quote_lines(quote)
        lines.append("")
    return lines


def _counts_line(label: str, counts: dict[str, int]) -> str:
    if not counts:
        return f"{label}: none"
    return f"{label}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def _group_by_article(claims: Iterable[ReportClaim]) -> dict[str, list[ReportClaim]]:
    grouped: dict[str, list[ReportClaim]] = {}
    for claim in claims:
        grouped.setdefault(claim.article_name, []).append(claim)
    return grouped


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def gain_text(gain: SideGain) -> str:
    """A side's new support in one line of plain text (not escaped)."""
    names = ", ".join(a.name or a.id for a in gain.new_articles)
    was = f"was {gain.previous_tally}" if gain.previous_tally else "a new side"
    news = f"new: {names}" if names else f"{len(gain.new_claim_ids)} new claim(s)"
    return f"{gain.value}: {reports_en(gain.tally)} ({was}); {news}"


def _delta_lines(delta: Delta) -> list[str]:
    counts = delta.counts
    since = _code(delta.previous_run_id) if delta.previous_run_id else "nothing (first run)"
    lines = [
        "## Since the previous run",
        "",
        f"Compared with {since}: {counts.get('new', 0)} new, {counts.get('open', 0)} still "
        f"found ({counts.get('updated', 0)} with new reports on a side"
        + "".join(
            f", {count} {'awaiting review' if status == 'open' else status.replace('_', ' ')}"
            for status, count in delta.open_reviews.items()
            if count
        )
        + f"), {counts.get('resolved', 0)} resolved.",
        "",
    ]
    for update in delta.updated:
        for gain in update.sides:
            lines.append(f"- {_code(update.id)} {update.code}: {md_escape(gain_text(gain))}")
    if delta.updated:
        lines.append("")
    return lines


def render_markdown(report: Report) -> str:
    """A Markdown document from the report (as :func:`build_report` returns it)."""
    s = report.summary
    lines = ["# claimcheck report", ""]
    run_bit = f" · run {_code(report.run.id)}" if report.run else ""
    lines += [f"Generated {report.generated_at.isoformat()}{run_bit}", ""]
    lines += _table(
        ["articles", "claims", "events", "findings", "rejected inputs"],
        [[str(s.articles), str(s.claims), str(s.events), str(s.findings), str(s.rejected)]],
    )
    lines += [
        "",
        _counts_line("Findings by severity", s.findings_by_severity),
        "",
        _counts_line("Findings by kind", s.findings_by_kind),
        "",
        _counts_line("Review status", s.findings_by_status),
        "",
    ]
    if report.delta is not None:
        lines += _delta_lines(report.delta)

    lines += ["## Events", ""]
    if not report.events:
        lines += ["No events were linked.", ""]
    for number, event in enumerate(report.events, start=1):
        title = md_escape(event.label) or event.event
        if event.label_ar:
            title += f" / {md_escape(event.label_ar)}"
        lines += [f"### {number}. {title}", ""]
        lines += [
            f"Event {_code(event.id)}, type {event.event}"
            + (f", place {md_escape(event.location_key)}" if event.location_key else "")
            + f"; {len(event.claims)} claims, {len(event.findings)} findings.",
            "",
        ]
        lines += _fact_lines(event.facts)
        for finding in event.findings:
            lines += _finding_lines(finding, "####")
        if event.claims:
            lines += ["Claims:", ""]
            for claim in event.claims:
                lines += _claim_lines(claim)
            lines.append("")

    lines += ["## Findings outside any event", ""]
    if not report.findings_outside_events:
        lines += ["None.", ""]
    for finding in report.findings_outside_events:
        lines += _finding_lines(finding, "###")

    lines += ["## Claims outside any event", ""]
    if not report.claims_outside_events:
        lines += ["None.", ""]
    for name, claims in _group_by_article(report.claims_outside_events).items():
        lines += [f"### {md_escape(name)}", ""]
        for claim in claims:
            lines += _claim_lines(claim)
        lines.append("")

    lines += ["## Articles", ""]
    if report.articles:
        lines += _table(
            ["name", "title", "outlet", "published", "claims"],
            [
                [
                    md_escape(a.name),
                    md_escape(a.title),
                    md_escape(a.outlet or ""),
                    a.published.isoformat() if a.published else "",
                    str(a.claim_count),
                ]
                for a in report.articles
            ],
        )
    else:
        lines.append("None.")
    lines.append("")

    lines += ["## Rejected inputs", ""]
    if report.rejected:
        lines += _table(
            ["drop", "path", "reason", "detail"],
            [
                [md_escape(r.drop), md_escape(r.path), r.reason, md_escape(r.detail)]
                for r in report.rejected
            ],
        )
    else:
        lines.append("None.")
    lines.append("")
    return "\n".join(lines)
