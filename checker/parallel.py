"""Extraction in parallel: a process pool on one machine, or a Dask cluster.

Extraction is a pure function of one article, so it runs anywhere; the store stays with
the parent process, which writes each article with its claims in one transaction as the
results come back.

Local pool (:class:`ExtractionPool`): ``jobs`` worker processes started with
``forkserver`` (no fork of a parent that holds database connections or threads), each
fed chunks of articles through its own pipe. Each worker builds the extractor once
(a warm-up call, outside any time limit) and then reports one result per article.

Time limit per article: inside a worker, ``SIGALRM`` interrupts an article that runs past
``timeout`` seconds, and the worker goes on with the next one. An article stuck where a
signal cannot reach it (in C code that never returns to the interpreter) is caught by
the parent: after ``timeout`` plus a grace period without a result, the worker is killed,
the article is reported as timed out, and a new worker takes over the rest of the chunk.
A worker that dies (a crash, the OOM killer) costs only the article it was on. Each
worker has its own pipe, so killing one never corrupts another's channel.

Dask (:func:`extract_with_dask`): the same per-article function mapped over a
``dask.distributed`` cluster, a ``LocalCluster`` of worker processes by default or an
existing scheduler. Tasks run in worker threads, where no signal-based time limit is
possible; Dask's own worker memory limits and restarts apply instead.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, Literal

from claims.model import Article, Claim

Extractor = Callable[[Article], Sequence[Claim]]
Status = Literal["ok", "timeout", "error"]

DEFAULT_CHUNK = 8
_WARM_UP = Article.from_text("warm-up", "warm-up")


class ArticleTimeout(Exception):
    """The article took longer than the time limit."""


@dataclass
class ExtractionResult:
    """What extraction gave for one article."""

    article_id: str
    name: str
    status: Status
    claims: list[Claim] = field(default_factory=list)
    detail: str = ""
    seconds: float = 0.0


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _on_alarm(_signum: int, _frame: object) -> None:
    raise ArticleTimeout


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`ArticleTimeout` in the block after ``seconds`` (SIGALRM; only in the
    main thread of a process, elsewhere the block runs without a limit)."""
    usable = (
        seconds is not None
        and seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return
    assert seconds is not None
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def timeout_detail(seconds: float | None) -> str:
    return f"extraction took longer than {seconds:g} s; retried on the next run"


def extract_one(article: Article, extractor: Extractor, timeout: float | None) -> ExtractionResult:
    """Extract one article, turning a time-out or an exception into a result."""
    start = time.perf_counter()
    try:
        with time_limit(timeout):
            claims = list(extractor(article))
    except ArticleTimeout:
        return ExtractionResult(
            article.id, article.name, "timeout", detail=timeout_detail(timeout),
            seconds=time.perf_counter() - start,
        )
    except Exception as exc:  # noqa: BLE001 - one bad article must not stop the batch
        return ExtractionResult(
            article.id, article.name, "error",
            detail=f"extraction failed: {type(exc).__name__}: {exc}",
            seconds=time.perf_counter() - start,
        )
    return ExtractionResult(
        article.id, article.name, "ok", claims, seconds=time.perf_counter() - start
    )


def warm_up(extractor: Extractor) -> None:
    """Build what the extractor builds on first use (models, matchers) outside any time
    limit, so the first article is not charged for it."""
    try:
        extractor(_WARM_UP)
    except Exception:  # noqa: BLE001 - a real article will report the problem
        pass


def extract_serial(
    articles: Iterable[Article],
    extractor: Extractor,
    *,
    timeout: float | None = None,
    warm: bool = False,
) -> Iterator[ExtractionResult]:
    """Extraction in this process, one article after the other. ``warm``: call the
    extractor once on a dummy article before the first timed one (worth it for an
    extractor with a slow start, such as the spaCy pipeline)."""
    for number, article in enumerate(articles):
        if warm and number == 0:
            warm_up(extractor)
        yield extract_one(article, extractor, timeout)


# -- the local process pool ---------------------------------------------------------------


def _worker_main(conn: Connection, extractor: Extractor, timeout: float | None) -> None:
    """A worker: warm up, then extract each chunk the parent sends, one result per article."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    parent = os.getppid()
    warm_up(extractor)
    conn.send(("ready", None))
    while True:
        # Poll, so that a worker whose parent was killed exits instead of waiting forever.
        if not conn.poll(1.0):
            if os.getppid() != parent:
                return
            continue
        try:
            chunk = conn.recv()
        except EOFError:
            return
        if chunk is None:
            return
        for article in chunk:
            conn.send(("done", extract_one(article, extractor, timeout)))


@dataclass
class _Worker:
    number: int
    process: Any
    conn: Connection
    ready: bool = False
    closed: bool = False  # its pipe reached end of file: it is dying or dead
    current: deque[Article] = field(default_factory=deque)
    since: float = field(default_factory=time.monotonic)


class ExtractionPool:
    """``jobs`` extraction processes fed in chunks; see the module docstring."""

    def __init__(
        self,
        extractor: Extractor,
        jobs: int,
        *,
        timeout: float | None = None,
        chunk_size: int = DEFAULT_CHUNK,
        grace: float | None = None,
        start_method: str | None = None,
    ) -> None:
        if jobs < 1:
            raise ValueError("jobs must be at least 1")
        self.extractor = extractor
        self.jobs = jobs
        self.timeout = timeout
        self.chunk_size = max(1, chunk_size)
        # Beyond the soft limit, how long the parent waits before it kills a worker.
        self.grace = grace if grace is not None else (max(5.0, timeout) if timeout else 0.0)
        methods = multiprocessing.get_all_start_methods()
        method = start_method or ("forkserver" if "forkserver" in methods else "spawn")
        self.context = multiprocessing.get_context(method)
        if method == "forkserver":
            # Workers fork from a server that has already imported the extraction code.
            self.context.set_forkserver_preload(["claims.pipeline", "checker.parallel"])
        self._numbers = 0
        self.restarts = 0
        self.workers: list[_Worker] = []

    def start(self) -> None:
        """Start the workers (they warm up in the background)."""
        if not self.workers:
            self.workers = [self._start() for _ in range(self.jobs)]

    def ready(self) -> bool | None:
        """Without waiting: True once a worker is ready, None when every worker died
        while starting (the pool cannot be used), False while they are warming up."""
        self.start()
        for worker in self.workers:
            if worker.ready:
                return True
            if not worker.closed and worker.conn.poll():
                try:
                    kind, _ = worker.conn.recv()
                except (EOFError, OSError):
                    worker.closed = True
                    continue
                worker.ready = kind == "ready"
                if worker.ready:
                    return True
        if all(w.closed or not w.process.is_alive() for w in self.workers):
            return None
        return False

    def close(self) -> None:
        for worker in self.workers:
            self._stop(worker, kill=True)
        self.workers = []

    def _start(self) -> _Worker:
        self._numbers += 1
        parent_conn, child_conn = self.context.Pipe(duplex=True)
        process = self.context.Process(  # type: ignore[attr-defined]
            target=_worker_main,
            args=(child_conn, self.extractor, self.timeout),
            name=f"claimcheck-extract-{self._numbers}",
            daemon=True,
        )
        process.start()
        child_conn.close()
        return _Worker(self._numbers, process, parent_conn)

    @staticmethod
    def _stop(worker: _Worker, *, kill: bool) -> None:
        if kill:
            worker.process.kill()
        else:
            try:
                worker.conn.send(None)
            except OSError:
                pass
        worker.process.join(timeout=5)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join(timeout=5)
        worker.conn.close()

    def map(self, articles: Iterable[Article]) -> Iterator[ExtractionResult]:
        """Results in the order they finish (not the order of ``articles``)."""
        source = iter(articles)
        backlog: deque[list[Article]] = deque()
        self.start()
        workers = self.workers
        exhausted = False

        def next_chunk() -> list[Article] | None:
            nonlocal exhausted
            if backlog:
                return backlog.popleft()
            if exhausted:
                return None
            chunk: list[Article] = []
            for article in source:
                chunk.append(article)
                if len(chunk) >= self.chunk_size:
                    break
            if not chunk:
                exhausted = True
                return None
            return chunk

        def replace(worker: _Worker) -> _Worker:
            self._stop(worker, kill=True)
            self.restarts += 1
            fresh = self._start()
            workers[workers.index(worker)] = fresh
            return fresh

        try:
            while True:
                for worker in workers:
                    if worker.ready and not worker.current:
                        chunk = next_chunk()
                        if chunk:
                            worker.current.extend(chunk)
                            worker.since = time.monotonic()
                            worker.conn.send(chunk)
                if not any(w.current for w in workers) and exhausted and not backlog:
                    return
                by_conn = {w.conn: w for w in workers if not w.closed}
                for conn in wait(list(by_conn), timeout=0.25):
                    worker = by_conn[conn]  # type: ignore[index]
                    try:
                        kind, payload = worker.conn.recv()
                    except (EOFError, OSError):
                        worker.closed = True  # died: handled below
                        worker.process.join(timeout=1)
                        continue
                    worker.since = time.monotonic()
                    if kind == "ready":
                        worker.ready = True
                    elif kind == "done":
                        if worker.current and worker.current[0].id == payload.article_id:
                            worker.current.popleft()
                        yield payload
                now = time.monotonic()
                for worker in list(workers):
                    if not worker.process.is_alive():
                        if not worker.closed and worker.conn.poll():
                            continue  # read its last results first
                        code = worker.process.exitcode
                        if worker.current:
                            article = worker.current.popleft()
                            if worker.current:
                                backlog.appendleft(list(worker.current))
                            yield ExtractionResult(
                                article.id, article.name, "error",
                                detail=f"extraction process died (exit code {code})",
                            )
                        elif not worker.ready:
                            # Dying while warming up, every time, is not an article's fault.
                            if self.restarts > 3 * self.jobs:
                                raise RuntimeError(
                                    f"extraction workers keep dying on start (exit code {code})"
                                )
                        replace(worker)
                    elif (
                        self.timeout
                        and worker.ready
                        and worker.current
                        and now - worker.since > self.timeout + self.grace
                    ):
                        article = worker.current.popleft()
                        if worker.current:
                            backlog.appendleft(list(worker.current))
                        replace(worker)
                        yield ExtractionResult(
                            article.id, article.name, "timeout",
                            detail=timeout_detail(self.timeout) + " (the process was stopped)",
                            seconds=now - worker.since,
                        )
        finally:
            for worker in workers:
                self._stop(worker, kill=bool(worker.current))
            self.workers = []


class Extraction:
    """Extract articles, deciding on the way whether a pool pays off.

    With ``jobs`` > 1 the first articles are extracted in this process for
    ``probe_seconds``; if what is left would then take longer than ``start_seconds``
    (about what starting the workers costs: each one imports and builds the extractor),
    the rest goes to a pool of ``jobs`` processes. A drop of a hundred short articles is
    done before a pool could have started; a large backlog gets every core.
    ``processes`` tells afterwards how many processes extracted.
    """

    def __init__(
        self,
        extractor: Extractor,
        *,
        jobs: int = 1,
        timeout: float | None = None,
        total: int | None = None,
        probe_seconds: float = 2.0,
        start_seconds: float = 4.0,
        chunk_size: int = DEFAULT_CHUNK,
        warm: bool = False,
        wait_ready: bool = False,
    ) -> None:
        self.extractor = extractor
        # Block until the pool's workers are ready instead of extracting here meanwhile.
        self.wait_ready = wait_ready
        self.jobs = jobs
        self.timeout = timeout
        self.total = total
        self.probe_seconds = probe_seconds
        self.start_seconds = start_seconds
        self.chunk_size = chunk_size
        self.warm = warm
        self.processes = 1
        self.pool: ExtractionPool | None = None

    def map(self, articles: Iterable[Article]) -> Iterator[ExtractionResult]:
        source = iter(articles)
        decided = self.jobs <= 1
        pool: ExtractionPool | None = None
        done = 0
        start = time.perf_counter()
        try:
            for article in source:
                if self.warm and not done:
                    # Only now: a run with nothing to extract does not build the pipeline.
                    warm_up(self.extractor)
                    start = time.perf_counter()
                if not decided and done and time.perf_counter() - start >= self.probe_seconds:
                    decided = True
                    per_article = (time.perf_counter() - start) / done
                    left = (self.total - done) if self.total is not None else None
                    if left is None or left * per_article > self.start_seconds:
                        pool = ExtractionPool(
                            self.extractor, self.jobs, timeout=self.timeout,
                            chunk_size=self.chunk_size,
                        )
                        pool.start()
                if pool is not None:
                    # Go on here while the workers warm up; hand over once one is ready.
                    state = pool.ready()
                    while self.wait_ready and state is False:
                        time.sleep(0.05)
                        state = pool.ready()
                    if state:
                        self.processes = self.jobs
                        self.pool = pool
                        yield from pool.map(itertools.chain([article], source))
                        return
                    if state is None:  # the workers cannot start: stay in this process
                        pool.close()
                        pool = None
                yield extract_one(article, self.extractor, self.timeout)
                done += 1
        finally:
            if pool is not None and self.pool is None:
                pool.close()


def extract_articles(
    articles: Iterable[Article],
    extractor: Extractor,
    *,
    jobs: int = 1,
    timeout: float | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    warm: bool = False,
) -> Iterator[ExtractionResult]:
    """Extract every article: in this process when ``jobs`` is 1, else in a pool of
    ``jobs`` processes (whose workers always warm up). ``warm``: see
    :func:`extract_serial`. :class:`Extraction` decides between the two by itself."""
    if jobs <= 1:
        yield from extract_serial(articles, extractor, timeout=timeout, warm=warm)
        return
    yield from ExtractionPool(extractor, jobs, timeout=timeout, chunk_size=chunk_size).map(
        articles
    )


# -- Dask ---------------------------------------------------------------------------------


def _dask_task(article: Article, extractor: Extractor) -> ExtractionResult:
    return extract_one(article, extractor, None)


def extract_with_dask(
    articles: Iterable[Article],
    extractor: Extractor | None = None,
    *,
    scheduler: str | None = None,
    workers: int = 2,
    batch: int = 1000,
) -> Iterator[ExtractionResult]:
    """Extract articles on a Dask cluster, results in the order they finish.

    ``scheduler``: the address of a running scheduler (``tcp://host:8786``); without it a
    ``LocalCluster`` of ``workers`` single-threaded worker processes is started and
    stopped here. Articles are submitted ``batch`` at a time so a large drop is never
    all in the cluster's memory at once.
    """
    from dask.distributed import Client, LocalCluster, as_completed

    if extractor is None:
        from claims.pipeline import extract_claims

        extractor = extract_claims
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        source = iter(articles)
        while True:
            chunk = [a for _, a in zip(range(batch), source, strict=False)]
            if not chunk:
                return
            futures = client.map(_dask_task, chunk, extractor=extractor, pure=False)
            for future in as_completed(futures):
                yield future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
