"""The OpenAPI document tells every answer an operation can give, who may call it, and a stable id.

Litestar documents the success answer and 400; the others come from rules that hold for every route of
a kind (feedback/edge.py, the exception handlers of feedback/app.py, the login and rate-limit guards),
so they are added here by kind rather than written on each handler:

| answer | where | why |
| --- | --- | --- |
| 400 | every operation | the edge refuses NUL, invalid UTF-8, over-long values in any query |
| 401, 403 | staff operations (a `user` dependency), login/logout, the citizen's token routes | login, role, unit, CSRF |
| 404 | operations with a path parameter | an id or code that does not exist (or cannot) |
| 409 | writes | a duplicate or a state that changed meanwhile |
| 413 | operations with a body | bodies over their limit |
| 422 | operations with a parameter or a body | a rule of the domain says what is wrong |
| 429 | login and rate-limited public writes | too many attempts, with Retry-After |

Open311 (/open311/v2/…) answers in its own shape, `[{"code", "description"}]`: 400 and 404 everywhere,
403 (the api_key), 413 and 429 for its POST; each answer also as XML (`text/xml`).
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Litestar
from litestar._openapi.plugin import OpenAPIPlugin
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    Components,
    OpenAPI,
    OpenAPIMediaType,
    OpenAPIType,
    Schema,
    SecurityScheme,
)
from litestar.types import Method
from msgspec import Struct

from feedback.security.sessions import SESSION_COOKIE

SECURITY_SCHEMES = {
    "bearer": SecurityScheme(
        type="http", scheme="bearer", description="POST /api/v1/auth/login gives the token"
    ),
    "cookie": SecurityScheme(
        type="apiKey",
        security_scheme_in="cookie",
        name=SESSION_COOKIE,
        description="the web UI's session; writes also need the X-CSRF-Token header",
    ),
    # The citizen reaches an item with the secret token of its acknowledgement, in a header or the link.
    "citizen_token": SecurityScheme(
        type="apiKey",
        security_scheme_in="header",
        name="X-Access-Token",
        description="the item's secret token, from the acknowledgement (or `?token=` as in its link)",
    ),
    "citizen_link": SecurityScheme(
        type="apiKey",
        security_scheme_in="query",
        name="token",
        description="the item's secret token as the acknowledgement's link carries it",
    ),
}
STAFF_SECURITY: list[dict[str, list[str]]] = [{"bearer": []}, {"cookie": []}]
CITIZEN_SECURITY: list[dict[str, list[str]]] = [{"citizen_token": []}, {"citizen_link": []}]
COMPONENTS = Components(security_schemes=SECURITY_SCHEMES)

_WRITES = {"POST", "PUT", "PATCH", "DELETE"}
OPEN311 = "/open311/"
_CITIZEN_TOKEN = re.compile(r"^/api/v1/feedback/\{code")
_THROTTLED_PATHS = {"/api/v1/auth/login", "/api/v1/feedback"}
_WHY = {
    400: "Yêu cầu sai dạng (tham số, nội dung JSON, ký tự NUL, UTF-8)",
    401: "Cần đăng nhập (hoặc mã bí mật của phản ánh)",
    403: "Không có quyền với dữ liệu này",
    404: "Không tìm thấy",
    409: "Trùng hoặc mâu thuẫn với dữ liệu đã có",
    413: "Nội dung gửi lên quá lớn",
    422: "Dữ liệu không hợp lệ theo quy định nghiệp vụ",
    429: "Quá nhiều yêu cầu; thử lại sau Retry-After giây",
    503: "Không sẵn sàng: cơ sở dữ liệu không trả lời, lượt quét hạn gần nhất đã quá 5 phút,"
    " hoặc có thư chờ gửi quá 1 giờ (problems nói quy tắc nào)",
}


class HealthOut(Struct):
    """/health's answer (200 and 503): each fact, and under `problems` the rules that failed."""

    status: str
    database: str
    scheduler: dict[str, Any] | None = None  # last_sweep (ISO time or null), seconds_since_last_sweep
    outbox: dict[str, Any] | None = None  # pending, oldest_pending_seconds
    problems: list[str] | None = None  # "database", "sweep", "outbox"


