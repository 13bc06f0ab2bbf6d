"""Tests of the evaluation harness: gold loading, matching rules and the report.

Predictions are made by hand, so the scores below do not depend on the extraction or the
rules; only the ``run_eval`` tests go through ingestion and the analysis entry point.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from checker.evaluate import (
    FIELDS,
    ArticlesDirError,
    EvalError,
    GoldFile,
    GoldFileError,
    GoldQuantity,
    GoldQuoteNotFoundError,
    MissingArticleError,
    PredictionError,
    format_table,
    load_gold,
    quantity_agrees,
    render_date,
    render_place,
    run_eval,
    same_place,
    score,
)
from claims.model import (
    Article,
    Claim,
    ComparedValue,
    Entity,
    Finding,
    FindingSide,
    Quantity,
    Span,
    TimeValue,
)

DATA = Path(__file__).parent / "data" / "eval"
DROP = DATA / "drop"
QUAKE_GOLD = DATA / "quake-gold.json"
SEEDS = Path(__file__).parents[1] / "seeds"


# --------------------------------------------------------------------------- building predictions


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    return {
        p.name: Article.from_text(p.name, p.read_text(encoding="utf-8"))
        for p in sorted(DROP.glob("*.txt"))
    }


@pytest.fixture(scope="module")
def gold() -> GoldFile:
    return load_gold(QUAKE_GOLD)


def span_of(article: Article, text: str, occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = article.text.index(text, start + 1)
    return Span(start=start, end=start + len(text), text=text)


def claim(
    article: Article, text: str, event: str = "other", occurrence: int = 0, **slots: Any
) -> Claim:
    span = span_of(article, text, occurrence)
    return Claim(
        article_id=article.id, sentence=span, evidence=span, quote=text, event=event, **slots
    )


def sided(
    *sides: Sequence[Claim], kind: str = "count", values: Sequence[ComparedValue] = ()
) -> Finding:
    """A finding with the given sides; ``values`` go to the side of their claim."""
    return Finding(
        rule=f"{kind}_conflict.v1",
        code="C001",
        kind=kind,
        severity="high",
        certainty="hard",
        claim_ids=list(dict.fromkeys(c.id for side in sides for c in side)),
        sides=[
            FindingSide(
                value=f"value {'ABCDEFGH'[i]}",
                claim_ids=[c.id for c in side],
                article_ids=list(dict.fromkeys(c.article_id for c in side)),
                quotes=[v for v in values if v.claim_id in {c.id for c in side}],
            )
            for i, side in enumerate(sides)
        ],
    )


def finding(*claims: Claim, kind: str = "count", values: Sequence[ComparedValue] = ()) -> Finding:
    """One side per claim; a single claim contradicts itself (two sides, the same claim)."""
    members = claims if len(claims) > 1 else (claims[0], claims[0])
    return sided(*([c] for c in members), kind=kind, values=values)


def changed(c: Claim, **update: Any) -> Claim:
    """A copy with new slots and a recomputed ID (model_copy would keep the old one)."""
    return Claim.model_validate({**c.model_dump(), **update, "id": ""})


def place(label: str | None, surface: str = "", complement: bool = False) -> Entity:
    return Entity(kind="place", label=label, surface=surface, complement=complement)


HOCEIMA = place("Al Hoceima", "الحسيمة")


def weekday_only(weekday: int) -> TimeValue:
    return TimeValue(granularity="weekday", weekday=weekday, resolved=False, reason="no date")


def perfect_claims(a: dict[str, Article]) -> dict[str, Claim]:
    """One predicted claim per gold claim of quake-gold.json, every field right."""
    q1, q2, q3, f1 = a["quake_1.txt"], a["quake_2.txt"], a["quake_3.txt"], a["flood_1.txt"]
    return {
        "quake": claim(
            q1,
            "ضرب زلزال بقوة 6.2 درجات مدينة الحسيمة فجر يوم الثلاثاء 14 مايو 2024",
            phase="completed",
            location=HOCEIMA,
            time=TimeValue(
                value="2024-05-14", granularity="day", relation="on", weekday=1, resolved=True
            ),
        ),
        "dead30": claim(
            q1,
            "أكثر من 30 شخصاً لقوا حتفهم",
            "casualties",
            phase="completed",
            location=HOCEIMA,
            quantity=Quantity(value=30, low=30, low_inclusive=False, unit="people"),
        ),
        "injured": claim(
            q1,
            "وأصيب نحو 120 آخرين",
            "casualties",
            phase="completed",
            location=HOCEIMA,
            quantity=Quantity(value=120, low=108, high=132, unit="People", approximate=True),
        ),
        "rebuild_by": claim(
            q1,
            "أعمال إعادة الإعمار ستكتمل بحلول نهاية عام 2025",
            phase="planned",
            location=HOCEIMA,
            time=TimeValue(
                value="2025",
                granularity="year",
                modifier="end",
                relation="by",
                earliest=date(2025, 10, 1),
                latest=date(2025, 12, 31),
                resolved=True,
            ),
        ),
        "hospitals": claim(
            q1,
            "ونُقل المصابون إلى مستشفيات طنجة وتطوان",
            "relocation",
            phase="completed",
            location=HOCEIMA,
            destinations=[place("tetouan"), place("Tangier ")],
        ),
        "quake_wed": claim(
            q2,
            "الزلزال الذي ضرب الحسيمة يوم الأربعاء",
            phase="completed",
            location=HOCEIMA,
            time=weekday_only(2),
        ),
        "dead12": claim(
            q2,
            "أودى بحياة 12 شخصاً",
            "casualties",
            phase="completed",
            location=HOCEIMA,
            quantity=Quantity(value=12, unit="people"),
        ),
        "volunteers": claim(
            q2,
            "مئات المتطوعين وصلوا إلى المدينة يوم الأربعاء",
            phase="completed",
            location=HOCEIMA,
            time=weekday_only(2),
            quantity=Quantity(low=200, high=999, unit="volunteers", vague=True),
        ),
        "rebuild_mid": claim(
            q2,
            "تبدأ أعمال إعادة الإعمار في منتصف عام 2026",
            phase="planned",
            location=HOCEIMA,
            time=TimeValue(
                value="2026", granularity="year", modifier="mid", relation="on", resolved=True
            ),
        ),
        "quake_thu": claim(
            q3,
            "الهزة الأرضية وقعت يوم الخميس 14 مايو 2024",
            phase="completed",
            time=TimeValue(
                value="2024-05-14", granularity="day", relation="on", weekday=3, resolved=True
            ),
        ),
        "shelter": claim(
            q3,
            "خيام الإيواء نُصبت خارج المدينة",
            phase="completed",
            location=place("Al Hoceima", complement=True),
        ),
        "families": claim(
            f1,
            "40 عائلة أُجليت إلى مدارس قريبة",
            "relocation",
            phase="completed",
            location=place("Derna"),
            quantity=Quantity(value=40, unit="families"),
        ),
    }


def perfect_findings(c: dict[str, Claim]) -> list[Finding]:
    return [
        finding(c["dead30"], c["dead12"], kind="count"),
        finding(c["quake_wed"], c["quake"], kind="weekday"),  # reversed order on purpose
        finding(c["quake_thu"], kind="weekday"),
        finding(c["rebuild_by"], c["rebuild_mid"], kind="date"),
    ]


def run(gold: GoldFile, arts: dict[str, Article], claims: list[Claim], findings: list[Finding]):
    return score(gold, list(arts.values()), claims, findings)


def inline_gold(text_article: str, claims: list[dict[str, Any]], **extra: Any) -> GoldFile:
    story = {"story": "s", "articles": [text_article], "claims": claims, **extra}
    return GoldFile.model_validate({"stories": [story]})


# --------------------------------------------------------------------------- whole results


def test_perfect_prediction_scores_one_everywhere(gold, articles):
    c = perfect_claims(articles)
    result = run(gold, articles, list(c.values()), perfect_findings(c))
    d = result.as_dict()
    assert {k: v for k, v in d["claims"].items() if k not in ("per_language", "per_story")} == {
        "gold": 12,
        "matched": 12,
        "recall": 1.0,
        "fields": dict.fromkeys(FIELDS, 1.0),
    }
    assert d["contradictions"] == {
        "disagreements": 4,
        "disagreements_matched": 4,
        "disagreements_recall": 1.0,
        "disagreements_hard": 3,
        "disagreements_hard_matched": 3,
        "disagreements_hard_recall": 1.0,
        "findings_per_matched_disagreement": 1.0,
        "predicted": 4,
        "precision": 1.0,
        "false_alarms": 0,
        "traps": 2,
        "gold": 4,
        "gold_hard": 3,
        "matched": 4,
        "matched_hard": 3,
        "recall": 1.0,
        "recall_hard": 1.0,
        "per_story": [
            {
                "story": "hoceima-earthquake",
                "disagreements": 4,
                "disagreements_matched": 4,
                "findings": 4,
                "correct": 4,
                "false_alarms": 0,
            },
            {
                "story": "derna-flood",
                "disagreements": 0,
                "disagreements_matched": 0,
                "findings": 0,
                "correct": 0,
                "false_alarms": 0,
            },
        ],
    }
    table = format_table(result)
    assert "Missed gold claims: none" in table
    assert "Missed disagreements: none" in table
    assert "False alarms: none" in table


def test_empty_prediction_scores_zero_without_crashing(gold, articles):
    result = run(gold, articles, [], [])
    d = result.as_dict()
    assert d["claims"]["matched"] == 0 and d["claims"]["recall"] == 0.0
    assert set(d["claims"]["fields"].values()) == {0.0}
    co = d["contradictions"]
    assert (co["gold"], co["gold_hard"], co["traps"]) == (4, 3, 2)
    assert co["predicted"] == co["matched"] == co["false_alarms"] == 0
    assert co["recall"] == co["recall_hard"] == co["precision"] == 0.0
    table = format_table(result)
    assert "Missed gold claims (12):" in table
    assert "«أودى بحياة 12 شخصاً»" in table  # Arabic shown as is
    assert "Missed disagreements (4):" in table
    assert "Disagreements: 0/4 found, recall 0.0000; hard 0/3, recall 0.0000" in table


def test_claims_are_scored_per_story(gold, articles):
    result = run(gold, articles, [], [])
    per_story = result.as_dict()["claims"]["per_story"]
    assert sum(s["gold"] for s in per_story.values()) == result.claims_gold == 12
    assert all(s["matched"] == 0 and s["recall"] == 0.0 for s in per_story.values())


def test_as_dict_has_exactly_the_documented_keys(gold, articles):
    d = run(gold, articles, [], []).as_dict()
    assert list(d) == ["claims", "contradictions"]
    assert list(d["claims"]) == [
        "gold", "matched", "recall", "fields", "per_language", "per_story"
    ]
    assert list(d["claims"]["fields"]) == [
        "event",
        "status",
        "date",
        "date_relation",
        "weekday",
        "quantity",
        "location",
        "destination",
    ]
    assert list(d["contradictions"]) == [
        "disagreements",
        "disagreements_matched",
        "disagreements_recall",
        "disagreements_hard",
        "disagreements_hard_matched",
        "disagreements_hard_recall",
        "findings_per_matched_disagreement",
        "predicted",
        "precision",
        "false_alarms",
        "traps",
        "gold",
        "gold_hard",
        "matched",
        "matched_hard",
        "recall",
        "recall_hard",
        "per_story",
    ]
    assert [list(row) for row in d["contradictions"]["per_story"]] == [
        ["story", "disagreements", "disagreements_matched", "findings", "correct", "false_alarms"]
    ] * 2
    json.dumps(d)  # plain JSON types only


def test_finding_on_a_trap_is_a_false_alarm(gold, articles):
    c = perfect_claims(articles)
    alarm = finding(c["injured"], c["dead12"], kind="count")  # injured vs dead: a trap
    result = run(gold, articles, list(c.values()), [*perfect_findings(c), alarm])
    co = result.as_dict()["contradictions"]
    assert co["predicted"] == 5
    assert co["false_alarms"] == 1
    assert co["precision"] == 0.8
    assert co["matched"] == 4
    table = format_table(result)
    assert "False alarms (1):" in table
    assert "hit trap" in table and "Injured and killed are different counts." in table


def test_unmatched_finding_lowers_precision_but_is_no_false_alarm(gold, articles):
    c = perfect_claims(articles)
    stray = finding(c["hospitals"], c["volunteers"], kind="other")
    result = run(gold, articles, list(c.values()), [stray])
    co = result.as_dict()["contradictions"]
    assert (co["predicted"], co["matched"], co["false_alarms"], co["precision"]) == (1, 0, 0, 0.0)
    table = format_table(result)
    assert "Unmatched findings (1):" in table
    # Each side with its value, its number of reports, and each report's article and quote.
    assert (
        "side «value A» (1 report(s)): quake_1.txt «ونُقل المصابون إلى مستشفيات طنجة وتطوان»"
        in table
    )
    assert "side «value B» (1 report(s)): quake_2.txt «مئات المتطوعين وصلوا إلى المدينة" in table


def test_finding_matching_contradiction_and_trap_counts_as_match(gold, articles):
    """A wide evidence span can touch a trap's quotes too; the contradiction wins."""
    c = perfect_claims(articles)
    wide = claim(
        articles["quake_1.txt"],
        "أكثر من 30 شخصاً لقوا حتفهم، وأصيب نحو 120 آخرين",
        "casualties",
        phase="completed",
    )
    result = run(gold, articles, [wide, c["dead12"]], [finding(wide, c["dead12"])])
    co = result.as_dict()["contradictions"]
    assert (co["predicted"], co["matched"], co["false_alarms"], co["precision"]) == (1, 1, 0, 1.0)


