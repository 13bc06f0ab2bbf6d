"""The main job: ingest drops, extract what is new, link and check what changed, report.

Incremental at every stage:

- **Ingest**: an article is stored once per content (its ID is a hash of its text).
- **Extract**: an article is extracted once per extractor version (a hash of the
  ``claims`` package, or ``claims.pipeline.PIPELINE_VERSION`` when it defines one), in
  ``jobs`` processes, with a time limit per article. Each article is written with its
  claims in one transaction.
- **Link and check**: only for the claims of articles extracted since they were last
  linked. Their claims are compared with the stored claims of the same blocks
  (``checker.linking.block_keys``), read through the blocking index in the store; the
  events they join or change are re-clustered and re-checked, and the events and
  findings nobody touched stay as they are. Each re-linked group of events commits in
  one transaction and the step's link marks come last, so a run killed at any moment
  resumes where it stopped (a half-done step is redone and converges to the same result).
  When the linker or the rules change (their code, data or settings), everything is
  linked again.
- **Delta and report**: the findings are compared with the previous run's (new, open,
  resolved); the report is written; the run record with the run's finding IDs is the
  last thing written.

One run at a time per store: the run holds the store's lock (``checker.locking``).

Why the incremental result equals linking everything at once: an edge depends only on
its two claims, so the edges among stored claims do not change when claims are added.
The new graph's components are the old ones joined through the new claims' same-event
edges. Each step therefore compares the new claims with their blocks, then re-clusters
and re-checks exactly the new claims, the old events they join and the old events of
claims that disappeared (those are compared again: they may split); every other event
and finding is unchanged. Re-checking judges only the facts the new claims changed: a
fact of a joined event identical to one of an old event keeps its outcome
(``checker.rules.engine``). ``tests/test_incremental.py`` checks this equality on
generated claims, along both ways of re-clustering.
"""

from __future__ import annotations

import atexit
import gc
import hashlib
import os
import re
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field, computed_field

from checker import linking, rules
from checker.delta import Delta, build_delta, write_delta
from checker.ingest import (
    DEFAULT_MAX_BYTES,
    DropError,
    DropResult,
    RejectedInput,
    duplicate_of,
    read_drop,
)
from checker.locking import StoreBusy, store_lock
from checker.parallel import Extraction, ExtractionResult, default_jobs, extract_with_dask
from checker.progress import RunProgress
from checker.report import Report, build_report, write_report_json, write_report_md
from checker.rules.base import RuleContext
from checker.rules.engine import run_rules
from checker.settings import get_settings, load_labels
from checker.store import BlockQuery, FindingRow, LinkStep, RunRecord, Store
from claims import pipeline
from claims import resources as claims_resources
from claims.entities import load_gazetteer
from claims.model import Article, Claim, EventCluster, EventType, Finding, FindingSide

Extractor = Callable[[Article], Sequence[Claim]]

DEFAULT_ARTICLE_TIMEOUT = 30.0
# With --jobs > 1: extract in this process for this long first, and start a pool only
# when what is left would take longer than starting the workers does (each builds the
# pipeline). Fewer pending articles than the minimum never start a pool.
PARALLEL_MIN_ARTICLES = 16
POOL_PROBE_SECONDS = 2.0
POOL_START_SECONDS = 4.0
POOL_WAIT_READY = False  # True: wait for the workers instead of extracting meanwhile
# Extracted articles are written this many at a time (or after this many seconds), each
# whole with its claims, in one transaction.
WRITE_BATCH = 32
WRITE_BATCH_SECONDS = 1.0
INGEST_BATCH = 500
# Above this many claims or findings, the report written by a run (--report auto) covers
# only what the run changed: a report of the whole store grows with it (about 17 MB of
# JSON per thousand articles, some 25 s to write at 50,000 claims, too slow for a drop of
# a hundred articles) and `claimcheck report` still writes it on demand. A report of the
# changes holds at most REPORT_MAX_FINDINGS findings, the most severe first.
REPORT_FULL_MAX_CLAIMS = 20_000
REPORT_FULL_MAX_FINDINGS = 10_000
REPORT_MAX_FINDINGS = 2_000
ReportScope = Literal["auto", "full", "changed", "none"]

# Resolved findings whose content a run keeps for its delta (beyond, by ID only).
REMEMBER_REMOVED = 5_000
# An old event this large that a new claim joins is re-clustered as a whole, without
# comparing its members again (2: every event; tests set it higher to link small events
# again, the other way to the same result).
CHAIN_MIN_EVENT = 2

# While a run goes on, the garbage collector looks at new objects after this many
# allocations (Python's default: 700), so that linking thousands of claims does not set
# off a full collection every few milliseconds (see _long_lived).
GC_YOUNG_THRESHOLD = 50_000

# New claims linked per committed step, and stored claims held at once while linking
# them: these bound memory (a parsed claim takes about 8 kB); the result does not depend
# on them. Each step reads the stored claims of its blocks again, so fewer, larger steps
# (and steps over few blocks, see _by_locality) read less.
LINK_STEP_CLAIMS = 25_000
LINK_MEMORY_CLAIMS = 25_000
# Stored claims read while comparing that a step keeps for re-clustering and checking
# (most of them are needed again there; beyond this many they are read again instead).
KEEP_PARSED_CLAIMS = 10_000
# After extracting this many articles, the run drops its own copy of the extraction
# pipeline before linking: the memory goes to the claims linking reads.
RELEASE_PIPELINE_AFTER = 1_000

__all__ = [
    "DEFAULT_ARTICLE_TIMEOUT",
    "RunSummary",
    "StoreBusy",
    "extract_pending",
    "extractor_fingerprint",
    "ingest_drops",
    "link_pending",
    "linker_fingerprint",
    "run",
]


