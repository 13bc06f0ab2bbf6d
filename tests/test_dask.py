"""The scale-out path: extraction mapped over a Dask LocalCluster (two worker processes)
gives the same claims as extraction in this process."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("dask.distributed")

from checker.bench.synthetic import generate  # noqa: E402
from checker.run import run  # noqa: E402
from checker.store import Store  # noqa: E402


def test_a_run_on_dask_stores_the_same_claims_as_a_local_run(tmp_path: Path) -> None:
    drop = tmp_path / "syn"
    generate(drop, 12, seed=5)
    stored = []
    for name, options in (("local", {"jobs": 1}), ("dask", {"jobs": 2, "dask": "local"})):
        with Store(tmp_path / f"{name}.db") as store:
            summary = run([drop], store, None, **options)  # type: ignore[arg-type]
            assert summary.articles_extracted == 12 and summary.extraction_errors == 0
            assert summary.jobs == options["jobs"]
            stored.append((sorted(c.id for c in store.claims()), sorted(store.finding_ids())))
    assert stored[0] == stored[1]
    assert len(stored[0][0]) > 12  # the Arabic pipeline does find claims