def test_plan_changes_and_cross_story_findings_are_not_counted(gold, articles):
    c = perfect_claims(articles)
    plan = finding(c["rebuild_by"], c["rebuild_mid"], kind="plan_change")
    cross = finding(c["dead30"], c["families"], kind="count")
    result = run(gold, articles, list(c.values()), [plan, cross])
    co = result.as_dict()["contradictions"]
    assert co["predicted"] == 0 and co["matched"] == 0
    assert (result.plan_changes, result.outside_stories) == (1, 1)


def test_finding_about_claims_outside_the_gold_articles_is_not_counted(gold, articles):
    other = Article.from_text("elsewhere.txt", "نص آخر عن زلزال آخر قتل 5 أشخاص.")
    c = perfect_claims(articles)
    outside = claim(other, "قتل 5 أشخاص", "casualties")
    result = score(
        gold, [*articles.values(), other], [*c.values(), outside], [finding(outside, c["dead12"])]
    )
    assert result.as_dict()["contradictions"]["predicted"] == 0
    assert result.predicted_claims == 12


def test_finding_naming_an_unknown_claim_is_an_error(gold, articles):
    c = perfect_claims(articles)
    with pytest.raises(PredictionError, match="unknown claim"):
        run(gold, articles, [c["dead30"]], [finding(c["dead30"], c["dead12"])])