class RunSummary(BaseModel):
    """What one run read, stored, extracted and found, with per-stage timings (seconds)."""

    model_config = ConfigDict(extra="forbid")

    run_id: str
    started: datetime
    finished: datetime
    drops: list[str] = Field(default_factory=list)
    articles_read: int = Field(0, description="articles found in the drops")
    articles_added: int = Field(0, description="new content stored")
    articles_known: int = Field(0, description="already stored, skipped")
    articles_updated: int = Field(0, description="stored under the same name, new metadata")
    articles_extracted: int = Field(0, description="articles extracted in this run")
    claims_extracted: int = Field(0, description="claims stored in this run")
    extraction_errors: int = 0
    extraction_timeouts: int = 0
    jobs: int = Field(
        1, description="extraction processes used (1: in this process, also when too few "
        "articles were pending for a pool to pay off)"
    )
    articles_linked: int = Field(0, description="articles whose claims were linked in this run")
    claims_linked: int = 0
    pairs_compared: int = Field(0, description="claim pairs compared for the new claims")
    pairs_rechecked: int = Field(
        0, description="claim pairs compared again while re-clustering the events they touch"
    )
    pairs_judged: int = Field(
        0, description="claim pairs the rules judged (value classes against side "
        "representatives of each fact)"
    )
    facts_reused: int = Field(
        0, description="facts of re-checked events that no new claim changed: their "
        "finding (or none) was kept without judging them again"
    )
    relinked_all: bool = Field(False, description="the linker or rules changed: all re-linked")

    @computed_field(  # type: ignore[prop-decorator]
        description="claim pairs compared and compared again, per claim linked: about "
        "constant while linking stays linear in the size of the store"
    )
    @property
    def pairs_per_claim(self) -> float:
        pairs = self.pairs_compared + self.pairs_rechecked
        return round(pairs / self.claims_linked, 3) if self.claims_linked else 0.0
    articles_total: int = 0
    claims_total: int = 0
    events: int = 0
    findings: int = 0
    findings_by_kind: dict[str, int] = Field(default_factory=dict)
    findings_by_severity: dict[str, int] = Field(default_factory=dict)
    previous_run_id: str | None = None
    new_findings: int = 0
    open_findings: int = 0
    resolved_findings: int = 0
    rejected: list[RejectedInput] = Field(
        default_factory=list, description="inputs rejected in this run"
    )
    ignored: list[str] = Field(default_factory=list, description="files of unsupported types")
    extractor: str = ""
    timings: dict[str, float] = Field(default_factory=dict)
    report_json: str | None = None
    report_md: str | None = None
    report_html: str | None = None
    report_scope: str = Field(
        "", description="full: the whole store; changed: the events this run wrote; none"
    )
    report_findings_left_out: int = Field(
        0, description="findings of the changes beyond the report's limit (the least severe)"
    )
    delta_json: str | None = None
    delta_md: str | None = None

    def counts(self) -> dict[str, int]:
        return {
            "articles_read": self.articles_read,
            "articles_added": self.articles_added,
            "articles_known": self.articles_known,
            "articles_updated": self.articles_updated,
            "articles_extracted": self.articles_extracted,
            "claims_extracted": self.claims_extracted,
            "extraction_errors": self.extraction_errors,
            "extraction_timeouts": self.extraction_timeouts,
            "articles_linked": self.articles_linked,
            "claims_linked": self.claims_linked,
            "pairs_compared": self.pairs_compared,
            "pairs_rechecked": self.pairs_rechecked,
            # Counts are integers: the figure per claim, in thousandths.
            "pairs_per_1000_claims": round(1000 * self.pairs_per_claim),
            "pairs_judged": self.pairs_judged,
            "facts_reused": self.facts_reused,
            "articles_total": self.articles_total,
            "claims_total": self.claims_total,
            "events": self.events,
            "findings": self.findings,
            "new_findings": self.new_findings,
            "open_findings": self.open_findings,
            "resolved_findings": self.resolved_findings,
            "rejected": len(self.rejected),
            "ignored": len(self.ignored),
        }


def _hash_files(digest: Any, root: Path, paths: Sequence[Path]) -> None:
    for path in sorted(paths):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes())


@lru_cache(maxsize=1)
def extractor_fingerprint() -> str:
    """Identifies the extraction code, data and settings, so a change to any re-extracts.

    ``claims.pipeline.PIPELINE_VERSION`` wins when defined; otherwise every file of the
    ``claims`` package (code, lexicons, patterns, models) is hashed. The extraction
    settings (``claims.settings.PipelineSettings``: NER on or off, the time, quantity and
    context settings) are always part of it.
    """
    settings = pipeline.settings_fingerprint()  # CLAIMCHECK_PIPELINE_USE_NER=1 re-extracts
    declared = getattr(pipeline, "PIPELINE_VERSION", None)
    if declared:
        return f"claims:{declared}:{settings}"
    # The digest the extraction cache keys its entries by: computed once per process.
    return f"claims:{claims_resources.package_digest()[:12]}:{settings}"


def linker_fingerprint() -> str:
    """Identifies the linker, the rules, their data and their settings: when any of them
    changes, stored events and findings are stale and everything is linked again."""
    digest = hashlib.sha256()
    root = Path(str(resources.files("checker")))
    paths = [root / "linking.py", root / "settings.py"]
    paths += list((root / "rules").rglob("*")) + list((root / "data").rglob("*"))
    _hash_files(digest, root, paths)
    digest.update(get_settings().model_dump_json().encode("utf-8"))
    # Outside rules (entry points) live in other packages: their names and versions count.
    digest.update(rules.default_registry().fingerprint().encode("utf-8"))
    return "link:" + digest.hexdigest()[:12]


def _check_claims(article: Article, claims: Sequence[Claim]) -> None:
    """Reject an extractor's output that would corrupt the store or the report."""
    n = len(article.text)
    for claim in claims:
        if claim.article_id != article.id:
            raise ValueError(f"claim {claim.id} names article {claim.article_id}, not {article.id}")
        for label, span in (("evidence", claim.evidence), ("sentence", claim.sentence)):
            if span.end > n:
                raise ValueError(
                    f"claim {claim.id}: {label} span {span.start}:{span.end} is outside the "
                    f"article text (length {n})"
                )


# -- ingest ---------------------------------------------------------------------------------


def ingest_drops(
    drops: Sequence[Path],
    store: Store,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    wait: bool | float = False,
) -> tuple[list[DropResult], Counter[str], list[RejectedInput]]:
    """Read drops into the store. Returns the drop results, counts of what the store did
    with each article (added, known, updated, duplicate) and every rejected input.

    Holds the store's run lock (``wait`` as in :func:`run`)."""
    missing = [str(d) for d in drops if not Path(d).exists()]
    if missing:
        # Checked up front so a typo in the last drop does not leave a half-done batch.
        raise DropError("drop not found: " + ", ".join(missing))
    results: list[DropResult] = []
    status: Counter[str] = Counter()
    rejected: list[RejectedInput] = []
    with store_lock(store.url, wait=wait):
        for drop in drops:
            result = read_drop(Path(drop), max_bytes=max_bytes)
            results.append(result)
            store.replace_rejected(result.drop, result.rejected)
            rejected.extend(result.rejected)
            # A few hundred articles per transaction: one per article costs more than the
            # article itself; each article is stored whole or not at all either way.
            for start in range(0, len(result.articles), INGEST_BATCH):
                chunk = result.articles[start : start + INGEST_BATCH]
                for article, outcome in zip(
                    chunk, store.add_articles(chunk, drop=result.drop), strict=True
                ):
                    status[outcome] += 1
                    if outcome == "duplicate":
                        first = store.get_article(article.id)
                        rejected.append(
                            duplicate_of(article.name, first.name if first else "?", result.drop)
                        )
    return results, status, rejected


