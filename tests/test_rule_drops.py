"""The rule scenarios as real Arabic drops: extraction, linking and rules end to end.

``tests/data/rule_drops`` holds short articles written for these tests (other stories
than the seeds: a base closure in Chad, a convoy at a border crossing, an earthquake
toll, an attack on a checkpoint, a withdrawal from Niger, a denial in Erbil, a plan at
Rafah, an evacuation of al-Tanf, a withdrawal from Qamishli, a quake toll told by two
speakers, a flight bound for two cities, a base a withdrawal left empty) and
``gold.json`` in the
project's gold format, with two extra fields: ``published`` (publication dates, which
anchor weekdays) and ``plan_changes`` (pairs expected as plan-change findings).

Each story must give exactly its expected findings: every contradiction found with its
kind and certainty, every plan change found, and nothing else (no finding on a
non-contradiction pair, no unexpected finding). These tests depend on extraction; they
fail, rather than skip, while extraction does not produce the claims.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from checker.analysis import Analysis, analyse
from claims.model import Article, Claim, Finding

DROPS = Path(__file__).resolve().parent / "data" / "rule_drops"
GOLD: dict[str, Any] = json.loads((DROPS / "gold.json").read_text(encoding="utf-8"))
STORIES: list[dict[str, Any]] = GOLD["stories"]

# gold contradiction kind -> finding kind
KINDS = {
    "date": "date",
    "weekday": "weekday",
    "count": "count",
    "status": "timeline",
    "presence": "presence",
    "location": "location",
    "other": "other",
}


def _articles(story: dict[str, Any]) -> dict[str, Article]:
    out = {}
    for name in story["articles"]:
        text = (DROPS / name).read_text(encoding="utf-8")
        published = story.get("published", {}).get(name)
        out[name] = Article.from_text(
            name, text, published=date.fromisoformat(published) if published else None
        )
    return out


def _overlaps(claim: Claim, side: dict[str, str], articles: dict[str, Article]) -> bool:
    article = articles[side["article"]]
    start = article.text.index(side["quote"])
    end = start + len(side["quote"])
    return (
        claim.article_id == article.id and claim.evidence.start < end and start < claim.evidence.end
    )


def _matches(
    finding: Finding, pair: dict[str, Any], analysis: Analysis, articles: dict[str, Article]
) -> bool:
    """A finding matches a pair when one side holds a claim of ``a`` and another side a
    claim of ``b``; a claim that contradicts itself matches a pair with a = b."""
    claims = {c.id: c for c in analysis.claims}
    single = pair["a"] == pair["b"]
    if single != finding.self_contradictory:
        return False
    if single:
        return _overlaps(claims[finding.claim_ids[0]], pair["a"], articles)
    sides = [[claims[i] for i in side.claim_ids] for side in finding.sides]

    def side_has(side: list[Claim], quote: dict[str, str]) -> bool:
        return any(_overlaps(claim, quote, articles) for claim in side)

    return any(
        side_has(sides[i], pair["a"]) and side_has(sides[j], pair["b"])
        for i in range(len(sides))
        for j in range(len(sides))
        if i != j
    )


# Known extraction gaps, kept visible: strict, so a fix makes these tests say so.
KNOWN_GAPS: dict[str, str] = {}


def _story_param(story: dict[str, Any]) -> Any:
    reason = KNOWN_GAPS.get(story["story"])
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(story, id=story["story"], marks=marks)


@pytest.mark.parametrize("story", [_story_param(s) for s in STORIES])
def test_story_gives_exactly_its_expected_findings(story: dict[str, Any]) -> None:
    articles = _articles(story)
    analysis = analyse(list(articles.values()))
    findings = analysis.findings
    problems: list[str] = []

    # Pairs of one group are one disagreement: one finding, hard when any pair is.
    groups: dict[str, list[dict[str, Any]]] = {}
    for number, pair in enumerate(story["contradictions"]):
        groups.setdefault(pair.get("group") or f"pair-{number}", []).append(pair)
    for pairs in groups.values():
        certainty = "hard" if any(p["certainty"] == "hard" for p in pairs) else "soft"
        for pair in pairs:
            hits = [
                f
                for f in findings
                if f.kind != "plan_change" and _matches(f, pair, analysis, articles)
            ]
            if not hits:
                problems.append(f"missed {pair['kind']}: {pair['why']}")
                continue
            if not any(f.kind == KINDS[pair["kind"]] and f.certainty == certainty for f in hits):
                got = [(f.kind, f.certainty) for f in hits]
                problems.append(f"wrong kind/certainty {got} for {pair['kind']}/{certainty}")
        matched = {
            f.id for f in findings for pair in pairs if _matches(f, pair, analysis, articles)
        }
        if len(matched) > 1:
            problems.append(f"{len(matched)} findings for one disagreement: {pairs[0]['why']}")
    for pair in story.get("plan_changes", []):
        if not any(
            f.kind == "plan_change" and _matches(f, pair, analysis, articles) for f in findings
        ):
            problems.append(f"missed plan change: {pair['why']}")
    for pair in story["non_contradictions"]:
        for f in findings:
            if f.kind != "plan_change" and _matches(f, pair, analysis, articles):
                problems.append(f"false alarm {f.code} on: {pair['why']}")
    expected = story["contradictions"] + story.get("plan_changes", [])
    for f in findings:
        if not any(_matches(f, pair, analysis, articles) for pair in expected):
            problems.append(f"unexpected {f.code}: {f.explanation_en}")

    assert not problems, f"{len(analysis.claims)} claims extracted; " + " | ".join(problems)


def test_gold_quotes_are_in_the_articles() -> None:
    """The drop data itself is well-formed (this one does not depend on extraction)."""
    for story in STORIES:
        articles = _articles(story)
        pairs = (
            story["contradictions"] + story["non_contradictions"] + story.get("plan_changes", [])
        )
        assert pairs, story["story"]
        for pair in pairs:
            for side in (pair["a"], pair["b"]):
                assert side["quote"] in articles[side["article"]].text, side
