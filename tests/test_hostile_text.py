"""Untrusted text stays text: article text, titles, outlets and URLs in every output.

The web drop has an article whose title is ``<script>alert(1)</script>``, whose outlet is
``<img src=x onerror=alert(1)>``, whose URL is ``javascript:alert(1)`` and whose text
(and so a quote in a finding) holds ``"><svg onload=alert(1)>``. These tests read the HTML
source; tests/test_browser.py checks the same pages in a real browser.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from checker.api import create_app
from checker.html_report import render_report_html
from checker.report import Report, build_report, render_markdown
from checker.store import Store
from tests.web_demo import HOSTILE_STRINGS, build_demo_store

MARKUP = ("<script", "<img", "<svg", "onerror=", "onload=")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Path]]:
    tmp = tmp_path_factory.mktemp("hostile")
    store, _ = build_demo_store(tmp)
    yield store, tmp / "out"
    store.close()


def _hostile_claim(store: Store) -> str:
    return next(c.id for c in store.claims() if "svg" in c.quote)


class _Elements(HTMLParser):
    """Every element the browser would build from the page, with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((name, value or "") for name, value in attrs)


def _assert_inert(page: str) -> None:
    parser = _Elements()
    parser.feed(page)
    # No element came from the data: one script and one style (ours), no image, no svg...
    assert parser.tags.count("script") == 1 and parser.tags.count("style") == 1
    assert not {"img", "svg", "iframe", "object", "embed", "base", "math"} & set(parser.tags)
    # ...no event handler attribute, no link to a script URL...
    assert not [name for name, _ in parser.attrs if name.startswith("on")]
    hrefs = [value for name, value in parser.attrs if name in ("href", "src", "action")]
    assert all(h.startswith(("#", "/", "http://", "https://")) for h in hrefs), hrefs
    # ...and each hostile string is there, as text.
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    for hostile in HOSTILE_STRINGS:
        assert hostile in text, hostile


def test_static_report_shows_hostile_text_as_text(demo: tuple[Store, Path]) -> None:
    page = (demo[1] / "report.html").read_text(encoding="utf-8")
    _assert_inert(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&#34;&gt;&lt;svg onload=alert(1)&gt;" in page
    # the javascript: URL is shown, but never as a link
    assert "javascript:alert(1)" in page
    assert 'href="javascript' not in page


def test_served_pages_show_hostile_text_as_text(demo: tuple[Store, Path]) -> None:
    store = demo[0]
    with TestClient(create_app(store=store)) as client:
        _assert_inert(client.get("/").text)
        claim_page = client.get(f"/claims/{_hostile_claim(store)}/page").text
        _assert_inert(claim_page)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in claim_page  # the article title
        # JSON carries the text as data, served as JSON (never sniffed as HTML)
        response = client.get(f"/claims/{_hostile_claim(store)}")
        assert response.headers["content-type"].startswith("application/json")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.json()["claim"]["url"] == "javascript:alert(1)"


def test_markdown_report_escapes_hostile_text(demo: tuple[Store, Path]) -> None:
    markdown = (demo[1] / "report.md").read_text(encoding="utf-8")
    for needle in MARKUP[:3]:
        assert needle not in markdown
    assert "&lt;img src=x onerror=alert(1)&gt;" in markdown
    assert "](javascript:" not in markdown and "<javascript:" not in markdown


def test_hostile_review_note_and_reviewer_stay_text(demo: tuple[Store, Path]) -> None:
    store = demo[0]
    finding = store.findings()[0]
    reviewer = '"><img src=x onerror=alert(3)>'
    store.add_user(reviewer)
    store.set_review(finding.id, "dismissed", note="<script>alert(2)</script>", by=reviewer)
    report = build_report(store)
    page = render_report_html(report)
    _assert_inert(page)
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert "<script>alert(2)" not in render_markdown(report)
    store.set_review(finding.id, "open", by=reviewer)


def test_hostile_event_labels_and_rejected_paths_stay_text(demo: tuple[Store, Path]) -> None:
    data = build_report(demo[0]).model_dump(mode="json")
    data["events"][0]["label_ar"] = "<svg onload=alert(4)>"
    data["rejected"] = [{"drop": "<b>d</b>", "path": "<img src=y>", "reason": "binary",
                         "detail": "<script>x</script>", "seen_at": None}]
    page = render_report_html(Report.model_validate(data))
    assert "&lt;svg onload=alert(4)&gt;" in page and "&lt;img src=y&gt;" in page
    assert "<svg" not in page and "<img" not in page
