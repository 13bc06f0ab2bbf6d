"""Batch benchmark: how fast and how big a `claimcheck run` gets, on synthetic drops.

For each size (1k, 10k, 100k articles by default), measured in the same session:

(a) bare spaCy ``blank("ar")`` tokenisation of the same texts, one process: articles/s and
    tokens/s, the practical upper bound of anything that reads every token;
(b) end-to-end ``claimcheck run`` (ingest, extract, link, check, delta, report) into a new
    store with ``--jobs`` = the cores, as a separate process, wall clock;
(c) the ratio (b)/(a) in articles/s;
(d) the time to run a further drop of 100 new articles (30 % of them reports on stored
    events) into the store just built;
(e) the latency of ``claim_details`` (the library function behind ``claimcheck show``)
    over random claim IDs of that store, p50 and p99;
(f) the peak memory of the run: resident set of the run process and all its children
    (extraction workers), summed, sampled every 50 ms;
(g) the claim pairs the linker compared, and the recall of the planted contradictions
    (with the share of all findings that are planted ones, a precision proxy: every
    other report of an event is consistent by construction).

Beside the mixed drops, "one big story" (``checker/bench/story.py``): the five seed
reports copied 200 times each with their numbers changed, 1,000 reports of one story,
run end to end the same way, with its wall time, peak memory, pairs compared per claim,
findings and the planted disagreements they catch.

Run from the repository root (``make bench``; ``make bench BENCH_SIZES=1000`` for a quick
smoke run)::

    python -m checker.bench.run_bench --sizes 1000,10000,100000 --write docs/benchmarks.md

``--story-copies 0`` leaves the big story out; ``--sizes ""`` runs only the story.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from checker.bench import markdown
from checker.bench.story import generate_story, story_recall
from checker.bench.synthetic import (
    World,
    generate,
    generate_update,
    generator_fingerprint,
    manifest_path,
)
from checker.parallel import default_jobs
from checker.run import REPORT_FULL_MAX_CLAIMS, REPORT_FULL_MAX_FINDINGS

SECTION = "## Batch benchmark"
ROOT = Path(__file__).resolve().parents[2]
UPDATE_ARTICLES = 100
UPDATE_REPEATS = 3


@dataclass
class SizeResult:
    size: int
    articles: int = 0
    events: int = 0
    planted: int = 0
    tokens: int = 0
    chars: int = 0
    tokenise_seconds: float = 0.0
    run_seconds: float = 0.0
    run_timings: dict[str, float] = field(default_factory=dict)
    run_counts: dict[str, int] = field(default_factory=dict)
    peak_rss_mb: float = 0.0
    update_seconds: float = 0.0
    update_timings: dict[str, float] = field(default_factory=dict)
    update_counts: dict[str, int] = field(default_factory=dict)
    update_peak_rss_mb: float = 0.0
    update_range: list[float] = field(default_factory=list)  # fastest and slowest wall s
    lookups: int = 0
    lookup_p50_ms: float = 0.0
    lookup_p99_ms: float = 0.0
    lookup_max_ms: float = 0.0
    largest_event: int = 0
    slow_lookup_event: float = 0.0  # median claims in the event of lookups past p99
    lookup_event: float = 0.0  # median claims in the event of all lookups
    capped: bool = False  # the run was stopped at the time cap
    progress: dict[str, int] = field(default_factory=dict)  # rows in the store then
    recall: float | None = None
    caught: int = 0
    findings_total: int = 0
    findings_planted: int = 0
    other_findings: dict[str, int] = field(default_factory=dict)  # see other_findings()
    moved_events: int = 0  # events the generator moved off another's days (World)
    db_mb: float = 0.0

    @property
    def tokenise_rate(self) -> float:
        return self.articles / self.tokenise_seconds if self.tokenise_seconds else 0.0

    @property
    def run_rate(self) -> float:
        return self.articles / self.run_seconds if self.run_seconds else 0.0


@dataclass
class StoryResult:
    copies: int
    articles: int = 0
    run_seconds: float = 0.0
    peak_rss_mb: float = 0.0
    run_timings: dict[str, float] = field(default_factory=dict)
    run_counts: dict[str, int] = field(default_factory=dict)
    largest_event: int = 0
    capped: bool = False
    progress: dict[str, int] = field(default_factory=dict)
    planted: int = 0
    caught: int = 0
    caught_by_kind: dict[str, int] = field(default_factory=dict)
    planted_by_kind: dict[str, int] = field(default_factory=dict)
    findings: int = 0
    on_planted: int = 0
    other_by_kind: dict[str, int] = field(default_factory=dict)


def _texts(drop: Path) -> list[str]:
    texts: list[str] = []
    for path in sorted(drop.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            texts.extend(json.loads(line)["text"] for line in handle)
    return texts


def tokenise(texts: list[str]) -> tuple[float, int]:
    """Seconds and tokens for ``spacy.blank("ar")`` over the texts, one process."""
    import spacy

    nlp = spacy.blank("ar")
    nlp.make_doc(texts[0])
    start = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=256))
    return time.perf_counter() - start, tokens


def _tree_rss(process: psutil.Process) -> int:
    total = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            continue
    return total


class RunCapped(RuntimeError):
    """The run went past the time cap and was stopped."""

    def __init__(self, seconds: float, peak_mb: float) -> None:
        super().__init__(f"stopped after {seconds:.0f} s")
        self.seconds = seconds
        self.peak_mb = peak_mb


def timed_run(
    args: list[str], cwd: Path, cap_seconds: float | None = None
) -> tuple[float, float, str]:
    """Run the command line to the end: (seconds, peak summed RSS in MB, stderr). A run
    past ``cap_seconds`` is killed (with its workers) and :class:`RunCapped` raised."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "checker.cli", *args],
        cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env=bench_env(cwd),
    )
    watched = psutil.Process(child.pid)
    peak = 0
    ticks = 0
    while child.poll() is None:
        # Summing a process tree costs a little: every 50 ms at first, then every 0.5 s.
        peak = max(peak, _tree_rss(watched))
        ticks += 1
        time.sleep(0.05 if ticks < 600 else 0.5)
        if cap_seconds is not None and time.perf_counter() - start > cap_seconds:
            for member in [*watched.children(recursive=True), watched]:
                try:
                    member.kill()
                except psutil.Error:
                    pass
            child.wait()
            raise RunCapped(time.perf_counter() - start, peak / 2**20)
    seconds = time.perf_counter() - start
    stderr = child.stderr.read() if child.stderr else ""
    if child.returncode != 0:
        raise RuntimeError(f"claimcheck {' '.join(args)} failed ({child.returncode}): {stderr}")
    return seconds, peak / 2**20, stderr


