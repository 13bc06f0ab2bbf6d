"""Exports for other tools: schema.org ClaimReview (JSON-LD) and CSV for spreadsheets.

**ClaimReview.** Only *reviewed* findings are exported (confirmed or dismissed; open
findings and findings that need more information are not a verdict). schema.org reviews
one claim per ``ClaimReview``, and a finding is a disagreement between claims, so each
side of a finding becomes one ``ClaimReview``:

- ``claimReviewed``: the words of the side's first report (its quote);
- ``itemReviewed``: one ``Claim`` (the side's value as its description), with an
  ``appearance`` per report on the side (a ``NewsArticle`` with URL, headline, date and
  the outlet as publisher ``Organization``), the earliest report's outlet as ``author``
  and its date as ``datePublished``;
- ``reviewRating``: what the editor decided about the disagreement. ``confirmed``: 1 of
  2, "Contradicted by another report" (the reports cannot all be right); ``dismissed``:
  2 of 2, "Not a contradiction" (the editor found them compatible);
- ``author``: the reviewing ``Organization`` (its name and ``base_url``), the editor as
  ``editor``; ``url``: the finding's page under ``base_url`` (what ``claimcheck serve``
  serves); ``datePublished``: the day of the decision.

IDs are stable URNs: ``urn:claimcheck:finding:<finding id>:side:<key>`` for a review and
``urn:claimcheck:finding:<finding id>:claim:<key>`` for its claim (the key is a hash of
the side's value, so it survives a new report joining the finding),
``urn:claimcheck:article:<article id>``, so a re-export updates rather than duplicates
wherever the data is loaded. An article URL is exported only when it is http(s).

**CSV.** One row per finding with its first two sides, A and B (value, tally of reports,
and of every report on the side: claim, article, outlet, date, URL, quote, joined by
``" | "``), any further sides in one cell, the fact, rule, kind, severity, certainty and
why, and the review. Written as UTF-8 with a byte-order mark so that spreadsheet
programs read Arabic correctly. Cells that a spreadsheet would
take for a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) are
prefixed with ``'`` because article text comes from outside.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from typing import Any, Literal

from checker.html_report import safe_url
from checker.store import Store
from claims.model import Article, Claim, Finding, FindingSide, ReviewStatus, stable_hash

ExportFormat = Literal["claimreview", "csv"]
FORMATS: tuple[ExportFormat, ...] = ("claimreview", "csv")

URN = "urn:claimcheck"
# Where `claimcheck serve` answers by default: the finding pages the reviews point to.
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_ORGANIZATION = "claimcheck"
VERDICTS: tuple[ReviewStatus, ...] = ("confirmed", "dismissed")
RATINGS: dict[str, tuple[int, str, str]] = {
    "confirmed": (1, "Contradicted by another report", "تناقض مؤكد مع تقرير آخر"),
    "dismissed": (2, "Not a contradiction", "لا تناقض"),
}


def _related(
    store: Store, findings: Sequence[Finding]
) -> tuple[dict[str, Claim], dict[str, Article]]:
    claim_ids = sorted({cid for f in findings for cid in f.claim_ids})
    claims = {c.id: c for c in store.claims(ids=claim_ids)}
    articles = {
        a.id: a for a in store.articles(ids=sorted({c.article_id for c in claims.values()}))
    }
    return claims, articles


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def check_base_url(base_url: str) -> str:
    """The base URL without a trailing slash; ``ValueError`` unless absolute http(s)."""
    url = safe_url(base_url)
    if url is None:
        raise ValueError(f"not an absolute http(s) URL: {base_url!r}")
    return url.rstrip("/")


def _organization(name: str | None) -> dict[str, Any] | None:
    return {"@type": "Organization", "name": name} if name else None


def _article_node(article: Article) -> dict[str, Any]:
    return _compact(
        {
            "@type": "NewsArticle",
            "@id": f"{URN}:article:{article.id}",
            "url": safe_url(article.url),
            "headline": article.title,
            "datePublished": article.published.isoformat() if article.published else None,
            "inLanguage": article.language,
            "publisher": _organization(article.outlet),
            "identifier": article.name,
        }
    )


def side_key(side: FindingSide) -> str:
    """A short stable key of a side, from its value (the side's place in the list can
    change when a new report brings a new value)."""
    return stable_hash(side.value, length=8)


def _side_articles(
    side: FindingSide, claims: dict[str, Claim], articles: dict[str, Article]
) -> list[Article]:
    """Each report on the side once, in the side's order."""
    found: dict[str, Article] = {}
    for claim_id in side.claim_ids:
        claim = claims.get(claim_id)
        article = articles.get(claim.article_id) if claim else None
        if article is not None:
            found.setdefault(article.id, article)
    return list(found.values())