# -- extract --------------------------------------------------------------------------------


def _pending_articles(
    store: Store, ids: Sequence[str], in_flight: dict[str, Article], size: int = 200
) -> Iterator[Article]:
    """The articles to extract, read in slices (a large backlog is never all in memory);
    each stays in ``in_flight`` until its result is written."""
    for start in range(0, len(ids), size):
        for article in store.articles(ids=ids[start : start + size]):
            in_flight[article.id] = article
            yield article


def extract_pending(
    store: Store,
    *,
    extractor: Extractor | None = None,
    extractor_version: str | None = None,
    reextract: bool = False,
    jobs: int = 1,
    article_timeout: float | None = None,
    progress: RunProgress | None = None,
    dask: str | None = None,
) -> tuple[int, int, list[RejectedInput]]:
    """Extract claims for every stored article not yet extracted by this extractor version.

    ``jobs`` > 1 extracts in that many processes (``extractor`` must then be picklable: a
    module-level function). An article taking longer than ``article_timeout`` seconds is
    rejected with reason ``timeout``; an exception is rejected as ``extraction_error``.
    Either way the batch goes on and the article is tried again on the next run. Each
    article is written with its claims in one transaction, from this process.
    ``dask``: extract on a Dask cluster instead ("local" for a LocalCluster of ``jobs``
    processes, or a scheduler address); no time limit applies there.
    Returns (articles extracted, claims stored, rejections).
    """
    extracted, stored, errors, _ = _extract_pending(
        store, extractor=extractor, extractor_version=extractor_version, reextract=reextract,
        jobs=jobs, article_timeout=article_timeout, progress=progress, dask=dask,
    )
    return extracted, stored, errors


def _extract_pending(
    store: Store,
    *,
    extractor: Extractor | None,
    extractor_version: str | None,
    reextract: bool,
    jobs: int,
    article_timeout: float | None,
    progress: RunProgress | None,
    dask: str | None = None,
) -> tuple[int, int, list[RejectedInput], int]:
    """:func:`extract_pending`, also returning how many processes extracted."""
    if extractor is None:
        extract: Extractor = pipeline.extract_claims
        version = extractor_version or extractor_fingerprint()
    else:
        extract = extractor
        version = extractor_version or f"custom:{getattr(extractor, '__qualname__', 'extractor')}"
    pending = store.articles_to_extract(None if reextract else version)
    progress = progress or RunProgress(False)
    progress.stage("extract", len(pending))
    # A local pool is not worth starting for a few articles; a Dask cluster was asked for.
    local_jobs = 1 if len(pending) < PARALLEL_MIN_ARTICLES else jobs
    # Articles with an earlier failure on record: their record goes once they succeed.
    failed_before = {
        r.path for r in store.rejected() if r.reason in ("extraction_error", "timeout")
    }
    extracted = 0
    stored = 0
    errors: list[RejectedInput] = []
    extraction = Extraction(
        extract, jobs=local_jobs, timeout=article_timeout, total=len(pending),
        probe_seconds=POOL_PROBE_SECONDS, start_seconds=POOL_START_SECONDS,
        wait_ready=POOL_WAIT_READY,
        warm=extractor is None,
    )
    in_flight: dict[str, Article] = {}
    articles = _pending_articles(store, pending, in_flight)
    results: Iterator[ExtractionResult]
    if dask is not None and pending:
        results = extract_with_dask(
            articles, extract, scheduler=None if dask == "local" else dask, workers=jobs
        )
    else:
        results = extraction.map(articles)
    def reject(result: ExtractionResult) -> None:
        rejection = RejectedInput(
            path=result.name,
            reason="timeout" if result.status == "timeout" else "extraction_error",
            detail=result.detail,
        )
        store.add_rejected(rejection)
        errors.append(rejection)
        progress.note(f"{result.name}: {rejection.reason}: {rejection.detail}")

    def failed(result: ExtractionResult, exc: Exception) -> ExtractionResult:
        return ExtractionResult(
            result.article_id, result.name, "error",
            detail=f"extraction failed: {type(exc).__name__}: {exc}",
        )

    # Results are written a few at a time, each article whole with its claims, in one
    # transaction per batch: a transaction per article costs about as much as extracting
    # it. A killed run loses at most the batch in flight (extracted again next time).
    batch: list[tuple[Article, ExtractionResult]] = []
    since = time.perf_counter()

    def write(batch: list[tuple[Article, ExtractionResult]]) -> None:
        nonlocal extracted, stored
        try:
            counts = store.save_articles_with_claims(
                [(article, result.claims) for article, result in batch], extractor=version
            )
        except Exception:  # noqa: BLE001 - find the article at fault, one at a time
            counts = []
            for article, result in batch:
                try:
                    counts.append(
                        store.save_article_with_claims(article, result.claims, extractor=version)
                    )
                except Exception as exc:  # noqa: BLE001 - one bad article must not stop the batch
                    counts.append(-1)
                    reject(failed(result, exc))
        for (_, result), count in zip(batch, counts, strict=True):
            if count < 0:
                continue
            if result.name in failed_before:
                store.remove_rejected(result.name, "extraction_error")
                store.remove_rejected(result.name, "timeout")
            extracted += 1
            stored += count

    for result in results:
        progress.advance()
        article = in_flight.pop(result.article_id)
        if result.status == "ok":
            try:
                _check_claims(article, result.claims)
            except Exception as exc:  # noqa: BLE001 - one bad article must not stop the batch
                reject(failed(result, exc))
                continue
            if not batch:
                since = time.perf_counter()
            batch.append((article, result))
            if len(batch) >= WRITE_BATCH or time.perf_counter() - since > WRITE_BATCH_SECONDS:
                write(batch)
                batch = []
            continue
        reject(result)
    if batch:
        write(batch)
    processes = jobs if dask is not None else extraction.processes
    return extracted, stored, errors, processes


# -- link and check -------------------------------------------------------------------------


class LinkStats(BaseModel):
    """What incremental linking did in one run."""

    model_config = ConfigDict(extra="forbid")

    articles: int = 0
    claims: int = 0
    steps: int = 0
    pairs_compared: int = 0
    pairs_rechecked: int = 0
    pairs_judged: int = 0
    facts_reused: int = 0
    relinked_all: bool = False
    timings: dict[str, float] = Field(
        default_factory=lambda: {"link": 0.0, "check": 0.0, "store": 0.0}
    )
    # Findings this run removed from the store, for the delta's "resolved" list.
    removed_findings: dict[str, Finding] = Field(default_factory=dict)
    # The sides of the previous run's findings before this run checked them again, for
    # the delta's "updated" list (a new report that joins a side).
    previous_sides: dict[str, list[FindingSide]] = Field(default_factory=dict)
    # What this run (re)wrote, for a report of the changes only: the events, the claims
    # linked, and the findings judged (a finding of a fact no new claim changed is kept
    # as it was, unjudged, and is not among them).
    events_written: set[str] = Field(default_factory=set)
    claims_written: set[str] = Field(default_factory=set)
    findings_written: set[str] = Field(default_factory=set)


