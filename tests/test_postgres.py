"""The team store: PostgreSQL gives what SQLite gives, and reviewers deciding at the same
moment all stay on record.

The PostgreSQL tests need a server (``CLAIMCHECK_TEST_POSTGRES_URL``, see conftest.py)
and are skipped, with the reason, without one.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from checker.cli import main
from checker.store import SchemaVersionError, Store, UnknownUser
from claims.model import EventCluster, Finding, FindingSide

pytestmark = pytest.mark.slow

REVIEWERS = 4
DECISIONS_EACH = 5


def _content(db: str) -> dict[str, Any]:
    """Everything a run derives, in a form two databases can be compared by."""
    with Store(db, create=False) as store:
        return {
            "articles": [a.model_dump(mode="json") for a in store.articles()],
            "claims": [c.model_dump(mode="json") for c in store.claims()],
            "events": [e.model_dump(mode="json") for e in store.events()],
            "findings": [f.model_dump(mode="json") for f in store.findings()],
        }


def test_the_seeds_give_the_same_findings_on_postgresql_as_on_sqlite(
    repo_root: Path, tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    sqlite_db = str(tmp_path / "seeds.db")
    seeds = str(repo_root / "seeds")
    for db, out in ((sqlite_db, "out-sqlite"), (postgres_url, "out-postgres")):
        assert main(["run", seeds, "--db", db, "--out", str(tmp_path / out)]) == 0
    capsys.readouterr()
    on_sqlite, on_postgres = _content(sqlite_db), _content(postgres_url)
    assert on_sqlite["findings"], "the seeds hold disagreements"
    assert on_postgres == on_sqlite

    # The reports agree too, apart from when they were made.
    reports = [
        json.loads((tmp_path / out / "report.json").read_text(encoding="utf-8"))
        for out in ("out-sqlite", "out-postgres")
    ]
    assert [r["events"] for r in reports[1:]] == [reports[0]["events"]]

    # A second run on the shared store finds everything stored and changes nothing.
    assert main(["run", seeds, "--db", postgres_url, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["articles_extracted"] == 0 and summary["new_findings"] == 0
    assert _content(postgres_url) == on_sqlite

    # Two editors decide on a finding of the shared store; both decisions are on record.
    finding_id = on_postgres["findings"][0]["id"]
    for name in ("hoda", "rana"):
        assert main(["users", "add", name, "--db", postgres_url]) == 0
    assert main(["review", finding_id, "needs_info", "--by", "hoda", "--db", postgres_url]) == 0
    assert main(["review", finding_id, "confirmed", "--by", "rana", "--db", postgres_url]) == 0
    capsys.readouterr()
    assert main(["show", finding_id, "--json", "--db", postgres_url]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [(r["status"], r["by"]) for r in shown["reviews"]] == [
        ("needs_info", "hoda"), ("confirmed", "rana")
    ]


def test_a_read_command_on_an_empty_database_creates_no_store(
    postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["findings", "--db", postgres_url]) == 2
    assert "claimcheck run" in capsys.readouterr().err
    engine = sa.create_engine(postgres_url)
    assert sa.inspect(engine).get_table_names() == []
    engine.dispose()


def _one_finding(store: Store) -> Finding:
    claim_id = "c_0000000000000001"
    finding = Finding(
        rule="count_conflict.v1", code="C003", kind="count", severity="high",
        certainty="hard", claim_ids=[claim_id],
        sides=[FindingSide(value=v, claim_ids=[claim_id]) for v in ("35 people", "41 people")],
    )
    event = EventCluster(id="e_1", label="flood", event="casualties", claim_ids=[claim_id])
    store.replace_events_and_findings([event], [finding])
    return finding


def test_reviewers_deciding_at_the_same_moment_all_stay_on_record(db_url: str) -> None:
    """Several editors, each with a connection of their own (as each web request or
    command has), decide on one finding at the same moment, again and again: every
    decision is in the finding's history, none overwrote another."""
    with Store(db_url) as store:
        finding = _one_finding(store)
        names = [f"editor{i}" for i in range(REVIEWERS)]
        for name in names:
            store.add_user(name)
    start = threading.Barrier(REVIEWERS)
    errors: list[BaseException] = []

    def decide(name: str) -> None:
        with Store(db_url, create=False) as own:
            start.wait(30)
            try:
                for n in range(DECISIONS_EACH):
                    status = "confirmed" if n % 2 else "needs_info"
                    own.add_review(finding.id, status, note=f"{name} #{n}", by=name)
            except BaseException as exc:  # collected for the assertion below
                errors.append(exc)

    threads = [threading.Thread(target=decide, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    with Store(db_url, create=False) as store:
        history = store.reviews(finding.id)
        assert sorted((r.by, r.note) for r in history) == sorted(
            (name, f"{name} #{n}") for name in names for n in range(DECISIONS_EACH)
        )
        # Each reviewer's own decisions keep their order, and the finding shows the last
        # decision of all.
        for name in names:
            mine = [r.note for r in history if r.by == name]
            assert mine == [f"{name} #{n}" for n in range(DECISIONS_EACH)]
        current = store.get_finding(finding.id)
        assert current is not None
        last = history[-1]
        assert (current.review_status, current.review_note, current.reviewed_by) == (
            last.status, last.note, last.by
        )
        assert store.counts()["reviews"] == REVIEWERS * DECISIONS_EACH


def test_a_server_password_stays_out_of_messages(postgres_url: str) -> None:
    password = sa.engine.make_url(postgres_url).password
    if not password:
        pytest.skip("the test server's URL has no password")
    Store(postgres_url).close()
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE meta SET value = '999' WHERE key = 'schema_version'"))
    engine.dispose()
    with pytest.raises(SchemaVersionError) as raised:
        Store(postgres_url)
    assert f":{password}@" not in str(raised.value) and ":***@" in str(raised.value)


def test_revoked_tokens_and_passwords_end_access_from_every_server(db_url: str) -> None:
    """Two servers of a desk share the store: what one revokes, the other refuses at once
    (nothing about a user's access is cached in a server)."""
    with Store(db_url) as store, Store(db_url) as other:
        store.add_user("hoda", display="هدى", password="hoda-pass-1")
        store.add_user("rana")
        tokens = [store.new_token("hoda") for _ in range(3)]
        rana = store.new_token("rana")
        stamp = store.session_stamp("hoda")
        assert stamp is not None and len(stamp) == 32
        assert store.session_stamp("rana") is None  # no password: no session
        assert store.session_stamp("nobody") is None
        assert other.session_stamp("hoda") == stamp
        assert other.revoke_tokens("hoda") == 3
        assert [store.user_for_token(t) for t in tokens] == [None, None, None]
        kept = store.user_for_token(rana)
        assert kept is not None and kept.name == "rana"
        fresh = store.new_token("hoda")
        found = other.user_for_token(fresh)
        assert found is not None and (found.name, found.display) == ("hoda", "هدى")
        with pytest.raises(UnknownUser):
            store.revoke_tokens("nobody")
        with pytest.raises(UnknownUser):
            store.remove_password("nobody")
        assert other.remove_password("hoda") is True
        assert other.remove_password("hoda") is False
        assert store.session_stamp("hoda") is None
        assert store.check_password("hoda", "hoda-pass-1") is None
        # the same password again: a new hash (a new salt), so the old sessions stay ended
        store.set_password("hoda", "hoda-pass-1")
        assert other.session_stamp("hoda") not in (None, stamp)
        assert store.user_for_token(fresh) is not None  # the password is not the tokens


def test_one_run_at_a_time_on_a_postgresql_store(postgres_url: str) -> None:
    """The run lock on PostgreSQL: a second writer is refused while the first holds it,
    the holder may take it again, and a killed holder leaves nothing behind."""
    import subprocess
    import sys
    import time

    from checker.locking import StoreBusy, store_lock

    with store_lock(postgres_url), store_lock(postgres_url):  # re-entrant in one process
        pass
    sleeper = subprocess.Popen(
        [sys.executable, "-c",
         "import time; from checker.locking import store_lock\n"
         f"with store_lock({postgres_url!r}):\n    print('locked', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert sleeper.stdout is not None and sleeper.stdout.readline().strip() == "locked"
        with pytest.raises(StoreBusy, match=r"claimcheck run pid \d+"):
            with store_lock(postgres_url):
                pass
    finally:
        sleeper.kill()  # SIGKILL: the server drops the lock with the connection
        sleeper.wait()
    start = time.monotonic()
    with store_lock(postgres_url, wait=30):
        pass
    assert time.monotonic() - start < 30