def last_run(db: Path) -> tuple[dict[str, float], dict[str, int]]:
    from checker.store import Store

    with Store(db) as store:
        record = store.last_run()
    assert record is not None
    return record.timings, record.counts


def lookups(
    db: Path, count: int, seed: int = 1, budget_seconds: float | None = None
) -> tuple[list[float], list[int]]:
    """Milliseconds of ``claim_details`` for ``count`` random claim IDs (fewer when the
    time budget runs out), and the size of each claim's event (0: none)."""
    import sqlalchemy as sa

    from checker.report import claim_details
    from checker.store import Store, claims_table

    with Store(db) as store:
        with store.engine.connect() as conn:
            ids = list(conn.execute(sa.select(claims_table.c.id)).scalars())
            sizes: dict[str, int] = dict(conn.execute(sa.text(
                "SELECT ec.claim_id, n FROM event_claims ec JOIN (SELECT event_id, count(*) n"
                " FROM event_claims GROUP BY event_id) e ON e.event_id = ec.event_id"
            )).all())
        rng = random.Random(seed)
        sample = [rng.choice(ids) for _ in range(count)]
        for claim_id in sample[:50]:  # warm the connection and the page cache
            claim_details(store, claim_id)
        times = []
        began = time.perf_counter()
        for claim_id in sample:
            start = time.perf_counter()
            details = claim_details(store, claim_id)
            times.append((time.perf_counter() - start) * 1000)
            assert details is not None
            if budget_seconds is not None and time.perf_counter() - began > budget_seconds:
                break
    return times, [int(sizes.get(claim_id, 0)) for claim_id in sample[: len(times)]]


LOOKUP_BUDGET_SECONDS = 900.0


def _measure_lookups(result: SizeResult, db: Path, count: int) -> None:
    times, sizes = lookups(db, count, budget_seconds=LOOKUP_BUDGET_SECONDS)
    result.lookups = len(times)
    result.lookup_p50_ms = statistics.median(times)
    result.lookup_p99_ms = statistics.quantiles(times, n=100)[98]
    result.lookup_max_ms = max(times)
    result.lookup_event = statistics.median(sizes)
    slow = [size for ms, size in zip(times, sizes, strict=True) if ms > result.lookup_p99_ms]
    result.slow_lookup_event = statistics.median(slow) if slow else 0.0


def bench_env(work: Path) -> dict[str, str]:
    """The environment of every process the benchmark starts: the extraction build is
    cached in the work folder (``claims.resources``), not in the user's cache."""
    return dict(os.environ, CLAIMCHECK_CACHE_DIR=str(work / "cache"))


def startup_seconds(work: Path) -> tuple[float, float, float]:
    """Seconds a new process takes to import the run code, to build the extraction
    pipeline with an empty cache (the first run after claims/ changed), and to read it
    back from the cache (every later run). Leaves the cache warm for the runs."""
    shutil.rmtree(work / "cache", ignore_errors=True)
    code = (
        "import time; t = time.perf_counter(); import checker.run, claims.pipeline\n"
        "a = time.perf_counter() - t; claims.pipeline.get_pipeline()\n"
        "print(a, time.perf_counter() - t - a)"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       check=True, env=bench_env(work)).stdout.split()
        for _ in range(2)
    ]
    return float(runs[1][0]), float(runs[0][1]), float(runs[1][1])


def _finding_articles(db: Path) -> list[tuple[str, str, str]]:
    """(finding ID, kind, article name) for every article a finding has a claim in."""
    import sqlalchemy as sa

    from checker.store import Store

    with Store(db) as store, store.engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT f.id, f.kind, a.name FROM findings f"
            " JOIN finding_claims fc ON fc.finding_id = f.id"
            " JOIN claims c ON c.id = fc.claim_id JOIN articles a ON a.id = c.article_id"
        )).all()
    return [(str(i), str(k), str(n)) for i, k, n in rows]


def planted_recall(db: Path, manifest: dict[str, Any]) -> tuple[int, int, int, set[str]]:
    """(planted contradictions caught, findings in all, findings that are planted ones,
    their IDs).

    A planted contradiction is caught by a finding of its kind between a claim of the
    planted report and a claim of another report of the same event (a weekday mistake:
    a weekday finding on a claim of the planted report)."""


    rows = _finding_articles(db)
    names_of: dict[str, set[str]] = {}
    kind_of: dict[str, str] = {}
    for finding_id, kind, name in rows:
        names_of.setdefault(finding_id, set()).add(name)
        kind_of[finding_id] = kind
    by_name: dict[str, list[str]] = {}
    for finding_id, names in names_of.items():
        for name in names:
            by_name.setdefault(name, []).append(finding_id)
    # Generated events that report one event of the world (the closure of one base): the
    # reports of all of them are the planted report's "others" (not the planted ones).
    planted_names = {str(plant["article"]) for plant in manifest["planted"]}
    siblings: dict[int, set[str]] = {}
    for members in manifest.get("world_events", {}).values():
        reports = {
            name for index in members
            for name in manifest["event_articles"].get(str(index), [])
        } - planted_names
        for index in members:
            siblings[int(index)] = reports
    caught = 0
    explained: set[str] = set()
    for plant in manifest["planted"]:
        planted = plant["article"]
        others = set(plant["others"]) | siblings.get(int(plant["event"]), set())
        hits = []
        for finding_id in by_name.get(planted, []):
            names = names_of[finding_id]
            if plant["type"] == "weekday":
                ok = kind_of[finding_id] == "weekday"
            else:
                ok = bool(names & others) and kind_of[finding_id] == plant["type"]
            if ok:
                hits.append(finding_id)
        if hits:
            caught += 1
            explained.update(hits)
    return caught, len(names_of), len(explained), explained


