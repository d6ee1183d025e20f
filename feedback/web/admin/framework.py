"""The administration's page framework: a `Kind` of row described once (its form fields, its table,
how to read and write it) becomes four pages (list with a create form, create, edit, update) and,
where rows can go, a delete.

A form is read into the same Struct the JSON API takes (`admin.schemas`), so both refuse the same
values with the same words; a refused change shows the page again (422) with the message next to its
field. The kinds themselves are in `kinds.py`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect
from msgspec import Struct

from feedback.accounts.api import current_user
from feedback.accounts.models import StaffUser
from feedback.admin.common import require_coordinator
from feedback.admin.schemas import explain
from feedback.edge import MAX_OFFSET
from feedback.errors import DomainError, Forbidden, NotFound
from feedback.web.auth import staff_page_user
from feedback.web.forms import form_struct
from feedback.web.rendering import page

PAGE_SIZE = 50
OMIT = object()  # a reader's answer for "not given": the body keeps its default (or leaves it as it is)


def text(value: str) -> Any:
    return value


def optional(value: str) -> Any:
    return value.strip() or None


def given(value: str) -> Any:
    return value.strip() or OMIT


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text | email | number | date | textarea | select | checkbox | password
    options: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    required: bool = False
    create_only: bool = False  # a key: shown on the edit page, never changed
    # The form's text as the body's value; by default, text as typed, and numbers, dates and
    # passwords only when given.
    read: Callable[[str], Any] | None = None

    def value(self, form: dict[str, str]) -> Any:
        if self.kind == "checkbox":
            return form.get(self.name, "") not in ("", "0", "false")
        read = self.read or (given if self.kind in ("number", "date", "password") else text)
        return read(form.get(self.name, ""))


@dataclass(frozen=True)
class Kind:
    slug: str  # /admin/<slug>
    title: str
    singular: str
    fields: tuple[Field, ...]
    columns: tuple[str, ...]  # labels of the table's columns
    cells: Callable[[Any], list[str]]
    key: Callable[[Any], str]
    values: Callable[[Any], dict[str, str]]  # a row as form values
    search: Callable[[dict[str, str], int], Awaitable[tuple[int, list[Any]]]]
    fetch: Callable[[str], Awaitable[Any]]
    new: type[Struct]  # the body of a create
    create: Callable[[Any], Awaitable[Any]]
    patch: type[Struct]  # the body of an edit
    update: Callable[[str, Any, StaffUser], Awaitable[Any]]  # key, body, the coordinator
    filters: tuple[Field, ...] = ()
    delete: Callable[[str], Awaitable[None]] | None = None
    intro: str = ""
    defaults: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"/admin/{self.slug}"

    def body(self, form: dict[str, str], *, editing: bool) -> Any:
        """The form as the Struct the API takes; DomainError (with the field) when it is refused."""
        fields = [f for f in self.fields if not (editing and f.create_only)]
        values = {f.name: v for f in fields if (v := f.value(form)) is not OMIT}
        return form_struct(values, self.patch if editing else self.new, explain=explain, keep_empty=True)


# --- access -------------------------------------------------------------------------------------------


async def page_coordinator(request: Request) -> StaffUser:
    return require_coordinator(await staff_page_user(request))


async def _post_coordinator(request: Request) -> tuple[StaffUser, dict[str, str]]:
    user = require_coordinator(await current_user(request))  # the session cookie and the csrf_token
    form = await request.form()
    return user, {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}


def _errors(exc: DomainError, kind: Kind) -> tuple[dict[str, str], str]:
    """The message by field when the form has that field, else as the form's general message."""
    if exc.field and exc.field in {f.name for f in kind.fields}:
        return {exc.field: exc.message}, ""
    return {}, exc.message


# --- rendering ----------------------------------------------------------------------------------------


def _offset(request: Request) -> int:
    try:
        return min(max(int(request.query_params.get("offset", "0")), 0), MAX_OFFSET)
    except ValueError:
        return 0


def _pager(base: str, query: dict[str, str], offset: int, shown: int, total: int) -> dict[str, Any]:
    def at(start: int) -> str:
        return f"{base}?{urlencode({**query, 'offset': start})}"

    return {
        "previous": at(max(offset - PAGE_SIZE, 0)) if offset > 0 else "",
        "next": at(offset + PAGE_SIZE) if offset + shown < total else "",
        "first": offset + 1 if shown else 0,
        "last": offset + shown,
    }


