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
and the facts use.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from checker.facts import FactKind, event_facts
from checker.ingest import RejectedInput
from checker.rules import semantics as sem
from checker.settings import get_settings
from checker.store import CERTAINTY_RANK, SEVERITY_RANK, RunRecord, Store
from claims.model import (
    SCHEMA_VERSION,
    Article,
    Attribution,
    Claim,
    ComparedValue,
    Entity,
    EventCluster,
    Finding,
    FindingSide,
    Quantity,
    Span,
    TimeValue,
)

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
        description="the claim does not state the fact's phase or place itself: its "
        "event's other reports give it",
    )


class ReportSide(_Model):
    """One side of a finding: a value and every report that states it."""

    value: str
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
    event_id: str | None = None
    claim_ids: list[str]
    sides: list[ReportSide] = Field(default_factory=list)
    explanation_en: str = ""
    explanation_ar: str = ""
    review: ReportReview = Field(default_factory=ReportReview)


class ReportFactValue(_Model):
    """One value of an event's fact, with every claim and report that states it."""

    value: str
    tally: int = Field(description="how many distinct reports (articles) state it")
    claim_ids: list[str] = Field(default_factory=list)
    article_ids: list[str] = Field(default_factory=list)


class ReportFact(_Model):
    """One fact of an event (when a phase happened, how many, where to, whether at all)
    and the values its reports give, the most reported first."""

    fact: str
    kind: FactKind
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
        default_factory=dict, description="new, open, updated, resolved, previous, current"
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


def slots_text(claim: Claim) -> dict[str, str]:
    """The filled slots of a claim, each as a short readable string."""
    out: dict[str, str] = {"event": claim.event}
    if claim.phase:
        out["phase"] = claim.phase
    out["modality"] = claim.modality
    if claim.time:
        out["time"] = time_text(claim.time)
    if claim.quantity:
        out["quantity"] = quantity_text(claim.quantity)
    if claim.location:
        out["location"] = sem.describe_entity(claim.location)
    if claim.destinations:
        out["destinations"] = "; ".join(sem.describe_entity(d) for d in claim.destinations)
    if claim.actors:
        out["actors"] = ", ".join(sem.describe_entity(a) for a in claim.actors)
    if claim.attribution:
        out["attribution"] = describe_attribution(claim.attribution)
    return out


# -- building -----------------------------------------------------------------------------


def _report_claim(
    claim: Claim, article: Article | None, event_id: str | None = None
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
        event_id=event_id,
    )


def _report_quote(
    claim_id: str,
    compared: ComparedValue | None,
    side: FindingSide,
    claims: dict[str, Claim],
    articles: dict[str, Article],
) -> ReportQuote:
    claim = claims.get(claim_id)
    field = compared.field if compared else ""
    value = compared.value if compared else side.value
    span = compared.span if compared else None
    inferred = claim_id in side.inferred
    if claim is None:
        return ReportQuote(
            claim_id=claim_id, quote=compared.quote if compared else "", field=field,
            value=value, compared=span, inferred=inferred,
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
    )


def _report_side(
    side: FindingSide, claims: dict[str, Claim], articles: dict[str, Article]
) -> ReportSide:
    quotes = [_report_quote(v.claim_id, v, side, claims, articles) for v in side.quotes]
    quoted = {v.claim_id for v in side.quotes}
    # Every claim of the side is shown, also one whose compared words were not kept.
    quotes += [
        _report_quote(claim_id, None, side, claims, articles)
        for claim_id in side.claim_ids
        if claim_id not in quoted
    ]
    return ReportSide(
        value=side.value,
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
) -> ReportFinding:
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
        event_id=event_id,
        claim_ids=list(finding.claim_ids),
        sides=[_report_side(side, claims, articles) for side in finding.sides],
        explanation_en=finding.explanation_en,
        explanation_ar=finding.explanation_ar,
        review=ReportReview(
            status=finding.review_status,
            note=finding.review_note,
            by=finding.reviewed_by,
            at=finding.reviewed_at,
        ),
    )


def _report_facts(claims: Sequence[Claim]) -> list[ReportFact]:
    return [
        ReportFact(
            fact=fact.fact,
            kind=fact.kind,
            values=[
                ReportFactValue(
                    value=value.value,
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


def build_report(
    store: Store, *, run: RunRecord | None = None, delta: Delta | None = None
) -> Report:
    """The whole report (the shape of ``report.schema.json``; ``model_dump(mode="json")``
    is ``report.json``).

    ``run`` describes the run shown in the report (by default the last recorded run);
    ``delta`` is what changed since the previous run, when a run builds the report.
    """
    articles = {a.id: a for a in store.articles()}
    claims_list = store.claims()
    claims = {c.id: c for c in claims_list}
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
        item = _report_finding(finding, claims, articles, event_id)
        (by_event[event_id] if event_id else outside).append(item)

    report_events: list[ReportEvent] = []
    for event in events:
        members = [claims[cid] for cid in dict.fromkeys(event.claim_ids) if cid in claims]
        entry = _report_event(event, facts=_report_facts(members))
        entry.claims = [
            _report_claim(claim, articles.get(claim.article_id), event.id) for claim in members
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
        ReportArticle(
            id=a.id,
            name=a.name,
            title=a.title,
            outlet=a.outlet,
            url=a.url,
            published=a.published,
            language=a.language,
            claim_count=claim_counts.get(a.id, 0),
        )
        for a in articles.values()
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
            _report_claim(c, articles.get(c.article_id)) for c in claims_list
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
    return ClaimDetails(
        agrees_unread=len(candidates) - read,
        agrees_with=[
            _report_claim(c, articles.get(c.article_id), event.id if event else None)
            for c in agreeing
        ],
        claim=_report_claim(claim, article, event.id if event else None),
        article_title=article.title if article else "",
        event=_report_event(event) if event else None,
        findings=[
            _report_finding(f, involved, articles, event.id if event else f.event_id)
            for f in findings
        ],
    )


def finding_details(store: Store, finding_id: str) -> FindingDetails | None:
    """A finding with every side's quotes, its claims and its event's facts."""
    finding = store.get_finding(finding_id)
    if finding is None:
        return None
    claims = {c.id: c for c in store.claims(ids=finding.claim_ids)}
    events = store.get_events([finding.event_id]) if finding.event_id else []
    event = events[0] if events else None
    members = store.claims(ids=event.claim_ids) if event else []
    articles = {
        a.id: a for a in store.articles(ids=sorted({c.article_id for c in claims.values()}))
    }
    event_id = event.id if event else finding.event_id
    return FindingDetails(
        finding=_report_finding(finding, claims, articles, event_id),
        event=_report_event(event, facts=_report_facts(members)) if event else None,
        claims=[
            _report_claim(claims[cid], articles.get(claims[cid].article_id), event_id)
            for cid in finding.claim_ids
            if cid in claims
        ],
    )


# -- writing --------------------------------------------------------------------------------


def dumps_json(data: object) -> str:
    """JSON as claimcheck writes it: UTF-8 text, Arabic unescaped, indented."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def write_report_json(report: Report, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps_json(report.model_dump(mode="json")), encoding="utf-8")


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
    inferred = "; phase or place inferred from its event" if quote.inferred else ""
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
        f"open ({counts.get('updated', 0)} with new reports on a side), "
        f"{counts.get('resolved', 0)} resolved.",
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
