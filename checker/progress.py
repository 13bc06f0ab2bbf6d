"""Progress of a run: a rich progress bar on a terminal, nothing otherwise.

The bar goes to stderr and is shown only when stdout and stderr are a terminal and the
user did not ask for ``--quiet`` (or ``--json``): cron mails, CI logs and pipes stay clean.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


def _isatty(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def wants_progress(quiet: bool = False) -> bool:
    """True when a progress bar would reach a person: not quiet, and both stdout and
    stderr are a terminal (output redirected to a file or a pipe means a script)."""
    return not quiet and _isatty(sys.stdout) and _isatty(sys.stderr)


class RunProgress:
    """Stages with counts and rate. With ``enabled`` False every call does nothing, so the
    run code needs no branches."""

    def __init__(self, enabled: bool, stream: TextIO | None = None) -> None:
        self.enabled = enabled
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        if enabled:
            self._progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=Console(file=stream or sys.stderr),
                transient=False,
            )

    def __enter__(self) -> RunProgress:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()

    def stage(self, description: str, total: int | None) -> None:
        """Start a new stage (the previous one stays on screen, complete)."""
        if self._progress is None:
            return
        self._task = self._progress.add_task(description, total=total, rate="")

    def advance(self, amount: int = 1) -> None:
        if self._progress is None or self._task is None:
            return
        self._progress.advance(self._task, amount)
        task = self._progress.tasks[self._task]
        speed = task.speed
        self._progress.update(self._task, rate=f"{speed:,.1f}/s" if speed else "")

    def note(self, text: str) -> None:
        """A line above the bar (e.g. an article that timed out)."""
        if self._progress is not None:
            self._progress.console.print(text, markup=False, highlight=False)