def other_findings(db: Path, manifest: dict[str, Any], planted: set[str]) -> dict[str, int]:
    """The findings that are not about a planted disagreement, counted by kind and by
    whether their reports come from one generated event of the world ("within": the
    checker's or the extractor's own false alarm) or from several ("across": two events
    of the drop linked as one, at one place and time)."""


    event_of: dict[str, str] = {}
    for index, names in manifest["event_articles"].items():
        for name in names:
            event_of[name] = str(index)
    for world, members in manifest.get("world_events", {}).items():
        for index in members:
            for name in manifest["event_articles"].get(str(index), []):
                event_of[name] = world
    rows = _finding_articles(db)
    events: dict[str, set[str]] = {}
    indexes: dict[str, set[int]] = {}
    kinds: dict[str, str] = {}
    index_of = {n: int(i) for i, names in manifest["event_articles"].items() for n in names}
    for finding_id, kind, name in rows:
        events.setdefault(finding_id, set()).add(event_of.get(name, name))
        if name in index_of:
            indexes.setdefault(finding_id, set()).add(index_of[name])
        kinds[finding_id] = kind
    world = World(int(manifest["seed"]), float(manifest["contradiction_share"]))
    counts: Counter[str] = Counter()
    for finding_id, found in events.items():
        if finding_id in planted:
            continue
        where = "across" if len(found) > 1 else "within"
        counts[where] += 1
        counts[f"{where}:{kinds[finding_id]}"] += 1
        if where == "across":
            told = [world.event(i) for i in sorted(indexes.get(finding_id, ()))]
            unknown = any(e.place.key is None for e in told)
            one_country = len({e.place.country_key for e in told}) == 1
            counts["towns" if unknown and one_country else "elsewhere"] += 1
    return dict(counts)


def _progress(db: Path) -> dict[str, int]:
    import sqlite3

    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {
            table: int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in ("articles", "extractions", "claims", "article_links", "events",
                          "findings", "runs")
        }
    finally:
        connection.close()


