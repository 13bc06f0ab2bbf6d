"""The run job: incremental ingestion and extraction, errors isolated, reports written."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

import networkx as nx
import pytest

from checker import linking, rules
from checker.linking import ClaimGraph
from checker.report import build_report, render_markdown
from checker.run import RunSummary, run
from checker.store import Store
from claims.model import (
    Article,
    Claim,
    ComparedValue,
    EventCluster,
    Finding,
    FindingSide,
    Quantity,
    Span,
)

NUMBER = re.compile(r"\d+")


class CountingExtractor:
    """A stand-in extractor: one count claim per number in the text; counts its calls."""

    def __init__(self, fail_on: str | None = None) -> None:
        self.calls: list[str] = []
        self.fail_on = fail_on

    def __call__(self, article: Article) -> list[Claim]:
        self.calls.append(article.name)
        if self.fail_on and self.fail_on in article.name:
            raise RuntimeError("tagger crashed")
        claims = []
        for match in NUMBER.finditer(article.text):
            span = Span(start=match.start(), end=match.end(), text=match.group())
            claims.append(
                Claim(
                    article_id=article.id, sentence=span, evidence=span, quote=match.group(),
                    event="casualties",
                    quantity=Quantity(value=float(match.group()), unit="people"),
                )
            )
        return claims


def fake_link(claims: Sequence[Claim]) -> ClaimGraph:
    """All claims in one event (enough to exercise storage and the report)."""
    ids = [c.id for c in claims]
    graph = ClaimGraph(graph=nx.Graph())
    if ids:
        event = EventCluster(
            id=EventCluster.compute_id(ids), label="Casualties", label_ar="الضحايا",
            event="casualties", claim_ids=ids,
        )
        graph.events = [event]
        graph.event_of = {cid: event.id for cid in ids}
    return graph


def fake_check(graph: ClaimGraph, claims: Sequence[Claim], **_: object) -> list[Finding]:
    """Flag the first two claims of different articles with different numbers."""
    for a in claims:
        for b in claims:
            if a.article_id < b.article_id and a.quote != b.quote:
                return [
                    Finding(
                        rule="count_conflict.v1", code="C003", kind="count", severity="high",
                        certainty="hard", claim_ids=[a.id, b.id],
                        sides=[
                            FindingSide(value=c.quote, claim_ids=[c.id],
                                        article_ids=[c.article_id],
                                        quotes=[ComparedValue(claim_id=c.id, field="quantity",
                                                              value=c.quote)])
                            for c in (a, b)
                        ],
                        explanation_en="Counts differ.", explanation_ar="العددان مختلفان.",
                    )
                ]
    return []


@pytest.fixture
def drop(tmp_path: Path, drops_dir: Path) -> Path:
    target = tmp_path / "drop"
    shutil.copytree(drops_dir / "basic", target)
    return target


def test_running_the_same_drop_twice_stores_and_extracts_nothing_twice(
    drop: Path, store: Store, tmp_path: Path
) -> None:
    extractor = CountingExtractor()
    first = run([drop], store, tmp_path / "out", extractor=extractor)
    assert first.articles_read == 7 and first.articles_added == 7
    assert first.articles_extracted == 7 and len(extractor.calls) == 7
    counts = store.counts()
    assert counts["claims"] == first.claims_extracted > 0
    assert {r.reason for r in first.rejected} == {"malformed_json", "missing_text"}

    second = run([drop], store, tmp_path / "out", extractor=extractor)
    assert len(extractor.calls) == 7  # not called again
    assert (second.articles_added, second.articles_known, second.articles_extracted) == (0, 7, 0)
    assert second.claims_extracted == 0
    after = store.counts()
    assert {k: after[k] for k in ("articles", "claims", "rejected")} == {
        k: counts[k] for k in ("articles", "claims", "rejected")
    }
    assert after["runs"] == 2
    assert set(second.timings) >= {"ingest", "extract", "link", "check", "store", "report"}


def test_a_fixed_file_is_no_longer_listed_as_rejected(tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "a.txt").write_bytes(b"")
    (folder / "b.txt").write_text("نص سليم\n", encoding="utf-8")
    run([folder], store, None, extractor=CountingExtractor(), extractor_version="v1")
    assert [(r.path, r.reason) for r in store.rejected()] == [("a.txt", "empty")]
    (folder / "a.txt").write_text("نص أصبح صالحا\n", encoding="utf-8")
    summary = run([folder], store, None, extractor=CountingExtractor(), extractor_version="v1")
    assert summary.articles_added == 1 and summary.rejected == []
    assert store.rejected() == []


def test_a_new_extractor_version_reextracts(drop: Path, store: Store) -> None:
    extractor = CountingExtractor()
    run([drop], store, None, extractor=extractor, extractor_version="v1")
    run([drop], store, None, extractor=extractor, extractor_version="v1")
    assert len(extractor.calls) == 7
    run([drop], store, None, extractor=extractor, extractor_version="v2")
    assert len(extractor.calls) == 14
    run([drop], store, None, extractor=extractor, extractor_version="v2", reextract=True)
    assert len(extractor.calls) == 21


def test_an_extraction_error_is_recorded_and_the_batch_goes_on(
    drop: Path, store: Store
) -> None:
    broken = CountingExtractor(fail_on="quake")
    summary = run([drop], store, None, extractor=broken, extractor_version="v1")
    assert summary.extraction_errors == 1
    assert summary.articles_extracted == 6
    (error,) = [r for r in store.rejected() if r.reason == "extraction_error"]
    assert error.path == "quake.txt" and "tagger crashed" in error.detail
    quake = store.article_by_name("quake.txt")
    assert quake is not None and quake.id not in store.extracted_article_ids()

    # Fixed extractor: the failed article is retried and its error record goes away.
    fixed = CountingExtractor()
    again = run([drop], store, None, extractor=fixed, extractor_version="v1")
    assert fixed.calls == ["quake.txt"] and again.articles_extracted == 1
    assert not [r for r in store.rejected() if r.reason == "extraction_error"]


def test_out_of_range_claims_are_an_extraction_error(drop: Path, store: Store) -> None:
    def bad(article: Article) -> list[Claim]:
        span = Span(start=0, end=len(article.text) + 5)
        return [Claim(article_id=article.id, sentence=span, evidence=span, quote="x",
                      event="other")]

    summary = run([drop], store, None, extractor=bad, extractor_version="bad")
    assert summary.extraction_errors == 7 and store.counts()["claims"] == 0


def test_report_carries_events_findings_quotes_and_reviews(
    drop: Path, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(linking, "link", fake_link)
    monkeypatch.setattr(rules, "check", fake_check)
    out = tmp_path / "out"
    summary = run([drop], store, out, extractor=CountingExtractor(), extractor_version="v1")
    assert summary.events == 1 and summary.findings == 1
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    (event,) = report["events"]
    assert event["label"] == "Casualties" and len(event["claims"]) == summary.claims_total
    (finding,) = event["findings"]
    assert finding["code"] == "C003" and finding["review"]["status"] == "open"
    for quote in (q for side in finding["sides"] for q in side["quotes"]):
        article = store.get_article(quote["article_id"])
        assert article is not None
        assert article.text[quote["start"]:quote["end"]] == quote["quote"]
        assert quote["article_name"] == article.name
    claim = event["claims"][0]
    assert claim["slots_text"]["quantity"].endswith("people")
    assert report["summary"]["findings_by_severity"] == {"high": 1}
    assert {r["reason"] for r in report["rejected"]} == {"malformed_json", "missing_text"}
    assert "العددان مختلفان" in (out / "report.md").read_text(encoding="utf-8")

    store.add_user("ed")
    store.set_review(finding["id"], "dismissed", note="same toll, different dates", by="ed")
    run([drop], store, out, extractor=CountingExtractor(), extractor_version="v1")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    review = report["events"][0]["findings"][0]["review"]
    assert (review["status"], review["note"], review["by"]) == (
        "dismissed", "same toll, different dates", "ed")
    assert review["at"] is not None


def test_findings_outside_events_are_reported(
    drop: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(linking, "link", lambda claims: ClaimGraph())  # links nothing
    monkeypatch.setattr(rules, "check", fake_check)
    run([drop], store, None, extractor=CountingExtractor(), extractor_version="v1")
    report = build_report(store)
    assert report.events == []
    assert len(report.findings_outside_events) == 1
    assert len(report.claims_outside_events) == report.summary.claims


def test_markdown_never_lets_article_text_become_markup(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "# عنوان\n\n<script>alert(1)</script> قال **المصدر** إن [العدد](http://x) بلغ 12 | شخصا\n",
        encoding="utf-8",
    )
    (folder / "b.txt").write_text("<img src=x onerror=alert(1)> بلغ العدد 30\n", encoding="utf-8")

    def whole_lines(article: Article) -> list[Claim]:
        claims = []
        for match in re.finditer(r"[^\n]+", article.text):
            span = Span(start=match.start(), end=match.end(), text=match.group())
            claims.append(Claim(article_id=article.id, sentence=span, evidence=span,
                                quote=match.group(), event="other"))
        return claims

    monkeypatch.setattr(linking, "link", fake_link)
    monkeypatch.setattr(rules, "check", fake_check)
    run([folder], store, tmp_path / "out", extractor=whole_lines, extractor_version="lines")
    md = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "<script" not in md and "<img" not in md
    assert "&lt;script&gt;" in md
    assert "**المصدر**" not in md and "\\*\\*المصدر\\*\\*" in md
    assert "[العدد](http" not in md
    assert "\n# عنوان" not in md and "\\# عنوان" in md
    assert render_markdown(build_report(store)).count("### ") >= 1


def test_default_pipeline_runs_on_the_seeds(repo_root: Path, store: Store, tmp_path: Path) -> None:
    """Whatever the extractor, linker and rules currently do, a run over the seeds works
    and writes both reports."""
    summary = run([repo_root / "seeds"], store, tmp_path / "out")
    assert isinstance(summary, RunSummary)
    assert summary.articles_read == 5 and not summary.rejected
    assert summary.extractor.startswith("claims:")
    assert (tmp_path / "out" / "report.json").is_file()
    assert (tmp_path / "out" / "report.md").read_text(encoding="utf-8").startswith("# claimcheck")
    names = {a["name"] for a in json.loads(
        (tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["articles"]}
    assert names == {p.name for p in (repo_root / "seeds").glob("*.txt")}
    again = run([repo_root / "seeds"], store, None)
    assert again.articles_extracted == 0
