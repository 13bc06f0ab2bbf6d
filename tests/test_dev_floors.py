"""Quality on real reports may only go up: the development stories scored against their
gold must stay at or above the floors in ``tests/data/dev_floors.json``.

The development stories are published news, kept outside this repository; point the test
at them with two variables (``make dev-check DEV_GOLD=... DEV_ARTICLES=...`` sets them):

    CLAIMCHECK_DEV_GOLD      the gold file (GOLD-FORMAT)
    CLAIMCHECK_DEV_ARTICLES  the folder of its articles

Without them the test is skipped and says so. When a change raises a measure, raise its
floor in the same change (``python -m tests.test_dev_floors --print`` prints the measures
in the floors' form); a floor is never lowered to let a change in.

Fields are held as counts of matched gold claims with the field right, not as accuracies:
a change that matches more gold claims adds claims to the accuracy's denominator, and a
new match with a field wrong would lower the accuracy though no claim got worse; losing a
right field lowers the count.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from checker.evaluate import run_eval

FLOORS = Path(__file__).parent / "data" / "dev_floors.json"
GOLD_ENV = "CLAIMCHECK_DEV_GOLD"
ARTICLES_ENV = "CLAIMCHECK_DEV_ARTICLES"


def measures(scores: dict[str, Any]) -> dict[str, float]:
    """The measures the floors hold, from ``claimcheck eval --json``'s object. Every one
    is better when higher (false alarms enter as their negative)."""
    claims, found = scores["claims"], scores["contradictions"]
    out = {"claims_recall": claims["recall"]}
    out |= {
        f"field_{name}_right": round(value * claims["matched"])
        for name, value in claims["fields"].items()
    }
    out |= {
        "disagreements_matched": found["disagreements_matched"],
        "disagreements_hard_matched": found["disagreements_hard_matched"],
        "precision": found["precision"],
        "false_alarms_negated": -found["false_alarms"],
        "findings_per_matched_disagreement_negated": -found["findings_per_matched_disagreement"],
    }
    for language, per in claims["per_language"].items():
        out[f"{language}_claims_recall"] = per["recall"]
        out[f"{language}_disagreements_matched"] = per["disagreements_matched"]
    return out


def below(floors: dict[str, float], measured: dict[str, float]) -> list[str]:
    """The measures under their floor (a floor whose measure is gone counts as under)."""
    return [
        f"{name}: {measured.get(name)} < floor {floor}"
        for name, floor in floors.items()
        if name not in measured or measured[name] < floor - 1e-9
    ]


def test_below_names_every_measure_under_its_floor() -> None:
    floors = {"claims_recall": 0.5, "precision": 0.5, "false_alarms_negated": -2}
    assert below(floors, {"claims_recall": 0.6, "precision": 0.5, "false_alarms_negated": -2}) == []
    assert below(floors, {"claims_recall": 0.4, "false_alarms_negated": -3}) == [
        "claims_recall: 0.4 < floor 0.5",
        "precision: None < floor 0.5",
        "false_alarms_negated: -3 < floor -2",
    ]


def _dev_paths() -> tuple[Path, Path]:
    gold, articles = os.environ.get(GOLD_ENV), os.environ.get(ARTICLES_ENV)
    if not gold or not articles:
        pytest.skip(f"no development stories: set {GOLD_ENV} and {ARTICLES_ENV}")
    return Path(gold), Path(articles)


def _measure(gold: Path, articles: Path) -> dict[str, float]:
    return measures(run_eval(gold, articles).as_dict())


def test_the_development_stories_stay_at_or_above_their_floors() -> None:
    gold, articles = _dev_paths()
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    measured = _measure(gold, articles)
    assert below(floors, measured) == []


if __name__ == "__main__":  # python -m tests.test_dev_floors --print
    result = _measure(Path(os.environ[GOLD_ENV]), Path(os.environ[ARTICLES_ENV]))
    json.dump(result, sys.stdout, indent=2, sort_keys=True)
    print()
