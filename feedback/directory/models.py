"""Reference data: units, communes, categories (fields) and routing rules (who handles what, where),
deadline policies and the calendar's exceptions (how long, and which days count); the kinds of unit
and scopes of category, with their names."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class UnitKind(StrEnum):
    CITY = "city"
    DEPARTMENT = "department"
    COORDINATOR = "coordinator"
    COMMUNE = "commune"
    OFFICE = "office"


class Scope(StrEnum):
    LOCAL = "local"
    SECTORAL = "sectoral"
    OTHER = "other"


UNIT_KINDS: tuple[str, ...] = tuple(UnitKind)
UNIT_KIND_NAMES: dict[str, str] = {
    UnitKind.CITY: "Thành phố",
    UnitKind.DEPARTMENT: "Sở, ngành",
    UnitKind.COORDINATOR: "Văn phòng điều phối",
    UnitKind.COMMUNE: "Xã, phường",
    UnitKind.OFFICE: "Phòng thuộc xã, phường",
}
# The general office of a commune or ward (Văn phòng HĐND và UBND, code "<commune unit>-VP" in
# data/units.json) receives the items that name a place but no field and classifies them: "cấp nào sát
# dân, gần dân thì giao cấp đó". A commune without one gets them at its people's committee.
GENERAL_OFFICE_SUFFIX = "-VP"

CATEGORY_SCOPES: tuple[str, ...] = tuple(Scope)
SCOPE_NAMES: dict[str, str] = {Scope.LOCAL: "Địa phương", Scope.SECTORAL: "Chuyên ngành", Scope.OTHER: "Khác"}


class Unit(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=40, unique=True)
    name = fields.CharField(max_length=200)
    kind = fields.CharField(max_length=20)  # one of UNIT_KINDS
    parent = fields.ForeignKeyField("models.Unit", related_name="children", null=True)
    email = fields.CharField(max_length=254, default="")
    head_email = fields.CharField(max_length=254, default="")
    head_name = fields.CharField(max_length=200, default="")
    # Answers drafted by an officer go out only once the unit head approves them.
    requires_approval = fields.BooleanField(default=False, db_default=False)
    active = fields.BooleanField(default=True)

    class Meta:
        table = "unit"


class Commune(Model):
    """A commune or ward (xã/phường), with the unit of its people committee (UBND)."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=10, unique=True)
    name = fields.CharField(max_length=120)
    name_folded = fields.CharField(max_length=120, db_index=True)
    kind = fields.CharField(max_length=10)  # phường | xã
    unit = fields.ForeignKeyField("models.Unit", related_name="communes", null=True)

    class Meta:
        table = "commune"


class Category(Model):
    """A field (lĩnh vực) of feedback, with the folded keywords that suggest it from free text."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=40, unique=True)
    name = fields.CharField(max_length=160)
    keywords = fields.TextField(default="")
    scope = fields.CharField(max_length=12, default="other")  # one of CATEGORY_SCOPES
    active = fields.BooleanField(default=True)

    class Meta:
        table = "category"


class RoutingRule(Model):
    """(category?, commune?, severity?) -> unit: the most specific match wins, ties by priority."""

    id = fields.IntField(primary_key=True)
    category = fields.ForeignKeyField("models.Category", related_name="rules", null=True)
    commune = fields.ForeignKeyField("models.Commune", related_name="rules", null=True)
    severity = fields.CharField(max_length=10, null=True)
    unit = fields.ForeignKeyField("models.Unit", related_name="rules")
    priority = fields.IntField(default=0)
    active = fields.BooleanField(default=True)

    class Meta:
        table = "routing_rule"
        unique_together = (("category", "commune", "severity", "unit"),)


class DeadlinePolicy(Model):
    """How long a unit has: per severity, optionally per category (a category rule beats the default)."""

    id = fields.IntField(primary_key=True)
    category = fields.ForeignKeyField("models.Category", related_name="policies", null=True)
    severity = fields.CharField(max_length=10)
    accept_hours = fields.IntField()
    answer_days = fields.IntField()
    progress_days = fields.IntField(null=True)

    class Meta:
        table = "deadline_policy"
        unique_together = (("category", "severity"),)


class CalendarException(Model):
    """A correction of the calendar by a coordinator: an extra day off or an extra working day."""

    id = fields.IntField(primary_key=True)
    day = fields.DateField(unique=True)
    working = fields.BooleanField()
    note = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "calendar_exception"
