"""The HTTP API (FastAPI): claims, findings, events, review decisions and the HTML pages.

``create_app(db)`` builds the application over one store; ``serve(...)`` runs it with
uvicorn (``claimcheck serve``). Every HTML page has a JSON twin: ``/`` and
``/report.json``, ``/claims/{id}/page`` and ``/claims/{id}``, ``/findings/{id}/page`` and
``/findings/{id}``, ``/events/{id}/page`` and ``/events/{id}``, ``/articles/{id}/page``
and ``/articles/{id}``. Every GET also answers HEAD. A browser that asks for a page
(``Accept: text/html``) gets its errors as a page too; everything else gets JSON.

Hardening, in the order a request meets it:

- the server binds 127.0.0.1 unless told otherwise, and refuses to listen on any other
  address without a token (``--token`` or ``CLAIMCHECK_TOKEN``);
- on a loopback address only loopback ``Host`` headers are served (no DNS rebinding);
- request bodies are bounded (``max_body_bytes``, 413 beyond), query parameters too
  (``limit`` <= 500, ``q`` <= 200 characters);
- a review (the only write) needs ``Content-Type: application/json``, must not come from
  another site (``Origin`` / ``Sec-Fetch-Site``), and needs the token when one is set;
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
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from checker.delta import latest_delta
from checker.html_report import (
    content_security_policy,
    render_article_page,
    render_claim_page,
    render_error_page,
    render_event_page,
    render_finding_page,
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
from checker.store import Store, StoreError, UnknownUser
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
MIN_TOKEN_LENGTH = 16
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1"]
TOKEN_ENV = "CLAIMCHECK_TOKEN"


class ServeError(ValueError):
    """The server cannot start as asked (for example, an open address without a token)."""


class UTF8JSONResponse(JSONResponse):
    """JSON as UTF-8 with Arabic unescaped (Starlette's default escapes to \\uXXXX)."""

    def render(self, content: Any) -> bytes:
        return json.dumps(
            content, ensure_ascii=False, allow_nan=False, separators=(",", ":")
        ).encode("utf-8")


# -- request and response shapes ---------------------------------------------------------------


class ReviewRequest(BaseModel):
    """An editor's decision on a finding."""

    model_config = ConfigDict(extra="forbid")

    status: ReviewStatus
    note: str | None = Field(default=None, max_length=MAX_NOTE)
    by: str | None = Field(default=None, max_length=MAX_NAME)


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


def check_write(request: Request) -> None:
    """A review may only come as JSON, from this site, with the token if one is set."""
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise HTTPException(415, "send the review as application/json")
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        raise HTTPException(403, "cross-site request refused")
    origin = request.headers.get("origin")
    if origin is not None:
        if origin == "null" or urlsplit(origin).netloc != request.headers.get("host", ""):
            raise HTTPException(403, "cross-origin request refused")
    token: str | None = request.app.state.token
    if token is not None:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(
            value.strip().encode("utf-8"), token.encode("utf-8")
        ):
            raise HTTPException(
                401, "a valid token is required", headers={"WWW-Authenticate": "Bearer"}
            )


StoreDep = Annotated[Store, Depends(get_store)]
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


def _html(content: str, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(
        content,
        status_code=status_code,
        headers={
            "Content-Security-Policy": content_security_policy(served=True),
            "Cache-Control": "no-store",
        },
    )


def wants_page(request: Request) -> bool:
    """A browser asking for a page: ``Accept`` names HTML and the path is a page (``/``,
    ``.../page``) or no route at all. API clients (``*/*``, JSON) get JSON errors."""
    if "text/html" not in request.headers.get("accept", ""):
        return False
    path = request.url.path
    return path == "/" or path.endswith("/page") or "route" not in request.scope


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
    token: str | None = None,
    allowed_hosts: list[str] | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY,
) -> FastAPI:
    """The API over the store at ``db`` (or an open ``store``).

    ``token``: when set, a review needs ``Authorization: Bearer <token>``.
    ``allowed_hosts``: ``Host`` header values served (None: any; ``serve`` passes the
    loopback names when it binds a loopback address).
    """
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
        "store. JSON is UTF-8 with Arabic unescaped.",
        version=_version(),
        docs_url=None,  # the interactive docs load scripts from a CDN
        redoc_url=None,
        openapi_url="/openapi.json",
        default_response_class=UTF8JSONResponse,
        lifespan=lifespan,
        responses={
            404: {"model": ErrorBody, "description": "unknown ID"},
            422: {"description": "malformed ID or parameter"},
        },
    )
    app.state.store = the_store
    app.state.token = token

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

    # -- pages ------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, summary="the report, with review buttons")
    def report_page(store: StoreDep) -> HTMLResponse:
        report = build_report(store, delta=latest_delta(store))
        return _html(render_report_html(report, live=True, token_required=token is not None))

    @app.get("/report.json", response_model=Report,
             summary="the report as data (JSON twin of /)")
    def report_json(store: StoreDep) -> Report:
        return build_report(store, delta=latest_delta(store))

    @app.get(
        "/claims/{claim_id}/page",
        response_class=HTMLResponse,
        summary="one claim's page (HTML twin of /claims/{claim_id})",
    )
    def claim_page(claim_id: ClaimId, store: StoreDep) -> HTMLResponse:
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
                details, _articles(store, wanted), live=True, token_required=token is not None
            )
        )

    @app.get(
        "/findings/{finding_id}/page",
        response_class=HTMLResponse,
        summary="one finding's page (HTML twin of /findings/{finding_id})",
    )
    def finding_page(finding_id: FindingId, store: StoreDep) -> HTMLResponse:
        details = finding_details(store, finding_id)
        if details is None:
            raise HTTPException(404, f"no finding with ID {finding_id}")
        wanted = {c.article_id for c in details.claims}
        return _html(
            render_finding_page(
                details, _articles(store, wanted), live=True, token_required=token is not None
            )
        )

    @app.get(
        "/events/{event_id}/page",
        response_class=HTMLResponse,
        summary="one event's page: what each report said and when, its facts, its findings "
        "(HTML twin of /events/{event_id})",
    )
    def event_page(event_id: EventId, store: StoreDep) -> HTMLResponse:
        event = event_details(store, event_id)
        if event is None:
            raise HTTPException(404, f"no event with ID {event_id}")
        wanted = {q.article_id for f in event.findings for side in f.sides for q in side.quotes
                  if q.article_id}
        return _html(
            render_event_page(
                event, _articles(store, wanted), live=True, token_required=token is not None
            )
        )

    @app.get(
        "/articles/{article_id}/page",
        response_class=HTMLResponse,
        summary="one article in full, every claim marked (HTML twin of /articles/{article_id})",
    )
    def article_page(article_id: ArticleId, store: StoreDep) -> HTMLResponse:
        details = article_details(store, article_id)
        if details is None:
            raise HTTPException(404, f"no article with ID {article_id}")
        wanted = {q.article_id for f in details.findings for side in f.sides
                  for q in side.quotes if q.article_id}
        return _html(
            render_article_page(
                details, _articles(store, wanted), live=True, token_required=token is not None
            )
        )

    # -- articles ---------------------------------------------------------------------------

    @app.get(
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

    @app.get("/claims/{claim_id}", response_model=ClaimDetails, summary="one claim")
    def get_claim(claim_id: ClaimId, store: StoreDep) -> ClaimDetails:
        details = claim_details(store, claim_id)
        if details is None:
            raise HTTPException(404, f"no claim with ID {claim_id}")
        return details

    @app.get("/claims", response_model=ClaimPage, summary="list or search claims")
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

    @app.get("/findings", response_model=FindingPage, summary="findings, most severe first")
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

    @app.get(
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
        summary="record an editor's decision",
        dependencies=[Depends(check_write)],
        responses={
            401: {"model": ErrorBody, "description": "token missing or wrong"},
            403: {"model": ErrorBody, "description": "cross-site request"},
            413: {"model": ErrorBody, "description": "body too large"},
            415: {"model": ErrorBody, "description": "not JSON"},
        },
    )
    def review(finding_id: FindingId, body: ReviewRequest, store: StoreDep) -> Finding:
        note = body.note.strip() if body.note and body.note.strip() else None
        by = body.by.strip() if body.by and body.by.strip() else None
        try:
            return store.set_review(finding_id, body.status, note=note, by=by)
        except UnknownUser as exc:
            raise HTTPException(422, str(exc)) from exc
        except StoreError as exc:  # the only one here: no such finding
            raise HTTPException(404, f"no finding with ID {finding_id}") from exc

    # -- events -----------------------------------------------------------------------------

    @app.get(
        "/events/{event_id}",
        response_model=ReportEvent,
        summary="one event cluster: its facts, claims and findings",
    )
    def get_event(event_id: EventId, store: StoreDep) -> ReportEvent:
        event = event_details(store, event_id)
        if event is None:
            raise HTTPException(404, f"no event with ID {event_id}")
        return event

    # Outermost last: body limit and host check run before anything else.
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


def resolve_token(token: str | None) -> str | None:
    """The token from the option, else from ``CLAIMCHECK_TOKEN``; empty means none."""
    value = token if token is not None else os.environ.get(TOKEN_ENV)
    return value.strip() if value and value.strip() else None


def check_serve_options(host: str, token: str | None) -> list[str] | None:
    """Refuse unsafe combinations; returns the Host names to allow (None: any)."""
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        raise ServeError(f"the token must be at least {MIN_TOKEN_LENGTH} characters")
    if is_loopback(host):
        return LOOPBACK_HOSTS
    if token is None:
        raise ServeError(
            f"refusing to listen on {host} (not a loopback address) without a token: "
            f"pass --token or set {TOKEN_ENV}"
        )
    return None


def serve(
    db: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    token: str | None = None,
    log_level: str = "info",
) -> None:
    """Run the API with uvicorn until interrupted (``claimcheck serve``)."""
    import uvicorn

    token = resolve_token(token)
    allowed_hosts = check_serve_options(host, token)
    app = create_app(db, token=token, allowed_hosts=allowed_hosts)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=log_level,
        server_header=False,
        proxy_headers=False,
    )
