"""Exports for other tools: schema.org ClaimReview (JSON-LD) and CSV for spreadsheets.

**ClaimReview.** One ``ClaimReview`` per *reviewed* finding (confirmed or dismissed; open
findings are not a verdict and are left out). What is reviewed is the set of news claims
the finding compares: ``itemReviewed`` is one ``Claim`` per claim ID, each with the
article(s) it appears in (URL, outlet, publication date, headline) and its quote. The
rating says what the editor decided about the disagreement between them:

- ``confirmed``: rating 1 of 2, "Contradicted by another report": the reports cannot
  both be right;
- ``dismissed``: rating 2 of 2, "Not a contradiction": the editor found them compatible.

IDs are stable URNs: ``urn:claimcheck:finding:<finding id>``,
``urn:claimcheck:claim:<claim id>``, ``urn:claimcheck:article:<article id>``, so a
re-export updates rather than duplicates wherever the data is loaded. A URL is exported
only when it is http(s).

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
from typing import Any, Literal

from checker.html_report import safe_url
from checker.store import Store
from claims.model import Article, Claim, Finding, FindingSide, ReviewStatus

ExportFormat = Literal["claimreview", "csv"]
FORMATS: tuple[ExportFormat, ...] = ("claimreview", "csv")

URN = "urn:claimcheck"
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


def _article_node(article: Article) -> dict[str, Any]:
    return _compact(
        {
            "@type": "NewsArticle",
            "@id": f"{URN}:article:{article.id}",
            "url": safe_url(article.url),
            "headline": article.title,
            "datePublished": article.published.isoformat() if article.published else None,
            "inLanguage": article.language,
            "publisher": {"@type": "Organization", "name": article.outlet}
            if article.outlet
            else None,
            "identifier": article.name,
        }
    )


def claim_review(
    finding: Finding, claims: dict[str, Claim], articles: dict[str, Article]
) -> dict[str, Any]:
    """One reviewed finding as a schema.org ClaimReview (JSON-LD node, no @context)."""
    status = finding.review_status
    if status not in RATINGS:
        raise ValueError(f"finding {finding.id} is not reviewed (status {status!r})")
    value, name_en, name_ar = RATINGS[status]
    items = []
    for claim_id in finding.claim_ids:
        claim = claims.get(claim_id)
        article = articles.get(claim.article_id) if claim else None
        quote_values = [v for v in finding.values if v.claim_id == claim_id]
        items.append(
            _compact(
                {
                    "@type": "Claim",
                    "@id": f"{URN}:claim:{claim_id}",
                    "text": claim.quote if claim else None,
                    "inLanguage": article.language if article else None,
                    "appearance": [_article_node(article)] if article else None,
                    "author": {"@type": "Organization", "name": article.outlet}
                    if article and article.outlet
                    else None,
                    "datePublished": article.published.isoformat()
                    if article and article.published
                    else None,
                    "description": "; ".join(f"{v.field}: {v.value}" for v in quote_values),
                }
            )
        )
    author: dict[str, Any] = (
        {"@type": "Person", "name": finding.reviewed_by}
        if finding.reviewed_by
        else {"@type": "Organization", "name": "claimcheck"}
    )
    return _compact(
        {
            "@type": "ClaimReview",
            "@id": f"{URN}:finding:{finding.id}",
            "name": f"{finding.code} {finding.rule}",
            "claimReviewed": finding.explanation_ar or finding.explanation_en,
            "description": finding.explanation_en,
            "inLanguage": "ar",
            "datePublished": finding.reviewed_at.date().isoformat()
            if finding.reviewed_at
            else None,
            "dateModified": finding.reviewed_at.isoformat() if finding.reviewed_at else None,
            "author": author,
            "reviewBody": finding.review_note,
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": value,
                "worstRating": 1,
                "bestRating": 2,
                "alternateName": name_en,
                "name": name_ar,
            },
            "itemReviewed": items,
            "keywords": [finding.kind, finding.severity, finding.certainty],
            "identifier": finding.id,
        }
    )


def export_claimreview(store: Store) -> dict[str, Any]:
    """Every confirmed or dismissed finding as ClaimReview, in one JSON-LD document."""
    findings: list[Finding] = []
    for status in ("confirmed", "dismissed"):
        findings.extend(store.findings(status=status))
    claims, articles = _related(store, findings)
    return {
        "@context": "https://schema.org",
        "@graph": [claim_review(f, claims, articles) for f in findings],
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
