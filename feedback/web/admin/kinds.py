"""The six kinds of row the administration pages manage, described for `framework.Kind`: units,
categories, routing rules, deadline policies, calendar exceptions and staff accounts."""

from __future__ import annotations

from datetime import date
from typing import Any

from feedback.accounts.models import ROLE_NAMES, ROLES
from feedback.admin import calendar, categories, policies, rules, units, users
from feedback.admin.schemas import (
    CategoryIn,
    CategoryPatch,
    ExceptionIn,
    ExceptionPatch,
    PolicyIn,
    PolicyPatch,
    RuleIn,
    RulePatch,
    UnitIn,
    UnitPatch,
    UserIn,
    UserPatch,
)
from feedback.directory.models import CATEGORY_SCOPES, SCOPE_NAMES, UNIT_KIND_NAMES, UNIT_KINDS
from feedback.edge import in_years
from feedback.errors import NotFound
from feedback.items.vocabulary import SEVERITIES, SEVERITY_NAMES
from feedback.web.admin.framework import PAGE_SIZE, Field, Kind, optional

CODE_HINT = "Chữ không dấu, số, dấu gạch; không đổi được"


def _choices(names: dict[str, str], keys: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((k, names.get(k, k)) for k in keys)


def _yes(value: bool) -> str:
    return "✓" if value else "—"


def _box(value: bool) -> str:
    return "1" if value else ""


def _row_id(key: str) -> int:
    if not key.isdigit():
        raise NotFound("Không tìm thấy")
    return int(key)


def _day(key: str) -> date:
    try:
        return date.fromisoformat(key)
    except ValueError:
        raise NotFound("Không tìm thấy") from None


async def _units(f: dict[str, str], offset: int) -> tuple[int, list[Any]]:
    found = await units.list_units(f.get("q", ""), limit=PAGE_SIZE, offset=offset)
    return found.total, found.items


UNITS = Kind(
    slug="units",
    title="Danh mục đơn vị",
    singular="đơn vị",
    fields=(
        Field("code", "Mã", required=True, create_only=True, hint=CODE_HINT),
        Field("name", "Tên", required=True),
        Field("kind", "Loại", "select", _choices(UNIT_KIND_NAMES, UNIT_KINDS)),
        Field("parent", "Mã đơn vị cấp trên", hint="Để trống nếu là cấp cao nhất", read=optional),
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
        "requires_approval": _box(u.requires_approval),
        "active": _box(u.active),
    },
    search=_units,
    fetch=units.get_unit,
    new=UnitIn,
    create=units.create_unit,
    patch=UnitPatch,
    update=lambda key, body, _user: units.update_unit(key, body),
    defaults={"kind": "office", "active": "1"},
)


async def _categories(f: dict[str, str], offset: int) -> tuple[int, list[Any]]:
    found = await categories.list_categories(f.get("q", ""), limit=PAGE_SIZE, offset=offset)
    return found.total, found.items


CATEGORIES = Kind(
    slug="categories",
    title="Danh mục lĩnh vực",
    singular="lĩnh vực",
    fields=(
        Field("code", "Mã", required=True, create_only=True, hint=CODE_HINT),
        Field("name", "Tên", required=True),
        Field(
            "keywords",
            "Từ khóa gợi ý lĩnh vực",
            "textarea",
            hint="Mỗi dòng một từ khóa; lưu không dấu",
            read=categories.split_keywords,
        ),
        Field("scope", "Phạm vi", "select", _choices(SCOPE_NAMES, CATEGORY_SCOPES)),
        Field("active", "Đang dùng", "checkbox"),
    ),
    filters=(Field("q", "Tìm theo mã hoặc tên"),),
    columns=("Mã", "Tên", "Phạm vi", "Số từ khóa", "Đang dùng"),
    cells=lambda c: [
        c.code,
        c.name,
        SCOPE_NAMES.get(c.scope, c.scope),
        str(len(categories.keyword_list(c))),
        _yes(c.active),
    ],
    key=lambda c: c.code,
    values=lambda c: {
        "code": c.code,
        "name": c.name,
        "keywords": "\n".join(categories.keyword_list(c)),
        "scope": c.scope,
        "active": _box(c.active),
    },
    search=_categories,
    fetch=categories.get_category,
    new=CategoryIn,
    create=categories.create_category,
    patch=CategoryPatch,
    update=lambda key, body, _user: categories.update_category(key, body),
    defaults={"scope": "local", "active": "1"},
)


async def _rules(f: dict[str, str], offset: int) -> tuple[int, list[Any]]:
    found = await rules.list_rules(
        category=f.get("category") or None,
        commune=f.get("commune") or None,
        unit=f.get("unit") or None,
        limit=PAGE_SIZE,
        offset=offset,
    )
    return found.total, found.items


RULES = Kind(
    slug="rules",
    title="Quy tắc phân công",
    singular="quy tắc",
    intro="Quy tắc cụ thể nhất (lĩnh vực, xã/phường, mức độ) được áp dụng; bằng nhau thì xét độ ưu tiên.",
    fields=(
        Field("category", "Mã lĩnh vực", required=True),
        Field("commune", "Mã xã/phường", hint="Để trống: mọi nơi", read=optional),
        Field(
            "severity",
            "Mức độ",
            "select",
            (("", "Mọi mức độ"), *_choices(SEVERITY_NAMES, SEVERITIES)),
            read=optional,
        ),
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
        "active": _box(r.active),
    },
    search=_rules,
    fetch=lambda key: rules.get_rule(_row_id(key)),
    new=RuleIn,
    create=rules.create_rule,
    patch=RulePatch,
    update=lambda key, body, _user: rules.update_rule(_row_id(key), body),
    delete=lambda key: rules.delete_rule(_row_id(key)),
    defaults={"priority": "0", "active": "1"},
)


async def _policies(f: dict[str, str], offset: int) -> tuple[int, list[Any]]:
    rows = await policies.list_policies()
    return len(rows), rows


POLICIES = Kind(
    slug="policies",
    title="Thời hạn xử lý",
    singular="quy định thời hạn",
    intro="Quy định theo lĩnh vực thắng quy định mặc định của cùng mức độ.",
    fields=(
        Field(
            "category",
            "Mã lĩnh vực",
            create_only=True,
            hint="Để trống: mặc định cho mọi lĩnh vực",
            read=optional,
        ),
        Field("severity", "Mức độ", "select", _choices(SEVERITY_NAMES, SEVERITIES), create_only=True),
        Field("accept_hours", "Tiếp nhận trong (giờ làm việc)", "number", required=True),
        Field("answer_days", "Trả lời trong (ngày làm việc)", "number", required=True),
        Field(
            "progress_days",
            "Báo cáo tiến độ mỗi (ngày)",
            "number",
            hint="Để trống nếu không cần",
            read=optional,
        ),
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
    search=_policies,
    fetch=lambda key: policies.get_policy(_row_id(key)),
    new=PolicyIn,
    create=policies.create_policy,
    patch=PolicyPatch,
    update=lambda key, body, _user: policies.update_policy(_row_id(key), body),
    delete=lambda key: policies.delete_policy(_row_id(key)),
    defaults={"severity": "normal"},
)


async def _calendar(f: dict[str, str], offset: int) -> tuple[int, list[Any]]:
    year = f.get("year", "")
    # A year the calendar cannot hold lists every exception rather than failing.
    rows = await calendar.list_exceptions(int(year) if year.isdigit() and in_years(int(year)) else None)
    return len(rows), rows


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
    values=lambda e: {"day": e.day.isoformat(), "working": _box(e.working), "note": e.note},
    search=_calendar,
    fetch=lambda key: calendar.get_exception(_day(key)),
    new=ExceptionIn,
    create=calendar.set_exception,
    patch=ExceptionPatch,
    update=lambda key, body, _user: calendar.update_exception(_day(key), body),
    delete=lambda key: calendar.delete_exception(_day(key)),
)


async def _users(f: dict[str, str], offset: int) -> tuple[int, list[Any]]:
    found = await users.list_users(f.get("q", ""), role=f.get("role") or None, limit=PAGE_SIZE, offset=offset)
    return found.total, found.items


USERS = Kind(
    slug="users",
    title="Tài khoản cán bộ",
    singular="tài khoản",
    fields=(
        Field("email", "Thư điện tử (tên đăng nhập)", "email", required=True, create_only=True),
        Field("name", "Họ tên"),
        Field("role", "Vai trò", "select", _choices(ROLE_NAMES, ROLES)),
        Field("unit", "Mã đơn vị", hint="Điều phối viên: để trống là Văn phòng UBND", read=optional),
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
        "active": _box(u.active),
        "password": "",
    },
    search=_users,
    fetch=lambda key: users.get_user(_row_id(key)),
    new=UserIn,
    create=users.create_user,
    patch=UserPatch,
    update=lambda key, body, user: users.update_user(_row_id(key), body, actor=user),
    defaults={"role": "officer", "active": "1"},
)

KINDS = (UNITS, CATEGORIES, RULES, POLICIES, CALENDAR, USERS)
