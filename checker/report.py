"""The report: JSON first, Markdown (and later HTML) render the same data.

:func:`build_report` collects everything an editor needs from the store into one JSON
object (events with their claims and findings, findings and claims outside any event,
articles, rejected inputs). :func:`render_markdown` turns that object into a document
that reads on its own; it never lets article text through as Markdown syntax or HTML.

The shape is declared by the pydantic models below (exported as
``docs/schema/report.schema.json``), so an HTML template or an API can rely on it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from checker.ingest import RejectedInput
from checker.rules.semantics import one_event_veto
from checker.settings import get_settings
from checker.store import CERTAINTY_RANK, SEVERITY_RANK, RunRecord, Store
from claims.model import (
    SCHEMA_VERSION,
    Article,
    Attribution,
    Claim,
    Entity,
    EventCluster,
    Finding,
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
    """One side of a finding: the claim's quote with its offsets in the article text."""

    claim_id: str
    article_id: str | None = None
    article_name: str | None = None
    outlet: str | None = None
    published: date | None = None
    quote: str
    start: int | None = None
    end: int | None = None


class ReportValue(_Model):
    claim_id: str
    field: str
    value: str
    quote: str = ""
    span: Span | None = None
    article_name: str | None = None


class ReportReview(_Model):
    status: str = "open"
    note: str | None = None
    by: str | None = None
    at: datetime | None = None


class ReportFinding(_Model):
    id: str
    rule: str
    code: str
    kind: str
    severity: str
    certainty: str
    event_id: str | None = None
    claim_ids: list[str]
    values: list[ReportValue] = Field(default_factory=list)
    quotes: list[ReportQuote] = Field(default_factory=list)
    explanation_en: str = ""
    explanation_ar: str = ""
    review: ReportReview = Field(default_factory=ReportReview)


class ReportEvent(_Model):
    id: str
    label: str
    label_ar: str = ""
    event: str
    location_key: str | None = None
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


class ClaimDetails(_Model):
    """Everything about one claim, for a lookup by ID (``claimcheck show``)."""

    claim: ReportClaim
    article_title: str = ""
    event: ReportEvent | None = Field(
        default=None, description="the claim's event, without its claims and findings"
    )
    findings: list[ReportFinding] = Field(default_factory=list)
    agrees_with: list[ReportClaim] = Field(
        default_factory=list,
        description="other claims of the same event with no finding between them and this "
        f"one, that could be one event with it by themselves; at most {AGREES_WITH_LIMIT}",
    )
    agrees_unread: int = Field(
        0,
        description="further claims of the event with no finding with this one, not read "
        "once agrees_with was full",
    )


# -- readable slot values -----------------------------------------------------------------


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def describe_time(time: TimeValue) -> str:
    if not time.resolved:
        surface = time.span.text if time.span and time.span.text else ""
        why = f" ({time.reason})" if time.reason else ""
        shown = f' "{surface}"' if surface else ""
        return f"unresolved{shown}{why}"
    parts = [p for p in (time.relation, time.modifier, time.value) if p]
    if time.weekday is not None:
        parts.append(WEEKDAYS[time.weekday])
    if time.within_days is not None:
        parts.append(f"within {time.within_days} days")
    if time.time_of_day:
        parts.append(time.time_of_day)
    text = " ".join(parts) or "resolved"
    if time.earliest and time.latest and time.earliest != time.latest:
        text += f" [{time.earliest.isoformat()} .. {time.latest.isoformat()}]"
    elif time.earliest and not time.value:
        text += f" [{time.earliest.isoformat()}]"
    if time.anchor in ("publication", "context"):
        text += f" (anchored to {time.anchor})"
    return text


def describe_quantity(quantity: Quantity) -> str:
    if not quantity.resolved:
        why = f" ({quantity.reason})" if quantity.reason else ""
        return f"unresolved{why}"
    unit = f" {quantity.unit}" if quantity.unit else ""
    approx = "about " if quantity.approximate else ""
    if quantity.value is not None and quantity.low in (None, quantity.value) and quantity.high in (
        None,
        quantity.value,
    ):
        return f"{approx}{_number(quantity.value)}{unit}"
    low = "-inf" if quantity.low is None else _number(quantity.low)
    high = "inf" if quantity.high is None else _number(quantity.high)
    left = "[" if quantity.low_inclusive and quantity.low is not None else "("
    right = "]" if quantity.high_inclusive and quantity.high is not None else ")"
    vague = " (vague)" if quantity.vague else ""
    return f"{approx}{left}{low}, {high}{right}{unit}{vague}"


