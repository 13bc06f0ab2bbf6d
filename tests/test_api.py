"""The HTTP API: lookups, listings, reviews, errors without traces, and its hardening."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from markupsafe import escape

from checker.api import (
    LOOPBACK_HOSTS,
    ServeError,
    check_serve_options,
    create_app,
    resolve_token,
)
from checker.cli import main
from checker.run import run
from checker.store import Store
from tests.web_demo import DROP, hand_extract

TOKEN = "a-long-enough-test-token"
REVIEWER = "ed"


def register(store: Store, *names: str) -> None:
    """Decisions are recorded by registered users when the store keeps users."""
    add_user = getattr(store, "add_user", None)
    if add_user is not None:
        for name in names:
            add_user(name)


@pytest.fixture
def demo(tmp_path: Path, db_url: str) -> Iterator[Store]:
    """The web demo's store, on SQLite and on PostgreSQL."""
    store = Store(db_url)
    run([DROP], store, tmp_path / "out", extractor=hand_extract,
        extractor_version="web-demo-hand")
    register(store, REVIEWER, "سلمى")
    yield store
    store.close()


@pytest.fixture
def client(demo: Store) -> Iterator[TestClient]:
    with TestClient(create_app(store=demo), raise_server_exceptions=False) as test_client:
        yield test_client


def _hostile_claim(store: Store) -> str:
    return next(c.id for c in store.claims() if "svg" in c.quote)


def _count_finding(store: Store) -> str:
    return next(f.id for f in store.findings() if f.kind == "count")


# -- lookups -----------------------------------------------------------------------------------


