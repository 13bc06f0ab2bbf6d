"""The report in a real browser: headless Chromium driven by Playwright.

The API server runs in a thread on a free 127.0.0.1 port over a store filled by a real
run over tests/data/web_drop (see tests/web_demo.py). The tests check what an editor
sees: a right-to-left page, the findings, filters that hide and show them, signing in
through the form and review buttons whose decisions persist under the signed-in editor's
name, hostile article text that never runs, English quotes that keep their left-to-right
order on the right-to-left page, and the static file working from disk with no network.

Chromium is Debian's (``/usr/bin/chromium``, installed by ``.ci/run``); Playwright never
downloads a browser here. Without Chromium these tests are skipped, and say why.
"""

from __future__ import annotations

import re
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
from playwright.sync_api import (  # noqa: E402
    Browser,
    Dialog,
    Locator,
    Page,
    expect,
    sync_playwright,
)

from checker.api import LOOPBACK_HOSTS, create_app  # noqa: E402
from checker.report import build_report, date_ar  # noqa: E402
from checker.run import run  # noqa: E402
from checker.settings import load_labels  # noqa: E402
from checker.store import Store  # noqa: E402
from tests.card_drop import build_card_store, hand_extract  # noqa: E402
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


REVIEWERS = ("رنا", "هدى")
DISPLAY = {"رنا": "رنا الخطيب", "هدى": "هدى السامرائي"}
PASSWORDS = {"رنا": "rana-browser-pass-1", "هدى": "كلمة سر هدى 2"}
BILINGUAL = Path(__file__).parent / "data" / "drops" / "bilingual_harir"


def _register(store: Store) -> None:
    """The editors of the desk: each signs in with a password and is shown by a name."""
    for name in REVIEWERS:
        store.add_user(name, display=DISPLAY[name], password=PASSWORDS[name])


def _sign_in(page: Page, base: str, name: str, then: str = "/") -> None:
    """Sign in through the sign-in form, as an editor does, and land on ``then``."""
    page.goto(base + then)
    page.locator("#sign-in").click()
    page.wait_for_url("**/login**")
    page.fill('input[name="name"]', name)
    page.fill('input[name="password"]', PASSWORDS[name])
    page.locator("#login-submit").click()
    page.wait_for_url(base + then)
    expect(page.locator("#signed-in-as")).to_have_text(DISPLAY[name])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("browser")
    store, _summary = build_demo_store(tmp)
    _register(store)
    with _serving(create_app(store=store, allowed_hosts=LOOPBACK_HOSTS)) as base:
        yield Site(base=base, store=store, out=tmp / "out")
    store.close()


