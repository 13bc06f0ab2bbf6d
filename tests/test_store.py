"""The store: round-trips, one transaction per article, review decisions that survive
and keep their history, users, and the migrations that build and upgrade a database.

Tests taking the ``store`` or ``db_url`` fixture run on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from checker.ingest import RejectedInput
from checker.store import (
    SCHEMA_REVISION,
    RunRecord,
    SchemaVersionError,
    Store,
    StoreError,
    StoreMissing,
    UnknownUser,
    UserExists,
    metadata,
    migrations_dir,
    url_for,
)
from claims.model import (
    SCHEMA_VERSION,
    Article,
    Claim,
    ComparedValue,
    Entity,
    EventCluster,
    Finding,
    FindingSide,
    Quantity,
    Span,
    TimeValue,
)

MakeClaim = Callable[..., Claim]

TEXT = (
    "فيضانات تغمر الوادي\n\n"
    "غمرت السيول قرى الوادي يوم الأربعاء 3 أبريل 2024، وقال الدفاع المدني إن 35 شخصا لقوا حتفهم.\n"
    "وفي بيان لاحق، قالت وزارة الصحة إن عدد الضحايا بلغ 41 شخصا.\n"
)


def article(text: str = TEXT, name: str = "flood.txt", **meta: object) -> Article:
    return Article.from_text(name, text, **meta)  # type: ignore[arg-type]


def finding(
    claim_ids: list[str],
    *,
    rule: str = "count_conflict.v1",
    severity: str = "high",
    kind: str = "count",
    code: str = "C003",
) -> Finding:
    return Finding(
        rule=rule,
        code=code,
        kind=kind,
        severity=severity,
        certainty="hard",  # type: ignore[arg-type]
        claim_ids=claim_ids,
        fact=f"casualties|people|killed|at:{'+'.join(sorted(claim_ids))}",
        sides=[
            FindingSide(
                value="35 people",
                claim_ids=[claim_id],
                quotes=[ComparedValue(claim_id=claim_id, field="quantity", value="35 people")],
            )
            for claim_id in claim_ids
        ],
        explanation_en="The death tolls do not overlap.",
        explanation_ar="حصيلتا القتلى لا تتداخلان.",
    )


def test_schema_version_is_recorded(store: Store) -> None:
    assert store.schema_version() == SCHEMA_VERSION


def _execute(db_url: str, *statements: str, **params: object) -> None:
    """Run SQL on a store's database behind the store's back."""
    engine = sa.create_engine(url_for(db_url))
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(sa.text(statement), params)
    engine.dispose()


def test_newer_schema_is_refused_with_a_clear_message(db_url: str) -> None:
    Store(db_url).close()
    _execute(
        db_url, "UPDATE meta SET value = :v WHERE key = 'schema_version'",
        v=str(SCHEMA_VERSION + 1),
    )
    with pytest.raises(SchemaVersionError, match="newer than this claimcheck"):
        Store(db_url)


def test_a_newer_migration_is_refused_with_a_clear_message(db_url: str) -> None:
    Store(db_url).close()
    _execute(db_url, "UPDATE alembic_version SET version_num = '9999_future'")
    with pytest.raises(SchemaVersionError, match="revision '9999_future', newer"):
        Store(db_url, create=False)


def test_sqlite_uses_wal_and_a_busy_timeout(tmp_path: Path) -> None:
    with Store(tmp_path / "wal.db") as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert int(conn.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0) > 0


def test_a_second_writer_waits_for_the_first(tmp_path: Path) -> None:
    """Two processes (here: two stores) writing one SQLite file: the second waits for the
    first transaction instead of failing with "database is locked"."""
    import threading

    db = tmp_path / "shared.db"
    first, second = Store(db), Store(db)
    holding = threading.Event()
    release = threading.Event()

    def hold_write_lock() -> None:
        with first._write() as conn:
            conn.execute(sa.text("UPDATE meta SET value = value"))
            holding.set()
            release.wait(5)

    thread = threading.Thread(target=hold_write_lock)
    thread.start()
    assert holding.wait(5)
    threading.Timer(0.3, release.set).start()
    assert second.add_article(article()) == "added"  # blocks until the first commits
    thread.join()
    assert first.counts()["articles"] == 1
    first.close()
    second.close()


def test_in_memory_store_works() -> None:
    with Store(":memory:") as db:
        assert db.add_article(article()) == "added"
        assert db.get_article(article().id) is not None


def test_article_round_trip(store: Store) -> None:
    a = article(
        outlet="وكالة",
        url="https://x.example/1",
        published=date(2024, 4, 4),
        source_path="drop/flood.txt",
        title="فيضانات تغمر الوادي",
    )
    assert store.add_article(a) == "added"
    assert store.get_article(a.id) == a
    assert store.articles() == [a]
    assert store.article_by_name("flood.txt") == a
    (info,) = store.article_infos()
    assert info.published == date(2024, 4, 4) and not info.extracted and info.claim_count == 0


def test_same_content_is_stored_once_and_a_second_name_is_a_duplicate(store: Store) -> None:
    first = article(name="a.txt")
    assert store.add_article(first) == "added"
    assert store.add_article(first) == "known"
    assert store.add_article(article(name="b.txt"), drop="drop2") == "duplicate"
    assert store.counts()["articles"] == 1
    assert store.get_article(first.id).name == "a.txt"  # type: ignore[union-attr]
    (rejected,) = store.rejected()
    assert (rejected.path, rejected.reason, rejected.drop) == ("b.txt", "duplicate", "drop2")
    assert "'a.txt'" in rejected.detail


def test_new_metadata_for_known_article_updates_and_requests_reextraction(store: Store) -> None:
    a = article()
    store.save_article_with_claims(a, [], extractor="x")
    assert a.id in store.extracted_article_ids()
    assert store.add_article(article(outlet="جريدة جديدة")) == "updated"
    assert store.get_article(a.id).outlet == "جريدة جديدة"  # type: ignore[union-attr]
    assert a.id not in store.extracted_article_ids()


def test_claims_round_trip(store: Store, make_claim: MakeClaim) -> None:
    a = article()
    c1 = make_claim(
        a,
        "35 شخصا لقوا حتفهم",
        event="casualties",
        quantity=Quantity(value=35, low=35, high=35, unit="people"),
        time=TimeValue(
            value="2024-04-03",
            granularity="day",
            earliest=date(2024, 4, 3),
            latest=date(2024, 4, 3),
            relation="on",
            resolved=True,
        ),
        location=Entity(kind="place", key="wadi", label="Wadi", surface="الوادي"),
    )
    c2 = make_claim(
        a, "عدد الضحايا بلغ 41 شخصا", event="casualties", quantity=Quantity(value=41, unit="people")
    )
    assert store.save_article_with_claims(a, [c1, c2, c1], extractor="v1") == 2
    assert store.get_claim(c1.id) == c1
    assert store.claims() == [c1, c2]  # ordered by position in the article
    assert store.claims(article_id=a.id) == [c1, c2]
    assert store.claims(ids=[c2.id]) == [c2]
    assert store.claims(article_id="a_0000000000000000") == []
    assert store.get_claim("c_0000000000000000") is None
    assert store.has_claims(a.id)
    assert store.extracted_article_ids() == {a.id}
    assert store.extracted_article_ids("v1") == {a.id}
    assert store.extracted_article_ids("v2") == set()


def test_article_without_claims_counts_as_extracted(store: Store) -> None:
    a = article()
    store.save_article_with_claims(a, [])
    assert not store.has_claims(a.id)
    assert store.extracted_article_ids() == {a.id}


def test_reextraction_replaces_claims(store: Store, make_claim: MakeClaim) -> None:
    a = article()
    old = make_claim(a, "35 شخصا")
    new = make_claim(a, "41 شخصا")
    store.save_article_with_claims(a, [old])
    store.save_article_with_claims(a, [new])
    assert store.claims() == [new]


def test_claims_of_another_article_are_refused(store: Store, make_claim: MakeClaim) -> None:
    a, b = article(), article(TEXT + "\nإضافة\n", name="b.txt")
    with pytest.raises(ValueError, match="do not belong"):
        store.save_article_with_claims(a, [make_claim(b, "41 شخصا")])
    assert store.counts()["articles"] == 0


def test_failure_while_saving_leaves_nothing_of_that_article(
    store: Store, make_claim: MakeClaim, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One transaction per article: an error after the article row and the first claim
    were written must roll all of it back."""
    a = article()
    claims = [make_claim(a, "35 شخصا"), make_claim(a, "41 شخصا")]
    real = Store._claim_row
    calls = {"n": 0}

    def failing(claim):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk on fire")
        return real(claim)

    monkeypatch.setattr(Store, "_claim_row", staticmethod(failing))
    with pytest.raises(RuntimeError, match="disk on fire"):
        store.save_article_with_claims(a, claims)
    assert calls["n"] == 2
    assert store.get_article(a.id) is None
    assert store.claims() == []
    assert store.extracted_article_ids() == set()
    monkeypatch.undo()
    store.save_article_with_claims(a, claims)
    assert len(store.claims()) == 2