async def show_list(
    request: Request,
    user: StaffUser,
    kind: Kind,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str = "",
    status_code: int = 200,
) -> Response[str]:
    filters = {f.name: request.query_params.get(f.name, "").strip() for f in kind.filters}
    offset = _offset(request)
    total, rows = await kind.search(filters, offset)
    context = {
        "kind": kind,
        "rows": [(f"{kind.base}/{kind.key(r)}", kind.cells(r)) for r in rows],
        "total": total,
        "pager": _pager(kind.base, {k: v for k, v in filters.items() if v}, offset, len(rows), total),
        "filters": filters,
        "values": dict(kind.defaults) if values is None else values,
        "errors": errors or {},
        "message": message,
        "mode": "create",
        "action": kind.base,
        "saved": request.query_params.get("saved", ""),
    }
    return page(request, "admin_list.html", context, user=user, status_code=status_code)


async def show_edit(
    request: Request,
    user: StaffUser,
    kind: Kind,
    key: str,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str = "",
    status_code: int = 200,
) -> Response[str]:
    current = kind.values(await kind.fetch(key))
    context = {
        "kind": kind,
        "key": key,
        "current": current,
        "values": {**current, **(values or {})},
        "errors": errors or {},
        "message": message,
        "mode": "edit",
        "action": f"{kind.base}/{key}",
        "saved": request.query_params.get("saved", ""),
    }
    return page(request, "admin_edit.html", context, user=user, status_code=status_code)


# --- changes ------------------------------------------------------------------------------------------


async def create_row(request: Request, kind: Kind) -> Response:
    user, form = await _post_coordinator(request)
    try:
        row = await kind.create(kind.body(form, editing=False))
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        errors, message = _errors(exc, kind)
        form.pop("password", None)  # a password is never sent back
        return await show_list(
            request, user, kind, values=form, errors=errors, message=message, status_code=422
        )
    return Redirect(f"{kind.base}/{kind.key(row)}?saved=1", status_code=303)


async def update_row(request: Request, kind: Kind, key: str) -> Response:
    user, form = await _post_coordinator(request)
    await kind.fetch(key)  # 404 before anything else
    try:
        await kind.update(key, kind.body(form, editing=True), user)
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        errors, message = _errors(exc, kind)
        form.pop("password", None)
        values = {f.name: form.get(f.name, "") for f in kind.fields if not f.create_only}
        return await show_edit(
            request, user, kind, key, values=values, errors=errors, message=message, status_code=422
        )
    return Redirect(f"{kind.base}/{key}?saved=1", status_code=303)


async def delete_row(request: Request, kind: Kind, key: str) -> Response:
    user, _form = await _post_coordinator(request)
    if kind.delete is None:
        raise NotFound("Không tìm thấy")
    try:
        await kind.delete(key)
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        return await show_edit(request, user, kind, key, message=exc.message, status_code=422)
    return Redirect(f"{kind.base}?saved=deleted", status_code=303)


# --- routes -------------------------------------------------------------------------------------------


def routes_for(kind: Kind) -> list[Any]:
    """The pages of one kind of row."""
    base = kind.base

    @get(base, include_in_schema=False, name=f"admin_{kind.slug}")
    async def list_page(request: Request) -> Response[str]:
        return await show_list(request, await page_coordinator(request), kind)

    @post(base, include_in_schema=False, status_code=303)
    async def create(request: Request) -> Response:
        return await create_row(request, kind)

    @get(f"{base}/{{key:str}}", include_in_schema=False)
    async def edit_page(request: Request, key: FromPath[str]) -> Response[str]:
        return await show_edit(request, await page_coordinator(request), kind, key)

    @post(f"{base}/{{key:str}}", include_in_schema=False, status_code=303)
    async def update(request: Request, key: FromPath[str]) -> Response:
        return await update_row(request, kind, key)

    @post(f"{base}/{{key:str}}/delete", include_in_schema=False, status_code=303)
    async def delete(request: Request, key: FromPath[str]) -> Response:
        return await delete_row(request, kind, key)

    return [list_page, create, edit_page, update] + ([delete] if kind.delete else [])