class Open311ErrorOut(Struct):
    """Open311's error: the HTTP status and what is wrong (in Vietnamese), in a list."""

    code: int
    description: str


class ErrorOut(Struct):
    """Every error answer: the status, what is wrong (in Vietnamese), and the field when one is to blame."""

    status_code: int
    detail: str
    field: str | None = None
    extra: Any = None


def operation_id(handler: HTTPRouteHandler, method: Method, components: list[Any]) -> str:
    """`get_api_v1_staff_feedback_code`: the method and the path, so it changes only when they do."""
    parts = [c if isinstance(c, str) else c.name for c in components]
    return re.sub(r"[^a-z0-9]+", "_", f"{method.lower()} {' '.join(parts)}".lower()).strip("_")


def statuses(handler: HTTPRouteHandler, path: str) -> set[int]:
    """The error answers a route of this kind can give (the table above)."""
    found = {400}
    methods = {str(m) for m in handler.http_methods}
    params = set(handler.parsed_fn_signature.parameters) - {"self", "request", "settings", "user"}
    staff = "user" in handler.resolve_dependencies()
    if path == "/health":
        return {503}
    if path.startswith(OPEN311):
        return {400, 404} | ({403, 413, 429} if "POST" in methods else set())
    if staff or _CITIZEN_TOKEN.match(path) or path.startswith("/api/v1/auth/"):
        found |= {401, 403}
    if "{" in path:
        found.add(404)
    if methods & _WRITES:
        found |= {409, 413}
    if params or methods & _WRITES:
        found.add(422)
    throttled = any(getattr(g, "__qualname__", "").startswith("rate_limited") for g in handler.guards or [])
    if throttled or (path in _THROTTLED_PATHS and "POST" in methods):
        found.add(429)
    return found


def document(app: Litestar) -> None:
    """Give each API handler its error answers and security before the document is first built."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if not isinstance(handler, HTTPRouteHandler) or not handler.include_in_schema:
                continue
            responses = dict(handler.responses or {})
            body: Any = HealthOut if route.path == "/health" else ErrorOut
            if route.path.startswith(OPEN311):
                body = list[Open311ErrorOut]
            for status in sorted(statuses(handler, route.path)):
                spec = ResponseSpec(
                    data_container=body,
                    description=_WHY[status],
                    generate_examples=not route.path.startswith(OPEN311),  # a list's example breaks the build
                )
                responses.setdefault(status, spec)
            handler.responses = responses
            if "user" in handler.resolve_dependencies():
                handler.security = STAFF_SECURITY
            elif _CITIZEN_TOKEN.match(route.path):
                handler.security = CITIZEN_SECURITY


def without_empty_bodies(openapi: OpenAPI) -> OpenAPI:
    """A 204 has no body, whatever the handler's annotation (`Response[None]` is documented as JSON)."""
    for item in (openapi.paths or {}).values():
        for method in ("get", "put", "post", "delete", "patch"):
            operation = getattr(item, method, None)
            response = (operation.responses or {}).get("204") if operation else None
            if response is not None and not isinstance(response, dict):
                response.content = None
    return openapi


def open311_in_xml(openapi: OpenAPI) -> OpenAPI:
    """Every Open311 answer comes as JSON or XML, as the path's suffix asks."""
    for path, item in (openapi.paths or {}).items():
        if not path.startswith(OPEN311):
            continue
        for method in ("get", "post"):
            operation = getattr(item, method, None)
            for response in (operation.responses or {}).values() if operation else ():
                content = getattr(response, "content", None)
                if content and "application/json" in content:
                    content["text/xml"] = OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))
    return openapi


# Litestar 2.25 has no hook after the document is built, and builds it lazily (building it for every
# app would cost 0.1–0.5 s per test): wrap its builder once.
if not getattr(OpenAPIPlugin._build_openapi, "pakn", False):
    _build = OpenAPIPlugin._build_openapi

    def _build_openapi(self: OpenAPIPlugin) -> OpenAPI:
        return open311_in_xml(without_empty_bodies(_build(self)))

    _build_openapi.pakn = True
    OpenAPIPlugin._build_openapi = _build_openapi
