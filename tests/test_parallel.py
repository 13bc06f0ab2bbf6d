"""Extraction in a process pool gives what extraction in this process gives; a dying
worker costs only its article; the progress bar appears only for a person."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from checker.bench.synthetic import generate
from checker.parallel import ExtractionPool, extract_articles
from checker.progress import RunProgress, wants_progress
from checker.run import run
from checker.store import Store
from claims.model import Article
from claims.pipeline import extract_claims
from tests.spec_extractor import (
    dying_spec_extract,
    force_pool,
    random_drop,
    spec_extract,
    write_article,
)


def synthetic_articles(tmp_path: Path, count: int) -> list[Article]:
    drop = tmp_path / "syn"
    generate(drop, count, seed=3)
    articles = []
    for path in sorted(drop.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            articles.append(Article.from_text(record["name"], record["text"]))
    return articles


def test_the_pool_extracts_the_same_claims_as_this_process(tmp_path: Path) -> None:
    """The real Arabic pipeline, in two worker processes, against in-process extraction."""
    articles = synthetic_articles(tmp_path, 24)
    serial = {r.article_id: [c.id for c in r.claims]
              for r in extract_articles(articles, extract_claims, jobs=1)}
    pooled = {}
    for result in extract_articles(articles, extract_claims, jobs=2, timeout=30, chunk_size=5):
        assert result.status == "ok", result.detail
        assert result.article_id not in pooled  # each article once
        pooled[result.article_id] = [c.id for c in result.claims]
    assert pooled == serial
    assert sum(map(len, serial.values())) > 24  # the pipeline does find claims


def test_a_run_with_jobs_stores_what_a_run_without_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    force_pool(monkeypatch)
    drop = random_drop(tmp_path / "drop", 20, seed=31)
    results = []
    for jobs in (1, 2):
        with Store(tmp_path / f"jobs{jobs}.db") as store:
            summary = run([drop], store, None, extractor=spec_extract, extractor_version="v1",
                          jobs=jobs)
            assert summary.jobs == jobs and summary.articles_extracted == 20
            results.append((
                sorted(c.id for c in store.claims()),
                sorted(e.id for e in store.events()),
                sorted(store.finding_ids()),
            ))
    assert results[0] == results[1]
    assert results[0][0] and results[0][2]


def test_a_worker_that_dies_costs_only_its_article(tmp_path: Path, store: Store,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    force_pool(monkeypatch)
    drop = random_drop(tmp_path / "drop", 8, seed=32)
    write_article(drop, "poison", ["@ attack mosul 2025-03-02 10", "DIE"])
    summary = run([drop], store, None, extractor=dying_spec_extract, extractor_version="v1",
                  jobs=2)
    assert summary.articles_extracted == 8 and summary.extraction_errors == 1
    (rejected,) = store.rejected()
    assert rejected.path == "poison.txt" and rejected.reason == "extraction_error"
    assert "process died" in rejected.detail


def test_pool_results_cover_every_article_once_across_restarts() -> None:
    articles = [Article.from_text(f"a{i}.txt", f"@ attack mosul 2025-03-0{i % 6 + 1} {i}\n"
                                  + ("DIE\n" if i in (3, 11) else ""))
                for i in range(16)]
    pool = ExtractionPool(dying_spec_extract, 2, chunk_size=3)
    results = list(pool.map(articles))
    assert sorted(r.name for r in results) == sorted(a.name for a in articles)
    assert {r.name for r in results if r.status == "error"} == {"a3.txt", "a11.txt"}
    assert pool.restarts == 2


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not wants_progress()  # pytest captures the output: not a terminal
    monkeypatch.setattr(sys, "stdout", _Terminal())
    monkeypatch.setattr(sys, "stderr", _Terminal())
    assert wants_progress() and not wants_progress(quiet=True)
    monkeypatch.setattr(sys, "stdout", io.StringIO())  # output redirected: a script
    assert not wants_progress()

    screen = _Terminal()
    with RunProgress(True, stream=screen) as bar:
        bar.stage("extract", 3)
        for _ in range(3):
            bar.advance()
    assert "extract" in screen.getvalue() and "3/3" in screen.getvalue()
    silent = io.StringIO()
    with RunProgress(False, stream=silent) as bar:
        bar.stage("extract", 3)
        bar.advance()
    assert silent.getvalue() == ""