@pytest.fixture(scope="module")
def cards(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The card drop (tests/card_drop.py), run twice so that the report has a previous
    run to compare with, served, and its report file in ``out``."""
    tmp = tmp_path_factory.mktemp("cards")
    store, _summary = build_card_store(tmp)
    run([tmp / "drop"], store, tmp / "out", extractor=hand_extract,
        extractor_version="cards-hand")
    _register(store)
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


def _report_findings(store: Store) -> list[Any]:
    report = build_report(store)
    return [f for e in report.events for f in e.findings] + report.findings_outside_events


def _settle(page: Page) -> None:
    """Wait for three animation frames: the page's own scrolling after a jump is done."""
    page.evaluate(
        "new Promise(r => requestAnimationFrame(() => requestAnimationFrame("
        "() => requestAnimationFrame(r))))"
    )


def _x_of_each_character(element: Locator) -> list[float]:
    """Where each character of the element's text is drawn (left edge, in pixels)."""
    return element.evaluate(
        """el => {
             const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
             const range = document.createRange();
             const xs = [];
             for (let node = walker.nextNode(); node; node = walker.nextNode()) {
               for (let i = 0; i < node.length; i++) {
                 if (!node.data[i].trim()) continue;
                 range.setStart(node, i); range.setEnd(node, i + 1);
                 xs.push(range.getBoundingClientRect().x);
               }
             }
             return xs;
           }""",
    )


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
    _sign_in(page, site.base, "رنا")
    box = page.locator(f'[data-finding="{finding.id}"]')
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
    assert box.locator('[data-role="by"]').inner_text() == DISPLAY["رنا"]
    expect(page.locator("#signed-in-as")).to_have_text(DISPLAY["رنا"])  # still signed in
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
    # filed under the kind an editor sees (a weekday finding between two calendar days
    # is a date finding)
    shown_kind = {f.id: f.display_kind or f.kind for f in _report_findings(site.store)}
    assert set(shown_kind.values()) >= {"date", "count"}
    page.uncheck('input[data-dim="kind"][value="date"]')
    assert sorted(_visible_findings(page)) == sorted(
        i for i, kind in shown_kind.items() if kind != "date"
    )
    assert page.locator("button[data-review]").count() == 0  # read-only copy
    assert tab.dialogs == [] and _csp_violations(page) == []


def test_sign_in_through_the_form_and_confirm_a_finding(site: Site, tab: Tab) -> None:
    """A visitor who is not signed in reads the page and sees a sign-in link where the
    buttons were; signed in through the form, a confirmation from the finding's page is
    recorded under the editor's name and its history shows the editor's display name.
    Signed out, the buttons are gone again."""
    page = tab.page
    finding = next(f for f in site.store.findings() if f.kind == "count")
    path = f"/findings/{finding.id}/page"
    page.goto(site.base + path)
    assert page.locator("button[data-review]").count() == 0
    assert page.locator(f'[data-finding="{finding.id}"] .sign-in-hint a').is_visible()
    # a wrong password: refused, without saying which of the two was wrong
    page.locator("#sign-in").click()
    page.fill('input[name="name"]', "هدى")
    page.fill('input[name="password"]', "not her password")
    page.locator("#login-submit").click()
    expect(page.locator("#login-error")).to_have_text("اسم المستخدم أو كلمة المرور غير صحيحين.")
    assert page.input_value('input[name="password"]') == ""
    # the right one: back on the finding's page, signed in
    page.fill('input[name="password"]', PASSWORDS["هدى"])
    page.locator("#login-submit").click()
    page.wait_for_url(site.base + path)
    expect(page.locator("#signed-in-as")).to_have_text(DISPLAY["هدى"])
    cookie = next(c for c in page.context.cookies() if c["name"] == "claimcheck_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page.evaluate("document.cookie") == ""  # the page's script cannot read it
    box = page.locator(f'[data-finding="{finding.id}"]')
    box.locator('input[name="note"]').fill("تحققنا من البيانين")
    box.locator('button[data-review="confirmed"]').click()
    expect(box).to_have_attribute("data-status", "confirmed")
    expect(box.locator('[data-role="by"]')).to_have_text(DISPLAY["هدى"])
    stored = site.store.get_finding(finding.id)
    assert stored is not None and stored.review_status == "confirmed"
    assert stored.reviewed_by == "هدى" and stored.review_note == "تحققنا من البيانين"
    page.reload()
    history = page.locator("#history ol.history > li").last
    assert DISPLAY["هدى"] in history.inner_text() and "تحققنا من البيانين" in history.inner_text()
    assert history.locator("bdi.by").get_attribute("title") == "هدى"
    # signed out: reading goes on, deciding does not
    page.locator("#sign-out").click()
    expect(page.locator("#sign-in")).to_be_visible()
    assert page.locator("button[data-review]").count() == 0
    site.store.set_review(finding.id, "open", by=REVIEWERS[0])
    assert tab.dialogs == [] and _csp_violations(page) == []


def test_a_decision_without_the_pages_csrf_token_is_refused(site: Site, tab: Tab) -> None:
    """The session cookie alone is not enough: a request without the CSRF token the page
    holds (what another site could make the browser send) records nothing."""
    page = tab.page
    finding = next(f for f in site.store.findings() if f.kind == "count")
    _sign_in(page, site.base, "رنا")
    status = page.evaluate(
        """id => fetch("/findings/" + id + "/review", {method: "POST",
             headers: {"Content-Type": "application/json"},
             body: JSON.stringify({status: "dismissed"})}).then(r => r.status)""",
        finding.id,
    )
    assert status == 403
    stored = site.store.get_finding(finding.id)
    assert stored is not None and stored.review_status == "open"


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

    _sign_in(page, site.base, "هدى", f"/findings/{finding.id}/page")
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    box = page.locator(f'[data-finding="{finding.id}"]')
    box.locator('button[data-review="dismissed"]').click()
    expect(box).to_have_attribute("data-status", "dismissed")
    stored = site.store.get_finding(finding.id)
    assert stored is not None and stored.review_status == "dismissed"
    assert stored.reviewed_by == "هدى"
    site.store.set_review(finding.id, "open", by=REVIEWERS[0])
    assert tab.dialogs == [] and _csp_violations(page) == []


# -- judging a finding from its card -------------------------------------------------------------

VISIBLE_TEXT = "el => el.innerText"


def _check_cards(page: Page, store: Store) -> int:
    """Every finding card on the page can be judged alone: each quote with its outlet,
    its date, how it states the value and the time; why hard or soft; no internal code in
    sight. Returns how many cards were checked."""
    labels = load_labels()
    findings = _report_findings(store)
    for finding in findings:
        card = page.locator(f'[data-finding="{finding.id}"]')
        card.scroll_into_view_if_needed()
        shown = card.evaluate(VISIBLE_TEXT)
        for code in ("f_", "c_", finding.code, finding.rule):
            assert code not in shown, (code, shown)
        reason = card.locator(".certainty-reason")
        assert reason.is_visible() and len(reason.inner_text()) > 20
        for side in finding.sides:
            for quote in side.quotes:
                figure = card.locator(f'figure[data-claim="{quote.claim_id}"]').first
                if not figure.is_visible():
                    continue  # beyond the first three of a side, one click away
                text = figure.inner_text()
                assert (quote.outlet or "وسيلة غير معروفة") in text
                assert (date_ar(quote.published) if quote.published
                        else "تاريخ النشر غير معروف") in text
                assert quote.modality and labels.modalities_ar[quote.modality] in text
                assert (quote.time_ar or "لا يذكر زمناً") in text
                assert figure.locator("details.tech").get_attribute("open") is None
            assert card.locator(".side-value", has_text=side.value_ar).count() == 1
    return len(findings)


def test_every_card_can_be_judged_alone(
    site: Site, cards: Site, tab: Tab, tmp_path: Path
) -> None:
    """A forecast looked like a report, 'soft' had no reason, values were English and
    internal codes stood where an editor reads first."""
    page = tab.page
    checked = 0
    for where, url in ((cards, (cards.out / "report.html").resolve().as_uri()),
                       (cards, cards.base + "/"), (site, site.base + "/")):
        page.goto(url)
        checked += _check_cards(page, where.store)
        assert _csp_violations(page) == []
    assert checked >= 3 + 3 + 3
    page.goto(cards.base + "/")
    forecast = page.locator("figure.quote.prospective")
    assert forecast.count() == 1 and "توقّع" in forecast.inner_text()
    page.screenshot(path=str(tmp_path / "cards.png"), full_page=True)


def test_a_value_with_bounds_reads_right_to_left(cards: Site, tab: Tab) -> None:
    """'≈[1, ∞) soldiers' rendered as 'soldiers (∞ ,1]≈': values are Arabic words now,
    laid out right to left; the normal form behind "details" stays left to right."""
    page = tab.page
    page.goto((cards.out / "report.html").resolve().as_uri())
    value = page.locator('.side-value:text-is("أكثر من 50 آلية")')
    assert value.count() == 1
    xs = _x_of_each_character(value)
    assert xs[0] > xs[-1]  # the first letter stands right, the last left
    card = page.locator(".finding", has=value)
    details = card.locator("details.tech").last
    details.evaluate("d => d.open = true")
    english = details.locator('bdi.en:text-is("(50, ∞) vehicles")')
    assert english.is_visible()
    xs = _x_of_each_character(english)
    assert xs == sorted(xs)  # "(" left, "s" right


def test_file_names_keep_their_order_in_the_claims_outside_events(cards: Site, tab: Tab) -> None:
    """'004_3f7f….md' was split at its digits and reordered in a right-to-left line."""
    page = tab.page
    page.goto((cards.out / "report.html").resolve().as_uri())
    name = page.locator("#claims-outside summary .article-name")
    name.scroll_into_view_if_needed()
    _settle(page)  # laid out only once on screen (content-visibility)
    assert name.inner_text() == "004_3f7f84dab7bd4a36.md"
    xs = _x_of_each_character(name)
    assert xs == sorted(xs) and len(xs) == len("004_3f7f84dab7bd4a36.md")


def test_a_claim_link_lands_below_the_sticky_toolbar(cards: Site, tab: Tab) -> None:
    """Following a #claim- link hid the quote under the sticky filter bar."""
    page = tab.page
    report = (cards.out / "report.html").resolve().as_uri()
    claims = [c for c in cards.store.claims()]
    for claim in claims:
        page.goto(f"{report}#claim-{claim.id}")
        _settle(page)
        target = page.locator(f'[id="claim-{claim.id}"] blockquote')
        assert target.is_visible()
        bar = page.locator(".toolbar").first.bounding_box()
        box = target.bounding_box()
        assert bar is not None and box is not None
        assert box["y"] >= bar["y"] + bar["height"] - 1, (claim.id, box, bar)
        # nothing covers the quote: the element at its middle is the quote itself
        covered = target.evaluate(
            """el => { const r = el.getBoundingClientRect();
                       const top = document.elementFromPoint(r.x + r.width / 2, r.y + 4);
                       return top !== null && el.contains(top); }"""
        )
        assert covered, claim.id


def test_the_article_and_event_pages_open_from_a_card(cards: Site, tab: Tab) -> None:
    page = tab.page
    finding = next(f for f in _report_findings(cards.store) if f.kind == "count")
    # served: the article's own page, then the event's page
    page.goto(cards.base + "/")
    card = page.locator(f'[data-finding="{finding.id}"]')
    quote = finding.sides[0].quotes[0]
    card.locator(f'figure[data-claim="{quote.claim_id}"] a.article-link').click()
    page.wait_for_url(f"**/articles/{quote.article_id}/page")
    article = cards.store.get_article(quote.article_id)
    assert article is not None
    assert page.inner_text("h1") == article.title
    assert page.inner_text(".article-text").replace("\n", "").count(
        article.text.strip()[:30]) == 1
    marks = page.locator(".article-text mark.claim-span")
    assert marks.count() >= len(cards.store.claims(article_id=article.id))
    assert article.outlet and article.outlet in page.inner_text("header")
    assert article.published and date_ar(article.published) in page.inner_text("header")
    assert page.locator(f'header a[href="{article.url}"]').count() == 1
    page.go_back()
    card = page.locator(f'[data-finding="{finding.id}"]')
    card.locator("a.event-link").click()
    page.wait_for_url(f"**/events/{finding.event_id}/page")
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    event = cards.store.get_events([finding.event_id or ""])[0]
    articles = {c.article_id for c in cards.store.claims(ids=event.claim_ids)}
    assert page.locator("ol.timeline > li").count() == len(articles)
    assert page.locator("table.facts tr").count() >= 3
    assert page.locator(f'[data-finding="{finding.id}"]').count() == 1
    # from disk: the article opens in the report itself
    page.goto((cards.out / "report.html").resolve().as_uri())
    card = page.locator(f'[data-finding="{finding.id}"]')
    card.locator(f'figure[data-claim="{quote.claim_id}"] a.article-link').click()
    section = page.locator(f'details[id="article-{quote.article_id}"]')
    expect(section).to_have_attribute("open", "")
    assert section.locator(".article-text").is_visible()
    assert _csp_violations(page) == []


def test_search_and_facets_filter_the_findings(cards: Site, tab: Tab) -> None:
    page = tab.page
    page.goto((cards.out / "report.html").resolve().as_uri())
    findings = {f.kind: f.id for f in _report_findings(cards.store)}
    assert set(findings) == {"weekday", "count", "location"}
    page.select_option('select[data-facet="outlet"]', "قناة الفرات")
    assert _visible_findings(page) == [findings["location"]]
    assert page.inner_text("#shown-count") == "1"
    page.click("#filters-reset")
    page.fill("#q", "اكثر من 50")  # spelt without hamza, as the extractor normalises it
    assert _visible_findings(page) == [findings["count"]]
    page.fill("#q", "")
    page.select_option('select[data-facet="date"]', "2025-10-16")  # the Mada report
    assert sorted(_visible_findings(page)) == sorted([findings["weekday"], findings["count"]])
    page.select_option('select[data-facet="place"]', "أربيل")
    assert _visible_findings(page) == []
    page.click("#filters-reset")
    assert len(_visible_findings(page)) == 3


def test_the_date_filter_finds_a_weekday_finding_between_two_calendar_days(
    cards: Site, tab: Tab
) -> None:
    """14 against 15 October was filed under 'weekday', so the date filter showed 0."""
    page = tab.page
    page.goto((cards.out / "report.html").resolve().as_uri())
    for box in page.locator('input[data-dim="kind"]').all():
        if box.get_attribute("value") != "date":
            box.uncheck()
    (weekday,) = [f for f in _report_findings(cards.store) if f.kind == "weekday"]
    assert _visible_findings(page) == [weekday.id]


def test_a_browser_asking_for_a_malformed_claim_page_gets_a_page(site: Site, tab: Tab) -> None:
    page = tab.page
    response = page.goto(site.base + "/claims/not-an-id/page")
    assert response is not None and response.status == 422
    assert response.headers["content-type"].startswith("text/html")
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    assert "رابط غير صالح" in page.inner_text("h1")
    assert page.locator('a[href="/"]').count() == 1
    assert _csp_violations(page) == []


def test_the_served_page_shows_the_delta_with_the_decisions_of_now(
    cards: Site, tab: Tab
) -> None:
    """The served page lacked the "since the previous run" box, and after one confirm
    and one dismiss the delta still said '3 still open'."""
    page = tab.page
    page.goto(cards.base + "/")
    delta = page.locator("#delta")
    assert delta.is_visible()
    assert page.inner_text('[data-delta="open"]') == "3"
    assert page.inner_text('[data-delta-review="open"]') == "3 بانتظار المراجعة"
    first, second, _third = (f.id for f in _report_findings(cards.store))
    _sign_in(page, cards.base, REVIEWERS[0])
    for finding_id, decision in ((first, "confirmed"), (second, "dismissed")):
        box = page.locator(f'[data-finding="{finding_id}"]')
        box.locator(f'button[data-review="{decision}"]').click()
        expect(box).to_have_attribute("data-status", decision)
    page.reload()
    assert page.inner_text('[data-delta="open"]') == "3"
    assert page.inner_text('[data-delta-review="open"]') == "1 بانتظار المراجعة"
    assert page.inner_text('[data-delta-review="confirmed"]') == "1 تناقض مؤكَّد"
    assert "ما زالت قائمة" not in page.inner_text("#delta")
    for finding_id in (first, second):
        cards.store.set_review(finding_id, "open", by=REVIEWERS[0])


def test_needs_more_information_is_a_decision_with_its_filter(cards: Site, tab: Tab) -> None:
    page = tab.page
    _sign_in(page, cards.base, REVIEWERS[1])
    finding = _report_findings(cards.store)[0].id
    box = page.locator(f'[data-finding="{finding}"]')
    box.locator('button[data-review="needs_info"]').click()
    expect(box).to_have_attribute("data-status", "needs_info")
    assert box.locator('[data-role="status"]').inner_text() == "يحتاج إلى معلومات إضافية"
    page.uncheck('input[data-dim="status"][value="needs_info"]')
    assert finding not in _visible_findings(page)
    page.goto(f"{cards.base}/findings/{finding}/page")
    if hasattr(Store, "reviews"):
        assert "يحتاج إلى معلومات إضافية" in page.inner_text("#history")
    cards.store.set_review(finding, "open", by=REVIEWERS[1])


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The five demo articles of seeds/, read by the real extractor."""
    tmp = tmp_path_factory.mktemp("seeds")
    store = Store(tmp / "seeds.db")
    run([Path(__file__).resolve().parents[1] / "seeds"], store, tmp / "out")
    yield Site(base="", store=store, out=tmp / "out")
    store.close()


def test_every_card_of_the_seeds_can_be_judged_alone(seeds: Site, tab: Tab) -> None:
    page = tab.page
    page.goto((seeds.out / "report.html").resolve().as_uri())
    assert _check_cards(page, seeds.store) == len(seeds.store.findings())
    # each quote's article opens in the report itself, with its whole text
    for link in page.locator(".finding figure.quote a.article-link").all()[:3]:
        target = link.get_attribute("href") or ""
        assert target.startswith("#article-")
        link.click()
        section = page.locator(f'details[id="{target[1:]}"]')
        expect(section).to_have_attribute("open", "")
        assert section.locator(".article-text mark").count() >= 1
    assert tab.dialogs == [] and _csp_violations(page) == []


# -- quotes in the other direction ---------------------------------------------------------------


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The English wire and the Arabic report of one withdrawal (tests/test_english_drop.py),
    read by the real extractors: one finding with an English and an Arabic quote."""
    tmp = tmp_path_factory.mktemp("bilingual")
    store = Store(tmp / "bilingual.db")
    run([BILINGUAL], store, tmp / "out")
    with _serving(create_app(store=store, allowed_hosts=LOOPBACK_HOSTS)) as base:
        yield Site(base=base, store=store, out=tmp / "out")
    store.close()


# Each word of an element's text with where it is drawn: its box, in text order.
WORD_BOXES = """el => {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  const words = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const m of node.data.matchAll(/\\S+/g)) {
      range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
      const r = range.getBoundingClientRect();
      words.push({text: m[0], left: r.left, right: r.right, top: Math.round(r.top)});
    }
  }
  return words;
}"""


def _word_boxes(element: Locator) -> list[dict[str, Any]]:
    element.scroll_into_view_if_needed()
    boxes: list[dict[str, Any]] = element.evaluate(WORD_BOXES)
    assert boxes, "no words"
    return boxes


def _in_reading_order(boxes: list[dict[str, Any]], direction: str) -> bool:
    """Lines top to bottom; on each line, the words left to right (``ltr``) or right to
    left (``rtl``) in the order of the text."""
    tops = [b["top"] for b in boxes]
    if tops != sorted(tops):
        return False
    for top in dict.fromkeys(tops):
        lefts = [b["left"] for b in boxes if b["top"] == top]
        if lefts != sorted(lefts, reverse=direction == "rtl"):
            return False
    return True


def _check_directions(page: Page) -> None:
    english = page.locator('figure.quote blockquote[lang="en"]').first
    arabic = page.locator('figure.quote blockquote[lang="ar"]').first
    assert english.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert english.evaluate("e => getComputedStyle(e).unicodeBidi") == "isolate"
    assert arabic.evaluate("e => getComputedStyle(e).direction") == "rtl"
    words = _word_boxes(english)
    assert words[0]["left"] < words[-1]["left"], words
    assert _in_reading_order(words, "ltr"), words
    # it starts at the left edge of the quote, as English does, not at the right
    left = english.evaluate(
        "e => e.getBoundingClientRect().left + parseFloat(getComputedStyle(e).paddingLeft)"
    )
    assert abs(words[0]["left"] - left) < 2, (words[0], left)
    words = _word_boxes(arabic)
    assert words[0]["left"] > words[-1]["left"], words
    assert _in_reading_order(words, "rtl"), words
    # each quote says its article's language
    figure = "xpath=ancestor::figure[1]"
    assert "الإنجليزية" in english.locator(figure).locator("dd.language").inner_text()
    assert "العربية" in arabic.locator(figure).locator("dd.language").inner_text()


def test_an_english_quote_reads_left_to_right_on_the_arabic_page(
    bilingual: Site, tab: Tab
) -> None:
    """The English wire's quote stood in a right-to-left block: its words now run left to
    right, isolated from the Arabic around them, and the Arabic quote right to left."""
    (finding,) = bilingual.store.findings()
    languages = {a.id: a.language for a in bilingual.store.articles()}
    article_of = {c.id: c.article_id for c in bilingual.store.claims()}
    sides = [{languages[article_of[i]] for i in side.claim_ids} for side in finding.sides]
    assert sorted(map(sorted, sides)) == [["ar"], ["en"]]
    page = tab.page
    for url in (bilingual.base + "/", f"{bilingual.base}/findings/{finding.id}/page",
                (bilingual.out / "report.html").resolve().as_uri()):
        page.goto(url)
        assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
        _check_directions(page)
        assert _csp_violations(page) == []
    # The English article's own page: its language, its whole text left to right, and a
    # sentence's final full stop after its last word, not before its first.
    wire = next(a for a in bilingual.store.articles() if a.language == "en")
    page.goto(f"{bilingual.base}/articles/{wire.id}/page")
    assert page.inner_text("header dd.language") == "الإنجليزية"
    body = page.locator(".article-text")
    assert body.evaluate("e => getComputedStyle(e).direction") == "ltr"
    sentence = page.locator('.claim blockquote[lang="en"]').filter(
        has_text=re.compile(r"\.\s*$")).first
    words = _word_boxes(sentence)
    assert words[-1]["text"].endswith(".")
    assert _in_reading_order(words, "ltr"), words
    stop = sentence.evaluate(
        """el => { const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
                   let last = null;
                   for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                     if (n.data.trim()) { last = n; } }
                   const i = last.data.trimEnd().length - 1;
                   const range = document.createRange();
                   range.setStart(last, i); range.setEnd(last, i + 1);
                   return range.getBoundingClientRect().left; }"""
    )
    assert stop > words[0]["left"] and stop >= words[-1]["left"]
