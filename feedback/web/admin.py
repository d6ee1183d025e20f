"""Administration pages for coordinators: `/admin` and one list page (with a create form) and one edit
page per kind of row. Forms post url-encoded bodies (with the `csrf_token` field) to handlers that call
`feedback.admin.services`; a refused change shows the page again with the message next to its field.

Each kind is described once (`Kind`: its form fields, its table columns, how to read and write it) and
four handlers are made from the description, so the six kinds behave the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from feedback.accounts.api import current_user
from feedback.accounts.models import ROLES, StaffUser
from feedback.admin import services
from feedback.directory.models import UNIT_KINDS
from feedback.errors import DomainError, Forbidden, NotFound
from feedback.items.vocabulary import SEVERITIES
from feedback.web.auth import staff_page_user
from feedback.web.rendering import SEVERITY_NAMES, page

PAGE_SIZE = 50
UNIT_KIND_NAMES = {
    "city": "Thành phố",
    "department": "Sở, ngành",
    "coordinator": "Văn phòng điều phối",
    "commune": "Xã, phường",
    "office": "Phòng thuộc xã, phường",
}
SCOPE_NAMES = {"local": "Địa phương", "sectoral": "Chuyên ngành", "other": "Khác"}
ROLE_NAMES = {
    "desk": "Bộ phận Một cửa",
    "officer": "Chuyên viên",
    "head": "Lãnh đạo đơn vị",
    "coordinator": "Điều phối viên",
    "organiser": "Tổ chức hội nghị đối thoại",
}


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text | email | number | date | textarea | select | checkbox | password
    options: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    required: bool = False
    create_only: bool = False  # a key: shown on the edit page, never changed


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
    create: Callable[..., Awaitable[Any]]
    update: Callable[..., Awaitable[Any]]
    filters: tuple[Field, ...] = ()
    delete: Callable[[str], Awaitable[None]] | None = None
    pass_actor: bool = False
    intro: str = ""
    defaults: dict[str, str] = field(default_factory=dict)


# --- reading form values ------------------------------------------------------------------------------


def _text(form: dict[str, str], name: str) -> str:
    return form.get(name, "").strip()


def _optional(form: dict[str, str], name: str) -> str | None:
    return _text(form, name) or None


def _int(form: dict[str, str], name: str, *, optional: bool = False) -> int | None:
    raw = _text(form, name)
    if not raw and optional:
        return None
    try:
        return int(raw)
    except ValueError:
        raise DomainError("Cần một số nguyên", field=name) from None


def _day(form: dict[str, str], name: str) -> date:
    try:
        return date.fromisoformat(_text(form, name))
    except ValueError:
        raise DomainError("Ngày không hợp lệ (năm-tháng-ngày)", field=name) from None


def _checked(form: dict[str, str], name: str) -> bool:
    return form.get(name, "") not in ("", "0", "false")


def _row_id(key: str) -> int:
    if not key.isdigit():
        raise NotFound("Không tìm thấy")
    return int(key)


def _choices(names: dict[str, str], keys: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((k, names.get(k, k)) for k in keys)


def _yes(value: bool) -> str:
    return "✓" if value else "—"


# --- the six kinds ------------------------------------------------------------------------------------


async def _search_units(f: dict[str, str], offset: int) -> tuple[int, list[Any]]:
    result = await services.list_units(f.get("q", ""), limit=PAGE_SIZE, offset=offset)
    return result.total, result.items


def _unit_form(form: dict[str, str]) -> dict[str, Any]:
    return {
        "name": _text(form, "name"),
        "kind": _text(form, "kind"),
        "parent": _optional(form, "parent"),
        "email": _text(form, "email"),
        "head_email": _text(form, "head_email"),
        "head_name": _text(form, "head_name"),
        "requires_approval": _checked(form, "requires_approval"),
        "active": _checked(form, "active"),
    }


UNITS = Kind(
    slug="units",
    title="Danh mục đơn vị",
    singular="đơn vị",
    fields=(
        Field(
            "code", "Mã", required=True, create_only=True, hint="Chữ không dấu, số, dấu gạch; không đổi được"
        ),
        Field("name", "Tên", required=True),
        Field("kind", "Loại", "select", _choices(UNIT_KIND_NAMES, UNIT_KINDS)),
        Field("parent", "Mã đơn vị cấp trên", hint="Để trống nếu là cấp cao nhất"),
        Field("email", "Thư điện tử của đơn vị", "email"),
        Field("head_email", "Thư điện tử của lãnh đạo", "email"),
        Field("head_name", "Chức danh, tên lãnh đạo"),
        Field("requires_approval", "Lãnh đạo duyệt trả lời trước khi gửi", "checkbox"),
        Field("active", "Đang hoạt động", "checkbox"),
    ),
    filters=(Field("q", "Tìm theo mã hoặc tên"),),
    columns=("Mã", "Tên", "Loại", "Cấp trên", "Hoạt động"),
    cells=lambda u: [
        u.code,
        u.name,
        UNIT_KIND_NAMES.get(u.kind, u.kind),
        u.parent.code if u.parent else "",
        _yes(u.active),
    ],
    key=lambda u: u.code,
    values=lambda u: {
        "code": u.code,
        "name": u.name,
        "kind": u.kind,
        "parent": u.parent.code if u.parent else "",
        "email": u.email,
        "head_email": u.head_email,
        "head_name": u.head_name,
        "requires_approval": "1" if u.requires_approval else "",
        "active": "1" if u.active else "",
    },
    search=_search_units,
    fetch=services.get_unit,
    create=lambda form: services.create_unit(code=_text(form, "code"), **_unit_form(form)),
    update=lambda key, form: services.update_unit(key, **_unit_form(form)),
    defaults={"kind": "office", "active": "1"},
)


async def _search_categories(f: dict[str, str], offset: int) -> tuple[int, list[Any]]:
    result = await services.list_categories(f.get("q", ""), limit=PAGE_SIZE, offset=offset)
    return result.total, result.items


def _category_form(form: dict[str, str]) -> dict[str, Any]:
    return {
        "name": _text(form, "name"),
        "keywords": form.get("keywords", ""),
        "scope": _text(form, "scope"),
        "active": _checked(form, "active"),
    }


CATEGORIES = Kind(
    slug="categories",
    title="Danh mục lĩnh vực",
    singular="lĩnh vực",
    fields=(
        Field(
            "code", "Mã", required=True, create_only=True, hint="Chữ không dấu, số, dấu gạch; không đổi được"
        ),
        Field("name", "Tên", required=True),
        Field("keywords", "Từ khóa gợi ý lĩnh vực", "textarea", hint="Mỗi dòng một từ khóa; lưu không dấu"),
        Field("scope", "Phạm vi", "select", _choices(SCOPE_NAMES, services.CATEGORY_SCOPES)),
        Field("active", "Đang dùng", "checkbox"),
    ),
    filters=(Field("q", "Tìm theo mã hoặc tên"),),
    columns=("Mã", "Tên", "Phạm vi", "Số từ khóa", "Đang dùng"),
    cells=lambda c: [
        c.code,
        c.name,
        SCOPE_NAMES.get(c.scope, c.scope),
        str(len(services.keyword_list(c))),
        _yes(c.active),
    ],
    key=lambda c: c.code,
    values=lambda c: {
        "code": c.code,
        "name": c.name,
        "keywords": "\n".join(services.keyword_list(c)),
        "scope": c.scope,
        "active": "1" if c.active else "",
    },
    search=_search_categories,
    fetch=services.get_category,
    create=lambda form: services.create_category(code=_text(form, "code"), **_category_form(form)),
    update=lambda key, form: services.update_category(key, **_category_form(form)),
    defaults={"scope": "local", "active": "1"},
)


async def _search_rules(f: dict[str, str], offset: int) -> tuple[int, list[Any]]:
    result = await services.list_rules(
        category=f.get("category") or None,
        commune=f.get("commune") or None,
        unit=f.get("unit") or None,
        limit=PAGE_SIZE,
        offset=offset,
    )
    return result.total, result.items


def _rule_form(form: dict[str, str]) -> dict[str, Any]:
    return {
        "category": _text(form, "category"),
        "commune": _optional(form, "commune"),
        "severity": _optional(form, "severity"),
        "unit": _text(form, "unit"),
        "priority": _int(form, "priority") if _text(form, "priority") else 0,
        "active": _checked(form, "active"),
    }


SEVERITY_CHOICES = (("", "Mọi mức độ"), *_choices(SEVERITY_NAMES, SEVERITIES))
RULES = Kind(
    slug="rules",
    title="Quy tắc phân công",
    singular="quy tắc",
    intro="Quy tắc cụ thể nhất (lĩnh vực, xã/phường, mức độ) được áp dụng; bằng nhau thì xét độ ưu tiên.",
    fields=(
        Field("category", "Mã lĩnh vực", required=True),
        Field("commune", "Mã xã/phường", hint="Để trống: mọi nơi"),
        Field("severity", "Mức độ", "select", SEVERITY_CHOICES),
        Field("unit", "Mã đơn vị xử lý", required=True),
        Field("priority", "Độ ưu tiên", "number", hint="Số lớn hơn thắng khi hai quy tắc cụ thể như nhau"),
        Field("active", "Đang áp dụng", "checkbox"),
    ),
    filters=(Field("category", "Mã lĩnh vực"), Field("commune", "Mã xã/phường"), Field("unit", "Mã đơn vị")),
    columns=("Số", "Lĩnh vực", "Xã/phường", "Mức độ", "Đơn vị", "Ưu tiên", "Áp dụng"),
    cells=lambda r: [
        str(r.id),
        r.category.name if r.category else "",
        r.commune.name if r.commune else "",
        SEVERITY_NAMES.get(r.severity, "") if r.severity else "",
        r.unit.name,
        str(r.priority),
        _yes(r.active),
    ],
    key=lambda r: str(r.id),
    values=lambda r: {
        "category": r.category.code if r.category else "",
        "commune": r.commune.code if r.commune else "",
        "severity": r.severity or "",
        "unit": r.unit.code,
        "priority": str(r.priority),
        "active": "1" if r.active else "",
    },
    search=_search_rules,
    fetch=lambda key: services.get_rule(_row_id(key)),
    create=lambda form: services.create_rule(**_rule_form(form)),
    update=lambda key, form: services.update_rule(_row_id(key), **_rule_form(form)),
    delete=lambda key: services.delete_rule(_row_id(key)),
    defaults={"priority": "0", "active": "1"},
)


async def _search_policies(f: dict[str, str], offset: int) -> tuple[int, list[Any]]:
    rows = await services.list_policies()
    return len(rows), rows


def _durations(form: dict[str, str]) -> dict[str, Any]:
    return {
        "accept_hours": _int(form, "accept_hours"),
        "answer_days": _int(form, "answer_days"),
        "progress_days": _int(form, "progress_days", optional=True),
    }


POLICIES = Kind(
    slug="policies",
    title="Thời hạn xử lý",
    singular="quy định thời hạn",
    intro="Quy định theo lĩnh vực thắng quy định mặc định của cùng mức độ.",
    fields=(
        Field("category", "Mã lĩnh vực", create_only=True, hint="Để trống: mặc định cho mọi lĩnh vực"),
        Field("severity", "Mức độ", "select", _choices(SEVERITY_NAMES, SEVERITIES), create_only=True),
        Field("accept_hours", "Tiếp nhận trong (giờ làm việc)", "number", required=True),
        Field("answer_days", "Trả lời trong (ngày làm việc)", "number", required=True),
        Field("progress_days", "Báo cáo tiến độ mỗi (ngày)", "number", hint="Để trống nếu không cần"),
    ),
    columns=("Lĩnh vực", "Mức độ", "Tiếp nhận (giờ)", "Trả lời (ngày)", "Tiến độ (ngày)"),
    cells=lambda p: [
        p.category.name if p.category else "Mặc định",
        SEVERITY_NAMES.get(p.severity, p.severity),
        str(p.accept_hours),
        str(p.answer_days),
        str(p.progress_days or ""),
    ],
    key=lambda p: str(p.id),
    values=lambda p: {
        "category": p.category.code if p.category else "",
        "severity": p.severity,
        "accept_hours": str(p.accept_hours),
        "answer_days": str(p.answer_days),
        "progress_days": str(p.progress_days or ""),
    },
    search=_search_policies,
    fetch=lambda key: services.get_policy(_row_id(key)),
    create=lambda form: services.create_policy(
        category=_optional(form, "category"), severity=_text(form, "severity"), **_durations(form)
    ),
    update=lambda key, form: services.update_policy(_row_id(key), **_durations(form)),
    delete=lambda key: services.delete_policy(_row_id(key)),
    defaults={"severity": "normal"},
)


async def _search_calendar(f: dict[str, str], offset: int) -> tuple[int, list[Any]]:
    year = f.get("year", "")
    rows = await services.list_exceptions(int(year) if year.isdigit() else None)
    return len(rows), rows


def _exception_day(key: str) -> date:
    try:
        return date.fromisoformat(key)
    except ValueError:
        raise NotFound("Không tìm thấy") from None


async def _fetch_exception(key: str) -> Any:
    rows = [e for e in await services.list_exceptions() if e.day == _exception_day(key)]
    if not rows:
        raise NotFound("Không tìm thấy")
    return rows[0]


CALENDAR = Kind(
    slug="calendar",
    title="Lịch làm việc",
    singular="ngày ngoại lệ",
    intro="Ngày nghỉ thêm hoặc ngày làm việc bù, ngoài lịch nghỉ lễ, Tết; áp dụng cho các thời hạn tính từ nay.",
    fields=(
        Field("day", "Ngày", "date", required=True, create_only=True),
        Field("working", "Là ngày làm việc (bỏ chọn: ngày nghỉ)", "checkbox"),
        Field("note", "Ghi chú"),
    ),
    filters=(Field("year", "Năm", "number"),),
    columns=("Ngày", "Loại", "Ghi chú"),
    cells=lambda e: [e.day.strftime("%d/%m/%Y"), "Ngày làm việc" if e.working else "Ngày nghỉ", e.note],
    key=lambda e: e.day.isoformat(),
    values=lambda e: {"day": e.day.isoformat(), "working": "1" if e.working else "", "note": e.note},
    search=_search_calendar,
    fetch=_fetch_exception,
    create=lambda form: services.set_exception(
        day=_day(form, "day"), working=_checked(form, "working"), note=_text(form, "note")
    ),
    update=lambda key, form: services.update_exception(
        _exception_day(key), working=_checked(form, "working"), note=_text(form, "note")
    ),
    delete=lambda key: services.delete_exception(_exception_day(key)),
)


async def _search_users(f: dict[str, str], offset: int) -> tuple[int, list[Any]]:
    result = await services.list_users(
        f.get("q", ""), role=f.get("role") or None, limit=PAGE_SIZE, offset=offset
    )
    return result.total, result.items


def _user_form(form: dict[str, str]) -> dict[str, Any]:
    return {
        "name": _text(form, "name"),
        "role": _text(form, "role"),
        "unit": _text(form, "unit"),
        "active": _checked(form, "active"),
    }


async def _update_user(key: str, form: dict[str, str], actor: StaffUser) -> Any:
    changes = _user_form(form)
    if form.get("password"):
        changes["password"] = form["password"]
    return await services.update_user(_row_id(key), actor=actor, **changes)


USERS = Kind(
    slug="users",
    title="Tài khoản cán bộ",
    singular="tài khoản",
    fields=(
        Field("email", "Thư điện tử (tên đăng nhập)", "email", required=True, create_only=True),
        Field("name", "Họ tên"),
        Field("role", "Vai trò", "select", _choices(ROLE_NAMES, ROLES)),
        Field("unit", "Mã đơn vị", hint="Điều phối viên: để trống là Văn phòng UBND"),
        Field("active", "Đang hoạt động", "checkbox"),
        Field(
            "password", "Mật khẩu", "password", hint="Ít nhất 8 ký tự; khi sửa: để trống nếu không đặt lại"
        ),
    ),
    filters=(
        Field("q", "Tìm theo thư điện tử hoặc tên"),
        Field("role", "Vai trò", "select", (("", "Mọi vai trò"), *_choices(ROLE_NAMES, ROLES))),
    ),
    columns=("Thư điện tử", "Họ tên", "Vai trò", "Đơn vị", "Hoạt động"),
    cells=lambda u: [u.email, u.name, ROLE_NAMES.get(u.role, u.role), u.unit.code, _yes(u.active)],
    key=lambda u: str(u.id),
    values=lambda u: {
        "email": u.email,
        "name": u.name,
        "role": u.role,
        "unit": u.unit.code,
        "active": "1" if u.active else "",
        "password": "",
    },
    search=_search_users,
    fetch=lambda key: services.get_user(_row_id(key)),
    create=lambda form: services.create_user(
        email=_text(form, "email"), password=form.get("password", ""), **_user_form(form)
    ),
    update=_update_user,
    pass_actor=True,
    defaults={"role": "officer", "active": "1"},
)

KINDS = (UNITS, CATEGORIES, RULES, POLICIES, CALENDAR, USERS)


# --- access -------------------------------------------------------------------------------------------


async def _page_coordinator(request: Request) -> StaffUser:
    user = await staff_page_user(request)
    if user.role != "coordinator":
        raise Forbidden("Chỉ điều phối viên (Văn phòng UBND) được quản trị danh mục và tài khoản")
    return user


async def _post_coordinator(request: Request) -> tuple[StaffUser, dict[str, str]]:
    user = await current_user(request)  # the session cookie and the form's csrf_token
    if user.role != "coordinator":
        raise Forbidden("Chỉ điều phối viên (Văn phòng UBND) được quản trị danh mục và tài khoản")
    form = await request.form()
    return user, {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}


def _errors(exc: DomainError, kind: Kind) -> tuple[dict[str, str], str]:
    """The message by field when the form has that field, else as the form's general message."""
    names = {f.name for f in kind.fields}
    if exc.field in names:
        return {exc.field: exc.message}, ""  # type: ignore[dict-item]
    return {}, exc.message


