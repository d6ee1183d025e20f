"""The edge (SPEC §8): what no request may carry into pakn, checked once for every route.

The database is the last place to find out that a value cannot be stored: PostgreSQL refuses NUL in
text, ids above 2³¹−1 and offsets above 2⁶³−1, a column refuses a value longer than itself, and a year
9999 breaks every page that adds a day to it. So `EdgeGuard`, an app-level middleware (it runs after
routing, before the handler reads its parameters or its body), refuses them first, with a 4xx that
names the field and never repeats the value (it may be a citizen's e-mail typed into the wrong box):

- path and query values: NUL, invalid UTF-8, more than MAX_VALUE characters; an integer of the route's
  signature outside 0..MAX_ID; a tracking code that cannot exist (404); a date outside YEARS;
- a body for a route that needs a staff user, sent with no credentials at all: 401 before a byte of it
  is read (a 10 MB anonymous upload is not parsed);
- JSON and url-encoded bodies (up to MAX_BODY; larger ones get 413): invalid UTF-8, nesting deeper
  than MAX_DEPTH, NUL in any string, a date outside YEARS; a multipart body for a route that takes one
  file, without a file part (400, where Litestar's parser failed with a 500).

A web page (any route outside /api/, /schema and /open311/, whose refusals are Open311's own errors)
never answers such a refusal with JSON: the edge
shows the form's page again instead, the GET of the same path without its query (or of the nearest
path above it that has a page, for a form's POST target or a refused path value), with the message in
`edge_refusal(scope)` for the page to show (next to the field where the page knows it) and the status of
the refusal. The page is only read: a refused form writes nothing.

Exception handlers in feedback/app.py stay behind it as the last line (a value too long for its
column, a number out of the database's range).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any, get_args
from urllib.parse import unquote_to_bytes

import msgspec
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from feedback.errors import DomainError, NotFound, Unauthorized
from feedback.text import has_nul

MAX_ID = 2**31 - 1  # PostgreSQL's integer: every id column and every count pakn pages through
MAX_VALUE = 1000  # characters of one path or query value; the longest column is 254, a search 200
MAX_DEPTH = 32  # the deepest JSON pakn takes is 3 levels
MAX_BODY = 1024 * 1024  # JSON and url-encoded bodies are checked whole; files come as multipart
YEARS = (2000, 2100)  # the dates pakn accepts (AwareDatetime and every date field)
# The furthest a list may page: further than any list goes, and far inside the database's integers.
MAX_OFFSET = 1_000_000


def in_years(year: int) -> bool:
    return YEARS[0] <= year <= YEARS[1]


# A tracking code is "PAKN.YYYYMMDD.NNNN", NNNN growing with the day's count up to the column's 20.
TRACKING_CODE = re.compile(r"PAKN\.\d{8}\.\d{4,6}")
_DATE = re.compile(
    r"([+-]?\d{4,6})-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?)?"
)
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)  # unrolled: 4× faster on long texts
_BRACKETS = re.compile(rb"[\[\]{}]")
_JSON = re.compile(r"^application/(?:[\w.+-]+\+)?json$")
_FORM = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"
# A part Litestar turns into an UploadFile: its Content-Disposition names a file.
_FILE_PART = re.compile(rb"content-disposition:[^\r\n]*\bfilename\*?=", re.IGNORECASE)
_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class Rejected(DomainError):
    """A request refused at the edge: 400 unless said otherwise."""

    status_code = 400


class TooLarge(DomainError):
    status_code = 413


# --- the rules, pure ------------------------------------------------------------------------------


def is_tracking_code(raw: str) -> bool:
    return TRACKING_CODE.fullmatch(raw.strip().upper()) is not None


def year_outside(text: str) -> bool:
    """True when `text` is a date or date-time (ISO 8601) of a year pakn does not accept."""
    match = _DATE.fullmatch(text.strip())
    return match is not None and not in_years(int(match.group(1)))


def check_text(field: str, text: str, *, max_length: int | None = None) -> None:
    """One value of a path, query, form or JSON body: no NUL, not absurdly long, no absurd date."""
    if has_nul(text):
        raise Rejected(f"Trường '{field}' chứa ký tự NUL, không được chấp nhận", field=field)
    if max_length is not None and len(text) > max_length:
        raise Rejected(f"Trường '{field}' dài quá {max_length} ký tự", field=field)
    if year_outside(text):
        raise Rejected(f"Ngày tháng của '{field}' cần trong khoảng năm {YEARS[0]}–{YEARS[1]}", field=field)


def decode_utf8(field: str, raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Rejected(f"Trường '{field}' không phải văn bản UTF-8 hợp lệ", field=field) from None


def form_pairs(raw: bytes) -> Iterator[tuple[str, str]]:
    """The (name, value) pairs of a query string or url-encoded body, each checked as UTF-8."""
    for part in raw.split(b"&"):
        if not part:
            continue
        name_raw, _, value_raw = part.partition(b"=")
        name = decode_utf8("?", unquote_to_bytes(name_raw.replace(b"+", b" ")))
        check_text("?", name, max_length=100)
        yield name, decode_utf8(name, unquote_to_bytes(value_raw.replace(b"+", b" ")))


def json_depth(body: bytes) -> int:
    """How deeply arrays and objects nest, without parsing (a parser would recurse that deep)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRING.sub(b"", body)):
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def walk_json(value: Any, path: str = "") -> None:
    """Every string (and key) of a decoded JSON value through `check_text`, named by its path."""
    if isinstance(value, str):
        check_text(path or "body", value)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(f"{path}.{key}" if path else str(key), str(key))
            walk_json(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            walk_json(item, f"{path}[{i}]")


def check_json(body: bytes, part: str = "") -> None:
    """A JSON body, or the JSON text part `part` of a multipart body (feedback/attachments/uploads.py)."""
    decode_utf8(part or "body", body)
    # No body nests deeper than its brackets: the usual one needs no closer look.
    if body.count(b"[") + body.count(b"{") > MAX_DEPTH and json_depth(body) > MAX_DEPTH:
        raise Rejected(f"Nội dung JSON lồng nhau quá {MAX_DEPTH} cấp", field=part or "body")
    try:
        value = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return  # not JSON at all: the route's own parser answers 400 with its reason
    walk_json(value, part)


def check_form(body: bytes) -> None:
    for name, value in form_pairs(body):
        check_text(name, value)


# --- the route's own parameters -------------------------------------------------------------------


def _declares_int(annotation: Any) -> bool:
    return annotation is int or int in get_args(annotation)


def check_path_params(scope: Scope) -> None:
    template = scope.get("path_template", "")
    for name, value in (scope.get("path_params") or {}).items():
        if isinstance(value, bool):
            continue
        if isinstance(value, int) and not 0 <= value <= MAX_ID:
            raise NotFound("Không tìm thấy", field=name)
        if isinstance(value, date) and not in_years(value.year):
            raise NotFound("Không tìm thấy", field=name)
        if isinstance(value, str):
            check_text(name, value, max_length=MAX_VALUE)
            # An item's code in the API: anything but a well-formed code cannot be found.
            item_code = name == "code" and "feedback/{code" in template and template.startswith("/api/")
            if item_code and not is_tracking_code(value):
                raise NotFound("Không tìm thấy phản ánh có mã này", field="code")


def check_query(scope: Scope) -> None:
    handler = scope.get("route_handler")
    params = handler.parsed_fn_signature.parameters if handler is not None else {}
    for name, value in form_pairs(scope.get("query_string") or b""):
        check_text(name, value, max_length=MAX_VALUE)
        field = params.get(name)
        if field is not None and _declares_int(field.annotation):
            try:
                number = int(value)
            except ValueError:
                continue  # the route's parser answers 400
            if not 0 <= number <= MAX_ID:
                raise Rejected(f"Tham số '{name}' cần trong khoảng 0..{MAX_ID}", field=name)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def has_credentials(scope: Scope) -> bool:
    from feedback.security.sessions import SESSION_COOKIE

    return bool(_header(scope, b"authorization")) or f"{SESSION_COOKIE}=" in _header(scope, b"cookie")


def needs_staff(scope: Scope) -> bool:
    handler = scope.get("route_handler")
    return handler is not None and "user" in handler.resolve_dependencies()


def has_body(scope: Scope) -> bool:
    if scope["method"] not in _BODY_METHODS:
        return False
    length = _header(scope, b"content-length")
    return (length not in ("", "0")) or bool(_header(scope, b"transfer-encoding"))


def wants_upload(scope: Scope) -> bool:
    """The route's body is one uploaded file (Litestar fails with a 500 when the body has none)."""
    from litestar.datastructures import UploadFile

    handler = scope.get("route_handler")
    field = handler.parsed_fn_signature.parameters.get("data") if handler is not None else None
    return field is not None and field.is_subclass_of(UploadFile)


async def read_body(receive: Receive, limit: int = MAX_BODY) -> bytes:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"Nội dung gửi lên vượt quá {limit // 1024} KB", field="body")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the body already read, then whatever the client sends next."""
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


# --- web pages: the form again, never JSON ----------------------------------------------------------

_REFUSAL = "pakn.edge_refusal"  # the scope key of the page shown again
_ASGI_KEYS = ("type", "asgi", "http_version", "scheme", "server", "client", "root_path", "extensions")
_BODY_HEADERS = {b"content-type", b"content-length", b"transfer-encoding"}


def is_page(scope: Scope) -> bool:
    return not scope["path"].startswith(("/api/", "/schema", "/static/", "/open311/"))


def edge_refusal(scope: Scope) -> DomainError | None:
    """The refusal a page is shown again for (its `field` and Vietnamese `message`), if any."""
    return scope.get(_REFUSAL)


def page_path(scope: Scope, *, same: bool) -> str | None:
    """The path whose GET shows the form again: this one (`same`), else the nearest one above it."""
    router = scope["app"].asgi_router
    path = scope["path"].rstrip("/") or "/"
    if not same:
        path = path.rsplit("/", 1)[0] or "/"
    while True:
        try:
            router.handle_routing(path=path, method="GET")
        except Exception:  # noqa: BLE001 - not found or no GET: look one level up
            if path == "/":
                return None
            path = path.rsplit("/", 1)[0] or "/"
        else:
            return path


async def show_page_again(scope: Scope, send: Send, refusal: DomainError, *, same: bool) -> bool:
    """Run the GET of the form's page with `refusal` for it to show; False when there is no page."""
    path = page_path(scope, same=same)
    if path is None:
        return False
    again: dict[str, Any] = {key: scope[key] for key in _ASGI_KEYS if key in scope}
    headers = [(k, v) for k, v in scope.get("headers") or [] if k.lower() not in _BODY_HEADERS]
    again.update(method="GET", path=path, raw_path=path.encode(), query_string=b"", headers=headers)
    again[_REFUSAL] = refusal

    async def nothing() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def refused_status(message: Message) -> None:
        # The page itself answers 200 (or 422 for its own errors): the request was refused all the same.
        if message["type"] == "http.response.start" and message["status"] < 400:
            message = {**message, "status": refusal.status_code}
        await send(message)

    await scope["app"](again, nothing, refused_status)
    return True


