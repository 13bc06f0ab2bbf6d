"""The HTML report: the report dict (``build_report``) rendered with Jinja2.

JSON first: this module renders the very dict that ``report.json`` holds and adds nothing
that is not derived from it (highlight ranges, safe links, labels). Templates live in
``checker/templates`` with autoescaping on for everything; article text, titles, outlets
and URLs come from outside and are only ever shown as text. A URL becomes a link only
when it is ``http`` or ``https``.

The page is one self-contained file: CSS and JavaScript are inline, there is no external
resource at all, and a Content-Security-Policy allows only that exact script and style
(by hash), so even a markup mistake could not run injected script. The same template,
with ``live=True``, is what the API serves at ``/``: review buttons then post decisions
back to the server.
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

from claims.model import Certainty, FindingKind, ReviewStatus, Severity

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
    text: str, text_start: int | None, span: Mapping[str, Any] | None, fallback: str = ""
) -> tuple[int, int] | None:
    """Where a compared value lies inside ``text`` (which starts at article offset
    ``text_start``): from the value's article offsets when they fall inside the text and
    agree with its recorded text, else the first occurrence of that text; None if neither."""
    needle = ""
    if span:
        needle = str(span.get("text") or "")
        start, end = span.get("start"), span.get("end")
        if (
            text_start is not None
            and isinstance(start, int)
            and isinstance(end, int)
            and text_start <= start < end <= text_start + len(text)
        ):
            local = (start - text_start, end - text_start)
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
    text: str, start: int | None, values: Sequence[Mapping[str, Any]]
) -> list[tuple[int, int] | None]:
    return [
        local_range(text, start, v.get("span"), str(v.get("quote") or "")) for v in values
    ]


def _quote_view(
    quote: Mapping[str, Any],
    values: Sequence[Mapping[str, Any]],
    articles: Mapping[str, Mapping[str, Any]],
    sentence: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    text = str(quote.get("quote") or "")
    start = quote.get("start") if isinstance(quote.get("start"), int) else None
    found = _ranges(text, start, values)
    evidence = None
    # A compared word outside the quote (a date earlier in the sentence): show the whole
    # sentence, with the quote set off, so that the word can be marked where it stands.
    if None in found and sentence and sentence.get("text"):
        s_text = str(sentence["text"])
        s_start = sentence.get("start") if isinstance(sentence.get("start"), int) else None
        wider = _ranges(s_text, s_start, values)
        where = local_range(s_text, s_start, {"start": start, "end": quote.get("end"),
                                              "text": text})
        if where is not None and sum(r is not None for r in wider) > sum(
            r is not None for r in found
        ):
            text, found, evidence = s_text, wider, where
    ranges = [r for r in found if r is not None]
    article = articles.get(str(quote.get("article_id") or ""), {})
    return {
        "claim_id": quote.get("claim_id", ""),
        "article_id": quote.get("article_id"),
        "article_name": quote.get("article_name") or article.get("name"),
        "title": article.get("title") or "",
        "outlet": quote.get("outlet") or article.get("outlet"),
        "published": quote.get("published") or article.get("published"),
        "url": article.get("url"),
        "href": safe_url(article.get("url")),
        "segments": segments(text, ranges, evidence),
        "marked": bool(ranges),
        "in_sentence": evidence is not None,
        "start": start,
        "end": quote.get("end"),
        "values": [
            {"field": _field_label(v.get("field")), "value": v.get("value", "")}
            for v in values
        ],
    }


def finding_view(
    finding: Mapping[str, Any],
    articles: Mapping[str, Mapping[str, Any]],
    delta_new: frozenset[str] = frozenset(),
    sentences: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """One finding ready for the template: labels, quotes with highlights, review.
    ``sentences``: each claim's sentence span (with text), by claim ID, when known."""
    values = list(finding.get("values") or [])
    quotes = []
    for quote in finding.get("quotes") or []:
        claim_id = str(quote.get("claim_id"))
        mine = [v for v in values if v.get("claim_id") == claim_id]
        quotes.append(_quote_view(quote, mine, articles, (sentences or {}).get(claim_id)))
    review = dict(finding.get("review") or {})
    status = str(review.get("status") or "open")
    rule = str(finding.get("rule", ""))
    return {
        "id": finding.get("id", ""),
        "rule": rule,
        "rule_summary": _rule_summaries().get(rule, ""),
        "code": finding.get("code", ""),
        "kind": _label(KIND_LABELS, finding.get("kind")),
        "severity": _label(SEVERITY_LABELS, finding.get("severity")),
        "certainty": _label(CERTAINTY_LABELS, finding.get("certainty")),
        "status": _label(STATUS_LABELS, status),
        "event_id": finding.get("event_id"),
        "claim_ids": list(finding.get("claim_ids") or []),
        "quotes": quotes,
        "explanation_ar": finding.get("explanation_ar") or "",
        "explanation_en": finding.get("explanation_en") or "",
        "review": review,
        "is_new": finding.get("id") in delta_new,
    }