def _keyed_place(claim: Claim) -> str:
    """The claim's place key as the linker compares places ("" when it has none)."""
    location = claim.location
    if location is None or location.key is None or location.complement:
        return ""
    return location.key


def _index_rows(claim: Claim, keys: Sequence[str]) -> list[tuple[str, str, str]]:
    """Rows of the blocking index for one claim: each of its blocks, with its place."""
    place = _keyed_place(claim)
    return [(key, place, claim.id) for key in keys]


def _block_queries(fresh: Sequence[Claim], keys_of: dict[str, list[str]]) -> dict[str, BlockQuery]:
    """Which stored claims of each block the new claims can be the same event as.

    The linker compares a claim with a keyed place with claims at the same place, above
    or below it in the containment hierarchy, and with claims that have no keyed place;
    a claim without a keyed place with every claim of its block. Claims at a place
    inside another only ever get a "related" edge, which joins no event (it is a
    different scope), so for a new claim at a keyed place only the stored claims at
    that very place and those without a keyed place are read. Equality with linking
    everything at once is what tests/test_incremental.py checks, on nested places.
    """
    everything: set[str] = set()
    places: dict[str, set[str]] = {}
    for claim in fresh:
        place = _keyed_place(claim)
        for key in keys_of[claim.id]:
            if not place:
                everything.add(key)
            else:
                places.setdefault(key, set()).add(place)
    return {
        key: BlockQuery(everything=key in everything, places=frozenset(places.get(key, ())))
        for key in everything | set(places)
    }