def bench_size(
    size: int, work: Path, jobs: int, lookup_count: int, seed: int,
    cap_seconds: float | None = None,
) -> SizeResult:
    result = SizeResult(size=size)
    drop = work / f"drop-{size}"
    if not _current(drop):
        shutil.rmtree(drop, ignore_errors=True)
        generate(drop, size, seed=seed)
    manifest = json.loads(manifest_path(drop).read_text(encoding="utf-8"))
    result.articles, result.events = manifest["articles"], manifest["events"]
    result.planted = len(manifest["planted"])
    result.moved_events = int(manifest.get("moved_events", 0))

    texts = _texts(drop)
    result.chars = sum(map(len, texts))
    result.tokenise_seconds, result.tokens = tokenise(texts)
    del texts
    print(f"[{size}] tokenised: {result.tokenise_rate:,.0f} articles/s", flush=True)

    db = work / f"store-{size}.db"
    for path in work.glob(f"store-{size}.db*"):
        path.unlink()
    out = work / f"out-{size}"
    try:
        result.run_seconds, result.peak_rss_mb, _ = timed_run(
            ["run", str(drop), "--db", str(db), "--out", str(out), "--jobs", str(jobs),
             "--quiet"],
            work, cap_seconds,
        )
    except RunCapped as capped:
        result.capped = True
        result.run_seconds, result.peak_rss_mb = capped.seconds, capped.peak_mb
        result.progress = _progress(db)
        print(f"[{size}] run stopped at the cap after {capped.seconds:.0f} s: "
              f"{result.progress}", flush=True)
        if result.progress.get("claims"):
            _measure_lookups(result, db, lookup_count)
        result.db_mb = sum(p.stat().st_size for p in work.glob(f"store-{size}.db*")) / 2**20
        return result
    result.run_timings, result.run_counts = last_run(db)
    result.progress = _progress(db)
    import sqlite3

    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    result.largest_event = int(connection.execute(
        "SELECT coalesce(max(n), 0) FROM (SELECT count(*) n FROM event_claims GROUP BY event_id)"
    ).fetchone()[0])
    connection.close()
    print(f"[{size}] run: {result.run_seconds:.1f} s, {result.run_rate:,.1f} articles/s, "
          f"peak {result.peak_rss_mb:,.0f} MB", flush=True)
    result.caught, result.findings_total, result.findings_planted, planted = planted_recall(
        db, manifest)
    result.other_findings = other_findings(db, manifest, planted)
    result.recall = result.caught / result.planted if result.planted else None

    update = work / f"update-{size}"
    shutil.rmtree(update, ignore_errors=True)
    generate_update(update, UPDATE_ARTICLES, base_events=result.events, seed=seed)
    # The same drop run UPDATE_REPEATS times, each on a copy of the store as the full run
    # left it (a shared machine makes one timing noisy): the median by wall time is
    # reported, with the fastest and slowest; the last copy stays for the lookups.
    base = work / f"store-{size}-base.db"
    _copy_store(db, base)
    tries: list[tuple[float, float, dict[str, float], dict[str, int]]] = []
    for attempt in range(UPDATE_REPEATS):
        if attempt:
            _copy_store(base, db)
        seconds, peak, _ = timed_run(
            ["run", str(update), "--db", str(db), "--out", str(out), "--jobs", str(jobs),
             "--quiet"],
            work,
        )
        timings, counts = last_run(db)
        tries.append((seconds, peak, timings, counts))
        print(f"[{size}] +{UPDATE_ARTICLES} articles: {seconds:.1f} s", flush=True)
    for path in work.glob(f"store-{size}-base.db*"):
        path.unlink()
    middle = sorted(tries, key=lambda t: t[0])[len(tries) // 2]
    result.update_seconds, result.update_peak_rss_mb = middle[0], max(t[1] for t in tries)
    result.update_timings, result.update_counts = middle[2], middle[3]
    result.update_range = [min(t[0] for t in tries), max(t[0] for t in tries)]

    _measure_lookups(result, db, lookup_count)
    result.db_mb = sum(p.stat().st_size for p in work.glob(f"store-{size}.db*")) / 2**20
    print(f"[{size}] show: p50 {result.lookup_p50_ms:.2f} ms, p99 {result.lookup_p99_ms:.2f} ms",
          flush=True)
    return result


def _current(drop: Path) -> bool:
    """Whether the drop there was written by this generator (else it is written again)."""
    path = manifest_path(drop)
    if not path.exists():
        return False
    written = json.loads(path.read_text(encoding="utf-8")).get("generator")
    return bool(written) and written == generator_fingerprint()


def _copy_store(source: Path, target: Path) -> None:
    """A copy of an SQLite store at rest (its write-ahead log folded in first)."""
    import sqlite3

    for path in target.parent.glob(target.name + "*"):
        if path.name in (target.name, target.name + "-wal", target.name + "-shm"):
            path.unlink()
    connection = sqlite3.connect(source)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    shutil.copyfile(source, target)
    # On disk before the timed run starts: the write-back of a copy of hundreds of MB
    # would otherwise stall the run's own commits and be charged to it.
    with target.open("rb+") as handle:
        os.fsync(handle.fileno())


def _largest_event(db: Path) -> int:
    import sqlite3

    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(connection.execute(
            "SELECT coalesce(max(n), 0) FROM (SELECT count(*) n FROM event_claims"
            " GROUP BY event_id)"
        ).fetchone()[0])
    finally:
        connection.close()


def bench_story(
    copies: int, work: Path, jobs: int, seed: int, cap_seconds: float | None = None
) -> StoryResult:
    """One big story: the seed reports copied ``copies`` times each, run end to end."""
    result = StoryResult(copies=copies)
    drop = work / f"story-{copies}"
    if not manifest_path(drop).exists():
        shutil.rmtree(drop, ignore_errors=True)
        generate_story(drop, copies=copies, seed=seed)
    manifest = json.loads(manifest_path(drop).read_text(encoding="utf-8"))
    result.articles = manifest["articles"]
    db = work / f"store-story-{copies}.db"
    for path in work.glob(f"store-story-{copies}.db*"):
        path.unlink()
    try:
        result.run_seconds, result.peak_rss_mb, _ = timed_run(
            ["run", str(drop), "--db", str(db), "--out", str(work / f"out-story-{copies}"),
             "--jobs", str(jobs), "--quiet"],
            work, cap_seconds,
        )
    except RunCapped as capped:
        result.capped = True
        result.run_seconds, result.peak_rss_mb = capped.seconds, capped.peak_mb
        result.progress = _progress(db)
        return result
    result.run_timings, result.run_counts = last_run(db)
    result.largest_event = _largest_event(db)
    recall = story_recall(db, manifest)
    result.planted, result.caught = recall.planted, recall.caught
    result.caught_by_kind = recall.by_kind
    result.planted_by_kind = dict(Counter(str(p["kind"]) for p in manifest["planted"]))
    result.findings, result.on_planted = recall.findings, recall.on_planted
    result.other_by_kind = recall.other_by_kind
    print(f"[story x{copies}] run: {result.run_seconds:.1f} s, peak "
          f"{result.peak_rss_mb:,.0f} MB, {recall.caught}/{recall.planted} planted caught",
          flush=True)
    return result


def render_story(story: StoryResult) -> list[str]:
    """The big story's lines of the section."""
    if story.capped:
        return [
            "", f"One big story ({story.articles:,} reports): stopped at the time cap after "
            f"{story.run_seconds:,.0f} s (peak {story.peak_rss_mb:,.0f} MB); the store then "
            f"held {story.progress}.",
        ]
    counts, timings = story.run_counts, story.run_timings
    claims = counts.get("claims_total", 0)
    pairs = counts.get("pairs_compared", 0) + counts.get("pairs_rechecked", 0)
    stages = ["ingest", "extract", "link", "check", "store", "delta", "report", "total"]
    kinds = ", ".join(f"{n} {k}" for k, n in story.other_by_kind.items()) or "none"
    caught = ", ".join(
        f"{story.caught_by_kind.get(k, 0)} of {n} {k}" for k, n in story.planted_by_kind.items()
    )
    return [
        "",
        f"One big story (`checker/bench/story.py`): the five seed reports (`seeds/`) copied "
        f"{story.copies} times each with their numbers changed (a third of the counts "
        "halved, raised by half or doubled; in a tenth of the copies the event days moved "
        "1 to 3 days), published over a week: the shape of a major story covered by many "
        "outlets for days. Same command and settings:",
        "",
        "| reports | claims | run s | peak RSS MB | " + " | ".join(stages[:-1])
        + " | events | largest event | pairs compared | pairs / claim | findings |",
        "|" + "---:|" * (len(stages) + 8),
        f"| {story.articles:,} | {claims:,} | {story.run_seconds:,.1f} "
        f"| {story.peak_rss_mb:,.0f} | "
        + " | ".join(f"{timings.get(s, 0):,.1f}" for s in stages[:-1])
        + f" | {counts.get('events', 0):,} | {story.largest_event:,} | {pairs:,} "
        f"| {pairs / claims if claims else 0:.2f} | {story.findings:,} |",
        "",
        f"Where its time goes: extraction {timings.get('extract', 0):,.1f} s, linking "
        f"{timings.get('link', 0):,.1f} s ({pairs / claims if claims else 0:.2f} pairs "
        f"compared per claim: the copies of one report share a linking signature), the "
        f"rules {timings.get('check', 0):,.1f} s over an event of {story.largest_event:,} "
        f"claims, and the whole store's report {timings.get('report', 0):,.1f} s (a store "
        f"under {REPORT_FULL_MAX_CLAIMS:,} claims gets a full report).",
        "",
        f"Planted disagreements (the changed numbers that the seeds' claims read and that "
        f"cannot be the seed's value): {story.planted}; caught {story.caught} ({caught}). "
        f"{story.on_planted} findings are about a planted number; the others ({kinds}) are "
        "the seeds' own disagreements, as told by their copies.",
    ]


def _machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": default_jobs(),
        "cpu": cpu or platform.processor(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "load": [round(x, 2) for x in os.getloadavg()],
    }


def _ms(value: float) -> str:
    return f"{value:.2f}"


def _verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def render(
    results: list[SizeResult], info: dict[str, Any], story: StoryResult | None = None
) -> str:
    machine = info["machine"]
    lines = [
        SECTION,
        "",
        f"Measured {info['date']} with `{info['command']}` on {machine['cores']} cores "
        f"({machine['cpu']}, {machine['memory_gb']} GB RAM, Python {machine['python']}); "
        f"load average {machine['load']} at the start and {info['load_end']} at the end "
        "(the machine was shared with other work, so the times are pessimistic). "
        f"`--jobs {info['jobs']}`"
        + (f", settings {', '.join(f'`{k}={v}`' for k, v in info['settings'].items())}"
           if info["settings"] else ", default settings")
        + ". Synthetic drops from `checker/bench/synthetic.py` "
        f"(seed {info['seed']}): Arabic articles about many events, 1 to 4 reports each, 5 % "
        "of the events with 2+ reports carrying one planted contradiction.",
        "",
        "| articles | claims | tokenise (a) art/s | tokens/s | run (b) art/s | (b)/(a) "
        "| run s | peak RSS MB | +100 articles s | show p50 ms | p99 ms | lookups "
        "| pairs compared | pairs / claim |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    done = [r for r in results if not r.capped]
    for r in results:
        rate = f"{r.tokenise_rate:,.0f} | {r.tokens / r.tokenise_seconds:,.0f}"
        if r.capped:
            lines.append(
                f"| {r.articles:,} | {r.progress.get('claims', 0):,} | {rate} | - | - "
                f"| stopped at {r.run_seconds:,.0f} | {r.peak_rss_mb:,.0f} | - "
                f"| {_ms(r.lookup_p50_ms)} | {_ms(r.lookup_p99_ms)} | {r.lookups:,} | - | - |"
            )
            continue
        claims = r.run_counts.get("claims_total", 0)
        pairs = r.run_counts.get("pairs_compared", 0) + r.run_counts.get("pairs_rechecked", 0)
        lines.append(
            f"| {r.articles:,} | {claims:,} | {rate} | {r.run_rate:,.1f} "
            f"| {r.run_rate / r.tokenise_rate:.3f} | {r.run_seconds:,.1f} "
            f"| {r.peak_rss_mb:,.0f} | {r.update_seconds:.2f} | {_ms(r.lookup_p50_ms)} "
            f"| {_ms(r.lookup_p99_ms)} | {r.lookups:,} | {pairs:,} "
            f"| {pairs / claims if claims else 0:.1f} |"
        )
    for r in results:
        if r.capped:
            p = r.progress
            lines += [
                "",
                f"The run over {r.articles:,} articles was stopped at the time cap after "
                f"{r.run_seconds / 60:,.1f} minutes, with {p.get('extractions', 0):,} articles "
                f"extracted ({p.get('claims', 0):,} claims), {p.get('article_links', 0):,} "
                f"linked, {p.get('events', 0):,} events and {p.get('findings', 0):,} findings "
                f"stored; peak memory until then {r.peak_rss_mb:,.0f} MB. The lookups were "
                "measured on that store.",
            ]
    if story is not None:
        lines += render_story(story)
    lines += ["", "Stage times of the run (seconds, from the run record):", ""]
    stages = ["ingest", "extract", "link", "check", "store", "delta", "report", "total"]
    lines.append("| articles | " + " | ".join(stages) + " | events | findings |")
    lines.append("|---:|" + "---:|" * (len(stages) + 2))
    for r in done:
        lines.append(
            f"| {r.articles:,} | "
            + " | ".join(f"{r.run_timings.get(s, 0):,.1f}" for s in stages)
            + f" | {r.run_counts.get('events', 0):,} | {r.run_counts.get('findings', 0):,} |"
        )
    lines += ["", f"The drop of 100 more articles, run {UPDATE_REPEATS} times on copies of "
              "the store the full run left (seconds; the run with the median wall time, and "
              "the fastest and slowest wall times; wall time includes starting Python, "
              "importing, reading the extraction pipeline from the cache and exiting):", ""]
    lines.append("| store | wall | fastest–slowest | " + " | ".join(stages)
                 + " | claims linked | pairs | facts kept | peak RSS MB |")
    lines.append("|---:|---:|---:|" + "---:|" * len(stages) + "---:|---:|---:|---:|")
    for r in done:
        pairs = r.update_counts.get("pairs_compared", 0) + r.update_counts.get(
            "pairs_rechecked", 0)
        spread = (f"{r.update_range[0]:.2f}–{r.update_range[1]:.2f}" if r.update_range
                  else "-")
        lines.append(
            f"| {r.articles:,} | {r.update_seconds:.2f} | {spread} | "
            + " | ".join(f"{r.update_timings.get(s, 0):,.2f}" for s in stages)
            + f" | {r.update_counts.get('claims_linked', 0):,} | {pairs:,} "
            f"| {r.update_counts.get('facts_reused', 0):,} | {r.update_peak_rss_mb:,.0f} |"
        )
    lines += ["", "Quality on the synthetic drops (the planted contradictions are the only "
              "disagreements the generator means to write; a finding counts as planted when "
              "it is about a planted report and another report of its event):", ""]
    lines.append("| articles | planted | caught | recall | findings | of which planted | "
                 "findings / planted | findings per 1k articles |")
    lines.append("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in done:
        recall = f"{r.recall:.2f}" if r.recall is not None else "-"
        ratio = f"{r.findings_total / r.planted:.2f}" if r.planted else "-"
        lines.append(
            f"| {r.articles:,} | {r.planted:,} | {r.caught:,} | {recall} | {r.findings_total:,} | "
            f"{r.findings_planted:,} | {ratio} | {1000 * r.findings_total / r.articles:,.0f} |"
        )
    for r in done:
        if not r.other_findings:
            continue
        other = r.other_findings

        def kinds(where: str, other: dict[str, int] = other) -> str:
            found = sorted(
                ((k.split(":", 1)[1], n) for k, n in other.items() if k.startswith(where + ":")),
                key=lambda kn: (-kn[1], kn[0]),
            )
            return ", ".join(f"{n} {k}" for k, n in found) or "none"

        lines += ["", (
            f"At {r.articles:,} articles, the findings that are not about a planted "
            f"disagreement ({r.findings_total - r.findings_planted:,}): "
            f"{other.get('across', 0):,} join reports of different generated events "
            f"({kinds('across')}; {other.get('towns', 0):,} of them about a town the "
            f"gazetteer does not know, in the country of the other), "
            f"{other.get('within', 0):,} are within the reports of one event "
            f"({kinds('within')}); the generator moved {r.moved_events:,} events off the days "
            "of another event of their kind at their place."
        )]
    if done:
        lines += ["", GENERATOR_NOTE]
    targets = _targets(results, story)
    if targets:
        lines += ["", f"Targets ({machine['cores']} cores):", "", *targets, ""]
    if done:
        lines += _why(done, info)
    return "\n".join(lines) + "\n"


GENERATOR_NOTE = (
    "The generator writes no disagreement but the planted ones (`checker/bench/synthetic.py`):"
    " a base is closed once (the closure of a base, its day, force and numbers, is the "
    "same in every event that reports it: with 21 bases in the gazetteer, a large drop has "
    "dozens of events reporting each closure); a background sentence (\"floods hit X in "
    "March 2021, killing 12\") tells the world's past, years before the drop's events, "
    "with the same month, year and count in every report that mentions it; two events of "
    "one kind at one place, or with one destination, are at least a week apart. Before it "
    "did, the 10,000-article drop of the benchmark measured 2026-12-06 09:51 UTC gave 939 "
    "findings for 153 planted disagreements (945 with the drop of 100 more): of those 945, "
    "615 set a background sentence, written \"last month\" with a count drawn anew in each "
    "report, against another report's, and 93 set one base's closures, told on different "
    "days by events that each closed it, against each other. Of the findings left that "
    "join different events, those about a town the gazetteer does not know are reports "
    "written \"a village in Iraq\": the extractor keeps only the country, so two such "
    "events in one country a day apart are one place to the linker (keeping the unknown "
    "town's name, with its country above it, is an extraction change). The others read "
    "link a report that names no place the extractor read (\"a convoy of 97 vehicles "
    "arrived\", its destination missed), or gives no day of its own, to another event of "
    "its kind in its country on days that may be the same: a claim without a place joins "
    "its best neighbour, and an undated report is placed, for linking only, in the days "
    "before its publication."
)


def _targets(results: list[SizeResult], story: StoryResult | None) -> list[str]:
    """Each target with what was measured and whether it is met."""
    out: list[str] = []
    if story is not None:
        seconds = f"stopped at {story.run_seconds:,.0f} s" if story.capped else (
            f"{story.run_seconds:,.1f} s")
        out += [
            f"- one big story of {story.articles:,} reports end to end < 60 s: {seconds}, "
            f"{_verdict(not story.capped and story.run_seconds < 60)}; peak memory < 1.5 GB: "
            f"{story.peak_rss_mb:,.0f} MB, {_verdict(story.peak_rss_mb < 1536)};",
        ]
    by_size = {r.articles: r for r in results}
    if (mixed := by_size.get(10_000)) is not None:
        seconds = f"stopped at {mixed.run_seconds:,.0f} s" if mixed.capped else (
            f"{mixed.run_seconds:,.1f} s")
        out.append(
            f"- 10,000 mixed articles end to end < 150 s: {seconds}, "
            f"{_verdict(not mixed.capped and mixed.run_seconds < 150)}; peak memory < 1.5 GB: "
            f"{mixed.peak_rss_mb:,.0f} MB, {_verdict(mixed.peak_rss_mb < 1536)};"
        )
        if not mixed.capped:
            work = sum(mixed.update_timings.get(s, 0) for s in ("link", "check", "store"))
            spread = (f", {mixed.update_range[0]:.2f} to {mixed.update_range[1]:.2f} s over "
                      f"{UPDATE_REPEATS} runs" if mixed.update_range else "")
            out.append(
                f"- 100 new articles into the 10,000-article store < 5 s: "
                f"{mixed.update_seconds:.2f} s wall, the median run{spread} "
                f"({work:.2f} s linking, checking and writing), "
                f"{_verdict(mixed.update_seconds < 5)};"
            )
        if mixed.planted and mixed.recall is not None:
            limit = 3 * mixed.planted
            out.append(
                f"- synthetic 10,000-article drop: findings <= 3 x planted disagreements "
                f"({limit:,}): {mixed.findings_total:,}, {_verdict(mixed.findings_total <= limit)}"
                f"; planted recall >= 0.5: {mixed.recall:.2f}, {_verdict(mixed.recall >= 0.5)};"
            )
    if (huge := by_size.get(100_000)) is not None:
        seconds = f"stopped at {huge.run_seconds / 60:,.1f} min" if huge.capped else (
            f"{huge.run_seconds / 60:,.1f} min")
        out.append(
            f"- 100,000 articles complete < 30 min: {seconds}, "
            f"{_verdict(not huge.capped and huge.run_seconds < 1800)}; peak memory < 2 GB: "
            f"{huge.peak_rss_mb:,.0f} MB, {_verdict(huge.peak_rss_mb < 2048)};"
        )
        if not huge.capped:
            out.append(
                f"- 100 new articles into the 100,000-article store (measured, no target): "
                f"{huge.update_seconds:.2f} s wall, the median run;"
            )
    done = [r for r in results if not r.capped]
    if done:
        big = max(done, key=lambda r: r.articles)
        out += [
            f"- at {big.articles:,} articles (the largest size that finished), end-to-end "
            f">= 0.5x bare tokenisation: {big.run_rate / big.tokenise_rate:.3f}x, "
            f"{_verdict(big.run_rate / big.tokenise_rate >= 0.5)}; `show` lookup p99 < 5 ms: "
            f"{big.lookup_p99_ms:.2f} ms, {_verdict(big.lookup_p99_ms < 5)}.",
        ]
    if out:
        out[-1] = out[-1].rstrip(";") + ("" if out[-1].endswith(".") else ".")
    return out


UPDATE_NOTE = (
    "- The drop of 100 articles into the 10,000-article store before the work this "
    "section measures (2026-12-06 09:51 UTC, on drops of the older generator) took 14.83 s:"
    " 1.3 s importing and 3.6 s building the extraction pipeline, linking 2.79 s (pairs "
    "compared again while linking every touched event of fewer than 50 claims again, and "
    "the garbage collector walking the pipeline's objects), the rules 1.61 s (every fact of"
    " every touched event judged again), writing 0.21 s, the whole report of the changed "
    "events 2.40 s. What a new process pays before its first article is now the most of it:"
    " importing and reading the pipeline back from the cache. Then the gazetteer grew"
    " (the layers of world places), the cached pipeline with it (a 21 MB entry), and "
    "reading it took 1.5 s, about two thirds of it spaCy's phrase matcher adding its "
    "200,000 patterns back one by one: the lexicons now match through an index of their "
    "own table (`claims.tokenizer.VariantLexicon`), and the entry (10 MB) reads back in "
    "about 0.5 s. Of a new process's time before its first article, importing is now the "
    "most (spaCy alone about 0.9 s), then reading the pipeline and compiling the time and "
    "quantity grammars (about 0.25 s)."
)


def _update_text(r: SizeResult, info: dict[str, Any]) -> str:
    """Where the wall time of the drop of 100 articles into the store of ``r`` went."""
    update = r.update_timings
    outside = max(0.0, r.update_seconds - update.get("total", 0))
    stages = ", ".join(
        f"{label} {update.get(stage, 0):.2f} s"
        for stage, label in (
            ("extract", "extraction (the pipeline read included)"), ("link", "linking"),
            ("check", "the rules"), ("store", "writing"), ("report", "the report"),
            ("ingest", "ingest"), ("delta", "delta"),
        )
    )
    return (
        f"- The drop of 100 articles into the {r.articles:,}-article store took "
        f"{r.update_seconds:.2f} s (median of {UPDATE_REPEATS}): its stages "
        f"{update.get('total', 0):.2f} s ({stages}), and {outside:.2f} s outside them "
        "(starting Python, importing, opening the store, exiting). It linked "
        f"{r.update_counts.get('claims_linked', 0):,} claims; events that new claims "
        "joined are re-clustered from their old members without comparing them again, "
        "and the rules judge only the facts a new claim changed "
        f"({r.update_counts.get('facts_reused', 0):,} facts kept their finding, or none, "
        f"unjudged), in events of up to {r.largest_event:,} claims here."
    )


def _why(results: list[SizeResult], info: dict[str, Any]) -> list[str]:
    """What the measurements say about where the time and memory go."""
    r = max(results, key=lambda x: x.articles)
    timings, jobs = r.run_timings, info["jobs"]
    per_article = 1000 * timings.get("extract", 0) * jobs / r.articles if r.articles else 0
    tokenise = 1000 / r.tokenise_rate if r.tokenise_rate else 0
    total = timings.get("total", 0) or 1
    shares = ", ".join(
        f"{stage} {100 * timings.get(stage, 0) / total:.0f} %"
        for stage in ("ingest", "extract", "link", "check", "store", "report")
    )
    findings = r.run_counts.get("findings", 0)
    claims = r.run_counts.get("claims_total", 0)
    pairs = r.run_counts.get("pairs_compared", 0) + r.run_counts.get("pairs_rechecked", 0)
    full = claims <= REPORT_FULL_MAX_CLAIMS and findings <= REPORT_FULL_MAX_FINDINGS
    report = (
        f"the whole store's report (JSON, Markdown and HTML), as a run writes it while the "
        f"store holds up to {REPORT_FULL_MAX_CLAIMS:,} claims and "
        f"{REPORT_FULL_MAX_FINDINGS:,} findings (`--report auto`)" if full else
        f"a report of the run's changes (at most 2,000 findings, the most severe first), as "
        f"a run writes it above {REPORT_FULL_MAX_CLAIMS:,} claims"
    )
    lines = [
        "Where the time and memory go (same measurements):",
        "",
        f"- Stages of the {r.articles:,}-article run: {shares}. Extraction costs about "
        f"{per_article:.1f} ms of one core per article, the pipeline read included "
        "(sentence, time, quantity, entity, attribution and event taggers), against "
        f"{tokenise:.3f} ms for bare tokenisation: a run that extracts cannot come near "
        "0.5x tokenisation speed. Past extraction, the time goes to linking, to the rules "
        f"and to writing their {findings:,} findings (`store` is that writing).",
        f"- The linker compared {pairs:,} claim pairs, {pairs / claims if claims else 0:,.1f} "
        "per claim (the pairs of the link steps and those compared again while "
        "re-clustering the events they touch). Blocks of up to 100 claims are compared pair "
        "by pair; larger ones compare one claim per linking signature, and each with the "
        "claims its place, days, actors or destinations allow (`checker.linking`). The "
        f"largest event holds {r.largest_event:,} claims.",
        f"- The report stage took {timings.get('report', 0):,.1f} s: {report}; here "
        f"{claims:,} claims and {findings:,} findings.",
        f"- A new `claimcheck run` process spends {info['import_seconds']:.1f} s importing, "
        f"then {info.get('pipeline_load_seconds', 0):.1f} s reading the extraction pipeline "
        f"from the cache ({info['pipeline_seconds']:.1f} s building it when the cache is "
        "empty: the first run after `claims/` changed; measured in a process of its own).",
    ]
    lines += [_update_text(x, info) for x in sorted(results, key=lambda x: x.articles)
              if x.articles >= 10_000 and x.update_timings]
    if any(x.articles == 10_000 and x.update_timings for x in results):
        lines.append(UPDATE_NOTE)
    lines += [
        f"- `show` reads the claim's event record (with its claim IDs), every finding on "
        f"the claim and at most 50 agreeing claims with their articles: lookups "
        f"past p99 were of claims in events of {r.slow_lookup_event:,.0f} claims (median), "
        f"against {r.lookup_event:,.0f} for all lookups"
        + (f" ({r.lookups:,} lookups in the {LOOKUP_BUDGET_SECONDS / 60:.0f}-minute budget)."
           if r.lookups < info.get("lookups", r.lookups) else "."),
        "",
    ]
    return lines


def _command_line(given: list[str]) -> str:
    """The command as the document shows it: paths inside the repository made relative,
    so the document names no path of the machine it was measured on."""
    shown = []
    for arg in given:
        path = Path(arg)
        if path.is_absolute() and path.resolve().is_relative_to(ROOT):
            arg = str(path.resolve().relative_to(ROOT))
        shown.append(arg)
    return " ".join(["python -m checker.bench.run_bench", *shown])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="comma-separated drop sizes (articles)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench",
                        help="folder for drops, stores and outputs")
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--lookups", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--story-copies", type=int, default=200,
                        help="copies of each seed report in the big story (0: no story)")
    parser.add_argument("--cap-minutes", type=float, default=None,
                        help="stop a run that takes longer, and report how far it got")
    parser.add_argument("--render-only", action="store_true",
                        help="write the section again from WORK/results.json")
    parser.add_argument("--write", type=Path, help="Markdown file to put the section in")
    parser.add_argument(
        "--no-snapshot", action="store_true",
        help="run on the working tree instead of a frozen copy of claims/, checker/ and seeds/",
    )
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.render_only:
        raw = json.loads((args.work / "results.json").read_text(encoding="utf-8"))
        told = StoryResult(**raw["story"]) if raw.get("story") else None
        section = render([SizeResult(**r) for r in raw["results"]], raw["info"], told)
        if args.write:
            markdown.write_section(args.write, SECTION, section)
        print(section)
        return 0
    if not args.no_snapshot and os.environ.get("CLAIMCHECK_BENCH_SNAPSHOT") is None:
        # A long benchmark must not measure code edited while it runs (a change under
        # claims/ would even re-extract everything): run on a copy taken now.
        code = args.work / "code"
        shutil.rmtree(code, ignore_errors=True)
        # seeds/: the reports the big story is made of.
        for package in ("claims", "checker", "seeds"):
            shutil.copytree(ROOT / package, code / package,
                            ignore=shutil.ignore_patterns("__pycache__"))
        # Byte-compiled as an installed package is (pip compiles what it installs), so
        # every run reads bytecode even where PYTHONDONTWRITEBYTECODE is set.
        compileall.compile_dir(code, quiet=1)
        given = list(argv if argv is not None else sys.argv[1:])
        env = dict(
            os.environ,
            CLAIMCHECK_BENCH_SNAPSHOT=str(code),
            CLAIMCHECK_BENCH_COMMAND=_command_line(given),
            PYTHONPATH=os.pathsep.join([str(code), os.environ.get("PYTHONPATH", "")]),
        )
        command = [sys.executable, "-m", "checker.bench.run_bench", *given,
                   "--work", str(args.work.resolve())]
        if args.write:  # the copy writes into this tree's document
            command += ["--write", str(args.write.resolve())]
        return subprocess.run(command, env=env, cwd=code, check=False).returncode
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.work = args.work.resolve()
    command_line = os.environ.get("CLAIMCHECK_BENCH_COMMAND") or _command_line(
        list(argv if argv is not None else sys.argv[1:])
    )
    info: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": command_line.strip(),
        "machine": _machine(),
        "jobs": args.jobs,
        "seed": args.seed,
        "lookups": args.lookups,
        "settings": {k: v for k, v in os.environ.items()
                     if k.startswith("CLAIMCHECK_") and not k.startswith("CLAIMCHECK_BENCH_")},
    }
    cap = args.cap_minutes * 60 if args.cap_minutes else None
    (info["import_seconds"], info["pipeline_seconds"],
     info["pipeline_load_seconds"]) = startup_seconds(args.work)
    results: list[SizeResult] = []
    story: StoryResult | None = None

    def save() -> str:
        # After each measurement, so that a long run stopped later keeps what it measured.
        info["load_end"] = [round(x, 2) for x in os.getloadavg()]
        raw = {"info": info, "results": [asdict(r) for r in results],
               "story": asdict(story) if story else None}
        (args.work / "results.json").write_text(json.dumps(raw, indent=1), encoding="utf-8")
        section = render(results, info, story)
        if args.write:
            markdown.write_section(args.write, SECTION, section)
        return section

    section = ""
    if args.story_copies > 0:
        story = bench_story(args.story_copies, args.work, args.jobs, args.seed, cap)
        section = save()
    for size in sizes:
        results.append(bench_size(size, args.work, args.jobs, args.lookups, args.seed, cap))
        section = save()
    print(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
