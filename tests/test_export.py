"""Exports: ClaimReview JSON-LD for reviewed findings, CSV of findings for spreadsheets."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from checker.cli import main
from checker.export import (
    CSV_COLUMNS,
    DEFAULT_BASE_URL,
    csv_bytes,
    export_claimreview,
    export_csv,
)
from checker.html_report import safe_url
from checker.store import Store
from claims.model import Article, Claim, ComparedValue, Finding, FindingSide, Quantity, Span
from tests.web_demo import build_demo_store

EDITOR = "هدى"


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Store]:
    store, _ = build_demo_store(tmp_path)
    store.add_user(EDITOR)
    yield store
    store.close()


def _by_kind(store: Store, kind: str) -> Finding:
    return next(f for f in store.findings() if f.kind == kind)


def _review(store: Store, finding: Finding, status: str, note: str | None = None) -> None:
    store.add_review(finding.id, status, note=note, by=EDITOR)  # type: ignore[arg-type]


# What Google's fact-check markup (developers.google.com/search/docs/appearance/
# structured-data/factcheck) requires of a ClaimReview, checked on every node exported.
def assert_valid_claim_review(review: dict[str, Any], base_url: str) -> None:
    assert review["@type"] == "ClaimReview"
    assert review["url"].startswith(base_url + "/findings/f_")
    assert isinstance(review["claimReviewed"], str) and review["claimReviewed"].strip()
    date.fromisoformat(review["datePublished"])
    author = review["author"]
    assert author["@type"] == "Organization" and author["name"] and author["url"] == base_url
    rating = review["reviewRating"]
    assert rating["@type"] == "Rating" and rating["alternateName"]
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    claim = review["itemReviewed"]
    assert isinstance(claim, dict), "one claim per review, not a list"
    assert claim["@type"] == "Claim"
    assert claim["appearance"], "each report on the side appears"
    for appearance in claim["appearance"]:
        assert appearance["@type"] in ("CreativeWork", "Article", "NewsArticle")
        # A report without an http(s) URL (none, or a hostile one) is named, not linked.
        assert appearance.get("url", "https://").startswith(("https://", "http://"))
        assert appearance.get("url") or appearance["identifier"]
        assert appearance["publisher"]["@type"] == "Organization"
        assert appearance["publisher"]["name"]
    if "author" in claim:
        assert claim["author"]["@type"] in ("Organization", "Person")
    # Every property is one schema.org defines for the node's type (or a supertype):
    # a misspelt property is silently ignored by every consumer.
    _check_properties(review)


SCHEMA_ORG_PROPERTIES = {
    # Thing
    "Thing": {"@type", "@id", "name", "alternateName", "description", "identifier", "url"},
    # CreativeWork (and Review, ClaimReview, Claim, NewsArticle below it)
    "CreativeWork": {"author", "editor", "publisher", "datePublished", "dateModified",
                     "inLanguage", "keywords", "headline", "text"},
    "Review": {"itemReviewed", "reviewRating", "reviewBody"},
    "ClaimReview": {"claimReviewed"},
    "Claim": {"appearance", "firstAppearance", "claimInterpreter"},
    "Rating": {"ratingValue", "bestRating", "worstRating"},
}
ALLOWED = {
    "ClaimReview": {"Thing", "CreativeWork", "Review", "ClaimReview"},
    "Claim": {"Thing", "CreativeWork", "Claim"},
    "NewsArticle": {"Thing", "CreativeWork"},
    "Rating": {"Thing", "Rating"},
    "Organization": {"Thing"},
    "Person": {"Thing"},
}


def _check_properties(node: object) -> None:
    if isinstance(node, list):
        for item in node:
            _check_properties(item)
        return
    if not isinstance(node, dict):
        return
    kind = node["@type"]
    allowed = set().union(*(SCHEMA_ORG_PROPERTIES[t] for t in ALLOWED[kind]))
    assert set(node) <= allowed, f"{kind}: not schema.org: {sorted(set(node) - allowed)}"
    for value in node.values():
        _check_properties(value)


def test_claimreview_has_one_review_per_side_of_reviewed_findings(demo: Store) -> None:
    assert export_claimreview(demo)["@graph"] == []  # nothing reviewed yet
    count = _by_kind(demo, "count")
    weekday = next(f for f in demo.findings() if f.kind == "weekday" and len(f.sides) == 2)
    _review(demo, count, "dismissed", note="الحصيلة ارتفعت لاحقاً")
    _review(demo, weekday, "confirmed")
    other = next(f for f in demo.findings() if f.id not in (count.id, weekday.id))
    _review(demo, other, "needs_info")  # not a verdict: not exported
    doc = export_claimreview(demo)
    assert doc["@context"] == "https://schema.org"
    graph = doc["@graph"]
    assert len(graph) == len(count.sides) + len(weekday.sides)
    assert len({r["@id"] for r in graph}) == len(graph)
    assert {r["identifier"] for r in graph} == {count.id, weekday.id}
    for review in graph:
        assert_valid_claim_review(review, DEFAULT_BASE_URL)
    dismissed = [r for r in graph if r["identifier"] == count.id]
    assert [r["itemReviewed"]["description"] for r in dismissed] == [
        side.value for side in count.sides
    ]
    for review in dismissed:
        assert review["reviewRating"]["ratingValue"] == 2
        assert review["reviewRating"]["alternateName"] == "Not a contradiction"
        assert review["reviewBody"] == "الحصيلة ارتفعت لاحقاً"
        assert review["editor"] == {"@type": "Person", "name": EDITOR}
        assert review["author"]["name"] == "claimcheck"
        assert review["url"] == f"{DEFAULT_BASE_URL}/findings/{count.id}/page"
    confirmed = [r for r in graph if r["identifier"] == weekday.id]
    assert {r["reviewRating"]["ratingValue"] for r in confirmed} == {1}
    # the same IDs on a second export
    assert [r["@id"] for r in export_claimreview(demo)["@graph"]] == [r["@id"] for r in graph]


def test_claimreview_claim_appears_in_each_report_of_its_side(demo: Store) -> None:
    weekday = next(f for f in demo.findings() if len(f.claim_ids) == 3)  # 2 reports vs 1
    _review(demo, weekday, "confirmed")
    graph = export_claimreview(
        demo, base_url="https://fc.example/claimcheck/", organization="مرصد الأخبار"
    )["@graph"]
    for review in graph:
        assert_valid_claim_review(review, "https://fc.example/claimcheck")
        assert review["author"]["name"] == "مرصد الأخبار"
    by_value = {r["itemReviewed"]["description"]: r for r in graph}
    for side in weekday.sides:
        review = by_value[side.value]
        # the side's order, which the export follows (the store's may differ)
        claims = sorted(demo.claims(ids=side.claim_ids), key=lambda c: side.claim_ids.index(c.id))
        articles = [a for c in claims if (a := demo.get_article(c.article_id)) is not None]
        item = review["itemReviewed"]
        assert review["claimReviewed"] == claims[0].quote == item["text"]
        assert item["identifier"] == side.claim_ids
        assert len(item["appearance"]) == side.tally == len(articles)
        for appearance, article in zip(item["appearance"], articles, strict=True):
            assert article.published is not None
            assert appearance.get("url") == safe_url(article.url)
            assert appearance["publisher"]["name"] == article.outlet
            assert appearance["datePublished"] == article.published.isoformat()
            assert appearance["headline"] == article.title
        first = min(articles, key=lambda a: a.published or date.max)
        assert first.published is not None
        assert item["datePublished"] == first.published.isoformat()
        assert item["author"] == {"@type": "Organization", "name": first.outlet}
    with pytest.raises(ValueError, match="http"):
        export_claimreview(demo, base_url="javascript:alert(1)")


def test_claimreview_never_exports_a_javascript_url(demo: Store) -> None:
    hostile = next(f for f in demo.findings() if any(
        "svg" in c.quote for c in demo.claims(ids=f.claim_ids)))
    _review(demo, hostile, "confirmed")
    text = json.dumps(export_claimreview(demo), ensure_ascii=False)
    assert "javascript:" not in text
    assert "<img src=x onerror=alert(1)>" in text  # outlet kept as data, JSON-escaped as needed


def test_csv_has_one_row_per_finding_with_both_sides(demo: Store) -> None:
    data = csv_bytes(demo)
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read Arabic right
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == len(demo.findings()) == 3
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    count = _by_kind(demo, "count")
    row = next(r for r in rows if r["finding_id"] == count.id)
    assert [row["value_a"], row["value_b"]] == [side.value for side in count.sides]
    assert "23 شخصاً" in row["quote_a"] + row["quote_b"]
    assert row["review_status"] == "open" and row["severity"] == "medium"
    assert row["explanation_ar"] == count.explanation_ar
    assert row["fact"] == count.fact and row["certainty_reason"] == count.certainty_reason
    # the flood's weekday finding: two reports on side A share its cells, in one order
    weekday = next(f for f in demo.findings() if len(f.claim_ids) == 3)
    row = next(r for r in rows if r["finding_id"] == weekday.id)
    assert (row["tally_a"], row["tally_b"], row["other_sides"]) == ("2", "1", "")
    claims = row["claim_a"].split(" | ")
    assert claims == weekday.sides[0].claim_ids
    names = {c.id: demo.get_article(c.article_id).name  # type: ignore[union-attr]
             for c in demo.claims(ids=claims)}
    assert row["article_a"].split(" | ") == [names[c] for c in claims]


def test_csv_status_filter(demo: Store) -> None:
    _review(demo, _by_kind(demo, "count"), "confirmed", note="مؤكد")
    rows = list(csv.DictReader(io.StringIO(export_csv(demo, status="confirmed"))))
    assert [r["review_note"] for r in rows] == ["مؤكد"]


def test_csv_cells_cannot_become_formulas(store: Store) -> None:
    """Article text comes from outside: a quote that starts like a formula stays text."""
    text_a = '=HYPERLINK("http://evil.example","اضغط") قتل 5 أشخاص'
    text_b = "+SUM(A1) قتل 9 أشخاص"
    a = Article.from_text("a.txt", text_a, outlet="@outlet")
    b = Article.from_text("b.txt", text_b, outlet="-minus")
    claims = []
    for article in (a, b):
        span = Span(start=0, end=len(article.text), text=article.text)
        claims.append(
            Claim(article_id=article.id, sentence=span, evidence=span, quote=article.text,
                  event="casualties", quantity=Quantity(value=5, unit="deaths"))
        )
        store.save_article_with_claims(article, [claims[-1]])
    finding = Finding(
        rule="count_conflict.v1", code="C003", kind="count", severity="medium",
        certainty="soft", claim_ids=[c.id for c in claims],
        sides=[
            FindingSide(value="-5", claim_ids=[c.id], article_ids=[c.article_id],
                        quotes=[ComparedValue(claim_id=c.id, field="quantity", value="-5")])
            for c in claims
        ],
    )
    store.replace_events_and_findings([], [finding])
    (row,) = list(csv.DictReader(io.StringIO(export_csv(store))))
    assert row["quote_a"].startswith("'=") or row["quote_b"].startswith("'=")
    assert {row["outlet_a"], row["outlet_b"]} == {"'@outlet", "'-minus"}
    assert row["value_a"] == "'-5"
    for value in row.values():
        assert not value.startswith(("=", "+", "-", "@"))


def test_cli_export_to_file_and_stdout(
    demo: Store, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    db = demo.url.removeprefix("sqlite:///")
    count = _by_kind(demo, "count")
    _review(demo, count, "confirmed")
    out = tmp_path / "reviews.jsonld"
    assert main(["export", "--db", db, "--format", "claimreview", "--out", str(out),
                 "--base-url", "https://fc.example", "--organization", "مرصد"]) == 0
    graph = json.loads(out.read_text(encoding="utf-8"))["@graph"]
    assert len(graph) == len(count.sides)
    for review in graph:
        assert_valid_claim_review(review, "https://fc.example")
        assert review["author"]["name"] == "مرصد"
    assert main(["export", "--db", db, "--format", "csv"]) == 0
    printed = capsysbinary.readouterr().out
    assert printed.startswith(b"\xef\xbb\xbf") and "الحديدة".encode() in printed
    assert main(["export", "--db", db, "--format", "csv", "--out",
                 str(tmp_path / "missing" / "x.csv")]) == 2
    assert main(["export", "--db", db, "--format", "claimreview",
                 "--base-url", "fc.example"]) == 2
    assert b"--base-url" in capsysbinary.readouterr().err


def test_default_base_url_is_where_serve_answers() -> None:
    from checker import cli

    assert DEFAULT_BASE_URL == f"http://{cli.SERVE_HOST}:{cli.SERVE_PORT}"
