"""Writing one benchmark's section into a Markdown document (docs/benchmarks.md)."""

from __future__ import annotations

import re
from pathlib import Path


def write_section(path: Path, heading: str, section: str, before: str | None = None) -> None:
    """Put ``section`` (which starts with the ``heading`` line) into the Markdown file at
    ``path``: in place of an earlier copy of it (from its heading to the next ``## ``
    heading), else right before the ``before`` heading if there is one, else at the end.
    Nothing else in the file changes."""
    body = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    section = section.rstrip("\n") + "\n\n"
    own = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    target = re.compile(rf"^{re.escape(before)}$", re.M) if before else None
    if own.search(body):
        body = own.sub(lambda _: section, body, count=1)
    elif target is not None and (match := target.search(body)) is not None:
        body = body[: match.start()] + section + body[match.start() :]
    else:
        body = body.rstrip("\n") + "\n\n" + section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body.rstrip("\n") + "\n", encoding="utf-8")