def claim_view(
    claim: Mapping[str, Any], finding_ids: Sequence[str] = ()
) -> dict[str, Any]:
    """One claim ready for the template: its sentence with the evidence highlighted."""
    sentence = dict(claim.get("sentence") or {})
    evidence = dict(claim.get("evidence") or {})
    context = str(sentence.get("text") or "")
    s_start = sentence.get("start")
    rng = (
        local_range(context, s_start if isinstance(s_start, int) else None, evidence,
                    str(claim.get("quote") or ""))
        if context
        else None
    )
    if not context or rng is None:
        context = str(claim.get("quote") or "")
        rng = (0, len(context))
    return {
        "id": claim.get("id", ""),
        "article_id": claim.get("article_id"),
        "article_name": claim.get("article_name"),
        "outlet": claim.get("outlet"),
        "published": claim.get("published"),
        "url": claim.get("url"),
        "href": safe_url(claim.get("url")),
        "quote": claim.get("quote", ""),
        "segments": segments(context, [rng]),
        "event": claim.get("event"),
        "event_id": claim.get("event_id"),
        "slots": [
            {"field": _field_label(key), "value": value}
            for key, value in (claim.get("slots_text") or {}).items()
        ],
        "evidence": evidence,
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


def _ids(value: object) -> list[str]:
    """IDs from a delta entry: a list of IDs or of objects with an ``id``."""
    if not isinstance(value, list):
        return []
    out = []
    for item in value:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, Mapping) and isinstance(item.get("id"), str):
            out.append(item["id"])
    return out


def _gone(value: object) -> list[dict[str, Any]]:
    """Resolved findings: whatever is known of each (a whole finding or only its ID)."""
    if not isinstance(value, list):
        return []
    out: list[dict[str, Any]] = []
    for item in value:
        if isinstance(item, str):
            out.append({"id": item, "code": "", "kind": None, "explanation_ar": ""})
        elif isinstance(item, Mapping) and isinstance(item.get("id"), str):
            out.append(
                {
                    "id": item["id"],
                    "code": str(item.get("code") or ""),
                    "kind": _label(KIND_LABELS, item["kind"]) if item.get("kind") else None,
                    "explanation_ar": str(item.get("explanation_ar") or ""),
                }
            )
    return out


def delta_view(delta: object) -> dict[str, Any] | None:
    """The "since the previous run" section, read defensively: each of new / open /
    resolved may be a list of IDs or of findings, with or without a ``counts`` map."""
    if not isinstance(delta, Mapping):
        return None
    counts = delta.get("counts")
    counts_in: Mapping[str, Any] = counts if isinstance(counts, Mapping) else {}
    previous = delta.get("previous_run_id", delta.get("previous_run"))
    view: dict[str, Any] = {
        "previous_run": previous if isinstance(previous, str) else None,
        "first_run": "previous_run_id" in delta and previous is None,
    }
    for key in ("new", "open", "resolved"):
        ids = _ids(delta.get(key))
        count = counts_in.get(key, delta.get(f"{key}_count"))
        view[key] = {"ids": ids, "count": count if isinstance(count, int) else len(ids)}
    view["resolved"]["items"] = _gone(delta.get("resolved"))
    return view


