"""The HTML report: the report dict rendered as one self-contained, right-to-left page."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from checker.html_report import (
    assets,
    finding_view,
    local_range,
    render_report_html,
    safe_url,
    segments,
)
from checker.report import build_report
from checker.run import run
from checker.store import Store
from tests.web_demo import DROP, build_demo_store


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Path]]:
    tmp = tmp_path_factory.mktemp("html")
    store, _summary = build_demo_store(tmp)
    yield store, tmp / "out"
    store.close()


@pytest.fixture(scope="module")
def report(demo: tuple[Store, Path]) -> dict[str, Any]:
    return build_report(demo[0])


@pytest.fixture(scope="module")
def page(demo: tuple[Store, Path]) -> str:
    return (demo[1] / "report.html").read_text(encoding="utf-8")


def _finding_block(page: str, finding_id: str) -> str:
    start = page.index(f'id="finding-{finding_id}"')
    return page[start : page.index("</article>", start)]


def test_run_writes_report_html_next_to_json(demo: tuple[Store, Path], page: str) -> None:
    out = demo[1]
    assert (out / "report.json").is_file() and (out / "report.md").is_file()
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="ar" dir="rtl">' in page
    assert '"Noto Naskh Arabic"' in page and "Tahoma" in page


def test_summary_and_every_finding_and_claim_are_on_the_page(
    report: dict[str, Any], page: str
) -> None:
    summary = report["summary"]
    assert summary["findings"] >= 3, "the demo drop has contradictions"
    cards = re.search(r'<ul class="cards">(.*?)</ul>', page[page.index('id="summary"'):], re.S)
    assert cards is not None
    numbers = [int(n) for n in re.findall(r"<b>(\d+)</b>", cards.group(1))]
    assert numbers[:4] == [
        summary["articles"], summary["claims"], summary["events"], summary["findings"]
    ]
    findings = [f for e in report["events"] for f in e["findings"]]
    findings += report["findings_outside_events"]
    assert len(findings) == summary["findings"]
    for finding in findings:
        assert page.count(f'id="finding-{finding["id"]}"') == 1
        for claim_id in finding["claim_ids"]:
            assert f'href="#claim-{claim_id}"' in page
    claims = [c for e in report["events"] for c in e["claims"]] + report["claims_outside_events"]
    assert len(claims) == summary["claims"]
    for claim in claims:
        assert page.count(f'id="claim-{claim["id"]}"') == 1


def test_findings_grouped_by_event_most_severe_first(report: dict[str, Any], page: str) -> None:
    rank = {"high": 0, "medium": 1, "low": 2}
    for event in report["events"]:
        if not event["findings"]:
            continue
        section_start = page.index(f'id="event-{event["id"]}"')
        section = page[section_start : page.index("</section>", section_start)]
        shown = re.findall(r'data-finding="(f_[0-9a-f]{16})" data-kind="\w+" '
                           r'data-severity="(\w+)"', section)
        assert [fid for fid, _ in shown] == [f["id"] for f in event["findings"]]
        severities = [rank[s] for _, s in shown]
        assert severities == sorted(severities)


def test_compared_words_are_marked_inside_each_quote(report: dict[str, Any], page: str) -> None:
    counts = [
        f for e in report["events"] for f in e["findings"] if f["kind"] == "count"
    ]
    assert counts, "the flood reports disagree on the toll"
    block = _finding_block(page, counts[0]["id"])
    for value in counts[0]["values"]:
        assert f"<mark>{value['span']['text']}</mark>" in block
    # the normalised values compared, under the slot's Arabic name
    assert block.count("<dt>العدد</dt>") == 2
    for value in counts[0]["values"]:
        assert f'<bdi class="en">{value["value"]}</bdi>' in block
    # rule code, name and explanation in Arabic, English behind a toggle
    assert counts[0]["code"] in block and counts[0]["rule"] in block
    assert counts[0]["explanation_ar"] in block
    assert "<summary>English</summary>" in block


def test_review_status_note_and_reviewer_are_shown(tmp_path: Path) -> None:
    store, _ = build_demo_store(tmp_path)
    finding = store.findings()[0]
    store.set_review(finding.id, "dismissed", note="مرحلتان مختلفتان", by="رنا")
    html = render_report_html(build_report(store))
    block = _finding_block(html, finding.id)
    assert 'data-status="dismissed"' in block
    assert "مرحلتان مختلفتان" in block and "رنا" in block
    store.close()


def test_page_is_self_contained_and_locked_down(page: str) -> None:
    """No external resource of any kind; only our own inline script and style may run."""
    assert "<link" not in page
    assert not re.search(r"<[a-zA-Z][^>]*\ssrc\s*=", page), "no element loads anything"
    assert "@import" not in page and "url(" not in page
    assert page.count("<script>") == 1 and page.count("<style>") == 1
    css, js = assets()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None
    policy = csp.group(1).replace("&#39;", "'")
    digest = base64.b64encode(hashlib.sha256(js.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy
    assert "default-src 'none'" in policy and "connect-src 'none'" in policy
    assert f"<script>{js}</script>" in page and f"<style>{css}</style>" in page


def test_static_page_has_filters_but_no_review_buttons(page: str, tmp_path: Path) -> None:
    for dim in ("kind", "severity", "certainty", "status"):
        assert f'data-filter="{dim}"' in page
    assert "<button type=\"button\" data-review" not in page
    store, _ = build_demo_store(tmp_path)
    live = render_report_html(build_report(store), live=True)
    buttons = live.count('<button type="button" data-review="confirmed"')
    assert buttons == store.counts()["findings"]
    assert 'id="token"' not in live
    assert 'id="token"' in render_report_html(build_report(store), live=True, token_required=True)
    store.close()


def test_delta_section_renders_when_the_report_has_one(report: dict[str, Any]) -> None:
    first = report["events"][0]["findings"][0]["id"]
    with_delta = {
        **report,
        "delta": {
            "run_id": "r_2",
            "previous_run_id": "r_1",
            "new": [{"id": first, "code": "C002"}],
            "open": ["f_0000000000000001"],
            "resolved": [
                {"id": "f_00000000000000aa", "code": "C003", "kind": "count",
                 "explanation_ar": "نص <b>قديم</b>"},
                {"id": "f_00000000000000bb"},
            ],
            "counts": {"new": 1, "open": 1, "resolved": 2},
        },
    }
    html = render_report_html(with_delta)
    assert 'id="delta"' in html
    assert '<b data-delta="new">1</b>' in html and '<b data-delta="resolved">2</b>' in html
    assert f'href="#finding-{first}"' in html
    assert "f_00000000000000bb" in html and "نص &lt;b&gt;قديم&lt;/b&gt;" in html
    assert 'class="badge new"' in _finding_block(html, first)


@pytest.mark.parametrize(
    "delta",
    ["garbage", None, {"new": "x", "open": 3, "resolved": [1, None]}, {"counts": []}],
)
def test_malformed_delta_never_breaks_the_page(report: dict[str, Any], delta: Any) -> None:
    html = render_report_html({**report, "delta": delta})
    assert "</html>" in html


def test_empty_report_renders(tmp_path: Path) -> None:
    store = Store(tmp_path / "empty.db")
    html = render_report_html(build_report(store))
    assert "لم يُعثر على أي تناقض" in html and "</html>" in html
    store.close()


def test_real_extraction_run_writes_a_valid_page(tmp_path: Path) -> None:
    """Whatever extraction finds in the drop today, the page is written and escaped."""
    store = Store(tmp_path / "real.db")
    run([DROP], store, tmp_path / "out")
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in html
    assert "<script>alert(1)</script>" not in html
    assert html.count('<tr id="article-') == 5
    store.close()


# -- highlighting and links --------------------------------------------------------------------


def test_local_range_uses_offsets_and_checks_the_text() -> None:
    quote = "قتل 12 شخصاً في الهجوم"
    assert local_range(quote, 100, {"start": 104, "end": 106, "text": "12"}) == (4, 6)
    # offsets that disagree with the recorded text: fall back to finding the text
    assert local_range(quote, 100, {"start": 90, "end": 92, "text": "12"}) == (4, 6)
    assert local_range(quote, None, None, fallback="الهجوم") == (16, 22)
    assert local_range(quote, 100, {"start": 500, "end": 510, "text": "غير موجود"}) is None


def test_segments_merge_overlaps_and_keep_every_character() -> None:
    text = "abcdefghij"
    parts = segments(text, [(2, 5), (4, 7), (9, 20)])
    assert parts == [("ab", False, False), ("cdefg", True, False), ("hi", False, False),
                     ("j", True, False)]
    assert "".join(p for p, _, _ in parts) == text
    assert segments("", []) == [("", False, False)]
    # a sentence with the quote (evidence) set off and a mark before it
    parts = segments("0123456789", [(1, 3)], evidence=(5, 8))
    assert parts == [("0", False, False), ("12", True, False), ("34", False, False),
                     ("567", False, True), ("89", False, False)]


def test_a_compared_word_outside_the_quote_is_marked_in_its_sentence() -> None:
    """The date is earlier in the sentence than the quoted words: the sentence is shown."""
    sentence = "يوم الأحد بدأ الانسحاب من القاعدة الجوية"
    article_offset = 200
    quote = "بدأ الانسحاب من القاعدة"
    q_start = article_offset + sentence.index(quote)
    finding = {
        "id": "f_1", "kind": "weekday", "severity": "high", "certainty": "hard",
        "claim_ids": ["c_1"],
        "values": [{"claim_id": "c_1", "field": "time.weekday", "value": "Sunday",
                    "quote": "يوم الأحد",
                    "span": {"start": article_offset, "end": article_offset + 9,
                             "text": "يوم الأحد"}}],
        "quotes": [{"claim_id": "c_1", "quote": quote, "start": q_start,
                    "end": q_start + len(quote)}],
    }
    sentences = {"c_1": {"start": article_offset, "end": article_offset + len(sentence),
                         "text": sentence}}
    (view,) = finding_view(finding, {}, sentences=sentences)["quotes"]
    assert view["in_sentence"]
    assert [(p, m, e) for p, m, e in view["segments"] if m] == [("يوم الأحد", True, False)]
    assert [p for p, _, e in view["segments"] if e] == [quote]
    # without the sentence, the quote is shown alone and nothing is marked
    (alone,) = finding_view(finding, {})["quotes"]
    assert not alone["in_sentence"] and not alone["marked"]


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.org/a?b=1", True),
        ("http://example.org", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox", False),
        ("//evil.example/x", False),
        ("/etc/passwd", False),
        ('https://example.org/"onmouseover="alert(1)', False),
        ("https://", False),
        (None, False),
    ],
)
def test_only_http_urls_become_links(url: Any, ok: bool) -> None:
    assert (safe_url(url) is not None) is ok


def test_a_finding_quote_covers_the_compared_words_said_before_the_event() -> None:
    """"يوم الأحد بدأ الانسحاب من القاعدة": the weekday stands before the event's words,
    so the side's quote is widened to show it; an editor reads the quote alone."""
    from checker.report import _report_finding
    from claims.model import Article, Claim, ComparedValue, Finding, Span

    text = "يوم الأحد بدأ الانسحاب من القاعدة."
    article = Article.from_text("a.txt", text)
    start = text.index("الانسحاب")
    evidence = Span(start=start, end=len(text) - 1, text=text[start:-1])
    claim = Claim(article_id=article.id, sentence=evidence, evidence=evidence,
                  quote=evidence.text, event="withdrawal")
    weekday = Span(start=0, end=9, text=text[:9])
    finding = Finding(
        rule="weekday_conflict.v1", code="C002", kind="weekday", severity="high",
        certainty="hard", claim_ids=[claim.id],
        values=[ComparedValue(claim_id=claim.id, field="time.weekday", value="Sunday",
                              quote=weekday.text, span=weekday)],
    )
    (quote,) = _report_finding(finding, {claim.id: claim}, {article.id: article}, None).quotes
    assert (quote.start, quote.end) == (0, len(text) - 1)
    assert quote.quote == text[:-1] and "يوم الأحد" in quote.quote
