"""The report in a real browser: headless Chromium driven by Playwright.

The API server runs in a thread on a free 127.0.0.1 port over a store filled by a real
run over tests/data/web_drop (see tests/web_demo.py). The tests check what an editor
sees: a right-to-left page, the findings, filters that hide and show them, review
buttons whose decisions persist, hostile article text that never runs, and the static
file working from disk with no network.

Chromium is Debian's (``/usr/bin/chromium``, installed by ``.ci/run``); Playwright never
downloads a browser here. Without Chromium these tests are skipped, and say why.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytest.skip(
        "Chromium is not installed (Debian: apt-get install -y chromium fonts-noto-core)",
        allow_module_level=True,
    )

import uvicorn  # noqa: E402
from playwright.sync_api import Browser, Dialog, Page, expect, sync_playwright  # noqa: E402

from checker.api import LOOPBACK_HOSTS, create_app  # noqa: E402
from checker.store import Store  # noqa: E402
from tests.web_demo import HOSTILE_STRINGS, build_demo_store  # noqa: E402

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Records Content-Security-Policy violations: our own script and style must never be one.
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@dataclass
class Site:
    base: str
    store: Store
    out: Path


@dataclass
class Tab:
    page: Page
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _serving(app: Any) -> Iterator[str]:
    """Run ``app`` with uvicorn in a thread on a free loopback port; yields its base URL."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the API server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("browser")
    store, _summary = build_demo_store(tmp)
    with _serving(create_app(store=store, allowed_hosts=LOOPBACK_HOSTS)) as base:
        yield Site(base=base, store=store, out=tmp / "out")
    store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def tab(browser: Browser) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="ar")
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    opened = Tab(page=page)

    def on_dialog(dialog: Dialog) -> None:
        opened.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("request", lambda request: opened.requests.append(request.url))
    yield opened
    context.close()


def _visible_findings(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        ".finding[data-finding]",
        "els => els.filter(e => e.offsetParent !== null).map(e => e.dataset.finding)",
    )


def _csp_violations(page: Page) -> list[str]:
    return page.evaluate("window.__csp")


def test_report_is_right_to_left_and_shows_every_finding(
    site: Site, tab: Tab, tmp_path: Path
) -> None:
    page = tab.page
    page.goto(site.base + "/")
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    quote_direction = page.eval_on_selector(
        ".finding blockquote", "e => getComputedStyle(e).direction"
    )
    assert quote_direction == "rtl"
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert font.startswith('"Noto Naskh Arabic"')
    assert sorted(_visible_findings(page)) == sorted(f.id for f in site.store.findings())
    assert page.locator("mark").count() >= 2 * len(site.store.findings())
    assert _csp_violations(page) == [], "our own inline script and style must be allowed"
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_filters_hide_and_show_findings(site: Site, tab: Tab) -> None:
    page = tab.page
    page.goto(site.base + "/")
    findings = site.store.findings()
    high = {f.id for f in findings if f.severity == "high"}
    assert high and len(high) < len(findings)
    page.uncheck('input[data-dim="severity"][value="high"]')
    assert set(_visible_findings(page)) == {f.id for f in findings} - high
    assert page.inner_text("#shown-count") == str(len(findings) - len(high))
    # the Kirkuk event has only a high finding: its whole section is hidden
    kirkuk = next(e for e in site.store.events() if e.event == "attack")
    assert not page.is_visible(f'[id="event-{kirkuk.id}"]')
    page.uncheck('input[data-dim="kind"][value="count"]')
    assert _visible_findings(page) == []
    page.click("#filters-reset")
    assert len(_visible_findings(page)) == len(findings)
    page.uncheck('input[data-dim="status"][value="open"]')
    assert _visible_findings(page) == []  # nothing is reviewed yet
    page.check('input[data-dim="status"][value="open"]')
    page.uncheck('input[data-dim="certainty"][value="soft"]')
    assert {f for f in _visible_findings(page)} == {f.id for f in findings if f.certainty == "hard"}


def test_review_click_persists_in_the_store_and_after_reload(site: Site, tab: Tab) -> None:
    page = tab.page
    finding = next(f for f in site.store.findings() if f.kind == "count")
    page.goto(site.base + "/")
    box = page.locator(f'[data-finding="{finding.id}"]')
    page.fill("#reviewer", "رنا")
    box.locator('input[name="note"]').fill("الحصيلة ارتفعت في اليوم التالي")
    box.locator('button[data-review="confirmed"]').click()
    expect(box).to_have_attribute("data-status", "confirmed")
    assert box.locator('[data-role="status"]').inner_text() == "تناقض مؤكَّد"
    stored = site.store.get_finding(finding.id)
    assert stored is not None and stored.review_status == "confirmed"
    assert stored.reviewed_by == "رنا" and stored.review_note == "الحصيلة ارتفعت في اليوم التالي"

    page.reload()
    box = page.locator(f'[data-finding="{finding.id}"]')
    assert box.get_attribute("data-status") == "confirmed"
    assert box.locator('[data-role="note"]').inner_text() == "الحصيلة ارتفعت في اليوم التالي"
    assert box.locator('[data-role="by"]').inner_text() == "رنا"
    assert page.input_value("#reviewer") == "رنا"  # remembered for the next decision
    # the filters see the new status at once
    page.uncheck('input[data-dim="status"][value="confirmed"]')
    assert finding.id not in _visible_findings(page)

    page.check('input[data-dim="status"][value="confirmed"]')
    box.locator('button[data-review="open"]').click()
    expect(box).to_have_attribute("data-status", "open")
    reopened = site.store.get_finding(finding.id)
    assert reopened is not None and reopened.review_status == "open"
    assert _csp_violations(page) == []


