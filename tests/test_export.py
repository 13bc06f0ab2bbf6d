"""Exports: ClaimReview JSON-LD for reviewed findings, CSV of findings for spreadsheets."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from checker.cli import main
from checker.export import CSV_COLUMNS, csv_bytes, export_claimreview, export_csv
from checker.store import Store
from claims.model import Article, Claim, ComparedValue, Finding, FindingSide, Quantity, Span
from tests.web_demo import build_demo_store


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Store]:
    store, _ = build_demo_store(tmp_path)
    yield store
    store.close()


def _by_kind(store: Store, kind: str) -> Finding:
    return next(f for f in store.findings() if f.kind == kind)


def test_claimreview_has_only_reviewed_findings_with_stable_ids(demo: Store) -> None:
    assert export_claimreview(demo)["@graph"] == []  # nothing reviewed yet
    count = _by_kind(demo, "count")
    weekday = _by_kind(demo, "weekday")
    demo.set_review(count.id, "dismissed", note="الحصيلة ارتفعت لاحقاً", by="هدى")
    demo.set_review(weekday.id, "confirmed")
    doc = export_claimreview(demo)
    assert doc["@context"] == "https://schema.org"
    reviews = {r["@id"]: r for r in doc["@graph"]}
    assert set(reviews) == {f"urn:claimcheck:finding:{count.id}",
                            f"urn:claimcheck:finding:{weekday.id}"}
    dismissed = reviews[f"urn:claimcheck:finding:{count.id}"]
    assert dismissed["@type"] == "ClaimReview"
    assert dismissed["reviewRating"]["ratingValue"] == 2
    assert dismissed["reviewRating"]["alternateName"] == "Not a contradiction"
    assert dismissed["reviewBody"] == "الحصيلة ارتفعت لاحقاً"
    assert dismissed["author"] == {"@type": "Person", "name": "هدى"}
    assert dismissed["claimReviewed"] == count.explanation_ar
    confirmed = reviews[f"urn:claimcheck:finding:{weekday.id}"]
    assert confirmed["reviewRating"]["ratingValue"] == 1
    assert confirmed["author"]["@type"] == "Organization"
    # the same IDs on a second export
    assert [r["@id"] for r in export_claimreview(demo)["@graph"]] == [
        r["@id"] for r in doc["@graph"]
    ]


def test_claimreview_items_carry_their_appearances(demo: Store) -> None:
    count = _by_kind(demo, "count")
    demo.set_review(count.id, "confirmed")
    review = export_claimreview(demo)["@graph"][0]
    items = review["itemReviewed"]
    assert [i["@id"] for i in items] == [f"urn:claimcheck:claim:{c}" for c in count.claim_ids]
    claims = {c.id: c for c in demo.claims(ids=count.claim_ids)}
    for item in items:
        claim = claims[item["@id"].rsplit(":", 1)[1]]
        assert item["text"] == claim.quote
        (appearance,) = item["appearance"]
        article = demo.get_article(claim.article_id)
        assert article is not None
        assert appearance["url"] == article.url and appearance["url"].startswith("http")
        assert appearance["publisher"]["name"] == article.outlet
        assert appearance["datePublished"] == article.published.isoformat()  # type: ignore[union-attr]
        assert appearance["headline"] == article.title


def test_claimreview_never_exports_a_javascript_url(demo: Store) -> None:
    hostile = next(f for f in demo.findings() if any(
        "svg" in c.quote for c in demo.claims(ids=f.claim_ids)))
    demo.set_review(hostile.id, "confirmed")
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
    demo.set_review(_by_kind(demo, "count").id, "confirmed", note="مؤكد")
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
    demo.set_review(_by_kind(demo, "count").id, "confirmed")
    out = tmp_path / "reviews.jsonld"
    assert main(["export", "--db", db, "--format", "claimreview", "--out", str(out)]) == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))["@graph"]) == 1
    assert main(["export", "--db", db, "--format", "csv"]) == 0
    printed = capsysbinary.readouterr().out
    assert printed.startswith(b"\xef\xbb\xbf") and "الحديدة".encode() in printed
    assert main(["export", "--db", db, "--format", "csv", "--out",
                 str(tmp_path / "missing" / "x.csv")]) == 2
