"""An English wire and an Arabic report of one event, end to end: ingestion tells their
languages, each is read by its own pipeline, and the claims meet in one event because
they are language-neutral (same event types, gazetteer keys, units, days).

The drop (tests/data/drops/bilingual_harir, gold beside it) holds one disagreement (the
English wire puts the withdrawal from Harir Air Base on Friday 10 January 2025, the Arabic
report on Sunday 12 January) and two look-alikes that are not: the English "the ministry
said on Monday" dates the statement, not the convoy that the Arabic report puts on Sunday;
"about 60 vehicles" and "more than 50" are compatible.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.analysis import Analysis, analyse
from checker.evaluate import format_table, run_eval
from checker.ingest import read_drop

DROP = Path(__file__).parent / "data" / "drops" / "bilingual_harir"
GOLD = DROP.parent / "bilingual_harir.gold.json"


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    drop = read_drop(DROP)
    assert drop.rejected == []
    return analyse(drop.articles)


def test_languages_come_from_metadata_or_detection(analysis: Analysis) -> None:
    """The Arabic report's language is in the manifest; the wire's is detected."""
    assert {a.name: a.language for a in analysis.articles} == {
        "01_shafaq_ar.txt": "ar",
        "02_wire_en.txt": "en",
    }


def test_english_claims_use_the_arabic_keys(analysis: Analysis) -> None:
    by_article = {a.id: a.language for a in analysis.articles}
    english = [c for c in analysis.claims if by_article[c.article_id] == "en"]
    withdrawal = next(c for c in english if c.event == "withdrawal" and c.time is not None)
    assert withdrawal.location is not None and withdrawal.location.key == "harir_base"
    assert withdrawal.location.ancestors == ["erbil", "kurdistan_region", "iraq"]
    assert [a.key for a in withdrawal.actors] == ["us_forces"]
    convoy = next(c for c in english if c.event == "convoy_departure")
    assert convoy.quantity is not None and convoy.quantity.unit == "vehicles"
    assert convoy.time is None  # "said on Monday" dates the statement
    assert convoy.attribution is not None and convoy.attribution.source == "Iraqi defence ministry"


def test_the_disagreement_across_languages_is_found(analysis: Analysis) -> None:
    languages = {a.id: a.language for a in analysis.articles}
    claims = {c.id: c for c in analysis.claims}
    (finding,) = analysis.findings
    assert finding.kind in ("weekday", "date") and finding.certainty == "hard"
    assert finding.fact.startswith("withdrawal|completed|at:harir_base")
    sides = {languages[claims[s.claim_ids[0]].article_id]: s.value for s in finding.sides}
    assert "2025-01-10" in sides["en"] and "2025-01-12" in sides["ar"]


def test_the_look_alikes_are_not_findings(analysis: Analysis) -> None:
    """No finding on the convoy: neither its day (Monday is the statement's) nor its
    size (about 60 is more than 50)."""
    claims = {c.id: c for c in analysis.claims}
    for finding in analysis.findings:
        assert all(claims[cid].event != "convoy_departure" for cid in finding.claim_ids)


def test_eval_reports_figures_per_language() -> None:
    result = run_eval(GOLD, DROP)
    per_language = result.as_dict()["claims"]["per_language"]
    assert set(per_language) == {"ar", "en"}
    assert per_language["en"]["gold"] == 2 and per_language["en"]["matched"] == 2
    assert per_language["en"]["disagreements"] == 1
    assert per_language["en"]["disagreements_matched_via_language"] == 1
    assert result.false_alarm_findings == []
    table = format_table(result)
    assert "Per language (of the article):" in table
    assert any(line.split()[:2] == ["en", "2/2"] for line in table.splitlines())
