"""What changed since the previous run: new, still found, updated and resolved findings.

Every run records the IDs of the findings it ended with (with its run record, in one
transaction, as the last thing it writes). The next run compares its own findings with
that set. A finding's ID comes from its rule and its fact, and a report that repeats a
value joins a side of the same finding, so:

- **new**: fires now, did not fire at the end of the previous run;
- **open** ("still found"): fired then and still fires, whatever an editor decided
  about it; ``open_reviews`` counts these by their review status now, so that "still
  found" never reads as "still awaiting review";
- **updated**: open, and a side gained claims or reports since then ("a new report
  supports side X"); the ID, and so the editor's decision, stays;
- **resolved**: fired then and no longer fires (a corrected article, a re-extraction).

The delta goes into ``out/delta.json``, ``out/delta.md`` and the report's ``delta``.
``new`` and ``resolved`` carry whole findings (the data model's ``Finding``, with its
review status), the most severe first; beyond ``DETAIL_LIMIT`` findings (a first run
over a large backlog) the rest are given by ``{"id": ...}`` only, as is a resolved
finding whose content is no longer known (it disappeared in a run that was killed
before it finished). ``open`` lists IDs: those findings are in the report itself.

:func:`latest_delta` rebuilds the delta of the store's last run from the finding IDs
runs record, with the review statuses of now (what the served page shows): what a
side gained is known only to the run itself, so ``updated`` is left out there.

The models (:class:`~checker.report.Delta` and its parts) live in ``checker.report``,
since the report carries a delta.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import get_args

from checker.report import (
    ArticleRef,
    Delta,
    FindingRef,
    FindingUpdate,
    SideGain,
    dumps_json,
    gain_text,
    md_escape,
)
from checker.store import SEVERITY_RANK, FindingRow, Store
from claims.model import Finding, FindingSide, ReviewStatus

DETAIL_LIMIT = 1000

__all__ = [
    "DETAIL_LIMIT",
    "Delta",
    "FindingRef",
    "FindingUpdate",
    "SideGain",
    "build_delta",
    "latest_delta",
    "open_reviews",
    "render_delta_md",
    "side_gains",
    "write_delta",
]


def _rank(finding: Finding | FindingRef) -> tuple[int, str]:
    if isinstance(finding, Finding):
        return (SEVERITY_RANK.get(finding.severity, 9), finding.id)
    return (9, finding.id)


def side_gains(
    before: Sequence[FindingSide], after: Sequence[FindingSide]
) -> list[tuple[FindingSide, FindingSide | None, list[str], list[str]]]:
    """The sides of ``after`` that gained claims or reports over ``before``: (side, the
    side it was, new claim IDs, new article IDs). A side is what it was when they share
    the most claims; a side that shares none is new."""
    gains = []
    for side in after:
        claims = set(side.claim_ids)
        overlap = [(len(claims & set(old.claim_ids)), i) for i, old in enumerate(before)]
        shared, index = max(overlap, default=(0, -1))
        old = before[index] if shared else None
        old_claims = set(old.claim_ids) if old else set()
        old_articles = set(old.article_ids) if old else set()
        new_claims = [c for c in side.claim_ids if c not in old_claims]
        new_articles = [a for a in side.article_ids if a not in old_articles]
        if new_claims or new_articles:
            gains.append((side, old, new_claims, new_articles))
    return gains


def _updated(
    store: Store,
    open_ids: set[str],
    previous_sides: Mapping[str, Sequence[FindingSide]],
    limit: int,
) -> tuple[list[FindingUpdate], int]:
    """Open findings whose sides gained support, the most severe first (at most
    ``limit``), and how many there are in all."""
    touched = sorted(open_ids & set(previous_sides))
    found: list[tuple[Finding, list[tuple[FindingSide, FindingSide | None, list[str],
                                          list[str]]]]] = []
    for finding in store.get_findings(touched):
        gains = side_gains(previous_sides[finding.id], finding.sides)
        if gains:
            found.append((finding, gains))
    found.sort(key=lambda item: _rank(item[0]))
    kept = found[:limit]
    article_ids = sorted({a for _, gains in kept for *_, new in gains for a in new})
    articles = {a.id: a for a in store.articles(ids=article_ids)} if article_ids else {}
    updates = []
    for finding, gains in kept:
        sides = []
        for side, old, new_claims, new_articles in gains:
            refs = []
            for article_id in new_articles:
                article = articles.get(article_id)
                refs.append(ArticleRef(
                    id=article_id,
                    name=article.name if article else "",
                    outlet=article.outlet if article else None,
                ))
            sides.append(SideGain(
                value=side.value,
                tally=side.tally,
                previous_tally=old.tally if old else 0,
                new_articles=refs,
                new_claim_ids=new_claims,
            ))
        updates.append(FindingUpdate(
            id=finding.id,
            code=finding.code,
            kind=finding.kind,
            severity=finding.severity,
            review_status=finding.review_status,
            sides=sides,
        ))
    return updates, len(found)


def open_reviews(store: Store, open_ids: set[str]) -> dict[str, int]:
    """The still-firing findings counted by their review status now. Decided findings are
    few (an editor decides them one by one), so only those are read; every other open
    finding awaits a decision."""
    counts: dict[str, int] = {}
    decided = 0
    for status in get_args(ReviewStatus):
        if status == "open":
            continue
        found = sum(1 for f in store.findings(status=status) if f.id in open_ids)
        if found:
            counts[status] = found
            decided += found
    return {"open": len(open_ids) - decided, **counts}


def build_delta(
    store: Store,
    *,
    run_id: str,
    previous_run_id: str | None,
    previous_ids: set[str],
    current_ids: set[str],
    resolved_known: Mapping[str, Finding] | None = None,
    previous_sides: Mapping[str, Sequence[FindingSide]] | None = None,
    index: list[FindingRow] | None = None,
    detail_limit: int = DETAIL_LIMIT,
) -> Delta:
    """The delta of a run. ``resolved_known`` holds findings this run removed from the
    store, so that resolved findings can be shown with their content; ``previous_sides``
    the sides that findings of the previous run had before this run checked them again
    (a finding among ``resolved_known`` that fires again is compared with its sides
    there); ``index`` is the store's :meth:`~checker.store.Store.finding_index` when the
    caller has it."""
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
    before: dict[str, Sequence[FindingSide]] = {
        finding_id: finding.sides
        for finding_id, finding in resolved_known.items()
        if finding_id in open_ids
    }
    before.update(previous_sides or {})
    updated, updated_count = _updated(store, open_ids, before, detail_limit)
    return Delta(
        run_id=run_id,
        previous_run_id=previous_run_id,
        new=new,
        open=sorted(open_ids),
        updated=updated,
        resolved=resolved,
        open_reviews=open_reviews(store, open_ids),
        counts={
            "new": len(new_ids),
            "open": len(open_ids),
            "updated": updated_count,
            "resolved": len(resolved_ids),
            "previous": len(previous_ids),
            "current": len(current_ids),
        },
    )


def latest_delta(store: Store) -> Delta | None:
    """The delta of the store's last run against the run before it, with the review
    statuses of now; None before any run recorded its findings. ``updated`` is empty and
    has no count (only the run knows what a side gained)."""
    runs = store.runs()
    if not runs:
        return None
    last = max(runs, key=lambda r: r.finished)
    current = store.run_finding_ids(last.id)
    if current is None:
        return None
    earlier = sorted((r for r in runs if r.finished < last.finished), key=lambda r: r.finished)
    previous = earlier[-1] if earlier else None
    previous_ids = store.run_finding_ids(previous.id) if previous else set()
    if previous_ids is None:  # that run's set is no longer kept: nothing to compare with
        return None
    delta = build_delta(
        store,
        run_id=last.id,
        previous_run_id=previous.id if previous else None,
        previous_ids=previous_ids,
        current_ids=current,
        previous_sides={},
    )
    counts = {k: v for k, v in delta.counts.items() if k != "updated"}
    return delta.model_copy(update={"updated": [], "counts": counts})


def _finding_row(finding: Finding | FindingRef) -> str:
    if isinstance(finding, FindingRef):
        return f"| `{finding.id}` | | | | (content not kept) |"
    return (
        f"| `{finding.id}` | {finding.severity} | {finding.code} | {finding.review_status} | "
        f"{md_escape(finding.explanation_en) or md_escape(finding.rule)} |"
    )


def _reviews_text(delta: Delta) -> str:
    """" (1 awaiting review, 1 confirmed, 1 dismissed)" for the still-found findings."""
    if not delta.open_reviews:
        return ""
    parts = [
        f"{count} {'awaiting review' if status == 'open' else status.replace('_', ' ')}"
        for status, count in delta.open_reviews.items()
        if count
    ]
    return f" ({', '.join(parts)})" if parts else ""


def render_delta_md(delta: Delta, *, open_listed: int = 50) -> str:
    counts = delta.counts
    since = f"run `{delta.previous_run_id}`" if delta.previous_run_id else "nothing (first run)"
    lines = [
        "# claimcheck: changes since the previous run",
        "",
        f"Run `{delta.run_id}` compared with {since}.",
        "",
        f"- new findings: **{counts.get('new', 0)}**",
        f"- still found: {counts.get('open', 0)}{_reviews_text(delta)}",
        f"- with new reports on a side: {counts.get('updated', 0)}",
        f"- resolved: {counts.get('resolved', 0)}",
        "",
    ]
    header = ["| finding | severity | code | review | explanation |", "|---|---|---|---|---|"]
    lines += ["## New", ""]
    lines += (header + [_finding_row(f) for f in delta.new]) if delta.new else ["None."]
    lines += ["", "## New reports on a side", ""]
    if delta.updated:
        lines += ["| finding | code | review | side |", "|---|---|---|---|"]
        lines += [
            f"| `{update.id}` | {update.code} | {update.review_status} | "
            f"{md_escape(gain_text(gain))} |"
            for update in delta.updated
            for gain in update.sides
        ]
        left = counts.get("updated", 0) - len(delta.updated)
        if left > 0:
            lines += ["", f"and {left} more findings."]
    else:
        lines.append("None.")
    lines += ["", "## Resolved", ""]
    lines += (header + [_finding_row(f) for f in delta.resolved]) if delta.resolved else ["None."]
    lines += ["", "## Still found", ""]
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
