"""The store: articles, claims, events, findings, review decisions, runs, rejected inputs.

One class, :class:`Store`, over SQLAlchemy Core. SQLite (a file in the working directory)
is the default; any SQLAlchemy URL (for example ``postgresql+psycopg://...``) works the
same way because every statement goes through Core, not through SQLite-specific SQL.

Model objects go in and come out; rows are an implementation detail. Each model is kept
whole as JSON next to the few columns that queries filter on, so adding a field to the
model does not need a new column.

Review decisions live in their own table keyed by finding ID. Findings are replaced on
every run, but a finding's ID is stable (same rule, same claims), so an editor's decision
re-attaches to the finding when the run finds it again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

from checker.ingest import RejectedInput, RejectReason, duplicate_of
from claims.model import (
    SCHEMA_VERSION,
    Article,
    Claim,
    EventCluster,
    Finding,
    FindingKind,
    ReviewStatus,
)

DEFAULT_DB = "claimcheck.db"
REVIEW_STATUSES: tuple[ReviewStatus, ...] = ("open", "confirmed", "dismissed")
SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
CERTAINTY_RANK = {"hard": 0, "soft": 1}

AddStatus = Literal["added", "known", "updated", "duplicate"]
KEEP_RUN_FINDINGS = 5  # runs whose finding IDs are kept for deltas


class StoreError(RuntimeError):
    """The store cannot do what was asked (unknown ID, incompatible database...)."""


class SchemaVersionError(StoreError):
    """The database was written by a claimcheck with a different data model."""


class ArticleInfo(BaseModel):
    """An article without its text, for listings."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    title: str = ""
    outlet: str | None = None
    url: str | None = None
    published: date | None = None
    language: str = "ar"
    source_path: str | None = None
    ingested_at: datetime | None = None
    extracted: bool = False
    claim_count: int = 0


class RunRecord(BaseModel):
    """What one run did: counts and per-stage timings in seconds."""

    model_config = ConfigDict(extra="forbid")

    id: str
    started: datetime
    finished: datetime
    counts: dict[str, int] = Field(default_factory=dict)
    timings: dict[str, float] = Field(default_factory=dict)


metadata = sa.MetaData()

meta_table = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

articles_table = sa.Table(
    "articles",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.Text, nullable=False, index=True),
    sa.Column("title", sa.Text, nullable=False, default=""),
    sa.Column("outlet", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("published", sa.Date),
    sa.Column("language", sa.String(16), nullable=False, default="ar"),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("source_path", sa.Text),
    sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
)

