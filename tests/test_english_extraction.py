"""The English extraction corpus (tests/data/extraction_corpus_en.yaml): wire-style
sentences from other stories than the development corpus, each with the slots a careful
reader expects, read by the English pipeline.

It keeps the English rules general, as the Arabic corpus does for Arabic: time grammar
("on Saturday", "earlier this month", "by the end of 2026", time zones), bounds and vague
amounts ("at least 265", "about two dozen", "hundreds of"), number words, reporting
clauses before and after what they report, negation, hedges, and English names resolved
to the gazetteer's keys.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from claims.model import Article
from claims.pipeline import extract_claims
from tests.test_extraction_corpus import _find, check_claim

CORPUS = Path(__file__).parent / "data" / "extraction_corpus_en.yaml"


def _load() -> dict[str, Any]:
    data = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


ITEMS: list[dict[str, Any]] = list(_load()["items"])


def test_corpus_is_large_and_well_formed() -> None:
    """At least 40 sentences, every anchor inside its text, ids unique."""
    assert len(ITEMS) >= 40
    ids = [item["id"] for item in ITEMS]
    assert len(ids) == len(set(ids))
    for item in ITEMS:
        assert item["claims"], item["id"]
        for expected in item["claims"]:
            assert expected["anchor"] in item["text"], (item["id"], expected["anchor"])


def _article(item: dict[str, Any]) -> Article:
    published = item.get("published")
    if isinstance(published, str):
        published = date.fromisoformat(published)
    return Article.from_text(item["id"], item["text"], published=published, language="en")


@pytest.mark.parametrize("item", ITEMS, ids=[item["id"] for item in ITEMS])
def test_corpus_item(item: dict[str, Any]) -> None:
    article = _article(item)
    claims = extract_claims(article)
    failures: list[str] = []
    for want in item["claims"]:
        claim = _find(claims, item["text"], want)
        if claim is None:
            found = [(c.event, c.quote) for c in claims]
            failures.append(f"[{want['anchor']}] no {want['event']} claim; found {found}")
            continue
        failures += [f"[{want['anchor']}] {p}" for p in check_claim(claim, want)]
    for claim in claims:
        assert article.text[claim.evidence.start : claim.evidence.end] == claim.quote
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("text", _load().get("no_claims", []))
def test_no_claims_from_background_sentences(text: str) -> None:
    """Commentary without an event trigger gives no claim."""
    claims = extract_claims(Article.from_text("background", text, language="en"))
    assert claims == [], [(c.event, c.quote) for c in claims]


def test_a_nationality_before_a_place_noun_is_no_unknown_place() -> None:
    """'the Italian port city of Genoa': 'Italian' is not a port's name."""
    from datetime import date

    from claims.model import Article
    from claims.pipeline import extract_claims

    text = "A motorway bridge collapsed in the Italian port city of Genoa on Tuesday."
    article = Article.from_text("g.txt", text, published=date(2018, 8, 14), language="en")
    (claim,) = [c for c in extract_claims(article) if c.event_word == "collapse"]
    assert claim.location is not None and claim.location.key == "genoa_it"


def test_a_place_inside_an_airline_name_is_no_place_of_the_event() -> None:
    from datetime import date

    from claims.model import Article
    from claims.pipeline import extract_claims

    text = ("Twelve people were killed on Sunday when an Air France bus crashed. "
            "Troops left France on Monday.")
    article = Article.from_text("a.txt", text, published=date(2024, 5, 6), language="en")
    keys = {c.event_word: c.location.key if c.location else None
            for c in extract_claims(article)}
    assert keys.get("killed") is None  # not France: the airline
    assert keys["departure"] == "france"  # the country itself still is