def test_claim_lookup_is_utf8_json_with_arabic_unescaped(client: TestClient, demo: Store) -> None:
    claim = next(c for c in demo.claims() if "23" in c.quote)
    response = client.get(f"/claims/{claim.id}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "الحديدة".encode() in response.content
    assert b"\\u06" not in response.content
    data = response.json()
    assert data["claim"]["id"] == claim.id
    assert data["claim"]["outlet"] == "وكالة الساحل للأنباء"
    assert data["claim"]["sentence"]["text"].startswith("أعلنت السلطات")
    assert data["event"]["label_ar"]
    assert {f["kind"] for f in data["findings"]} == {"count", "weekday"}


def test_agreeing_claims_share_the_event_without_a_finding(tmp_path: Path) -> None:
    """A fourth flood report that matches the first (23 dead on Tuesday) agrees with it."""
    drop = tmp_path / "drop"
    drop.mkdir()
    for path in DROP.iterdir():
        (drop / path.name).write_bytes(path.read_bytes())
    text = (DROP / "hodeidah_a.md").read_text(encoding="utf-8")
    copy = text.replace("وكالة الساحل للأنباء", "إذاعة الساحل").replace(
        "hodeidah-floods", "floods-again"
    ).replace("ما زالت تبحث", "تواصل البحث")
    (drop / "hodeidah_d.md").write_text(copy, encoding="utf-8")

    def extract(article: Any) -> Any:
        if article.name == "hodeidah_d.md":
            return hand_extract(article.model_copy(update={"name": "hodeidah_a.md"}))
        return hand_extract(article)

    store = Store(tmp_path / "agree.db")
    run([drop], store, None, extractor=extract, extractor_version="agree")
    first = next(c for c in store.claims() if c.quote.startswith("أن 23"))
    with TestClient(create_app(store=store)) as client:
        data = client.get(f"/claims/{first.id}").json()
    agreeing = {c["article_name"] for c in data["agrees_with"]}
    assert agreeing == {"hodeidah_d.md"}
    # The copy repeats the first report's values: it stands on the first report's side of
    # each finding, never on another side.
    copy = next(c["id"] for c in data["agrees_with"])
    for finding in data["findings"]:
        (side,) = [s for s in finding["sides"] if first.id in s["claim_ids"]]
        assert copy in side["claim_ids"] and side["tally"] >= 2
    disputed = {
        cid for f in data["findings"] for s in f["sides"] if first.id not in s["claim_ids"]
        for cid in s["claim_ids"]
    }
    assert disputed and not disputed & {c["id"] for c in data["agrees_with"]}
    store.close()


def test_a_claim_without_findings_agrees_with_the_rest_of_its_event(tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    text = (DROP / "hodeidah_a.md").read_text(encoding="utf-8")
    (drop / "hodeidah_a.md").write_text(text, encoding="utf-8")
    (drop / "hodeidah_d.md").write_text(text.replace("ما زالت تبحث", "تواصل البحث"),
                                        encoding="utf-8")

    def extract(article: Any) -> Any:
        return hand_extract(article.model_copy(update={"name": "hodeidah_a.md"}))

    store = Store(tmp_path / "agree.db")
    run([drop], store, None, extractor=extract, extractor_version="agree")
    assert store.findings() == []
    first, second = store.claims()
    with TestClient(create_app(store=store)) as client:
        data = client.get(f"/claims/{first.id}").json()
    assert [c["id"] for c in data["agrees_with"]] == [second.id]  # never itself
    store.close()


@pytest.mark.parametrize(
    "bad",
    ["xyz", "c_123", "c_0123456789ABCDEF", "c_0123456789abcdef0", "x_0123456789abcdef",
     "c_0123456789abcdeg", "c_0123456789abcdef%00", "%3Cscript%3E"],
)
def test_malformed_ids_are_422_without_a_trace(client: TestClient, bad: str) -> None:
    for path in (f"/claims/{bad}", f"/claims/{bad}/page", f"/events/{bad}",
                 f"/events/{bad}/page", f"/articles/{bad}", f"/articles/{bad}/page",
                 f"/findings/{bad}", f"/findings/{bad}/page"):
        response = client.get(path)
        assert response.status_code == 422, path
        assert response.headers["content-type"].startswith("application/json")
        assert "Traceback" not in response.text


def test_unknown_ids_are_404(client: TestClient) -> None:
    assert client.get("/claims/c_0000000000000000").status_code == 404
    assert client.get("/claims/c_0000000000000000/page").status_code == 404
    assert client.get("/findings/f_0000000000000000").status_code == 404
    assert client.get("/findings/f_0000000000000000/page").status_code == 404
    response = client.get("/events/e_0000000000000000")
    assert response.status_code == 404
    assert response.json() == {"detail": "no event with ID e_0000000000000000"}
    assert client.get("/events/e_0000000000000000/page").status_code == 404
    assert client.get("/articles/a_0000000000000000").status_code == 404
    assert client.get("/articles/a_0000000000000000/page").status_code == 404


def test_event_with_its_claims_and_findings(client: TestClient, demo: Store) -> None:
    flood = next(e for e in demo.events() if e.event == "casualties")
    data = client.get(f"/events/{flood.id}").json()
    assert {c["id"] for c in data["claims"]} == set(flood.claim_ids)
    assert len(data["findings"]) == 2
    assert data["findings"][0]["severity"] == "high"
    # the event's facts: its reports' days, with how many reports give each
    (days,) = [f for f in data["facts"] if f["kind"] == "time"]
    assert sorted(v["tally"] for v in days["values"]) == [1, 2]


def test_finding_lookup_lists_every_side_with_its_reports(
    client: TestClient, demo: Store
) -> None:
    """The flood's weekday finding: two reports say Tuesday, one Monday."""
    finding = next(
        f for f in demo.findings() if f.kind == "weekday" and len(f.claim_ids) == 3
    )
    response = client.get(f"/findings/{finding.id}")
    assert response.status_code == 200 and b"\\u06" not in response.content
    data = response.json()
    assert data["finding"]["id"] == finding.id and data["finding"]["fact"] == finding.fact
    assert data["finding"]["certainty_reason"] and data["finding"]["certainty_reason_ar"]
    assert [s["tally"] for s in data["finding"]["sides"]] == [2, 1]
    articles = {a.id: a for a in demo.articles()}
    for side in data["finding"]["sides"]:
        assert {q["claim_id"] for q in side["quotes"]} == set(side["claim_ids"])
        for quote in side["quotes"]:
            article = articles[quote["article_id"]]
            assert quote["article_name"] == article.name and quote["outlet"] == article.outlet
            assert article.text[quote["start"]:quote["end"]] == quote["quote"]
            assert quote["compared"]["text"] in quote["quote"]
    assert {c["id"] for c in data["claims"]} == set(finding.claim_ids)
    assert data["event"]["id"] == finding.event_id and data["event"]["facts"]
    page = client.get(f"/findings/{finding.id}/page")
    assert page.status_code == 200 and "content-security-policy" in page.headers
    assert page.text.count(f'data-finding="{finding.id}"') == 1
    assert "تقريران" in page.text and "تقرير واحد" in page.text
    assert page.text.count('<button type="button" data-review="confirmed"') == 1


# -- listings ----------------------------------------------------------------------------------


def test_claims_search_list_and_filters(client: TestClient, demo: Store) -> None:
    data = client.get("/claims", params={"q": "بالحديدة"}).json()
    assert data["total"] == 3
    assert all(item["score"] > 0 and item["matched"] for item in data["items"])
    everything = client.get("/claims").json()
    assert everything["total"] == 5 and everything["items"][0]["score"] is None
    page = client.get("/claims", params={"limit": 2, "offset": 4}).json()
    assert len(page["items"]) == 1
    flood = next(e for e in demo.events() if e.event == "casualties")
    in_event = client.get("/claims", params={"event": flood.id}).json()
    assert {c["id"] for c in in_event["items"]} == set(flood.claim_ids)
    by_name = client.get("/claims", params={"article": "kirkuk_a.md"}).json()
    assert by_name["total"] == 1
    article_id = by_name["items"][0]["article_id"]
    assert client.get("/claims", params={"article": article_id}).json()["total"] == 1
    assert client.get("/claims", params={"article": "nope.md"}).status_code == 404


@pytest.mark.parametrize(
    "params",
    [{"limit": 501}, {"limit": 0}, {"offset": -1}, {"q": "x" * 201}, {"event": "e_x"}],
)
def test_query_parameters_are_bounded(client: TestClient, params: dict[str, Any]) -> None:
    assert client.get("/claims", params=params).status_code == 422


def test_findings_by_status_and_kind(client: TestClient, demo: Store) -> None:
    everything = client.get("/findings").json()
    assert everything["total"] == len(demo.findings()) == 3
    weekday = client.get("/findings", params={"kind": "weekday"}).json()
    assert weekday["total"] == 2
    assert client.get("/findings", params={"status": "confirmed"}).json()["total"] == 0
    assert client.get("/findings", params={"kind": "nonsense"}).status_code == 422
    assert client.get("/findings", params={"status": "maybe"}).status_code == 422


# -- reviews -----------------------------------------------------------------------------------


def test_review_persists_and_survives_a_rerun(
    client: TestClient, demo: Store, tmp_path: Path
) -> None:
    finding_id = _count_finding(demo)
    response = client.post(
        f"/findings/{finding_id}/review",
        json={"status": "confirmed", "note": "الحصيلة تغيّرت لاحقاً", "by": "سلمى"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["review_status"] == "confirmed"
    stored = demo.get_finding(finding_id)
    assert stored is not None and stored.review_note == "الحصيلة تغيّرت لاحقاً"
    assert stored.reviewed_by == "سلمى"
    run([DROP], demo, tmp_path / "again", extractor=hand_extract,
        extractor_version="web-demo-hand")
    again = client.get(f"/findings/{finding_id}").json()["finding"]["review"]
    assert again["status"] == "confirmed" and again["by"] == "سلمى"
    assert client.get("/findings", params={"status": "confirmed"}).json()["total"] == 1


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"status": "maybe"}, 422),
        ({"status": "confirmed", "extra": 1}, 422),
        ({"status": "confirmed", "note": "x" * 2001}, 422),
        ({}, 422),
    ],
)
def test_review_body_is_validated(
    client: TestClient, demo: Store, body: dict[str, Any], status: int
) -> None:
    assert client.post(f"/findings/{_count_finding(demo)}/review", json=body).status_code == status


