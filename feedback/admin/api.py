"""The administration API for coordinators: `/api/v1/admin/...`.

Lists take `limit`/`offset` (and `q` where a list is long); POST creates, PATCH changes the fields it
sends (codes never change). The bodies are `admin.schemas`' Structs, which the pages use too; every
change goes through the service of its kind (`admin.units`, `admin.categories`, ...).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ValidationException
from litestar.params import FromPath, JSONBody, QueryParameter
from msgspec import Struct

from feedback.accounts.api import current_user
from feedback.accounts.models import StaffUser
from feedback.admin import calendar, categories, policies, rules, schemas, units, users
from feedback.admin.common import require_coordinator
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
from feedback.directory.models import CalendarException, Category, DeadlinePolicy, RoutingRule, Unit

Query = Annotated[str | None, QueryParameter(max_length=100)]
Limit = Annotated[int, QueryParameter(ge=1, le=500)]
Offset = Annotated[int, QueryParameter(ge=0)]


async def coordinator(request: Request) -> StaffUser:
    """The caller, who must be a coordinator."""
    return require_coordinator(await current_user(request))


def _refused(request: Request, exc: ValidationException) -> Response:
    """A value outside its field's limits is a 422 naming the field, in the words the pages use; a body
    of the wrong shape stays Litestar's 400."""
    errors = exc.extra if isinstance(exc.extra, list) else []
    for error in errors:
        if isinstance(error, dict) and error.get("source") == "body":
            refusal = schemas.refusal(str(error.get("key", "")), str(error.get("message", "")))
            if refusal is not None:
                body = {"status_code": 422, "detail": refusal.message, "field": refusal.field}
                return Response(body, status_code=422)
    return Response({"status_code": 400, "detail": exc.detail, "extra": exc.extra}, status_code=400)


# --- answers -----------------------------------------------------------------------------------------


class UnitOut(Struct):
    code: str
    name: str
    kind: str
    parent: str | None
    email: str
    head_email: str
    head_name: str
    requires_approval: bool
    active: bool

    @classmethod
    def of(cls, u: Unit) -> UnitOut:
        parent = u.parent.code if u.parent else None
        return cls(
            u.code, u.name, u.kind, parent, u.email, u.head_email, u.head_name, u.requires_approval, u.active
        )


class CategoryOut(Struct):
    code: str
    name: str
    keywords: list[str]
    scope: str
    active: bool

    @classmethod
    def of(cls, c: Category) -> CategoryOut:
        return cls(c.code, c.name, categories.keyword_list(c), c.scope, c.active)


class RuleOut(Struct):
    id: int
    category: str | None
    commune: str | None
    severity: str | None
    unit: str
    priority: int
    active: bool

    @classmethod
    def of(cls, r: RoutingRule) -> RuleOut:
        return cls(
            r.id,
            r.category.code if r.category else None,
            r.commune.code if r.commune else None,
            r.severity,
            r.unit.code,
            r.priority,
            r.active,
        )


class PolicyOut(Struct):
    id: int
    category: str | None
    severity: str
    accept_hours: int
    answer_days: int
    progress_days: int | None

    @classmethod
    def of(cls, p: DeadlinePolicy) -> PolicyOut:
        category = p.category.code if p.category else None
        return cls(p.id, category, p.severity, p.accept_hours, p.answer_days, p.progress_days)


class ExceptionOut(Struct):
    day: date
    working: bool
    note: str

    @classmethod
    def of(cls, e: CalendarException) -> ExceptionOut:
        return cls(e.day, e.working, e.note)


class UserOut(Struct):
    id: int
    email: str
    name: str
    role: str
    unit: str
    active: bool
    created_at: datetime

    @classmethod
    def of(cls, u: StaffUser) -> UserOut:
        return cls(u.id, u.email, u.name, u.role, u.unit.code, u.active, u.created_at)


class UnitPage(Struct):
    total: int
    limit: int
    offset: int
    items: list[UnitOut]


class CategoryPage(Struct):
    total: int
    limit: int
    offset: int
    items: list[CategoryOut]


class RulePage(Struct):
    total: int
    limit: int
    offset: int
    items: list[RuleOut]


class UserPage(Struct):
    total: int
    limit: int
    offset: int
    items: list[UserOut]


# --- the controller -----------------------------------------------------------------------------------