class _Groups:
    """Union-find over claim IDs: which claims must be linked together."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        parent = self.parent.setdefault(item, item)
        if parent != item:
            parent = self.parent[item] = self.find(parent)
        return parent

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[str]]:
        out: dict[str, list[str]] = {}
        for item in self.parent:
            out.setdefault(self.find(item), []).append(item)
        return [sorted(members) for _, members in sorted(out.items())]


def _compare_with_stored(
    store: Store,
    fresh: Sequence[Claim],
    keys_of: dict[str, list[str]],
    stats: LinkStats,
    budget: int,
    keep: dict[str, Claim] | None = None,
) -> dict[tuple[str, str], float]:
    """Pass 1: compare the new claims with the stored claims of their blocks (and with
    each other), a few blocks at a time (at most about ``budget`` stored claims in
    memory). Returns the same-event edges that can change a cluster, with their scores;
    "related" edges (one place inside the other) join no event and are left out.

    A new claim without a gazetteer place joins the cluster of its best placed
    neighbour only (see ``linking._cluster``): its edges to other placed claims join
    nothing, and are left out too, so that such a claim, which may be one event with
    dozens of others, does not bring all their events to be linked and checked again.

    ``keep``: the stored claims read are kept there (while it holds fewer than ``budget``)
    for the rest of the step, which needs most of them again."""
    fresh_ids = {claim.id for claim in fresh}
    by_block: dict[str, list[Claim]] = {}
    for claim in fresh:
        for key in keys_of[claim.id]:
            by_block.setdefault(key, []).append(claim)
    queries = _block_queries(fresh, keys_of)
    scores: dict[tuple[str, str], float] = {}
    placed: set[str] = {claim.id for claim in fresh if linking.is_placed(claim)}
    bundle: dict[str, list[Claim]] = {}
    parsed: dict[str, Claim] = {}

    def flush() -> None:
        members = {c.id: c for key in bundle for c in by_block[key]}
        graph = linking.link_incremental(
            [members[i] for i in sorted(members)], bundle, edges_only=True
        )
        stats.pairs_compared += graph.pairs_compared
        placed.update(i for i, claim in parsed.items() if linking.is_placed(claim))
        for a, b, data in graph.graph.edges(data=True):
            if data["kind"] == linking.SAME_EVENT:
                scores[(a, b) if a < b else (b, a)] = float(data["score"])
        if keep is not None and len(keep) + len(parsed) <= min(budget, KEEP_PARSED_CLAIMS):
            keep.update(parsed)
        bundle.clear()
        parsed.clear()

    for key in sorted(queries):
        bundle[key] = store.claims_in_block(key, queries[key], exclude=fresh_ids, parsed=parsed)
        if len(parsed) >= budget:
            flush()
    if bundle:
        flush()

    best: dict[str, tuple[float, str]] = {}  # new claim without a place -> its choice
    for (a, b), score in scores.items():
        for loose, other in ((a, b), (b, a)):
            if loose in fresh_ids and loose not in placed and other in placed:
                choice = (-score, other)
                if loose not in best or choice < best[loose]:
                    best[loose] = choice
    return {
        (a, b): score for (a, b), score in scores.items()
        if not any(
            loose in best and other in placed and best[loose][1] != other
            for loose, other in ((a, b), (b, a))
        )
    }


def _chained_graph(
    claims: Sequence[Claim],
    old_events: dict[str, list[str]],
    edges: dict[tuple[str, str], float],
) -> linking.ClaimGraph:
    """The claim graph of claims whose old events are intact, without comparing the old
    members again: each old event's members chained by same-event edges (an event is a
    connected component, and the edges among stored claims do not change), plus the new
    same-event edges with their scores (a claim without a gazetteer place joins its
    best-scoring neighbour). Node attributes are the linker's own. Clustering it gives
    the components and labels that linking everything would; for new claims alone (no
    old event), those of linking them again, without comparing them again."""
    graph = nx.Graph()
    settings = get_settings()
    for claim in claims:
        graph.add_node(claim.id, **linking.node_attributes(claim, settings))
    present = set(graph.nodes)
    for members in old_events.values():
        chain = [m for m in members if m in present]
        graph.add_edges_from(
            zip(chain, chain[1:], strict=False), kind=linking.SAME_EVENT, chain=True
        )
    graph.add_edges_from(
        (a, b, {"kind": linking.SAME_EVENT, "score": score})
        for (a, b), score in edges.items()
        if a in present and b in present
    )
    return linking.link_incremental([], {}, previous=linking.ClaimGraph(graph=graph))


def _nested_count_events(
    store: Store,
    fresh: Sequence[Claim],
    keys_of: dict[str, list[str]],
    parsed: dict[str, Claim] | None = None,
) -> dict[str, set[str]]:
    """For each new claim of a count that adds up over places (``evolving_count_events``)
    at a gazetteer place, the stored events of that kind at a place inside or around it:
    a rule such as C009 compares a part with its whole, which are two events.

    The places of each block are read once, and the place hierarchy of the stored places
    from one claim at each (``parsed``: claims already read), all in one query."""
    settings = get_settings()
    kinds = sorted(settings.evolving_count_events)
    parsed = {} if parsed is None else parsed
    candidates: list[tuple[Claim, list[str]]] = []
    for claim in fresh:
        location = claim.location
        if claim.event not in kinds or claim.quantity is None:
            continue
        if location is None or location.key is None or location.complement:
            continue
        root = location.ancestors[-1] if location.ancestors else location.key
        keys = [key for key in keys_of[claim.id] if key.endswith(f"|{root}")]
        if keys:
            candidates.append((claim, keys))
    places_of = {
        key: store.places_in_block(key)
        for key in sorted({key for _, keys in candidates for key in keys})
    }
    # One stored claim at each place no new claim's own hierarchy already places.
    examples: dict[str, str] = {}
    for claim, keys in candidates:
        location = claim.location
        assert location is not None
        for key in keys:
            for place, example in places_of[key].items():
                if place != location.key and place not in location.ancestors:
                    examples.setdefault(place, example)
    wanted = sorted({e for e in examples.values() if e not in parsed})
    read = {c.id: c for c in store.claims(ids=wanted)} if wanted else {}
    ancestors_of: dict[str, list[str]] = {}
    for place, example in examples.items():
        stored = parsed.get(example) or read.get(example)
        where = stored.location if stored else None
        ancestors_of[place] = list(where.ancestors) if where else []

    found: dict[str, set[str]] = {}
    events_at: dict[tuple[str, ...], set[str]] = {}
    for claim, keys in candidates:
        location = claim.location
        assert location is not None and location.key is not None
        nested: set[str] = set()
        for key in keys:
            for place in places_of[key]:
                if place == location.key:
                    continue
                if place in location.ancestors or location.key in ancestors_of.get(place, ()):
                    nested.add(place)
        if nested:
            where_key = tuple(sorted(nested))
            if where_key not in events_at:
                events_at[where_key] = store.event_ids_at(list(where_key), kinds)
            found[claim.id] = set(events_at[where_key])
    return found


def _link_step(
    store: Store,
    batch: Sequence[tuple[str, datetime, int]],
    stats: LinkStats,
    previous_ids: set[str],
    budget: int,
) -> None:
    article_ids = [article_id for article_id, _, _ in batch]
    clock = time.perf_counter()
    fresh = store.claims_of_articles(article_ids)
    fresh_by_id = {claim.id: claim for claim in fresh}
    linked_before = store.linked_claim_ids(article_ids)
    removed = linked_before - set(fresh_by_id)
    # Claims linked before under the same ID (a re-extraction): their content may differ.
    again = linked_before & set(fresh_by_id)
    keys_of = {claim.id: linking.block_keys(claim) for claim in fresh}
    # Stored claims read in this step, by ID: most are needed again below.
    parsed: dict[str, Claim] = {}

    # 1. The same-event edges of the new claims, with stored claims and with each other.
    edges = _compare_with_stored(store, fresh, keys_of, stats, budget, keep=parsed)

    # 2. The new components: the new claims joined, through those edges, to the old
    #    events (connected components of the old graph, which new claims do not change).
    #    An old event that lost a claim or holds a re-extracted one is "broken": it may
    #    split, so its claims are compared again.
    touched = {x for edge in edges for x in edge} | set(fresh_by_id) | removed
    # Counts that add up over places (a province's toll, its country's) are compared
    # across events (C009): the stored events of such counts at a place inside or around
    # a new claim's are checked with it.
    nested = _nested_count_events(store, fresh, keys_of, parsed)
    old_events = store.event_members(
        sorted(store.event_ids_of_claims(sorted(touched)) | set().union(*nested.values()))
    )
    broken = {e for e, members in old_events.items() if set(members) & (removed | again)}
    groups = _Groups()
    for claim_id in fresh_by_id:
        groups.find(claim_id)
    for a, b in edges:
        groups.union(a, b)
    for claim_id, event_ids in nested.items():
        for event_id in event_ids:
            if old_events.get(event_id):
                groups.union(claim_id, old_events[event_id][0])
    event_of: dict[str, str] = {}
    for event_id, members in old_events.items():
        survivors = [m for m in members if m not in removed]
        for claim_id in survivors:
            event_of[claim_id] = event_id
            groups.union(survivors[0], claim_id)

    # 3. Link and check each component again, a bundle at a time, and commit it. A
    #    component holding a large intact old event is clustered from the old event as a
    #    whole (no comparisons among its old members); any other is linked again whole.
    replaced: set[str] = set()

    def relink(bundle: list[str], chained: bool) -> None:
        nonlocal clock
        unread = [i for i in bundle if i not in fresh_by_id and i not in parsed]
        stored = [parsed[i] for i in bundle if i not in fresh_by_id and i in parsed]
        stored += store.claims(ids=unread) if unread else []
        claims = [fresh_by_id[i] for i in bundle if i in fresh_by_id] + stored
        events_removed = {event_of[i] for i in bundle if i in event_of}
        if chained:
            graph = _chained_graph(
                claims, {e: old_events[e] for e in events_removed}, edges
            )
        else:
            graph = linking.link(claims)
            stats.pairs_rechecked += graph.pairs_compared
        now = time.perf_counter()
        stats.timings["link"] += now - clock
        clock = now
        # The stored findings of these claims: a finding on the same fact keeps its ID
        # (and so its review) when a new report joins one of its sides.
        previous = store.get_findings(sorted(store.finding_ids_of_claims(bundle)))
        stats.previous_sides.update({
            f.id: f.sides for f in previous
            if f.id in previous_ids and f.id not in stats.previous_sides
        })
        engine = rules.EngineStats()
        # The intact old events this bundle was made of: a fact of theirs that no new
        # claim changed keeps its finding (or its absence) without being judged again.
        intact = {e: old_events[e] for e in sorted(events_removed - broken)}
        findings = _check(graph, claims, previous, engine, intact)
        stats.pairs_judged += engine.judged
        stats.facts_reused += engine.reused
        stats.findings_written.update(
            f.id for f in findings if f.id not in engine.reused_findings
        )
        now = time.perf_counter()
        stats.timings["check"] += now - clock
        clock = now
        scope = set(bundle)
        _remember_removed(store, scope, {f.id for f in findings}, previous_ids, stats)
        store.apply_link_step(
            LinkStep(
                articles={}, claim_articles={}, block_rows=[], events_removed=events_removed,
                events=graph.events, finding_scope=scope, findings=findings,
            )
        )
        replaced.update(events_removed)
        stats.events_written.update(event.id for event in graph.events)
        stats.timings["store"] += time.perf_counter() - clock
        clock = time.perf_counter()

    # An old claim with no gazetteer place joined its event through one chosen edge (its
    # best neighbour's): when a new claim is its neighbour now, it may choose another, so
    # a component with such a claim is linked again whole. One that no new claim is a
    # neighbour of chooses as before. Decided per component (a bundle holds many), from
    # the place column.
    near_new = {x for edge in edges for x in edge if x not in fresh_by_id}
    placed_old = {
        claim_id
        for claim_id, key in store.claim_location_keys(sorted(near_new & set(event_of))).items()
        if key
    }
    pending: dict[bool, list[str]] = {True: [], False: []}
    for group in groups.groups():
        events_in = {event_of[i] for i in group if i in event_of}
        # New claims alone are clustered from the edges just found (no comparison again),
        # unless a linker was put in the place of linking.link.
        chained = (not events_in and linking.link is _BUILTIN_LINK) or (
            not (events_in & broken)
            and any(len(old_events[e]) >= CHAIN_MIN_EVENT for e in events_in)
            and all(
                i in placed_old
                for i in group
                if i in event_of and i in near_new and i not in fresh_by_id
            )
        )
        pending[chained].extend(group)
        if len(pending[chained]) >= budget // 4:
            relink(pending[chained], chained)
            pending[chained] = []
    for chained, bundle in pending.items():
        if bundle:
            relink(bundle, chained)

    # Last, in one transaction: the link marks and index rows of the step's articles,
    # the findings of claims that disappeared and events left with no claim at all. A
    # step killed before this is linked again, whole, by the next run.
    _remember_removed(store, removed, set(), previous_ids, stats)
    store.apply_link_step(
        LinkStep(
            articles={article_id: extracted_at for article_id, extracted_at, _ in batch},
            claim_articles={claim.id: claim.article_id for claim in fresh},
            block_rows=[row for claim in fresh for row in _index_rows(claim, keys_of[claim.id])],
            events_removed=set(old_events) - replaced,
            events=[],
            finding_scope=removed,
            findings=[],
        )
    )
    stats.timings["store"] += time.perf_counter() - clock
    stats.claims_written.update(fresh_by_id)
    stats.articles += len(batch)
    stats.claims += len(fresh)
    stats.steps += 1


_BUILTIN_CHECK = rules.check
_BUILTIN_LINK = linking.link


def _check(
    graph: linking.ClaimGraph,
    claims: Sequence[Claim],
    previous: Sequence[Finding],
    stats: rules.EngineStats,
    unchanged: dict[str, list[str]],
) -> list[Finding]:
    """``rules.check``, told which intact old events the graph's events were made of (the
    facts they had unchanged keep their outcome unjudged: ``checker.rules.engine``)."""
    if rules.check is not _BUILTIN_CHECK or not unchanged:  # a checker put in its place
        return rules.check(graph, claims, previous=previous, stats=stats)
    ctx = RuleContext(settings=get_settings(), labels=load_labels())
    return run_rules(
        graph, claims, rules.default_registry(), ctx,
        previous=previous, stats=stats, unchanged=unchanged,
    )


def _remember_removed(
    store: Store, scope: set[str], kept: set[str], previous_ids: set[str], stats: LinkStats
) -> None:
    """Keep the content of findings of the previous run that are about to be removed, for
    the delta's "resolved" list (up to ``REMEMBER_REMOVED``; the rest by ID only)."""
    if len(stats.removed_findings) >= REMEMBER_REMOVED:
        return
    gone = (store.finding_ids_of_claims(sorted(scope)) - kept) & previous_ids
    gone -= set(stats.removed_findings)
    for finding in store.get_findings(sorted(gone)):
        stats.removed_findings[finding.id] = finding


