"""One writer per store: the run lock.

A run (or an ingestion) holds an exclusive ``flock`` on a lock file next to the
database (``claimcheck.db.lock`` for ``claimcheck.db``) from start to end. A second run
on the same store fails at once with :class:`StoreBusy`, or waits for the lock with
``wait``. The kernel drops the lock when its holder dies, even by SIGKILL, so a killed
run never leaves a stale lock behind; the file itself stays and is harmless.

Readers (``show``, ``findings``, the HTTP API) take no lock: SQLite in WAL mode lets
them read the last committed state while a run writes.

The lock is re-entrant inside one process (``run`` takes it and calls ``ingest_drops``,
which takes it too): ``flock`` locks belong to an open file, so a second ``open`` of the
same file in the same process would otherwise block on itself.

On PostgreSQL the lock is a session advisory lock (``pg_try_advisory_lock``) held by a
connection of its own for the whole run: the server drops it when that connection ends,
however the run ended, so a killed run never leaves it behind either. Its holder is
named in the connection's ``application_name``, for the message a second run prints.
In-memory databases need no lock; other server databases are not locked by claimcheck.
"""

from __future__ import annotations

import errno
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

LOCK_SUFFIX = ".lock"
_POLL_SECONDS = 0.2


class StoreBusy(RuntimeError):
    """Another process holds the store's run lock."""


_held: dict[str, tuple[int, int]] = {}  # lock path -> (file descriptor, depth)
_guard = threading.Lock()
# The advisory lock's key: one per database, the same for every claimcheck (a signed
# 64-bit integer; the text is "claimcheck run lock").
ADVISORY_KEY = 0x636C61696D636B72
_APPLICATION = "claimcheck run"
_held_server: dict[str, tuple[sa.Connection, sa.Engine, int]] = {}  # url -> holder, depth


def lock_path(url: str) -> Path | None:
    """The lock file of a store URL, or None when the store needs no file lock."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:":
        return None
    return Path(database).with_name(Path(database).name + LOCK_SUFFIX)


def _holder(fd: int) -> str:
    try:
        text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        return ""
    return text


@contextmanager
def store_lock(url: str, *, wait: bool | float = False) -> Iterator[Path | None]:
    """Hold the run lock of the store at ``url``.

    ``wait``: False fails at once when another process holds the lock; True waits as long
    as it takes; a number waits at most that many seconds. Raises :class:`StoreBusy`.
    """
    if _is_postgres(url):
        with _server_lock(url, wait):
            yield None
        return
    path = lock_path(url)
    if path is None:
        yield None
        return
    key = str(path.resolve())
    with _guard:
        if key in _held:
            fd, depth = _held[key]
            _held[key] = (fd, depth + 1)
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield path
        finally:
            with _guard:
                fd, depth = _held[key]
                _held[key] = (fd, depth - 1)
        return

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, path, wait)
        # Who holds it, for the message a second run prints.
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}\n".encode(), 0)
        with _guard:
            _held[key] = (fd, 1)
        try:
            yield path
        finally:
            with _guard:
                del _held[key]
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, path: Path, wait: bool | float) -> None:
    deadline = None if wait is True else time.monotonic() + float(wait or 0)
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
        if deadline is not None and time.monotonic() >= deadline:
            holder = _holder(fd)
            raise StoreBusy(
                "another claimcheck run is writing to this store"
                + (f" ({holder})" if holder else "")
                + f"; lock file {path}. Try again later or pass --wait."
            )
        time.sleep(_POLL_SECONDS)


def _is_postgres(url: str) -> bool:
    return sa.engine.make_url(url).get_backend_name() == "postgresql"


@contextmanager
def _server_lock(url: str, wait: bool | float) -> Iterator[None]:
    """Hold the PostgreSQL advisory lock of the database at ``url`` (re-entrant)."""
    with _guard:
        if url in _held_server:
            conn, engine, depth = _held_server[url]
            _held_server[url] = (conn, engine, depth + 1)
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _guard:
                conn, engine, depth = _held_server[url]
                _held_server[url] = (conn, engine, depth - 1)
        return

    name = f"{_APPLICATION} pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}"
    engine = sa.create_engine(
        url, poolclass=sa.pool.NullPool, connect_args={"application_name": name[:63]}
    )
    try:
        conn = engine.connect()
        try:
            _acquire_server(conn, wait)
            with _guard:
                _held_server[url] = (conn, engine, 1)
            try:
                yield
            finally:
                with _guard:
                    del _held_server[url]
                conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
                conn.commit()
        finally:
            conn.close()
    finally:
        engine.dispose()


def _acquire_server(conn: sa.Connection, wait: bool | float) -> None:
    deadline = None if wait is True else time.monotonic() + float(wait or 0)
    while True:
        got = conn.execute(
            sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}
        ).scalar()
        conn.commit()  # a session lock outlives transactions; end this one
        if got:
            return
        if deadline is not None and time.monotonic() >= deadline:
            holder = conn.execute(
                sa.text(
                    "SELECT a.application_name FROM pg_locks l"
                    " JOIN pg_stat_activity a ON a.pid = l.pid"
                    " WHERE l.locktype = 'advisory' AND l.granted"
                    " AND l.objid = (:key & 4294967295)::oid LIMIT 1"
                ),
                {"key": ADVISORY_KEY},
            ).scalar()
            conn.commit()
            raise StoreBusy(
                "another claimcheck run is writing to this database"
                + (f" ({holder})" if holder else "")
                + "; try again later or pass --wait."
            )
        time.sleep(_POLL_SECONDS)