# --- handlers -----------------------------------------------------------------------------------------


@get("/admin", include_in_schema=False)
async def admin_index(request: Request) -> Response[str]:
    user = await _page_coordinator(request)
    counts = await services.counts()
    return page(request, "admin_index.html", {"kinds": KINDS, "counts": counts}, user=user)


def _handlers(kind: Kind) -> list[Any]:
    base = f"/admin/{kind.slug}"

    async def render_list(
        request: Request,
        user: StaffUser,
        *,
        values: dict[str, str],
        errors: dict[str, str],
        message: str,
        status_code: int = 200,
    ) -> Response[str]:
        filters = {f.name: request.query_params.get(f.name, "").strip() for f in kind.filters}
        try:
            offset = max(int(request.query_params.get("offset", "0")), 0)
        except ValueError:
            offset = 0
        total, rows = await kind.search(filters, offset)
        query = {k: v for k, v in filters.items() if v}
        pager = {
            "previous": f"{base}?{urlencode({**query, 'offset': max(offset - PAGE_SIZE, 0)})}"
            if offset > 0
            else "",
            "next": f"{base}?{urlencode({**query, 'offset': offset + PAGE_SIZE})}"
            if offset + len(rows) < total
            else "",
            "first": offset + 1 if rows else 0,
            "last": offset + len(rows),
        }
        context = {
            "kind": kind,
            "rows": [(f"{base}/{kind.key(r)}", kind.cells(r)) for r in rows],
            "total": total,
            "pager": pager,
            "filters": filters,
            "values": values,
            "errors": errors,
            "message": message,
            "mode": "create",
            "action": base,
            "saved": request.query_params.get("saved", ""),
        }
        return page(request, "admin_list.html", context, user=user, status_code=status_code)

    async def render_edit(
        request: Request,
        user: StaffUser,
        key: str,
        *,
        values: dict[str, str] | None,
        errors: dict[str, str],
        message: str,
        status_code: int = 200,
    ) -> Response[str]:
        row = await kind.fetch(key)
        current = kind.values(row)
        context = {
            "kind": kind,
            "key": key,
            "current": current,
            "values": {**current, **(values or {})},
            "errors": errors,
            "message": message,
            "mode": "edit",
            "action": f"{base}/{key}",
            "saved": request.query_params.get("saved", ""),
        }
        return page(request, "admin_edit.html", context, user=user, status_code=status_code)

    @get(base, include_in_schema=False, name=f"admin_{kind.slug}")
    async def list_page(request: Request) -> Response[str]:
        user = await _page_coordinator(request)
        return await render_list(request, user, values=dict(kind.defaults), errors={}, message="")

    @post(base, include_in_schema=False, status_code=303)
    async def create(request: Request) -> Response:
        user, form = await _post_coordinator(request)
        try:
            row = await kind.create(form)
        except (NotFound, Forbidden):
            raise
        except DomainError as exc:
            errors, message = _errors(exc, kind)
            form.pop("password", None)
            return await render_list(
                request, user, values=form, errors=errors, message=message, status_code=422
            )
        return Redirect(f"{base}/{kind.key(row)}?saved=1", status_code=303)

    @get(f"{base}/{{key:str}}", include_in_schema=False)
    async def edit_page(request: Request, key: FromPath[str]) -> Response[str]:
        user = await _page_coordinator(request)
        return await render_edit(request, user, key, values=None, errors={}, message="")

    @post(f"{base}/{{key:str}}", include_in_schema=False, status_code=303)
    async def update(request: Request, key: FromPath[str]) -> Response:
        user, form = await _post_coordinator(request)
        await kind.fetch(key)  # 404 before anything else
        try:
            if kind.pass_actor:
                await kind.update(key, form, user)
            else:
                await kind.update(key, form)
        except (NotFound, Forbidden):
            raise
        except DomainError as exc:
            errors, message = _errors(exc, kind)
            form.pop("password", None)
            values = {f.name: form.get(f.name, "") for f in kind.fields if not f.create_only}
            return await render_edit(
                request, user, key, values=values, errors=errors, message=message, status_code=422
            )
        return Redirect(f"{base}/{key}?saved=1", status_code=303)

    handlers = [list_page, create, edit_page, update]
    if kind.delete is not None:
        remove = kind.delete

        @post(f"{base}/{{key:str}}/delete", include_in_schema=False, status_code=303)
        async def delete_row(request: Request, key: FromPath[str]) -> Response:
            user, _form = await _post_coordinator(request)
            try:
                await remove(key)
            except (NotFound, Forbidden):
                raise
            except DomainError as exc:
                return await render_edit(
                    request, user, key, values=None, errors={}, message=exc.message, status_code=422
                )
            return Redirect(f"{base}?saved=deleted", status_code=303)

        handlers.append(delete_row)
    return handlers


ADMIN_ROUTES = [admin_index, *(handler for kind in KINDS for handler in _handlers(kind))]