def _place_parents() -> dict[str, str | None]:
    """The parent of each gazetteer place (kept in the extraction cache under the digest
    of the ``claims`` package: merging the gazetteer's layers takes most of a second)."""

    def build() -> dict[str, str | None]:
        return {p.key: p.parent for p in load_gazetteer().places}

    if claims_resources.cache_dir() is None:
        return build()
    key = claims_resources.cache_key("place-parents", claims_resources.package_digest())
    return claims_resources.cached("place-parents", key, build)


def _by_locality(
    store: Store, pending: list[tuple[str, datetime, int]], step_claims: int = LINK_STEP_CLAIMS
) -> list[tuple[str, datetime, int]]:
    """Pending articles ordered by the block most of their claims fall in (event family
    and the country of their place), so that a link step holds reports on the same
    places. A step reads the stored claims of its blocks and re-checks the events it
    touches: in ID order every step of a large backlog would read nearly every block."""
    if len(pending) < 2 or sum(claims for _, _, claims in pending) < step_claims:
        return pending  # one step: the order makes no difference
    settings = get_settings()
    places = _place_parents()

    def root(place: str) -> str:
        seen = {place}
        while (parent := places.get(place)) is not None and parent not in seen:
            place = parent
            seen.add(place)
        return place

    claims = store.claim_places_of_articles([article_id for article_id, _, _ in pending])

    def block(item: tuple[str, datetime, int]) -> tuple[str, str, str]:
        found = Counter(
            (settings.family(cast(EventType, event)), root(place) if place else "")
            for event, place in claims.get(item[0], ())
        )
        family, where = min(found, key=lambda k: (-found[k], k)) if found else ("", "")
        return family, where, item[0]

    return sorted(pending, key=block)


def link_pending(
    store: Store,
    *,
    previous_ids: set[str] | None = None,
    step_claims: int | None = None,
    memory_claims: int | None = None,
    progress: RunProgress | None = None,
) -> LinkStats:
    """Link and check the claims of every article extracted since it was last linked.

    ``previous_ids``: finding IDs of the previous run; findings among them that this
    linking removes are kept in the result (for the delta). See the module docstring.
    """
    stats = LinkStats()
    step_claims = step_claims or LINK_STEP_CLAIMS
    memory_claims = memory_claims or LINK_MEMORY_CLAIMS
    version = linker_fingerprint()
    if store.link_version() != version:
        if len(previous_ids or ()) <= REMEMBER_REMOVED:
            for finding in store.get_findings(sorted(previous_ids or ())):
                stats.removed_findings[finding.id] = finding
        store.reset_links(version)
        stats.relinked_all = True
    pending = _by_locality(store, store.articles_pending_link(), step_claims)
    progress = progress or RunProgress(False)
    progress.stage("link and check", len(pending))
    batch: list[tuple[str, datetime, int]] = []
    size = 0
    left = sum(claims for _, _, claims in pending)
    for item in pending:
        batch.append(item)
        size += item[2]
        left -= item[2]
        # A last step of a few claims would cost nearly what a full one does (it reads
        # the stored claims of its blocks and re-checks the events it touches): the
        # step before takes them in.
        if size >= step_claims and left >= step_claims // 4:
            _link_step(store, batch, stats, previous_ids or set(), memory_claims)
            progress.advance(len(batch))
            batch, size = [], 0
    if batch:
        _link_step(store, batch, stats, previous_ids or set(), memory_claims)
        progress.advance(len(batch))
    stats.timings = {k: round(v, 4) for k, v in stats.timings.items()}
    return stats