# Which articles went through extraction, and with which extractor. Kept apart from the
# claims because an article can legitimately yield no claim at all.
extractions_table = sa.Table(
    "extractions",
    metadata,
    sa.Column(
        "article_id", sa.String(64), sa.ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("extractor", sa.Text, nullable=False, default=""),
    sa.Column("extracted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("claim_count", sa.Integer, nullable=False, default=0),
)

claims_table = sa.Table(
    "claims",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column(
        "article_id", sa.String(64), sa.ForeignKey("articles.id", ondelete="CASCADE"),
        nullable=False, index=True,
    ),
    sa.Column("event", sa.String(32), nullable=False, index=True),
    sa.Column("location_key", sa.Text, index=True),
    sa.Column("evidence_start", sa.Integer, nullable=False),
    sa.Column("json", sa.Text, nullable=False),
)

events_table = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("event", sa.String(32), nullable=False),
    sa.Column("location_key", sa.Text),
    sa.Column("json", sa.Text, nullable=False),
)

event_claims_table = sa.Table(
    "event_claims",
    metadata,
    sa.Column("event_id", sa.String(64), nullable=False, primary_key=True),
    sa.Column("claim_id", sa.String(64), nullable=False, primary_key=True, index=True),
)

findings_table = sa.Table(
    "findings",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("rule", sa.Text, nullable=False),
    sa.Column("code", sa.String(8), nullable=False, index=True),
    sa.Column("kind", sa.String(32), nullable=False, index=True),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("certainty", sa.String(16), nullable=False),
    sa.Column("event_id", sa.String(64)),
    sa.Column("json", sa.Text, nullable=False),
)

finding_claims_table = sa.Table(
    "finding_claims",
    metadata,
    sa.Column("finding_id", sa.String(64), nullable=False, primary_key=True),
    sa.Column("claim_id", sa.String(64), nullable=False, primary_key=True, index=True),
)

# Not foreign-keyed to findings on purpose: findings are replaced on every run, decisions
# must outlive that and re-attach by the stable finding ID.
reviews_table = sa.Table(
    "reviews",
    metadata,
    sa.Column("finding_id", sa.String(64), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("by", sa.Text),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)

runs_table = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("started", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished", sa.DateTime(timezone=True), nullable=False),
    sa.Column("counts", sa.Text, nullable=False),
    sa.Column("timings", sa.Text, nullable=False),
)

rejected_table = sa.Table(
    "rejected_inputs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("drop", sa.Text, nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("reason", sa.String(32), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("drop", "path", "reason", name="uq_rejected_drop_path_reason"),
)

# -- incremental linking state (see checker/run.py and docs/batch.md) ----------------------
# An article's claims are linked as of one extraction: a new extraction (new extracted_at)
# puts the article back in the queue. Written in the same transaction as the events and
# findings that linking produced, so a killed run never leaves half of it.
article_links_table = sa.Table(
    "article_links",
    metadata,
    sa.Column("article_id", sa.String(64), primary_key=True),
    sa.Column("extracted_at", sa.DateTime(timezone=True), nullable=False),
)

# The claim IDs each article had when it was linked: a re-extraction that drops a claim
# must take it out of its event and findings.
linked_claims_table = sa.Table(
    "linked_claims",
    metadata,
    sa.Column("claim_id", sa.String(64), primary_key=True),
    sa.Column("article_id", sa.String(64), nullable=False, index=True),
)

# The blocking index: one row per linked claim and block key, with the claim's keyed place
# ("" when it has none). A new claim fetches only the stored claims of its blocks that
# could be the same event (see checker/run.py), without reading the rest of the store.
claim_blocks_table = sa.Table(
    "claim_blocks",
    metadata,
    sa.Column("block_key", sa.Text, nullable=False, primary_key=True),
    sa.Column("place", sa.Text, nullable=False, primary_key=True),
    sa.Column("claim_id", sa.String(64), nullable=False, primary_key=True, index=True),
)

# The finding IDs each run ended with, for the next run's delta (new, open, resolved).
run_findings_table = sa.Table(
    "run_findings",
    metadata,
    sa.Column("run_id", sa.String(64), primary_key=True),
    sa.Column("finding_ids", sa.Text, nullable=False),
)


@dataclass(frozen=True)
class FindingRow:
    """A finding without its content: for counts and ordering."""

    id: str
    kind: str
    severity: str
    certainty: str
    code: str
    event_id: str | None

    def rank(self) -> tuple[int, int, str, str]:
        """Most severe first, as :meth:`Store.findings` orders findings."""
        return (
            SEVERITY_RANK.get(self.severity, 9),
            CERTAINTY_RANK.get(self.certainty, 9),
            self.code,
            self.id,
        )


@dataclass(frozen=True)
class BlockQuery:
    """Which stored claims of one block a batch of new claims needs: every one
    (``everything``), or those whose keyed place is one of ``places`` and those with no
    keyed place."""

    everything: bool = False
    places: frozenset[str] = frozenset()


@dataclass
class LinkStep:
    """One committed step of incremental linking (see :meth:`Store.apply_link_step`)."""

    articles: dict[str, datetime]  # article ID -> the extraction these links reflect
    claim_articles: dict[str, str]  # linked claim ID -> article ID
    block_rows: list[tuple[str, str, str]]  # (block_key, place or "", claim_id)
    events_removed: set[str]
    events: Sequence[EventCluster]
    finding_scope: set[str]  # claim IDs whose findings are replaced
    findings: Sequence[Finding]


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything this store writes is UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _chunks(ids: Sequence[str], size: int = 500) -> Iterator[list[str]]:
    """IDs in slices, to stay under the database's limit on bound parameters."""
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), size):
        yield unique[start : start + size]


def _url_for(target: str | Path) -> str:
    text = str(target)
    if "://" in text:
        return text
    if text == ":memory:":
        return "sqlite://"
    return f"sqlite:///{Path(text)}"


def _severity_key(finding: Finding) -> tuple[int, int, str, str]:
    return (
        SEVERITY_RANK.get(finding.severity, 9),
        CERTAINTY_RANK.get(finding.certainty, 9),
        finding.code,
        finding.id,
    )


