"""The command line: exit codes, one-line errors, UTF-8 JSON, and docs that match --help."""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import types
from pathlib import Path

import pytest

import checker
from checker.cli import _subparsers, build_parser, main
from checker.store import Store
from claims.model import (
    Article,
    Claim,
    ComparedValue,
    EventCluster,
    Finding,
    FindingSide,
    Span,
)

TEXT = "انفجار في الميناء\n\nأدى انفجار في الميناء إلى إصابة 23 عاملا صباح الخميس.\n"


def stored_claim(db: Path) -> tuple[str, str]:
    """A store with one article, one claim and one finding on it; returns their IDs."""
    article = Article.from_text("port.txt", TEXT, outlet="صحيفة الميناء")
    quote = "إصابة 23 عاملا"
    start = TEXT.index(quote)
    span = Span(start=start, end=start + len(quote), text=quote)
    claim = Claim(article_id=article.id, sentence=span, evidence=span, quote=quote,
                  event="casualties")
    number = Span(start=start + 6, end=start + 8, text="23")
    sides = [
        FindingSide(value=value, claim_ids=[claim.id], article_ids=[article.id],
                    quotes=[ComparedValue(claim_id=claim.id, field="quantity", value=value,
                                          quote="23", span=number)])
        for value in ("23 workers", "≈[30, 40] workers")
    ]
    finding = Finding(rule="count_conflict.v1", code="C003", kind="count", severity="high",
                      certainty="soft", claim_ids=[claim.id], sides=sides,
                      certainty_reason="Soft: a test.", explanation_en="test")
    with Store(db) as store:
        store.save_article_with_claims(article, [claim])
        store.replace_events_and_findings([], [finding])
    return claim.id, finding.id


