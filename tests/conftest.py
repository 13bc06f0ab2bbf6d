"""Shared fixtures: a temporary store (on SQLite and on PostgreSQL), the fixture drops,
and a claim factory.

The PostgreSQL variants run when ``CLAIMCHECK_TEST_POSTGRES_URL`` names a server whose
role may create databases (``bash .ci/run`` starts one and sets it), for example
``postgresql+psycopg://claimcheck:claimcheck@127.0.0.1:5432/postgres``; each test gets a
database of its own, dropped afterwards. Without it they are skipped, with the reason;
with ``CLAIMCHECK_TEST_POSTGRES_REQUIRED`` set too (as in CI) a server that cannot be
reached fails them instead.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from checker.store import Store
from claims.model import Article, Claim, Span

REPO_ROOT = Path(__file__).resolve().parents[1]
DROPS = Path(__file__).resolve().parent / "data" / "drops"


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def drops_dir() -> Path:
    """Committed fixture drops (tests/data/drops)."""
    return DROPS


POSTGRES_URL_ENV = "CLAIMCHECK_TEST_POSTGRES_URL"
POSTGRES_REQUIRED_ENV = "CLAIMCHECK_TEST_POSTGRES_REQUIRED"
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The URL of a reachable PostgreSQL server (from ``CLAIMCHECK_TEST_POSTGRES_URL``);
    skips the test, saying why, when there is none."""
    url = os.environ.get(POSTGRES_URL_ENV, "").strip()
    required = bool(os.environ.get(POSTGRES_REQUIRED_ENV))
    if not url:
        if required:
            pytest.fail(f"{POSTGRES_REQUIRED_ENV} is set but {POSTGRES_URL_ENV} is not")
        pytest.skip(f"no PostgreSQL server: set {POSTGRES_URL_ENV} (bash .ci/run does)")
    shown = sa.engine.make_url(url).render_as_string(hide_password=True)
    try:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # no driver, no server, wrong password: all mean "skip"
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        (pytest.fail if required else pytest.skip)(
            f"PostgreSQL at {shown} not reachable: {reason}"
        )
    return url


@contextmanager
def fresh_postgres_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server, dropped (with its connections) afterwards."""
    name = f"claimcheck_test_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield sa.engine.make_url(server_url).set(database=name).render_as_string(
                hide_password=False
            )
        finally:
            _drop_database(admin, name)
    finally:
        admin.dispose()


def _drop_database(admin: sa.Engine, name: str, attempts: int = 40) -> None:
    """Drop a test database with its connections. An autovacuum worker on it belongs to
    the server, not to the test role, and cannot be terminated by it: wait for it to end
    (a few seconds at most on a database this small)."""
    for attempt in range(attempts):
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except sa.exc.ProgrammingError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.25)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database for this test."""
    with fresh_postgres_database(postgres_server) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a fresh store goes: an SQLite file in a temporary folder, then a new
    PostgreSQL database (each test runs once per backend)."""
    if request.param == "postgresql":
        url: str = request.getfixturevalue("postgres_url")
        return url
    return str(tmp_path / "claimcheck-test.db")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A fresh store, on SQLite and on PostgreSQL."""
    db = Store(db_url)
    yield db
    db.close()


MakeClaim = Callable[..., Claim]


def _make_claim(article: Article, quote: str, **fields: Any) -> Claim:
    """A valid claim whose evidence is the first occurrence of ``quote`` in the article."""
    start = article.text.index(quote)
    end = start + len(quote)
    fields.setdefault("event", "other")
    return Claim(
        article_id=article.id,
        sentence=Span(start=start, end=end, text=quote),
        evidence=Span(start=start, end=end, text=quote),
        quote=quote,
        **fields,
    )


@pytest.fixture
def make_claim() -> MakeClaim:
    return _make_claim