class Store:
    """All persistent state of claimcheck behind one interface.

    ``target`` is a file path (SQLite) or an SQLAlchemy URL. Opening a database written by
    a newer claimcheck raises :class:`SchemaVersionError` rather than misreading it.
    """

    def __init__(self, target: str | Path = DEFAULT_DB, *, echo: bool = False) -> None:
        self.url = _url_for(target)
        # For messages: a server URL may carry a password.
        self.display_url = sa.engine.make_url(self.url).render_as_string(hide_password=True)
        self.engine: Engine = self._make_engine(self.url, echo=echo)
        self._check_schema()

    # -- lifecycle -------------------------------------------------------------------

    @staticmethod
    def _make_engine(url: str, *, echo: bool) -> Engine:
        if not url.startswith("sqlite"):
            return sa.create_engine(url, echo=echo)
        in_memory = url in ("sqlite://", "sqlite:///:memory:")
        engine = sa.create_engine(
            url,
            echo=echo,
            # One shared connection, or every connection would see its own empty database.
            poolclass=StaticPool if in_memory else None,
            connect_args={"timeout": 30, "check_same_thread": False},
        )

        @sa.event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy emit BEGIN itself (see the SQLAlchemy SQLite dialect docs):
            # the sqlite3 module otherwise starts transactions lazily and lets DDL through.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            if not in_memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            # Writers take the write lock up front: a deferred transaction that later needs
            # to write fails at once with "database is locked" instead of waiting.
            if conn.get_execution_options().get("claimcheck_write"):
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.exec_driver_sql("BEGIN")

        return engine

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction: everything inside commits together or not at all."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(claimcheck_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    def _check_schema(self) -> None:
        inspector = sa.inspect(self.engine)
        if inspector.has_table("meta"):
            with self._read() as conn:
                stored = conn.execute(
                    sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")
                ).scalar_one_or_none()
            if stored is not None:
                version = int(stored)
                if version > SCHEMA_VERSION:
                    raise SchemaVersionError(
                        f"database {self.display_url} has schema version {version}, newer "
                        f"than this claimcheck understands ({SCHEMA_VERSION}); upgrade "
                        "claimcheck or use another --db"
                    )
                if version < SCHEMA_VERSION:
                    raise SchemaVersionError(
                        f"database {self.display_url} has schema version {version}, older "
                        f"than this claimcheck ({SCHEMA_VERSION}) and there is no migration yet; "
                        "re-run into a new --db"
                    )
                # Nothing to create: opening for a lookup must not wait for the write lock
                # while a run holds it.
                if set(metadata.tables) <= set(inspector.get_table_names()):
                    return
        with self._write() as conn:
            metadata.create_all(conn)
            exists = conn.execute(
                sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")
            ).scalar_one_or_none()
            if exists is None:
                conn.execute(
                    meta_table.insert().values(key="schema_version", value=str(SCHEMA_VERSION))
                )

    def schema_version(self) -> int:
        with self._read() as conn:
            value = conn.execute(
                sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")
            ).scalar_one()
        return int(value)

    # -- articles --------------------------------------------------------------------

    @staticmethod
    def _article_row(article: Article) -> dict[str, Any]:
        return {
            "id": article.id,
            "name": article.name,
            "title": article.title,
            "outlet": article.outlet,
            "url": article.url,
            "published": article.published,
            "language": article.language,
            "text": article.text,
            "source_path": article.source_path,
            "ingested_at": _now(),
        }

    @staticmethod
    def _article_from_row(row: sa.Row[Any]) -> Article:
        return Article(
            id=row.id,
            name=row.name,
            title=row.title or "",
            outlet=row.outlet,
            url=row.url,
            published=row.published,
            language=row.language,
            text=row.text,
            source_path=row.source_path,
        )

    def add_article(self, article: Article, *, drop: str = "") -> AddStatus:
        """Store an article once per content.

        Returns ``"added"`` for new content, ``"known"`` when the same content is already
        stored under the same name, ``"updated"`` when it is stored under the same name
        with different metadata (the metadata is replaced and the article is marked for
        re-extraction, because a publication date anchors relative dates), and
        ``"duplicate"`` when the content is stored under another name: the first is kept
        and this one is recorded as a rejected input naming the first.
        """
        with self._write() as conn:
            return self._add_article(conn, article, drop=drop)

    def _add_article(self, conn: Connection, article: Article, *, drop: str) -> AddStatus:
        row = conn.execute(
            sa.select(articles_table).where(articles_table.c.id == article.id)
        ).one_or_none()
        if row is None:
            conn.execute(articles_table.insert().values(**self._article_row(article)))
            return "added"
        if row.name != article.name:
            self._add_rejected(conn, duplicate_of(article.name, row.name, drop))
            return "duplicate"
        stored = self._article_from_row(row)
        if stored.model_dump(exclude={"source_path"}) == article.model_dump(
            exclude={"source_path"}
        ):
            return "known"
        values = self._article_row(article)
        del values["ingested_at"], values["id"]
        conn.execute(
            articles_table.update().where(articles_table.c.id == article.id).values(**values)
        )
        conn.execute(
            extractions_table.delete().where(extractions_table.c.article_id == article.id)
        )
        return "updated"

    def get_article(self, article_id: str) -> Article | None:
        with self._read() as conn:
            row = conn.execute(
                sa.select(articles_table).where(articles_table.c.id == article_id)
            ).one_or_none()
        return None if row is None else self._article_from_row(row)

    def article_by_name(self, name: str) -> Article | None:
        with self._read() as conn:
            row = conn.execute(
                sa.select(articles_table).where(articles_table.c.name == name)
            ).first()
        return None if row is None else self._article_from_row(row)

    def articles(self, ids: Sequence[str] | None = None) -> list[Article]:
        """All stored articles (or those with the given IDs), ordered by name."""
        query = sa.select(articles_table).order_by(articles_table.c.name, articles_table.c.id)
        with self._read() as conn:
            if ids is None:
                return [self._article_from_row(row) for row in conn.execute(query)]
            found = [
                self._article_from_row(row)
                for chunk in _chunks(ids)
                for row in conn.execute(query.where(articles_table.c.id.in_(chunk)))
            ]
        return sorted(found, key=lambda a: (a.name, a.id))

    def article_ids(self) -> set[str]:
        with self._read() as conn:
            return set(conn.execute(sa.select(articles_table.c.id)).scalars())

    def article_infos(self) -> list[ArticleInfo]:
        """Articles without their text, with extraction state and claim counts."""
        counts = (
            sa.select(claims_table.c.article_id, sa.func.count().label("n"))
            .group_by(claims_table.c.article_id)
            .subquery()
        )
        query = (
            sa.select(
                articles_table.c.id,
                articles_table.c.name,
                articles_table.c.title,
                articles_table.c.outlet,
                articles_table.c.url,
                articles_table.c.published,
                articles_table.c.language,
                articles_table.c.source_path,
                articles_table.c.ingested_at,
                extractions_table.c.article_id.label("extracted_id"),
                sa.func.coalesce(counts.c.n, 0).label("claim_count"),
            )
            .select_from(
                articles_table.outerjoin(
                    extractions_table, extractions_table.c.article_id == articles_table.c.id
                ).outerjoin(counts, counts.c.article_id == articles_table.c.id)
            )
            .order_by(articles_table.c.name, articles_table.c.id)
        )
        with self._read() as conn:
            return [
                ArticleInfo(
                    id=row.id,
                    name=row.name,
                    title=row.title or "",
                    outlet=row.outlet,
                    url=row.url,
                    published=row.published,
                    language=row.language,
                    source_path=row.source_path,
                    ingested_at=_utc(row.ingested_at),
                    extracted=row.extracted_id is not None,
                    claim_count=row.claim_count,
                )
                for row in conn.execute(query)
            ]

    # -- claims ----------------------------------------------------------------------

    @staticmethod
    def _claim_row(claim: Claim) -> dict[str, Any]:
        return {
            "id": claim.id,
            "article_id": claim.article_id,
            "event": claim.event,
            "location_key": claim.location.key if claim.location else None,
            "evidence_start": claim.evidence.start,
            "json": claim.model_dump_json(),
        }

    def save_article_with_claims(
        self, article: Article, claims: Sequence[Claim], *, extractor: str = ""
    ) -> int:
        """Store an article and all its claims in one transaction; returns claims stored.

        Claims previously stored for the article are replaced (a re-extraction). Either
        the article, its claims and its extraction mark are all stored, or none of it.
        Claims with the same ID (the same evidence and slots) are stored once.
        """
        foreign = [c.id for c in claims if c.article_id != article.id]
        if foreign:
            raise ValueError(
                f"claims {foreign[:3]} do not belong to article {article.id} ({article.name})"
            )
        seen: set[str] = set()
        unique: list[Claim] = []
        for claim in claims:
            if claim.id not in seen:
                seen.add(claim.id)
                unique.append(claim)
        with self._write() as conn:
            exists = conn.execute(
                sa.select(articles_table.c.id).where(articles_table.c.id == article.id)
            ).first()
            if exists is None:
                conn.execute(articles_table.insert().values(**self._article_row(article)))
            conn.execute(claims_table.delete().where(claims_table.c.article_id == article.id))
            rows = [self._claim_row(claim) for claim in unique]
            if rows:
                conn.execute(claims_table.insert(), rows)
            conn.execute(
                extractions_table.delete().where(extractions_table.c.article_id == article.id)
            )
            conn.execute(
                extractions_table.insert().values(
                    article_id=article.id,
                    extractor=extractor,
                    extracted_at=_now(),
                    claim_count=len(unique),
                )
            )
        return len(unique)

    def has_claims(self, article_id: str) -> bool:
        """True when at least one claim of the article is stored."""
        with self._read() as conn:
            return (
                conn.execute(
                    sa.select(claims_table.c.id).where(claims_table.c.article_id == article_id)
                ).first()
                is not None
            )

    def extracted_article_ids(self, extractor: str | None = None) -> set[str]:
        """Articles whose extraction finished (with or without claims); with ``extractor``,
        only those extracted by that extractor version."""
        query = sa.select(extractions_table.c.article_id)
        if extractor is not None:
            query = query.where(extractions_table.c.extractor == extractor)
        with self._read() as conn:
            return set(conn.execute(query).scalars())

    def get_claim(self, claim_id: str) -> Claim | None:
        with self._read() as conn:
            data = conn.execute(
                sa.select(claims_table.c.json).where(claims_table.c.id == claim_id)
            ).scalar_one_or_none()
        return None if data is None else Claim.model_validate_json(data)

    def claims(
        self, *, article_id: str | None = None, ids: Sequence[str] | None = None
    ) -> list[Claim]:
        """Stored claims, all or filtered, ordered by article name and position."""
        query = (
            sa.select(claims_table.c.json)
            .select_from(
                claims_table.join(articles_table, articles_table.c.id == claims_table.c.article_id)
            )
            .order_by(articles_table.c.name, claims_table.c.evidence_start, claims_table.c.id)
        )
        if article_id is not None:
            query = query.where(claims_table.c.article_id == article_id)
        with self._read() as conn:
            if ids is None:
                return [Claim.model_validate_json(data) for data in conn.execute(query).scalars()]
            query = query.add_columns(
                articles_table.c.name.label("article_name"),
                claims_table.c.evidence_start,
                claims_table.c.id,
            )
            rows = [
                row
                for chunk in _chunks(ids)
                for row in conn.execute(query.where(claims_table.c.id.in_(chunk)))
            ]
        rows.sort(key=lambda row: (row.article_name, row.evidence_start, row.id))
        return [Claim.model_validate_json(row.json) for row in rows]

    # -- events and findings ---------------------------------------------------------

    def replace_events_and_findings(
        self, events: Sequence[EventCluster], findings: Sequence[Finding]
    ) -> None:
        """Replace the linker's events and the rules' findings with a new run's, in one
        transaction. Review decisions are kept: they re-attach by finding ID."""
        with self._write() as conn:
            for table in (event_claims_table, events_table, finding_claims_table, findings_table):
                conn.execute(table.delete())
            self._insert_events_and_findings(conn, events, findings)

    @staticmethod
    def _insert_events_and_findings(
        conn: Connection, events: Sequence[EventCluster], findings: Sequence[Finding]
    ) -> None:
        event_rows: dict[str, dict[str, Any]] = {}
        event_claim_rows: dict[tuple[str, str], dict[str, str]] = {}
        for event in events:
            if event.id in event_rows:
                continue
            event_rows[event.id] = {
                "id": event.id,
                "label": event.label,
                "event": event.event,
                "location_key": event.location_key,
                "json": event.model_dump_json(),
            }
            for claim_id in event.claim_ids:
                event_claim_rows[(event.id, claim_id)] = {
                    "event_id": event.id, "claim_id": claim_id
                }
        finding_rows: dict[str, dict[str, Any]] = {}
        finding_claim_rows: dict[tuple[str, str], dict[str, str]] = {}
        for finding in findings:
            if finding.id in finding_rows:
                continue
            # The review belongs to the reviews table; the stored finding is the rule's.
            clean = finding.model_copy(
                update={
                    "review_status": "open",
                    "review_note": None,
                    "reviewed_by": None,
                    "reviewed_at": None,
                }
            )
            finding_rows[finding.id] = {
                "id": finding.id,
                "rule": finding.rule,
                "code": finding.code,
                "kind": finding.kind,
                "severity": finding.severity,
                "certainty": finding.certainty,
                "event_id": finding.event_id,
                "json": clean.model_dump_json(),
            }
            for claim_id in finding.claim_ids:
                finding_claim_rows[(finding.id, claim_id)] = {
                    "finding_id": finding.id, "claim_id": claim_id
                }
        for table, rows in (
            (events_table, list(event_rows.values())),
            (event_claims_table, list(event_claim_rows.values())),
            (findings_table, list(finding_rows.values())),
            (finding_claims_table, list(finding_claim_rows.values())),
        ):
            if rows:
                conn.execute(table.insert(), rows)

    def events(self) -> list[EventCluster]:
        with self._read() as conn:
            rows = conn.execute(
                sa.select(events_table.c.json).order_by(events_table.c.label, events_table.c.id)
            ).scalars()
            return [EventCluster.model_validate_json(data) for data in rows]

    def get_events(self, ids: Sequence[str]) -> list[EventCluster]:
        """The events with these IDs (unknown IDs are left out), ordered like events()."""
        query = sa.select(events_table.c.json)
        with self._read() as conn:
            found = [
                EventCluster.model_validate_json(data)
                for chunk in _chunks(ids)
                for data in conn.execute(query.where(events_table.c.id.in_(chunk))).scalars()
            ]
        return sorted(found, key=lambda e: (e.label, e.id))

    def event_of_claim(self, claim_id: str) -> EventCluster | None:
        query = (
            sa.select(events_table.c.json)
            .select_from(
                events_table.join(
                    event_claims_table, event_claims_table.c.event_id == events_table.c.id
                )
            )
            .where(event_claims_table.c.claim_id == claim_id)
        )
        with self._read() as conn:
            data = conn.execute(query).scalars().first()
        return None if data is None else EventCluster.model_validate_json(data)

    def _findings_query(self) -> sa.Select[Any]:
        status = sa.func.coalesce(reviews_table.c.status, "open").label("status")
        return sa.select(
            findings_table.c.json,
            status,
            reviews_table.c.note,
            reviews_table.c.by,
            reviews_table.c.at,
        ).select_from(
            findings_table.outerjoin(
                reviews_table, reviews_table.c.finding_id == findings_table.c.id
            )
        )

    @staticmethod
    def _finding_from_row(row: sa.Row[Any]) -> Finding:
        finding = Finding.model_validate_json(row.json)
        return finding.model_copy(
            update={
                "review_status": row.status,
                "review_note": row.note,
                "reviewed_by": row.by,
                "reviewed_at": _utc(row.at),
            }
        )

    def findings(
        self,
        *,
        status: ReviewStatus | None = None,
        kind: FindingKind | None = None,
        claim_id: str | None = None,
    ) -> list[Finding]:
        """Findings with their review decision, most severe first."""
        query = self._findings_query()
        if status is not None:
            query = query.where(sa.func.coalesce(reviews_table.c.status, "open") == status)
        if kind is not None:
            query = query.where(findings_table.c.kind == kind)
        if claim_id is not None:
            query = query.where(
                findings_table.c.id.in_(
                    sa.select(finding_claims_table.c.finding_id).where(
                        finding_claims_table.c.claim_id == claim_id
                    )
                )
            )
        with self._read() as conn:
            found = [self._finding_from_row(row) for row in conn.execute(query)]
        return sorted(found, key=_severity_key)

    def get_finding(self, finding_id: str) -> Finding | None:
        query = self._findings_query().where(findings_table.c.id == finding_id)
        with self._read() as conn:
            row = conn.execute(query).one_or_none()
        return None if row is None else self._finding_from_row(row)

    def set_review(
        self,
        finding_id: str,
        status: ReviewStatus,
        note: str | None = None,
        by: str | None = None,
    ) -> Finding:
        """Record an editor's decision on a finding (timestamped now, UTC)."""
        if status not in REVIEW_STATUSES:
            raise ValueError(f"review status must be one of {', '.join(REVIEW_STATUSES)}")
        with self._write() as conn:
            known = conn.execute(
                sa.select(findings_table.c.id).where(findings_table.c.id == finding_id)
            ).first()
            if known is None:
                raise StoreError(f"no finding with ID {finding_id!r}")
            values = {"status": status, "note": note, "by": by, "at": _now()}
            updated = conn.execute(
                reviews_table.update()
                .where(reviews_table.c.finding_id == finding_id)
                .values(**values)
            )
            if updated.rowcount == 0:
                conn.execute(reviews_table.insert().values(finding_id=finding_id, **values))
        finding = self.get_finding(finding_id)
        assert finding is not None
        return finding

    def finding_index(self) -> list[FindingRow]:
        """Every finding's ID and sort and count columns, without its JSON (cheap even
        for hundreds of thousands of findings)."""
        f = findings_table
        query = sa.select(f.c.id, f.c.kind, f.c.severity, f.c.certainty, f.c.code, f.c.event_id)
        with self._read() as conn:
            return [FindingRow(*row) for row in conn.execute(query)]

    def get_findings(self, ids: Sequence[str]) -> list[Finding]:
        """The findings with these IDs (unknown IDs are left out), most severe first."""
        query = self._findings_query()
        with self._read() as conn:
            found = [
                self._finding_from_row(row)
                for chunk in _chunks(ids)
                for row in conn.execute(query.where(findings_table.c.id.in_(chunk)))
            ]
        return sorted(found, key=_severity_key)

    def finding_ids(self) -> set[str]:
        with self._read() as conn:
            return set(conn.execute(sa.select(findings_table.c.id)).scalars())

    def count(self, table: Literal["articles", "claims", "events", "findings"]) -> int:
        """Rows of one table, without reading them."""
        target = {
            "articles": articles_table,
            "claims": claims_table,
            "events": events_table,
            "findings": findings_table,
        }[table]
        with self._read() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(target)).scalar_one())

    # -- incremental linking state ---------------------------------------------------

    def link_version(self) -> str | None:
        """The linker and rules version the stored events and findings were made with."""
        with self._read() as conn:
            return conn.execute(
                sa.select(meta_table.c.value).where(meta_table.c.key == "link_version")
            ).scalar_one_or_none()

    def reset_links(self, version: str) -> None:
        """Forget every event, finding and link mark, in one transaction, and record the
        linker version the next links will be made with: every article is linked again.
        Review decisions are kept (they re-attach by finding ID)."""
        with self._write() as conn:
            for table in (
                event_claims_table, events_table, finding_claims_table, findings_table,
                claim_blocks_table, linked_claims_table, article_links_table,
            ):
                conn.execute(table.delete())
            conn.execute(meta_table.delete().where(meta_table.c.key == "link_version"))
            conn.execute(meta_table.insert().values(key="link_version", value=version))

    def articles_pending_link(self) -> list[tuple[str, datetime, int]]:
        """(article ID, extracted_at, claim count) of every extracted article whose claims
        are not linked as of that extraction, in a stable order."""
        links = article_links_table
        query = (
            sa.select(
                extractions_table.c.article_id,
                extractions_table.c.extracted_at,
                extractions_table.c.claim_count,
            )
            .select_from(
                extractions_table.outerjoin(
                    links, links.c.article_id == extractions_table.c.article_id
                )
            )
            .where(
                links.c.article_id.is_(None)
                | (links.c.extracted_at != extractions_table.c.extracted_at)
            )
            .order_by(extractions_table.c.article_id)
        )
        with self._read() as conn:
            return [
                (row.article_id, row.extracted_at, int(row.claim_count))
                for row in conn.execute(query)
            ]

    def claims_of_articles(self, article_ids: Sequence[str]) -> list[Claim]:
        """The current claims of these articles, in a stable order (article, position)."""
        query = sa.select(
            claims_table.c.json, claims_table.c.article_id, claims_table.c.evidence_start,
            claims_table.c.id,
        )
        with self._read() as conn:
            rows = [
                row
                for chunk in _chunks(article_ids)
                for row in conn.execute(query.where(claims_table.c.article_id.in_(chunk)))
            ]
        rows.sort(key=lambda row: (row.article_id, row.evidence_start, row.id))
        return [Claim.model_validate_json(row.json) for row in rows]

    def linked_claim_ids(self, article_ids: Sequence[str]) -> set[str]:
        """The claim IDs these articles had when they were last linked."""
        query = sa.select(linked_claims_table.c.claim_id)
        with self._read() as conn:
            return {
                claim_id
                for chunk in _chunks(article_ids)
                for claim_id in conn.execute(
                    query.where(linked_claims_table.c.article_id.in_(chunk))
                ).scalars()
            }

    def claims_in_block(
        self,
        key: str,
        want: BlockQuery,
        *,
        exclude: set[str] | None = None,
        parsed: dict[str, Claim] | None = None,
    ) -> list[Claim]:
        """Linked claims of block ``key``, narrowed by ``want``, ordered by ID; IDs in
        ``exclude`` are left out. ``parsed`` caches claims already read (by ID), so a
        claim in several blocks is parsed once."""
        exclude = exclude or set()
        parsed = {} if parsed is None else parsed
        cb = claim_blocks_table
        query = (
            sa.select(cb.c.claim_id, claims_table.c.json)
            .select_from(cb.join(claims_table, claims_table.c.id == cb.c.claim_id))
            .where(cb.c.block_key == key)
        )
        if not want.everything:
            query = query.where(cb.c.place.in_(["", *sorted(want.places)]))
        members: dict[str, Claim] = {}
        with self._read() as conn:
            for claim_id, data in conn.execute(query):
                if claim_id in exclude or claim_id in members:
                    continue
                claim = parsed.get(claim_id)
                if claim is None:
                    claim = parsed[claim_id] = Claim.model_validate_json(data)
                members[claim_id] = claim
        return [members[i] for i in sorted(members)]

    def places_in_block(self, key: str) -> dict[str, str]:
        """Each keyed place of block ``key``, with the smallest ID of its claims there."""
        cb = claim_blocks_table
        query = (
            sa.select(cb.c.place, sa.func.min(cb.c.claim_id))
            .where(cb.c.block_key == key, cb.c.place != "")
            .group_by(cb.c.place)
        )
        with self._read() as conn:
            return {place: claim_id for place, claim_id in conn.execute(query)}

    def event_ids_at(self, places: Sequence[str], events: Sequence[str]) -> set[str]:
        """IDs of the events of these types whose place is one of ``places``."""
        query = sa.select(events_table.c.id).where(events_table.c.event.in_(list(events)))
        with self._read() as conn:
            return {
                event_id
                for chunk in _chunks(places)
                for event_id in conn.execute(
                    query.where(events_table.c.location_key.in_(chunk))
                ).scalars()
            }

    def event_ids_of_claims(self, claim_ids: Sequence[str]) -> set[str]:
        query = sa.select(event_claims_table.c.event_id)
        with self._read() as conn:
            return {
                event_id
                for chunk in _chunks(claim_ids)
                for event_id in conn.execute(
                    query.where(event_claims_table.c.claim_id.in_(chunk))
                ).scalars()
            }

    def event_members(self, event_ids: Sequence[str]) -> dict[str, list[str]]:
        """The claim IDs of each of these events."""
        query = sa.select(event_claims_table.c.event_id, event_claims_table.c.claim_id)
        out: dict[str, list[str]] = {}
        with self._read() as conn:
            for chunk in _chunks(event_ids):
                for event_id, claim_id in conn.execute(
                    query.where(event_claims_table.c.event_id.in_(chunk))
                ):
                    out.setdefault(event_id, []).append(claim_id)
        return out

    def finding_ids_of_claims(self, claim_ids: Sequence[str]) -> set[str]:
        query = sa.select(finding_claims_table.c.finding_id)
        with self._read() as conn:
            return {
                finding_id
                for chunk in _chunks(claim_ids)
                for finding_id in conn.execute(
                    query.where(finding_claims_table.c.claim_id.in_(chunk))
                ).scalars()
            }

    def claims_with_findings(self, claim_ids: Sequence[str]) -> set[str]:
        """Which of these claims some finding is about."""
        query = sa.select(finding_claims_table.c.claim_id)
        with self._read() as conn:
            return {
                claim_id
                for chunk in _chunks(claim_ids)
                for claim_id in conn.execute(
                    query.where(finding_claims_table.c.claim_id.in_(chunk))
                ).scalars()
            }

    def apply_link_step(self, step: LinkStep) -> None:
        """Commit one step of incremental linking in one transaction: the link marks of
        its articles, their claims' rows in the blocking index, the events it replaced
        and the findings of the claims in its scope. Review decisions are kept."""
        with self._write() as conn:
            article_ids = sorted(step.articles)
            old_claims: set[str] = set()
            for chunk in _chunks(article_ids):
                old_claims.update(
                    conn.execute(
                        sa.select(linked_claims_table.c.claim_id).where(
                            linked_claims_table.c.article_id.in_(chunk)
                        )
                    ).scalars()
                )
                conn.execute(
                    linked_claims_table.delete().where(linked_claims_table.c.article_id.in_(chunk))
                )
                conn.execute(
                    article_links_table.delete().where(article_links_table.c.article_id.in_(chunk))
                )
            if article_ids:
                conn.execute(
                    article_links_table.insert(),
                    [{"article_id": a, "extracted_at": step.articles[a]} for a in article_ids],
                )
            for chunk in _chunks(sorted(old_claims | set(step.claim_articles))):
                conn.execute(claim_blocks_table.delete().where(claim_blocks_table.c.claim_id.in_(chunk)))
            if step.claim_articles:
                conn.execute(
                    linked_claims_table.insert(),
                    [
                        {"claim_id": c, "article_id": a}
                        for c, a in sorted(step.claim_articles.items())
                    ],
                )
            rows = sorted(set(step.block_rows))
            if rows:
                conn.execute(
                    claim_blocks_table.insert(),
                    [{"block_key": b, "place": p, "claim_id": c} for b, p, c in rows],
                )

            new_events = {event.id: event for event in step.events}
            for chunk in _chunks(sorted(step.events_removed | set(new_events))):
                conn.execute(event_claims_table.delete().where(event_claims_table.c.event_id.in_(chunk)))
                conn.execute(events_table.delete().where(events_table.c.id.in_(chunk)))
            stale: set[str] = set()
            for chunk in _chunks(sorted(step.finding_scope)):
                stale.update(
                    conn.execute(
                        sa.select(finding_claims_table.c.finding_id).where(
                            finding_claims_table.c.claim_id.in_(chunk)
                        )
                    ).scalars()
                )
            new_findings = {finding.id: finding for finding in step.findings}
            for chunk in _chunks(sorted(stale | set(new_findings))):
                conn.execute(
                    finding_claims_table.delete().where(finding_claims_table.c.finding_id.in_(chunk))
                )
                conn.execute(findings_table.delete().where(findings_table.c.id.in_(chunk)))
            self._insert_events_and_findings(
                conn, list(new_events.values()), list(new_findings.values())
            )

    # -- runs and rejected inputs ----------------------------------------------------

    def record_run(self, record: RunRecord, finding_ids: Sequence[str] | None = None) -> None:
        """Store a run record (with, when given, the finding IDs the run ended with, for
        the next run's delta) in one transaction."""
        with self._write() as conn:
            conn.execute(
                runs_table.insert().values(
                    id=record.id,
                    started=record.started,
                    finished=record.finished,
                    counts=json.dumps(record.counts, sort_keys=True),
                    timings=json.dumps(record.timings, sort_keys=True),
                )
            )
            if finding_ids is not None:
                conn.execute(
                    run_findings_table.insert().values(
                        run_id=record.id, finding_ids=json.dumps(sorted(set(finding_ids)))
                    )
                )
                # Only the latest runs' sets are ever compared with; older ones would make
                # a store run every few minutes grow without end.
                keep = (
                    sa.select(runs_table.c.id)
                    .order_by(runs_table.c.finished.desc())
                    .limit(KEEP_RUN_FINDINGS)
                )
                conn.execute(
                    run_findings_table.delete().where(run_findings_table.c.run_id.not_in(keep))
                )

    def last_run(self) -> RunRecord | None:
        """The most recently finished run, or None."""
        with self._read() as conn:
            row = conn.execute(
                sa.select(runs_table).order_by(runs_table.c.finished.desc()).limit(1)
            ).one_or_none()
        if row is None:
            return None
        return RunRecord(
            id=row.id,
            started=_utc(row.started),
            finished=_utc(row.finished),
            counts=json.loads(row.counts),
            timings=json.loads(row.timings),
        )

    def run_finding_ids(self, run_id: str) -> set[str] | None:
        """The finding IDs run ``run_id`` ended with; None when that run did not record them."""
        with self._read() as conn:
            data = conn.execute(
                sa.select(run_findings_table.c.finding_ids).where(
                    run_findings_table.c.run_id == run_id
                )
            ).scalar_one_or_none()
        return None if data is None else set(json.loads(data))

    def runs(self) -> list[RunRecord]:
        """Recorded runs, most recent first."""
        with self._read() as conn:
            rows = conn.execute(sa.select(runs_table).order_by(runs_table.c.started.desc()))
            return [
                RunRecord(
                    id=row.id,
                    started=_utc(row.started),
                    finished=_utc(row.finished),
                    counts=json.loads(row.counts),
                    timings=json.loads(row.timings),
                )
                for row in rows
            ]

    def add_rejected(self, rejected: RejectedInput) -> None:
        """Record a rejected input; the same drop, path and reason is kept once (its
        detail and time are refreshed), so re-running a drop does not pile up rows."""
        with self._write() as conn:
            self._add_rejected(conn, rejected)

    @staticmethod
    def _add_rejected(conn: Connection, rejected: RejectedInput) -> None:
        seen_at = rejected.seen_at or _now()
        key = (
            (rejected_table.c.drop == rejected.drop)
            & (rejected_table.c.path == rejected.path)
            & (rejected_table.c.reason == rejected.reason)
        )
        updated = conn.execute(
            rejected_table.update().where(key).values(detail=rejected.detail, seen_at=seen_at)
        )
        if updated.rowcount == 0:
            conn.execute(
                rejected_table.insert().values(
                    drop=rejected.drop,
                    path=rejected.path,
                    reason=rejected.reason,
                    detail=rejected.detail,
                    seen_at=seen_at,
                )
            )

    def replace_rejected(self, drop: str, rejected: Sequence[RejectedInput]) -> None:
        """Make ``rejected`` the rejected inputs of ``drop``: a file fixed since the last
        reading of the drop no longer shows up as rejected."""
        with self._write() as conn:
            conn.execute(rejected_table.delete().where(rejected_table.c.drop == drop))
            for item in rejected:
                self._add_rejected(conn, item.model_copy(update={"drop": drop}))

    def remove_rejected(self, path: str, reason: RejectReason) -> int:
        """Forget rejections of ``path`` for ``reason`` (e.g. an extraction that now works)."""
        with self._write() as conn:
            result = conn.execute(
                rejected_table.delete().where(
                    (rejected_table.c.path == path) & (rejected_table.c.reason == reason)
                )
            )
            return int(result.rowcount)

    def rejected(self) -> list[RejectedInput]:
        with self._read() as conn:
            rows = conn.execute(
                sa.select(rejected_table).order_by(
                    rejected_table.c.drop, rejected_table.c.path, rejected_table.c.reason
                )
            )
            return [
                RejectedInput(
                    path=row.path,
                    reason=row.reason,
                    detail=row.detail,
                    drop=row.drop,
                    seen_at=_utc(row.seen_at),
                )
                for row in rows
            ]

    def counts(self) -> dict[str, int]:
        """How many rows of each kind the store holds."""
        tables = {
            "articles": articles_table,
            "claims": claims_table,
            "events": events_table,
            "findings": findings_table,
            "reviews": reviews_table,
            "rejected": rejected_table,
            "runs": runs_table,
        }
        with self._read() as conn:
            return {
                name: int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
                for name, table in tables.items()
            }