def test_review_of_unknown_or_malformed_finding(client: TestClient) -> None:
    body = {"status": "confirmed", "by": REVIEWER}
    assert client.post("/findings/f_0000000000000000/review", json=body).status_code == 404
    assert client.post("/findings/f_zz/review", json=body).status_code == 422


def test_review_must_be_json_from_the_same_site(client: TestClient, demo: Store) -> None:
    url = f"/findings/{_count_finding(demo)}/review"
    body = {"status": "dismissed", "by": REVIEWER}
    payload = json.dumps(body)
    as_text = client.post(url, content=payload, headers={"content-type": "text/plain"})
    assert as_text.status_code == 415
    form = client.post(url, data=body)
    assert form.status_code == 415
    evil = client.post(url, json=body, headers={"origin": "https://evil.example"})
    assert evil.status_code == 403
    from_file = client.post(url, json=body, headers={"origin": "null"})
    assert from_file.status_code == 403
    cross = client.post(url, json=body, headers={"sec-fetch-site": "cross-site"})
    assert cross.status_code == 403
    same = client.post(
        url, json=body, headers={"origin": "http://testserver", "sec-fetch-site": "same-origin"},
    )
    assert same.status_code == 200
    assert demo.get_finding(_count_finding(demo)).review_status == "dismissed"  # type: ignore[union-attr]


