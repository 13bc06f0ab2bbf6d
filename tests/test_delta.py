"""The delta of a run against the previous one: new, still found, updated and resolved
findings, written to out/delta.json, out/delta.md and the report, and `--fail-on new` for
cron."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import claims.pipeline
from checker.cli import main
from checker.delta import FindingRef, build_delta
from checker.html_report import render_report_html
from checker.report import build_report
from checker.run import extract_pending, ingest_drops, link_pending, run
from checker.store import Store
from claims.model import Article, Claim, Finding
from tests.spec_extractor import spec_extract, write_article


def without_second_homs_report(article: Article) -> list[Claim]:
    """A later extractor version that no longer finds the claim of article s2."""
    return [] if article.name == "s2.txt" else spec_extract(article)


@pytest.fixture
def base(tmp_path: Path) -> Path:
    folder = tmp_path / "base"
    write_article(folder, "s1", ["@ relocation homs 2025-03-02 40"])
    write_article(folder, "s2", ["@ relocation homs 2025-03-05 40"])  # date conflict
    return folder


def read_json(path: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(path.read_text(encoding="utf-8"))


def reviewers(store: Store, *names: str) -> None:
    """Decisions are recorded by registered users when the store keeps users."""
    add_user = getattr(store, "add_user", None)
    if add_user is not None:
        for name in names:
            add_user(name)


def test_new_open_and_resolved_across_three_runs(base: Path, tmp_path: Path, store: Store) -> None:
    out = tmp_path / "out"
    first = run([base], store, out, extractor=spec_extract, extractor_version="v1")
    assert first.previous_run_id is None
    assert first.new_findings == first.findings >= 1 and first.resolved_findings == 0
    date_finding = {f.id for f in store.findings() if f.kind == "date"}
    assert date_finding

    later = tmp_path / "later"
    write_article(later, "i1", ["@ attack mosul 2025-03-02 10"])
    write_article(later, "i2", ["@ attack mosul 2025-03-02 40"])  # count conflict
    second = run([later], store, out, extractor=spec_extract, extractor_version="v1")
    delta = read_json(out / "delta.json")
    assert delta["run_id"] == second.run_id and delta["previous_run_id"] == first.run_id
    assert [f["kind"] for f in delta["new"]] == ["count"]
    assert set(delta["open"]) >= date_finding
    assert delta["resolved"] == []
    assert delta["counts"] == {
        "new": 1, "open": len(delta["open"]), "updated": 0, "resolved": 0,
        "previous": first.findings, "current": second.findings,
    }
    assert delta["updated"] == []
    assert read_json(out / "report.json")["delta"] == delta
    new_id = delta["new"][0]["id"]

    reviewers(store, "ed")
    store.set_review(new_id, "confirmed", note="checked with the desk", by="ed")
    third = run([base, later], store, out, extractor=without_second_homs_report,
                extractor_version="v2")
    delta = read_json(out / "delta.json")
    assert third.resolved_findings == len(delta["resolved"]) >= 1
    resolved = {f["id"]: f for f in delta["resolved"]}
    assert date_finding <= set(resolved)
    for finding_id in date_finding:  # shown with its content, not just its ID
        assert resolved[finding_id]["kind"] == "date" and resolved[finding_id]["explanation_en"]
    assert new_id in delta["open"] and delta["new"] == []
    md = (out / "delta.md").read_text(encoding="utf-8")
    assert "resolved: 1" in md or f"resolved: {len(resolved)}" in md
    assert all(finding_id in md for finding_id in resolved)
    assert store.get_finding(new_id).review_status == "confirmed"  # type: ignore[union-attr]


def test_a_finding_removed_by_a_killed_run_is_resolved_by_id(
    base: Path, tmp_path: Path, store: Store
) -> None:
    first = run([base], store, None, extractor=spec_extract, extractor_version="v1")
    (date_id,) = [f.id for f in store.findings() if f.kind == "date"]
    # What a run killed before its run record leaves: extraction and linking done,
    # no record, so the next run still compares with `first`.
    ingest_drops([base], store)
    extract_pending(store, extractor=without_second_homs_report, extractor_version="v2")
    link_pending(store)
    assert date_id not in store.finding_ids() and store.last_run().id == first.run_id  # type: ignore[union-attr]

    resumed = run([base], store, None, extractor=without_second_homs_report,
                  extractor_version="v2")
    assert resumed.previous_run_id == first.run_id
    assert resumed.resolved_findings == 1


def test_fail_on_new_gives_exit_code_1_only_when_new_findings_appear(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(claims.pipeline, "extract_claims", spec_extract)
    db, out = str(tmp_path / "c.db"), str(tmp_path / "out")
    args = ["--db", db, "--out", out, "--quiet", "--fail-on", "new"]
    assert main(["run", str(base), *args]) == 1  # first run: every finding is new
    assert "new finding(s) (--fail-on new)" in capsys.readouterr().err
    assert main(["run", str(base), *args]) == 0  # nothing new
    assert main(["run", str(base), *args[:-2]]) == 0  # without --fail-on

    later = tmp_path / "later"
    write_article(later, "i1", ["@ attack mosul 2025-03-02 10"])
    write_article(later, "i2", ["@ attack mosul 2025-03-02 40"])
    (later / "empty.txt").write_text("", encoding="utf-8")
    # --strict wins over --fail-on: a rejected input is the more urgent signal.
    assert main(["run", str(later), *args, "--strict"]) == 3
    assert main(["run", str(later), *args]) == 0  # the count conflict is no longer new
    capsys.readouterr()


def test_the_cli_prints_the_delta_line(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(claims.pipeline, "extract_claims", spec_extract)
    db, out = str(tmp_path / "c.db"), str(tmp_path / "out")
    assert main(["run", str(base), "--db", db, "--out", out]) == 0
    assert main(["run", str(base), "--db", db, "--out", out]) == 0
    text = capsys.readouterr().out
    assert "since nothing (first run): 1 new" in text
    assert "0 new, 1 still open, 0 resolved findings" in text
    summary = json.loads(
        (tmp_path / "out" / "delta.json").read_text(encoding="utf-8")
    )
    assert summary["counts"]["open"] == 1


def test_beyond_the_detail_limit_findings_are_given_by_id(
    base: Path, tmp_path: Path, store: Store
) -> None:
    later = tmp_path / "later"
    write_article(later, "i1", ["@ attack mosul 2025-03-02 10"])
    write_article(later, "i2", ["@ attack mosul 2025-03-02 40"])
    run([base, later], store, None, extractor=spec_extract, extractor_version="v1")
    current = store.finding_ids()
    assert len(current) >= 2
    delta = build_delta(store, run_id="r", previous_run_id=None, previous_ids=set(),
                        current_ids=current, detail_limit=1)
    assert delta.counts["new"] == len(current) == len(delta.new)
    whole, *refs = delta.new
    assert isinstance(whole, Finding) and whole.id == store.findings()[0].id  # most severe
    assert all(isinstance(r, FindingRef) for r in refs)


def test_only_the_latest_runs_keep_their_finding_sets(base: Path, store: Store) -> None:
    """A store run every few minutes must not grow by a finding list per run forever."""
    from checker.store import KEEP_RUN_FINDINGS

    summaries = [run([base], store, None, extractor=spec_extract, extractor_version="v1")
                 for _ in range(KEEP_RUN_FINDINGS + 2)]
    kept = [s.run_id for s in summaries if store.run_finding_ids(s.run_id) is not None]
    assert kept == [s.run_id for s in summaries[-KEEP_RUN_FINDINGS:]]
    assert summaries[-1].previous_run_id == summaries[-2].run_id
    assert summaries[-1].open_findings == summaries[-1].findings >= 1


def test_a_new_report_that_repeats_a_side_keeps_the_finding_and_its_review(
    tmp_path: Path, repo_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run the seeds, review a finding, then add a copy of one of its reports under another
    name with a sentence added (so it is new content): the copy's claims join the side of
    the same finding, which keeps its ID and the decision, and the delta says which new
    report supports which side."""
    db, out = str(tmp_path / "c.db"), tmp_path / "out"
    seeds = repo_root / "seeds"
    assert main(["run", str(seeds), "--db", db, "--out", str(out), "--quiet"]) == 0
    with Store(db) as store:
        before = {f.id: f for f in store.findings()}
        # a disagreement between reports (not one report contradicting itself)
        finding = next(f for f in before.values() if len(f.claim_ids) >= 2)
        side = finding.sides[0]
        (article,) = store.articles(ids=[side.article_ids[0]])
        reviewers(store, "ed")
    assert main(["review", finding.id, "confirmed", "--by", "ed", "--db", db]) == 0

    later = tmp_path / "later"
    later.mkdir()
    (later / "copy.txt").write_text(article.text + "\n\nتابعونا للمزيد.\n", encoding="utf-8")
    assert main(["run", str(seeds), str(later), "--db", db, "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()

    with Store(db) as store:
        after = {f.id: f for f in store.findings()}
        copy = store.article_by_name("copy.txt")
    assert copy is not None
    assert set(after) >= set(before)  # the same findings, under the same IDs
    kept = after[finding.id]
    assert kept.review_status == "confirmed" and kept.reviewed_by == "ed"
    (grown,) = [s for s in kept.sides if set(side.claim_ids) < set(s.claim_ids)]
    assert grown.tally == side.tally + 1 and copy.id in grown.article_ids

    delta = read_json(out / "delta.json")
    assert delta["resolved"] == []
    assert delta["counts"]["updated"] == len(delta["updated"]) >= 1
    (update,) = [u for u in delta["updated"] if u["id"] == finding.id]
    assert update["review_status"] == "confirmed"
    (gain,) = update["sides"]
    assert gain["value"] == grown.value
    assert (gain["tally"], gain["previous_tally"]) == (side.tally + 1, side.tally)
    assert gain["new_articles"] == [{"id": copy.id, "name": "copy.txt", "outlet": copy.outlet}]
    assert set(gain["new_claim_ids"]) == set(grown.claim_ids) - set(side.claim_ids)
    md = (out / "delta.md").read_text(encoding="utf-8")
    assert f"| `{finding.id}` | {finding.code} | confirmed |" in md and "copy.txt" in md
    assert read_json(out / "report.json")["delta"] == delta
    page = (out / "report.html").read_text(encoding="utf-8")
    assert '<b data-delta="updated">' in page and "copy.txt" in page


def test_still_found_findings_are_counted_by_their_review(tmp_path: Path, store: Store) -> None:
    """After one confirm and one dismiss the delta said '3 still open': findings that
    still fire are "still found", counted by their review status now, so the box says
    how many still await a decision."""
    drop = tmp_path / "three"
    write_article(drop, "s1", ["@ relocation homs 2025-03-02 40"])
    write_article(drop, "s2", ["@ relocation homs 2025-03-05 40"])  # date conflict
    write_article(drop, "i1", ["@ attack mosul 2025-03-02 10"])
    write_article(drop, "i2", ["@ attack mosul 2025-03-02 40"])  # count conflict
    write_article(drop, "t1", ["@ base_closure tyre 2025-03-02 -"])
    write_article(drop, "t2", ["@ base_closure tyre 2025-03-09 -"])  # date conflict
    out = tmp_path / "out"
    run([drop], store, out, extractor=spec_extract, extractor_version="v1")
    first, second, third = store.findings()
    reviewers(store, "ed")
    store.set_review(first.id, "confirmed", by="ed")
    store.set_review(second.id, "dismissed", by="ed")

    run([drop], store, out, extractor=spec_extract, extractor_version="v1")
    delta = read_json(out / "delta.json")
    assert delta["counts"]["open"] == 3
    assert delta["open_reviews"] == {"open": 1, "confirmed": 1, "dismissed": 1}
    md = (out / "delta.md").read_text(encoding="utf-8")
    assert "still found: 3 (1 awaiting review, 1 confirmed, 1 dismissed)" in md
    assert "still open" not in md
    page = (out / "report.html").read_text(encoding="utf-8")
    assert '<b data-delta="open">3</b>ما زالت تظهر' in page
    assert '<span data-delta-review="open"><b>1</b> بانتظار المراجعة</span>' in page
    assert "ما زالت قائمة" not in page

    # The served page rebuilds the delta with the decisions of now.
    from checker.delta import latest_delta

    store.set_review(third.id, "confirmed", by="ed")
    served = latest_delta(store)
    assert served is not None and served.counts["open"] == 3
    assert served.open_reviews == {"open": 0, "confirmed": 2, "dismissed": 1}
    assert "updated" not in served.counts  # only the run knows what a side gained
    html = render_report_html(build_report(store, delta=served), live=True)
    assert '<span data-delta-review="confirmed"><b>2</b> تناقض مؤكَّد</span>' in html
    assert 'data-delta="updated"' not in html


def test_the_served_delta_needs_a_recorded_run(tmp_path: Path, store: Store) -> None:
    from checker.delta import latest_delta

    assert latest_delta(store) is None
    drop = tmp_path / "one"
    write_article(drop, "s1", ["@ relocation homs 2025-03-02 40"])
    write_article(drop, "s2", ["@ relocation homs 2025-03-05 40"])
    run([drop], store, None, extractor=spec_extract, extractor_version="v1")
    first = latest_delta(store)
    assert first is not None and first.previous_run_id is None
    assert first.counts["new"] == len(store.findings()) >= 1
