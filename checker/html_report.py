"""The HTML report: the :class:`~checker.report.Report` rendered with Jinja2.

JSON first: this module renders the very object that ``report.json`` holds and adds
nothing that is not derived from it (highlight ranges, safe links, labels). Templates live
in ``checker/templates`` with autoescaping on for everything; article text, titles, outlets
and URLs come from outside and are only ever shown as text. A URL becomes a link only
when it is ``http`` or ``https``.

The page is one self-contained file: CSS and JavaScript are inline, there is no external
resource at all, and a Content-Security-Policy allows only that exact script and style
(by hash), so even a markup mistake could not run injected script. The same template,
with ``live=True``, is what the API serves at ``/``: review buttons then post decisions
back to the server. The claim and finding pages (``/claims/{id}/page``,
``/findings/{id}/page``) render :class:`~checker.report.ClaimDetails` and
:class:`~checker.report.FindingDetails`, their JSON twins.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, get_args
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from checker.report import (
    ClaimDetails,
    Delta,
    FindingDetails,
    FindingRef,
    Report,
    ReportArticle,
    ReportClaim,
    ReportEvent,
    ReportFact,
    ReportFinding,
    ReportQuote,
    ReportSide,
    side_label,
)
from claims.model import Certainty, Finding, FindingKind, ReviewStatus, Severity, Span

# User-facing labels (Arabic first, English second).
KIND_LABELS: dict[str, tuple[str, str]] = {
    "date": ("تاريخ", "date"),
    "weekday": ("يوم الأسبوع", "weekday"),
    "count": ("عدد", "count"),
    "timeline": ("تسلسل زمني", "timeline"),
    "presence": ("وجود", "presence"),
    "location": ("مكان", "location"),
    "plan_change": ("تغيّر خطة", "plan change"),
    "other": ("أخرى", "other"),
}
SEVERITY_LABELS: dict[str, tuple[str, str]] = {
    "high": ("عالية", "high"),
    "medium": ("متوسطة", "medium"),
    "low": ("منخفضة", "low"),
}
CERTAINTY_LABELS: dict[str, tuple[str, str]] = {
    "hard": ("مؤكد", "hard"),
    "soft": ("محتمل", "soft"),
}
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "open": ("بانتظار المراجعة", "open"),
    "confirmed": ("تناقض مؤكَّد", "confirmed"),
    "dismissed": ("مرفوض", "dismissed"),
}
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "event": ("الحدث", "event"),
    "phase": ("المرحلة", "phase"),
    "modality": ("الصيغة", "modality"),
    "time": ("الزمن", "time"),
    "quantity": ("العدد", "quantity"),
    "location": ("المكان", "location"),
    "destinations": ("الوجهة", "destinations"),
    "actors": ("الفاعلون", "actors"),
    "attribution": ("المصدر", "attribution"),
}
FACT_LABELS: dict[str, tuple[str, str]] = {
    "occurrence": ("الوقوع", "occurrence"),
    "time": ("الزمن", "time"),
    "quantity": ("العدد", "quantity"),
    "destination": ("الوجهة", "destination"),
}
# A side shows this many quotes; the rest are one click away.
SIDE_QUOTES_SHOWN = 3

FONT_STACK = (
    '"Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "Geeza Pro", "Segoe UI", Tahoma, '
    "sans-serif"
)


def safe_url(url: object) -> str | None:
    """``url`` when it is an absolute http(s) URL that is safe to put in ``href``, else
    None (``javascript:``, ``data:``, relative paths and anything malformed stay text)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or any(ord(ch) < 0x21 or ch in '<>"\'`\\' for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def reports_ar(count: int) -> str:
    """A number of reports in Arabic, with the noun the number takes."""
    if count == 1:
        return "تقرير واحد"
    if count == 2:
        return "تقريران"
    if 3 <= count <= 10:
        return f"{count} تقارير"
    return f"{count} تقريراً"


# -- highlighting ----------------------------------------------------------------------------

# (text, compared words, the claim's own quote inside a wider sentence)
Segment = tuple[str, bool, bool]


def _merge(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(r for r in ranges if r[1] > r[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def local_range(
    text: str, text_start: int | None, span: Span | None, fallback: str = ""
) -> tuple[int, int] | None:
    """Where a compared value lies inside ``text`` (which starts at article offset
    ``text_start``): from the value's article offsets when they fall inside the text and
    agree with its recorded text, else the first occurrence of that text; None if neither."""
    needle = ""
    if span is not None:
        needle = span.text
        if (
            text_start is not None
            and text_start <= span.start < span.end <= text_start + len(text)
        ):
            local = (span.start - text_start, span.end - text_start)
            if not needle or text[local[0] : local[1]] == needle:
                return local
    needle = needle or fallback
    if needle:
        found = text.find(needle)
        if found >= 0:
            return (found, found + len(needle))
    return None


def segments(
    text: str, ranges: Iterable[tuple[int, int]], evidence: tuple[int, int] | None = None
) -> list[Segment]:
    """``text`` cut into (piece, highlighted, in evidence) parts; the template escapes every
    piece. ``evidence`` is given when ``text`` is a sentence around the claim's quote."""
    n = len(text)
    marks = [(max(0, a), min(n, b)) for a, b in _merge(ranges) if min(n, b) > max(0, a)]
    cuts = {0, n}
    for a, b in [*marks, *([evidence] if evidence else [])]:
        cuts.update((max(0, min(n, a)), max(0, min(n, b))))
    out: list[Segment] = []
    points = sorted(cuts)
    for a, b in zip(points, points[1:], strict=False):
        hit = any(ma <= a and b <= mb for ma, mb in marks)
        ev = evidence is not None and evidence[0] <= a and b <= evidence[1]
        if out and out[-1][1] == hit and out[-1][2] == ev:
            out[-1] = (out[-1][0] + text[a:b], hit, ev)
        else:
            out.append((text[a:b], hit, ev))
    return out or [("", False, False)]


# -- view model ------------------------------------------------------------------------------


def _label(table: Mapping[str, tuple[str, str]], value: object) -> dict[str, str]:
    key = str(value) if value is not None else ""
    ar, en = table.get(key, (key, key))
    return {"value": key, "ar": ar, "en": en}


def _field_label(field: object) -> dict[str, str]:
    """A compared field ("time.weekday") under its slot's label ("الزمن")."""
    key = str(field or "")
    head, _, rest = key.partition(".")
    ar, en = FIELD_LABELS.get(head, (key, key))
    return {"value": key, "ar": f"{ar} ({rest})" if rest else ar, "en": key if rest else en}


@lru_cache(maxsize=1)
def _rule_summaries() -> dict[str, str]:
    """English one-liners of the registered rules, by versioned name (for tooltips)."""
    try:
        from checker.rules.registry import default_registry

        specs = default_registry().specs
    except Exception:  # noqa: BLE001 - a tooltip must never break the report
        return {}
    return {spec.name: spec.summary for spec in specs}


def _ranges(
    text: str, start: int | None, quotes: Sequence[ReportQuote]
) -> list[tuple[int, int] | None]:
    return [local_range(text, start, q.compared) for q in quotes if q.compared is not None]


def quote_view(
    quotes: Sequence[ReportQuote],
    articles: Mapping[str, ReportArticle],
    sentence: Span | None = None,
    new_articles: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """One claim on one side: its quote with every compared word marked. ``quotes`` are
    that claim's quotes on the side (one per compared value); ``sentence`` the claim's
    sentence, shown instead of the quote when a compared word lies outside the quote."""
    first = max(quotes, key=lambda q: len(q.quote))
    text, start = first.quote, first.start
    found = _ranges(text, start, quotes)
    evidence = None
    # A compared word outside the quote (a date earlier in the sentence): show the whole
    # sentence, with the quote set off, so that the word can be marked where it stands.
    if None in found and sentence is not None and sentence.text:
        wider = _ranges(sentence.text, sentence.start, quotes)
        where = local_range(
            sentence.text, sentence.start,
            Span(start=start, end=first.end, text=text)
            if start is not None and first.end is not None and first.end >= start
            else None,
            text,
        )
        if where is not None and sum(r is not None for r in wider) > sum(
            r is not None for r in found
        ):
            text, found, evidence = sentence.text, wider, where
    ranges = [r for r in found if r is not None]
    article = articles.get(first.article_id or "")
    values = list(dict.fromkeys((q.field, q.value) for q in quotes if q.field or q.value))
    return {
        "claim_id": first.claim_id,
        "article_id": first.article_id,
        "article_name": first.article_name or (article.name if article else None),
        "title": article.title if article else "",
        "outlet": first.outlet or (article.outlet if article else None),
        "published": first.published or (article.published if article else None),
        "url": article.url if article else None,
        "href": safe_url(article.url) if article else None,
        "segments": segments(text, ranges, evidence),
        "marked": bool(ranges),
        "in_sentence": evidence is not None,
        "start": start,
        "end": first.end,
        "inferred": any(q.inferred for q in quotes),
        "is_new": first.article_id in new_articles,
        "values": [{"field": _field_label(f), "value": v} for f, v in values],
    }


def side_view(
    index: int,
    side: ReportSide,
    articles: Mapping[str, ReportArticle],
    sentences: Mapping[str, Span],
    new_articles: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    by_claim: dict[str, list[ReportQuote]] = {}
    for quote in side.quotes:
        by_claim.setdefault(quote.claim_id, []).append(quote)
    quotes = [
        quote_view(group, articles, sentences.get(claim_id), new_articles)
        for claim_id, group in by_claim.items()
    ]
    return {
        "label": side_label(index),
        "value": side.value,
        "tally": side.tally,
        "tally_ar": reports_ar(side.tally),
        "claim_ids": side.claim_ids,
        "shown": quotes[:SIDE_QUOTES_SHOWN],
        "more": quotes[SIDE_QUOTES_SHOWN:],
        "inferred": sum(1 for q in quotes if q["inferred"]),
        "gained": any(q["is_new"] for q in quotes),
    }


def finding_view(
    finding: ReportFinding,
    articles: Mapping[str, ReportArticle],
    delta_new: frozenset[str] = frozenset(),
    sentences: Mapping[str, Span] | None = None,
    new_articles: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """One finding ready for the template: labels, sides with their quotes highlighted,
    review. ``sentences``: each claim's sentence span (with text), by claim ID, when
    known; ``new_articles``: reports that joined a side since the previous run."""
    sides = [
        side_view(i, side, articles, sentences or {}, new_articles)
        for i, side in enumerate(finding.sides)
    ]
    review = finding.review.model_dump(mode="json")
    return {
        "id": finding.id,
        "rule": finding.rule,
        "rule_summary": _rule_summaries().get(finding.rule, ""),
        "code": finding.code,
        "fact": finding.fact,
        "kind": _label(KIND_LABELS, finding.kind),
        "severity": _label(SEVERITY_LABELS, finding.severity),
        "certainty": _label(CERTAINTY_LABELS, finding.certainty),
        "certainty_reason": finding.certainty_reason,
        "certainty_reason_ar": finding.certainty_reason_ar,
        "status": _label(STATUS_LABELS, finding.review.status),
        "event_id": finding.event_id,
        "claim_ids": list(finding.claim_ids),
        "sides": sides,
        "one_claim": len(finding.claim_ids) == 1,
        "explanation_ar": finding.explanation_ar,
        "explanation_en": finding.explanation_en,
        "review": review,
        "is_new": finding.id in delta_new,
        "gained": any(side["gained"] for side in sides),
    }


def fact_views(facts: Sequence[ReportFact]) -> list[dict[str, Any]]:
    """An event's facts for the template: label, key and each value with its tally."""
    return [
        {
            "kind": _label(FACT_LABELS, fact.kind),
            "fact": fact.fact,
            "values": [
                {"value": v.value, "tally": v.tally, "tally_ar": reports_ar(v.tally)}
                for v in fact.values
            ],
            "disputed": len(fact.values) > 1,
        }
        for fact in facts
    ]


def claim_view(claim: ReportClaim, finding_ids: Sequence[str] = ()) -> dict[str, Any]:
    """One claim ready for the template: its sentence with the evidence highlighted."""
    context = claim.sentence.text
    rng = local_range(context, claim.sentence.start, claim.evidence, claim.quote) if context \
        else None
    if not context or rng is None:
        context = claim.quote
        rng = (0, len(context))
    return {
        "id": claim.id,
        "article_id": claim.article_id,
        "article_name": claim.article_name,
        "outlet": claim.outlet,
        "published": claim.published,
        "url": claim.url,
        "href": safe_url(claim.url),
        "quote": claim.quote,
        "segments": segments(context, [rng]),
        "event": claim.event,
        "event_id": claim.event_id,
        "slots": [
            {"field": _field_label(key), "value": value}
            for key, value in claim.slots_text.items()
        ],
        "evidence": claim.evidence,
        "finding_ids": list(finding_ids),
    }


def _counted(values: Iterable[str], table: Mapping[str, tuple[str, str]],
             known: Sequence[str]) -> list[dict[str, Any]]:
    """Filter options: every known value, then any other value the data has."""
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    order = list(known) + sorted(v for v in counts if v not in known)
    return [{**_label(table, v), "count": counts.get(v, 0)} for v in order]


def _gone(finding: Finding | FindingRef) -> dict[str, Any]:
    """A resolved finding: whatever is known of it (the whole finding or only its ID)."""
    if isinstance(finding, FindingRef):
        return {"id": finding.id, "code": "", "kind": None, "explanation_ar": ""}
    return {
        "id": finding.id,
        "code": finding.code,
        "kind": _label(KIND_LABELS, finding.kind),
        "explanation_ar": finding.explanation_ar,
    }


def delta_view(delta: Delta | None) -> dict[str, Any] | None:
    """The "since the previous run" section."""
    if delta is None:
        return None
    counts = delta.counts
    view: dict[str, Any] = {
        "previous_run": delta.previous_run_id,
        "first_run": delta.previous_run_id is None,
        "new": {"ids": [f.id for f in delta.new], "count": counts.get("new", len(delta.new))},
        "open": {"ids": delta.open, "count": counts.get("open", len(delta.open))},
        "resolved": {
            "items": [_gone(f) for f in delta.resolved],
            "count": counts.get("resolved", len(delta.resolved)),
        },
        "updated": {
            "items": [
                {
                    "id": update.id,
                    "code": update.code,
                    "kind": _label(KIND_LABELS, update.kind),
                    "sides": [
                        {
                            "value": gain.value,
                            "tally_ar": reports_ar(gain.tally),
                            "previous_ar": reports_ar(gain.previous_tally)
                            if gain.previous_tally else "",
                            "articles": [a.name or a.id for a in gain.new_articles],
                            "new_claims": len(gain.new_claim_ids),
                        }
                        for gain in update.sides
                    ],
                }
                for update in delta.updated
            ],
            "count": counts.get("updated", len(delta.updated)),
        },
    }
    return view


def _event_entry(event: ReportEvent, findings: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": event.id,
        "label": event.label,
        "label_ar": event.label_ar,
        "event": event.event,
        "location_key": event.location_key,
        "facts": fact_views(event.facts),
        "findings": findings,
    }


def report_context(
    report: Report, *, live: bool = False, token_required: bool = False
) -> dict[str, Any]:
    """Everything the report template needs, derived from the report."""
    articles = {a.id: a for a in report.articles}
    delta = delta_view(report.delta)
    new_ids = frozenset(delta["new"]["ids"]) if delta else frozenset()
    gained: dict[str, frozenset[str]] = {
        update.id: frozenset(a.id for gain in update.sides for a in gain.new_articles)
        for update in (report.delta.updated if report.delta else [])
    }
    sentences = {
        c.id: c.sentence
        for c in [*(c for e in report.events for c in e.claims), *report.claims_outside_events]
    }

    claim_findings: dict[str, list[str]] = {}
    all_findings: list[dict[str, Any]] = []

    def view(finding: ReportFinding) -> dict[str, Any]:
        for claim_id in finding.claim_ids:
            claim_findings.setdefault(claim_id, []).append(finding.id)
        item = finding_view(
            finding, articles, new_ids, sentences, gained.get(finding.id, frozenset())
        )
        all_findings.append(item)
        return item

    entries = [_event_entry(event, [view(f) for f in event.findings]) for event in report.events]
    outside = [view(f) for f in report.findings_outside_events]
    # Claims last: they link to every finding they are part of.
    for entry, event in zip(entries, report.events, strict=True):
        entry["claims"] = [claim_view(c, claim_findings.get(c.id, ())) for c in event.claims]
    events_with = [entry for entry in entries if entry["findings"]]
    events_without = [entry for entry in entries if not entry["findings"]]
    claims_outside: dict[str, list[dict[str, Any]]] = {}
    for claim in report.claims_outside_events:
        claims_outside.setdefault(claim.article_name or "?", []).append(
            claim_view(claim, claim_findings.get(claim.id, ()))
        )

    summary = report.summary
    filters = [
        ("kind", "النوع", "kind", _counted(
            (f["kind"]["value"] for f in all_findings), KIND_LABELS, get_args(FindingKind))),
        ("severity", "الخطورة", "severity", _counted(
            (f["severity"]["value"] for f in all_findings), SEVERITY_LABELS,
            get_args(Severity))),
        ("certainty", "اليقين", "certainty", _counted(
            (f["certainty"]["value"] for f in all_findings), CERTAINTY_LABELS,
            get_args(Certainty))),
        ("status", "المراجعة", "review", _counted(
            (f["status"]["value"] for f in all_findings), STATUS_LABELS,
            get_args(ReviewStatus))),
    ]
    articles_view = [
        {**a.model_dump(mode="json"), "href": safe_url(a.url)} for a in report.articles
    ]
    return {
        "generated_at": report.generated_at.isoformat(),
        "run_id": report.run.id if report.run else None,
        "schema_version": report.schema_version,
        "summary": summary,
        "kind_counts": [
            {**_label(KIND_LABELS, k), "count": v}
            for k, v in sorted(summary.findings_by_kind.items())
        ],
        "severity_counts": [
            {**_label(SEVERITY_LABELS, k), "count": summary.findings_by_severity.get(k, 0)}
            for k in get_args(Severity)
        ],
        "status_counts": [
            {**_label(STATUS_LABELS, k), "count": summary.findings_by_status.get(k, 0)}
            for k in get_args(ReviewStatus)
        ],
        "delta": delta,
        "events_with_findings": events_with,
        "events_without_findings": events_without,
        "findings_outside": outside,
        "claims_outside": claims_outside,
        "articles": articles_view,
        "rejected": [r.model_dump(mode="json") for r in report.rejected],
        "total_findings": len(all_findings),
        "filters": filters,
        "live": live,
        "token_required": token_required,
    }


# -- rendering -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def environment() -> Environment:
    # autoescape=True for every template: nothing from a report reaches the page unescaped.
    env = Environment(
        loader=PackageLoader("checker", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(status_labels=STATUS_LABELS)
    return env


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


@lru_cache(maxsize=1)
def assets() -> tuple[str, str]:
    """The page's inline stylesheet and script (static: no report data in them)."""
    env = environment()
    css = env.get_template("report.css").render(font_stack=Markup(FONT_STACK))
    js = env.get_template("report.js").render()
    if "</" in css or "</" in js:
        raise ValueError("inline assets must not contain '</'")
    return css, js


def content_security_policy(*, served: bool, meta: bool = False) -> str:
    """Only the page's own inline style and script; no other source of anything. A served
    page may also call its own API (``connect-src 'self'``). ``meta``: the copy inside
    the page, where browsers ignore ``frame-ancestors`` (the HTTP header carries it)."""
    css, js = assets()
    parts = [
        "default-src 'none'",
        f"style-src {_csp_hash(css)}",
        f"script-src {_csp_hash(js)}",
        "img-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "connect-src 'self'" if served else "connect-src 'none'",
    ]
    if served and not meta:
        parts.append("frame-ancestors 'none'")
    return "; ".join(parts)


def _render(template: str, context: dict[str, Any], *, served: bool) -> str:
    css, js = assets()
    context = {
        **context,
        "style": Markup(css),  # our own static stylesheet, not report data
        "script": Markup(js),  # our own static script, not report data
        "csp": content_security_policy(served=served, meta=True),
        "served": served,
    }
    return environment().get_template(template).render(**context)


def render_report_html(
    report: Report, *, live: bool = False, token_required: bool = False
) -> str:
    """The whole report as one self-contained HTML page.

    ``live`` turns on the review buttons (the page is served by ``claimcheck serve`` and can
    post decisions); ``token_required`` shows a field for the API token.
    """
    context = report_context(report, live=live, token_required=token_required)
    return _render("report.html", context, served=live)


def write_report_html(report: Report, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report_html(report), encoding="utf-8")


def _article_view(article: ReportArticle | None) -> dict[str, Any]:
    if article is None:
        return {"name": None, "title": "", "href": None}
    return {**article.model_dump(mode="json"), "href": safe_url(article.url)}


def render_claim_page(
    details: ClaimDetails,
    articles: Mapping[str, ReportArticle],
    *,
    live: bool = True,
    token_required: bool = False,
) -> str:
    """One claim's page (the HTML twin of ``GET /claims/{id}``): ``articles`` are the
    involved articles by ID."""
    claim = details.claim
    sentences = {claim.id: claim.sentence}
    findings = [finding_view(f, articles, sentences=sentences) for f in details.findings]
    context = {
        "claim": claim_view(claim, [f["id"] for f in findings]),
        "article": _article_view(articles.get(claim.article_id)),
        "article_title": details.article_title,
        "event": details.event,
        "agrees_with": [claim_view(c) for c in details.agrees_with],
        "agrees_unread": details.agrees_unread,
        "findings": findings,
        "live": live,
        "token_required": token_required,
    }
    return _render("claim.html", context, served=live)


def render_finding_page(
    details: FindingDetails,
    articles: Mapping[str, ReportArticle],
    *,
    live: bool = True,
    token_required: bool = False,
) -> str:
    """One finding's page (the HTML twin of ``GET /findings/{id}``): its sides with every
    quote, its event's facts and its claims; ``articles`` are the involved articles."""
    sentences = {c.id: c.sentence for c in details.claims}
    finding = finding_view(details.finding, articles, sentences=sentences)
    context = {
        "f": finding,
        "event": details.event,
        "facts": fact_views(details.event.facts) if details.event else [],
        "claims": [claim_view(c, [finding["id"]]) for c in details.claims],
        "live": live,
        "token_required": token_required,
    }
    return _render("finding.html", context, served=live)