# --------------------------------------------------------------------------- contradiction matching


def test_single_claim_finding_matches_same_quote_item_only(gold, articles):
    c = perfect_claims(articles)
    result = run(gold, articles, list(c.values()), [finding(c["quake_thu"], kind="weekday")])
    matched = [o.gold.why for o in result.contradiction_outcomes if o.matched]
    assert matched == ["14 May 2024 was a Tuesday, not a Thursday."]
    # A single-claim finding on one side of a two-article contradiction matches nothing.
    result = run(gold, articles, list(c.values()), [finding(c["dead30"])])
    assert result.as_dict()["contradictions"]["matched"] == 0


def test_any_occurrence_of_a_repeated_quote_counts(gold, articles):
    """ "يوم الأربعاء" occurs twice in quake_2.txt; the second occurrence is just as good."""
    c = perfect_claims(articles)
    second = claim(articles["quake_2.txt"], "يوم الأربعاء", occurrence=1, phase="completed")
    result = run(
        gold, articles, [c["quake"], second], [finding(c["quake"], second, kind="weekday")]
    )
    assert result.as_dict()["contradictions"]["matched"] == 1


def test_compared_value_spans_count_as_evidence(articles, gold):
    """The date expression a finding compares may lie outside the claim's evidence."""
    q1, q2 = articles["quake_1.txt"], articles["quake_2.txt"]
    narrow = claim(q1, "ضرب زلزال بقوة 6.2 درجات", phase="completed")  # misses "يوم الثلاثاء"
    wed = claim(q2, "ضرب الحسيمة", phase="completed")
    plain = finding(narrow, wed, kind="weekday")
    assert run(gold, articles, [narrow, wed], [plain]).as_dict()["contradictions"]["matched"] == 0
    values = [
        ComparedValue(
            claim_id=narrow.id, field="weekday", value="Tuesday", span=span_of(q1, "يوم الثلاثاء")
        ),
        ComparedValue(
            claim_id=wed.id, field="weekday", value="Wednesday", span=span_of(q2, "يوم الأربعاء")
        ),
    ]
    with_values = finding(narrow, wed, kind="weekday", values=values)
    assert with_values.values == values
    assert (
        run(gold, articles, [narrow, wed], [with_values]).as_dict()["contradictions"]["matched"]
        == 1
    )


def test_two_findings_on_one_contradiction_count_it_once(gold, articles):
    c = perfect_claims(articles)
    twice = [finding(c["dead30"], c["dead12"]), finding(c["dead12"], c["dead30"], kind="other")]
    co = run(gold, articles, list(c.values()), twice).as_dict()["contradictions"]
    assert (co["predicted"], co["matched"], co["precision"]) == (2, 1, 1.0)
    assert (co["disagreements_matched"], co["findings_per_matched_disagreement"]) == (1, 2.0)


# --------------------------------------------------------------------------- disagreements

# Four reports of one crash (three say 12 dead, one says 30) and two of one storm.
CRASH_TEXTS = {
    "r1.txt": "قال مسؤولون إن 12 شخصاً قتلوا في الحادث الذي وقع يوم الثلاثاء في دلهي.",
    "r2.txt": "أفادت الشرطة بمقتل 12 شخصاً وإصابة 40 آخرين في الحادث يوم الأربعاء.",
    "r3.txt": "ذكر شهود أن 12 شخصاً لقوا حتفهم في الحادث الذي وقع في دلهي.",
    "r4.txt": "أعلنت الوزارة مقتل 30 شخصاً في الحادث الذي وقع في مومباي.",
    "s1.txt": "هبت رياح بسرعة 90 كيلومتراً في الساعة على المدينة وأغلقت 5 مدارس.",
    "s2.txt": "بلغت سرعة الرياح 120 كيلومتراً في الساعة وأغلقت المدارس يوم الخميس.",
}


def _pair(kind: str, certainty: str, a: tuple[str, str], b: tuple[str, str], **extra: Any):
    return {
        "kind": kind,
        "certainty": certainty,
        "a": {"article": a[0], "quote": a[1]},
        "b": {"article": b[0], "quote": b[1]},
        **extra,
    }


TOLL_30 = ("r4.txt", "مقتل 30 شخصاً")
GROUPED_GOLD = {
    "stories": [
        {
            "story": "crash",
            "articles": ["r1.txt", "r2.txt", "r3.txt", "r4.txt"],
            "contradictions": [
                # One disagreement (the death toll) annotated as three pairs; one is hard.
                _pair("count", "hard", ("r1.txt", "12 شخصاً قتلوا"), TOLL_30, group="crash-1"),
                _pair("count", "soft", ("r2.txt", "بمقتل 12 شخصاً"), TOLL_30, group="crash-1"),
                _pair("count", "soft", ("r3.txt", "12 شخصاً لقوا حتفهم"), TOLL_30, group="crash-1"),
                # Two pairs without a group: a disagreement each.
                _pair(
                    "weekday",
                    "soft",
                    ("r1.txt", "يوم الثلاثاء"),
                    ("r2.txt", "يوم الأربعاء"),
                    why="Tuesday against Wednesday.",
                ),
                _pair("location", "hard", ("r3.txt", "في دلهي"), ("r4.txt", "في مومباي")),
            ],
            "non_contradictions": [
                {
                    "a": {"article": "r2.txt", "quote": "إصابة 40 آخرين"},
                    "b": {"article": "r4.txt", "quote": "مقتل 30 شخصاً"},
                    "why": "Injured and killed are different counts.",
                }
            ],
        },
        {
            "story": "storm",
            "articles": ["s1.txt", "s2.txt"],
            "contradictions": [
                _pair(
                    "count",
                    "hard",
                    ("s1.txt", "بسرعة 90 كيلومتراً"),
                    ("s2.txt", "سرعة الرياح 120 كيلومتراً"),
                    group="storm-1",
                )
            ],
            "non_contradictions": [
                {
                    "a": {"article": "s1.txt", "quote": "أغلقت 5 مدارس"},
                    "b": {"article": "s2.txt", "quote": "أغلقت المدارس"},
                    "why": "Five schools and the schools are no two counts.",
                }
            ],
        },
    ]
}