def report_context(
    report: Mapping[str, Any], *, live: bool = False, token_required: bool = False
) -> dict[str, Any]:
    """Everything the report template needs, derived from the report dict."""
    articles = {str(a.get("id")): a for a in report.get("articles") or []}
    delta = delta_view(report.get("delta"))
    new_ids = frozenset(delta["new"]["ids"]) if delta else frozenset()
    sentences = {
        str(c.get("id")): c.get("sentence") or {}
        for c in [
            *(c for e in report.get("events") or [] for c in e.get("claims") or []),
            *(report.get("claims_outside_events") or []),
        ]
    }

    claim_findings: dict[str, list[str]] = {}
    all_findings: list[dict[str, Any]] = []

    def view(finding: Mapping[str, Any]) -> dict[str, Any]:
        for claim_id in finding.get("claim_ids") or []:
            claim_findings.setdefault(claim_id, []).append(str(finding.get("id")))
        item = finding_view(finding, articles, new_ids, sentences)
        all_findings.append(item)
        return item

    events_with: list[dict[str, Any]] = []
    events_without: list[dict[str, Any]] = []
    for event in report.get("events") or []:
        findings = [view(f) for f in event.get("findings") or []]
        entry = {
            "id": event.get("id", ""),
            "label": event.get("label", ""),
            "label_ar": event.get("label_ar") or "",
            "event": event.get("event", ""),
            "location_key": event.get("location_key"),
            "findings": findings,
            "claims_raw": event.get("claims") or [],
        }
        (events_with if findings else events_without).append(entry)
    outside = [view(f) for f in report.get("findings_outside_events") or []]

    for entry in events_with + events_without:
        entry["claims"] = [
            claim_view(c, claim_findings.get(str(c.get("id")), ()))
            for c in entry.pop("claims_raw")
        ]
    claims_outside: dict[str, list[dict[str, Any]]] = {}
    for claim in report.get("claims_outside_events") or []:
        claims_outside.setdefault(str(claim.get("article_name") or "?"), []).append(
            claim_view(claim, claim_findings.get(str(claim.get("id")), ()))
        )

    summary = report.get("summary") or {}
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
        {**a, "href": safe_url(a.get("url"))} for a in report.get("articles") or []
    ]
    return {
        "report": report,
        "summary": summary,
        "kind_counts": [
            {**_label(KIND_LABELS, k), "count": v}
            for k, v in sorted((summary.get("findings_by_kind") or {}).items())
        ],
        "severity_counts": [
            {**_label(SEVERITY_LABELS, k), "count": (summary.get("findings_by_severity") or {})
             .get(k, 0)}
            for k in get_args(Severity)
        ],
        "status_counts": [
            {**_label(STATUS_LABELS, k), "count": (summary.get("findings_by_status") or {})
             .get(k, 0)}
            for k in get_args(ReviewStatus)
        ],
        "delta": delta,
        "events_with_findings": events_with,
        "events_without_findings": events_without,
        "findings_outside": outside,
        "claims_outside": claims_outside,
        "articles": articles_view,
        "rejected": report.get("rejected") or [],
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
    report: Mapping[str, Any], *, live: bool = False, token_required: bool = False
) -> str:
    """The whole report as one self-contained HTML page.

    ``live`` turns on the review buttons (the page is served by ``claimcheck serve`` and can
    post decisions); ``token_required`` shows a field for the API token.
    """
    context = report_context(report, live=live, token_required=token_required)
    return _render("report.html", context, served=live)


def write_report_html(report: Mapping[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report_html(report), encoding="utf-8")


def render_claim_page(
    details: Mapping[str, Any],
    articles: Mapping[str, Mapping[str, Any]],
    *,
    live: bool = True,
    token_required: bool = False,
) -> str:
    """One claim's page (the HTML twin of ``GET /claims/{id}``): ``details`` is
    ``claim_details(...).model_dump(mode="json")``, ``articles`` the involved articles by
    ID (without text)."""
    claim = dict(details.get("claim") or {})
    sentences = {str(claim.get("id")): claim.get("sentence") or {}}
    findings = [
        finding_view(f, articles, sentences=sentences) for f in details.get("findings") or []
    ]
    article = articles.get(str(claim.get("article_id")), {})
    context = {
        "claim": claim_view(claim, [f["id"] for f in findings]),
        "article": {**article, "href": safe_url(article.get("url"))},
        "article_title": details.get("article_title") or "",
        "event": details.get("event"),
        "agrees_with": [claim_view(c) for c in details.get("agrees_with") or []],
        "agrees_unread": int(details.get("agrees_unread") or 0),
        "findings": findings,
        "live": live,
        "token_required": token_required,
    }
    return _render("claim.html", context, served=live)
