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

Run from the repository root (``make bench``; ``make bench BENCH_SIZES=1000`` for a quick
smoke run)::

    python -m checker.bench.run_bench --sizes 1000,10000,100000 --write docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from checker.bench.synthetic import generate, generate_update, manifest_path
from checker.parallel import default_jobs

SECTION = "## Batch benchmark"
ROOT = Path(__file__).resolve().parents[2]
UPDATE_ARTICLES = 100


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
    lookups: int = 0
    lookup_p50_ms: float = 0.0
    lookup_p99_ms: float = 0.0
    lookup_max_ms: float = 0.0
    recall: float | None = None
    caught: int = 0
    findings_total: int = 0
    findings_planted: int = 0
    db_mb: float = 0.0

    @property
    def tokenise_rate(self) -> float:
        return self.articles / self.tokenise_seconds if self.tokenise_seconds else 0.0

    @property
    def run_rate(self) -> float:
        return self.articles / self.run_seconds if self.run_seconds else 0.0


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


def timed_run(args: list[str], cwd: Path) -> tuple[float, float, str]:
    """Run the command line to the end: (seconds, peak summed RSS in MB, stderr)."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "checker.cli", *args],
        cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    watched = psutil.Process(child.pid)
    peak = 0
    while child.poll() is None:
        peak = max(peak, _tree_rss(watched))
        time.sleep(0.05)
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


def lookups(db: Path, count: int, seed: int = 1) -> list[float]:
    """Milliseconds of ``claim_details`` for ``count`` random claim IDs."""
    import sqlalchemy as sa

    from checker.report import claim_details
    from checker.store import Store, claims_table

    with Store(db) as store:
        with store.engine.connect() as conn:
            ids = list(conn.execute(sa.select(claims_table.c.id)).scalars())
        rng = random.Random(seed)
        sample = [rng.choice(ids) for _ in range(count)]
        for claim_id in sample[:50]:  # warm the connection and the page cache
            claim_details(store, claim_id)
        times = []
        for claim_id in sample:
            start = time.perf_counter()
            details = claim_details(store, claim_id)
            times.append((time.perf_counter() - start) * 1000)
            assert details is not None
    return times


def planted_recall(db: Path, manifest: dict[str, Any]) -> tuple[int, int, int]:
    """(planted contradictions caught, findings in all, findings that are planted ones).

    A planted contradiction is caught by a finding of its kind between a claim of the
    planted report and a claim of another report of the same event (a weekday mistake:
    a weekday finding on a claim of the planted report)."""
    import sqlalchemy as sa

    from checker.store import Store

    with Store(db) as store, store.engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT f.id, f.kind, a.name FROM findings f"
            " JOIN finding_claims fc ON fc.finding_id = f.id"
            " JOIN claims c ON c.id = fc.claim_id JOIN articles a ON a.id = c.article_id"
        )).all()
    names_of: dict[str, set[str]] = {}
    kind_of: dict[str, str] = {}
    for finding_id, kind, name in rows:
        names_of.setdefault(finding_id, set()).add(name)
        kind_of[finding_id] = kind
    by_name: dict[str, list[str]] = {}
    for finding_id, names in names_of.items():
        for name in names:
            by_name.setdefault(name, []).append(finding_id)
    caught = 0
    explained: set[str] = set()
    for plant in manifest["planted"]:
        planted, others = plant["article"], set(plant["others"])
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
    return caught, len(names_of), len(explained)


def bench_size(size: int, work: Path, jobs: int, lookup_count: int, seed: int) -> SizeResult:
    result = SizeResult(size=size)
    drop = work / f"drop-{size}"
    if not manifest_path(drop).exists():
        shutil.rmtree(drop, ignore_errors=True)
        generate(drop, size, seed=seed)
    manifest = json.loads(manifest_path(drop).read_text(encoding="utf-8"))
    result.articles, result.events = manifest["articles"], manifest["events"]
    result.planted = len(manifest["planted"])

    texts = _texts(drop)
    result.chars = sum(map(len, texts))
    result.tokenise_seconds, result.tokens = tokenise(texts)
    del texts
    print(f"[{size}] tokenised: {result.tokenise_rate:,.0f} articles/s", flush=True)

    db = work / f"store-{size}.db"
    for path in work.glob(f"store-{size}.db*"):
        path.unlink()
    out = work / f"out-{size}"
    result.run_seconds, result.peak_rss_mb, _ = timed_run(
        ["run", str(drop), "--db", str(db), "--out", str(out), "--jobs", str(jobs), "--quiet"],
        work,
    )
    result.run_timings, result.run_counts = last_run(db)
    print(f"[{size}] run: {result.run_seconds:.1f} s, {result.run_rate:,.1f} articles/s, "
          f"peak {result.peak_rss_mb:,.0f} MB", flush=True)
    result.caught, result.findings_total, result.findings_planted = planted_recall(db, manifest)
    result.recall = result.caught / result.planted if result.planted else None

    update = work / f"update-{size}"
    shutil.rmtree(update, ignore_errors=True)
    generate_update(update, UPDATE_ARTICLES, base_events=result.events, seed=seed)
    result.update_seconds, result.update_peak_rss_mb, _ = timed_run(
        ["run", str(update), "--db", str(db), "--out", str(out), "--jobs", str(jobs), "--quiet"],
        work,
    )
    result.update_timings, result.update_counts = last_run(db)
    print(f"[{size}] +{UPDATE_ARTICLES} articles: {result.update_seconds:.1f} s", flush=True)

    times = lookups(db, lookup_count)
    result.lookups = len(times)
    result.lookup_p50_ms = statistics.median(times)
    result.lookup_p99_ms = statistics.quantiles(times, n=100)[98]
    result.lookup_max_ms = max(times)
    result.db_mb = sum(p.stat().st_size for p in work.glob(f"store-{size}.db*")) / 2**20
    print(f"[{size}] show: p50 {result.lookup_p50_ms:.2f} ms, p99 {result.lookup_p99_ms:.2f} ms",
          flush=True)
    return result


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


def render(results: list[SizeResult], info: dict[str, Any]) -> str:
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
        "| run s | peak RSS MB | +100 articles s | show p50 ms | p99 ms "
        "| pairs compared | pairs / claim |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        claims = r.run_counts.get("claims_total", 0)
        pairs = r.run_counts.get("pairs_compared", 0) + r.run_counts.get("pairs_rechecked", 0)
        lines.append(
            f"| {r.articles:,} | {claims:,} | {r.tokenise_rate:,.0f} "
            f"| {r.tokens / r.tokenise_seconds:,.0f} | {r.run_rate:,.1f} "
            f"| {r.run_rate / r.tokenise_rate:.3f} | {r.run_seconds:,.1f} "
            f"| {r.peak_rss_mb:,.0f} | {r.update_seconds:.2f} | {_ms(r.lookup_p50_ms)} "
            f"| {_ms(r.lookup_p99_ms)} | {pairs:,} | {pairs / claims if claims else 0:.1f} |"
        )
    lines += ["", "Stage times of the run (seconds, from the run record):", ""]
    stages = ["ingest", "extract", "link", "check", "store", "delta", "report", "total"]
    lines.append("| articles | " + " | ".join(stages) + " |")
    lines.append("|---:|" + "---:|" * len(stages))
    for r in results:
        lines.append(
            f"| {r.articles:,} | "
            + " | ".join(f"{r.run_timings.get(s, 0):,.1f}" for s in stages) + " |"
        )
    lines += ["", "The drop of 100 more articles (seconds; wall time includes starting Python "
              "and building the extraction pipeline):", ""]
    lines.append("| store | wall | " + " | ".join(stages) + " | claims linked | pairs |")
    lines.append("|---:|---:|" + "---:|" * len(stages) + "---:|---:|")
    for r in results:
        pairs = r.update_counts.get("pairs_compared", 0) + r.update_counts.get(
            "pairs_rechecked", 0)
        lines.append(
            f"| {r.articles:,} | {r.update_seconds:.2f} | "
            + " | ".join(f"{r.update_timings.get(s, 0):,.2f}" for s in stages)
            + f" | {r.update_counts.get('claims_linked', 0):,} | {pairs:,} |"
        )
    lines += ["", "Quality on the synthetic drops (the planted contradictions are the only "
              "disagreements written into them):", ""]
    lines.append("| articles | planted | caught | recall | findings | of which planted | "
                 "findings per 1k articles |")
    lines.append("|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        recall = f"{r.recall:.2f}" if r.recall is not None else "-"
        lines.append(
            f"| {r.articles:,} | {r.planted} | {r.caught} | {recall} | {r.findings_total:,} | "
            f"{r.findings_planted:,} | {1000 * r.findings_total / r.articles:,.0f} |"
        )
    big = max(results, key=lambda r: r.articles)
    lines += ["", f"Targets ({machine['cores']} cores), at {big.articles:,} articles:", ""]
    lines += [
        f"- end-to-end >= 0.5x bare tokenisation: {big.run_rate / big.tokenise_rate:.3f}x, "
        f"{_verdict(big.run_rate / big.tokenise_rate >= 0.5)};",
        f"- 100-article drop into the store < 5 s: {big.update_seconds:.2f} s, "
        f"{_verdict(big.update_seconds < 5)};",
        f"- `show` lookup p99 < 5 ms: {big.lookup_p99_ms:.2f} ms, "
        f"{_verdict(big.lookup_p99_ms < 5)};",
        f"- peak memory < 1.5 GB: {big.peak_rss_mb:,.0f} MB, "
        f"{_verdict(big.peak_rss_mb < 1536)}.",
        "",
    ]
    return "\n".join(lines) + "\n"


def write_section(path: Path, section: str) -> None:
    """Put ``section`` into the Markdown file, replacing only an earlier copy of it (from
    its heading to the next ``## `` heading); other sections stay as they are."""
    body = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(body):
        body = pattern.sub(lambda _: section.rstrip("\n") + "\n\n", body, count=1)
    else:
        body = body.rstrip("\n") + "\n\n" + section
    path.write_text(body.rstrip("\n") + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="comma-separated drop sizes (articles)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench",
                        help="folder for drops, stores and outputs")
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--lookups", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--write", type=Path, help="Markdown file to put the section in")
    parser.add_argument(
        "--no-snapshot", action="store_true",
        help="run on the working tree instead of a frozen copy of claims/ and checker/",
    )
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    if not args.no_snapshot and os.environ.get("CLAIMCHECK_BENCH_SNAPSHOT") is None:
        # A long benchmark must not measure code edited while it runs (a change under
        # claims/ would even re-extract everything): run on a copy taken now.
        code = args.work / "code"
        shutil.rmtree(code, ignore_errors=True)
        for package in ("claims", "checker"):
            shutil.copytree(ROOT / package, code / package,
                            ignore=shutil.ignore_patterns("__pycache__"))
        given = list(argv if argv is not None else sys.argv[1:])
        env = dict(
            os.environ,
            CLAIMCHECK_BENCH_SNAPSHOT=str(code),
            CLAIMCHECK_BENCH_COMMAND=" ".join(["python -m checker.bench.run_bench", *given]),
            PYTHONPATH=os.pathsep.join([str(code), os.environ.get("PYTHONPATH", "")]),
        )
        command = [sys.executable, "-m", "checker.bench.run_bench", *given,
                   "--work", str(args.work.resolve())]
        if args.write:  # the copy writes into this tree's document
            command += ["--write", str(args.write.resolve())]
        return subprocess.run(command, env=env, cwd=code, check=False).returncode
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.work = args.work.resolve()
    command_line = os.environ.get("CLAIMCHECK_BENCH_COMMAND") or " ".join(
        ["python -m checker.bench.run_bench", *(argv if argv is not None else sys.argv[1:])]
    )
    info: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": command_line.strip(),
        "machine": _machine(),
        "jobs": args.jobs,
        "seed": args.seed,
        "settings": {k: v for k, v in os.environ.items()
                     if k.startswith("CLAIMCHECK_") and not k.startswith("CLAIMCHECK_BENCH_")},
    }
    results = [bench_size(size, args.work, args.jobs, args.lookups, args.seed) for size in sizes]
    info["load_end"] = [round(x, 2) for x in os.getloadavg()]
    raw = {"info": info, "results": [asdict(r) for r in results]}
    (args.work / "results.json").write_text(json.dumps(raw, indent=1), encoding="utf-8")
    section = render(results, info)
    print(section)
    if args.write:
        write_section(args.write, section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
