"""Every response's security headers, and one log line per request with no personal data in it.

Both wrap the whole application (`install`), not Litestar's `middleware=`: Litestar runs that only for
requests that match a route, so a 404 or 405 would go out without headers and unlogged.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from litestar import Litestar
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from feedback.settings import Settings

log = logging.getLogger("pakn.request")

# Told of each request once answered: its scope (routed: `path_template` is set), status and seconds.
Observer = Callable[[Scope, int, float], None]


def page_csp(tile_origin: str = "") -> str:
    """Server-rendered pages with self-hosted assets only: no inline script, no CDN, no framing. The one
    exception: the map's tile images, from the origin of PAKN_MAP_TILES when the operator set it."""
    images = f"img-src 'self' data: {tile_origin}" if tile_origin else "img-src 'self' data:"
    return (
        f"default-src 'self'; {images}; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    )


PAGE_CSP = page_csp()
# The OpenAPI viewers under /schema start from an inline script and inline styles; they still may
# load nothing from other hosts.
SCHEMA_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; font-src 'self' data:; worker-src 'self' blob:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
# Responses that carry a staff session, personal data or a citizen's secret token: never keep a copy
# in a browser or proxy cache.
NO_STORE_PREFIXES = (
    "/api/v1/staff",
    "/api/v1/auth",
    "/api/v1/admin",
    "/api/v1/reports",
    "/api/v1/conferences",
    "/api/v1/demo",
    "/api/v1/feedback",
    "/track",
)
HSTS = "max-age=31536000"
_MAX_LOGGED_PATH = 200


def _matches(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def security_headers(path: str, settings: Settings) -> list[tuple[str, str]]:
    """The headers a response to `path` gets (pure, so the policy reads as a table)."""
    csp = SCHEMA_CSP if _matches(path, "/schema") else page_csp(settings.map_tile_origin)
    headers = [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        # Tracking URLs carry the citizen's token: never leak them to another site in a Referer.
        ("referrer-policy", "no-referrer"),
        ("content-security-policy", csp),
        ("cross-origin-opener-policy", "same-origin"),
    ]
    if settings.base_url.startswith("https://"):
        headers.append(("strict-transport-security", HSTS))
    if any(_matches(path, prefix) for prefix in NO_STORE_PREFIXES):
        headers.append(("cache-control", "no-store"))
    return headers


class SecurityHeaders:
    """Adds `security_headers` to every HTTP response; a header the handler set itself is kept."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [(k.encode(), v.encode()) for k, v in security_headers(scope["path"], self.settings)]
        # On private paths no-store must win over a handler's own caching header.
        replaced = {b"cache-control"} & {name for name, _ in extra}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (n, v) for n, v in message.get("headers") or [] if bytes(n).lower() not in replaced
                ]
                present = {bytes(n).lower() for n, _ in headers}
                message["headers"] = headers + [(n, v) for n, v in extra if n not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def loggable_path(path: str) -> str:
    """The path as logged: never the query string (tracking links carry `?token=`), and not too long."""
    path = path.split("?", 1)[0]
    return path if len(path) <= _MAX_LOGGED_PATH else path[:_MAX_LOGGED_PATH] + "…"


class RequestLog:
    """One line per request on `pakn.request`: method, path, status, milliseconds.

    Only those four: no query string, headers, cookies or bodies, which hold citizens' names, phone
    numbers, secret tracking tokens and staff session tokens.
    """

    def __init__(self, app: ASGIApp, observe: Observer | None = None) -> None:
        self.app = app
        self.observe = observe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets if the app fails before answering

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            seconds = time.perf_counter() - started
            if self.observe is not None:
                self.observe(scope, status, seconds)
            log.info("%s %s %d %.1fms", scope["method"], loggable_path(scope["path"]), status, seconds * 1000)


def install(app: Litestar, settings: Settings, observe: Observer | None = None) -> None:
    """Wrap the app's request handling (after routing errors are turned into responses) in both;
    `observe` also sees every request as it is logged (the metrics, feedback/metrics/requests.py)."""
    app.asgi_handler = RequestLog(SecurityHeaders(app.asgi_handler, settings), observe)
