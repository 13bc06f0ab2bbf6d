"""What changed since the previous run: new, still open and resolved findings.

Every run records the IDs of the findings it ended with (with its run record, in one
transaction, as the last thing it writes). The next run compares its own findings with
that set. Finding IDs are stable (same rule, same claims), so:

- **new**: fires now, did not fire at the end of the previous run;
- **open**: fired then and still fires (whatever an editor decided about it);
- **resolved**: fired then and no longer fires (a corrected article, a re-extraction).

The delta goes into ``out/delta.json``, ``out/delta.md`` and the report's ``delta`` key.
``new`` and ``resolved`` carry whole findings (the data model's ``Finding``, with its
review status), the most severe first; beyond ``DETAIL_LIMIT`` findings (a first run
over a large backlog) the rest are given by ``{"id": ...}`` only, as is a resolved
finding whose content is no longer known (it disappeared in a run that was killed
before it finished). ``open`` lists IDs: those findings are in the report itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from checker.report import dumps_json, md_escape
from checker.store import SEVERITY_RANK, FindingRow, Store
from claims.model import Finding

DETAIL_LIMIT = 1000


class FindingRef(BaseModel):
    """A finding known only by its ID."""

    model_config = ConfigDict(extra="forbid")

    id: str


class Delta(BaseModel):
    """Findings of this run against the previous run's."""

    model_config = ConfigDict(extra="forbid")

    run_id: str
    previous_run_id: str | None = Field(
        description="None on the first run: every finding is then new"
    )
    new: list[Finding | FindingRef] = Field(default_factory=list)
    open: list[str] = Field(default_factory=list, description="IDs of findings still firing")
    resolved: list[Finding | FindingRef] = Field(default_factory=list)
    counts: dict[str, int] = Field(
        default_factory=dict, description="new, open, resolved, previous, current"
    )


def _rank(finding: Finding | FindingRef) -> tuple[int, str]:
    if isinstance(finding, Finding):
        return (SEVERITY_RANK.get(finding.severity, 9), finding.id)
    return (9, finding.id)


def build_delta(
    store: Store,
    *,
    run_id: str,
    previous_run_id: str | None,
    previous_ids: set[str],
    current_ids: set[str],
    resolved_known: Mapping[str, Finding] | None = None,
    index: list[FindingRow] | None = None,
    detail_limit: int = DETAIL_LIMIT,
) -> Delta:
    """The delta of a run. ``resolved_known`` holds findings this run removed from the
    store, so that resolved findings can be shown with their content; ``index`` is the
    store's :meth:`~checker.store.Store.finding_index` when the caller has it."""
    resolved_known = resolved_known or {}
    new_ids = current_ids - previous_ids
    resolved_ids = previous_ids - current_ids
    open_ids = current_ids & previous_ids
    rows = sorted(
        (row for row in (index if index is not None else store.finding_index())
         if row.id in new_ids),
        key=FindingRow.rank,
    )
    detailed = store.get_findings([row.id for row in rows[:detail_limit]])
    new: list[Finding | FindingRef] = [
        *detailed, *(FindingRef(id=row.id) for row in rows[detail_limit:])
    ]
    resolved: list[Finding | FindingRef] = sorted(
        (resolved_known.get(i) or FindingRef(id=i) for i in resolved_ids), key=_rank
    )
    for position in range(detail_limit, len(resolved)):
        resolved[position] = FindingRef(id=resolved[position].id)
    return Delta(
        run_id=run_id,
        previous_run_id=previous_run_id,
        new=new,
        open=sorted(open_ids),
        resolved=resolved,
        counts={
            "new": len(new_ids),
            "open": len(open_ids),
            "resolved": len(resolved_ids),
            "previous": len(previous_ids),
            "current": len(current_ids),
        },
    )


def _finding_row(finding: Finding | FindingRef) -> str:
    if isinstance(finding, FindingRef):
        return f"| `{finding.id}` | | | | (content not kept) |"
    return (
        f"| `{finding.id}` | {finding.severity} | {finding.code} | {finding.review_status} | "
        f"{md_escape(finding.explanation_en) or md_escape(finding.rule)} |"
    )


def render_delta_md(delta: Delta, *, open_listed: int = 50) -> str:
    counts = delta.counts
    since = f"run `{delta.previous_run_id}`" if delta.previous_run_id else "nothing (first run)"
    lines = [
        "# claimcheck: changes since the previous run",
        "",
        f"Run `{delta.run_id}` compared with {since}.",
        "",
        f"- new findings: **{counts.get('new', 0)}**",
        f"- still open: {counts.get('open', 0)}",
        f"- resolved: {counts.get('resolved', 0)}",
        "",
    ]
    header = ["| finding | severity | code | review | explanation |", "|---|---|---|---|---|"]
    lines += ["## New", ""]
    lines += (header + [_finding_row(f) for f in delta.new]) if delta.new else ["None."]
    lines += ["", "## Resolved", ""]
    lines += (header + [_finding_row(f) for f in delta.resolved]) if delta.resolved else ["None."]
    lines += ["", "## Still open", ""]
    if not delta.open:
        lines.append("None.")
    elif len(delta.open) <= open_listed:
        lines.append(", ".join(f"`{i}`" for i in delta.open))
    else:
        lines.append(f"{len(delta.open)} findings; see the report.")
    lines.append("")
    return "\n".join(lines)


def write_delta(
    delta: Delta,
    out_dir: Path,
    *,
    write: Callable[[Callable[[Path], None], Path], Path] | None = None,
) -> tuple[Path, Path]:
    """Write ``delta.json`` and ``delta.md`` into ``out_dir``. ``write(writer, path)``
    may route the writing (the run writes through a temporary file and a rename)."""
    out_dir.mkdir(parents=True, exist_ok=True)

    def plain(writer: Callable[[Path], None], path: Path) -> Path:
        writer(path)
        return path

    route = write or plain
    data = dumps_json(delta.model_dump(mode="json"))
    text = render_delta_md(delta)
    def writer(content: str) -> Callable[[Path], None]:
        def write_to(path: Path) -> None:
            path.write_text(content, encoding="utf-8")

        return write_to

    json_path = route(writer(data), out_dir / "delta.json")
    md_path = route(writer(text), out_dir / "delta.md")
    return json_path, md_path