@pytest.fixture(scope="module")
def reports() -> dict[str, Article]:
    return {name: Article.from_text(name, text) for name, text in CRASH_TEXTS.items()}


@pytest.fixture(scope="module")
def grouped() -> GoldFile:
    return GoldFile.model_validate(GROUPED_GOLD)


def report_claims(r: dict[str, Article]) -> dict[str, Claim]:
    return {
        "dead12_r1": claim(r["r1.txt"], "12 شخصاً قتلوا", "casualties"),
        "dead12_r2": claim(r["r2.txt"], "بمقتل 12 شخصاً", "casualties"),
        "dead12_r3": claim(r["r3.txt"], "12 شخصاً لقوا حتفهم", "casualties"),
        "dead30_r4": claim(r["r4.txt"], "مقتل 30 شخصاً", "casualties"),
        "tue_r1": claim(r["r1.txt"], "يوم الثلاثاء"),
        "wed_r2": claim(r["r2.txt"], "يوم الأربعاء"),
        "injured_r2": claim(r["r2.txt"], "إصابة 40 آخرين", "casualties"),
        # Wide claims: each covers a death toll and a place.
        "wide_r3": claim(r["r3.txt"], "12 شخصاً لقوا حتفهم في الحادث الذي وقع في دلهي"),
        "wide_r4": claim(r["r4.txt"], "مقتل 30 شخصاً في الحادث الذي وقع في مومباي"),
        "wind_s1": claim(r["s1.txt"], "بسرعة 90 كيلومتراً"),
        "wind_s2": claim(r["s2.txt"], "سرعة الرياح 120 كيلومتراً"),
        "schools_s1": claim(r["s1.txt"], "أغلقت 5 مدارس"),
        "schools_s2": claim(r["s2.txt"], "أغلقت المدارس"),
    }


def score_reports(gold: GoldFile, r: dict[str, Article], findings: list[Finding]):
    return score(gold, list(r.values()), list(report_claims(r).values()), findings)


def test_multi_side_finding_matches_a_group_once(grouped, reports):
    """Three reports on one side and one on the other: the three pairs of the group are
    matched, and the group counts as one disagreement found by one finding."""
    c = report_claims(reports)
    toll = sided([c["dead12_r1"], c["dead12_r2"], c["dead12_r3"]], [c["dead30_r4"]], kind="count")
    result = score_reports(grouped, reports, [toll])
    co = result.as_dict()["contradictions"]
    assert {k: v for k, v in co.items() if k != "per_story"} == {
        "disagreements": 4,
        "disagreements_matched": 1,
        "disagreements_recall": 0.25,
        "disagreements_hard": 3,
        "disagreements_hard_matched": 1,
        "disagreements_hard_recall": 0.3333,
        "findings_per_matched_disagreement": 1.0,
        "predicted": 1,
        "precision": 1.0,
        "false_alarms": 0,
        "traps": 2,
        "gold": 6,
        "gold_hard": 3,
        "matched": 3,
        "matched_hard": 1,
        "recall": 0.5,
        "recall_hard": 0.3333,
    }
    found = [d for d in result.disagreement_outcomes if d.matched]
    assert [(d.group, len(d.pairs), d.finding_ids) for d in found] == [("crash-1", 3, (toll.id,))]
    table = format_table(result)
    assert "Disagreements: 1/4 found, recall 0.2500; hard 1/3, recall 0.3333" in table
    assert "Findings per found disagreement: 1.00 (1/1; ideal 1)" in table
    assert "Pairs: 3/6 matched, recall 0.5000; hard 1/3, recall 0.3333" in table
    # Misses are listed per disagreement, each with its pairs.
    assert "Missed disagreements (3):" in table
    assert "  - crash (no group) [soft weekday], 1 pair(s):" in table
    assert "Tuesday against Wednesday." in table
    assert "  - storm group storm-1 [hard count], 1 pair(s):" in table


def test_claims_on_the_same_side_do_not_match_a_pair(grouped, reports):
    """Tuesday and Wednesday on one side are no disagreement between them."""
    c = report_claims(reports)
    same_side = sided([c["tue_r1"], c["wed_r2"]], [c["dead30_r4"]], kind="weekday")
    co = score_reports(grouped, reports, [same_side]).as_dict()["contradictions"]
    assert (co["matched"], co["disagreements_matched"], co["precision"]) == (0, 0, 0.0)
    # One side alone states no disagreement at all.
    alone = sided([c["tue_r1"], c["wed_r2"]], kind="weekday")
    co = score_reports(grouped, reports, [alone]).as_dict()["contradictions"]
    assert (co["matched"], co["disagreements_matched"], co["predicted"]) == (0, 0, 1)
    apart = sided([c["tue_r1"]], [c["wed_r2"], c["dead30_r4"]], kind="weekday")
    co = score_reports(grouped, reports, [apart]).as_dict()["contradictions"]
    assert (co["matched"], co["disagreements_matched"], co["precision"]) == (1, 1, 1.0)


def test_two_findings_on_one_group_give_two_findings_per_disagreement(grouped, reports):
    c = report_claims(reports)
    first = sided([c["dead12_r1"]], [c["dead30_r4"]])
    second = sided([c["dead12_r2"], c["dead12_r3"]], [c["dead30_r4"]])
    result = score_reports(grouped, reports, [first, second])
    co = result.as_dict()["contradictions"]
    assert (co["disagreements_matched"], co["findings_per_matched_disagreement"]) == (1, 2.0)
    assert (co["matched"], co["predicted"], co["precision"]) == (3, 2, 1.0)
    assert "Findings per found disagreement: 2.00 (2/1; ideal 1)" in format_table(result)


def test_a_finding_matching_two_disagreements_counts_for_each(grouped, reports):
    """Wide claims match the death-toll group and the place pair: the finding is one of
    the findings of each disagreement (3 findings over 2 found disagreements)."""
    c = report_claims(reports)
    wide = sided([c["wide_r3"]], [c["wide_r4"]])
    toll = sided([c["dead12_r1"]], [c["dead30_r4"]])
    co = score_reports(grouped, reports, [wide, toll]).as_dict()["contradictions"]
    assert (co["disagreements_matched"], co["findings_per_matched_disagreement"]) == (2, 1.5)
    assert (co["predicted"], co["precision"]) == (2, 1.0)


