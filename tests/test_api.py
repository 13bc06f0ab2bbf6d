"""The HTTP API: lookups, listings, reviews, errors without traces, and its hardening:
who may write (a signed-in user: a bearer token, or a browser session with its CSRF token)
and who may read (anyone on loopback, signed-in users elsewhere)."""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from markupsafe import escape

from checker.api import (
    CSRF_HEADER,
    LOOPBACK_HOSTS,
    MIN_SECRET_LENGTH,
    SESSION_COOKIE,
    ServeError,
    check_no_shared_token,
    check_serve_options,
    create_app,
    resolve_session_secret,
)
from checker.cli import main
from checker.html_report import render_article_page
from checker.report import article_details
from checker.run import run
from checker.store import Store
from tests.web_demo import DROP, hand_extract

REVIEWER = "ed"
SALMA = "سلمى"
PASSWORDS = {REVIEWER: "ed-pass-Σ-0001", SALMA: "كلمة-سر-سلمى-2"}
DISPLAY = {REVIEWER: "إدوار", SALMA: "سلمى الحسيني"}
ORIGIN = {"origin": "http://testserver"}


def register(store: Store, *names: str) -> None:
    """Registered users with a display name and a password (to sign in to the pages)."""
    for name in names:
        store.add_user(name, display=DISPLAY.get(name), password=PASSWORDS.get(name))


@pytest.fixture
def demo(tmp_path: Path, db_url: str) -> Iterator[Store]:
    """The web demo's store, on SQLite and on PostgreSQL."""
    store = Store(db_url)
    run([DROP], store, tmp_path / "out", extractor=hand_extract,
        extractor_version="web-demo-hand")
    register(store, REVIEWER, SALMA)
    yield store
    store.close()


@pytest.fixture
def client(demo: Store) -> Iterator[TestClient]:
    """Nobody signed in: reads are open (as on a loopback address)."""
    with TestClient(create_app(store=demo), raise_server_exceptions=False) as test_client:
        yield test_client


def bearer(store: Store, name: str = REVIEWER) -> dict[str, str]:
    """The Authorization header of a new API token of user ``name``."""
    return {"authorization": f"Bearer {store.new_token(name)}"}


