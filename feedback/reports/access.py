"""Who may read which report (SPEC §7): coordinators every unit; a unit's head the own unit with its
sub-units, per officer too; an officer the own unit; nobody else. Pure."""

from __future__ import annotations

from feedback.accounts.models import StaffUser
from feedback.directory.reference import Reference, UnitRef
from feedback.errors import DomainError, Forbidden

READERS = frozenset({"coordinator", "head", "officer"})


def scope_for(user: StaffUser, unit_code: str | None, by: str, ref: Reference) -> UnitRef | None:
    """The unit the user's report covers (None: the whole city, for coordinators), or 403."""
    if user.role not in READERS:
        raise Forbidden("Chỉ lãnh đạo, cán bộ đơn vị và Văn phòng UBND (điều phối) được xem báo cáo")
    wanted = None
    if unit_code:
        wanted = ref.unit_by_code(unit_code)
        if wanted is None:
            raise DomainError(f"Không có đơn vị mã '{unit_code}'", field="unit")
    if user.role == "coordinator":
        return wanted
    own = ref.units.get(user.unit_id) if user.unit_id else None
    if own is None:
        raise Forbidden("Tài khoản chưa gắn với đơn vị nào")
    if user.role == "officer":
        if by == "officer":
            raise Forbidden("Số liệu theo từng cán bộ chỉ dành cho lãnh đạo đơn vị")
        if wanted is not None and wanted.id != own.id:
            raise Forbidden("Cán bộ chỉ xem được báo cáo của đơn vị mình")
        return own
    if wanted is not None and not is_within(ref, wanted, own):
        raise Forbidden("Lãnh đạo đơn vị chỉ xem được báo cáo của đơn vị mình và các đơn vị trực thuộc")
    return wanted or own


def is_within(ref: Reference, unit: UnitRef, ancestor: UnitRef) -> bool:
    """`unit` is `ancestor` or lies under it."""
    current: UnitRef | None = unit
    seen = set()
    while current is not None and current.id not in seen:
        if current.id == ancestor.id:
            return True
        seen.add(current.id)
        current = ref.units.get(current.parent_id) if current.parent_id else None
    return False