def test_run_prints_a_summary_and_writes_reports(
    tmp_path: Path, drops_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, out = tmp_path / "c.db", tmp_path / "out"
    code = main(["run", str(drops_dir / "basic"), "--db", str(db), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0
    assert "7 articles read" in captured.out
    assert "wire.jsonl#3: malformed_json" in captured.err
    assert (out / "report.json").is_file() and (out / "report.md").is_file()


def test_strict_exits_3_when_an_input_was_rejected(
    tmp_path: Path, drops_dir: Path, repo_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "c.db")
    out = str(tmp_path / "out")
    assert main(["run", str(drops_dir / "basic"), "--db", db, "--out", out, "--strict",
                 "--quiet"]) == 3
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "rejected (--strict)" in captured.err
    clean = tmp_path / "clean"
    shutil.copytree(repo_root / "seeds", clean)
    assert main(["run", str(clean), "--db", str(tmp_path / "d.db"), "--out", out,
                 "--strict"]) == 0


def test_run_json_summary(
    tmp_path: Path, repo_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(repo_root / "seeds"), "--db", str(tmp_path / "c.db"),
                 "--out", str(tmp_path / "out"), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["articles_read"] == 5 and summary["rejected"] == []


def test_missing_drop_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["run", str(tmp_path / "nowhere"), "--db", str(tmp_path / "c.db")])
    err = capsys.readouterr().err
    assert code == 2
    assert "drop not found" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_show_unknown_or_malformed_id_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "c.db")
    Store(db).close()
    assert main(["show", "c_0123456789abcdef", "--db", db]) == 2
    err = capsys.readouterr().err
    assert "no claim with ID c_0123456789abcdef" in err and "Traceback" not in err
    assert main(["show", "not-an-id", "--db", db]) == 2
    assert "not a claim ID or finding ID" in capsys.readouterr().err
    assert main(["show", "f_0123456789abcdef", "--db", db]) == 2
    assert "no finding with ID f_0123456789abcdef" in capsys.readouterr().err


def test_show_a_claim(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "c.db"
    claim_id, finding_id = stored_claim(db)
    assert main(["show", claim_id, "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert claim_id in out and "إصابة 23 عاملا" in out and "صحيفة الميناء" in out
    assert finding_id in out
    assert main(["show", claim_id, "--db", str(db), "--json"]) == 0
    raw = capsys.readouterr().out
    assert "\\u06" not in raw and "إصابة 23 عاملا" in raw  # Arabic unescaped
    data = json.loads(raw)
    assert data["claim"]["id"] == claim_id
    assert data["claim"]["outlet"] == "صحيفة الميناء"
    assert [f["id"] for f in data["findings"]] == [finding_id]
    assert data["event"] is None


def test_show_a_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`show f_...`: every side with its value, tally and quotes, and why soft."""
    db = tmp_path / "c.db"
    claim_id, finding_id = stored_claim(db)
    assert main(["show", finding_id, "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"finding {finding_id}\n")
    assert "side A: 23 workers (1 report)" in out and "side B: ≈[30, 40] workers" in out
    assert "Soft: a test." in out
    assert f"{claim_id} port.txt (صحيفة الميناء, -)" in out and "إصابة 23 عاملا" in out
    assert main(["show", finding_id, "--db", str(db), "--json"]) == 0
    raw = capsys.readouterr().out
    assert "\\u06" not in raw
    data = json.loads(raw)
    assert data["finding"]["id"] == finding_id and data["event"] is None
    assert [c["id"] for c in data["claims"]] == [claim_id]
    (quote,) = data["finding"]["sides"][0]["quotes"]
    assert (quote["article_name"], quote["start"], quote["end"]) == (
        "port.txt", TEXT.index("إصابة"), TEXT.index("إصابة") + len("إصابة 23 عاملا"))
    assert quote["compared"]["text"] == "23" and quote["inferred"] is False


def test_articles_json_has_no_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "c.db"
    stored_claim(db)
    assert main(["articles", "--json", "--db", str(db)]) == 0
    raw = capsys.readouterr().out
    (item,) = json.loads(raw)
    assert "text" not in item
    assert item["name"] == "port.txt" and item["title"] == "" and item["claim_count"] == 1
    assert "صحيفة الميناء" in raw


def test_rejected_lists_reasons(
    tmp_path: Path, drops_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "c.db")
    assert main(["ingest", str(drops_dir / "basic"), "--db", db]) == 0
    capsys.readouterr()
    assert main(["rejected", "--json", "--db", db]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {(r["path"], r["reason"]) for r in rows} == {
        ("wire.jsonl#3", "malformed_json"), ("wire.jsonl#4", "missing_text")}
    assert main(["articles", "--db", db]) == 0
    assert "(not extracted)" in capsys.readouterr().out


def test_review_and_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "c.db"
    _, finding_id = stored_claim(db)
    with Store(db) as store:
        store.add_user("ed")
    assert main(["review", finding_id, "confirmed", "--note", "مؤكد", "--by", "ed",
                 "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["findings", "--status", "confirmed", "--json", "--db", str(db)]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["id"], row["review_note"], row["reviewed_by"]) == (finding_id, "مؤكد", "ed")
    assert main(["review", "f_ffffffffffffffff", "dismissed", "--by", "ed", "--db",
                 str(db)]) == 2
    assert "no finding" in capsys.readouterr().err


def test_review_by_an_unknown_user_names_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "c.db"
    _, finding_id = stored_claim(db)
    assert main(["review", finding_id, "dismissed", "--by", "سلمى", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "claimcheck users add سلمى" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    with pytest.raises(SystemExit) as exc:  # who decided is not optional
        main(["review", finding_id, "dismissed", "--db", str(db)])
    assert exc.value.code == 2
    capsys.readouterr()
    with Store(db) as store:
        assert store.reviews(finding_id) == []


def test_users_add_list_and_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "c.db")
    assert main(["users", "add", "rana", "--display", "رنا", "--db", db]) == 0  # creates
    monkeypatch.setattr(sys, "stdin", io.StringIO("s3cret-pass\n"))
    assert main(["users", "add", "omar", "--password-stdin", "--db", db]) == 0
    capsys.readouterr()
    assert main(["users", "add", "rana", "--db", db]) == 2
    assert "exists" in capsys.readouterr().err
    assert main(["users", "list", "--db", db]) == 0
    assert capsys.readouterr().out.splitlines() == ["omar", "rana  رنا"]
    assert main(["users", "list", "--json", "--db", db]) == 0
    raw = capsys.readouterr().out
    assert "رنا" in raw and [u["name"] for u in json.loads(raw)] == ["omar", "rana"]
    with Store(db) as store:
        assert store.check_password("omar", "s3cret-pass") is not None
    assert main(["users", "token", "rana", "--db", db]) == 0
    captured = capsys.readouterr()
    (token,) = captured.out.split()
    assert len(token) >= 32 and "only this once" in captured.err
    assert main(["users", "token", "nobody", "--db", db]) == 2
    err = capsys.readouterr().err
    assert "claimcheck users token:" in err and "claimcheck users add nobody" in err


def test_users_revoke_stops_the_tokens_and_token_issues_new_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "c.db")
    with Store(db) as store:
        store.add_user("rana", password="rana-pass-1")
        store.add_user("omar")
        kept = store.new_token("omar")
        old = [store.new_token("rana"), store.new_token("rana")]
    assert main(["users", "revoke", "rana", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "user rana: 2 API tokens revoked" in out and "claimcheck users token rana" in out
    with Store(db) as store:
        assert [store.user_for_token(t) for t in old] == [None, None]
        assert store.user_for_token(kept) is not None  # another user's token stays
        assert store.check_password("rana", "rana-pass-1") is not None  # and the password
    assert main(["users", "token", "rana", "--db", db]) == 0
    (new,) = capsys.readouterr().out.split()
    with Store(db) as store:
        found = store.user_for_token(new)
        assert found is not None and found.name == "rana"
    # again: nothing left to revoke is fine; an unknown user is the usual error
    assert main(["users", "revoke", "omar", "--db", db]) == 0
    assert main(["users", "revoke", "omar", "--db", db]) == 0
    assert "0 API tokens revoked" in capsys.readouterr().out
    assert main(["users", "revoke", "nobody", "--db", db]) == 2
    err = capsys.readouterr().err
    assert "claimcheck users revoke: unknown user 'nobody'" in err
    assert "claimcheck users add nobody" in err and len(err.strip().splitlines()) == 1


def test_users_revoke_password_and_users_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "c.db")
    with Store(db) as store:
        store.add_user("rana", password="rana-pass-1")
        stamp = store.session_stamp("rana")
    assert stamp is not None
    assert main(["users", "revoke", "rana", "--password", "--db", db]) == 0
    assert "password removed" in capsys.readouterr().out
    with Store(db) as store:
        assert store.check_password("rana", "rana-pass-1") is None
        assert store.session_stamp("rana") is None  # every session of hers has ended
    monkeypatch.setattr(sys, "stdin", io.StringIO("rana-pass-2\n"))
    assert main(["users", "password", "rana", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "new password set" in out and "rana-pass-2" not in out
    with Store(db) as store:
        assert store.check_password("rana", "rana-pass-2") is not None
        assert store.session_stamp("rana") not in (None, stamp)
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    assert main(["users", "password", "rana", "--db", db]) == 2
    assert "no password" in capsys.readouterr().err
    assert main(["users", "password", "nobody", "--db", db]) == 2
    assert "unknown user 'nobody'" in capsys.readouterr().err


def test_show_a_finding_with_its_review_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fact-checker looks a finding up by ID: its decisions, oldest first."""
    db = tmp_path / "c.db"
    _, finding_id = stored_claim(db)
    with Store(db) as store:
        store.add_user("ed")
        store.add_user("هدى")
    assert main(["review", finding_id, "needs_info", "--by", "ed", "--db", str(db)]) == 0
    assert main(["review", finding_id, "confirmed", "--note", "مؤكد", "--by", "هدى",
                 "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["show", finding_id, "--json", "--db", str(db)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(r["status"], r["by"], r["note"]) for r in data["reviews"]] == [
        ("needs_info", "ed", None), ("confirmed", "هدى", "مؤكد")]
    assert data["reviews"][0]["at"] <= data["reviews"][1]["at"]
    assert data["finding"]["review"]["status"] == "confirmed"
    assert main(["show", finding_id, "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "review:    confirmed by هدى" in out
    history = out[out.index("history:"):].splitlines()[1:3]
    assert "needs_info by ed" in history[0] and "confirmed by هدى; note: مؤكد" in history[1]


def _two_reports(db: Path) -> dict[str, str]:
    """Two outlets' reports of one event with a count finding between them, and a
    weekday finding inside the first report, outside any event."""
    text_b = "قال مسؤول إن الانفجار في الميناء أدى إلى إصابة 31 عاملا يوم الخميس.\n"
    a = Article.from_text("port.txt", TEXT, outlet="صحيفة الميناء")
    b = Article.from_text("wire.txt", text_b, outlet="Wire Agency")

    def claim(article: Article, quote: str) -> Claim:
        start = article.text.index(quote)
        span = Span(start=start, end=start + len(quote), text=quote)
        return Claim(article_id=article.id, sentence=span, evidence=span, quote=quote,
                     event="casualties")

    ca, cb = claim(a, "إصابة 23 عاملا"), claim(b, "إصابة 31 عاملا")
    event = EventCluster(id=EventCluster.compute_id([ca.id, cb.id]), label="port blast",
                         event="casualties", claim_ids=[ca.id, cb.id])
    count = Finding(
        rule="count_conflict.v1", code="C003", kind="count", severity="high",
        certainty="soft", fact="count|port", claim_ids=[ca.id, cb.id], event_id=event.id,
        sides=[FindingSide(value=v, claim_ids=[c.id], article_ids=[c.article_id])
               for v, c in (("23 workers", ca), ("31 workers", cb))],
    )
    weekday = Finding(
        rule="weekday_conflict.v1", code="C002", kind="weekday", severity="high",
        certainty="hard", claim_ids=[ca.id],
        sides=[FindingSide(value=v, claim_ids=[ca.id], article_ids=[a.id])
               for v in ("Thursday", "Friday (2025-08-22)")],
    )
    with Store(db) as store:
        store.save_article_with_claims(a, [ca])
        store.save_article_with_claims(b, [cb])
        store.replace_events_and_findings([event], [count, weekday])
        store.add_user("ed")
    return {"a": a.id, "event": event.id, "count": count.id, "weekday": weekday.id}


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ([], {"count", "weekday"}),
        (["--event", "EVENT"], {"count"}),
        (["--article", "wire.txt"], {"count"}),
        (["--article", "A"], {"count", "weekday"}),
        (["--outlet", " wire agency"], {"count"}),
        (["--outlet", "صحيفة الميناء", "--kind", "weekday"], {"weekday"}),
        (["--article", "port.txt", "--outlet", "Wire Agency"], set()),
        (["--status", "needs_info"], {"weekday"}),
        (["--status", "open", "--article", "port.txt"], {"count"}),
    ],
)
def test_findings_filters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], expected: set[str]
) -> None:
    db = tmp_path / "c.db"
    ids = _two_reports(db)
    with Store(db) as store:
        store.add_review(ids["weekday"], "needs_info", by="ed")
    options = [{"EVENT": ids["event"], "A": ids["a"]}.get(o, o) for o in options]
    assert main(["findings", "--json", "--db", str(db), *options]) == 0
    found = {f["id"] for f in json.loads(capsys.readouterr().out)}
    assert found == {ids[name] for name in expected}


def test_findings_filter_on_something_unknown_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A typo in a filter must not pass for "no findings"."""
    db = str(tmp_path / "c.db")
    _two_reports(Path(db))
    assert main(["findings", "--db", db, "--outlet", "Reuters"]) == 2
    err = capsys.readouterr().err
    assert "no article from outlet 'Reuters'" in err and "Wire Agency" in err
    assert main(["findings", "--db", db, "--article", "nowhere.txt"]) == 2
    assert "no article with ID or name 'nowhere.txt'" in capsys.readouterr().err
    assert main(["findings", "--db", db, "--event", "e_0123456789abcdef"]) == 2
    assert "no event with ID e_0123456789abcdef" in capsys.readouterr().err
    assert main(["findings", "--db", db, "--event", "port blast"]) == 2
    assert "not an event ID" in capsys.readouterr().err


def test_db_option_before_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "c.db"
    _, finding_id = stored_claim(db)
    monkeypatch.chdir(tmp_path / "..")
    assert main(["--db", str(db), "findings", "--json"]) == 0
    assert [f["id"] for f in json.loads(capsys.readouterr().out)] == [finding_id]
    assert main(["--db", str(db), "show", finding_id]) == 0
    assert finding_id in capsys.readouterr().out
    # after the command, it wins over one before
    assert main(["--db", str(tmp_path / "other.db"), "findings", "--db", str(db)]) == 0
    assert finding_id in capsys.readouterr().out
    assert main(["--db", str(tmp_path / "other.db"), "findings"]) == 2
    assert "other.db" in capsys.readouterr().err


READ_COMMANDS = [
    ["articles"],
    ["show", "c_0123456789abcdef"],
    ["show", "f_0123456789abcdef"],
    ["findings"],
    ["search", "الحديدة"],
    ["export", "--format", "csv"],
    ["export", "--format", "claimreview"],
    ["rejected"],
    ["report", "--out", "out"],
    ["review", "f_0123456789abcdef", "confirmed", "--by", "ed"],
    ["serve", "--port", "1"],
    ["users", "list"],
    ["users", "token", "ed"],
    ["users", "revoke", "ed"],
    ["users", "password", "ed"],
]


@pytest.mark.parametrize("command", READ_COMMANDS, ids=" ".join)
def test_read_commands_never_create_a_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    """Run in a folder without a store (or with a mistyped --db), a read command used to
    answer "no findings" from a new empty claimcheck.db that it left behind."""
    import checker.api

    def never(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the server must not start")

    monkeypatch.setattr(checker.api, "serve", never)
    monkeypatch.chdir(tmp_path)
    assert main(command) == 2
    err = capsys.readouterr().err
    assert "no claimcheck database at claimcheck.db" in err and "claimcheck run" in err
    assert len(err.strip().splitlines()) == 1
    mistyped = tmp_path / "claimchek.db"
    assert main([*command, "--db", str(mistyped)]) == 2
    assert str(mistyped) in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_write_commands_create_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, drops_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["ingest", str(drops_dir / "basic" / "quake.txt")]) == 0
    assert (tmp_path / "claimcheck.db").is_file()
    assert main(["articles"]) == 0
    assert "quake.txt" in capsys.readouterr().out
    assert main(["ingest", str(drops_dir / "basic" / "quake.txt"), "--db",
                 str(tmp_path / "missing" / "c.db")]) == 2
    assert "folder" in capsys.readouterr().err


def test_closed_output_pipe_is_no_traceback(tmp_path: Path, repo_root: Path) -> None:
    """`claimcheck show ID | head -2`: the reader leaves early; the command stops quietly
    with the shell's SIGPIPE status instead of printing a BrokenPipeError traceback."""
    db = tmp_path / "c.db"
    claim_id, _ = stored_claim(db)
    read_end, write_end = os.pipe()
    os.close(read_end)  # a reader that is already gone: the first write fails
    try:
        done = subprocess.run(
            [sys.executable, "-m", "checker.cli", "show", claim_id, "--db", str(db)],
            cwd=repo_root, stdout=write_end, stderr=subprocess.PIPE, text=True,
        )
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == 141


def test_serve_on_a_taken_port_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit code 3 means --strict; a taken port has its own code and message."""
    import checker.api
    import checker.cli

    db = str(tmp_path / "c.db")
    Store(db).close()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]

        def never(*_args: object, **_kwargs: object) -> None:
            raise AssertionError("the server must not start")

        with monkeypatch.context() as patch:
            patch.setattr(checker.api, "serve", never)
            assert main(["serve", "--db", db, "--port", str(port)]) == 5
        err = capsys.readouterr().err
        assert f"cannot listen on 127.0.0.1:{port}" in err and "already in use" in err
        # Taken between the check and the start: uvicorn's own failure, still our code.
        monkeypatch.setattr(checker.cli, "check_port", lambda host, port: None)
        assert main(["serve", "--db", db, "--port", str(port)]) == 5
    assert "could not start" in capsys.readouterr().err


def test_newer_database_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlalchemy as sa

    db = tmp_path / "c.db"
    Store(db).close()
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE meta SET value = '999' WHERE key = 'schema_version'"))
    engine.dispose()
    assert main(["articles", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "newer than this claimcheck" in err and len(err.strip().splitlines()) == 1


def test_eval_without_the_evaluation_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = tmp_path / "gold.json"
    gold.write_text('{"stories": []}', encoding="utf-8")
    monkeypatch.delattr(checker, "evaluate", raising=False)
    monkeypatch.setitem(sys.modules, "checker.evaluate", None)  # import now fails
    assert main(["eval", str(gold), "--articles", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "evaluation is not available" in err and "Traceback" not in err


def test_eval_calls_run_eval_and_prints_its_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = tmp_path / "gold.json"
    gold.write_text('{"stories": []}', encoding="utf-8")
    seen: list[tuple[Path, Path]] = []

    class Result:
        def as_dict(self) -> dict[str, object]:
            return {"recall": 0.5, "note": "ملاحظة"}

    def run_eval(gold_path: Path, articles_dir: Path) -> Result:
        seen.append((gold_path, articles_dir))
        return Result()

    fake = types.ModuleType("checker.evaluate")
    fake.run_eval = run_eval  # type: ignore[attr-defined]
    fake.format_table = lambda result: "TABLE"  # type: ignore[attr-defined]
    monkeypatch.setattr(checker, "evaluate", fake, raising=False)
    monkeypatch.setitem(sys.modules, "checker.evaluate", fake)
    assert main(["eval", str(gold), "--articles", str(tmp_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"recall": 0.5, "note": "ملاحظة"}
    assert seen == [(gold, tmp_path)]
    assert main(["eval", str(gold), "--articles", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == "TABLE"
    assert main(["eval", str(tmp_path / "missing.json"), "--articles", str(tmp_path)]) == 2


def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["run"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["run", "x", "--max-bytes", "-5"])
    assert exc.value.code == 2
    capsys.readouterr()


def test_docs_cli_md_covers_every_command_and_option(repo_root: Path) -> None:
    """docs/cli.md is generated by `make docs`; regenerate it when this fails."""
    doc = (repo_root / "docs" / "cli.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = {f"claimcheck {name}": sub for name, sub in _subparsers(parser).items()}
    assert commands, "no subcommands found"
    for name, sub in list(commands.items()):  # `claimcheck users add` and the like
        commands.update({f"{name} {inner}": cmd for inner, cmd in _subparsers(sub).items()})
    for name, sub in commands.items():
        assert f"## {name}\n" in doc, f"command {name!r} missing: run `make docs`"
        for action in sub._actions:
            for option in action.option_strings:
                assert option in doc, f"option {option} of {name!r} missing: run `make docs`"
            if not action.option_strings and not isinstance(action, argparse._SubParsersAction):
                assert str(action.metavar or action.dest) in doc
        assert (sub.description or "") in doc
    assert "## claimcheck users token" in doc and "## claimcheck users revoke" in doc


SEARCH_EXAMPLE = re.compile(r'^claimcheck search "([^"]+)"', re.MULTILINE)


@pytest.mark.slow
def test_search_examples_find_claims_in_the_seeds(
    tmp_path: Path, repo_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The search example of README and docs/cli.md, run on the demo data (`make run`),
    must find something: a reader tries it first."""
    examples = {
        query
        for doc in ("README.md", "docs/cli.md")
        for query in SEARCH_EXAMPLE.findall((repo_root / doc).read_text(encoding="utf-8"))
    }
    assert examples, "no search example found"
    db = str(tmp_path / "c.db")
    assert main(["run", str(repo_root / "seeds"), "--db", db, "--out", str(tmp_path / "out"),
                 "--quiet", "--jobs", "1"]) == 0
    for query in sorted(examples):
        assert main(["search", query, "--json", "--db", db]) == 0
        found = json.loads(capsys.readouterr().out)
        assert found["total"] > 0, f"README/docs example finds nothing: {query}"