def _stored_pair(store: Store, make_claim: MakeClaim) -> tuple[str, str]:
    a = article()
    c1, c2 = make_claim(a, "35 شخصا"), make_claim(a, "41 شخصا")
    store.save_article_with_claims(a, [c1, c2])
    return c1.id, c2.id


def test_events_and_findings_replace_and_reviews_survive(
    store: Store, make_claim: MakeClaim
) -> None:
    c1, c2 = _stored_pair(store, make_claim)
    event = EventCluster(
        id=EventCluster.compute_id([c1, c2]),
        label="Flood deaths",
        event="casualties",
        claim_ids=[c1, c2],
    )
    f = finding([c1, c2])
    store.replace_events_and_findings([event], [f])
    assert store.events() == [event]
    assert store.event_of_claim(c1) == event
    assert store.findings() == [f]

    store.add_user("editor1")
    reviewed = store.add_review(f.id, "confirmed", note="الحصيلة الرسمية متضاربة", by="editor1")
    assert reviewed.review_status == "confirmed"
    assert reviewed.reviewed_at is not None and reviewed.reviewed_at.tzinfo is not None

    # The next run finds the same finding again (same rule, same claims, other order),
    # plus a new one; the decision re-attaches by ID.
    again = finding([c2, c1])
    other = finding(
        [c1], rule="weekday_mismatch.v1", code="C002", kind="weekday", severity="medium"
    )
    assert again.id == f.id
    store.replace_events_and_findings([event], [other, again])
    kept = store.get_finding(f.id)
    assert kept is not None
    assert (kept.review_status, kept.review_note, kept.reviewed_by) == (
        "confirmed",
        "الحصيلة الرسمية متضاربة",
        "editor1",
    )
    assert store.get_finding(other.id).review_status == "open"  # type: ignore[union-attr]
    assert [x.id for x in store.findings(status="confirmed")] == [f.id]
    assert [x.id for x in store.findings(status="open")] == [other.id]
    assert [x.id for x in store.findings(kind="weekday")] == [other.id]
    assert {x.id for x in store.findings(claim_id=c2)} == {f.id}

    # A run without the finding, then one with it again: the decision is still there.
    store.replace_events_and_findings([], [other])
    assert store.get_finding(f.id) is None
    store.replace_events_and_findings([], [again])
    assert store.get_finding(f.id).review_status == "confirmed"  # type: ignore[union-attr]