def test_pair_without_group_is_its_own_disagreement(grouped, reports):
    c = report_claims(reports)
    result = score_reports(grouped, reports, [finding(c["tue_r1"], c["wed_r2"], kind="weekday")])
    assert [(d.story, d.group, len(d.pairs)) for d in result.disagreement_outcomes] == [
        ("crash", "crash-1", 3),
        ("crash", None, 1),
        ("crash", None, 1),
        ("storm", "storm-1", 1),
    ]
    assert [d.matched for d in result.disagreement_outcomes] == [False, True, False, False]
    co = result.as_dict()["contradictions"]
    assert (co["disagreements"], co["disagreements_matched"], co["matched"]) == (4, 1, 1)
    # The weekday pair is soft and alone: no hard disagreement is found.
    assert (co["disagreements_hard_matched"], co["disagreements_hard_recall"]) == (0, 0.0)


def test_a_disagreement_is_hard_when_any_of_its_pairs_is(grouped, reports):
    """Matching only a soft pair of a group with a hard pair finds a hard disagreement,
    though no hard pair is matched."""
    c = report_claims(reports)
    soft_pair = finding(c["dead12_r2"], c["dead30_r4"])
    co = score_reports(grouped, reports, [soft_pair]).as_dict()["contradictions"]
    assert (co["matched"], co["matched_hard"]) == (1, 0)
    assert (co["disagreements_hard"], co["disagreements_hard_matched"]) == (3, 1)
    assert co["disagreements_hard_recall"] == 0.3333


def test_false_alarms_and_findings_are_counted_per_story(grouped, reports):
    c = report_claims(reports)
    toll = finding(c["dead12_r1"], c["dead30_r4"])
    crash_alarm = finding(c["injured_r2"], c["dead30_r4"])  # injured vs dead: a trap
    stray = finding(c["tue_r1"], c["dead12_r3"], kind="other")
    storm_alarm = finding(c["schools_s1"], c["schools_s2"])  # a trap
    wind = finding(c["wind_s1"], c["wind_s2"])
    result = score_reports(grouped, reports, [toll, crash_alarm, stray, storm_alarm, wind])
    co = result.as_dict()["contradictions"]
    assert co["per_story"] == [
        {
            "story": "crash",
            "disagreements": 3,
            "disagreements_matched": 1,
            "findings": 3,
            "correct": 1,
            "false_alarms": 1,
        },
        {
            "story": "storm",
            "disagreements": 1,
            "disagreements_matched": 1,
            "findings": 2,
            "correct": 1,
            "false_alarms": 1,
        },
    ]
    assert (co["predicted"], co["precision"], co["false_alarms"]) == (5, 0.4, 2)
    table = format_table(result)
    assert "Per story:" in table
    lines = table.splitlines()
    header = next(line for line in lines if line.strip().startswith("story"))
    assert header.split() == [
        "story",
        "found",
        "recall",
        "findings",
        "correct",
        "precision",
        "false",
        "alarms",
    ]
    assert next(line for line in lines if line.startswith("  crash ")).split() == [
        "crash",
        "1/3",
        "0.3333",
        "3",
        "1",
        "0.3333",
        "1",
    ]
    assert next(line for line in lines if line.startswith("  storm ")).split() == [
        "storm",
        "1/1",
        "1.0000",
        "2",
        "1",
        "0.5000",
        "1",
    ]
    assert "False alarms (2):" in table
    assert "hit trap s1.txt «أغلقت 5 مدارس» <> s2.txt «أغلقت المدارس»" in table


def test_nothing_to_divide_by_prints_a_dash(gold, articles):
    """0/0 is shown as "-", a real zero as 0.0000; the JSON keeps 0.0 for both."""
    result = run(gold, articles, [], [])
    table = format_table(result)
    lines = table.splitlines()
    assert "Claims: 0/12 gold claims matched, recall 0.0000 (0 predicted claims" in table
    assert next(line for line in lines if line.startswith("  event ")).split() == [
        "event",
        "-",
        "0/0",
    ]
    assert "Findings per found disagreement: - (0/0; ideal 1)" in table
    assert "Findings: 0 counted, 0 correct, precision -; false alarms 0" in table
    assert next(line for line in lines if line.startswith("  derna-flood ")).split() == [
        "derna-flood",
        "0/0",
        "-",
        "0",
        "0",
        "-",
        "0",
    ]
    assert "0.0000" not in "".join(line for line in lines if "derna-flood" in line)
    co = result.as_dict()["contradictions"]
    assert (co["findings_per_matched_disagreement"], co["precision"]) == (0.0, 0.0)


def test_groups_are_read_from_the_gold_file(tmp_path):
    content = _story(
        contradictions=[
            _pair("count", "hard", ("a.txt", "x"), ("a.txt", "x"), group="g-1"),
            _pair("count", "soft", ("a.txt", "x"), ("a.txt", "x")),
        ]
    )
    g = load_gold(_write(tmp_path, content))
    assert [p.group for p in g.stories[0].contradictions] == ["g-1", None]


# --------------------------------------------------------------------------- claim fields


def test_field_mismatches_are_counted_and_listed(gold, articles):
    c = perfect_claims(articles)
    c["quake"] = changed(c["quake"], phase="began")
    c["dead12"] = claim(
        articles["quake_2.txt"],
        "أودى بحياة 12 شخصاً",
        "casualties",
        phase="completed",
        location=place(None, "الحسيمة"),  # known only by its Arabic form
        quantity=Quantity(value=12, unit="people"),
    )
    c["hospitals"] = changed(c["hospitals"], destinations=[place("Tangier")])
    # The right month with the wrong relation: "by" mid-2026 against "on".
    c["rebuild_mid"] = changed(
        c["rebuild_mid"],
        time=TimeValue(value="2026", granularity="year", modifier="mid", relation="by",
                       resolved=True),
    )
    c["injured"] = changed(c["injured"], event="attack")
    result = run(gold, articles, list(c.values()), [])
    fields = result.as_dict()["claims"]["fields"]
    assert result.claims_matched == 12
    for name in ("status", "location", "destination", "date_relation", "event"):
        assert fields[name] == round(11 / 12, 4), name
    for name in ("date", "weekday", "quantity"):
        assert fields[name] == 1.0, name
    table = format_table(result)
    assert "status: gold completed | predicted began" in table
    assert "location: gold Al Hoceima | predicted الحسيمة" in table
    assert "destination: gold Tangier; Tetouan | predicted Tangier" in table
    assert "date_relation: gold on | predicted by" in table


def test_other_event_word_and_complement_location(articles):
    text = articles["quake_3.txt"]
    g = inline_gold(
        "quake_3.txt",
        [
            {
                "article": "quake_3.txt",
                "quote": "خيام الإيواء نُصبت خارج المدينة",
                "event": "other:shelter",
                "location": "outside al hoceima",
            }
        ],
    )
    good = claim(text, "خيام الإيواء نُصبت", "other", location=place("Al Hoceima", complement=True))
    fields = score(g, [text], [good], []).as_dict()["claims"]["fields"]
    assert fields["event"] == fields["location"] == 1.0
    inside = claim(text, "خيام الإيواء نُصبت", "relocation", location=place("Al Hoceima"))
    fields = score(g, [text], [inside], []).as_dict()["claims"]["fields"]
    assert fields["event"] == fields["location"] == 0.0