def _earliest(reports: Sequence[Article]) -> Article | None:
    dated = [a for a in reports if a.published]
    return min(dated, key=lambda a: a.published or date.max) if dated else None


def claim_reviews(
    finding: Finding,
    claims: dict[str, Claim],
    articles: dict[str, Article],
    *,
    base_url: str = DEFAULT_BASE_URL,
    organization: str = DEFAULT_ORGANIZATION,
) -> list[dict[str, Any]]:
    """One reviewed finding as schema.org ClaimReviews, one per side (JSON-LD nodes,
    no @context)."""
    status = finding.review_status
    if status not in RATINGS:
        raise ValueError(f"finding {finding.id} is not reviewed (status {status!r})")
    base = check_base_url(base_url)
    value, name_en, name_ar = RATINGS[status]
    rating = {
        "@type": "Rating",
        "ratingValue": value,
        "worstRating": 1,
        "bestRating": 2,
        "alternateName": name_en,
        "name": name_ar,
    }
    author = {"@type": "Organization", "name": organization, "url": base}
    reviewed = finding.reviewed_at
    reviews = []
    for side in finding.sides:
        reports = _side_articles(side, claims, articles)
        first = next((claims[c] for c in side.claim_ids if c in claims), None)
        earliest = _earliest(reports)
        # Who made the claim: the earliest report's outlet, else the first one named.
        publisher = next(
            (a for a in ([earliest] if earliest else []) + reports if a.outlet), None
        )
        quote = first.quote if first else ""
        language = reports[0].language if reports else "ar"
        item = _compact(
            {
                "@type": "Claim",
                "@id": f"{URN}:finding:{finding.id}:claim:{side_key(side)}",
                "text": quote,
                "description": side.value,
                "inLanguage": language,
                "appearance": [_article_node(a) for a in reports],
                "author": _organization(publisher.outlet if publisher else None),
                "datePublished": earliest.published.isoformat()
                if earliest and earliest.published
                else None,
                "identifier": list(side.claim_ids),
            }
        )
        reviews.append(
            _compact(
                {
                    "@type": "ClaimReview",
                    "@id": f"{URN}:finding:{finding.id}:side:{side_key(side)}",
                    "url": f"{base}/findings/{finding.id}/page",
                    "name": f"{finding.code} {finding.rule}",
                    "claimReviewed": quote or side.value,
                    "description": finding.explanation_en,
                    "inLanguage": language,
                    "datePublished": reviewed.date().isoformat() if reviewed else None,
                    "dateModified": reviewed.isoformat() if reviewed else None,
                    "author": author,
                    "editor": {"@type": "Person", "name": finding.reviewed_by}
                    if finding.reviewed_by
                    else None,
                    "reviewBody": finding.review_note,
                    "reviewRating": rating,
                    "itemReviewed": item,
                    "keywords": [finding.kind, finding.severity, finding.certainty],
                    "identifier": finding.id,
                }
            )
        )
    return reviews