class AdminController(Controller):
    path = "/api/v1/admin"
    tags = ["admin"]
    dependencies = {"user": Provide(coordinator)}
    exception_handlers = {ValidationException: _refused}

    # units
    @get("/units")
    async def units(
        self,
        user: NamedDependency[StaffUser],
        q: Query = None,
        kind: Query = None,
        parent: Query = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> UnitPage:
        """Units whose code or name contains `q` (with or without diacritics); `kind`, `parent` filter."""
        page = await units.list_units(q or "", kind=kind, parent=parent, limit=limit, offset=offset)
        return UnitPage(page.total, limit, offset, [UnitOut.of(u) for u in page.items])

    @get("/units/{code:str}")
    async def unit(self, user: NamedDependency[StaffUser], code: FromPath[str]) -> UnitOut:
        return UnitOut.of(await units.get_unit(code))

    @post("/units")
    async def create_unit(self, user: NamedDependency[StaffUser], data: JSONBody[UnitIn]) -> UnitOut:
        return UnitOut.of(await units.create_unit(data))

    @patch("/units/{code:str}")
    async def update_unit(
        self, user: NamedDependency[StaffUser], code: FromPath[str], data: JSONBody[UnitPatch]
    ) -> UnitOut:
        return UnitOut.of(await units.update_unit(code, data))

    # categories
    @get("/categories")
    async def categories(
        self, user: NamedDependency[StaffUser], q: Query = None, limit: Limit = 100, offset: Offset = 0
    ) -> CategoryPage:
        page = await categories.list_categories(q or "", limit=limit, offset=offset)
        return CategoryPage(page.total, limit, offset, [CategoryOut.of(c) for c in page.items])

    @get("/categories/{code:str}")
    async def category(self, user: NamedDependency[StaffUser], code: FromPath[str]) -> CategoryOut:
        return CategoryOut.of(await categories.get_category(code))

    @post("/categories")
    async def create_category(
        self, user: NamedDependency[StaffUser], data: JSONBody[CategoryIn]
    ) -> CategoryOut:
        return CategoryOut.of(await categories.create_category(data))

    @patch("/categories/{code:str}")
    async def update_category(
        self, user: NamedDependency[StaffUser], code: FromPath[str], data: JSONBody[CategoryPatch]
    ) -> CategoryOut:
        return CategoryOut.of(await categories.update_category(code, data))

    # routing rules
    @get("/rules")
    async def rules(
        self,
        user: NamedDependency[StaffUser],
        category: Query = None,
        commune: Query = None,
        unit: Query = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> RulePage:
        """Rules, filtered by category, commune and unit codes."""
        page = await rules.list_rules(
            category=category, commune=commune, unit=unit, limit=limit, offset=offset
        )
        return RulePage(page.total, limit, offset, [RuleOut.of(r) for r in page.items])

    @get("/rules/{rule_id:int}")
    async def rule(self, user: NamedDependency[StaffUser], rule_id: FromPath[int]) -> RuleOut:
        return RuleOut.of(await rules.get_rule(rule_id))

    @post("/rules")
    async def create_rule(self, user: NamedDependency[StaffUser], data: JSONBody[RuleIn]) -> RuleOut:
        return RuleOut.of(await rules.create_rule(data))

    @patch("/rules/{rule_id:int}")
    async def update_rule(
        self, user: NamedDependency[StaffUser], rule_id: FromPath[int], data: JSONBody[RulePatch]
    ) -> RuleOut:
        return RuleOut.of(await rules.update_rule(rule_id, data))

    @delete("/rules/{rule_id:int}", status_code=204)
    async def delete_rule(self, user: NamedDependency[StaffUser], rule_id: FromPath[int]) -> None:
        await rules.delete_rule(rule_id)

    # deadline policies
    @get("/policies")
    async def policies(self, user: NamedDependency[StaffUser]) -> list[PolicyOut]:
        return [PolicyOut.of(p) for p in await policies.list_policies()]

    @post("/policies")
    async def create_policy(self, user: NamedDependency[StaffUser], data: JSONBody[PolicyIn]) -> PolicyOut:
        return PolicyOut.of(await policies.create_policy(data))

    @patch("/policies/{policy_id:int}")
    async def update_policy(
        self, user: NamedDependency[StaffUser], policy_id: FromPath[int], data: JSONBody[PolicyPatch]
    ) -> PolicyOut:
        return PolicyOut.of(await policies.update_policy(policy_id, data))

    @delete("/policies/{policy_id:int}", status_code=204)
    async def delete_policy(self, user: NamedDependency[StaffUser], policy_id: FromPath[int]) -> None:
        """Only a category's own policy; the default per severity can be changed, not deleted."""
        await policies.delete_policy(policy_id)

    # calendar exceptions
    @get("/calendar")
    async def calendar(
        self,
        user: NamedDependency[StaffUser],
        year: Annotated[int | None, QueryParameter(ge=1900, le=2200)] = None,
    ) -> list[ExceptionOut]:
        return [ExceptionOut.of(e) for e in await calendar.list_exceptions(year)]

    @post("/calendar")
    async def set_exception(
        self, user: NamedDependency[StaffUser], data: JSONBody[ExceptionIn]
    ) -> ExceptionOut:
        """Declare a day an extra day off (`working: false`) or an extra working day; replaces any
        exception already set for that day. Deadlines set from now on count it."""
        return ExceptionOut.of(await calendar.set_exception(data))

    @patch("/calendar/{day:date}")
    async def update_exception(
        self, user: NamedDependency[StaffUser], day: FromPath[date], data: JSONBody[ExceptionPatch]
    ) -> ExceptionOut:
        return ExceptionOut.of(await calendar.update_exception(day, data))

    @delete("/calendar/{day:date}", status_code=204)
    async def delete_exception(self, user: NamedDependency[StaffUser], day: FromPath[date]) -> None:
        await calendar.delete_exception(day)

    # staff accounts
    @get("/users")
    async def users(
        self,
        user: NamedDependency[StaffUser],
        q: Query = None,
        role: Query = None,
        unit: Query = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> UserPage:
        page = await users.list_users(q or "", role=role, unit=unit, limit=limit, offset=offset)
        return UserPage(page.total, limit, offset, [UserOut.of(u) for u in page.items])

    @get("/users/{user_id:int}")
    async def user_detail(self, user: NamedDependency[StaffUser], user_id: FromPath[int]) -> UserOut:
        return UserOut.of(await users.get_user(user_id))

    @post("/users")
    async def create_user(self, user: NamedDependency[StaffUser], data: JSONBody[UserIn]) -> UserOut:
        return UserOut.of(await users.create_user(data))

    @patch("/users/{user_id:int}")
    async def update_user(
        self, user: NamedDependency[StaffUser], user_id: FromPath[int], data: JSONBody[UserPatch]
    ) -> UserOut:
        return UserOut.of(await users.update_user(user_id, data, actor=user))