def describe_entity(entity: Entity) -> str:
    name = entity.label or entity.surface or entity.key or "?"
    if entity.key and entity.label and entity.key != entity.label:
        name = f"{entity.label} ({entity.key})"
    return f"outside {name}" if entity.complement else name


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
        out["time"] = describe_time(claim.time)
    if claim.quantity:
        out["quantity"] = describe_quantity(claim.quantity)
    if claim.location:
        out["location"] = describe_entity(claim.location)
    if claim.destinations:
        out["destinations"] = "; ".join(describe_entity(d) for d in claim.destinations)
    if claim.actors:
        out["actors"] = ", ".join(describe_entity(a) for a in claim.actors)
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


def _report_finding(
    finding: Finding,
    claims: dict[str, Claim],
    articles: dict[str, Article],
    event_id: str | None,
) -> ReportFinding:
    quotes: list[ReportQuote] = []
    for claim_id in finding.claim_ids:
        claim = claims.get(claim_id)
        if claim is None:
            quotes.append(ReportQuote(claim_id=claim_id, quote=""))
            continue
        article = articles.get(claim.article_id)
        # The quote must show what is compared: a weekday said earlier in the sentence
        # than the event's words ("يوم الأحد ... الانسحاب") widens it to cover both.
        start, end, text = claim.evidence.start, claim.evidence.end, claim.quote
        spans = [
            v.span for v in finding.values if v.claim_id == claim_id and v.span is not None
        ]
        if article is not None and spans:
            start = min(start, *(span.start for span in spans))
            end = max(end, *(span.end for span in spans))
            text = article.text[start:end]
        quotes.append(
            ReportQuote(
                claim_id=claim_id,
                article_id=claim.article_id,
                article_name=article.name if article else None,
                outlet=article.outlet if article else None,
                published=article.published if article else None,
                quote=text,
                start=start,
                end=end,
            )
        )
    values = []
    for value in finding.values:
        claim = claims.get(value.claim_id)
        article = articles.get(claim.article_id) if claim else None
        values.append(
            ReportValue(
                claim_id=value.claim_id,
                field=value.field,
                value=value.value,
                quote=value.quote,
                span=value.span,
                article_name=article.name if article else None,
            )
        )
    return ReportFinding(
        id=finding.id,
        rule=finding.rule,
        code=finding.code,
        kind=finding.kind,
        severity=finding.severity,
        certainty=finding.certainty,
        event_id=event_id,
        claim_ids=list(finding.claim_ids),
        values=values,
        quotes=quotes,
        explanation_en=finding.explanation_en,
        explanation_ar=finding.explanation_ar,
        review=ReportReview(
            status=finding.review_status,
            note=finding.review_note,
            by=finding.reviewed_by,
            at=finding.reviewed_at,
        ),
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


def build_report_model(store: Store, *, run: RunRecord | None = None) -> Report:
    """The report as a typed object (see :func:`build_report` for the JSON form)."""
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
        event_claims = [
            _report_claim(claims[cid], articles.get(claims[cid].article_id), event.id)
            for cid in dict.fromkeys(event.claim_ids)
            if cid in claims
        ]
        report_events.append(
            ReportEvent(
                id=event.id,
                label=event.label,
                label_ar=event.label_ar,
                event=event.event,
                location_key=event.location_key,
                claims=event_claims,
                findings=sorted(by_event[event.id], key=_finding_rank),
            )
        )
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
    )


