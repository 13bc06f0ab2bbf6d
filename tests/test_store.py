"""The store: round-trips, one transaction per article, review decisions that survive."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from checker.ingest import RejectedInput
from checker.store import RunRecord, SchemaVersionError, Store, StoreError
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


def test_newer_schema_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    db = tmp_path / "newer.db"
    Store(db).close()
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE meta SET value = :v WHERE key = 'schema_version'"),
            {"v": str(SCHEMA_VERSION + 1)},
        )
    engine.dispose()
    with pytest.raises(SchemaVersionError, match="newer than this claimcheck"):
        Store(db)


def test_sqlite_uses_wal_and_a_busy_timeout(store: Store) -> None:
    with store.engine.connect() as conn:
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

    reviewed = store.set_review(f.id, "confirmed", note="الحصيلة الرسمية متضاربة", by="editor1")
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
    with pytest.raises(StoreError, match="no finding"):
        store.set_review("f_0000000000000000", "confirmed")
    f = finding([c1])
    store.replace_events_and_findings([], [f])
    with pytest.raises(ValueError, match="review status"):
        store.set_review(f.id, "maybe")  # type: ignore[arg-type]


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
