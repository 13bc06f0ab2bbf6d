"""The HTTP API (FastAPI): claims, findings, events, review decisions and the HTML pages.

``create_app(db)`` builds the application over one store; ``serve(...)`` runs it with
uvicorn (``claimcheck serve``). Every HTML page has a JSON twin: ``/`` and
``/report.json``, ``/claims/{id}/page`` and ``/claims/{id}``, ``/findings/{id}/page`` and
``/findings/{id}``, ``/events/{id}/page`` and ``/events/{id}``, ``/articles/{id}/page``
and ``/articles/{id}``. Every GET also answers HEAD. A browser that asks for a page
(``Accept: text/html``) gets its errors as a page too; everything else gets JSON.

Who may do what:

- every write (a review) needs a signed-in registered user, and is recorded under that
  user's name: an API client sends ``Authorization: Bearer <token>`` (a user's token from
  ``claimcheck users token NAME``); a browser signs in at ``/login`` (name and password)
  and gets a signed session cookie (HttpOnly, SameSite=Strict), and every write it sends
  carries the session's CSRF token in ``X-CSRF-Token``;
- reads are open when the server listens on a loopback address; on any other address
  every page and API read needs a signed-in user too, and ``serve`` refuses to start
  while the store has no user.

Hardening, in the order a request meets it:

- the server binds 127.0.0.1 unless told otherwise;
- on a loopback address only loopback ``Host`` headers are served (no DNS rebinding);
- request bodies are bounded (``max_body_bytes``, 413 beyond), query parameters too
  (``limit`` <= 500, ``q`` <= 200 characters);
- a review needs ``Content-Type: application/json``, must not come from another site
  (``Origin`` / ``Sec-Fetch-Site``), and needs a user (above); the sign-in form must come
  from this server's own page (``Origin`` or ``Sec-Fetch-Site`` say so);
- a wrong password, an unknown user and a revoked token are one 401 that never says
  which; passwords come only in POST bodies and tokens only in headers, so neither
  reaches the access log, and nothing here logs them;
- malformed IDs are 422, unknown IDs 404, anything unexpected a 500 without a trace
  (JSON, or a page for a browser asking for a page); no CORS, no static files, nothing
  of the file system is reachable;
- HTML pages carry a Content-Security-Policy that allows only their own inline script
  and style.

Reads keep working while a batch run writes: SQLite runs in WAL mode and every store call
takes its own pooled connection.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import re
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs, quote, urlsplit

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from checker.delta import latest_delta
from checker.html_report import (
    Viewer,
    content_security_policy,
    render_article_page,
    render_claim_page,
    render_error_page,
    render_event_page,
    render_finding_page,
    render_login_page,
    render_report_html,
)
from checker.report import (
    ArticleDetails,
    ClaimDetails,
    FindingDetails,
    Report,
    ReportArticle,
    ReportClaim,
    ReportEvent,
    article_details,
    build_report,
    claim_details,
    event_details,
    finding_details,
)
from checker.search import SearchHit, list_claim_ids, search, search_results
from checker.store import Store, StoreError, UnknownUser, User
from claims.model import Finding, FindingKind, ReviewStatus

log = logging.getLogger(__name__)

CLAIM_ID_PATTERN = r"^c_[0-9a-f]{16}$"
FINDING_ID_PATTERN = r"^f_[0-9a-f]{16}$"
EVENT_ID_PATTERN = r"^e_[0-9a-f]{16}$"
ARTICLE_ID_PATTERN = r"^a_[0-9a-f]{16}$"
MAX_LIMIT = 500
MAX_OFFSET = 1_000_000
MAX_QUERY = 200
MAX_NOTE = 2000
MAX_NAME = 200
DEFAULT_MAX_BODY = 16 * 1024
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1"]
# The browser session: a cookie signed with the session secret (itsdangerous, through
# Starlette's SessionMiddleware), HttpOnly and SameSite=Strict. It ends after this long
# without a request, at sign-out, when the user's password is changed or removed, and
# when the server restarts without a fixed secret.
SESSION_COOKIE = "claimcheck_session"
SESSION_MAX_AGE = 12 * 60 * 60
SESSION_SECRET_ENV = "CLAIMCHECK_SESSION_SECRET"
MIN_SECRET_LENGTH = 32
CSRF_HEADER = "X-CSRF-Token"
# The shared token of earlier versions: per-user tokens replace it; set, it is an error.
REMOVED_TOKEN_ENV = "CLAIMCHECK_TOKEN"
SIGN_IN_REFUSED = "wrong user name or password"
SIGN_IN_REFUSED_AR = "اسم المستخدم أو كلمة المرور غير صحيحين."
TOKEN_REFUSED = (
    "the token is not valid (revoked, mistyped or never issued); "
    "`claimcheck users token NAME` issues a new one"
)
SIGN_IN_FIRST = (
    "sign in first: a decision is recorded under the signed-in user's name "
    "(a browser signs in at /login; an API client sends Authorization: Bearer <token>, "
    "from `claimcheck users token NAME`)"
)
# Where the sign-in page may send the browser back to: a path of this server.
NEXT_PATH = re.compile(r"^/(?![/\\])[A-Za-z0-9_\-./]{0,300}$")


class ServeError(ValueError):
    """The server cannot start as asked (for example, an open address and no user)."""


class UTF8JSONResponse(JSONResponse):
    """JSON as UTF-8 with Arabic unescaped (Starlette's default escapes to \\uXXXX)."""

    def render(self, content: Any) -> bytes:
        return json.dumps(
            content, ensure_ascii=False, allow_nan=False, separators=(",", ":")
        ).encode("utf-8")


# -- request and response shapes ---------------------------------------------------------------


class ReviewRequest(BaseModel):
    """An editor's decision on a finding; it is recorded under the signed-in user's name."""

    model_config = ConfigDict(extra="forbid")

    status: ReviewStatus
    note: str | None = Field(default=None, max_length=MAX_NOTE)
    by: str | None = Field(
        default=None,
        max_length=MAX_NAME,
        description="optional: when given, it must be the signed-in user's name (403 "
        "otherwise); the decision is recorded under the signed-in user either way",
    )


class SignedOut(BaseModel):
    detail: str


class ClaimHit(ReportClaim):
    """A claim in a listing; ``score`` and ``matched`` are set for a word search."""

    score: float | None = None
    matched: list[str] = Field(default_factory=list)


class ClaimPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[ClaimHit]


class FindingPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[Finding]


class ErrorBody(BaseModel):
    detail: Any


# -- middleware --------------------------------------------------------------------------------

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


async def _send_json(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    """Refuse request bodies larger than ``max_bytes`` (declared or streamed): 413."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_bytes
            except ValueError:
                await _send_json(send, 400, "invalid Content-Length")
                return
            if too_big:
                await _send_json(send, 413, f"request body larger than {self.max_bytes} bytes")
                return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message.get("type") == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # FastAPI re-raises its own HTTPException from body reading as is.
                    raise HTTPException(
                        413, f"request body larger than {self.max_bytes} bytes"
                    )
            return message

        await self.app(scope, limited, send)


class HeadMiddleware:
    """Answer HEAD as GET without the body (FastAPI routes declare GET only): a link
    checker or a proxy asking ``HEAD /`` gets the headers of ``GET /``, not 405."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


class SecurityHeadersMiddleware:
    """Headers every response gets; HTML responses set their own CSP."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                    (b"cross-origin-resource-policy", b"same-origin"),
                    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
                ]
                headers += [(k, v) for k, v in extra if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


# -- dependencies (module level: FastAPI resolves these annotations by name) -------------------


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


@dataclass(frozen=True)
class Principal:
    """Who sent a request: a registered user, and how they proved it (an API token, or
    the browser session with its CSRF token)."""

    user: User
    via: Literal["token", "session"]
    csrf: str | None = None


class SignInRequired(Exception):
    """A request that needs a signed-in user has none, or sends credentials that are not
    valid: 401 (a browser asking for a page is sent to the sign-in page instead)."""

    def __init__(self, detail: str = SIGN_IN_FIRST) -> None:
        super().__init__(detail)
        self.detail = detail


_UNSET = object()


def _session(request: Request) -> dict[str, Any]:
    session: dict[str, Any] = request.scope["session"] if "session" in request.scope else {}
    return session


def authenticate(request: Request) -> Principal | None:
    """The user who sent ``request``: from ``Authorization: Bearer <token>`` when the
    header is there (a token that is not valid is refused, never passed over for the
    cookie), else from the signed session cookie, whose user must still have the password
    the session was signed in with. None when neither is there. Worked out once per
    request."""
    cached = getattr(request.state, "principal", _UNSET)
    if isinstance(cached, SignInRequired):
        raise cached
    if cached is None or isinstance(cached, Principal):
        return cached
    try:
        found = _authenticate(request)
    except SignInRequired as exc:
        request.state.principal = exc
        raise
    request.state.principal = found
    return found


def _authenticate(request: Request) -> Principal | None:
    store: Store = request.app.state.store
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, value = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise SignInRequired("send the token as Authorization: Bearer <token>")
        user = store.user_for_token(value.strip())
        if user is None:
            raise SignInRequired(TOKEN_REFUSED)
        return Principal(user=user, via="token")
    session = _session(request)
    name = session.get("user")
    if not isinstance(name, str) or not name:
        return None
    stamp = store.session_stamp(name)
    kept = session.get("stamp")
    user = store.get_user(name) if stamp is not None else None
    if (
        user is None
        or not isinstance(kept, str)
        or not secrets.compare_digest(kept.encode(), (stamp or "").encode())
    ):
        session.clear()  # signed in with a password that has since changed or gone
        return None
    csrf = session.get("csrf")
    return Principal(user=user, via="session", csrf=csrf if isinstance(csrf, str) else None)


def viewer_of(request: Request) -> Viewer:
    """Who looks at a page, for the account bar and the review buttons."""
    path = request.url.path
    sign_in = "/login" if path in ("/", "/login") else f"/login?next={quote(path, safe='/')}"
    try:
        principal = authenticate(request)
    except SignInRequired:
        principal = None
    if principal is None:
        return Viewer(sign_in=sign_in)
    user = principal.user
    return Viewer(
        name=user.name, display=user.display or user.name, csrf=principal.csrf,
        sign_in=sign_in,
    )


def check_read(request: Request) -> None:
    """Reads are open on a loopback address; elsewhere they need a signed-in user."""
    if request.app.state.open_reads:
        return
    if authenticate(request) is None:
        raise SignInRequired("sign in first: this server shows its pages and data only to "
                             "signed-in users")


def refuse_cross_site(request: Request, *, need_origin: bool = False) -> None:
    """403 for a request another site made the browser send (``Sec-Fetch-Site`` or an
    ``Origin`` that is not this server). ``need_origin``: refuse too when the browser
    says neither (the sign-in form: against login CSRF)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        raise HTTPException(403, "cross-site request refused")
    origin = request.headers.get("origin")
    if origin is not None:
        if origin == "null" or urlsplit(origin).netloc != request.headers.get("host", ""):
            raise HTTPException(403, "cross-origin request refused")
    if need_origin and site is None and origin is None:
        raise HTTPException(
            403, "send the sign-in form from this server's own sign-in page (/login)"
        )


def check_csrf(request: Request, principal: Principal) -> None:
    """A write that rides on the session cookie must carry the session's CSRF token."""
    if principal.via != "session":
        return  # a bearer token is never sent by a browser on its own
    sent = request.headers.get(CSRF_HEADER, "")
    if not principal.csrf or not secrets.compare_digest(
        sent.encode("utf-8"), principal.csrf.encode("utf-8")
    ):
        raise HTTPException(
            403, f"missing or wrong {CSRF_HEADER} header: reload the page and try again"
        )


def check_write(request: Request) -> User:
    """A review may only come as JSON, from this site, from a signed-in user (with the
    session's CSRF token when it rides on the session cookie); returns the user."""
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise HTTPException(415, "send the review as application/json")
    refuse_cross_site(request)
    principal = authenticate(request)
    if principal is None:
        raise SignInRequired()
    check_csrf(request, principal)
    return principal.user


StoreDep = Annotated[Store, Depends(get_store)]
ViewerDep = Annotated[Viewer, Depends(viewer_of)]
WriterDep = Annotated[User, Depends(check_write)]
ClaimId = Annotated[str, PathParam(pattern=CLAIM_ID_PATTERN, description="c_ and 16 hex digits")]
ArticleId = Annotated[
    str, PathParam(pattern=ARTICLE_ID_PATTERN, description="a_ and 16 hex digits")
]
FindingId = Annotated[
    str, PathParam(pattern=FINDING_ID_PATTERN, description="f_ and 16 hex digits")
]
EventId = Annotated[str, PathParam(pattern=EVENT_ID_PATTERN, description="e_ and 16 hex digits")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"at most {MAX_LIMIT}")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]


# -- the application ---------------------------------------------------------------------------


def _html(content: str, status_code: int = 200, *, forms: bool = False) -> HTMLResponse:
    """A page. ``forms``: the sign-in page, whose form posts to this server; its referrer
    policy is ``same-origin`` (not ``no-referrer``) so that the browser sends the real
    ``Origin`` with the form, which the sign-in checks; nothing goes to other sites."""
    headers = {
        "Content-Security-Policy": content_security_policy(served=True, forms=forms),
        "Cache-Control": "no-store",
    }
    if forms:
        headers["Referrer-Policy"] = "same-origin"
    return HTMLResponse(content, status_code=status_code, headers=headers)


def wants_page(request: Request) -> bool:
    """A browser asking for a page: ``Accept`` names HTML and the path is a page (``/``,
    ``.../page``) or no route at all. API clients (``*/*``, JSON) get JSON errors."""
    if "text/html" not in request.headers.get("accept", ""):
        return False
    path = request.url.path
    return (
        path in ("/", "/login") or path.endswith("/page") or "route" not in request.scope
    )


def _next_path(value: object) -> str:
    """Where to go after signing in: a path of this server, else the report."""
    return value if isinstance(value, str) and NEXT_PATH.match(value) else "/"


def _display_names(store: Store) -> dict[str, str]:
    """The name each user is shown by (their display name, else their name)."""
    return {u.name: u.display or u.name for u in store.users()}


def _error_text(status: int, exc: Exception) -> str:
    if status == 422:
        return "المعرّف أو أحد المعاملات في الرابط غير صالح."
    if status == 404:
        return "لا يوجد في هذا المخزن ما يطابق هذا الرابط."
    if status == 500:
        return "حدث خطأ غير متوقع؛ سُجّل في سجل الخادم."
    detail = getattr(exc, "detail", "")
    return detail if isinstance(detail, str) and detail else "تعذّر عرض الصفحة."


def _articles(store: Store, ids: set[str]) -> dict[str, ReportArticle]:
    """The articles a page shows (name, title, outlet, link), without their text."""
    return {
        a.id: ReportArticle(
            id=a.id, name=a.name, title=a.title, outlet=a.outlet, url=a.url,
            published=a.published, language=a.language,
        )
        for a in store.articles(ids=sorted(ids))
    }


def _claim_hits(store: Store, hits: Sequence[SearchHit]) -> list[ClaimHit]:
    return [
        ClaimHit(**item["claim"], score=item["score"], matched=item["matched"])
        for item in search_results(store, hits)
    ]


def _article_id(store: Store, article: str) -> str | None:
    """An article parameter is an article ID or an article name."""
    if re.match(ARTICLE_ID_PATTERN, article):
        return article
    found = store.article_by_name(article)
    return found.id if found else None


def create_app(
    db: str | Path | None = None,
    *,
    store: Store | None = None,
    allowed_hosts: list[str] | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY,
    open_reads: bool = True,
    session_secret: str | None = None,
    secure_cookie: bool = False,
) -> FastAPI:
    """The API over the store at ``db`` (or an open ``store``).

    Writes always need a signed-in user (a bearer token or a browser session).
    ``open_reads``: pages and API reads are open to anyone who reaches the server
    (``serve`` passes True only on a loopback address); False: they need a signed-in user
    too. ``session_secret`` signs the session cookies (default:
    ``CLAIMCHECK_SESSION_SECRET``, else a new random one: sessions then end with the
    application). ``secure_cookie`` marks the cookie ``Secure`` (pages served over https).
    ``allowed_hosts``: ``Host`` header values served (None: any; ``serve`` passes the
    loopback names when it binds a loopback address).
    """
    secret = session_secret if session_secret is not None else resolve_session_secret()[0]
    if len(secret) < MIN_SECRET_LENGTH:
        raise ServeError(f"the session secret must be at least {MIN_SECRET_LENGTH} characters")
    owns_store = store is None  # a store handed in is closed by whoever opened it
    if store is None:
        if db is None:
            raise ValueError("create_app needs a database or a store")
        store = Store(db)
    the_store = store

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owns_store:
            the_store.close()

    app = FastAPI(
        title="claimcheck",
        description="Claims, contradiction findings and review decisions of a claimcheck "
        "store. JSON is UTF-8 with Arabic unescaped. A review needs a signed-in user: "
        "`Authorization: Bearer <token>` (`claimcheck users token NAME`), or a browser "
        "session from /login with its CSRF token in `X-CSRF-Token`.",
        version=_version(),
        docs_url=None,  # the interactive docs load scripts from a CDN
        redoc_url=None,
        openapi_url=None,  # served below, behind the same read check as the rest
        default_response_class=UTF8JSONResponse,
        lifespan=lifespan,
        responses={
            404: {"model": ErrorBody, "description": "unknown ID"},
            422: {"description": "malformed ID or parameter"},
        },
    )
    app.state.store = the_store
    app.state.open_reads = open_reads
    # Every route that reads the store: open, or behind sign-in (open_reads=False).
    reads = APIRouter(
        dependencies=[Depends(check_read)],
        responses={401: {"model": ErrorBody, "description": "not signed in (a server "
                         "that is not on a loopback address)"}},
    )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        if wants_page(request):
            return _html(render_error_page(500, _error_text(500, exc)), 500)
        return UTF8JSONResponse({"detail": "internal error"}, status_code=500)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if wants_page(request):
            return _html(
                render_error_page(exc.status_code, _error_text(exc.status_code, exc)),
                exc.status_code,
            )
        return await http_exception_handler(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if wants_page(request):
            return _html(render_error_page(422, _error_text(422, exc)), 422)
        return await request_validation_exception_handler(request, exc)

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired) -> Response:
        path = request.url.path
        if wants_page(request) and request.method in ("GET", "HEAD") and path != "/login":
            target = "/login" if path == "/" else f"/login?next={quote(path, safe='/')}"
            return RedirectResponse(target, status_code=303)
        return UTF8JSONResponse(
            {"detail": exc.detail}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )

    # -- signing in and out -----------------------------------------------------------------

    @app.get("/login", response_class=HTMLResponse, summary="the sign-in page")
    def login_page(
        viewer: ViewerDep,
        next_path: Annotated[str, Query(alias="next", max_length=400)] = "/",
    ) -> Response:
        target = _next_path(next_path)
        if viewer.signed_in and viewer.csrf is not None:
            return RedirectResponse(target, status_code=303)
        return _html(render_login_page(next_path=target), forms=True)

    @app.post(
        "/login",
        summary="sign in with a user name and password (a form: name, password, next)",
        status_code=303,
        responses={
            303: {"description": "signed in: the session cookie is set; on to `next`"},
            401: {"model": ErrorBody, "description": "wrong user name or password"},
            403: {"model": ErrorBody, "description": "not sent from this server's page"},
            415: {"model": ErrorBody, "description": "not a form"},
        },
    )
    async def login(request: Request) -> Response:
        refuse_cross_site(request, need_origin=True)
        content_type = request.headers.get("content-type", "")
        if content_type.split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
            raise HTTPException(415, "send the sign-in form as application/x-www-form-urlencoded")
        try:
            fields = parse_qs(
                (await request.body()).decode("utf-8"), keep_blank_values=True,
                max_num_fields=10, strict_parsing=False,
            )
        except (UnicodeDecodeError, ValueError) as exc:
            raise HTTPException(400, "the sign-in form could not be read") from exc
        name = (fields.get("name") or [""])[0].strip()
        password = (fields.get("password") or [""])[0]
        target = _next_path((fields.get("next") or ["/"])[0])
        user = None
        if name and password and len(name) <= MAX_NAME and len(password) <= 1000:
            user = await run_in_threadpool(the_store.check_password, name, password)
        stamp = await run_in_threadpool(the_store.session_stamp, name) if user else None
        client = request.client.host if request.client else "?"
        if user is None or stamp is None:
            log.warning("sign-in refused (wrong user name or password) from %s", client)
            if "text/html" in request.headers.get("accept", ""):
                page = render_login_page(message=SIGN_IN_REFUSED_AR, name=name,
                                         next_path=target)
                return _html(page, 401, forms=True)
            return UTF8JSONResponse({"detail": SIGN_IN_REFUSED}, status_code=401)
        session = _session(request)
        session.clear()  # nothing of an earlier session carries over
        session.update(user=user.name, stamp=stamp, csrf=secrets.token_urlsafe(32))
        log.info("user %s signed in from %s", user.name, client)
        return RedirectResponse(target, status_code=303)

    @app.post(
        "/logout",
        response_model=SignedOut,
        summary="sign out: the session cookie is cleared",
        responses={403: {"model": ErrorBody, "description": "cross-site, or no CSRF token"}},
    )
    def logout(request: Request) -> SignedOut:
        refuse_cross_site(request)
        try:
            principal = authenticate(request)
        except SignInRequired:
            principal = None
        if principal is not None and principal.via == "session":
            check_csrf(request, principal)
            log.info("user %s signed out", principal.user.name)
        _session(request).clear()
        return SignedOut(detail="signed out")

    # -- pages ------------------------------------------------------------------------------

    @reads.get("/", response_class=HTMLResponse, summary="the report, with review buttons")
    def report_page(store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
        report = build_report(store, delta=latest_delta(store))
        return _html(render_report_html(
            report, live=True, viewer=viewer, reviewers=_display_names(store)
        ))

    @reads.get("/report.json", response_model=Report,
               summary="the report as data (JSON twin of /)")
    def report_json(store: StoreDep) -> Report:
        return build_report(store, delta=latest_delta(store))

    @reads.get(
        "/claims/{claim_id}/page",
        response_class=HTMLResponse,
        summary="one claim's page (HTML twin of /claims/{claim_id})",
    )
    def claim_page(claim_id: ClaimId, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
        details = claim_details(store, claim_id)
        if details is None:
            raise HTTPException(404, f"no claim with ID {claim_id}")
        wanted = {details.claim.article_id}
        wanted.update(
            q.article_id
            for f in details.findings for side in f.sides for q in side.quotes
            if q.article_id
        )
        wanted.update(c.article_id for c in details.agrees_with)
        return _html(
            render_claim_page(
                details, _articles(store, wanted), live=True, viewer=viewer,
                reviewers=_display_names(store),
            )
        )

    @reads.get(
        "/findings/{finding_id}/page",
        response_class=HTMLResponse,
        summary="one finding's page (HTML twin of /findings/{finding_id})",
    )
    def finding_page(finding_id: FindingId, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
        details = finding_details(store, finding_id)
        if details is None:
            raise HTTPException(404, f"no finding with ID {finding_id}")
        wanted = {c.article_id for c in details.claims}
        return _html(
            render_finding_page(
                details, _articles(store, wanted), live=True, viewer=viewer,
                reviewers=_display_names(store),
            )
        )

    @reads.get(
        "/events/{event_id}/page",
        response_class=HTMLResponse,
        summary="one event's page: what each report said and when, its facts, its findings "
        "(HTML twin of /events/{event_id})",
    )
    def event_page(event_id: EventId, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
        event = event_details(store, event_id)
        if event is None:
            raise HTTPException(404, f"no event with ID {event_id}")
        wanted = {q.article_id for f in event.findings for side in f.sides for q in side.quotes
                  if q.article_id}
        wanted.update(c.article_id for c in event.claims)
        return _html(
            render_event_page(
                event, _articles(store, wanted), live=True, viewer=viewer,
                reviewers=_display_names(store),
            )
        )

    @reads.get(
        "/articles/{article_id}/page",
        response_class=HTMLResponse,
        summary="one article in full, every claim marked (HTML twin of /articles/{article_id})",
    )
    def article_page(article_id: ArticleId, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
        details = article_details(store, article_id)
        if details is None:
            raise HTTPException(404, f"no article with ID {article_id}")
        wanted = {q.article_id for f in details.findings for side in f.sides
                  for q in side.quotes if q.article_id}
        return _html(
            render_article_page(
                details, _articles(store, wanted), live=True, viewer=viewer,
                reviewers=_display_names(store),
            )
        )

    # -- articles ---------------------------------------------------------------------------

    @reads.get(
        "/articles/{article_id}",
        response_model=ArticleDetails,
        summary="one article: its whole text, its claims and the findings they are part of",
    )
    def get_article(article_id: ArticleId, store: StoreDep) -> ArticleDetails:
        details = article_details(store, article_id)
        if details is None:
            raise HTTPException(404, f"no article with ID {article_id}")
        return details

    # -- claims -----------------------------------------------------------------------------

    @reads.get("/claims/{claim_id}", response_model=ClaimDetails, summary="one claim")
    def get_claim(claim_id: ClaimId, store: StoreDep) -> ClaimDetails:
        details = claim_details(store, claim_id)
        if details is None:
            raise HTTPException(404, f"no claim with ID {claim_id}")
        return details

    @reads.get("/claims", response_model=ClaimPage, summary="list or search claims")
    def list_claims(
        store: StoreDep,
        q: Annotated[
            str | None,
            Query(max_length=MAX_QUERY, description="words to search (Arabic-normalised, "
                  "clitic-tolerant); results ranked"),
        ] = None,
        event: Annotated[
            str | None, Query(pattern=EVENT_ID_PATTERN, description="only this event")
        ] = None,
        article: Annotated[
            str | None, Query(max_length=300, description="only this article (ID or name)")
        ] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> ClaimPage:
        article_id = None
        if article is not None:
            article_id = _article_id(store, article)
            if article_id is None:
                raise HTTPException(404, "no such article")
        if q is not None and q.strip():
            hits = search(store, q, event_id=event, article_id=article_id)
            items = _claim_hits(store, hits[offset : offset + limit])
            return ClaimPage(total=len(hits), limit=limit, offset=offset, items=items)
        total, ids = list_claim_ids(
            store, event_id=event, article_id=article_id, limit=limit, offset=offset
        )
        unranked = [SearchHit(claim_id=i, score=0.0, matched=()) for i in ids]
        items = [
            item.model_copy(update={"score": None}) for item in _claim_hits(store, unranked)
        ]
        return ClaimPage(total=total, limit=limit, offset=offset, items=items)

    # -- findings and reviews ---------------------------------------------------------------

    @reads.get("/findings", response_model=FindingPage, summary="findings, most severe first")
    def list_findings(
        store: StoreDep,
        status: ReviewStatus | None = None,
        kind: FindingKind | None = None,
        claim: Annotated[str | None, Query(pattern=CLAIM_ID_PATTERN)] = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> FindingPage:
        found = store.findings(status=status, kind=kind, claim_id=claim)
        return FindingPage(
            total=len(found), limit=limit, offset=offset, items=found[offset : offset + limit]
        )

    @reads.get(
        "/findings/{finding_id}",
        response_model=FindingDetails,
        summary="one finding: every side with its tally and quotes, its claims, its event",
    )
    def get_finding(finding_id: FindingId, store: StoreDep) -> FindingDetails:
        details = finding_details(store, finding_id)
        if details is None:
            raise HTTPException(404, f"no finding with ID {finding_id}")
        return details

    @app.post(
        "/findings/{finding_id}/review",
        response_model=Finding,
        summary="record a decision, under the signed-in user's name",
        responses={
            401: {"model": ErrorBody, "description": "not signed in, or a token that is "
                  "not valid (revoked)"},
            403: {"model": ErrorBody, "description": "cross-site request, no CSRF token "
                  "on a session, or `by` naming someone other than the signed-in user"},
            413: {"model": ErrorBody, "description": "body too large"},
            415: {"model": ErrorBody, "description": "not JSON"},
        },
    )
    def review(
        finding_id: FindingId, body: ReviewRequest, store: StoreDep, user: WriterDep
    ) -> Finding:
        note = body.note.strip() if body.note and body.note.strip() else None
        if body.by is not None and body.by.strip() and body.by.strip() != user.name:
            raise HTTPException(
                403,
                f"you are signed in as {user.name!r}: a decision is recorded under the "
                f"signed-in user's name; leave out 'by' (or send your own)",
            )
        try:
            return store.add_review(finding_id, body.status, note=note, by=user.name)
        except UnknownUser as exc:  # removed from the store since signing in
            raise SignInRequired(str(exc)) from exc
        except StoreError as exc:  # the only one here: no such finding
            raise HTTPException(404, f"no finding with ID {finding_id}") from exc

    # -- events -----------------------------------------------------------------------------

    @reads.get(
        "/events/{event_id}",
        response_model=ReportEvent,
        summary="one event cluster: its facts, claims and findings",
    )
    def get_event(event_id: EventId, store: StoreDep) -> ReportEvent:
        event = event_details(store, event_id)
        if event is None:
            raise HTTPException(404, f"no event with ID {event_id}")
        return event

    @reads.get("/openapi.json", include_in_schema=False)
    def openapi_document() -> JSONResponse:
        return JSONResponse(app.openapi())

    app.include_router(reads)

    # Outermost last: body limit and host check run before anything else; the session
    # is read before any route and written back with the response.
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="strict",
        https_only=secure_cookie,
    )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(HeadMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes)
    if allowed_hosts is not None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    return app


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("claimcheck")
    except PackageNotFoundError:
        return "0"


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def resolve_session_secret() -> tuple[str, bool]:
    """The secret that signs session cookies, and whether it was generated: from
    ``CLAIMCHECK_SESSION_SECRET`` (at least 32 characters), else a new random one, and
    sessions then end when the server stops."""
    value = os.environ.get(SESSION_SECRET_ENV, "").strip()
    if not value:
        return secrets.token_urlsafe(32), True
    if len(value) < MIN_SECRET_LENGTH:
        raise ServeError(
            f"{SESSION_SECRET_ENV} must be at least {MIN_SECRET_LENGTH} characters "
            "(for example: openssl rand -hex 32)"
        )
    return value, False


def check_no_shared_token() -> None:
    """The shared token of earlier versions is gone: refuse to start when it is still
    set, rather than let a deployment believe it is in force."""
    if os.environ.get(REMOVED_TOKEN_ENV, "").strip():
        raise ServeError(
            f"{REMOVED_TOKEN_ENV} is no longer used: every editor signs in with their own "
            "account (`claimcheck users add NAME --password-stdin`) and API clients send "
            "their own token (`claimcheck users token NAME`); unset it (docs/team.md)"
        )


def check_serve_options(
    host: str, *, has_users: bool, db: str = "claimcheck.db"
) -> list[str] | None:
    """Refuse unsafe combinations; returns the Host names to allow (None: any).

    On a loopback address reads are open and writes need a signed-in user. Any other
    address needs a signed-in user for everything, so a store without users is refused:
    nobody could use the server, and it would be tempting to open it some other way."""
    if is_loopback(host):
        return LOOPBACK_HOSTS
    if not has_users:
        raise ServeError(
            f"refusing to listen on {host} (not a loopback address): there every page and "
            f"every read needs a signed-in user, and the store has none; add one first: "
            f"claimcheck users add NAME --password-stdin --db {db}"
        )
    return None


def serve(
    db: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    log_level: str = "info",
    secure_cookie: bool = False,
) -> None:
    """Run the API with uvicorn until interrupted (``claimcheck serve``)."""
    import uvicorn

    check_no_shared_token()
    secret, generated = resolve_session_secret()
    with Store(db, create=False) as store:
        has_users = bool(store.users())
        shown = store.display_url if "://" in str(db) else str(db)  # never a password
    allowed_hosts = check_serve_options(host, has_users=has_users, db=shown)
    app = create_app(
        db, allowed_hosts=allowed_hosts, open_reads=is_loopback(host),
        session_secret=secret, secure_cookie=secure_cookie,
    )
    if generated:
        log.info("sessions end when this server stops (set %s to keep them across restarts)",
                 SESSION_SECRET_ENV)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=log_level,
        server_header=False,
        proxy_headers=False,
    )