def build_report(store: Store, *, run: RunRecord | None = None) -> dict[str, Any]:
    """The whole report as a JSON-ready dict (the shape of ``report.schema.json``).

    ``run`` describes the run shown in the report; by default the last recorded run.
    """
    return build_report_model(store, run=run).model_dump(mode="json")


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
    # Same event, no finding joins them and nothing says they are two events: the reports
    # agree (or at least do not clash).
    disputed = {claim_id} | {i for f in findings for i in f.claim_ids}
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
            if one_event_veto(claim, other, settings) is None
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
        event=(
            ReportEvent(
                id=event.id,
                label=event.label,
                label_ar=event.label_ar,
                event=event.event,
                location_key=event.location_key,
            )
            if event
            else None
        ),
        findings=[
            _report_finding(f, involved, articles, event.id if event else f.event_id)
            for f in findings
        ],
    )


# -- writing --------------------------------------------------------------------------------


def dumps_json(data: object) -> str:
    """JSON as claimcheck writes it: UTF-8 text, Arabic unescaped, indented."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def write_report_json(report: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps_json(report), encoding="utf-8")


def write_report_md(report: dict[str, Any], path: Path) -> None:
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


def _finding_lines(finding: ReportFinding, heading: str) -> list[str]:
    lines = [
        f"{heading} {finding.severity.upper()} · {finding.certainty} · {finding.code} "
        f"{_code(finding.rule)} ({finding.kind})",
        "",
        f"Finding {_code(finding.id)}; review: **{finding.review.status}**"
        + (f" by {md_escape(finding.review.by)}" if finding.review.by else "")
        + (f" at {finding.review.at.isoformat()}" if finding.review.at else "")
        + (f"; note: {md_escape(finding.review.note)}" if finding.review.note else ""),
        "",
    ]
    if finding.explanation_en:
        lines += [md_escape(finding.explanation_en), ""]
    if finding.explanation_ar:
        lines += [md_escape(finding.explanation_ar), ""]
    if finding.values:
        lines.append("Compared values:")
        lines.append("")
        for value in finding.values:
            lines.append(
                f"- {_code(value.claim_id)} {md_escape(value.field)} = "
                f"**{md_escape(value.value)}**"
                + (f" ({md_escape(value.article_name)})" if value.article_name else "")
            )
        lines.append("")
    for label, quote in zip("ABCDEFGH", finding.quotes, strict=False):
        where = (
            f"chars {quote.start}–{quote.end}" if quote.start is not None else "no offsets"
        )
        lines.append(
            f"{label}. {_article_line(quote.article_name, quote.outlet, quote.published)}, "
            f"claim {_code(quote.claim_id)}, {where}:"
        )
        lines.append("")
        lines.append(f"> {md_escape(quote.quote) or '(quote missing)'}")
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


def render_markdown(report: dict[str, Any]) -> str:
    """A Markdown document from a report dict (as :func:`build_report` returns it)."""
    data = Report.model_validate(report)
    s = data.summary
    lines = ["# claimcheck report", ""]
    run_bit = f" · run {_code(data.run.id)}" if data.run else ""
    lines += [f"Generated {data.generated_at.isoformat()}{run_bit}", ""]
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

    lines += ["## Events", ""]
    if not data.events:
        lines += ["No events were linked.", ""]
    for number, event in enumerate(data.events, start=1):
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
        for finding in event.findings:
            lines += _finding_lines(finding, "####")
        if event.claims:
            lines += ["Claims:", ""]
            for claim in event.claims:
                lines += _claim_lines(claim)
            lines.append("")

    lines += ["## Findings outside any event", ""]
    if not data.findings_outside_events:
        lines += ["None.", ""]
    for finding in data.findings_outside_events:
        lines += _finding_lines(finding, "###")

    lines += ["## Claims outside any event", ""]
    if not data.claims_outside_events:
        lines += ["None.", ""]
    for name, claims in _group_by_article(data.claims_outside_events).items():
        lines += [f"### {md_escape(name)}", ""]
        for claim in claims:
            lines += _claim_lines(claim)
        lines.append("")

    lines += ["## Articles", ""]
    if data.articles:
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
                for a in data.articles
            ],
        )
    else:
        lines.append("None.")
    lines.append("")

    lines += ["## Rejected inputs", ""]
    if data.rejected:
        lines += _table(
            ["drop", "path", "reason", "detail"],
            [
                [md_escape(r.drop), md_escape(r.path), r.reason, md_escape(r.detail)]
                for r in data.rejected
            ],
        )
    else:
        lines.append("None.")
    lines.append("")
    return "\n".join(lines)