@pytest.mark.parametrize(
    ("gold_q", "pred", "ok"),
    [
        # both absent / one absent
        (None, None, True),
        (None, Quantity(value=3, unit="people"), False),
        ({"value": 3, "unit": "people"}, None, False),
        # unresolved predictions state nothing
        ({"value": 3, "unit": "people"}, Quantity(unit="people", resolved=False), False),
        (None, Quantity(unit="people", resolved=False), True),
        # units must match (case-insensitive)
        (
            {"value": 50, "low": 50, "unit": "vehicles"},
            Quantity(value=50, low=50, unit="soldiers"),
            False,
        ),
        (
            {"value": 50, "low": 50, "unit": "vehicles"},
            Quantity(value=50, low=50, unit="Vehicles"),
            True,
        ),
        # stated bounds: "more than 50"
        ({"value": 50, "low": 50, "unit": "vehicles"}, Quantity(low=50, unit="vehicles"), True),
        ({"value": 50, "low": 50, "unit": "vehicles"}, Quantity(value=50, unit="vehicles"), False),
        ({"value": 50, "low": 50, "unit": "vehicles"}, Quantity(low=60, unit="vehicles"), False),
        (
            {"value": 50, "low": 50, "unit": "vehicles"},
            Quantity(low=50, high=100, unit="vehicles"),
            False,
        ),
        # stated bounds: "fewer than 500" (a missing low bound is 0 on both sides)
        (
            {"value": 500, "low": 0, "high": 500, "unit": "soldiers"},
            Quantity(high=500, unit="soldiers"),
            True,
        ),
        (
            {"value": 500, "low": None, "high": 500, "unit": "soldiers"},
            Quantity(low=0, high=500, unit="soldiers"),
            True,
        ),
        (
            {"value": 500, "low": 0, "high": 500, "unit": "soldiers"},
            Quantity(value=500, unit="soldiers"),
            False,
        ),
        # "none left": 0..0
        (
            {"value": 0, "low": 0, "high": 0, "unit": "soldiers"},
            Quantity(value=0, unit="soldiers"),
            True,
        ),
        # exact and approximate single values: within 1%
        ({"value": 350, "unit": "km", "approximate": True}, Quantity(value=352, unit="km"), True),
        ({"value": 350, "unit": "km", "approximate": True}, Quantity(value=355, unit="km"), False),
        ({"value": 350, "unit": "km"}, Quantity(value=350, low=315, high=385, unit="km"), True),
        ({"value": 350, "unit": "km"}, Quantity(low=350, high=350, unit="km"), True),
        ({"value": 350, "unit": "km"}, Quantity(low=300, high=400, unit="km"), False),
        # vague amounts: overlap suffices
        (
            {"value": None, "low": 200, "high": 999, "unit": "soldiers"},
            Quantity(low=100, high=300, unit="soldiers"),
            True,
        ),
        (
            {"value": None, "low": 200, "high": 999, "unit": "soldiers"},
            Quantity(value=500, unit="soldiers"),
            True,
        ),
        (
            {"value": None, "low": 200, "high": 999, "unit": "soldiers"},
            Quantity(low=1000, high=9999, unit="soldiers"),
            False,
        ),
        (
            {"value": None, "low": 1, "high": None, "unit": "soldiers"},
            Quantity(low=2, high=9, unit="soldiers"),
            True,
        ),
        (
            {"value": None, "low": 1, "high": None, "unit": "soldiers"},
            Quantity(value=0, unit="soldiers"),
            False,
        ),
    ],
)
def test_quantity_bound_rules(gold_q, pred, ok):
    g = None if gold_q is None else GoldQuantity.model_validate(gold_q)
    assert quantity_agrees(g, pred) is ok


@pytest.mark.parametrize(
    ("time", "expected"),
    [
        (None, None),
        (TimeValue(value="2025-09-15", granularity="day", resolved=True), "2025-09-15"),
        (
            TimeValue(value="2025-09", granularity="month", modifier="start", resolved=True),
            "2025-09",
        ),
        (TimeValue(value="2026", granularity="year", resolved=True), "2026"),
        (TimeValue(value="2026", granularity="year", modifier="approx", resolved=True), "2026"),
        # parts of a year at month precision, without bounds: Jan / 2 Jul / Dec
        (TimeValue(value="2026", granularity="year", modifier="end", resolved=True), "2026-12"),
        (TimeValue(value="2026", granularity="year", modifier="start", resolved=True), "2026-01"),
        (TimeValue(value="2026", granularity="year", modifier="mid", resolved=True), "2026-07"),
        # ... with the allowed days given
        (
            TimeValue(
                value="2026",
                granularity="year",
                modifier="start",
                resolved=True,
                earliest=date(2026, 2, 1),
                latest=date(2026, 4, 30),
            ),
            "2026-02",
        ),
        (
            TimeValue(
                value="2026",
                granularity="year",
                modifier="mid",
                resolved=True,
                earliest=date(2026, 5, 1),
                latest=date(2026, 7, 31),
            ),
            "2026-06",
        ),
        # without the allowed days a deadline cannot move the month
        (
            TimeValue(
                value="2026", granularity="year", modifier="mid", relation="by", resolved=True
            ),
            "2026-07",
        ),
        (
            TimeValue(
                value="2026",
                granularity="year",
                modifier="end",
                relation="by",
                resolved=True,
                earliest=date(2026, 10, 1),
                latest=date(2026, 12, 31),
            ),
            "2026-12",
        ),
        # a deadline names the last allowed month: "by the first quarter of 2026" = 2026-03
        (
            TimeValue(
                value="2026",
                granularity="year",
                modifier="start",
                relation="by",
                resolved=True,
                earliest=date(2026, 1, 1),
                latest=date(2026, 3, 31),
            ),
            "2026-03",
        ),
        # no calendar date
        (weekday_only(3), None),
        (TimeValue(value="2025-09", granularity="month", resolved=False, reason="x"), None),
        (TimeValue(granularity="unknown", resolved=True), None),
    ],
)
def test_date_rendering(time, expected):
    assert render_date(time) == expected


def test_date_field_uses_rendering(articles):
    q1 = articles["quake_1.txt"]
    g = inline_gold(
        "quake_1.txt",
        [
            {
                "article": "quake_1.txt",
                "quote": "بحلول نهاية عام 2025",
                "event": "other:reconstruction",
                "date": "2025-12",
                "date_relation": "by",
            }
        ],
    )
    end = TimeValue(value="2025", granularity="year", modifier="end", relation="by", resolved=True)
    fields = score(g, [q1], [claim(q1, "بحلول نهاية عام 2025", time=end)], []).as_dict()["claims"][
        "fields"
    ]
    assert fields["date"] == fields["date_relation"] == 1.0
    plain = TimeValue(value="2025", granularity="year", relation="by", resolved=True)
    fields = score(g, [q1], [claim(q1, "بحلول نهاية عام 2025", time=plain)], []).as_dict()[
        "claims"
    ]["fields"]
    assert fields["date"] == 0.0 and fields["date_relation"] == 1.0


