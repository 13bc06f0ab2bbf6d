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

In-memory databases need no lock; server databases (any URL that is not SQLite) are not
locked by claimcheck.
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
