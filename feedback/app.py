"""The Litestar application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Protocol

from litestar import Litestar, Request, Response, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException, ValidationException
from litestar.logging.config import LoggingConfig
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.status_codes import HTTP_503_SERVICE_UNAVAILABLE
from litestar.stores.registry import StoreRegistry
from tortoise.exceptions import DoesNotExist, IntegrityError, OperationalError, ValidationError

from feedback import clock, db, logs
from feedback import health as checks
from feedback.accounts.api import AuthController
from feedback.admin.api import AdminController
from feedback.attachments.api import citizen_download, staff_download
from feedback.body_errors import explained
from feedback.casework.api import CaseworkController
from feedback.casework.citizen import rate
from feedback.casework.grounds_api import classifications, refusal_grounds
from feedback.casework.inbox import inbox
from feedback.conferences.api import ConferenceController, public_conference, public_question
from feedback.conferences.export_api import EXPORT_ROUTES
from feedback.demo.api import DemoMailController
from feedback.directory.api import ReferenceController
from feedback.documents.api import DOCUMENT_ROUTES
from feedback.edge import EdgeGuard, is_page
from feedback.errors import DomainError, TooManyRequests
from feedback.intake.api import FeedbackController
from feedback.metrics import requests as request_metrics
from feedback.metrics.api import metrics
from feedback.open311.api import Open311Controller
from feedback.open311.keys_api import ApiKeysController
from feedback.openapi import COMPONENTS, document, operation_id
from feedback.publication.api import PublicFeedbackController
from feedback.reports.api import ReportsController
from feedback.reports.public_api import PublicReportsController, PublishController
from feedback.security import http
from feedback.security.store import store_factory
from feedback.settings import Settings
from feedback.web.auth import LoginRequired, to_login
from feedback.web.rendering import page
from feedback.web.routes import WEB_ROUTES

log = logging.getLogger("pakn")

# The OpenAPI browser (/schema and /schema/swagger) with Swagger UI served by pakn itself: Litestar's
# defaults load it, and a favicon, from a CDN, which the CSP (and a government intranet) refuses.
_SWAGGER = "/static/vendor/swagger-ui"
SCHEMA_UI = SwaggerRenderPlugin(
    js_url=f"{_SWAGGER}/swagger-ui-bundle.js",
    css_url=f"{_SWAGGER}/swagger-ui.css",
    standalone_preset_js_url=f"{_SWAGGER}/swagger-ui-standalone-preset.js",
    favicon="<link rel='icon' href='data:,'>",  # no request for /favicon.ico either
    path="/swagger",
)


def _domain_error(_: Request, exc: DomainError) -> Response:
    body = {"status_code": exc.status_code, "detail": exc.message}
    if exc.field:
        body["field"] = exc.field
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else None
    return Response(body, status_code=exc.status_code, headers=headers)


def _not_found(_: Request, exc: DoesNotExist) -> Response:
    return Response({"status_code": 404, "detail": "Không tìm thấy"}, status_code=404)


def _conflict(_: Request, exc: IntegrityError) -> Response:
    return Response(
        {"status_code": 409, "detail": "Dữ liệu trùng hoặc mâu thuẫn với dữ liệu đã có"}, status_code=409
    )


def _refused(request: Request, detail: str, field: str | None = None) -> Response:
    """A 422 that says what is wrong: JSON for the API, the page of a refused request for a browser."""
    if is_page(request.scope):
        return page(request, "request_refused.html", {"message": detail}, status_code=422)
    body: dict[str, object] = {"status_code": 422, "detail": detail}
    return Response({**body, "field": field} if field else body, status_code=422)


def _public_name(request: Request, key: str) -> str:
    """A parameter as the client wrote it: `from` for the handler's `start` (Parameter(query="from"))."""
    parameter = request.route_handler.parsed_fn_signature.parameters.get(key)
    definition = getattr(parameter, "kwarg_definition", None)
    for alias in ("query", "header", "name"):
        if found := getattr(definition, alias, None):
            return str(found)
    return key


def _bad_body(request: Request, exc: ValidationException) -> Response:
    """A body of the wrong shape (400): msgspec's English explained in Vietnamese, naming the field."""
    found = exc.extra if isinstance(exc.extra, list) else []
    named = [
        {**e, "key": _public_name(request, str(e.get("key") or ""))} if isinstance(e, dict) else e
        for e in found
    ]
    detail, field, extra = explained(exc.detail, named or exc.extra)
    if is_page(request.scope):
        return page(request, "request_refused.html", {"message": detail}, status_code=400)
    body: dict[str, object] = {"status_code": 400, "detail": detail, "extra": extra}
    return Response({**body, "field": field} if field else body, status_code=400)


def _invalid(request: Request, exc: ValidationError) -> Response:
    # The last line behind feedback/edge.py: a value the database would refuse (too long for its
    # column). Tortoise's message starts with the field's name and then repeats the value: only the name.
    field = str(exc).split(":", 1)[0].strip()
    return _refused(request, f"Giá trị của '{field}' không hợp lệ (quá dài hoặc sai dạng)", field)