def test_render_place_uses_surface_when_no_label():
    assert render_place(None) is None
    assert render_place(place(None, "أربيل")) == "أربيل"
    assert render_place(place("Iraq", complement=True)) == "outside Iraq"


def test_a_gold_place_name_matches_any_english_name_of_the_predicted_place():
    """Gold gives a short English name; one place has several (accents, spellings)."""
    abeche = Entity(kind="place", key="abeche", label="Abeche", surface="أبيشي")
    assert same_place("Abéché", abeche) and same_place("abeche", abeche)
    assert not same_place("Agadez", abeche)
    # a place the gazetteer does not know matches only its own label, accents aside
    assert same_place("Ighil", place("Ighîl", "إغيل")) and not same_place("Ighil", None)
    assert same_place(None, None) and not same_place(None, abeche)
    assert same_place("outside Chad", Entity(kind="place", key="chad", label="Chad",
                                             complement=True))
    assert not same_place("Chad", Entity(kind="place", key="chad", label="Chad",
                                         complement=True))


def test_a_gold_name_with_the_word_of_the_place_type_names_the_same_place():
    """"Anbar Governorate", "Kadhimiya District": the place's name and its type's word."""
    anbar = Entity(kind="place", key="anbar", label="Anbar", surface="الانبار")
    assert same_place("Anbar Governorate", anbar) and same_place("Anbar Province", anbar)
    assert not same_place("Anbar District", anbar)  # a province is no district
    kadhimiya = Entity(kind="place", key="kadhimiya", label="Kadhimiya", surface="الكاظميه")
    assert same_place("Kadhimiya District", kadhimiya)
    assert not same_place("Kadhimiya Province", kadhimiya)
    iraq = Entity(kind="place", key="iraq", label="Iraq", surface="العراق")
    assert not same_place("Iraq Province", iraq)  # a country has no such word


def test_a_relation_is_scored_only_with_the_date_it_relates_to():
    """A weekday alone renders no date, so its "on" renders no relation (gold: null)."""
    from checker.evaluate import GoldClaim, check_fields

    gold = GoldClaim(article="a.txt", quote="x", event="attack", date=None,
                     date_relation=None, weekday="Tuesday")
    alone = TimeValue(granularity="weekday", weekday=1, relation="on", resolved=False)
    c = Claim(id="c1", article_id="a", event="attack", quote="x", sentence=Span(start=0, end=1),
              evidence=Span(start=0, end=1), time=alone)
    checks = {f.field: f for f in check_fields(gold, c)}
    assert checks["date_relation"].ok and checks["date_relation"].predicted is None
    assert checks["weekday"].ok
    dated = TimeValue(value="2025-04-22", granularity="day", weekday=1, relation="on",
                      resolved=True)
    c = c.model_copy(update={"time": dated})
    checks = {f.field: f for f in check_fields(gold, c)}
    assert not checks["date_relation"].ok and checks["date_relation"].predicted == "on"


# --------------------------------------------------------------------------- one-to-one matching


def _two_quote_gold(article: Article) -> GoldFile:
    return inline_gold(
        article.name,
        [
            {
                "article": article.name,
                "quote": "ضرب زلزال بقوة 6.2 درجات",
                "event": "other:quake",
                "status": "completed",
            },
            {
                "article": article.name,
                "quote": "مدينة الحسيمة فجر يوم الثلاثاء",
                "event": "other:quake",
                "status": "completed",
            },
        ],
    )


def test_each_predicted_claim_matches_one_gold_claim(articles):
    q1 = articles["quake_1.txt"]
    g = _two_quote_gold(q1)
    both = claim(q1, "ضرب زلزال بقوة 6.2 درجات مدينة الحسيمة فجر يوم الثلاثاء", phase="completed")
    result = score(g, [q1], [both], [])
    assert result.as_dict()["claims"]["matched"] == 1
    # The greater overlap wins: this span covers all of the second quote, part of the first.
    assert [o.matched for o in result.claim_outcomes] == [False, True]
    small = claim(q1, "بقوة 6.2", phase="completed")
    result = score(g, [q1], [both, small], [])
    assert [o.claim_id for o in result.claim_outcomes] == [small.id, both.id]
    assert result.as_dict()["claims"]["recall"] == 1.0


def test_ties_go_to_field_agreement_then_earliest(articles):
    q1 = articles["quake_1.txt"]
    g = inline_gold(
        q1.name,
        [
            {
                "article": q1.name,
                "quote": "مدينة الحسيمة",
                "event": "other:quake",
                "status": "completed",
            }
        ],
    )
    # Equal overlap (5 characters each side of the quote).
    start = q1.text.index("مدينة الحسيمة")
    end = start + len("مدينة الحسيمة")

    def at(s: int, e: int, phase: str | None) -> Claim:
        sp = Span(start=s, end=e, text=q1.text[s:e])
        return Claim(
            article_id=q1.id, sentence=sp, evidence=sp, quote=sp.text, event="other", phase=phase
        )

    early_wrong = at(start - 10, start + 5, "planned")
    late_right = at(end - 5, end + 10, "completed")
    result = score(g, [q1], [early_wrong, late_right], [])
    assert result.claim_outcomes[0].claim_id == late_right.id
    early_right = at(start - 10, start + 5, "completed")
    result = score(g, [q1], [late_right, early_right], [])
    assert result.claim_outcomes[0].claim_id == early_right.id


def test_claim_in_another_article_does_not_match(articles):
    q1, q2 = articles["quake_1.txt"], articles["quake_2.txt"]
    g = inline_gold(q1.name, [{"article": q1.name, "quote": "يوم", "event": "other:quake"}])
    # Same offsets, wrong article.
    s = q1.text.index("يوم")
    sp = Span(start=s, end=s + 3, text=q2.text[s : s + 3])
    wrong = Claim(article_id=q2.id, sentence=sp, evidence=sp, quote=sp.text, event="other")
    assert score(g, [q1, q2], [wrong], []).as_dict()["claims"]["matched"] == 0


# --------------------------------------------------------------------------- gold validation


def test_gold_quote_not_found_is_reported_with_all_missing(articles):
    g = inline_gold(
        "quake_1.txt",
        [
            {"article": "quake_1.txt", "quote": "ضرب زلزال بقوة 7 درجات", "event": "attack"},
            {"article": "quake_1.txt", "quote": "أكثر من 30 شخصاً", "event": "casualties"},
        ],
        contradictions=[
            {
                "kind": "count",
                "certainty": "hard",
                "a": {"article": "quake_1.txt", "quote": "أكثر من 30 شخصاً"},
                "b": {"article": "quake_1.txt", "quote": "قتل 99 شخصاً"},
            }
        ],
    )
    with pytest.raises(GoldQuoteNotFoundError) as err:
        score(g, list(articles.values()), [], [])
    message = str(err.value)
    assert "2 gold quote(s) not found" in message
    assert "quake_1.txt: «ضرب زلزال بقوة 7 درجات»" in message
    assert "«قتل 99 شخصاً»" in message
    assert isinstance(err.value, GoldFileError)