def test_hostile_inputs_do_not_execute(site: Site, tab: Tab) -> None:
    page = tab.page
    hostile_claim = next(c.id for c in site.store.claims() if "svg" in c.quote)
    for url in (site.base + "/", f"{site.base}/claims/{hostile_claim}/page"):
        page.goto(url)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        page.mouse.move(300, 300)
        page.mouse.move(600, 700)
        assert tab.dialogs == [], "an injected script ran"
        assert page.evaluate("document.querySelectorAll('script').length") == 1
        assert page.evaluate("document.querySelectorAll('img, svg, iframe, object').length") == 0
        handlers = page.evaluate(
            """() => Array.from(document.querySelectorAll('*')).flatMap(
                 e => Array.from(e.attributes).map(a => a.name)).filter(n => n.startsWith('on'))"""
        )
        assert handlers == []
        assert page.locator('a[href^="javascript:"]').count() == 0
        text = page.evaluate("document.body.innerText")
        for hostile in HOSTILE_STRINGS:
            if hostile.startswith("<script") and "/page" not in url:
                continue  # the title appears on the claim page and in the article table
            assert hostile in text, hostile
        assert _csp_violations(page) == []


def test_link_to_a_claim_opens_its_section(site: Site, tab: Tab) -> None:
    page = tab.page
    claim = site.store.claims()[0]
    page.goto(f"{site.base}/#claim-{claim.id}")
    assert page.is_visible(f'[id="claim-{claim.id}"]')


def test_claim_page_shows_the_claim_in_context(site: Site, tab: Tab) -> None:
    page = tab.page
    claim = next(c for c in site.store.claims() if "23" in c.quote)
    page.goto(f"{site.base}/claims/{claim.id}/page")
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    assert page.inner_text(f'[id="claim-{claim.id}"] mark') == claim.quote
    assert page.locator(".finding[data-finding]").count() == len(
        site.store.findings(claim_id=claim.id)
    )


def test_static_file_opens_from_disk_without_network(site: Site, tab: Tab) -> None:
    page = tab.page
    report = (site.out / "report.html").resolve()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        "file:") else route.abort())
    page.goto(report.as_uri())
    assert all(url.startswith("file:") for url in tab.requests), tab.requests
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    total = len(site.store.findings())
    assert len(_visible_findings(page)) == total
    page.uncheck('input[data-dim="kind"][value="weekday"]')
    assert len(_visible_findings(page)) == sum(
        1 for f in site.store.findings() if f.kind != "weekday"
    )
    assert page.locator("button[data-review]").count() == 0  # read-only copy
    assert tab.dialogs == [] and _csp_violations(page) == []


def test_review_with_a_token_protected_server(site: Site, tab: Tab) -> None:
    """A server with a token refuses a review without it and takes one with it."""
    token = "browser-test-token-0123456789"
    finding = next(f for f in site.store.findings() if f.kind == "count")
    app = create_app(store=site.store, token=token, allowed_hosts=LOOPBACK_HOSTS)
    with _serving(app) as base:
        page = tab.page
        page.goto(base + "/")
        box = page.locator(f'[data-finding="{finding.id}"]')
        box.locator('button[data-review="dismissed"]').click()
        expect(box.locator('[data-role="message"]')).to_have_text("a valid token is required")
        assert box.get_attribute("data-status") == "open"
        page.fill("#token", token)
        box.locator('button[data-review="dismissed"]').click()
        expect(box).to_have_attribute("data-status", "dismissed")
        stored = site.store.get_finding(finding.id)
        assert stored is not None and stored.review_status == "dismissed"
        site.store.set_review(finding.id, "open")
        assert _csp_violations(page) == []


def test_a_finding_card_shows_its_sides_and_its_page_takes_a_review(
    site: Site, tab: Tab
) -> None:
    """The flood's weekday finding: side A (two reports) beside side B (one), each quote
    marked; its own page records a decision like the report does."""
    finding = next(f for f in site.store.findings() if len(f.claim_ids) == 3)
    page = tab.page
    page.goto(site.base + "/")
    card = page.locator(f'[data-finding="{finding.id}"]')
    assert card.locator("section.side").count() == 2
    assert card.locator(".side-head .tally").all_inner_texts() == ["تقريران", "تقرير واحد"]
    assert card.locator("section.side mark").count() == 3
    assert card.locator(".certainty-reason").is_visible()
    a, b = card.locator("section.side").all()
    # right to left: side A stands to the right of side B
    assert a.bounding_box()["x"] > b.bounding_box()["x"]  # type: ignore[index]

    page.goto(f"{site.base}/findings/{finding.id}/page")
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    box = page.locator(f'[data-finding="{finding.id}"]')
    page.fill("#reviewer", "هدى")
    box.locator('button[data-review="dismissed"]').click()
    expect(box).to_have_attribute("data-status", "dismissed")
    stored = site.store.get_finding(finding.id)
    assert stored is not None and stored.review_status == "dismissed"
    assert stored.reviewed_by == "هدى"
    site.store.set_review(finding.id, "open")
    assert tab.dialogs == [] and _csp_violations(page) == []
