"""A per-article time limit protects a batch from pathological input: the article is
rejected with reason "timeout" and the batch goes on, in this process or in a pool."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.cli import main
from checker.parallel import ExtractionPool
from checker.run import run
from checker.store import Store
from claims.model import Article
from tests.spec_extractor import (
    force_pool,
    random_drop,
    slow_spec_extract,
    spec_extract,
    stubborn_spec_extract,
    write_article,
)


def drop_with(tmp_path: Path, marker: str, articles: int = 4) -> Path:
    drop = random_drop(tmp_path / "drop", articles, seed=21)
    write_article(drop, "pathological", ["@ attack mosul 2025-03-02 10", marker])
    return drop


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_slow_article_is_rejected_as_timeout_and_the_batch_goes_on(
    tmp_path: Path, store: Store, jobs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    force_pool(monkeypatch)
    drop = drop_with(tmp_path, "SLOW", articles=6)
    summary = run([drop], store, None, extractor=slow_spec_extract, extractor_version="v1",
                  jobs=jobs, article_timeout=0.5)
    assert summary.jobs == jobs
    assert summary.extraction_timeouts == 1 and summary.extraction_errors == 0
    assert summary.articles_extracted == 6
    (rejected,) = store.rejected()
    assert (rejected.path, rejected.reason) == ("pathological.txt", "timeout")
    assert "longer than 0.5 s" in rejected.detail
    slow = store.article_by_name("pathological.txt")
    assert slow is not None and slow.id not in store.extracted_article_ids()

    # Tried again on the next run; once it goes through, its rejection disappears.
    again = run([drop], store, None, extractor=spec_extract, extractor_version="v1",
                jobs=jobs, article_timeout=0.5)
    assert again.articles_extracted == 1 and again.extraction_timeouts == 0
    assert store.rejected() == []


def test_an_article_stuck_out_of_reach_of_signals_is_stopped_by_the_parent(
    tmp_path: Path,
) -> None:
    articles = [
        Article.from_text(f"a{i}.txt", f"تقرير {i}\n@ attack mosul 2025-03-0{i + 1} 10\n")
        for i in range(4)
    ]
    articles[1] = Article.from_text("stuck.txt", "STUCK\n@ attack mosul 2025-03-02 10\n")
    pool = ExtractionPool(stubborn_spec_extract, 1, timeout=0.3, grace=0.5, chunk_size=4)
    results = {r.name: r for r in pool.map(articles)}
    assert sorted(results) == sorted(a.name for a in articles)  # each article exactly once
    assert results["stuck.txt"].status == "timeout"
    assert "process was stopped" in results["stuck.txt"].detail
    assert all(results[a.name].status == "ok" and results[a.name].claims
               for a in articles if a.name != "stuck.txt")
    assert pool.restarts == 1


def test_article_timeout_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["run", str(tmp_path), "--article-timeout", "-1"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["run", str(tmp_path), "--article-timeout", "soon"])
    assert exc.value.code == 2
    assert "not a number of seconds" in capsys.readouterr().err