def test_findings_are_ordered_by_severity(store: Store, make_claim: MakeClaim) -> None:
    c1, c2 = _stored_pair(store, make_claim)
    low = finding([c1], rule="a.v1", severity="low")
    high = finding([c2], rule="b.v1", severity="high")
    medium = finding([c1, c2], rule="c.v1", severity="medium")
    store.replace_events_and_findings([], [low, medium, high])
    assert [f.severity for f in store.findings()] == ["high", "medium", "low"]


def test_review_errors(store: Store, make_claim: MakeClaim) -> None:
    c1, _ = _stored_pair(store, make_claim)
    store.add_user("ed")
    with pytest.raises(StoreError, match="no finding"):
        store.add_review("f_0000000000000000", "confirmed", by="ed")
    f = finding([c1])
    store.replace_events_and_findings([], [f])
    with pytest.raises(ValueError, match="review status"):
        store.add_review(f.id, "maybe", by="ed")  # type: ignore[arg-type]
    with pytest.raises(UnknownUser, match="no user named 'nobody'.*users add nobody"):
        store.add_review(f.id, "confirmed", by="nobody")
    # The former name stays, and a decision without a reviewer is refused there too.
    with pytest.raises(UnknownUser, match="by=NAME"):
        store.set_review(f.id, "confirmed")
    assert store.reviews(f.id) == []
    assert store.set_review(f.id, "dismissed", by="ed").review_status == "dismissed"