def _database_refused(request: Request, exc: OperationalError) -> Response:
    # PostgreSQL's "data exception" class (22xxx: NUL in text, a number out of range) and asyncpg's own
    # range check are the client's fault; anything else (a lost connection…) stays a 500.
    cause = exc.__cause__
    if cause is not None and type(cause).__module__.startswith("asyncpg") and _is_data_error(cause):
        return _refused(request, "Dữ liệu gửi lên nằm ngoài phạm vi cho phép")
    log.error("database error: %s", type(cause or exc).__name__, exc_info=exc)
    return Response({"status_code": 500, "detail": "Lỗi máy chủ"}, status_code=500)


def _is_data_error(cause: BaseException) -> bool:
    import asyncpg

    return isinstance(cause, asyncpg.exceptions.DataError)


@get("/health", tags=["ops"])
async def health(request: Request) -> Response:
    """The database, the scheduler's last sweep and the outbox backlog; 503 when one fails its rule
    (feedback/health.py)."""
    now = clock.now()
    facts = await checks.gather(now)
    found = checks.problems(facts, now=now, started_at=request.app.state.get("started_at", now))
    status = HTTP_503_SERVICE_UNAVAILABLE if found else 200
    return Response(checks.body(facts, found, now=now), status_code=status)


class Running(Protocol):
    """Background work started with the app (the scheduler's ticker), stopped when it shuts down."""

    async def stop(self) -> None: ...


# Starts background work, or returns None when the settings say not to (PAKN_SCHEDULER=off).
Starter = Callable[[Settings], Awaitable[Running | None]]


def create_app(
    settings: Settings | None = None,
    *,
    init_db: bool = True,
    background: bool = True,
    on_startup: Sequence[Starter] = (),
) -> Litestar:
    """Build the app. Tests pass their own settings and `init_db=False` (they own the database).

    `on_startup` starts background work with the app, unless `background=False`: `pakn serve` passes
    the scheduler's (the service itself never imports `scheduler`, docs/architecture.md).
    """
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        if init_db:
            await db.init(settings.database_url)
        catcher = None
        if settings.demo:
            from notifications.catcher import start_catcher

            catcher = await start_catcher(settings.demo_maildir, port=settings.smtp.port)
        runners = [await start(settings) for start in on_startup] if background else []
        try:
            yield
        finally:
            for runner in reversed(runners):
                if runner is not None:
                    await runner.stop()
            if catcher is not None:
                await catcher.close()
            if init_db:
                await db.close()

    app = Litestar(
        route_handlers=[
            health,
            ReferenceController,
            classifications,
            refusal_grounds,
            FeedbackController,
            *WEB_ROUTES,
            PublicFeedbackController,
            CaseworkController,
            rate,
            inbox,
            citizen_download,
            staff_download,
            *DOCUMENT_ROUTES,
            AuthController,
            AdminController,
            ApiKeysController,
            Open311Controller,
            DemoMailController,
            ConferenceController,
            ReportsController,
            PublishController,
            PublicReportsController,
            public_question,
            public_conference,
            *EXPORT_ROUTES,
            *([metrics] if settings.metrics else []),
        ],
        dependencies={"settings": Provide(lambda: settings, use_cache=True, sync_to_thread=False)},
        exception_handlers={
            DomainError: _domain_error,
            ValidationException: _bad_body,
            DoesNotExist: _not_found,
            IntegrityError: _conflict,
            ValidationError: _invalid,
            OperationalError: _database_refused,
            LoginRequired: to_login,
        },
        middleware=[EdgeGuard],
        lifespan=[lifespan],
        openapi_config=OpenAPIConfig(
            title="pakn",
            version="1",
            path="/schema",
            render_plugins=[SCHEMA_UI],
            components=COMPONENTS,
            operation_id_creator=operation_id,
        ),
        logging_config=LoggingConfig(
            log_exceptions="always",
            # One set-up for every process (feedback/logs.py): time, level, no personal data.
            **{k: v for k, v in logs.logging_dict(settings.log_format).items() if k != "version"},
            # Tracebacks only for server errors: a client's mistake (any 3xx/4xx, including 405 and the
            # errors the handlers above turn into 404 and 409) is one line in the request log.
            # ValidationError and OperationalError repeat the client's value: their handlers log instead.
            disable_stack_trace={
                *range(300, 500),
                HTTPException,
                DoesNotExist,
                IntegrityError,
                ValidationError,
                OperationalError,
            },
        ),
        request_max_body_size=1024 * 1024,
        # Guards and current_user read the settings here; stores (rate limits…) live in the database
        # so that every process counts together.
        state=State({"settings": settings, "started_at": clock.now()}),
        stores=StoreRegistry(default_factory=store_factory),
        debug=False,
    )
    document(app)  # every error answer and the security schemes, by route kind (feedback/openapi.py)
    # Security headers and the request log on every response; the request metrics with the log.
    http.install(app, settings, request_metrics.observe if settings.metrics else None)
    return app
