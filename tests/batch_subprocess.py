"""Real `claimcheck` processes for the crash and concurrency tests.

``slowed_run`` starts the real command line (``checker.cli.main``) in a new Python
process, with a small sleep added to each extraction and each linking call (and
optionally a gate file that holds extraction back) so that a test can catch it in the
middle of its work. Nothing else is changed: the real Arabic
pipeline extracts, the real linker and rules run, the real store is written.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

_SLOWED = """
import os, sys, time
import checker.linking, checker.run, claims.pipeline
pause_extract, pause_link, step = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
gate = sys.argv[4]
real_extract, real_link = claims.pipeline.extract_claims, checker.linking.link

def extract(article):
    while gate and os.path.exists(gate):
        time.sleep(0.01)
    time.sleep(pause_extract)
    return real_extract(article)

def link(claims, **options):
    time.sleep(pause_link)
    return real_link(claims, **options)

claims.pipeline.extract_claims = extract
checker.linking.link = link
checker.run.LINK_STEP_CLAIMS = step
from checker.cli import main
sys.exit(main(sys.argv[5:]))
"""


def claimcheck(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the installed command line to completion."""
    return subprocess.run(
        [sys.executable, "-m", "checker.cli", *args],
        cwd=cwd, capture_output=True, text=True, timeout=timeout,
    )


def slowed_run(
    *args: str,
    cwd: Path,
    pause_extract: float = 0.0,
    pause_link: float = 0.0,
    step: int = 20_000,
    gate: Path | None = None,
) -> subprocess.Popen[str]:
    """``claimcheck ARGS`` with pauses; while the file ``gate`` exists, extraction waits."""
    return subprocess.Popen(
        [sys.executable, "-c", _SLOWED, str(pause_extract), str(pause_link), str(step),
         str(gate or ""), *args],
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    """Read the store from outside, as another process would (read-only)."""
    if not db.exists():
        return []
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return connection.execute(sql).fetchall()
    except sqlite3.OperationalError:  # tables not created yet
        return []
    finally:
        connection.close()


def count(db: Path, table: str) -> int:
    rows = query(db, f"SELECT count(*) FROM {table}")
    return int(rows[0][0]) if rows else 0  # type: ignore[call-overload]


def wait_for(
    condition: Callable[[], bool], process: subprocess.Popen[str], limit: float = 120
) -> bool:
    """Poll until ``condition`` holds (True) or the process ends first (False)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.01)
    raise TimeoutError("condition not reached")