def test_request_body_size_is_bounded(demo: Store) -> None:
    url = f"/findings/{_count_finding(demo)}/review"
    with TestClient(create_app(store=demo, max_body_bytes=256)) as client:
        big = json.dumps({"status": "confirmed", "note": "ن" * 300})
        response = client.post(url, content=big, headers={"content-type": "application/json"})
        assert response.status_code == 413

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
            yield b'{"status": "confirmed", "note": "'
            yield b"x" * 1000
            yield b'"}'

        streamed = client.post(url, content=chunks(), headers={"content-type": "application/json"})
        assert streamed.status_code == 413
    assert demo.get_finding(_count_finding(demo)).review_status == "open"  # type: ignore[union-attr]


def test_token_is_required_when_set(demo: Store) -> None:
    url = f"/findings/{_count_finding(demo)}/review"
    body = {"status": "confirmed", "by": REVIEWER}
    with TestClient(create_app(store=demo, token=TOKEN)) as client:
        assert client.post(url, json=body).status_code == 401
        wrong = {"authorization": "Bearer not-the-token-at-all"}
        assert client.post(url, json=body, headers=wrong).status_code == 401
        right = {"authorization": f"Bearer {TOKEN}"}
        assert client.post(url, json=body, headers=right).status_code == 200
        assert client.get("/claims").status_code == 200  # reads stay open
        assert 'id="token"' in client.get("/").text


# -- pages, headers, errors ----------------------------------------------------------------------


def test_html_pages_are_served_with_a_strict_policy(client: TestClient, demo: Store) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert '<html lang="ar" dir="rtl">' in page.text and 'data-live="1"' in page.text
    assert page.text.count('data-review="dismissed"') >= len(demo.findings())
    claim_id = _hostile_claim(demo)
    claim_page = client.get(f"/claims/{claim_id}/page")
    assert claim_page.status_code == 200
    assert f'id="claim-{claim_id}"' in claim_page.text
    assert "content-security-policy" in claim_page.headers
    assert client.get("/report.json").json()["summary"]["findings"] == 3


def test_openapi_document_lists_the_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/claims/{claim_id}", "/claims", "/findings", "/events/{event_id}",
                 "/findings/{finding_id}", "/findings/{finding_id}/page",
                 "/findings/{finding_id}/review", "/", "/claims/{claim_id}/page",
                 "/events/{event_id}/page", "/articles/{article_id}",
                 "/articles/{article_id}/page"):
        assert path in paths
    assert client.get("/docs").status_code == 404  # it would load scripts from a CDN