def test_every_decision_is_kept_and_the_latest_is_the_review(
    store: Store, make_claim: MakeClaim
) -> None:
    """Decisions are an audit trail: a second decision does not overwrite the first."""
    c1, c2 = _stored_pair(store, make_claim)
    f = finding([c1, c2])
    store.replace_events_and_findings([], [f])
    store.add_user("رنا", display="رنا سالم")
    store.add_user("hoda")
    first = store.add_review(f.id, "needs_info", note="نطلب البيان الأصلي", by="رنا")
    assert (first.review_status, first.reviewed_by) == ("needs_info", "رنا")
    second = store.add_review(f.id, "confirmed", by="hoda")
    assert (second.review_status, second.review_note, second.reviewed_by) == (
        "confirmed", None, "hoda"
    )

    history = store.reviews(f.id)
    assert [(r.status, r.note, r.by) for r in history] == [
        ("needs_info", "نطلب البيان الأصلي", "رنا"),
        ("confirmed", None, "hoda"),
    ]
    assert all(r.finding_id == f.id and r.at.tzinfo is not None for r in history)
    assert history[0].at <= history[1].at
    assert store.get_finding(f.id).reviewed_at == history[1].at  # type: ignore[union-attr]
    assert [x.id for x in store.findings(status="confirmed")] == [f.id]
    assert store.findings(status="needs_info") == []
    assert store.counts()["reviews"] == 2

    # The history outlives a run without the finding, and stays readable meanwhile.
    store.replace_events_and_findings([], [])
    assert len(store.reviews(f.id)) == 2
    store.replace_events_and_findings([], [f])
    assert store.get_finding(f.id).review_status == "confirmed"  # type: ignore[union-attr]
    assert store.reviews("f_0000000000000000") == []


# -- users --------------------------------------------------------------------------------------


def test_users_are_registered_once_with_a_hashed_password(store: Store) -> None:
    hoda = store.add_user("hoda", display="  هدى  ", password="s3cret words")
    assert (hoda.name, hoda.display) == ("hoda", "هدى")
    assert hoda.created.tzinfo is not None
    store.add_user("رنا")
    assert [u.name for u in store.users()] == ["hoda", "رنا"]
    assert store.get_user("رنا") is not None and store.get_user("nobody") is None
    with pytest.raises(UserExists, match="exists already"):
        store.add_user("hoda")
    with store.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT password_hash FROM users WHERE name = 'hoda'"))
        password_hash = stored.scalar_one()
    assert password_hash.startswith("$argon2") and "s3cret" not in password_hash

    assert store.check_password("hoda", "s3cret words") == hoda
    assert store.check_password("hoda", "s3cret word") is None
    assert store.check_password("nobody", "s3cret words") is None
    assert store.check_password("رنا", "") is None  # registered without a password
    store.set_password("رنا", "كلمة سر")
    assert store.check_password("رنا", "كلمة سر") is not None
    with pytest.raises(UnknownUser):
        store.set_password("nobody", "x")


