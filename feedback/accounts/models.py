"""Staff accounts and their login sessions, and the roles an account can have (with their names)."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Role(StrEnum):
    DESK = "desk"
    OFFICER = "officer"
    HEAD = "head"
    COORDINATOR = "coordinator"
    ORGANISER = "organiser"


ROLES: tuple[str, ...] = tuple(Role)
ROLE_NAMES: dict[str, str] = {
    Role.DESK: "Bộ phận Một cửa",
    Role.OFFICER: "Chuyên viên",
    Role.HEAD: "Lãnh đạo đơn vị",
    Role.COORDINATOR: "Điều phối viên",
    Role.ORGANISER: "Tổ chức hội nghị đối thoại",
}


class StaffUser(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    name = fields.CharField(max_length=200, default="")
    password_hash = fields.CharField(max_length=200)
    role = fields.CharField(max_length=12)  # one of ROLES
    unit = fields.ForeignKeyField("models.Unit", related_name="staff")
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "staff_user"


class StaffSession(Model):
    """A bearer token (stored as its SHA-256) that expires."""

    id = fields.BigIntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    user = fields.ForeignKeyField("models.StaffUser", related_name="sessions")
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()

    class Meta:
        table = "staff_session"
