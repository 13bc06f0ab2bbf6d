"""Incremental runs: nothing is extracted or linked twice, only touched blocks are re-linked,
and the result is the same as linking every claim at once."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
import sqlalchemy as sa

from checker import linking, rules
from checker import run as run_module
from checker.report import build_report
from checker.run import run
from checker.store import BlockQuery, Store
from claims.model import Article, Claim, Finding
from tests.spec_extractor import random_drop, random_lines, spec_extract, write_article

VERSION = "spec-v1"


class Counting:
    """``spec_extract`` that records which articles it was called on."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, article: Article) -> list[Claim]:
        self.calls.append(article.name)
        return spec_extract(article)


Contents = list[tuple[str, str, tuple[str, ...]]]


def full_result(store: Store) -> tuple[list[tuple[str, ...]], Contents]:
    """Events (as claim ID tuples) and findings of linking every stored claim at once."""
    claims = store.claims()
    graph = linking.link(claims)
    findings = rules.check(graph, claims)
    return sorted(tuple(e.claim_ids) for e in graph.events), _contents(findings)


def _contents(findings: Sequence[Finding]) -> Contents:
    """Findings by what they say (rule, fact, claims), not by ID: a finding built up run
    by run keeps the ID it was first given, one built at once takes its fact's."""
    return sorted((f.code, f.fact, tuple(f.claim_ids)) for f in findings)


def stored_result(store: Store) -> tuple[list[tuple[str, ...]], Contents]:
    return sorted(tuple(e.claim_ids) for e in store.events()), _contents(store.findings())


def test_the_same_drop_twice_extracts_and_links_nothing_the_second_time(
    tmp_path: Path, store: Store
) -> None:
    drop = random_drop(tmp_path / "drop", 12, seed=1)
    extractor = Counting()
    first = run([drop], store, tmp_path / "out", extractor=extractor, extractor_version=VERSION)
    assert first.articles_extracted == 12 and len(extractor.calls) == 12
    assert first.articles_linked == 12 and first.claims_linked == first.claims_total > 0
    assert first.pairs_compared > 0

    second = run([drop], store, tmp_path / "out", extractor=extractor, extractor_version=VERSION)
    assert len(extractor.calls) == 12  # not called again
    assert (second.articles_extracted, second.articles_linked, second.claims_linked) == (0, 0, 0)
    assert second.pairs_compared == second.pairs_rechecked == 0
    assert stored_result(store) == full_result(store)

    (latest, earlier) = store.runs()[:2]
    assert latest.id == second.run_id and earlier.id == first.run_id
    assert latest.counts["pairs_compared"] == 0 and earlier.counts["pairs_compared"] > 0
    assert {"ingest", "extract", "link", "check", "store", "total"} <= set(latest.timings)


def test_one_changed_article_is_the_only_one_extracted_again(tmp_path: Path, store: Store) -> None:
    drop = random_drop(tmp_path / "drop", 10, seed=2)
    extractor = Counting()
    run([drop], store, None, extractor=extractor, extractor_version=VERSION)
    extractor.calls.clear()

    write_article(drop, "a004", ["@ attack mosul 2025-03-02 77", "@ relocation homs 2025-03-03 -"])
    again = run([drop], store, None, extractor=extractor, extractor_version=VERSION)
    assert extractor.calls == ["a004.txt"]
    assert again.articles_added == 1 and again.articles_known == 9
    assert again.articles_extracted == 1 and again.articles_linked == 1
    assert stored_result(store) == full_result(store)


@pytest.mark.parametrize("chain_from", [50, 2])
def test_incremental_runs_equal_linking_everything_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chain_from: int
) -> None:
    """Three drops run one after the other, in small link steps, end with exactly the
    events and findings of one run over all of them, and of link()+check() over all;
    also when every old event a new claim joins is re-clustered whole (chain_from=2)
    instead of linked again."""
    monkeypatch.setattr(run_module, "CHAIN_MIN_EVENT", chain_from)
    chained: list[int] = []
    original = run_module._chained_graph

    def spy(claims, old_events, edges):  # type: ignore[no-untyped-def]
        if old_events:  # new claims alone are always clustered from their edges
            chained.append(len(claims))
        return original(claims, old_events, edges)

    monkeypatch.setattr(run_module, "_chained_graph", spy)
    drops = [random_drop(tmp_path / f"d{i}", 15, seed=10 + i, prefix=f"d{i}-") for i in range(3)]

    step_by_step = Store(tmp_path / "steps.db")
    for drop in drops:
        run(
            [drop],
            step_by_step,
            None,
            extractor=spec_extract,
            extractor_version=VERSION,
            link_step_claims=4,
        )
    at_once = Store(tmp_path / "once.db")
    combined = tmp_path / "all"
    for drop in drops:
        shutil.copytree(drop, combined, dirs_exist_ok=True)
    run([combined], at_once, None, extractor=spec_extract, extractor_version=VERSION)

    events, findings = stored_result(step_by_step)
    assert (events, findings) == full_result(step_by_step)
    assert (events, findings) == stored_result(at_once)
    assert len(events) >= 5 and len(findings) >= 3  # the drops do link and clash
    assert bool(chained) == (chain_from == 2)  # the path under test was taken
    step_by_step.close()
    at_once.close()