@pytest.mark.parametrize(
    "name", ["", "  ", " hoda", "hoda ", "a:b", "tab\there", "x" * 65]
)
def test_unusable_user_names_are_refused(store: Store, name: str) -> None:
    with pytest.raises(ValueError, match="user name"):
        store.add_user(name)
    assert store.users() == []


def test_tokens_are_given_once_and_stored_as_a_hash(store: Store) -> None:
    store.add_user("hoda")
    token = store.new_token("hoda")
    other = store.new_token("hoda")
    assert token != other and len(token) >= 32
    assert store.user_for_token(token).name == "hoda"  # type: ignore[union-attr]
    assert store.user_for_token(other).name == "hoda"  # type: ignore[union-attr]
    assert store.user_for_token(token + "x") is None
    assert store.user_for_token("") is None
    with store.engine.connect() as conn:
        hashes = set(conn.execute(sa.text("SELECT token_hash FROM user_tokens")).scalars())
    assert hashes == {hashlib.sha256(t.encode()).hexdigest() for t in (token, other)}
    with pytest.raises(UnknownUser):
        store.new_token("nobody")


# -- opening without creating -------------------------------------------------------------------


def test_a_missing_file_is_not_created_when_asked_not_to(tmp_path: Path) -> None:
    db = tmp_path / "typo.db"
    with pytest.raises(StoreMissing) as raised:
        Store(db, create=False)
    assert isinstance(raised.value, FileNotFoundError)
    assert str(db) in str(raised.value)
    assert f"claimcheck run DROP --db {db}" in str(raised.value)
    assert not db.exists() and list(tmp_path.iterdir()) == []
    Store(db).close()
    with Store(db, create=False) as store:
        assert store.schema_version() == SCHEMA_VERSION


def test_an_empty_database_is_no_store_when_asked_not_to_create(db_url: str) -> None:
    """An existing but empty SQLite file, or an empty PostgreSQL database: opening it to
    read must not turn it into a store."""
    if "://" not in db_url:
        Path(db_url).touch()
    with pytest.raises(StoreMissing, match="claimcheck run DROP --db"):
        Store(db_url, create=False)
    engine = sa.create_engine(db_url if "://" in db_url else f"sqlite:///{db_url}")
    assert sa.inspect(engine).get_table_names() == []
    engine.dispose()


def test_rejected_inputs_are_kept_once_per_drop_path_reason(store: Store) -> None:
    item = RejectedInput(path="x.bin", reason="binary", detail="binary data", drop="d")
    store.add_rejected(item)
    store.add_rejected(item)
    store.add_rejected(item.model_copy(update={"drop": "other"}))
    rows = store.rejected()
    assert len(rows) == 2 and all(r.seen_at is not None for r in rows)
    assert store.remove_rejected("x.bin", "binary") == 2
    assert store.rejected() == []


def test_runs_round_trip(store: Store) -> None:
    from datetime import UTC, datetime

    record = RunRecord(
        id="r_1",
        started=datetime(2024, 1, 1, tzinfo=UTC),
        finished=datetime(2024, 1, 1, 0, 1, tzinfo=UTC),
        counts={"articles_read": 3},
        timings={"ingest": 0.5},
    )
    store.record_run(record)
    assert store.runs() == [record]


