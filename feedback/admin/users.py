"""Staff accounts. The body's values are checked (`admin.schemas`); `accounts.services.create_user`
keeps the rules every way of creating an account shares (the CLI too). Here: the unit exists, a
coordinator cannot lock themselves out, and a lock or a new password ends the account's sessions."""

from __future__ import annotations

from feedback.accounts import services as accounts
from feedback.accounts.models import StaffSession, StaffUser
from feedback.admin.common import Page, page, unit_by_code
from feedback.admin.schemas import UserIn, UserPatch, changes
from feedback.errors import DomainError, NotFound
from feedback.text import fold


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
    return await page(query, limit, offset, "email")


async def get_user(user_id: int) -> StaffUser:
    user = await StaffUser.get_or_none(id=user_id).select_related("unit")
    if user is None:
        raise NotFound(f"Không có tài khoản số {user_id}")
    return user


async def create_user(body: UserIn) -> StaffUser:
    user = await accounts.create_user(
        email=body.email,
        role=str(body.role),
        unit_code=body.unit or None,
        password=body.password,
        name=body.name.strip(),
    )
    if not body.active:
        user.active = False
        await user.save(update_fields=["active"])
    return await get_user(user.id)


def _not_myself(actor: StaffUser | None, user: StaffUser, values: dict) -> None:
    """A coordinator cannot lock themselves out: deactivate or demote their own account."""
    if actor is None or actor.id != user.id:
        return
    if values.get("role", user.role) != user.role:
        raise DomainError("Không thể tự đổi vai trò của chính mình", field="role")
    if not values.get("active", True):
        raise DomainError("Không thể tự khóa tài khoản của chính mình", field="active")


async def update_user(user_id: int, body: UserPatch, *, actor: StaffUser | None = None) -> StaffUser:
    """Name, role, unit, active and a new password; a deactivated account or a reset password ends the
    account's sessions."""
    values = changes(body)
    user = await get_user(user_id)
    _not_myself(actor, user, values)
    end_sessions = user.active and not values.get("active", True)
    if "name" in values:
        user.name = values["name"].strip()
    if "role" in values:
        user.role = str(values["role"])
    if "unit" in values:
        user.unit = await unit_by_code(values["unit"])
    if "active" in values:
        user.active = values["active"]
    if "password" in values:
        user.password_hash = accounts.hash_password(values["password"])
        end_sessions = True
    await user.save()
    if end_sessions:
        await StaffSession.filter(user_id=user.id).delete()
    return await get_user(user.id)