# -- the run --------------------------------------------------------------------------------


class ChangedView(Store):
    """The store as a report of one run's changes sees it: the findings the run made or
    changed (``finding_ids``: those it judged; without them, every finding of the events
    it wrote) and those about the claims it linked (at most ``max_findings``, the most
    severe first), the claims they are about, their events and articles. An event shows
    only the claims its reported findings are about. Shares the store's engine.
    """

    def __init__(
        self,
        store: Store,
        event_ids: set[str],
        claim_ids: set[str],
        *,
        index: list[FindingRow] | None = None,
        max_findings: int | None = None,
        finding_ids: set[str] | None = None,
    ) -> None:
        # A view, not a second connection pool: no Store.__init__.
        self.url, self.display_url, self.engine = store.url, store.display_url, store.engine
        self._store = store
        limit = REPORT_MAX_FINDINGS if max_findings is None else max_findings
        about_new = store.finding_ids_of_claims(sorted(claim_ids))
        rows = [
            row for row in (index if index is not None else store.finding_index())
            if row.id in about_new
            or (row.id in finding_ids if finding_ids is not None else row.event_id in event_ids)
        ]
        rows.sort(key=FindingRow.rank)
        self.findings_left_out = max(0, len(rows) - limit)
        self._findings = store.get_findings([row.id for row in rows[:limit]])
        ids = {claim_id for finding in self._findings for claim_id in finding.claim_ids}
        self._claims = store.claims(ids=sorted(ids))
        self._events = store.get_events(
            sorted({f.event_id for f in self._findings if f.event_id})
        )
        self._article_ids = sorted({claim.article_id for claim in self._claims})

    def articles(self, ids: Sequence[str] | None = None) -> list[Article]:
        return self._store.articles(ids=self._article_ids if ids is None else ids)

    def claims(
        self, *, article_id: str | None = None, ids: Sequence[str] | None = None
    ) -> list[Claim]:
        if article_id is None and ids is None:
            return list(self._claims)
        return self._store.claims(article_id=article_id, ids=ids)

    def events(self) -> list[EventCluster]:
        return list(self._events)

    def findings(self, **filters: Any) -> list[Finding]:
        if not any(value is not None for value in filters.values()):
            return list(self._findings)
        return self._store.findings(**filters)

    def close(self) -> None:  # the engine belongs to the store
        pass