class EdgeGuard:
    """The app-level middleware: see the module's docstring."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not is_page(scope):
            await self.app(scope, await checked(scope, receive), send)
            return
        try:
            check_path_params(scope)
        except DomainError as refusal:
            # A refused path value: the page above it (the form that leads there).
            if not await show_page_again(scope, send, refusal, same=False):
                raise
            return
        try:
            receive = await checked(scope, receive, path_checked=True)
        except (Rejected, TooLarge) as refusal:
            # A query: the same page without it; a form's body: the page of its path (a POST target
            # without a page of its own: the one above it).
            if not await show_page_again(scope, send, refusal, same=True):
                raise
            return
        await self.app(scope, receive, send)


async def checked(scope: Scope, receive: Receive, *, path_checked: bool = False) -> Receive:
    """Every check of the edge; the `receive` that gives the body again when it had to be read."""
    if not path_checked:
        check_path_params(scope)
    check_query(scope)
    if has_body(scope):
        if scope["path"].startswith("/api/") and needs_staff(scope) and not has_credentials(scope):
            raise Unauthorized("Cần đăng nhập: gửi tiêu đề Authorization: Bearer <token>")
        kind = _header(scope, b"content-type").split(";", 1)[0].strip().lower()
        if kind == _FORM or _JSON.match(kind):
            body = await read_body(receive)
            check_form(body) if kind == _FORM else check_json(body)
            receive = replay(body, receive)
        elif kind == _MULTIPART and wants_upload(scope):
            body = await read_body(
                receive, scope["route_handler"].resolve_request_max_body_size() or MAX_BODY
            )
            if not _FILE_PART.search(body):
                raise Rejected("Biểu mẫu multipart/form-data thiếu tệp (phần 'file')", field="file")
            receive = replay(body, receive)
    return receive
