"""One writer per store: a second run on a store that a run is writing fails at once with
exit code 4 (or waits with --wait, and never interleaves with the first), while readers
(show, findings) keep working during the run."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from checker.bench.synthetic import generate
from checker.locking import StoreBusy, lock_path, store_lock
from checker.store import Store
from tests.batch_subprocess import claimcheck, count, query, slowed_run, wait_for

pytestmark = pytest.mark.slow


def test_a_second_run_fails_fast_or_waits_and_readers_keep_working(tmp_path: Path) -> None:
    first_drop, big_drop, other_drop = (tmp_path / n for n in ("first", "big", "other"))
    generate(first_drop, 6, seed=41, contradictions=1.0)
    generate(big_drop, 30, seed=42)
    generate(other_drop, 5, seed=43)
    db = tmp_path / "c.db"
    setup = claimcheck("run", str(first_drop), "--db", str(db), "--out", str(tmp_path / "o0"),
                       "--jobs", "1", "--quiet", cwd=tmp_path)
    assert setup.returncode == 0, setup.stderr
    (claim_id,) = query(db, "SELECT id FROM claims ORDER BY id LIMIT 1")[0]

    # The writer holds the store and waits at its first article until the gate goes.
    gate = tmp_path / "gate"
    gate.touch()
    writer = slowed_run("run", str(big_drop), "--db", str(db), "--out", str(tmp_path / "o1"),
                        "--jobs", "1", "--quiet", cwd=tmp_path, gate=gate)
    lock = lock_path(f"sqlite:///{db}")
    assert lock is not None
    assert wait_for(
        lambda: count(db, "articles") == 6 + 30
        and f"pid {writer.pid}" in lock.read_text(encoding="utf-8"),
        writer,
    )

    # While the writer works: a second run, an ingestion, two readers and a run that waits,
    # all started at once.
    def start(*args: str, extra: tuple[str, ...] = ()) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "checker.cli", *args, "--db", str(db), *extra],
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )

    refused = start("run", str(other_drop), extra=("--out", str(tmp_path / "o2"), "--quiet"))
    ingest = start("ingest", str(other_drop))
    shown = start("show", str(claim_id), extra=("--json",))
    listed = start("findings", extra=("--json",))
    waiting = start("run", str(other_drop),
                    extra=("--out", str(tmp_path / "o3"), "--quiet", "--json", "--wait"))
    results = {name: (p, *p.communicate(timeout=300))
               for name, p in (("refused", refused), ("ingest", ingest), ("shown", shown),
                               ("listed", listed))}
    assert writer.poll() is None

    # The second run and the ingestion: refused at once, saying why and what to do.
    process, _, err = results["refused"]
    assert process.returncode == 4
    assert "another claimcheck run is writing to this store" in err
    assert f"pid {writer.pid}" in err and "--wait" in err
    assert results["ingest"][0].returncode == 4

    # The readers: not blocked by the run.
    process, out, err = results["shown"]
    assert process.returncode == 0, err
    assert json.loads(out)["claim"]["id"] == claim_id
    process, out, err = results["listed"]
    assert process.returncode == 0 and json.loads(out), err

    # The run with --wait started only when the writer had finished: no interleaving.
    assert waiting.poll() is None
    gate.unlink()
    assert writer.wait(timeout=300) == 0
    out, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, err
    second = json.loads(out)
    runs = {row[0]: row for row in query(db, "SELECT id, started, finished FROM runs")}
    assert len(runs) == 3 and second["run_id"] in runs
    first_finished = max(
        datetime.fromisoformat(str(row[2])) for rid, row in runs.items()
        if rid != second["run_id"]
    )
    assert datetime.fromisoformat(second["started"]).replace(tzinfo=None) >= first_finished
    assert count(db, "articles") == 6 + 30 + 5


def test_the_lock_is_released_when_its_holder_dies_and_is_reentrant(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    Store(db).close()
    url = f"sqlite:///{db}"
    holder = slowed_run("run", str(tmp_path / "missing"), "--db", str(db), cwd=tmp_path)
    holder.wait(timeout=60)  # a run that ended (here: a usage error) holds nothing
    with store_lock(url), store_lock(url):  # the same process may take it again
        pass

    sleeper = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from checker.locking import store_lock\n"
         f"with store_lock({url!r}):\n    print('locked', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )
    assert sleeper.stdout is not None and sleeper.stdout.readline().strip() == "locked"
    with pytest.raises(StoreBusy):
        with store_lock(url):
            pass
    sleeper.kill()  # SIGKILL: no clean-up code runs, the kernel drops the lock
    sleeper.wait()
    start = time.monotonic()
    with store_lock(url, wait=30):
        pass
    assert time.monotonic() - start < 30