@pytest.mark.parametrize("chain_from", [50, 2])
def test_a_re_extraction_that_drops_claims_updates_their_events_and_findings(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch, chain_from: int
) -> None:
    monkeypatch.setattr(run_module, "CHAIN_MIN_EVENT", chain_from)
    drop = random_drop(tmp_path / "drop", 20, seed=3)
    run([drop], store, None, extractor=spec_extract, extractor_version="v1")

    def fewer(article: Article) -> list[Claim]:
        return spec_extract(article)[:1]  # the new version keeps one claim per article

    summary = run([drop], store, None, extractor=fewer, extractor_version="v2")
    assert summary.articles_extracted == 20 and summary.articles_linked == 20
    assert stored_result(store) == full_result(store)
    assert summary.resolved_findings == len(
        set(store.run_finding_ids(summary.previous_run_id) or ()) - store.finding_ids()
    )


def test_only_blocks_touched_by_new_claims_are_read_and_other_findings_stay(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path / "base"
    write_article(base, "s1", ["@ relocation homs 2025-03-02 40"])
    write_article(base, "s2", ["@ relocation homs 2025-03-05 40"])  # a date conflict in Syria
    write_article(base, "i1", ["@ attack mosul 2025-03-02 10"])
    write_article(base, "i2", ["@ attack mosul 2025-03-02 40"])  # a count conflict in Iraq
    run([base], store, None, extractor=spec_extract, extractor_version=VERSION)
    findings = {f.id: f for f in store.findings()}
    assert {f.kind for f in findings.values()} >= {"date", "count"}

    def rowids() -> dict[str, int]:
        # Where each row lies: a row deleted and written again gets a new one.
        where = "ctid" if store.engine.dialect.name == "postgresql" else "rowid"
        with store.engine.connect() as conn:
            rows = conn.execute(sa.text(f"SELECT id, {where} FROM findings"))
            return {row[0]: row[1] for row in rows}

    before = rowids()
    read: list[str] = []
    original = Store.claims_in_block

    def spy(self: Store, key: str, want: BlockQuery, **kwargs: object) -> list[Claim]:
        read.append(key)
        return original(self, key, want, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "claims_in_block", spy)
    later = tmp_path / "later"
    write_article(later, "i3", ["@ attack mosul 2025-03-02 12"])
    summary = run([later], store, None, extractor=spec_extract, extractor_version=VERSION)

    assert summary.articles_linked == 1
    assert read == ["violence|iraq"]  # the new claim's only block
    after = rowids()
    syrian = [i for i, f in findings.items() if f.kind == "date"]
    iraqi = [i for i, f in findings.items() if f.kind == "count"]
    # The Syrian finding was not touched (same row); the Iraqi event was re-checked.
    assert all(after[i] == before[i] for i in syrian)
    assert all(i in after for i in iraqi)
    # The new report's toll joins the Iraqi disagreement: the same finding (same ID) with
    # one more side, not a new finding.
    assert summary.new_findings == 0
    grown = store.get_finding(iraqi[0])
    assert grown is not None and len(grown.claim_ids) == len(findings[iraqi[0]].claim_ids) + 1
    assert stored_result(store) == full_result(store)


def test_a_changed_linker_relinks_everything(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    drop = random_drop(tmp_path / "drop", 10, seed=4)
    first = run([drop], store, None, extractor=spec_extract, extractor_version=VERSION)
    assert first.relinked_all  # a new store has no links yet
    same = run([drop], store, None, extractor=spec_extract, extractor_version=VERSION)
    assert not same.relinked_all and same.articles_linked == 0

    monkeypatch.setattr(run_module, "linker_fingerprint", lambda: "link:changed")
    changed = run([drop], store, None, extractor=spec_extract, extractor_version=VERSION)
    assert changed.relinked_all and changed.articles_linked == 10
    assert changed.articles_extracted == 0
    assert stored_result(store) == full_result(store)
    assert changed.new_findings == 0 and changed.resolved_findings == 0


def test_link_state_survives_reopening_the_store(tmp_path: Path) -> None:
    """The blocking index lives in the store: a later run in a new process (here: a new
    Store) links new claims against it without reading every claim."""
    db = tmp_path / "c.db"
    with Store(db) as first:
        run(
            [random_drop(tmp_path / "a", 10, seed=5)],
            first,
            None,
            extractor=spec_extract,
            extractor_version=VERSION,
        )
    rng = random.Random(6)
    later = tmp_path / "b"
    write_article(later, "new", random_lines(rng, 3))
    with Store(db) as second:
        summary = run([later], second, None, extractor=spec_extract, extractor_version=VERSION)
        assert summary.articles_linked == 1 and not summary.relinked_all
        assert stored_result(second) == full_result(second)


def test_a_report_of_the_changes_covers_only_what_the_run_wrote(
    tmp_path: Path, store: Store
) -> None:
    base = tmp_path / "base"
    write_article(base, "s1", ["@ relocation homs 2025-03-02 40"])
    write_article(base, "s2", ["@ relocation homs 2025-03-05 40"])
    write_article(base, "i1", ["@ attack mosul 2025-03-02 10"])
    write_article(base, "i2", ["@ attack mosul 2025-03-02 40"])
    out = tmp_path / "out"
    first = run([base], store, out, extractor=spec_extract, extractor_version=VERSION)
    assert first.report_scope == "full"  # a small store: the whole of it (--report auto)
    assert len(json.loads((out / "report.json").read_text(encoding="utf-8"))["events"]) == 2

    later = tmp_path / "later"
    write_article(later, "i3", ["@ attack mosul 2025-03-02 12"])
    second = run(
        [later], store, out, extractor=spec_extract, extractor_version=VERSION, report="changed"
    )
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert second.report_scope == "changed"
    (event,) = report["events"]  # the Mosul event only: the Homs one was not touched
    assert {c["article_name"] for c in event["claims"]} == {"i1.txt", "i2.txt", "i3.txt"}
    assert {a["name"] for a in report["articles"]} == {"i1.txt", "i2.txt", "i3.txt"}
    assert report["delta"]["run_id"] == second.run_id

    (out / "report.json").unlink()
    third = run(
        [later], store, out, extractor=spec_extract, extractor_version=VERSION, report="none"
    )
    assert third.report_json is None and not (out / "report.json").exists()
    assert json.loads((out / "delta.json").read_text(encoding="utf-8"))["run_id"] == third.run_id


def test_a_report_of_many_changes_keeps_the_most_severe_findings(
    tmp_path: Path, store: Store
) -> None:
    from checker.run import ChangedView

    run(
        [random_drop(tmp_path / "drop", 30, seed=8)],
        store,
        None,
        extractor=spec_extract,
        extractor_version=VERSION,
    )
    events = {e.id for e in store.events()}
    findings = store.findings()  # most severe first
    assert len(findings) >= 3
    view = ChangedView(store, events, set(), max_findings=2)
    assert [f.id for f in view.findings()] == [f.id for f in findings[:2]]
    assert view.findings_left_out == len(findings) - 2
    assert {c.id for c in view.claims()} == {i for f in findings[:2] for i in f.claim_ids}
    assert {e.id for e in view.events()} == {f.event_id for f in findings[:2]}
    report = build_report(view).model_dump(mode="json")
    assert report["summary"]["findings"] == 2
    shown = {c["id"] for e in report["events"] for c in e["claims"]}
    assert shown == {c.id for c in view.claims()}


def test_facts_no_new_claim_changed_keep_their_outcome_unjudged(
    tmp_path: Path, store: Store
) -> None:
    """A report that joins an event with a date but no count: the date fact is judged
    again (it now holds a conflict), the count fact keeps its finding without a judge
    call; the stored findings are those of checking everything again."""
    base = tmp_path / "base"
    write_article(base, "r1", ["@ relocation homs 2025-03-02 40"])
    write_article(base, "r2", ["@ relocation homs 2025-03-02 12"])
    out = tmp_path / "out"
    run([base], store, out, extractor=spec_extract, extractor_version=VERSION)
    before = {f.kind: f for f in store.findings()}
    assert set(before) == {"count"}

    later = tmp_path / "later"
    write_article(later, "r3", ["@ relocation homs 2025-03-06 -"])
    run_module.ingest_drops([later], store)
    run_module.extract_pending(store, extractor=spec_extract, extractor_version=VERSION)
    stats = run_module.link_pending(store, previous_ids={f.id for f in before.values()})
    assert stats.facts_reused >= 1
    after = {f.kind: f for f in store.findings()}
    assert after["count"].id == before["count"].id
    assert after["count"].claim_ids == before["count"].claim_ids
    assert after["count"].event_id == after["date"].event_id != before["count"].event_id
    assert stored_result(store) == full_result(store)
    assert after["date"].id in stats.findings_written
    assert after["count"].id not in stats.findings_written


def test_a_report_of_the_changes_shows_the_findings_the_run_judged(
    tmp_path: Path, store: Store
) -> None:
    base = tmp_path / "base"
    write_article(base, "r1", ["@ relocation homs 2025-03-02 40"])
    write_article(base, "r2", ["@ relocation homs 2025-03-02 12"])
    out = tmp_path / "out"
    run([base], store, out, extractor=spec_extract, extractor_version=VERSION)
    later = tmp_path / "later"
    write_article(later, "r3", ["@ relocation homs 2025-03-06 -"])
    run([later], store, out, extractor=spec_extract, extractor_version=VERSION, report="changed")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    kinds = sorted(f["kind"] for e in report["events"] for f in e["findings"])
    assert kinds == ["date"]  # the count finding did not change
    assert {f.kind for f in store.findings()} >= {"date", "count"}