def export_claimreview(
    store: Store,
    *,
    base_url: str = DEFAULT_BASE_URL,
    organization: str = DEFAULT_ORGANIZATION,
) -> dict[str, Any]:
    """Every side of every confirmed or dismissed finding as a ClaimReview, in one
    JSON-LD document."""
    base = check_base_url(base_url)
    findings: list[Finding] = []
    for status in VERDICTS:
        findings.extend(store.findings(status=status))
    claims, articles = _related(store, findings)
    return {
        "@context": "https://schema.org",
        "@graph": [
            review
            for f in findings
            for review in claim_reviews(
                f, claims, articles, base_url=base, organization=organization
            )
        ],
    }


CSV_COLUMNS = (
    "finding_id", "code", "rule", "kind", "severity", "certainty", "certainty_reason",
    "fact", "event_id", "review_status", "review_note", "reviewed_by", "reviewed_at",
    "value_a", "tally_a", "claim_a", "article_a", "outlet_a", "published_a", "url_a", "quote_a",
    "value_b", "tally_b", "claim_b", "article_b", "outlet_b", "published_b", "url_b", "quote_b",
    "other_sides", "explanation_ar", "explanation_en",
)
# Several reports on one side share a cell, in the same order in every column.
JOIN = " | "
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _side_cells(
    side: FindingSide, label: str, claims: dict[str, Claim], articles: dict[str, Article]
) -> dict[str, object]:
    """One side's columns: its value and tally, and each of its claims' details."""
    found = [claims.get(claim_id) for claim_id in side.claim_ids]
    sources = [articles.get(c.article_id) if c else None for c in found]

    def column(values: list[str | None]) -> str:
        return JOIN.join(v or "" for v in values)

    return {
        f"value_{label}": side.value,
        f"tally_{label}": side.tally,
        f"claim_{label}": column(list(side.claim_ids)),
        f"article_{label}": column([a.name if a else None for a in sources]),
        f"outlet_{label}": column([a.outlet if a else None for a in sources]),
        f"published_{label}": column(
            [a.published.isoformat() if a and a.published else None for a in sources]
        ),
        f"url_{label}": column([a.url if a else None for a in sources]),
        f"quote_{label}": column([c.quote if c else None for c in found]),
    }


def csv_rows(store: Store, *, status: ReviewStatus | None = None) -> list[dict[str, str]]:
    findings = store.findings(status=status)
    claims, articles = _related(store, findings)
    rows = []
    for finding in findings:
        row: dict[str, object] = {
            "finding_id": finding.id,
            "code": finding.code,
            "rule": finding.rule,
            "kind": finding.kind,
            "severity": finding.severity,
            "certainty": finding.certainty,
            "certainty_reason": finding.certainty_reason,
            "fact": finding.fact,
            "event_id": finding.event_id,
            "review_status": finding.review_status,
            "review_note": finding.review_note,
            "reviewed_by": finding.reviewed_by,
            "reviewed_at": finding.reviewed_at.isoformat() if finding.reviewed_at else None,
            "explanation_ar": finding.explanation_ar,
            "explanation_en": finding.explanation_en,
        }
        for label, side in zip("ab", finding.sides, strict=False):
            row.update(_side_cells(side, label, claims, articles))
        row["other_sides"] = JOIN.join(
            f"{side.value} ({side.tally})" for side in finding.sides[2:]
        )
        rows.append({column: _cell(row.get(column)) for column in CSV_COLUMNS})
    return rows


def export_csv(store: Store, *, status: ReviewStatus | None = None) -> str:
    """Findings as CSV text (without the byte-order mark; see :func:`csv_bytes`)."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(csv_rows(store, status=status))
    return buffer.getvalue()


def csv_bytes(store: Store, *, status: ReviewStatus | None = None) -> bytes:
    """The CSV as written to a file: UTF-8 with a byte-order mark, for spreadsheets."""
    return export_csv(store, status=status).encode("utf-8-sig")
