"""What every kind of administered row shares: pages of a list, and finding the rows a body names.

A body names units, categories and communes by code; one that does not exist is refused (422) with
the field that named it, as a form shows it next to that field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tortoise.models import Model

from feedback.accounts.models import Role, StaffUser
from feedback.directory.models import CalendarException, Category, Commune, DeadlinePolicy, RoutingRule, Unit
from feedback.errors import DomainError, Forbidden

T = TypeVar("T")


def require_coordinator(user: StaffUser) -> StaffUser:
    """Only coordinators administer: the API and the pages ask the same question."""
    if user.role != Role.COORDINATOR:
        raise Forbidden("Chỉ điều phối viên (Văn phòng UBND) được quản trị danh mục và tài khoản")
    return user


@dataclass(frozen=True)
class Page(Generic[T]):
    total: int
    items: list[T]


async def page(query: Any, limit: int, offset: int, *order: str) -> Page:
    total = await query.count()
    rows = await query.order_by(*order).offset(offset).limit(limit)
    return Page(total, list(rows))


async def unit_by_code(code: str | None, field: str = "unit") -> Unit:
    unit = await Unit.get_or_none(code=code.strip()) if code else None
    if unit is None:
        raise DomainError(f"Không có đơn vị mã {code!r}", field=field)
    return unit


async def category_by_code(code: str | None, field: str = "category") -> Category:
    category = await Category.get_or_none(code=code.strip()) if code else None
    if category is None:
        raise DomainError(f"Không có lĩnh vực mã {code!r}", field=field)
    return category


async def commune_by_code(code: str, field: str = "commune") -> Commune:
    commune = await Commune.get_or_none(code=code.strip())
    if commune is None:
        raise DomainError(f"Không có xã/phường mã {code!r}", field=field)
    return commune


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
