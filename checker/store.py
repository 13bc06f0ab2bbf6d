"""The store: articles, claims, events, findings, review decisions, runs, rejected inputs.

One class, :class:`Store`, over SQLAlchemy Core. SQLite (a file in the working directory)
is the default; PostgreSQL (``postgresql+psycopg://...``, the ``postgres`` extra) is the
store a desk of editors shares. Every statement goes through Core, not through SQL of one
database; the schema is built and upgraded by the Alembic migrations in
``checker/migrations`` when a database is opened.

Model objects go in and come out; rows are an implementation detail. Each model is kept
whole as JSON next to the few columns that queries filter on, so adding a field to the
model does not need a new column.

Review decisions are an audit trail keyed by finding ID: every decision is a new row
(who, when, status, note), and a finding's review is its latest decision. Findings are
replaced on every run, but a finding's ID is stable (same rule, same fact), so the
decisions re-attach to the finding when the run finds it again. A decision is made by a
registered user (``users``); passwords are kept as argon2 hashes and API tokens as their
SHA-256, never in clear.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import secrets
import threading
import time
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

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
    Review,
    ReviewStatus,
)

if TYPE_CHECKING:
    from argon2 import PasswordHasher

DEFAULT_DB = "claimcheck.db"
REVIEW_STATUSES: tuple[ReviewStatus, ...] = get_args(ReviewStatus)
# The newest migration in checker/migrations/versions (a test keeps the two in step). A
# database at this revision and at SCHEMA_VERSION opens without loading Alembic.
SCHEMA_REVISION = "0003_review_history"
USER_NAME_MAX = 64
WAL_SWITCH_TRIES = 600  # 30 s, as long as the busy timeout
# Serialises schema upgrades of one PostgreSQL database (pg_advisory_xact_lock key).
_MIGRATION_LOCK = 0x636C61696D636B
# Alembic's `op` and `context` are module-wide: two migrations in one process (of two
# databases) must not run at the same time.
_migrating = threading.Lock()
SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
CERTAINTY_RANK = {"hard": 0, "soft": 1}

AddStatus = Literal["added", "known", "updated", "duplicate"]
KEEP_RUN_FINDINGS = 5  # runs whose finding IDs are kept for deltas


class StoreError(RuntimeError):
    """The store cannot do what was asked (unknown ID, incompatible database...)."""


class SchemaVersionError(StoreError):
    """The database was written by a claimcheck with a different data model."""


class StoreMissing(FileNotFoundError):
    """There is no store at the target, and the caller asked not to create one."""

    def __init__(self, target: str) -> None:
        self.target = target
        super().__init__(
            f"no claimcheck database at {target}; "
            f"`claimcheck run DROP --db {target}` creates one"
        )


class UnknownUser(ValueError):
    """A decision or token names nobody registered in the store."""


class UserExists(ValueError):
    """A user of that name is registered already."""


class User(BaseModel):
    """A registered reviewer: the name decisions are recorded under."""

    model_config = ConfigDict(extra="forbid")

    name: str
    display: str | None = None
    created: datetime


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


def _key(length: int) -> sa.types.TypeEngine[str]:
    """A short string compared byte for byte, as SQLite does, on PostgreSQL too (whose
    default collation follows the server's locale): orderings match on both."""
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def _text() -> sa.types.TypeEngine[str]:
    return sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


# The tables as the newest migration leaves them; the migrations, not this metadata,
# create them (a test compares the two).
metadata = sa.MetaData()

meta_table = sa.Table(
    "meta",
    metadata,
    sa.Column("key", _key(64), primary_key=True),
    sa.Column("value", _text(), nullable=False),
)

articles_table = sa.Table(
    "articles",
    metadata,
    sa.Column("id", _key(64), primary_key=True),
    sa.Column("name", _text(), nullable=False, index=True),
    sa.Column("title", _text(), nullable=False, default=""),
    sa.Column("outlet", _text()),
    sa.Column("url", _text()),
    sa.Column("published", sa.Date),
    sa.Column("language", _key(16), nullable=False, default="ar"),
    sa.Column("text", _text(), nullable=False),
    sa.Column("source_path", _text()),
    sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
)

# Which articles went through extraction, and with which extractor. Kept apart from the
# claims because an article can legitimately yield no claim at all.
extractions_table = sa.Table(
    "extractions",
    metadata,
    sa.Column(
        "article_id", _key(64), sa.ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("extractor", _text(), nullable=False, default=""),
    sa.Column("extracted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("claim_count", sa.Integer, nullable=False, default=0),
)

claims_table = sa.Table(
    "claims",
    metadata,
    sa.Column("id", _key(64), primary_key=True),
    sa.Column(
        "article_id", _key(64), sa.ForeignKey("articles.id", ondelete="CASCADE"),
        nullable=False, index=True,
    ),
    sa.Column("event", _key(32), nullable=False, index=True),
    sa.Column("location_key", _text(), index=True),
    sa.Column("evidence_start", sa.Integer, nullable=False),
    sa.Column("json", _text(), nullable=False),
)

events_table = sa.Table(
    "events",
    metadata,
    sa.Column("id", _key(64), primary_key=True),
    sa.Column("label", _text(), nullable=False),
    sa.Column("event", _key(32), nullable=False),
    sa.Column("location_key", _text()),
    sa.Column("json", _text(), nullable=False),
)

event_claims_table = sa.Table(
    "event_claims",
    metadata,
    sa.Column("event_id", _key(64), nullable=False, primary_key=True),
    sa.Column("claim_id", _key(64), nullable=False, primary_key=True, index=True),
)

findings_table = sa.Table(
    "findings",
    metadata,
    sa.Column("id", _key(64), primary_key=True),
    sa.Column("rule", _text(), nullable=False),
    sa.Column("code", _key(8), nullable=False, index=True),
    sa.Column("kind", _key(32), nullable=False, index=True),
    sa.Column("severity", _key(16), nullable=False),
    sa.Column("certainty", _key(16), nullable=False),
    sa.Column("event_id", _key(64)),
    sa.Column("json", _text(), nullable=False),
)

finding_claims_table = sa.Table(
    "finding_claims",
    metadata,
    sa.Column("finding_id", _key(64), nullable=False, primary_key=True),
    sa.Column("claim_id", _key(64), nullable=False, primary_key=True, index=True),
)

users_table = sa.Table(
    "users",
    metadata,
    sa.Column("name", _text(), primary_key=True),
    sa.Column("display", _text()),
    sa.Column("password_hash", _text()),  # argon2; NULL: cannot log in
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
)

# The SHA-256 of each API token: a stolen database does not give the tokens away.
user_tokens_table = sa.Table(
    "user_tokens",
    metadata,
    sa.Column("token_hash", _key(64), primary_key=True),
    sa.Column(
        "user_name", _text(), sa.ForeignKey("users.name", ondelete="CASCADE"),
        nullable=False, index=True,
    ),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
)

# One row per decision, never updated: the audit trail of each finding. Not foreign-keyed
# to findings on purpose: findings are replaced on every run, decisions must outlive that
# and re-attach by the stable finding ID. The latest row (highest id) is the review.
reviews_table = sa.Table(
    "reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("finding_id", _key(64), nullable=False),
    sa.Column("status", _key(16), nullable=False),
    sa.Column("note", _text()),
    sa.Column(
        "by", _text(), sa.ForeignKey("users.name", name="fk_reviews_by_users"), nullable=False
    ),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_reviews_finding_id", "finding_id", "id"),
)

runs_table = sa.Table(
    "runs",
    metadata,
    sa.Column("id", _key(64), primary_key=True),
    sa.Column("started", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished", sa.DateTime(timezone=True), nullable=False),
    sa.Column("counts", _text(), nullable=False),
    sa.Column("timings", _text(), nullable=False),
)

rejected_table = sa.Table(
    "rejected_inputs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("drop", _text(), nullable=False),
    sa.Column("path", _text(), nullable=False),
    sa.Column("reason", _key(32), nullable=False),
    sa.Column("detail", _text(), nullable=False),
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
    sa.Column("article_id", _key(64), primary_key=True),
    sa.Column("extracted_at", sa.DateTime(timezone=True), nullable=False),
)

# The claim IDs each article had when it was linked: a re-extraction that drops a claim
# must take it out of its event and findings.
linked_claims_table = sa.Table(
    "linked_claims",
    metadata,
    sa.Column("claim_id", _key(64), primary_key=True),
    sa.Column("article_id", _key(64), nullable=False, index=True),
)

# The blocking index: one row per linked claim and block key, with the claim's keyed place
# ("" when it has none). A new claim fetches only the stored claims of its blocks that
# could be the same event (see checker/run.py), without reading the rest of the store.
claim_blocks_table = sa.Table(
    "claim_blocks",
    metadata,
    sa.Column("block_key", _text(), nullable=False, primary_key=True),
    sa.Column("place", _text(), nullable=False, primary_key=True),
    sa.Column("claim_id", _key(64), nullable=False, primary_key=True, index=True),
)

# The finding IDs each run ended with, for the next run's delta (new, open, resolved).
run_findings_table = sa.Table(
    "run_findings",
    metadata,
    sa.Column("run_id", _key(64), primary_key=True),
    sa.Column("finding_ids", _text(), nullable=False),
)


_older = reviews_table.alias("older")


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
    """Every time this store writes is UTC. SQLite hands it back naive, PostgreSQL in
    the server's time zone: both come out in UTC."""
    if value is None:
        return None
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _chunks(ids: Sequence[str], size: int = 500) -> Iterator[list[str]]:
    """IDs in slices, to stay under the database's limit on bound parameters."""
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), size):
        yield unique[start : start + size]


def url_for(target: str | Path) -> str:
    """The SQLAlchemy URL of a store target: a URL as it is, a path as an SQLite file."""
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


def _sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL; None for a server or an in-memory database."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _use_wal(cursor: Any) -> None:
    """Put an SQLite file in WAL mode (it stays so). Switching needs the file to itself for
    a moment and SQLite does not wait for that: when another connection is building a new
    database at the same time the switch fails at once, and is tried again shortly."""
    import sqlite3

    for attempt in itertools.count():
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt >= WAL_SWITCH_TRIES:
                raise
            time.sleep(0.05)


@lru_cache(maxsize=1)
def _password_hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to verify against when the user is unknown, so that a wrong name takes as
    long to refuse as a wrong password."""
    return _password_hasher().hash(secrets.token_hex(16))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def migrations_dir() -> Path:
    """The Alembic script folder (shipped inside the package)."""
    return Path(str(resources.files("checker") / "migrations"))


@lru_cache(maxsize=1)
def _migrations() -> tuple[Any, Any]:
    """Alembic's configuration and script folder, read once per process."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config, ScriptDirectory.from_config(config)


@lru_cache(maxsize=64)
def _known_revision(revision: str) -> bool:
    from alembic.script.revision import RevisionError
    from alembic.util import CommandError

    try:
        return _migrations()[1].get_revision(revision) is not None
    except (CommandError, RevisionError):
        return False


def _upgrade(conn: Connection) -> None:
    """Run the migrations up to the newest inside ``conn``'s transaction (what
    ``alembic upgrade head`` does, without reading ``env.py`` again for every store)."""
    from alembic.runtime.environment import EnvironmentContext

    config, script = _migrations()

    def upgrade(revision: Any, _context: Any) -> Any:
        return script._upgrade_revs("head", revision)

    with (
        _migrating,
        EnvironmentContext(config, script, fn=upgrade, destination_rev="head") as env,
    ):
        env.configure(connection=conn)
        with env.begin_transaction():
            env.run_migrations()


def check_user_name(name: str) -> str:
    """``name`` if it can name a user, else ValueError: 1 to 64 characters, no space at
    either end, no control character, no colon (HTTP Basic credentials split on it)."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError("a user name cannot be empty")
    if name != name.strip():
        raise ValueError(f"user name {name!r} starts or ends with a space")
    if len(name) > USER_NAME_MAX:
        raise ValueError(f"a user name has at most {USER_NAME_MAX} characters")
    if ":" in name or any(unicodedata.category(ch)[0] == "C" for ch in name):
        raise ValueError(f"user name {name!r} contains a colon or a control character")
    return name


class Store:
    """All persistent state of claimcheck behind one interface.

    ``target`` is a file path (SQLite) or an SQLAlchemy URL. Opening a database brings it
    to the newest schema (the migrations in ``checker/migrations``); one written by a
    newer claimcheck raises :class:`SchemaVersionError` rather than being misread. With
    ``create=False`` a database that does not exist, or holds no store, raises
    :class:`StoreMissing` instead of being created: for commands that only read.
    """

    def __init__(
        self, target: str | Path = DEFAULT_DB, *, create: bool = True, echo: bool = False
    ) -> None:
        self.url = url_for(target)
        # For messages: a server URL may carry a password.
        self.display_url = sa.engine.make_url(self.url).render_as_string(hide_password=True)
        shown = self.display_url if "://" in str(target) else str(target)
        path = _sqlite_file(self.url)
        # Connecting to SQLite creates the file: look before.
        if not create and path is not None and not path.is_file():
            raise StoreMissing(shown)
        self.engine: Engine = self._make_engine(self.url, echo=echo)
        try:
            self._open_schema(create=create, shown=shown)
        except BaseException:
            self.engine.dispose()
            raise

    # -- lifecycle -------------------------------------------------------------------

    @staticmethod
    def _make_engine(url: str, *, echo: bool) -> Engine:
        if not url.startswith("sqlite"):
            # A shared server outlives connections: test each one before handing it out.
            return sa.create_engine(url, echo=echo, pool_pre_ping=True)
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
                _use_wal(cursor)
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

    def _stored_versions(self, conn: Connection) -> tuple[str | None, int | None, bool]:
        """(Alembic revision, data model version, whether any claimcheck table exists)."""
        tables = set(sa.inspect(conn).get_table_names())
        revision = None
        if "alembic_version" in tables:
            revision = conn.execute(
                sa.text("SELECT version_num FROM alembic_version")
            ).scalar_one_or_none()
        version = None
        if "meta" in tables:
            stored = conn.execute(
                sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")
            ).scalar_one_or_none()
            version = None if stored is None else int(stored)
        return revision, version, bool(tables & ({"alembic_version"} | set(metadata.tables)))

    def _refuse_newer(self, revision: str | None, version: int | None) -> None:
        if version is not None and version > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"database {self.display_url} has schema version {version}, newer "
                f"than this claimcheck understands ({SCHEMA_VERSION}); upgrade "
                "claimcheck or use another --db"
            )
        if revision is not None and revision != SCHEMA_REVISION and not _known_revision(revision):
            raise SchemaVersionError(
                f"database {self.display_url} is at schema revision {revision!r}, newer "
                "than this claimcheck understands; upgrade claimcheck or use another --db"
            )

    def _open_schema(self, *, create: bool, shown: str) -> None:
        """Bring the database to the newest revision, or refuse it."""
        # Up to date: opening for a lookup must not wait for the write lock while a run
        # holds it, nor load Alembic.
        with self._read() as conn:
            revision, version, exists = self._stored_versions(conn)
        self._refuse_newer(revision, version)
        if revision == SCHEMA_REVISION and version == SCHEMA_VERSION:
            return
        if not exists and not create:
            raise StoreMissing(shown)
        with self._write() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_MIGRATION_LOCK)))
            # Another process may have upgraded it while this one waited for the lock.
            revision, version, _ = self._stored_versions(conn)
            self._refuse_newer(revision, version)
            if revision != SCHEMA_REVISION:
                _upgrade(conn)
            version = int(
                conn.execute(
                    sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")
                ).scalar_one()
            )
        if version != SCHEMA_VERSION:
            raise SchemaVersionError(
                f"database {self.display_url} has schema version {version} after its "
                f"migrations, but this claimcheck reads version {SCHEMA_VERSION}: a "
                "migration is missing from checker/migrations"
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

    def add_articles(self, articles: Sequence[Article], *, drop: str = "") -> list[AddStatus]:
        """:meth:`add_article` for each of ``articles``, in order, in one transaction (a
        transaction per article costs more than storing it)."""
        if not articles:
            return []
        with self._write() as conn:
            return [self._add_article(conn, article, drop=drop) for article in articles]

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
        return self.save_articles_with_claims([(article, claims)], extractor=extractor)[0]

    def save_articles_with_claims(
        self, items: Sequence[tuple[Article, Sequence[Claim]]], *, extractor: str = ""
    ) -> list[int]:
        """:meth:`save_article_with_claims` for several articles in one transaction (each
        article whole with its claims and its extraction mark, or none of them); returns
        the claims stored for each."""
        prepared: list[tuple[Article, list[Claim]]] = []
        for article, claims in items:
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
            prepared.append((article, unique))
        if not prepared:
            return []
        # A few statements per batch, not five per article: each statement costs more to
        # build and run than the rows it writes.
        ids = list(dict.fromkeys(article.id for article, _ in prepared))
        now = _now()
        with self._write() as conn:
            known: set[str] = set()
            for chunk in _chunks(ids):
                known.update(
                    conn.execute(
                        sa.select(articles_table.c.id).where(articles_table.c.id.in_(chunk))
                    ).scalars()
                )
            fresh = {a.id: a for a, _ in prepared if a.id not in known}
            if fresh:
                conn.execute(
                    articles_table.insert(), [self._article_row(a) for a in fresh.values()]
                )
            for chunk in _chunks(ids):
                conn.execute(claims_table.delete().where(claims_table.c.article_id.in_(chunk)))
                conn.execute(
                    extractions_table.delete().where(extractions_table.c.article_id.in_(chunk))
                )
            latest = {article.id: unique for article, unique in prepared}  # the last wins
            rows = [self._claim_row(claim) for unique in latest.values() for claim in unique]
            if rows:
                conn.execute(claims_table.insert(), rows)
            conn.execute(
                extractions_table.insert(),
                [
                    {"article_id": article_id, "extractor": extractor, "extracted_at": now,
                     "claim_count": len(unique)}
                    for article_id, unique in latest.items()
                ],
            )
        return [len(unique) for _, unique in prepared]

    def articles_to_extract(self, extractor: str | None) -> list[str]:
        """IDs of the stored articles not extracted by ``extractor`` (None: every
        article), in ID order, found by the database."""
        query = sa.select(articles_table.c.id)
        if extractor is not None:
            done = sa.select(extractions_table.c.article_id).where(
                extractions_table.c.extractor == extractor
            )
            query = query.where(articles_table.c.id.not_in(done))
        with self._read() as conn:
            return list(conn.execute(query.order_by(articles_table.c.id)).scalars())

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
        """Findings with their latest decision (found through the finding ID and ID index
        of ``reviews``, one lookup per finding)."""
        latest = (
            sa.select(sa.func.max(_older.c.id))
            .where(_older.c.finding_id == findings_table.c.id)
            .scalar_subquery()
        )
        status = sa.func.coalesce(reviews_table.c.status, "open").label("status")
        return sa.select(
            findings_table.c.json,
            status,
            reviews_table.c.note,
            reviews_table.c.by,
            reviews_table.c.at,
        ).select_from(
            findings_table.outerjoin(
                reviews_table,
                (reviews_table.c.finding_id == findings_table.c.id)
                & (reviews_table.c.id == latest),
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

    def add_review(
        self,
        finding_id: str,
        status: ReviewStatus,
        *,
        note: str | None = None,
        by: str,
    ) -> Finding:
        """Record one decision on a finding, made by the registered user ``by`` now (UTC).

        The decision is a new row of the finding's history: an earlier decision is never
        overwritten, and two reviewers deciding at the same moment both stay on record.
        Returns the finding, whose review is now its latest decision. Raises ValueError
        for an unknown status, :class:`UnknownUser` for a name nobody registered and
        :class:`StoreError` for an unknown finding.
        """
        if status not in REVIEW_STATUSES:
            raise ValueError(f"review status must be one of {', '.join(REVIEW_STATUSES)}")
        if not by:
            raise UnknownUser(
                "a decision needs the name of the registered user who made it "
                "(by=NAME; `claimcheck users add NAME` registers one)"
            )
        with self._write() as conn:
            known = conn.execute(
                sa.select(findings_table.c.id).where(findings_table.c.id == finding_id)
            ).first()
            if known is None:
                raise StoreError(f"no finding with ID {finding_id!r}")
            if self._user_row(conn, by) is None:
                raise UnknownUser(
                    f"no user named {by!r} in {self.display_url}; "
                    f"`claimcheck users add {by}` registers one"
                )
            conn.execute(
                reviews_table.insert().values(
                    finding_id=finding_id, status=status, note=note, by=by, at=_now()
                )
            )
        finding = self.get_finding(finding_id)
        assert finding is not None
        return finding

    def set_review(
        self,
        finding_id: str,
        status: ReviewStatus,
        note: str | None = None,
        by: str | None = None,
    ) -> Finding:
        """:meth:`add_review` under its former name; ``by`` is required all the same."""
        return self.add_review(finding_id, status, note=note, by=by or "")

    def reviews(self, finding_id: str) -> list[Review]:
        """Every decision on a finding, oldest first (empty for one never reviewed). Kept
        while the finding is gone from the latest run too."""
        query = (
            sa.select(reviews_table)
            .where(reviews_table.c.finding_id == finding_id)
            .order_by(reviews_table.c.id)
        )
        with self._read() as conn:
            return [
                Review(
                    finding_id=row.finding_id,
                    status=row.status,
                    note=row.note,
                    by=row.by,
                    at=_utc(row.at),
                )
                for row in conn.execute(query)
            ]

    # -- users -----------------------------------------------------------------------

    @staticmethod
    def _user_row(conn: Connection, name: str) -> sa.Row[Any] | None:
        return conn.execute(
            sa.select(users_table).where(users_table.c.name == name)
        ).one_or_none()

    @staticmethod
    def _user_from_row(row: sa.Row[Any]) -> User:
        return User(name=row.name, display=row.display, created=_utc(row.created))

    def add_user(
        self, name: str, *, display: str | None = None, password: str | None = None
    ) -> User:
        """Register a reviewer. ``password`` (optional: needed only to log in to the web
        pages) is kept as an argon2 hash. Raises ValueError for a name that cannot be
        used and :class:`UserExists` for one that is taken."""
        check_user_name(name)
        display = display.strip() if display and display.strip() else None
        if password is not None and not password:
            raise ValueError("a password cannot be empty")
        password_hash = None if password is None else _password_hasher().hash(password)
        with self._write() as conn:
            if self._user_row(conn, name) is not None:
                raise UserExists(f"a user named {name!r} exists already")
            try:
                conn.execute(
                    users_table.insert().values(
                        name=name, display=display, password_hash=password_hash,
                        created=_now(),
                    )
                )
            except sa.exc.IntegrityError as exc:  # registered meanwhile by another process
                raise UserExists(f"a user named {name!r} exists already") from exc
            row = self._user_row(conn, name)
        assert row is not None
        return self._user_from_row(row)

    def set_password(self, name: str, password: str) -> User:
        """Give a registered user a new password (kept as an argon2 hash)."""
        if not password:
            raise ValueError("a password cannot be empty")
        password_hash = _password_hasher().hash(password)
        with self._write() as conn:
            updated = conn.execute(
                users_table.update()
                .where(users_table.c.name == name)
                .values(password_hash=password_hash)
            )
            if updated.rowcount == 0:
                raise UnknownUser(f"no user named {name!r} in {self.display_url}")
            row = self._user_row(conn, name)
        assert row is not None
        return self._user_from_row(row)

    def users(self) -> list[User]:
        """Registered users, by name."""
        with self._read() as conn:
            rows = conn.execute(sa.select(users_table).order_by(users_table.c.name))
            return [self._user_from_row(row) for row in rows]

    def get_user(self, name: str) -> User | None:
        with self._read() as conn:
            row = self._user_row(conn, name)
        return None if row is None else self._user_from_row(row)

    def check_password(self, name: str, password: str) -> User | None:
        """The user when ``password`` is theirs; None for a wrong password, an unknown
        name or a user without a password (each refused in about the same time)."""
        from argon2.exceptions import InvalidHashError, VerificationError

        with self._read() as conn:
            row = self._user_row(conn, name)
        stored = None if row is None else row.password_hash
        hasher = _password_hasher()
        try:
            hasher.verify(stored or _dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None or stored is None:
            return None
        if hasher.check_needs_rehash(stored):  # hashed with weaker parameters than today's
            with self._write() as conn:
                conn.execute(
                    users_table.update()
                    .where(users_table.c.name == name, users_table.c.password_hash == stored)
                    .values(password_hash=hasher.hash(password))
                )
        return self._user_from_row(row)

    def new_token(self, name: str) -> str:
        """A new API token for user ``name``. It is returned this once: the store keeps
        only its SHA-256."""
        token = secrets.token_urlsafe(32)
        with self._write() as conn:
            if self._user_row(conn, name) is None:
                raise UnknownUser(
                    f"no user named {name!r} in {self.display_url}; "
                    f"`claimcheck users add {name}` registers one"
                )
            conn.execute(
                user_tokens_table.insert().values(
                    token_hash=_token_hash(token), user_name=name, created=_now()
                )
            )
        return token

    def user_for_token(self, token: str) -> User | None:
        """The user an API token was made for, or None."""
        if not token:
            return None
        query = (
            sa.select(users_table)
            .select_from(
                users_table.join(
                    user_tokens_table, user_tokens_table.c.user_name == users_table.c.name
                )
            )
            .where(user_tokens_table.c.token_hash == _token_hash(token))
        )
        with self._read() as conn:
            row = conn.execute(query).one_or_none()
        return None if row is None else self._user_from_row(row)

    def revoke_tokens(self, name: str) -> int:
        """Revoke every API token of user ``name``: each stops working at once (the next
        request that carries it is refused). Returns how many there were; ``new_token``
        issues new ones afterwards. Raises :class:`UnknownUser` for a name nobody
        registered."""
        with self._write() as conn:
            if self._user_row(conn, name) is None:
                raise UnknownUser(
                    f"no user named {name!r} in {self.display_url}; "
                    f"`claimcheck users add {name}` registers one"
                )
            deleted = conn.execute(
                user_tokens_table.delete().where(user_tokens_table.c.user_name == name)
            )
        return int(deleted.rowcount or 0)

    def remove_password(self, name: str) -> bool:
        """Remove the password of user ``name``: they can no longer sign in to the web
        pages, and every session signed in with the old password ends (its
        :meth:`session_stamp` is gone). Returns whether there was a password;
        ``set_password`` gives a new one. Raises :class:`UnknownUser` for a name nobody
        registered."""
        with self._write() as conn:
            row = self._user_row(conn, name)
            if row is None:
                raise UnknownUser(
                    f"no user named {name!r} in {self.display_url}; "
                    f"`claimcheck users add {name}` registers one"
                )
            had = row.password_hash is not None
            conn.execute(
                users_table.update().where(users_table.c.name == name).values(password_hash=None)
            )
        return had

    def session_stamp(self, name: str) -> str | None:
        """What a signed-in web session of user ``name`` keeps to stay valid: a digest of
        the user's current password hash (not the hash itself). It changes when the
        password is changed or removed, which ends every session signed in before; None
        for an unknown user or one without a password (nobody can be signed in as them)."""
        with self._read() as conn:
            row = self._user_row(conn, name)
        if row is None or row.password_hash is None:
            return None
        digest = hashlib.sha256(b"claimcheck-session\0" + row.password_hash.encode("utf-8"))
        return digest.hexdigest()[:32]

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

    def claim_places_of_articles(
        self, article_ids: Sequence[str]
    ) -> dict[str, list[tuple[str, str | None]]]:
        """(event type, place key) of each current claim of these articles, by article,
        read from the claims' columns without parsing them."""
        c = claims_table.c
        query = sa.select(c.article_id, c.event, c.location_key)
        found: dict[str, list[tuple[str, str | None]]] = {}
        with self._read() as conn:
            for chunk in _chunks(article_ids):
                for row in conn.execute(query.where(c.article_id.in_(chunk))):
                    found.setdefault(row.article_id, []).append((row.event, row.location_key))
        return found

    def claim_location_keys(self, claim_ids: Sequence[str]) -> dict[str, str | None]:
        """The gazetteer place key of each of these claims (None: no keyed place), read
        from the claims' column without parsing them."""
        c = claims_table.c
        query = sa.select(c.id, c.location_key)
        with self._read() as conn:
            return {
                claim_id: key
                for chunk in _chunks(claim_ids)
                for claim_id, key in conn.execute(query.where(c.id.in_(chunk)))
            }

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
