"""Coordinators' changes to reference data and staff accounts, validated with messages in Vietnamese.

Every change to units, categories, routing rules or deadline policies refreshes this process's
reference snapshot (`reference.invalidate()`), so routing and deadlines use it at once; other processes
pick it up within the snapshot's lifetime. Calendar exceptions go through
`feedback.deadlines.services.set_calendar_exception`, which does the same.

Create functions take every field; update functions take only the fields that change (`**changes`),
so the JSON API (PATCH) and the web forms (all fields) share them. Codes never change: they are the
keys other systems and the seed data use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from tortoise.models import Model

from feedback.accounts import services as accounts
from feedback.accounts.models import ROLES, StaffSession, StaffUser
from feedback.deadlines.services import set_calendar_exception
from feedback.directory import reference
from feedback.directory.models import (
    UNIT_KINDS,
    CalendarException,
    Category,
    Commune,
    DeadlinePolicy,
    RoutingRule,
    Unit,
)
from feedback.errors import Conflict, DomainError, NotFound
from feedback.items.vocabulary import SEVERITIES
from feedback.text import fold, is_email

T = TypeVar("T")
CATEGORY_SCOPES = ("local", "sectoral", "other")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
MAX_DAYS = 365
MAX_HOURS = 24 * 30


@dataclass(frozen=True)
class Page(Generic[T]):
    total: int
    items: list[T]


# --- shared checks ------------------------------------------------------------------------------------


def _code(value: str) -> str:
    value = (value or "").strip()
    if not _CODE.match(value):
        raise DomainError(
            "Mã chỉ gồm chữ cái không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới (tối đa 40 ký tự)",
            field="code",
        )
    return value


def _text(value: str | None, field: str, *, max_length: int, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError("Không được để trống", field=field)
    if len(value) > max_length:
        raise DomainError(f"Tối đa {max_length} ký tự", field=field)
    return value


def _email(value: str | None, field: str, *, required: bool = False) -> str:
    value = (value or "").strip().lower()
    if not value and not required:
        return ""
    if not is_email(value):
        raise DomainError(f"Địa chỉ thư điện tử không hợp lệ: {value!r}", field=field)
    return value


def _one_of(value: str, allowed: tuple[str, ...], field: str, what: str) -> str:
    if value not in allowed:
        raise DomainError(f"{what} phải là một trong: {', '.join(allowed)}", field=field)
    return value


def _int(value: int | None, field: str, *, low: int, high: int, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if value is None or isinstance(value, bool) or not isinstance(value, int):
        raise DomainError("Cần một số nguyên", field=field)
    if not low <= value <= high:
        raise DomainError(f"Phải từ {low} đến {high}", field=field)
    return value


def _unknown(changes: dict[str, Any], allowed: set[str]) -> None:
    for key in changes:
        if key not in allowed:
            raise DomainError(f"Không sửa được trường {key!r}", field=key)


async def _unit_by_code(code: str | None, field: str = "unit") -> Unit:
    unit = await Unit.get_or_none(code=(code or "").strip()) if code else None
    if unit is None:
        raise DomainError(f"Không có đơn vị mã {code!r}", field=field)
    return unit


async def _category_by_code(code: str | None, field: str = "category") -> Category:
    category = await Category.get_or_none(code=(code or "").strip()) if code else None
    if category is None:
        raise DomainError(f"Không có lĩnh vực mã {code!r}", field=field)
    return category


async def _commune_by_code(code: str, field: str = "commune") -> Commune:
    commune = await Commune.get_or_none(code=code.strip())
    if commune is None:
        raise DomainError(f"Không có xã/phường mã {code!r}", field=field)
    return commune


async def _page(query: Any, limit: int, offset: int, *order: str) -> Page:
    total = await query.count()
    rows = await query.order_by(*order).offset(offset).limit(limit)
    return Page(total, list(rows))


# --- units --------------------------------------------------------------------------------------------

UNIT_FIELDS = {"name", "kind", "parent", "email", "head_email", "head_name", "requires_approval", "active"}


async def list_units(
    q: str = "", *, kind: str | None = None, parent: str | None = None, limit: int = 50, offset: int = 0
) -> Page[Unit]:
    """Units whose code or name contains `q` (with or without diacritics), in code order."""
    query = Unit.all()
    if kind:
        query = query.filter(kind=kind)
    if parent:
        query = query.filter(parent__code=parent)
    needle = fold(q or "")
    if needle:
        # About a thousand units: folding in Python is cheaper than a folded column to keep in step.
        rows = await query.order_by("code").values_list("id", "code", "name")
        ids = [i for i, code, name in rows if needle in fold(code) or needle in fold(name)]
        query = Unit.filter(id__in=ids)
    return await _page(query.select_related("parent"), limit, offset, "code")


async def get_unit(code: str) -> Unit:
    unit = await Unit.get_or_none(code=code).select_related("parent")
    if unit is None:
        raise NotFound(f"Không có đơn vị mã {code!r}")
    return unit


async def _parent(code: str | None, unit: Unit | None) -> Unit | None:
    if not code:
        return None
    parent = await _unit_by_code(code, "parent")
    if unit is not None:
        # Walk up from the new parent: meeting the unit itself would make a loop in the tree.
        current: Unit | None = parent
        seen: set[int] = set()
        while current is not None and current.id not in seen:
            if current.id == unit.id:
                raise DomainError("Một đơn vị không thể là cấp trên của chính nó", field="parent")
            seen.add(current.id)
            current = await Unit.get_or_none(id=current.parent_id) if current.parent_id else None  # type: ignore[attr-defined]
    return parent


async def _keep_coordinator(unit: Unit, kind: str, active: bool) -> None:
    """Items nobody routes go to the coordinator office: there must always be an active one."""
    if unit.kind == "coordinator" and unit.active and (kind != "coordinator" or not active):
        others = await Unit.filter(kind="coordinator", active=True).exclude(id=unit.id).exists()
        if not others:
            raise DomainError(
                "Phải luôn có một văn phòng điều phối đang hoạt động để nhận phản ánh chưa phân loại",
                field="active" if kind == "coordinator" else "kind",
            )


async def create_unit(
    *,
    code: str,
    name: str,
    kind: str,
    parent: str | None = None,
    email: str = "",
    head_email: str = "",
    head_name: str = "",
    requires_approval: bool = False,
    active: bool = True,
) -> Unit:
    code = _code(code)
    values = {
        "name": _text(name, "name", max_length=200, required=True),
        "kind": _one_of(kind, UNIT_KINDS, "kind", "Loại đơn vị"),
        "email": _email(email, "email"),
        "head_email": _email(head_email, "head_email"),
        "head_name": _text(head_name, "head_name", max_length=200),
        "requires_approval": bool(requires_approval),
        "active": bool(active),
    }
    parent_unit = await _parent(parent, None)
    if await Unit.exists(code=code):
        raise Conflict(f"Đã có đơn vị mã {code}", field="code")
    unit = await Unit.create(code=code, parent=parent_unit, **values)
    reference.invalidate()
    return await get_unit(unit.code)


async def update_unit(code: str, **changes: Any) -> Unit:
    _unknown(changes, UNIT_FIELDS)
    unit = await get_unit(code)
    if "name" in changes:
        unit.name = _text(changes["name"], "name", max_length=200, required=True)
    kind = _one_of(changes["kind"], UNIT_KINDS, "kind", "Loại đơn vị") if "kind" in changes else unit.kind
    active = bool(changes["active"]) if "active" in changes else unit.active
    await _keep_coordinator(unit, kind, active)
    unit.kind, unit.active = kind, active
    if "parent" in changes:
        unit.parent = await _parent(changes["parent"], unit)  # type: ignore[assignment]
    for field in ("email", "head_email"):
        if field in changes:
            setattr(unit, field, _email(changes[field], field))
    if "head_name" in changes:
        unit.head_name = _text(changes["head_name"], "head_name", max_length=200)
    if "requires_approval" in changes:
        unit.requires_approval = bool(changes["requires_approval"])
    await unit.save()
    reference.invalidate()
    return await get_unit(code)


# --- categories ---------------------------------------------------------------------------------------

CATEGORY_FIELDS = {"name", "keywords", "scope", "active"}


def fold_keywords(keywords: str | list[str] | None) -> str:
    """Keywords as stored: folded (no diacritics, lower case), unique, separated by "|"."""
    if isinstance(keywords, str):
        keywords = re.split(r"[|\n,;]", keywords)
    folded = [fold(k) for k in keywords or []]
    joined = "|".join(dict.fromkeys(k for k in folded if k))
    if len(joined) > 20_000:
        raise DomainError("Danh sách từ khóa quá dài", field="keywords")
    return joined


def keyword_list(category: Category) -> list[str]:
    return [k for k in category.keywords.split("|") if k]


async def list_categories(q: str = "", *, limit: int = 100, offset: int = 0) -> Page[Category]:
    rows = await Category.all().order_by("name")
    needle = fold(q or "")
    matching = [c for c in rows if not needle or needle in fold(c.code) or needle in fold(c.name)]
    return Page(len(matching), matching[offset : offset + limit])


async def get_category(code: str) -> Category:
    category = await Category.get_or_none(code=code)
    if category is None:
        raise NotFound(f"Không có lĩnh vực mã {code!r}")
    return category


async def create_category(
    *, code: str, name: str, keywords: str | list[str] = "", scope: str = "other", active: bool = True
) -> Category:
    code = _code(code)
    name = _text(name, "name", max_length=160, required=True)
    scope = _one_of(scope, CATEGORY_SCOPES, "scope", "Phạm vi")
    folded = fold_keywords(keywords)
    if await Category.exists(code=code):
        raise Conflict(f"Đã có lĩnh vực mã {code}", field="code")
    category = await Category.create(code=code, name=name, keywords=folded, scope=scope, active=bool(active))
    reference.invalidate()
    return category


async def update_category(code: str, **changes: Any) -> Category:
    _unknown(changes, CATEGORY_FIELDS)
    category = await get_category(code)
    if "name" in changes:
        category.name = _text(changes["name"], "name", max_length=160, required=True)
    if "keywords" in changes:
        category.keywords = fold_keywords(changes["keywords"])
    if "scope" in changes:
        category.scope = _one_of(changes["scope"], CATEGORY_SCOPES, "scope", "Phạm vi")
    if "active" in changes:
        category.active = bool(changes["active"])
    await category.save()
    reference.invalidate()
    return category


# --- routing rules ------------------------------------------------------------------------------------

RULE_FIELDS = {"category", "commune", "severity", "unit", "priority", "active"}


def _rules() -> Any:
    return RoutingRule.all().select_related("category", "commune", "unit")


async def list_rules(
    *,
    category: str | None = None,
    commune: str | None = None,
    unit: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[RoutingRule]:
    query = _rules()
    if category:
        query = query.filter(category__code=category)
    if commune:
        query = query.filter(commune__code=commune)
    if unit:
        query = query.filter(unit__code=unit)
    return await _page(query, limit, offset, "category_id", "commune_id", "-priority", "id")


async def get_rule(rule_id: int) -> RoutingRule:
    rule = await _rules().get_or_none(id=rule_id)
    if rule is None:
        raise NotFound(f"Không có quy tắc phân công số {rule_id}")
    return rule


def _severity(value: str | None, *, optional: bool) -> str | None:
    if not value and optional:
        return None
    return _one_of(value or "", SEVERITIES, "severity", "Mức độ")


async def _unique_rule(
    category_id: int | None, commune_id: int | None, severity: str | None, unit_id: int, rule_id: int | None
) -> None:
    same = RoutingRule.filter(
        category_id=category_id, commune_id=commune_id, severity=severity, unit_id=unit_id
    )
    if rule_id is not None:
        same = same.exclude(id=rule_id)
    if await same.exists():
        raise Conflict("Đã có quy tắc giống hệt (cùng lĩnh vực, xã/phường, mức độ, đơn vị)", field="unit")


async def create_rule(
    *,
    category: str,
    unit: str,
    commune: str | None = None,
    severity: str | None = None,
    priority: int = 0,
    active: bool = True,
) -> RoutingRule:
    category_row = await _category_by_code(category)
    commune_row = await _commune_by_code(commune) if commune else None
    sev = _severity(severity, optional=True)
    unit_row = await _unit_by_code(unit)
    prio = _int(priority, "priority", low=-1000, high=1000)
    await _unique_rule(category_row.id, commune_row.id if commune_row else None, sev, unit_row.id, None)
    rule = await RoutingRule.create(
        category=category_row,
        commune=commune_row,
        severity=sev,
        unit=unit_row,
        priority=prio,
        active=bool(active),
    )
    reference.invalidate()
    return await get_rule(rule.id)


async def update_rule(rule_id: int, **changes: Any) -> RoutingRule:
    _unknown(changes, RULE_FIELDS)
    rule = await get_rule(rule_id)
    if "category" in changes:
        rule.category = await _category_by_code(changes["category"])
    if "commune" in changes:
        rule.commune = await _commune_by_code(changes["commune"]) if changes["commune"] else None  # type: ignore[assignment]
    if "severity" in changes:
        rule.severity = _severity(changes["severity"], optional=True)
    if "unit" in changes:
        rule.unit = await _unit_by_code(changes["unit"])
    if "priority" in changes:
        rule.priority = _int(changes["priority"], "priority", low=-1000, high=1000)  # type: ignore[assignment]
    if "active" in changes:
        rule.active = bool(changes["active"])
    await _unique_rule(
        rule.category.id if rule.category else None,
        rule.commune.id if rule.commune else None,
        rule.severity,
        rule.unit.id,
        rule.id,
    )
    await rule.save()
    reference.invalidate()
    return await get_rule(rule.id)


async def delete_rule(rule_id: int) -> None:
    rule = await get_rule(rule_id)
    await rule.delete()
    reference.invalidate()


# --- deadline policies --------------------------------------------------------------------------------

POLICY_FIELDS = {"accept_hours", "answer_days", "progress_days"}


async def list_policies() -> list[DeadlinePolicy]:
    rows = await DeadlinePolicy.all().select_related("category")
    order = {s: n for n, s in enumerate(SEVERITIES)}
    return sorted(
        rows,
        key=lambda p: (
            p.category is not None,
            p.category.name if p.category else "",
            order.get(p.severity, 9),
        ),
    )


async def get_policy(policy_id: int) -> DeadlinePolicy:
    policy = await DeadlinePolicy.get_or_none(id=policy_id).select_related("category")
    if policy is None:
        raise NotFound(f"Không có quy định thời hạn số {policy_id}")
    return policy


def _durations(values: dict[str, Any]) -> dict[str, Any]:
    checked: dict[str, Any] = {}
    if "accept_hours" in values:
        checked["accept_hours"] = _int(values["accept_hours"], "accept_hours", low=1, high=MAX_HOURS)
    if "answer_days" in values:
        checked["answer_days"] = _int(values["answer_days"], "answer_days", low=1, high=MAX_DAYS)
    if "progress_days" in values:
        checked["progress_days"] = _int(
            values["progress_days"], "progress_days", low=1, high=MAX_DAYS, optional=True
        )
    return checked


async def create_policy(
    *,
    severity: str,
    accept_hours: int,
    answer_days: int,
    category: str | None = None,
    progress_days: int | None = None,
) -> DeadlinePolicy:
    category_row = await _category_by_code(category) if category else None
    sev = _severity(severity, optional=False)
    values = _durations(
        {"accept_hours": accept_hours, "answer_days": answer_days, "progress_days": progress_days}
    )
    if await DeadlinePolicy.exists(category=category_row, severity=sev):
        raise Conflict("Đã có quy định thời hạn cho lĩnh vực và mức độ này", field="severity")
    policy = await DeadlinePolicy.create(category=category_row, severity=sev, **values)
    reference.invalidate()
    return await get_policy(policy.id)


async def update_policy(policy_id: int, **changes: Any) -> DeadlinePolicy:
    _unknown(changes, POLICY_FIELDS)
    policy = await get_policy(policy_id)
    for key, value in _durations(changes).items():
        setattr(policy, key, value)
    await policy.save()
    reference.invalidate()
    return policy


async def delete_policy(policy_id: int) -> None:
    policy = await get_policy(policy_id)
    if policy.category_id is None:  # type: ignore[attr-defined]
        raise DomainError("Không xóa được quy định mặc định của một mức độ; hãy sửa nó", field="category")
    await policy.delete()
    reference.invalidate()


# --- calendar exceptions ------------------------------------------------------------------------------


async def list_exceptions(year: int | None = None) -> list[CalendarException]:
    query = CalendarException.all()
    if year:
        query = query.filter(day__gte=date(year, 1, 1), day__lte=date(year, 12, 31))
    return list(await query.order_by("day"))


async def set_exception(*, day: date, working: bool, note: str = "") -> CalendarException:
    if not isinstance(day, date):
        raise DomainError("Ngày không hợp lệ", field="day")
    note = _text(note, "note", max_length=200)
    return await set_calendar_exception(day, working=bool(working), note=note)


async def update_exception(day: date, **changes: Any) -> CalendarException:
    _unknown(changes, {"working", "note"})
    row = await CalendarException.get_or_none(day=day)
    if row is None:
        raise NotFound(f"Không có ngày ngoại lệ {day:%d/%m/%Y}")
    return await set_exception(
        day=day, working=changes.get("working", row.working), note=changes.get("note", row.note)
    )


async def delete_exception(day: date) -> None:
    deleted = await CalendarException.filter(day=day).delete()
    if not deleted:
        raise NotFound(f"Không có ngày ngoại lệ {day:%d/%m/%Y}")
    reference.invalidate()


# --- staff accounts -----------------------------------------------------------------------------------

USER_FIELDS = {"name", "role", "unit", "active", "password"}


async def list_users(
    q: str = "", *, role: str | None = None, unit: str | None = None, limit: int = 50, offset: int = 0
) -> Page[StaffUser]:
    query = StaffUser.all().select_related("unit")
    if role:
        query = query.filter(role=role)
    if unit:
        query = query.filter(unit__code=unit)
    needle = fold(q or "")
    if needle:
        rows = await query.values_list("id", "email", "name")
        query = StaffUser.filter(
            id__in=[i for i, email, name in rows if needle in email or needle in fold(name)]
        ).select_related("unit")
    return await _page(query, limit, offset, "email")


async def get_user(user_id: int) -> StaffUser:
    user = await StaffUser.get_or_none(id=user_id).select_related("unit")
    if user is None:
        raise NotFound(f"Không có tài khoản số {user_id}")
    return user


async def create_user(
    *, email: str, role: str, unit: str | None, password: str, name: str = "", active: bool = True
) -> StaffUser:
    name = _text(name, "name", max_length=200)
    if len(password or "") > 200:
        raise DomainError("Mật khẩu tối đa 200 ký tự", field="password")
    user = await accounts.create_user(
        email=email, role=role, unit_code=unit or None, password=password, name=name
    )
    if not active:
        user.active = False
        await user.save(update_fields=["active"])
    return await get_user(user.id)


async def update_user(user_id: int, *, actor: StaffUser | None = None, **changes: Any) -> StaffUser:
    """Name, role, unit, active and a new password; a deactivated account or a reset password ends the
    account's sessions. A coordinator cannot lock themselves out (deactivate or demote their own account)."""
    _unknown(changes, USER_FIELDS)
    user = await get_user(user_id)
    if "name" in changes:
        user.name = _text(changes["name"], "name", max_length=200)
    if "role" in changes:
        role = _one_of(changes["role"], ROLES, "role", "Vai trò")
        if actor is not None and actor.id == user.id and role != user.role:
            raise DomainError("Không thể tự đổi vai trò của chính mình", field="role")
        user.role = role
    if "unit" in changes:
        user.unit = await _unit_by_code(changes["unit"])
    end_sessions = False
    if "active" in changes:
        active = bool(changes["active"])
        if actor is not None and actor.id == user.id and not active:
            raise DomainError("Không thể tự khóa tài khoản của chính mình", field="active")
        end_sessions = user.active and not active
        user.active = active
    if changes.get("password"):
        password = changes["password"]
        if not 8 <= len(password) <= 200:
            raise DomainError("Mật khẩu cần từ 8 đến 200 ký tự", field="password")
        user.password_hash = accounts._hasher.hash(password)  # noqa: SLF001 - the same argon2id settings
        end_sessions = True
    await user.save()
    if end_sessions:
        await StaffSession.filter(user_id=user.id).delete()
    return await get_user(user.id)


async def counts() -> dict[str, int]:
    """How many rows of each kind, for the administration index."""
    models: dict[str, type[Model]] = {
        "units": Unit,
        "categories": Category,
        "rules": RoutingRule,
        "policies": DeadlinePolicy,
        "calendar": CalendarException,
        "users": StaffUser,
    }
    return {name: await model.all().count() for name, model in models.items()}