def sign_in(client: TestClient, name: str = REVIEWER, password: str | None = None) -> str:
    """Sign in through the form as a browser does; returns the page's CSRF token."""
    response = client.post(
        "/login", data={"name": name, "password": password or PASSWORDS[name], "next": "/"},
        headers={**ORIGIN, "sec-fetch-site": "same-origin"}, follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/").text)


def csrf_of(page: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([^"]+)">', page)
    assert found is not None, "the page carries no CSRF token"
    return found.group(1)


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
    sign_in(client)  # review buttons are for a signed-in editor
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
        json={"status": "confirmed", "note": "الحصيلة تغيّرت لاحقاً"},
        headers=bearer(demo, SALMA),
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
    response = client.post(
        f"/findings/{_count_finding(demo)}/review", json=body, headers=bearer(demo)
    )
    assert response.status_code == status


def test_review_of_unknown_or_malformed_finding(client: TestClient, demo: Store) -> None:
    body = {"status": "confirmed"}
    auth = bearer(demo)
    response = client.post("/findings/f_0000000000000000/review", json=body, headers=auth)
    assert response.status_code == 404
    assert client.post("/findings/f_zz/review", json=body, headers=auth).status_code == 422


def test_review_must_be_json_from_the_same_site(client: TestClient, demo: Store) -> None:
    url = f"/findings/{_count_finding(demo)}/review"
    body = {"status": "dismissed"}
    auth = bearer(demo)
    payload = json.dumps(body)
    as_text = client.post(url, content=payload, headers={"content-type": "text/plain", **auth})
    assert as_text.status_code == 415
    form = client.post(url, data=body, headers=auth)
    assert form.status_code == 415
    evil = client.post(url, json=body, headers={"origin": "https://evil.example", **auth})
    assert evil.status_code == 403
    from_file = client.post(url, json=body, headers={"origin": "null", **auth})
    assert from_file.status_code == 403
    cross = client.post(url, json=body, headers={"sec-fetch-site": "cross-site", **auth})
    assert cross.status_code == 403
    assert demo.get_finding(_count_finding(demo)).review_status == "open"  # type: ignore[union-attr]
    same = client.post(
        url, json=body, headers={**ORIGIN, "sec-fetch-site": "same-origin", **auth},
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


# -- who may write: a signed-in user ---------------------------------------------------------


def test_a_write_without_sign_in_is_401(client: TestClient, demo: Store) -> None:
    url = f"/findings/{_count_finding(demo)}/review"
    for body in ({"status": "confirmed"}, {"status": "confirmed", "by": REVIEWER}):
        response = client.post(url, json=body)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert "sign in" in response.json()["detail"]
    # A body that names a registered user proves nothing.
    assert demo.reviews(_count_finding(demo)) == []
    page = client.get("/")
    assert 'id="sign-in"' in page.text and '<button type="button" data-review' not in page.text


def test_a_bearer_token_records_the_decision_under_its_user(
    client: TestClient, demo: Store
) -> None:
    finding = _count_finding(demo)
    url = f"/findings/{finding}/review"
    auth = bearer(demo, SALMA)
    answer = client.post(url, json={"status": "needs_info", "note": "المصدر؟"}, headers=auth)
    assert answer.status_code == 200, answer.text
    assert answer.json()["reviewed_by"] == SALMA
    # naming someone else in the body is refused, naming oneself is fine
    other = client.post(url, json={"status": "confirmed", "by": REVIEWER}, headers=auth)
    assert other.status_code == 403 and repr(SALMA) in other.json()["detail"]
    same = client.post(url, json={"status": "confirmed", "by": SALMA}, headers=auth)
    assert same.status_code == 200
    assert [(r.status, r.by) for r in demo.reviews(finding)] == [
        ("needs_info", SALMA), ("confirmed", SALMA)
    ]
    for header in ("Bearer not-a-token-of-anyone-at-all", "Basic ZWQ6ZWQ=", "Bearer "):
        refused = client.post(url, json={"status": "dismissed"},
                              headers={"authorization": header})
        assert refused.status_code == 401, header
    assert len(demo.reviews(finding)) == 2


def test_a_revoked_token_is_401_and_a_new_one_works(client: TestClient, demo: Store) -> None:
    url = f"/findings/{_count_finding(demo)}/review"
    first, second = bearer(demo), bearer(demo)
    other = bearer(demo, SALMA)
    assert client.post(url, json={"status": "confirmed"}, headers=first).status_code == 200
    assert demo.revoke_tokens(REVIEWER) == 2
    for auth in (first, second):
        refused = client.post(url, json={"status": "dismissed"}, headers=auth)
        assert refused.status_code == 401
        assert "not valid" in refused.json()["detail"]
    # another user's tokens are untouched, and a new token works at once
    assert client.post(url, json={"status": "dismissed"}, headers=other).status_code == 200
    assert client.post(url, json={"status": "open"}, headers=bearer(demo)).status_code == 200
    assert [r.by for r in demo.reviews(_count_finding(demo))] == [REVIEWER, SALMA, REVIEWER]


def test_a_cookie_session_needs_the_csrf_header(client: TestClient, demo: Store) -> None:
    finding = _count_finding(demo)
    url = f"/findings/{finding}/review"
    csrf = sign_in(client, SALMA)
    cookie = client.cookies.get(SESSION_COOKIE)
    assert cookie
    body = {"status": "dismissed", "note": "مرحلتان"}
    without = client.post(url, json=body, headers=ORIGIN)
    assert without.status_code == 403 and CSRF_HEADER in without.json()["detail"]
    wrong = client.post(url, json=body, headers={**ORIGIN, CSRF_HEADER: csrf[:-2] + "xx"})
    assert wrong.status_code == 403
    assert demo.reviews(finding) == []
    # the cookie and the token of this session, sent from another site: refused
    cross = client.post(url, json=body, headers={"origin": "https://evil.example",
                                                 CSRF_HEADER: csrf})
    assert cross.status_code == 403
    cross = client.post(url, json=body, headers={"sec-fetch-site": "cross-site",
                                                 CSRF_HEADER: csrf})
    assert cross.status_code == 403
    assert demo.reviews(finding) == []
    done = client.post(url, json=body, headers={**ORIGIN, "sec-fetch-site": "same-origin",
                                                CSRF_HEADER: csrf})
    assert done.status_code == 200, done.text
    assert done.json()["reviewed_by"] == SALMA
    # signed out: the page holds no token any more, and the old one is worth nothing
    assert client.post("/logout", headers={**ORIGIN, CSRF_HEADER: csrf}).status_code == 200
    after = client.post(url, json={"status": "open"}, headers={**ORIGIN, CSRF_HEADER: csrf})
    assert after.status_code == 401
    assert '<meta name="csrf-token"' not in client.get("/").text
    assert [r.by for r in demo.reviews(finding)] == [SALMA]


def test_the_session_cookie_is_httponly_strict_and_signed(
    client: TestClient, demo: Store
) -> None:
    response = client.post(
        "/login", data={"name": REVIEWER, "password": PASSWORDS[REVIEWER]}, headers=ORIGIN,
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/"
    flags = response.headers["set-cookie"].lower()
    assert flags.startswith(SESSION_COOKIE + "=")
    assert "httponly" in flags and "samesite=strict" in flags and "secure" not in flags
    assert PASSWORDS[REVIEWER].lower() not in flags
    # a cookie changed by hand (another user's name) is not a session
    value = client.cookies.get(SESSION_COOKIE) or ""
    payload, _, signature = value.partition(".")
    forged = value.replace(payload, payload[:-4] + "AAAA")
    client.cookies.set(SESSION_COOKIE, forged)
    assert 'id="sign-in"' in client.get("/").text
    with TestClient(create_app(store=demo, secure_cookie=True)) as secure:
        response = secure.post(
            "/login", data={"name": REVIEWER, "password": PASSWORDS[REVIEWER]},
            headers=ORIGIN, follow_redirects=False,
        )
        assert "; secure" in response.headers["set-cookie"].lower()


def test_a_session_ends_when_the_password_changes_or_is_removed(
    client: TestClient, demo: Store
) -> None:
    url = f"/findings/{_count_finding(demo)}/review"
    csrf = sign_in(client, REVIEWER)
    headers = {**ORIGIN, CSRF_HEADER: csrf}
    assert client.post(url, json={"status": "confirmed"}, headers=headers).status_code == 200
    demo.set_password(REVIEWER, "a-new-password-1")
    assert client.post(url, json={"status": "open"}, headers=headers).status_code == 401
    csrf = sign_in(client, REVIEWER, "a-new-password-1")
    headers = {**ORIGIN, CSRF_HEADER: csrf}
    assert client.post(url, json={"status": "open"}, headers=headers).status_code == 200
    assert demo.remove_password(REVIEWER) is True
    assert client.post(url, json={"status": "dismissed"}, headers=headers).status_code == 401
    refused = client.post("/login", data={"name": REVIEWER, "password": "a-new-password-1"},
                          headers=ORIGIN)
    assert refused.status_code == 401


def test_a_wrong_password_or_unknown_user_is_one_401(client: TestClient, demo: Store) -> None:
    demo.add_user("nopass")  # registered without a password: cannot sign in
    answers = [
        client.post("/login", data={"name": name, "password": password}, headers=ORIGIN,
                    follow_redirects=False)
        for name, password in ((REVIEWER, "wrong"), ("nobody", PASSWORDS[REVIEWER]),
                               ("nopass", ""), ("nopass", "anything"), ("", ""),
                               (REVIEWER, PASSWORDS[SALMA]))
    ]
    assert {a.status_code for a in answers} == {401}
    assert {a.text for a in answers} == {'{"detail":"wrong user name or password"}'}
    assert all(SESSION_COOKIE not in a.headers.get("set-cookie", "") for a in answers)
    # a browser gets the form again, with one message for every case
    page = client.post("/login", data={"name": "nobody", "password": "x"},
                       headers={**ORIGIN, "accept": "text/html"})
    assert page.status_code == 401 and page.headers["content-type"].startswith("text/html")
    assert "اسم المستخدم أو كلمة المرور غير صحيحين" in page.text
    assert 'value="nobody"' in page.text and 'value="x"' not in page.text
    assert "form-action 'self'" in page.headers["content-security-policy"]


def test_the_sign_in_form_must_come_from_this_server(client: TestClient) -> None:
    """Login CSRF: another site must not sign the editor's browser in as someone else."""
    data = {"name": REVIEWER, "password": PASSWORDS[REVIEWER]}
    for headers in ({"origin": "https://evil.example"}, {"origin": "null"},
                    {"sec-fetch-site": "cross-site"}, {}):
        response = client.post("/login", data=data, headers=headers, follow_redirects=False)
        assert response.status_code == 403, headers
        assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    as_json = client.post("/login", json=data, headers=ORIGIN)
    assert as_json.status_code == 415
    # the sign-in page lets the browser send its Origin with the form (same-origin
    # referrer policy: Chromium sends "Origin: null" from a no-referrer page); no other
    # page posts a form or sends a referrer
    form = client.get("/login")
    assert form.headers["referrer-policy"] == "same-origin"
    assert '<meta name="referrer" content="same-origin">' in form.text
    assert "form-action 'self'" in form.headers["content-security-policy"]
    report = client.get("/")
    assert report.headers["referrer-policy"] == "no-referrer"
    assert "form-action 'none'" in report.headers["content-security-policy"]
    response = client.post("/login", data=data, headers={"sec-fetch-site": "same-origin"},
                           follow_redirects=False)
    assert response.status_code == 303


def test_signing_in_returns_to_a_page_of_this_server_only(
    client: TestClient, demo: Store
) -> None:
    finding = _count_finding(demo)
    for wanted, landed in ((f"/findings/{finding}/page", f"/findings/{finding}/page"),
                           ("//evil.example/x", "/"), ("https://evil.example/", "/"),
                           ("/\\evil.example", "/"), ("", "/")):
        response = client.post(
            "/login", data={"name": REVIEWER, "password": PASSWORDS[REVIEWER], "next": wanted},
            headers=ORIGIN, follow_redirects=False,
        )
        assert response.headers["location"] == landed, wanted
    # the sign-in page of a visitor who is signed in already goes on at once
    assert client.get("/login?next=/findings", follow_redirects=False).headers[
        "location"] == "/findings"


def test_pages_say_who_is_signed_in_and_show_the_display_names(
    client: TestClient, demo: Store
) -> None:
    finding = _count_finding(demo)
    signed_out = client.get(f"/findings/{finding}/page").text
    assert f'href="/login?next=/findings/{finding}/page"' in signed_out
    assert '<button type="button" data-review' not in signed_out
    csrf = sign_in(client, SALMA)
    for path in ("/", f"/findings/{finding}/page", f"/claims/{_hostile_claim(demo)}/page"):
        page = client.get(path).text
        assert csrf_of(page) == csrf, path
        assert f'<bdi id="signed-in-as" title="{SALMA}">{DISPLAY[SALMA]}</bdi>' in page
        assert 'id="sign-out"' in page and 'id="sign-in"' not in page
    client.post(f"/findings/{finding}/review", json={"status": "dismissed"},
                headers={**ORIGIN, CSRF_HEADER: csrf})
    page = client.get(f"/findings/{finding}/page").text
    history = page[page.index('id="history"'):]
    assert f'<bdi class="by" title="{SALMA}">{DISPLAY[SALMA]}</bdi>' in history
    card = page[page.index(f'data-finding="{finding}"'):page.index('id="history"')]
    assert f'data-user="{SALMA}">{DISPLAY[SALMA]}</bdi>' in card


# -- who may read: anyone on loopback, signed-in users elsewhere --------------------------------


def test_a_server_off_loopback_shows_nothing_to_a_visitor_not_signed_in(demo: Store) -> None:
    finding = _count_finding(demo)
    paths = ["/", "/report.json", "/claims", "/findings", f"/findings/{finding}",
             f"/findings/{finding}/page", f"/claims/{_hostile_claim(demo)}",
             "/openapi.json"]
    with TestClient(create_app(store=demo, open_reads=False)) as client:
        for path in paths:
            response = client.get(path, follow_redirects=False)
            assert response.status_code == 401, path
            assert "sign in" in response.json()["detail"]
        # a browser asking for a page is sent to the sign-in page, and back afterwards
        page = client.get(f"/findings/{finding}/page", headers=BROWSER, follow_redirects=False)
        assert page.status_code == 303
        assert page.headers["location"] == f"/login?next=/findings/{finding}/page"
        assert client.get("/login").status_code == 200
        # with a token, or signed in: everything
        auth = bearer(demo, SALMA)
        for path in paths:
            assert client.get(path, headers=auth).status_code == 200, path
        revoked = client.get("/findings", headers={"authorization": "Bearer revoked-or-not"})
        assert revoked.status_code == 401
        landed = client.post(
            "/login", data={"name": SALMA, "password": PASSWORDS[SALMA],
                            "next": f"/findings/{finding}/page"},
            headers=ORIGIN, follow_redirects=False,
        )
        assert landed.headers["location"] == f"/findings/{finding}/page"
        for path in paths:
            assert client.get(path).status_code == 200, path


def test_the_password_and_the_token_never_reach_the_logs(
    demo: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """The real server (uvicorn, access log on) and our own logging: a failed and a
    successful sign-in, a write with a token and one with the session."""
    import uvicorn

    token = demo.new_token(REVIEWER)
    password = PASSWORDS[SALMA]
    caplog.set_level(logging.DEBUG)
    app = create_app(store=demo, allowed_hosts=LOOPBACK_HOSTS)
    with _serving(uvicorn, app) as base, httpx.Client(base_url=base, follow_redirects=True) as http:
        origin = {"origin": base}
        wrong = http.post("/login", data={"name": SALMA, "password": password + "-typo"},
                          headers=origin)
        assert wrong.status_code == 401
        right = http.post("/login", data={"name": SALMA, "password": password},
                          headers=origin)
        assert right.status_code == 200  # followed the redirect to the report
        csrf = csrf_of(right.text)
        url = f"/findings/{_count_finding(demo)}/review"
        by_session = http.post(url, json={"status": "confirmed"},
                               headers={**origin, CSRF_HEADER: csrf})
        assert by_session.status_code == 200
        by_token = http.post(url, json={"status": "open"},
                             headers={"authorization": f"Bearer {token}"})
        assert by_token.status_code == 200
        assert http.post(url, json={"status": "open"},
                         headers={"authorization": f"Bearer {token}x"}).status_code == 401
    logged = "\n".join(
        f"{r.name} {r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records
    )
    # the log is there (access lines and our own), and none of the secrets is in it
    assert "POST /login" in logged and f"POST {url}" in logged
    assert "sign-in refused" in logged and f"user {SALMA} signed in" in logged
    for secret in (password, password + "-typo", token, csrf):
        assert secret not in logged


@contextmanager
def _serving(uvicorn: Any, app: Any) -> Iterator[str]:
    """``app`` served by uvicorn in a thread on a free loopback port, its access log going
    to the root logger (``log_config=None``) where the test captures it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_config=None, access_log=True))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# -- pages, headers, errors ----------------------------------------------------------------------


def test_html_pages_are_served_with_a_strict_policy(client: TestClient, demo: Store) -> None:
    sign_in(client)
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


def test_serve_refuses_an_open_address_while_the_store_has_no_user() -> None:
    assert check_serve_options("127.0.0.1", has_users=False) == LOOPBACK_HOSTS
    assert check_serve_options("::1", has_users=False) == LOOPBACK_HOSTS
    with pytest.raises(ServeError, match="has none") as refused:
        check_serve_options("0.0.0.0", has_users=False, db="desk.db")
    assert "claimcheck users add NAME --password-stdin --db desk.db" in str(refused.value)
    assert check_serve_options("0.0.0.0", has_users=True) is None
    assert check_serve_options("192.0.2.10", has_users=True) is None


def test_the_session_secret_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLAIMCHECK_SESSION_SECRET", raising=False)
    first, generated = resolve_session_secret()
    assert generated and len(first) >= MIN_SECRET_LENGTH
    assert resolve_session_secret()[0] != first  # a new one per server start
    fixed = "s" * MIN_SECRET_LENGTH
    monkeypatch.setenv("CLAIMCHECK_SESSION_SECRET", fixed)
    assert resolve_session_secret() == (fixed, False)
    monkeypatch.setenv("CLAIMCHECK_SESSION_SECRET", "short")
    with pytest.raises(ServeError, match="at least"):
        resolve_session_secret()


def test_a_session_survives_a_restart_with_a_fixed_secret_only(demo: Store) -> None:
    secret = "k" * MIN_SECRET_LENGTH
    with TestClient(create_app(store=demo, session_secret=secret)) as first:
        sign_in(first, REVIEWER)
        cookie = first.cookies.get(SESSION_COOKIE)
    for app, kept in ((create_app(store=demo, session_secret=secret), True),
                      (create_app(store=demo), False)):
        with TestClient(app) as again:
            again.cookies.set(SESSION_COOKIE, cookie or "")
            assert ('id="signed-in-as"' in again.get("/").text) is kept


def test_the_shared_token_is_gone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "x.db")
    Store(db).close()
    monkeypatch.setenv("CLAIMCHECK_TOKEN", "a-long-enough-old-shared-token")
    with pytest.raises(ServeError, match="no longer used"):
        check_no_shared_token()
    assert main(["serve", "--db", db]) == 2
    assert "CLAIMCHECK_TOKEN is no longer used" in capsys.readouterr().err
    monkeypatch.delenv("CLAIMCHECK_TOKEN")
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--db", db, "--token", "a-long-enough-old-shared-token"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "`serve --token` was removed" in err and "claimcheck users token NAME" in err
    with pytest.raises(TypeError):
        create_app(store=Store(db), token="a-long-enough-old-shared-token")  # type: ignore[call-arg]


def test_cli_serve_refuses_before_listening(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import checker.api
    import checker.cli

    monkeypatch.delenv("CLAIMCHECK_TOKEN", raising=False)
    started: list[dict[str, Any]] = []
    monkeypatch.setattr(checker.api, "serve", lambda db, **options: started.append(options))
    monkeypatch.setattr(checker.cli, "check_port", lambda host, port: None)
    db = str(tmp_path / "x.db")
    Store(db).close()
    assert main(["serve", "--db", db, "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert "not a loopback address" in err and "the store has none" in err
    assert f"claimcheck users add NAME --password-stdin --db {db}" in err
    assert started == []
    # on loopback an empty store is served (reads are open, nobody can write)
    assert main(["serve", "--db", db]) == 0
    with Store(db) as store:
        store.add_user(REVIEWER, password=PASSWORDS[REVIEWER])
    assert main(["serve", "--db", db, "--host", "0.0.0.0", "--secure-cookie"]) == 0
    assert [s["host"] for s in started] == ["127.0.0.1", "0.0.0.0"]
    assert [s["secure_cookie"] for s in started] == [False, True]


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
    finding = _count_finding(demo)
    demo.set_review(finding, "dismissed", note="مرحلتان", by=REVIEWER)
    demo.set_review(finding, "confirmed", note="بعد التحقق", by=SALMA)
    data = client.get(f"/findings/{finding}").json()
    assert [r["status"] for r in data["reviews"]] == ["dismissed", "confirmed"]
    html = client.get(f"/findings/{finding}/page").text
    history = html[html.index('id="history"'):]
    assert history.index("مرحلتان") < history.index("بعد التحقق")
    assert "سجل المراجعة (2)" in history
    # each decision under its editor's display name, the user name behind it
    assert history.index(DISPLAY[REVIEWER]) < history.index(DISPLAY[SALMA])
    assert f'title="{REVIEWER}">{DISPLAY[REVIEWER]}</bdi>' in history


def test_every_page_shows_each_articles_language_and_its_text_direction(
    client: TestClient, demo: Store
) -> None:
    article = next(a for a in demo.articles() if demo.claims(article_id=a.id))
    assert article.language == "ar"
    report = client.get("/").text
    table = report[report.index('id="articles-title"'):]
    assert "<th>اللغة</th>" in table
    assert table.count('<td class="language">العربية</td>') == len(demo.articles())
    page = client.get(f"/articles/{article.id}/page").text
    assert '<dd class="language">العربية</dd>' in page
    assert '<div class="article-text" lang="ar" dir="rtl">' in page
    finding = demo.findings(claim_id=demo.claims(article_id=article.id)[0].id)[0]
    card = client.get(f"/findings/{finding.id}/page").text
    assert '<dd class="language">العربية</dd>' in card
    assert '<blockquote lang="ar" dir="rtl">' in card
    # The same article in English: its text and quotes run left to right, isolated, on
    # the right-to-left page.
    details = article_details(demo, article.id)
    assert details is not None
    english = details.model_copy(
        update={"article": details.article.model_copy(update={"language": "en"})}
    )
    html = render_article_page(english, {}, live=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert '<dd class="language">الإنجليزية</dd>' in html
    assert '<div class="article-text" lang="en" dir="ltr">' in html
    assert '<blockquote lang="ar"' not in html
    # the claim's card, and its quote in each finding
    assert html.count('<blockquote lang="en" dir="ltr">') == len(details.claims) + sum(
        q.claim_id in {c.id for c in details.claims}
        for f in details.findings for side in f.sides for q in side.quotes
    )
    # quotes of articles whose language the page was not given: the browser decides
    assert '<blockquote dir="auto">' in html
