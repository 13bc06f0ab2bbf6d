"""Claim search: Arabic-normalised, clitic-tolerant on both sides, ranked, kept in step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.cli import main
from checker.search import ensure_index, list_claim_ids, query_words, search, stems
from checker.store import Store
from claims.model import Article, Claim, Entity, Span

PORT = Entity(kind="place", key="port_sudan", label="Port Sudan", surface="بورتسودان")


def _article(name: str, text: str) -> Article:
    return Article.from_text(name, text, outlet="وكالة تجريبية")


def _claim(article: Article, quote: str, **slots: object) -> Claim:
    start = article.text.index(quote)
    span = Span(start=start, end=start + len(quote), text=quote)
    slots.setdefault("event", "other")
    return Claim(article_id=article.id, sentence=span, evidence=span, quote=quote, **slots)


@pytest.fixture
def filled(store: Store) -> dict[str, Claim]:
    """Four short reports from other stories (a port strike, a rail crash, a drought)."""
    a = _article("a.txt", "أضرب عمال الميناء في بورتسودان عن العمل لليوم الثالث.")
    b = _article(
        "b.txt", "وقال مسؤول إن إضراب الميناء كلف الشركة خسائر كبيرة وأن العمال للإضراب مستعدون."
    )
    c = _article("c.txt", "اصطدم قطاران قرب المدينة وأصيب ٢٣ راكباً بجروح.")
    d = _article("d.txt", "تسبب الجفاف في نفوق آلاف المواشي في الإقليم الشرقي.")
    claims = {
        "a": _claim(a, "أضرب عمال الميناء في بورتسودان عن العمل", location=PORT),
        "b": _claim(b, "إضراب الميناء كلف الشركة خسائر كبيرة"),
        "b2": _claim(b, "العمال للإضراب مستعدون"),
        "c": _claim(c, "أصيب ٢٣ راكباً بجروح", event="casualties"),
        "d": _claim(d, "تسبب الجفاف في نفوق آلاف المواشي"),
    }
    store.save_article_with_claims(a, [claims["a"]])
    store.save_article_with_claims(b, [claims["b"], claims["b2"]])
    store.save_article_with_claims(c, [claims["c"]])
    store.save_article_with_claims(d, [claims["d"]])
    return claims


def _ids(store: Store, query: str, **kw: str) -> list[str]:
    return [hit.claim_id for hit in search(store, query, **kw)]


def test_stems_strip_proclitics_and_the_article() -> None:
    assert {"الجيش", "جيش"} <= stems("والجيش")
    assert "جيش" in stems("للجيش")  # ل + ال written لل
    assert "جيش" in stems("وللجيش")
    assert {"المدينه", "مدينه"} <= stems("بالمدينه")
    assert "لد" not in stems("بلد")  # a stem keeps three letters
    assert "23" in stems("ب23")  # numbers keep any length


def test_query_words_are_normalised() -> None:
    assert query_words("الحُدَيْدَة، و الحديدة") == ["الحديده"]
    assert query_words("٢٣ قتيلاً") == ["23", "قتيلا"]
    assert query_words("و") == []


def test_clitic_variants_find_each_other(store: Store, filled: dict[str, Claim]) -> None:
    # "الميناء" in two claims; the query carries a preposition and no article
    assert set(_ids(store, "بميناء")) == {filled["a"].id, filled["b"].id}
    # the text has "للإضراب" (ل + ال) and "إضراب"; the query has a conjunction and article
    assert set(_ids(store, "والإضراب")) == {filled["b"].id, filled["b2"].id}
    # hamza, ta marbuta and diacritics do not matter
    assert _ids(store, "بُورتسودان") == [filled["a"].id]


def test_digits_and_english_names_are_searchable(store: Store, filled: dict[str, Claim]) -> None:
    assert _ids(store, "23") == [filled["c"].id]  # Arabic-Indic digits in the text
    assert _ids(store, "port sudan") == [filled["a"].id]  # the gazetteer's English label


def test_ranking_prefers_more_words_then_the_exact_form(
    store: Store, filled: dict[str, Claim]
) -> None:
    hits = search(store, "عمال الميناء")
    assert [h.claim_id for h in hits][:1] == [filled["a"].id]  # both words
    assert hits[0].matched == ("عمال", "الميناء")
    assert len(hits[1].matched) == 1
    # same written form scores higher than a clitic variant of it
    exact = search(store, "العمال")
    assert exact[0].claim_id == filled["b2"].id  # "العمال" as written
    assert exact[0].score > exact[1].score


def test_no_match_and_nothing_to_search(store: Store, filled: dict[str, Claim]) -> None:
    assert search(store, "زلزال") == []
    assert search(store, "  ،، ") == []


def test_filters_by_article_and_event(store: Store, filled: dict[str, Claim]) -> None:
    b_article = filled["b"].article_id
    assert set(_ids(store, "الميناء", article_id=b_article)) == {filled["b"].id}
    assert _ids(store, "الميناء", event_id="e_0000000000000000") == []


def test_index_follows_reextraction(store: Store, filled: dict[str, Claim]) -> None:
    """A re-extracted article replaces its claims in the index; nothing else is redone."""
    assert _ids(store, "الجفاف") == [filled["d"].id]
    article = store.get_article(filled["d"].article_id)
    assert article is not None
    replacement = _claim(article, "نفوق آلاف المواشي في الإقليم الشرقي")
    store.save_article_with_claims(article, [replacement])
    assert ensure_index(store) == 1
    assert _ids(store, "الإقليم") == [replacement.id]
    assert _ids(store, "الجفاف") == []
    assert ensure_index(store) == 0  # unchanged store: nothing to do


def test_listing_without_words_pages_in_report_order(
    store: Store, filled: dict[str, Claim]
) -> None:
    total, first = list_claim_ids(store, limit=2)
    assert total == 5 and len(first) == 2
    _total, rest = list_claim_ids(store, limit=10, offset=2)
    assert len(set(first) | set(rest)) == 5
    total_b, in_b = list_claim_ids(store, article_id=filled["b"].article_id)
    assert total_b == 2 and set(in_b) == {filled["b"].id, filled["b2"].id}


def test_cli_search(
    tmp_path: Path, filled: dict[str, Claim], store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    db = store.url.removeprefix("sqlite:///")  # a path for SQLite, the URL for a server
    assert main(["search", "الميناء", "--db", db, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == 2
    assert {r["claim"]["id"] for r in data["results"]} == {filled["a"].id, filled["b"].id}
    assert all(r["claim"]["outlet"] == "وكالة تجريبية" for r in data["results"])
    assert main(["search", "الميناء", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "2 matching claims" in out and filled["a"].id in out
    assert main(["search", "،،", "--db", db]) == 2
    assert "nothing to search" in capsys.readouterr().err


# -- claimcheck show: one claim by ID ---------------------------------------------------------


def test_cli_show_prints_everything_about_a_claim(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.web_demo import build_demo_store

    demo, _ = build_demo_store(tmp_path)
    db = demo.url.removeprefix("sqlite:///")
    claim = next(c for c in demo.claims() if "23" in c.quote)
    findings = demo.findings(claim_id=claim.id)
    demo.close()
    assert main(["show", claim.id, "--db", db]) == 0
    out = capsys.readouterr().out
    for expected in (claim.quote, "أعلنت السلطات المحلية", "وكالة الساحل للأنباء",
                     "https://sahel-news.example/", "2025-08-13", "الضحايا في الحديدة",
                     "quantity: 23 deaths", *[f.id for f in findings]):
        assert expected in out, expected
    assert "agrees with: none" in out  # every other flood report disagrees with it
    assert main(["show", claim.id, "--db", db, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["claim"]["id"] == claim.id and data["agrees_with"] == []
    assert {f["id"] for f in data["findings"]} == {f.id for f in findings}
    assert main(["show", "c_0000000000000000", "--db", db]) == 2
    assert "no claim with ID" in capsys.readouterr().err
    assert main(["show", "c_nothex", "--db", db]) == 2
    assert "not a claim ID" in capsys.readouterr().err