def test_gold_article_missing_from_articles(gold, articles):
    some = [a for name, a in articles.items() if name != "quake_3.txt"]
    with pytest.raises(MissingArticleError, match="quake_3.txt"):
        score(gold, some, [], [])


def _write(tmp_path: Path, content: Any) -> Path:
    path = tmp_path / "gold.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def _story(**changes: Any) -> dict[str, Any]:
    story: dict[str, Any] = {
        "story": "s",
        "articles": ["a.txt"],
        "claims": [{"article": "a.txt", "quote": "x", "event": "withdrawal"}],
    }
    story.update(changes)
    return {"stories": [story]}


def test_gold_ignores_unknown_fields_and_accepts_absent_ones(tmp_path):
    content = _story()
    content["note"] = "ignored"
    content["stories"][0]["claims"][0]["note"] = "also ignored"
    g = load_gold(_write(tmp_path, content))
    c = g.stories[0].claims[0]
    assert (c.status, c.date, c.quantity, c.destination) == (None, None, None, None)
    assert g.stories[0].contradictions == [] and g.stories[0].non_contradictions == []


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("{not json", "not valid JSON"),
        (
            _story(claims=[{"article": "a.txt", "quote": "x", "event": "earthquake"}]),
            "unknown event",
        ),
        (_story(claims=[{"article": "a.txt", "quote": "x", "event": "other:"}]), "unknown event"),
        (
            _story(
                claims=[{"article": "a.txt", "quote": "x", "event": "attack", "date": "2025-13"}]
            ),
            "calendar",
        ),
        (
            _story(
                claims=[{"article": "a.txt", "quote": "x", "event": "attack", "date": "Sept 2025"}]
            ),
            "YYYY",
        ),
        (
            _story(
                claims=[{"article": "a.txt", "quote": "x", "event": "attack", "weekday": "Thu"}]
            ),
            "weekday",
        ),
        (
            _story(
                claims=[{"article": "a.txt", "quote": "x", "event": "attack", "status": "done"}]
            ),
            "status",
        ),
        (_story(claims=[{"article": "b.txt", "quote": "x", "event": "attack"}]), "b.txt"),
        (_story(claims=[{"article": "a.txt", "quote": "", "event": "attack"}]), "quote"),
        (
            _story(
                contradictions=[
                    {
                        "kind": "count",
                        "certainty": "maybe",
                        "a": {"article": "a.txt", "quote": "x"},
                        "b": {"article": "a.txt", "quote": "x"},
                    }
                ]
            ),
            "certainty",
        ),
        ({"stories": []}, "stories"),
    ],
)
def test_invalid_gold_is_a_gold_file_error(tmp_path, content, needle):
    with pytest.raises(GoldFileError, match=needle):
        load_gold(_write(tmp_path, content))


def test_missing_gold_file_is_a_gold_file_error(tmp_path):
    with pytest.raises(GoldFileError, match="cannot read"):
        load_gold(tmp_path / "absent.json")


# --------------------------------------------------------------------------- run_eval


@pytest.fixture
def ingest() -> None:
    pytest.importorskip("checker.ingest")


@pytest.mark.usefixtures("ingest")
def test_run_eval_scores_the_analysis_of_the_gold_articles(tmp_path, monkeypatch):
    """run_eval reads the drop, analyses only the gold's articles and scores the result."""
    import checker.analysis

    drop = tmp_path / "drop"
    shutil.copytree(DROP, drop)
    (drop / "unrelated.txt").write_text("خبر لا علاقة له بالقصة.", encoding="utf-8")
    seen: list[str] = []

    def fake_analyse(arts):
        seen.extend(a.name for a in arts)
        by_name = {a.name: a for a in arts}
        c = perfect_claims(by_name)
        return checker.analysis.Analysis(
            articles=list(arts), claims=list(c.values()), findings=perfect_findings(c)
        )

    monkeypatch.setattr(checker.analysis, "analyse", fake_analyse)
    result = run_eval(QUAKE_GOLD, drop)
    assert sorted(seen) == ["flood_1.txt", "quake_1.txt", "quake_2.txt", "quake_3.txt"]
    d = result.as_dict()
    assert d["claims"]["recall"] == 1.0 and d["contradictions"]["precision"] == 1.0


@pytest.mark.usefixtures("ingest")
def test_run_eval_missing_article_names_it(tmp_path):
    drop = tmp_path / "drop"
    shutil.copytree(DROP, drop)
    (drop / "quake_2.txt").unlink()
    with pytest.raises(MissingArticleError, match="quake_2.txt") as err:
        run_eval(QUAKE_GOLD, drop)
    assert isinstance(err.value, EvalError)


@pytest.mark.usefixtures("ingest")
def test_run_eval_says_why_a_present_file_was_not_read(tmp_path):
    drop = tmp_path / "drop"
    shutil.copytree(DROP, drop)
    # Same text as another file: the drop keeps only one of them.
    shutil.copy(drop / "quake_1.txt", drop / "quake_0.txt")
    with pytest.raises(MissingArticleError, match="quake_1.txt \\(rejected: duplicate"):
        run_eval(QUAKE_GOLD, drop)


@pytest.mark.usefixtures("ingest")
def test_run_eval_unreadable_folder(tmp_path):
    with pytest.raises(ArticlesDirError, match="not found"):
        run_eval(QUAKE_GOLD, tmp_path / "nowhere")


@pytest.mark.usefixtures("ingest")
def test_run_eval_on_the_repository_seeds():
    """End to end on the shipped seeds with a small gold: quotes are found in the real
    files and the pipeline's output is scored, whatever it currently finds."""
    result = run_eval(DATA / "seeds-gold-small.json", SEEDS)
    d = result.as_dict()
    assert (d["claims"]["gold"], d["contradictions"]["gold"], d["contradictions"]["traps"]) == (
        3,
        0,
        1,
    )
    assert 0.0 <= d["claims"]["recall"] <= 1.0
    assert "Claims:" in format_table(result)


def test_a_claim_derived_from_another_events_words_is_never_a_gold_claims_match(gold, articles):
    """The presence a completed withdrawal leaves empty (``inherited["derived_from"]``) stands on
    the withdrawal's words; it never takes the gold claim that annotates them."""
    c = perfect_claims(articles)
    first = next(iter(c))
    derived = c[first].model_copy(update={"inherited": {"derived_from": "withdrawal"}})
    claims = [derived, *(v for k, v in c.items() if k != first)]
    d = run(gold, articles, claims, []).as_dict()
    assert d["claims"]["matched"] == 11
    assert run(gold, articles, list(c.values()), []).as_dict()["claims"]["matched"] == 12
