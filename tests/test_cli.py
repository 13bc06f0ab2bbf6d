"""The command line: exit codes, one-line errors, UTF-8 JSON, and docs that match --help."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import types
from pathlib import Path

import pytest

import checker
from checker.cli import _subparsers, build_parser, main
from checker.store import Store
from claims.model import Article, Claim, ComparedValue, Finding, FindingSide, Span

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
    assert main(["review", finding_id, "confirmed", "--note", "مؤكد", "--by", "ed",
                 "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["findings", "--status", "confirmed", "--json", "--db", str(db)]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["id"], row["review_note"]) == (finding_id, "مؤكد")
    assert main(["review", "f_ffffffffffffffff", "dismissed", "--db", str(db)]) == 2
    assert "no finding" in capsys.readouterr().err


def test_default_db_is_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["articles"]) == 0
    assert (tmp_path / "claimcheck.db").is_file()
    assert "no articles stored" in capsys.readouterr().out


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
    commands = _subparsers(parser)
    assert commands, "no subcommands found"
    for name, sub in commands.items():
        assert f"## claimcheck {name}" in doc, f"command {name!r} missing: run `make docs`"
        for action in sub._actions:
            for option in action.option_strings:
                assert option in doc, f"option {option} of {name!r} missing: run `make docs`"
            if not action.option_strings and not isinstance(action, argparse._SubParsersAction):
                assert (action.metavar or action.dest) in doc
        assert (sub.description or "") in doc
