"""The main job: ingest drops, extract what is new, link and check everything, report.

Incremental by design: an article is stored once per content, and extracted once per
extractor version (a hash of the ``claims`` package, or ``claims.pipeline.PIPELINE_VERSION``
when it defines one), so running the same drop twice stores and extracts nothing the
second time, while a changed extractor or lexicon re-extracts on the next run. Linking and
checking always run over all stored claims, because a new article can link to old ones.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from checker import linking, rules
from checker.ingest import (
    DEFAULT_MAX_BYTES,
    DropError,
    DropResult,
    RejectedInput,
    duplicate_of,
    read_drop,
)
from checker.report import build_report, write_report_json, write_report_md
from checker.store import RunRecord, Store
from claims import pipeline
from claims.model import Article, Claim

Extractor = Callable[[Article], Sequence[Claim]]


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
    articles_total: int = 0
    claims_total: int = 0
    events: int = 0
    findings: int = 0
    findings_by_kind: dict[str, int] = Field(default_factory=dict)
    findings_by_severity: dict[str, int] = Field(default_factory=dict)
    rejected: list[RejectedInput] = Field(
        default_factory=list, description="inputs rejected in this run"
    )
    ignored: list[str] = Field(default_factory=list, description="files of unsupported types")
    extractor: str = ""
    timings: dict[str, float] = Field(default_factory=dict)
    report_json: str | None = None
    report_md: str | None = None

    def counts(self) -> dict[str, int]:
        return {
            "articles_read": self.articles_read,
            "articles_added": self.articles_added,
            "articles_known": self.articles_known,
            "articles_updated": self.articles_updated,
            "articles_extracted": self.articles_extracted,
            "claims_extracted": self.claims_extracted,
            "extraction_errors": self.extraction_errors,
            "articles_total": self.articles_total,
            "claims_total": self.claims_total,
            "events": self.events,
            "findings": self.findings,
            "rejected": len(self.rejected),
            "ignored": len(self.ignored),
        }


@lru_cache(maxsize=1)
def extractor_fingerprint() -> str:
    """Identifies the extraction code and data, so a change to either re-extracts.

    ``claims.pipeline.PIPELINE_VERSION`` wins when defined; otherwise every file of the
    ``claims`` package (code, lexicons, patterns, models) is hashed.
    """
    declared = getattr(pipeline, "PIPELINE_VERSION", None)
    if declared:
        return f"claims:{declared}"
    digest = hashlib.sha256()
    root = Path(str(resources.files("claims")))
    for path in sorted(root.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    return "claims:" + digest.hexdigest()[:12]


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


def ingest_drops(
    drops: Sequence[Path], store: Store, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[list[DropResult], Counter[str], list[RejectedInput]]:
    """Read drops into the store. Returns the drop results, counts of what the store did
    with each article (added, known, updated, duplicate) and every rejected input."""
    missing = [str(d) for d in drops if not Path(d).exists()]
    if missing:
        # Checked up front so a typo in the last drop does not leave a half-done batch.
        raise DropError("drop not found: " + ", ".join(missing))
    results: list[DropResult] = []
    status: Counter[str] = Counter()
    rejected: list[RejectedInput] = []
    for drop in drops:
        result = read_drop(Path(drop), max_bytes=max_bytes)
        results.append(result)
        store.replace_rejected(result.drop, result.rejected)
        rejected.extend(result.rejected)
        for article in result.articles:
            outcome = store.add_article(article, drop=result.drop)
            status[outcome] += 1
            if outcome == "duplicate":
                first = store.get_article(article.id)
                rejected.append(
                    duplicate_of(article.name, first.name if first else "?", result.drop)
                )
    return results, status, rejected


def extract_pending(
    store: Store,
    *,
    extractor: Extractor | None = None,
    extractor_version: str | None = None,
    reextract: bool = False,
) -> tuple[int, int, list[RejectedInput]]:
    """Extract claims for every stored article not yet extracted by this extractor version.

    Each article is saved with its claims in one transaction; an exception while
    extracting one article is recorded as a rejected input and the batch goes on.
    Returns (articles extracted, claims stored, rejections).
    """
    if extractor is None:
        extract: Extractor = pipeline.extract_claims
        version = extractor_version or extractor_fingerprint()
    else:
        extract = extractor
        version = extractor_version or f"custom:{getattr(extractor, '__qualname__', 'extractor')}"
    done = set() if reextract else store.extracted_article_ids(version)
    pending = sorted(store.article_ids() - done)
    extracted = 0
    stored = 0
    errors: list[RejectedInput] = []
    # In slices, so a large backlog is never all in memory at once.
    batches = (pending[i : i + 200] for i in range(0, len(pending), 200))
    for article in (a for batch in batches for a in store.articles(ids=batch)):
        try:
            claims = list(extract(article))
            _check_claims(article, claims)
            stored += store.save_article_with_claims(article, claims, extractor=version)
        except Exception as exc:  # noqa: BLE001 - one bad article must not stop the batch
            rejection = RejectedInput(
                path=article.name,
                reason="extraction_error",
                detail=f"extraction failed: {type(exc).__name__}: {exc}",
            )
            store.add_rejected(rejection)
            errors.append(rejection)
            continue
        store.remove_rejected(article.name, "extraction_error")
        extracted += 1
    return extracted, stored, errors


def run(
    drops: Sequence[Path],
    store: Store,
    out_dir: Path | None = Path("out"),
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    extractor: Extractor | None = None,
    extractor_version: str | None = None,
    reextract: bool = False,
) -> RunSummary:
    """Ingest ``drops``, extract new articles, link and check all claims, write
    ``out_dir/report.json`` and ``out_dir/report.md`` (unless ``out_dir`` is None) and
    record the run in the store."""
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

    results, status, rejected = ingest_drops(drops, store, max_bytes=max_bytes)
    lap("ingest")

    version = extractor_version or (
        extractor_fingerprint() if extractor is None else None
    )
    extracted, claims_stored, errors = extract_pending(
        store, extractor=extractor, extractor_version=version, reextract=reextract
    )
    rejected.extend(errors)
    lap("extract")

    claims = store.claims()
    graph = linking.link(claims)
    lap("link")

    findings = rules.check(graph, claims)
    lap("check")

    store.replace_events_and_findings(graph.events, findings)
    lap("store")

    stored_findings = store.findings()
    summary = RunSummary(
        run_id=run_id,
        started=started,
        finished=started,
        drops=[r.drop for r in results],
        articles_read=sum(len(r.articles) for r in results),
        articles_added=status["added"],
        articles_known=status["known"],
        articles_updated=status["updated"],
        articles_extracted=extracted,
        claims_extracted=claims_stored,
        extraction_errors=len(errors),
        articles_total=len(store.article_ids()),
        claims_total=len(claims),
        events=len(graph.events),
        findings=len(stored_findings),
        findings_by_kind=dict(Counter(f.kind for f in stored_findings)),
        findings_by_severity=dict(Counter(f.severity for f in stored_findings)),
        rejected=rejected,
        ignored=[(Path(r.drop) / path).as_posix() for r in results for path in r.ignored],
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
        report = build_report(store, run=record)
        out_dir.mkdir(parents=True, exist_ok=True)
        json_path = out_dir / "report.json"
        md_path = out_dir / "report.md"
        write_report_json(report, json_path)
        write_report_md(report, md_path)
        summary.report_json = str(json_path)
        summary.report_md = str(md_path)
        lap("report")

    timings["total"] = round(time.perf_counter() - t0, 4)
    summary.finished = datetime.now(UTC)
    summary.timings = timings
    store.record_run(
        RunRecord(
            id=run_id,
            started=started,
            finished=summary.finished,
            counts=summary.counts(),
            timings=timings,
        )
    )
    return summary
