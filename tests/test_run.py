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


# -- what a run keeps between processes: the extraction build, cached ---------------------


def _package_copy(tmp_path: Path) -> Path:
    """A copy of a few files of the claims package: a code file and a lexicon."""
    from importlib import resources

    root = Path(str(resources.files("claims")))
    copy = tmp_path / "claims"
    for relative in ("resources.py", "lexicon/ar/morphology.yaml"):
        (copy / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / relative, copy / relative)
    return copy


def test_a_changed_lexicon_file_is_never_served_from_the_cache(tmp_path: Path) -> None:
    """The cache key covers every file of the package: change a lexicon file and the
    entry cached for the old content is not found; the new content is built and cached
    under its own key; changing the file back finds the first entry again."""
    from claims import resources
    from claims.pipeline import pipeline_cache_key

    copy = _package_copy(tmp_path)
    cache = tmp_path / "cache"
    lexicon = copy / "lexicon/ar/morphology.yaml"
    original = lexicon.read_text(encoding="utf-8")
    builds: list[str] = []

    def load() -> str:
        key = resources.cache_key("test", resources.package_digest(copy))
        return resources.cached("test", key, lambda: builds.append("built") or
                                lexicon.read_text(encoding="utf-8"), cache)

    assert load() == original and builds == ["built"]
    assert load() == original and builds == ["built"]  # served from the cache
    old_key = pipeline_cache_key("ar", copy)
    lexicon.write_text(original + "\n# one more line\n", encoding="utf-8")
    assert pipeline_cache_key("ar", copy) != old_key
    assert load() == original + "\n# one more line\n" and builds == ["built", "built"]
    lexicon.write_text(original, encoding="utf-8")
    assert pipeline_cache_key("ar", copy) == old_key
    assert load() == original and builds == ["built", "built"]


def test_the_pipeline_key_covers_code_and_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claims.pipeline import pipeline_cache_key

    copy = _package_copy(tmp_path)
    key = pipeline_cache_key("ar", copy)
    assert pipeline_cache_key("en", copy) != key
    monkeypatch.setenv("CLAIMCHECK_TIME_SOMETHING", "1")  # taggers read their settings
    assert pipeline_cache_key("ar", copy) != key
    monkeypatch.delenv("CLAIMCHECK_TIME_SOMETHING")
    code = copy / "resources.py"
    code.write_text(code.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert pipeline_cache_key("ar", copy) != key


def test_a_damaged_cache_entry_is_built_again(tmp_path: Path) -> None:
    from claims import resources

    resources.cache_store("thing", "k1", {"a": 1}, tmp_path)
    (entry,) = tmp_path.glob("thing-*.pickle")
    assert resources.cache_load("thing", "k1", tmp_path) == {"a": 1}
    assert resources.cache_load("thing", "k2", tmp_path) is None  # another key
    entry.write_bytes(entry.read_bytes()[:-5])
    assert resources.cache_load("thing", "k1", tmp_path) is None
    assert resources.cached("thing", "k1", lambda: {"a": 2}, tmp_path) == {"a": 2}


def test_the_cache_lives_outside_the_package_and_can_be_turned_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from importlib import resources as importlib_resources

    from claims import resources

    package = Path(str(importlib_resources.files("claims"))).resolve()
    monkeypatch.delenv("CLAIMCHECK_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    found = resources.cache_dir()
    assert found is not None and not found.resolve().is_relative_to(package)
    monkeypatch.setenv("CLAIMCHECK_CACHE_DIR", str(tmp_path / "mine"))
    assert resources.cache_dir() == tmp_path / "mine"
    monkeypatch.setenv("CLAIMCHECK_CACHE_DIR", "off")
    assert resources.cache_dir() is None
    resources.cache_store("thing", "k", 1)  # nothing is written anywhere
    assert resources.cached("thing", "k", lambda: 2) == 2


def test_a_cached_pipeline_extracts_what_a_new_one_does(repo_root: Path, tmp_path: Path) -> None:
    """The pipeline read back from the cache gives the same claims, field for field, as
    one built now (the seed reports and an English wire report)."""
    from checker.ingest import read_drop
    from claims import resources
    from claims.pipeline import build_pipeline, claims_with, language_pipeline

    articles = read_drop(repo_root / "seeds").articles
    articles.append(Article.from_text(
        "wire.txt",
        "BAGHDAD, March 3 (Reuters) - Three soldiers were killed in an attack on a base near "
        "Mosul on Sunday, officials said.",
        language="en",
    ))
    for language in sorted({a.language for a in articles}):
        built = build_pipeline(language=language), language_pipeline(language).assembler()
        resources.cache_store("pipeline-test", "k", built, tmp_path)
        cached = resources.cache_load("pipeline-test", "k", tmp_path)
        assert cached is not None and cached[0] is not built[0]
        for article in (a for a in articles if a.language == language):
            assert [c.model_dump_json() for c in claims_with(*cached, article)] == [
                c.model_dump_json() for c in claims_with(*built, article)
            ]


# -- writing extracted articles in batches ---------------------------------------------------


def test_articles_are_written_in_batches_and_a_bad_one_is_found_alone(
    drop: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch the store refuses is written again one article at a time: only the
    article at fault is rejected."""
    save_many = Store.save_articles_with_claims
    batches: list[int] = []

    def refusing(self: Store, items, *, extractor: str = ""):  # type: ignore[no-untyped-def]
        batches.append(len(items))
        if any(article.name == "quake.txt" for article, _ in items):
            raise ValueError("refused")
        return save_many(self, items, extractor=extractor)

    monkeypatch.setattr(Store, "save_articles_with_claims", refusing)
    summary = run([drop], store, None, extractor=CountingExtractor(), extractor_version="v1")
    assert batches[0] > 1  # the articles went in one batch first
    assert [r.path for r in summary.rejected if r.reason == "extraction_error"] == [
        "quake.txt"
    ]
    extracted = {a.name for a in store.articles() if a.id in store.extracted_article_ids()}
    assert "quake.txt" not in extracted
    assert summary.articles_extracted == len(extracted) == len(store.articles()) - 1


# -- the report written as it is made ------------------------------------------------------------


def test_the_report_json_is_written_piece_by_piece_as_one_dump_would_be(
    drop: Path, store: Store, tmp_path: Path
) -> None:
    from checker.report import dumps_json, write_report_json

    run([drop], store, tmp_path / "out", extractor=CountingExtractor(), extractor_version="v1")
    report = build_report(store)
    write_report_json(report, tmp_path / "r.json")
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == dumps_json(
        report.model_dump(mode="json")
    )