@pytest.mark.parametrize(
    "path",
    ["/../../etc/passwd", "/static/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
     "/claimcheck.db", "/templates/report.html", "/web.db"],
)
def test_no_file_is_reachable(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "root:" not in response.text


def test_unexpected_errors_are_json_without_a_trace(
    client: TestClient, demo: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("secret internals /srv/data")

    monkeypatch.setattr(demo, "findings", broken)
    response = client.get("/findings")
    assert response.status_code == 500
    assert response.json() == {"detail": "internal error"}
    assert "secret" not in response.text


def test_host_header_is_checked_on_loopback(demo: Store) -> None:
    app = create_app(store=demo, allowed_hosts=LOOPBACK_HOSTS)
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        assert client.get("/claims").status_code == 200
        assert client.get("/claims", headers={"host": "attacker.example"}).status_code == 400


def test_reads_go_on_while_a_batch_holds_the_write_lock(demo: Store, tmp_path: Path) -> None:
    """WAL: a writer in the middle of a transaction does not block readers."""
    writer = Store(demo.url)
    started, release = threading.Event(), threading.Event()

    def hold() -> None:
        with writer.engine.connect() as conn:
            conn = conn.execution_options(claimcheck_write=True)
            with conn.begin():
                conn.execute(sa.text("DELETE FROM reviews"))
                started.set()
                release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert started.wait(10)
        with TestClient(create_app(store=demo)) as client:
            assert client.get(f"/claims/{_hostile_claim(demo)}").status_code == 200
            assert client.get("/findings").json()["total"] == 3
    finally:
        release.set()
        thread.join()
        writer.close()


# -- serving -----------------------------------------------------------------------------------


def test_serve_refuses_an_open_address_without_a_token() -> None:
    assert check_serve_options("127.0.0.1", None) == LOOPBACK_HOSTS
    assert check_serve_options("::1", None) == LOOPBACK_HOSTS
    with pytest.raises(ServeError, match="without a token"):
        check_serve_options("0.0.0.0", None)
    with pytest.raises(ServeError, match="at least"):
        check_serve_options("0.0.0.0", "short")
    assert check_serve_options("0.0.0.0", TOKEN) is None


def test_token_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMCHECK_TOKEN", TOKEN)
    assert resolve_token(None) == TOKEN
    assert resolve_token("explicit-token-value-x") == "explicit-token-value-x"
    monkeypatch.setenv("CLAIMCHECK_TOKEN", "  ")
    assert resolve_token(None) is None


def test_cli_serve_refuses_before_listening(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLAIMCHECK_TOKEN", raising=False)
    db = str(tmp_path / "x.db")
    assert main(["serve", "--db", db, "--host", "0.0.0.0"]) == 2
    assert "without a token" in capsys.readouterr().err


def test_a_lookup_in_a_large_event_lists_a_bounded_number_of_agreeing_claims(
    tmp_path: Path,
) -> None:
    """Sixty reports of one relocation agree; a lookup lists the first AGREES_WITH_LIMIT
    and says how many more the event holds, so it stays fast in any event."""
    from checker.report import AGREES_WITH_LIMIT, claim_details
    from tests.spec_extractor import spec_extract, write_article

    drop = tmp_path / "drop"
    reports = AGREES_WITH_LIMIT + 10
    for index in range(reports):
        write_article(drop, f"r{index:03d}", ["@ relocation homs 2025-03-02 40"])
    with Store(tmp_path / "big.db") as store:
        run([drop], store, None, extractor=spec_extract, extractor_version="spec")
        assert store.findings() == []
        claim = store.claims()[0]
        details = claim_details(store, claim.id)
        assert details is not None and details.event is not None
        assert len(details.agrees_with) == AGREES_WITH_LIMIT
        assert claim.id not in {c.id for c in details.agrees_with}
        assert details.agrees_unread == reports - 1 - AGREES_WITH_LIMIT
        with TestClient(create_app(store=store)) as client:
            data = client.get(f"/claims/{claim.id}").json()
        assert len(data["agrees_with"]) == AGREES_WITH_LIMIT
        assert data["agrees_unread"] == reports - 1 - AGREES_WITH_LIMIT


# -- the pages an editor opens -------------------------------------------------------------------

BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_head_is_answered_like_get(client: TestClient, demo: Store) -> None:
    """`HEAD /` was 405: a link checker or a proxy's health check saw the page as down."""
    for path in ("/", "/report.json", f"/claims/{_hostile_claim(demo)}/page"):
        head, get = client.head(path), client.get(path)
        assert head.status_code == 200, path
        assert head.content == b""
        assert head.headers["content-type"] == get.headers["content-type"]
        assert "content-security-policy" in head.headers
    assert client.head("/claims/c_0000000000000000").status_code == 404


def test_a_browser_gets_errors_as_pages_and_an_api_client_as_json(client: TestClient) -> None:
    """A browser asking for a malformed claim page got raw JSON."""
    for path, status in (("/claims/xyz/page", 422), ("/findings/f_0000000000000000/page", 404),
                         ("/no/such/page", 404), ("/events/e_zz/page", 422)):
        page = client.get(path, headers=BROWSER)
        assert page.status_code == status, path
        assert page.headers["content-type"].startswith("text/html")
        assert '<html lang="ar" dir="rtl">' in page.text and "التقرير الكامل" in page.text
        assert "content-security-policy" in page.headers
        assert "Traceback" not in page.text
        plain = client.get(path)  # an API client
        assert plain.status_code == status
        assert plain.headers["content-type"].startswith("application/json")
    # a JSON route stays JSON, whoever asks
    assert client.get("/claims/xyz", headers=BROWSER).headers["content-type"].startswith(
        "application/json")


def test_the_event_page_is_html_with_its_json_twin(client: TestClient, demo: Store) -> None:
    """The event link opened raw JSON: it now opens a page with a timeline of what each
    report said and when and the tally of every fact; the JSON stays at /events/{id}."""
    flood = next(e for e in demo.events() if e.event == "casualties")
    data = client.get(f"/events/{flood.id}").json()
    page = client.get(f"/events/{flood.id}/page")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert f'href="/events/{flood.id}">JSON</a>' in html
    timeline = html[html.index('<ol class="timeline">'):]
    dates = {a.id: a.published for a in demo.articles()}
    reports = {c.article_id for c in demo.claims(ids=flood.claim_ids)}
    published = sorted(str(dates[a]) for a in reports)  # one entry per report
    shown = re.findall(r'<div class="when-who"><time datetime="([0-9-]+)">', timeline)
    assert shown == published  # the earliest report first
    for fact in data["facts"]:
        for value in fact["values"]:
            assert value["value_ar"] in html
    assert html.count('class="finding ') == len(data["findings"])
    # the finding page and the claim page link to this page, not to the JSON
    finding = data["findings"][0]["id"]
    assert f'href="/events/{flood.id}/page"' in client.get(f"/findings/{finding}/page").text
    assert f'href="/events/{flood.id}/page"' in client.get(
        f"/claims/{flood.claim_ids[0]}/page").text


def test_the_article_page_shows_the_whole_text_with_every_claim(
    client: TestClient, demo: Store
) -> None:
    """There was no way to read the whole article, its outlet, date and link."""
    claim = next(c for c in demo.claims() if "23" in c.quote)
    article = demo.get_article(claim.article_id)
    assert article is not None and article.outlet and article.published and article.url
    data = client.get(f"/articles/{article.id}").json()
    assert data["article"]["text"] == article.text
    assert [c["id"] for c in data["claims"]] == [c.id for c in demo.claims(
        article_id=article.id)]
    assert {f["id"] for f in data["findings"]} == {f.id for f in demo.findings(
        claim_id=claim.id)}
    html = client.get(f"/articles/{article.id}/page").text
    text = html[html.index('<div class="article-text"'):]
    text = text[: text.index("</div>")]
    assert unescape(re.sub(r'<a class="claim-no"[^>]*>\d+</a>|<[^>]+>', "", text)) == \
        article.text
    assert f'<mark class="claim-span disputed">{escape(claim.quote)}</mark>' in text
    assert f'href="#about-{claim.id}"' in text and f'id="about-{claim.id}"' in html
    assert str(escape(article.outlet)) in html and "أغسطس 2025" in html
    assert f'href="{article.url}"' in html or "url-text" in html
    # the finding page links each quote to it
    finding = demo.findings(claim_id=claim.id)[0]
    assert f'href="/articles/{article.id}/page">المقال كاملاً' in client.get(
        f"/findings/{finding.id}/page").text


def test_the_served_page_has_the_since_previous_run_box(
    demo: Store, tmp_path: Path
) -> None:
    """The report file had the "since the previous run" box; the served page did not."""
    run([DROP], demo, tmp_path / "again", extractor=hand_extract,
        extractor_version="web-demo-hand")
    first, second, *_ = demo.findings()
    demo.set_review(first.id, "confirmed", by=REVIEWER)
    demo.set_review(second.id, "dismissed", by=REVIEWER)
    with TestClient(create_app(store=demo)) as client:
        html = client.get("/").text
        data = client.get("/report.json").json()
    assert 'id="delta"' in html
    total = len(demo.findings())
    assert f'<b data-delta="open">{total}</b>ما زالت تظهر' in html
    assert f'<span data-delta-review="open"><b>{total - 2}</b> بانتظار المراجعة</span>' in html
    assert data["delta"]["open_reviews"]["confirmed"] == 1


def test_the_finding_page_shows_its_review_history(client: TestClient, demo: Store) -> None:
    if not hasattr(Store, "reviews"):
        pytest.skip("the store keeps no review history")
    finding = _count_finding(demo)
    demo.set_review(finding, "dismissed", note="مرحلتان", by=REVIEWER)
    demo.set_review(finding, "confirmed", note="بعد التحقق", by="سلمى")
    data = client.get(f"/findings/{finding}").json()
    assert [r["status"] for r in data["reviews"]] == ["dismissed", "confirmed"]
    html = client.get(f"/findings/{finding}/page").text
    history = html[html.index('id="history"'):]
    assert history.index("مرحلتان") < history.index("بعد التحقق")
    assert "سجل المراجعة (2)" in history
