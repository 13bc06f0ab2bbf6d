"""A `claimcheck run` killed with SIGKILL at any moment and started again ends with exactly
what a run that was never interrupted gives: no duplicate, no missing article, claim,
event or finding, and one run record."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from checker.bench.synthetic import generate
from tests.batch_subprocess import claimcheck, count, query, slowed_run, wait_for

pytestmark = pytest.mark.slow
ARTICLES = 100


def snapshot(db: Path) -> dict[str, list[tuple[object, ...]]]:
    return {
        "articles": query(db, "SELECT id, name FROM articles ORDER BY id"),
        "extractions": query(db, "SELECT article_id, claim_count FROM extractions ORDER BY 1"),
        "claims": query(db, "SELECT id, article_id FROM claims ORDER BY id"),
        "events": query(db, "SELECT event_id, claim_id FROM event_claims ORDER BY 1, 2"),
        # Findings by what they say (rule and claims), not by ID: a finding keeps the ID it
        # was first given when reports join it, so IDs depend on the order of link steps.
        "findings": _findings(db),
        "linked": query(db, "SELECT article_id FROM article_links ORDER BY 1"),
        "index": query(db, "SELECT block_key, place, claim_id FROM claim_blocks ORDER BY 1, 2, 3"),
    }


def _findings(db: Path) -> list[tuple[object, ...]]:
    rows = query(
        db,
        "SELECT f.id, f.rule, fc.claim_id FROM finding_claims fc"
        " JOIN findings f ON f.id = fc.finding_id ORDER BY 1, 3",
    )
    claims: dict[tuple[object, object], list[object]] = {}
    for finding_id, rule, claim_id in rows:
        claims.setdefault((finding_id, rule), []).append(claim_id)
    return sorted((rule, *ids) for (_, rule), ids in claims.items())


def assert_consistent(db: Path) -> None:
    """What must hold after a kill at any moment: each article's claims are all there or
    none are (one transaction per article), and linked articles have their index rows."""
    partial = query(
        db,
        "SELECT e.article_id FROM extractions e LEFT JOIN claims c ON c.article_id = e.article_id"
        " GROUP BY e.article_id HAVING count(c.id) != max(e.claim_count)",
    )
    assert partial == []
    unindexed = query(
        db,
        "SELECT c.id FROM claims c JOIN article_links l ON l.article_id = c.article_id"
        " LEFT JOIN linked_claims k ON k.claim_id = c.id WHERE k.claim_id IS NULL",
    )
    assert unindexed == []


@pytest.fixture(scope="module")
def drop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("crash") / "drop"
    generate(folder, ARTICLES, seed=11, contradictions=0.3)
    return folder


@pytest.fixture(scope="module")
def clean(drop: Path) -> dict[str, list[tuple[object, ...]]]:
    """The reference: one uninterrupted run."""
    db = drop.parent / "clean.db"
    done = claimcheck("run", str(drop), "--db", str(db), "--out", str(drop.parent / "out0"),
                      "--jobs", "1", "--quiet", cwd=drop.parent)
    assert done.returncode == 0, done.stderr
    reference = snapshot(db)
    assert len(reference["articles"]) == ARTICLES and reference["claims"]
    assert reference["events"] and reference["findings"]  # something to lose in a crash
    return reference


# When to kill: while articles are being extracted, while claims are being linked (in
# small steps), and after linking but before the run record. The same store is killed at
# each moment in turn, each time restarted by a run that is killed at the next.
KILL_POINTS = {
    "extracting": lambda db: 10 <= count(db, "extractions") < ARTICLES - 10,
    "linking": lambda db: 0 < count(db, "article_links") < ARTICLES,
    "reporting": lambda db: count(db, "article_links") == ARTICLES,
}


def test_a_run_killed_again_and_again_finishes_its_work_when_started_again(
    drop: Path, clean: dict[str, list[tuple[object, ...]]]
) -> None:
    work = drop.parent / "killed"
    work.mkdir()
    db, out = work / "c.db", work / "out"
    args = ("run", str(drop), "--db", str(db), "--out", str(out), "--jobs", "1", "--quiet")
    finished = 0
    for moment, reached in KILL_POINTS.items():
        victim = slowed_run(*args, cwd=work, pause_extract=0.01, pause_link=0.03, step=40)
        caught = wait_for(lambda reached=reached: reached(db), victim)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
        if victim.returncode != -signal.SIGKILL:
            # Only the last stage is short enough to end before the kill lands.
            assert moment == "reporting", f"the run ended before it was killed while {moment}"
            assert victim.returncode == 0, victim.stderr.read() if victim.stderr else ""
            finished += 1
        else:
            assert caught or moment == "reporting"
        assert count(db, "runs") == finished  # the run record is the last thing written
        assert_consistent(db)

    again = claimcheck(*args, cwd=work)
    assert again.returncode == 0, again.stderr
    assert snapshot(db) == clean
    assert count(db, "runs") == finished + 1
    assert (out / "report.json").is_file() and (out / "delta.json").is_file()
    assert not list(out.glob(".*.tmp"))  # no half-written file left behind