def test_store_reopens_existing_file(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    with Store(db) as first:
        first.add_article(article())
    with Store(str(db)) as again:
        assert again.counts()["articles"] == 1
    with Store(f"sqlite:///{db}") as by_url:
        assert by_url.counts()["articles"] == 1


def test_many_ids_are_fetched_in_slices(store: Store) -> None:
    """More IDs than SQLite's default limit on bound parameters (999)."""
    text = " ".join(f"w{i}" for i in range(1200))
    a = article(text, name="long.txt")
    claims = []
    for match in re.finditer(r"w\d+", text):
        span = Span(start=match.start(), end=match.end(), text=match.group())
        claims.append(
            Claim(article_id=a.id, sentence=span, evidence=span, quote=match.group(), event="other")
        )
    store.save_article_with_claims(a, claims)
    ids = [c.id for c in reversed(claims)]
    assert [c.id for c in store.claims(ids=ids)] == [c.id for c in claims]
    assert len(store.articles(ids=[a.id] * 1500)) == 1


def test_span_offsets_survive(store: Store, make_claim: MakeClaim) -> None:
    a = article()
    c = make_claim(a, "41 شخصا")
    store.save_article_with_claims(a, [c])
    stored = store.get_claim(c.id)
    assert stored is not None
    assert a.text[stored.evidence.start : stored.evidence.end] == "41 شخصا"
    assert stored.evidence == Span(start=c.evidence.start, end=c.evidence.end, text="41 شخصا")


# -- migrations ---------------------------------------------------------------------------------

LINK_STATE = ("article_links", "linked_claims", "claim_blocks", "run_findings")


def _alembic(db_url: str, action: str, revision: str) -> None:
    """``alembic upgrade|downgrade REVISION`` through the shipped alembic.ini and env.py."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(migrations_dir() / "alembic.ini"))
    engine = sa.create_engine(url_for(db_url))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        getattr(command, action)(config, revision)
    engine.dispose()


def _legacy_database(db_url: str, make_claim: MakeClaim, *, version: int) -> tuple[str, str]:
    """A database as claimcheck wrote it before it had migrations (the baseline tables,
    no ``alembic_version``, one decision per finding with a free-text ``by``), holding an
    article, its two claims, an event, a finding reviewed by "ed", a second reviewed by
    nobody, and incremental-linking state. Returns the two finding IDs."""
    _alembic(db_url, "upgrade", "0001_baseline")
    a = article()
    c1, c2 = make_claim(a, "35 شخصا"), make_claim(a, "41 شخصا")
    f1, f2 = finding([c1.id, c2.id]), finding([c1.id], rule="x.v1", code="C009")
    when = "2024-05-01 10:00:00.000000"
    engine = sa.create_engine(url_for(db_url))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE alembic_version"))
        conn.execute(
            sa.text("UPDATE meta SET value = :v WHERE key = 'schema_version'"), {"v": str(version)}
        )
        conn.execute(sa.text("INSERT INTO meta VALUES ('link_version', 'old-linker')"))
        conn.execute(
            sa.text(
                "INSERT INTO articles (id, name, title, language, text, ingested_at) "
                "VALUES (:id, :name, '', 'ar', :text, :at)"
            ),
            {"id": a.id, "name": a.name, "text": a.text, "at": when},
        )
        for claim in (c1, c2):
            conn.execute(
                sa.text(
                    "INSERT INTO claims (id, article_id, event, evidence_start, json) "
                    "VALUES (:id, :article, 'other', :start, :json)"
                ),
                {"id": claim.id, "article": a.id, "start": claim.evidence.start,
                 "json": claim.model_dump_json()},
            )
        conn.execute(
            sa.text("INSERT INTO events VALUES ('e_1', 'Flood', 'casualties', NULL, '{}')")
        )
        for f in (f1, f2):
            conn.execute(
                sa.text(
                    "INSERT INTO findings VALUES (:id, :rule, :code, 'count', 'high', 'hard', "
                    "NULL, :json)"
                ),
                # A version-1 finding is not readable as today's model.
                {"id": f.id, "rule": f.rule, "code": f.code,
                 "json": f.model_dump_json() if version == 2 else '{"values": []}'},
            )
        conn.execute(
            sa.text("INSERT INTO reviews VALUES (:f, 'confirmed', 'checked', 'ed', :at)"),
            {"f": f1.id, "at": when},
        )
        conn.execute(
            sa.text("INSERT INTO reviews VALUES (:f, 'dismissed', NULL, NULL, :at)"),
            {"f": f2.id, "at": when},
        )
        conn.execute(sa.text("INSERT INTO article_links VALUES (:a, :at)"), {"a": a.id, "at": when})
        conn.execute(sa.text("INSERT INTO linked_claims VALUES (:c, :a)"), {"c": c1.id, "a": a.id})
        if version == 1:  # an early claimcheck had no incremental-linking tables
            for table in ("claim_blocks", "run_findings"):
                conn.execute(sa.text(f"DROP TABLE {table}"))
    engine.dispose()
    return f1.id, f2.id


def test_schema_revision_is_the_newest_migration() -> None:
    from alembic.script import ScriptDirectory

    assert ScriptDirectory(str(migrations_dir())).get_heads() == [SCHEMA_REVISION]


def test_migrations_build_the_tables_the_store_declares(store: Store) -> None:
    """The store's queries use ``metadata``; the database comes from the migrations."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
        assert context.get_current_revision() == SCHEMA_REVISION


def test_a_database_from_before_migrations_is_upgraded_with_its_decisions(
    db_url: str, make_claim: MakeClaim
) -> None:
    reviewed, unnamed = _legacy_database(db_url, make_claim, version=2)
    with Store(db_url, create=False) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.counts()["articles"] == 1 and store.counts()["claims"] == 2
        kept = store.get_finding(reviewed)
        assert kept is not None
        assert (kept.review_status, kept.review_note, kept.reviewed_by) == (
            "confirmed", "checked", "ed"
        )
        assert [u.name for u in store.users()] == ["ed", "unknown"]
        (decision,) = store.reviews(unnamed)
        assert (decision.status, decision.by) == ("dismissed", "unknown")
        assert decision.at.year == 2024 and decision.at.tzinfo is not None
        # Version 2 findings and the linking state are still good: nothing to redo.
        assert store.link_version() == "old-linker"
        assert store.count("events") == 1
        # The history goes on from the migrated decision.
        store.add_review(reviewed, "needs_info", by="ed")
        assert [r.status for r in store.reviews(reviewed)] == ["confirmed", "needs_info"]


def test_a_version_1_database_keeps_its_articles_and_decisions_and_forgets_its_findings(
    db_url: str, make_claim: MakeClaim
) -> None:
    """Version-1 findings cannot be read: they, the events and the linking state go, and
    the next run links every article again (no linker version is recorded)."""
    reviewed, _ = _legacy_database(db_url, make_claim, version=1)
    with Store(db_url) as store:
        assert store.schema_version() == SCHEMA_VERSION
        counts = store.counts()
        assert (counts["articles"], counts["claims"], counts["events"], counts["findings"]) == (
            1, 2, 0, 0
        )
        assert store.findings() == [] and store.link_version() is None
        assert [r.by for r in store.reviews(reviewed)] == ["ed"]
        assert len(store.articles_pending_link()) == 0  # never extracted: nothing to link
        with store.engine.connect() as conn:
            for table in LINK_STATE:
                assert conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() == 0


def test_downgrade_keeps_the_latest_decision_and_upgrade_comes_back(
    store: Store, make_claim: MakeClaim
) -> None:
    c1, c2 = _stored_pair(store, make_claim)
    f = finding([c1, c2])
    store.replace_events_and_findings([], [f])
    store.add_user("ed")
    store.add_review(f.id, "needs_info", by="ed")
    store.add_review(f.id, "confirmed", note="final", by="ed")
    store.close()
    _alembic(store.url, "downgrade", "0002_model_v2")
    engine = sa.create_engine(store.url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT finding_id, status, note, by FROM reviews")).all()
        assert [tuple(row) for row in rows] == [(f.id, "confirmed", "final", "ed")]
        assert not sa.inspect(conn).has_table("users")
    engine.dispose()
    with Store(store.url) as again:
        assert [(r.status, r.by) for r in again.reviews(f.id)] == [("confirmed", "ed")]


def test_stores_opening_a_new_database_at_once_build_it_once(db_url: str) -> None:
    """Several processes starting on a new database: one builds it, the others wait for
    it and find it built (no "table exists" error, no half-built schema)."""
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def open_it() -> None:
        barrier.wait(10)
        try:
            Store(db_url).close()
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Store(db_url, create=False) as store:
        assert store.schema_version() == SCHEMA_VERSION