def _atomic(write: Callable[[Path], None], path: Path) -> Path:
    """Write through a temporary file and rename: a reader (or a run killed midway)
    never sees half a file."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


_TEMPORARY = re.compile(r"^\.(report|delta)\.[a-z]+\.[0-9a-f]{8}\.tmp$")


def _remove_stale_temporaries(out_dir: Path) -> None:
    """Temporary files of an earlier run killed while it wrote them (``_atomic``). Runs on
    one store are serialised, so none of these is being written now."""
    for path in out_dir.glob(".*.tmp"):
        if _TEMPORARY.match(path.name):
            path.unlink(missing_ok=True)


def _write_reports(report: Report, out_dir: Path) -> tuple[Path, Path, Path | None]:
    """report.json, report.md and (when the HTML renderer is installed) report.html."""
    json_path = _atomic(lambda p: write_report_json(report, p), out_dir / "report.json")
    md_path = _atomic(lambda p: write_report_md(report, p), out_dir / "report.md")
    try:
        from checker.html_report import environment, write_report_html
    except ImportError:
        return json_path, md_path, None
    _cache_templates(environment())
    html_path = _atomic(lambda p: write_report_html(report, p), out_dir / "report.html")
    return json_path, md_path, html_path


def _cache_templates(env: Any) -> None:
    """Keep the report templates compiled in the cache directory (``claims.resources``):
    each process would otherwise compile them from their source again. Jinja checks
    each entry against the checksum of its template's source, so a changed template is
    compiled anew."""
    directory = claims_resources.cache_dir()
    if directory is None or getattr(env, "bytecode_cache", None) is not None:
        return
    from jinja2 import FileSystemBytecodeCache

    target = directory / "templates"
    try:
        target.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return
    env.bytecode_cache = FileSystemBytecodeCache(str(target))


def run(
    drops: Sequence[Path],
    store: Store,
    out_dir: Path | None = Path("out"),
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    extractor: Extractor | None = None,
    extractor_version: str | None = None,
    reextract: bool = False,
    jobs: int | None = 1,
    article_timeout: float | None = DEFAULT_ARTICLE_TIMEOUT,
    wait: bool | float = False,
    progress: bool = False,
    link_step_claims: int | None = None,
    report: ReportScope = "auto",
    dask: str | None = None,
) -> RunSummary:
    """Ingest ``drops``, extract new articles, link and check what changed, write
    ``out_dir/report.json``, ``report.md``, ``delta.json`` and ``delta.md`` (unless
    ``out_dir`` is None) and record the run in the store.

    ``jobs``: extraction processes (None: one per core; 1: in this process).
    ``article_timeout``: seconds per article before it is rejected as ``timeout``.
    ``wait``: when another run holds the store, False raises :class:`StoreBusy` at once,
    True waits for it, a number waits at most that many seconds.
    ``progress``: show a progress bar on stderr.
    ``report``: what the report covers: ``full`` the whole store, ``changed`` the events
    this run wrote (and the claims it linked), ``none`` no report (the delta is still
    written), ``auto`` full up to ``REPORT_FULL_MAX_CLAIMS`` claims and
    ``REPORT_FULL_MAX_FINDINGS`` findings, else changed.
    ``dask``: extract on a Dask cluster ("local" or a scheduler address), see
    :func:`checker.parallel.extract_with_dask`.
    """
    jobs = default_jobs() if jobs is None else max(1, jobs)
    rules.default_registry()  # a broken rule plugin stops the run before any article is read
    with store_lock(store.url, wait=wait), RunProgress(progress) as bar, _long_lived():
        return _run_locked(
            drops, store, out_dir, bar,
            max_bytes=max_bytes, extractor=extractor, extractor_version=extractor_version,
            reextract=reextract, jobs=jobs, article_timeout=article_timeout,
            link_step_claims=link_step_claims or LINK_STEP_CLAIMS, report=report, dask=dask,
        )


@lru_cache(maxsize=1)
def _quick_exit() -> None:
    """At interpreter exit, before the modules are torn down: out of the collector's way
    with everything (``gc.freeze``). The final collections would otherwise walk every
    object of the process (the pipeline's millions, half a second) only to free memory
    the process is about to give back; objects are still freed as their last reference
    goes, files and the store are closed by their owners before this."""
    atexit.register(gc.freeze)


@contextmanager
def _long_lived() -> Iterator[None]:
    """Keep the garbage collector off what lives as long as the run: the modules, and the
    extraction pipeline once it is built (``gc.freeze``; undone at the end). A full
    collection otherwise walks those millions of objects again and again while linking
    allocates claims (seconds of a run of a hundred articles). A process that ran a
    batch also leaves them alone when it exits (``_quick_exit``)."""
    _quick_exit()
    thresholds = gc.get_threshold()
    gc.freeze()
    # Young objects are still collected, often enough for the cycles a run makes (few:
    # claims, findings and graphs hold none), without walking the older ones each time.
    gc.set_threshold(max(thresholds[0], GC_YOUNG_THRESHOLD), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _run_locked(
    drops: Sequence[Path],
    store: Store,
    out_dir: Path | None,
    bar: RunProgress,
    *,
    max_bytes: int,
    extractor: Extractor | None,
    extractor_version: str | None,
    reextract: bool,
    jobs: int,
    article_timeout: float | None,
    link_step_claims: int,
    report: ReportScope,
    dask: str | None,
) -> RunSummary:
    started = datetime.now(UTC)
    run_id = f"r_{started:%Y%m%dT%H%M%S}_{uuid.uuid4().hex[:6]}"
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    t0 = clock

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round(now - clock, 4)
        clock = now

    # What the previous finished run ended with; a run killed before its record has none.
    previous = store.last_run()
    previous_ids = store.run_finding_ids(previous.id) if previous else set()
    if previous_ids is None:  # a run recorded before runs kept their findings
        previous_ids = store.finding_ids()

    results, status, rejected = ingest_drops(drops, store, max_bytes=max_bytes)
    articles_read = sum(len(r.articles) for r in results)
    drop_names = [r.drop for r in results]
    ignored = [(Path(r.drop) / path).as_posix() for r in results for path in r.ignored]
    del results  # the articles' texts are in the store now
    lap("ingest")

    version = extractor_version or (extractor_fingerprint() if extractor is None else None)
    extracted, claims_stored, errors, jobs_used = _extract_pending(
        store, extractor=extractor, extractor_version=version, reextract=reextract,
        jobs=jobs, article_timeout=article_timeout, progress=bar, dask=dask,
    )
    rejected.extend(errors)
    if extracted >= RELEASE_PIPELINE_AFTER and extractor is None:
        pipeline.release()
        gc.collect()
    gc.freeze()  # what is left (the pipeline of a small drop) lives as long as the process
    lap("extract")

    linked = link_pending(
        store, previous_ids=previous_ids, step_claims=link_step_claims, progress=bar
    )
    timings.update(linked.timings)
    clock = time.perf_counter()

    index = store.finding_index()
    current_ids = {row.id for row in index}
    delta: Delta = build_delta(
        store,
        run_id=run_id,
        previous_run_id=previous.id if previous else None,
        previous_ids=previous_ids,
        current_ids=current_ids,
        resolved_known=linked.removed_findings,
        previous_sides=linked.previous_sides,
        index=index,
    )
    lap("delta")

    findings_by_kind = Counter(row.kind for row in index)
    findings_by_severity = Counter(row.severity for row in index)
    summary = RunSummary(
        run_id=run_id,
        started=started,
        finished=started,
        drops=drop_names,
        articles_read=articles_read,
        articles_added=status["added"],
        articles_known=status["known"],
        articles_updated=status["updated"],
        articles_extracted=extracted,
        claims_extracted=claims_stored,
        extraction_errors=sum(1 for e in errors if e.reason == "extraction_error"),
        extraction_timeouts=sum(1 for e in errors if e.reason == "timeout"),
        jobs=jobs_used,
        articles_linked=linked.articles,
        claims_linked=linked.claims,
        pairs_compared=linked.pairs_compared,
        pairs_rechecked=linked.pairs_rechecked,
        pairs_judged=linked.pairs_judged,
        facts_reused=linked.facts_reused,
        relinked_all=linked.relinked_all,
        articles_total=store.count("articles"),
        claims_total=store.count("claims"),
        events=store.count("events"),
        findings=len(current_ids),
        findings_by_kind=dict(findings_by_kind),
        findings_by_severity=dict(findings_by_severity),
        previous_run_id=delta.previous_run_id,
        new_findings=delta.counts["new"],
        open_findings=delta.counts["open"],
        resolved_findings=delta.counts["resolved"],
        rejected=rejected,
        ignored=ignored,
        extractor=version or "",
        timings=timings,
    )

    if out_dir is not None:
        record = RunRecord(
            id=run_id,
            started=started,
            finished=datetime.now(UTC),
            counts=summary.counts(),
            timings=dict(timings),
        )
        out_dir.mkdir(parents=True, exist_ok=True)
        _remove_stale_temporaries(out_dir)
        delta_json, delta_md = write_delta(delta, out_dir, write=_atomic)
        summary.delta_json, summary.delta_md = str(delta_json), str(delta_md)
        scope = report
        if scope == "auto":
            small = (
                summary.claims_total <= REPORT_FULL_MAX_CLAIMS
                and summary.findings <= REPORT_FULL_MAX_FINDINGS
            )
            scope = "full" if small else "changed"
        summary.report_scope = scope
        if scope != "none":
            view: Store = store
            if scope == "changed":
                view = ChangedView(store, linked.events_written, linked.claims_written,
                                   index=index, finding_ids=linked.findings_written)
                summary.report_findings_left_out = view.findings_left_out
            data = build_report(view, run=record, delta=delta)
            json_path, md_path, html_path = _write_reports(data, out_dir)
            summary.report_json = str(json_path)
            summary.report_md = str(md_path)
            summary.report_html = str(html_path) if html_path else None
        lap("report")

    timings["total"] = round(time.perf_counter() - t0, 4)
    summary.finished = datetime.now(UTC)
    summary.timings = timings
    # Last: a run killed before this line is, for the next run, a run that never ended.
    store.record_run(
        RunRecord(
            id=run_id,
            started=started,
            finished=summary.finished,
            counts=summary.counts(),
            timings=timings,
        ),
        finding_ids=sorted(current_ids),
    )
    return summary
