"""Units: the tree of who handles feedback. The body's values are checked (`admin.schemas`); here only
what needs the database: a code used once, a parent that exists and is not the unit itself or one of
its own sub-units, and an active coordinator office that always remains.

Every change refreshes this process's reference snapshot, so routing uses it at once.
"""

from __future__ import annotations

from feedback.admin.common import Page, page, unit_by_code
from feedback.admin.schemas import UnitIn, UnitPatch, changes
from feedback.directory import reference
from feedback.directory.models import Unit, UnitKind
from feedback.errors import Conflict, DomainError, NotFound
from feedback.text import fold


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
    return await page(query.select_related("parent"), limit, offset, "code")


async def get_unit(code: str) -> Unit:
    unit = await Unit.get_or_none(code=code).select_related("parent")
    if unit is None:
        raise NotFound(f"Không có đơn vị mã {code!r}")
    return unit


async def _parent(code: str | None, unit: Unit | None) -> Unit | None:
    if not code:
        return None
    parent = await unit_by_code(code, "parent")
    if unit is not None:
        # Walk up from the new parent: meeting the unit itself would make a loop in the tree.
        current: Unit | None = parent
        seen: set[int] = set()
        while current is not None and current.id not in seen:
            if current.id == unit.id:
                raise DomainError("Một đơn vị không thể là cấp trên của chính nó", field="parent")
            seen.add(current.id)
            parent_id = current.parent_id
            current = await Unit.get_or_none(id=parent_id) if parent_id else None
    return parent


async def _keep_coordinator(unit: Unit, kind: str, active: bool) -> None:
    """Items nobody routes go to the coordinator office: there must always be an active one."""
    if unit.kind == UnitKind.COORDINATOR and unit.active and (kind != UnitKind.COORDINATOR or not active):
        others = await Unit.filter(kind=UnitKind.COORDINATOR, active=True).exclude(id=unit.id).exists()
        if not others:
            raise DomainError(
                "Phải luôn có một văn phòng điều phối đang hoạt động để nhận phản ánh chưa phân loại",
                field="active" if kind == UnitKind.COORDINATOR else "kind",
            )


async def create_unit(body: UnitIn) -> Unit:
    values = changes(body)
    code = values.pop("code").strip()
    parent = await _parent(values.pop("parent"), None)
    if await Unit.exists(code=code):
        raise Conflict(f"Đã có đơn vị mã {code}", field="code")
    await Unit.create(code=code, parent=parent, **_normalised(values))
    reference.invalidate()
    return await get_unit(code)


async def update_unit(code: str, body: UnitPatch) -> Unit:
    values = changes(body)
    unit = await get_unit(code)
    await _keep_coordinator(unit, values.get("kind", unit.kind), values.get("active", unit.active))
    if "parent" in values:
        unit.parent = await _parent(values.pop("parent"), unit)
    unit.update_from_dict(_normalised(values))
    await unit.save()
    reference.invalidate()
    return await get_unit(code)


def _normalised(values: dict) -> dict:
    """Names without surrounding spaces, addresses in lower case: as they are compared."""
    for key in ("name", "head_name"):
        if key in values:
            values[key] = values[key].strip()
    for key in ("email", "head_email"):
        if key in values:
            values[key] = values[key].strip().lower()
    if "kind" in values:
        values["kind"] = str(values["kind"])
    return values
