"""The administration API for coordinators: `/api/v1/admin/...`.

Lists take `limit`/`offset` (and `q` where a list is long); POST creates, PATCH changes the fields it
sends (codes never change). Every change goes through `feedback.admin.services`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, QueryParameter
from msgspec import UNSET, Meta, Struct, UnsetType

from feedback.accounts.api import current_user
from feedback.accounts.models import StaffUser
from feedback.admin import services
from feedback.directory.models import CalendarException, Category, DeadlinePolicy, RoutingRule, Unit
from feedback.errors import Forbidden

Code = Annotated[str, Meta(min_length=1, max_length=40)]
Name = Annotated[str, Meta(max_length=200)]
Email = Annotated[str, Meta(max_length=254)]
Query = Annotated[str | None, QueryParameter(max_length=100)]
Limit = Annotated[int, QueryParameter(ge=1, le=500)]
Offset = Annotated[int, QueryParameter(ge=0)]


async def coordinator(request: Request) -> StaffUser:
    """The caller, who must be a coordinator."""
    user = await current_user(request)
    if user.role != "coordinator":
        raise Forbidden("Chỉ điều phối viên (Văn phòng UBND) được quản trị danh mục và tài khoản")
    return user


def _changes(data: JSONBody[Struct]) -> dict[str, Any]:
    return {f: v for f in data.__struct_fields__ if (v := getattr(data, f)) is not UNSET}


# --- bodies and answers -------------------------------------------------------------------------------


class UnitIn(Struct, forbid_unknown_fields=True):
    code: Code
    name: Name
    kind: str
    parent: Code | None = None
    email: Email = ""
    head_email: Email = ""
    head_name: Name = ""
    requires_approval: bool = False
    active: bool = True


class UnitPatch(Struct, forbid_unknown_fields=True):
    name: Name | UnsetType = UNSET
    kind: str | UnsetType = UNSET
    parent: Code | None | UnsetType = UNSET
    email: Email | UnsetType = UNSET
    head_email: Email | UnsetType = UNSET
    head_name: Name | UnsetType = UNSET
    requires_approval: bool | UnsetType = UNSET
    active: bool | UnsetType = UNSET


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
        parent = u.parent.code if u.parent else None  # type: ignore[union-attr]
        return cls(
            u.code, u.name, u.kind, parent, u.email, u.head_email, u.head_name, u.requires_approval, u.active
        )


class CategoryIn(Struct, forbid_unknown_fields=True):
    code: Code
    name: Annotated[str, Meta(max_length=160)]
    keywords: list[Annotated[str, Meta(max_length=200)]] = []
    scope: str = "other"
    active: bool = True


class CategoryPatch(Struct, forbid_unknown_fields=True):
    name: Annotated[str, Meta(max_length=160)] | UnsetType = UNSET
    keywords: list[Annotated[str, Meta(max_length=200)]] | UnsetType = UNSET
    scope: str | UnsetType = UNSET
    active: bool | UnsetType = UNSET


class CategoryOut(Struct):
    code: str
    name: str
    keywords: list[str]
    scope: str
    active: bool

    @classmethod
    def of(cls, c: Category) -> CategoryOut:
        return cls(c.code, c.name, services.keyword_list(c), c.scope, c.active)


class RuleIn(Struct, forbid_unknown_fields=True):
    category: Code
    unit: Code
    commune: Code | None = None
    severity: str | None = None
    priority: int = 0
    active: bool = True


class RulePatch(Struct, forbid_unknown_fields=True):
    category: Code | UnsetType = UNSET
    unit: Code | UnsetType = UNSET
    commune: Code | None | UnsetType = UNSET
    severity: str | None | UnsetType = UNSET
    priority: int | UnsetType = UNSET
    active: bool | UnsetType = UNSET


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
            r.category.code if r.category else None,  # type: ignore[union-attr]
            r.commune.code if r.commune else None,  # type: ignore[union-attr]
            r.severity,
            r.unit.code,
            r.priority,
            r.active,
        )


class PolicyIn(Struct, forbid_unknown_fields=True):
    severity: str
    accept_hours: int
    answer_days: int
    category: Code | None = None
    progress_days: int | None = None


class PolicyPatch(Struct, forbid_unknown_fields=True):
    accept_hours: int | UnsetType = UNSET
    answer_days: int | UnsetType = UNSET
    progress_days: int | None | UnsetType = UNSET


class PolicyOut(Struct):
    id: int
    category: str | None
    severity: str
    accept_hours: int
    answer_days: int
    progress_days: int | None

    @classmethod
    def of(cls, p: DeadlinePolicy) -> PolicyOut:
        category = p.category.code if p.category else None  # type: ignore[union-attr]
        return cls(p.id, category, p.severity, p.accept_hours, p.answer_days, p.progress_days)


class ExceptionIn(Struct, forbid_unknown_fields=True):
    day: date
    working: bool
    note: Annotated[str, Meta(max_length=200)] = ""


class ExceptionPatch(Struct, forbid_unknown_fields=True):
    working: bool | UnsetType = UNSET
    note: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET


class ExceptionOut(Struct):
    day: date
    working: bool
    note: str

    @classmethod
    def of(cls, e: CalendarException) -> ExceptionOut:
        return cls(e.day, e.working, e.note)


class UserIn(Struct, forbid_unknown_fields=True):
    email: Email
    role: str
    password: Annotated[str, Meta(max_length=200)]
    unit: Code | None = None
    name: Name = ""
    active: bool = True


class UserPatch(Struct, forbid_unknown_fields=True):
    name: Name | UnsetType = UNSET
    role: str | UnsetType = UNSET
    unit: Code | UnsetType = UNSET
    active: bool | UnsetType = UNSET
    # A new password (reset); the account's sessions end.
    password: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET


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
        page = await services.list_units(q or "", kind=kind, parent=parent, limit=limit, offset=offset)
        return UnitPage(page.total, limit, offset, [UnitOut.of(u) for u in page.items])

    @get("/units/{code:str}")
    async def unit(self, user: NamedDependency[StaffUser], code: FromPath[str]) -> UnitOut:
        return UnitOut.of(await services.get_unit(code))

    @post("/units")
    async def create_unit(self, user: NamedDependency[StaffUser], data: JSONBody[UnitIn]) -> UnitOut:
        return UnitOut.of(await services.create_unit(**_changes(data)))

    @patch("/units/{code:str}")
    async def update_unit(
        self, user: NamedDependency[StaffUser], code: FromPath[str], data: JSONBody[UnitPatch]
    ) -> UnitOut:
        return UnitOut.of(await services.update_unit(code, **_changes(data)))

    # categories
    @get("/categories")
    async def categories(
        self, user: NamedDependency[StaffUser], q: Query = None, limit: Limit = 100, offset: Offset = 0
    ) -> CategoryPage:
        page = await services.list_categories(q or "", limit=limit, offset=offset)
        return CategoryPage(page.total, limit, offset, [CategoryOut.of(c) for c in page.items])

    @get("/categories/{code:str}")
    async def category(self, user: NamedDependency[StaffUser], code: FromPath[str]) -> CategoryOut:
        return CategoryOut.of(await services.get_category(code))

    @post("/categories")
    async def create_category(
        self, user: NamedDependency[StaffUser], data: JSONBody[CategoryIn]
    ) -> CategoryOut:
        return CategoryOut.of(await services.create_category(**_changes(data)))

    @patch("/categories/{code:str}")
    async def update_category(
        self, user: NamedDependency[StaffUser], code: FromPath[str], data: JSONBody[CategoryPatch]
    ) -> CategoryOut:
        return CategoryOut.of(await services.update_category(code, **_changes(data)))

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
        page = await services.list_rules(
            category=category, commune=commune, unit=unit, limit=limit, offset=offset
        )
        return RulePage(page.total, limit, offset, [RuleOut.of(r) for r in page.items])

    @get("/rules/{rule_id:int}")
    async def rule(self, user: NamedDependency[StaffUser], rule_id: FromPath[int]) -> RuleOut:
        return RuleOut.of(await services.get_rule(rule_id))

    @post("/rules")
    async def create_rule(self, user: NamedDependency[StaffUser], data: JSONBody[RuleIn]) -> RuleOut:
        return RuleOut.of(await services.create_rule(**_changes(data)))

    @patch("/rules/{rule_id:int}")
    async def update_rule(
        self, user: NamedDependency[StaffUser], rule_id: FromPath[int], data: JSONBody[RulePatch]
    ) -> RuleOut:
        return RuleOut.of(await services.update_rule(rule_id, **_changes(data)))

    @delete("/rules/{rule_id:int}", status_code=204)
    async def delete_rule(self, user: NamedDependency[StaffUser], rule_id: FromPath[int]) -> None:
        await services.delete_rule(rule_id)

    # deadline policies
    @get("/policies")
    async def policies(self, user: NamedDependency[StaffUser]) -> list[PolicyOut]:
        return [PolicyOut.of(p) for p in await services.list_policies()]

    @post("/policies")
    async def create_policy(self, user: NamedDependency[StaffUser], data: JSONBody[PolicyIn]) -> PolicyOut:
        return PolicyOut.of(await services.create_policy(**_changes(data)))

    @patch("/policies/{policy_id:int}")
    async def update_policy(
        self, user: NamedDependency[StaffUser], policy_id: FromPath[int], data: JSONBody[PolicyPatch]
    ) -> PolicyOut:
        return PolicyOut.of(await services.update_policy(policy_id, **_changes(data)))

    @delete("/policies/{policy_id:int}", status_code=204)
    async def delete_policy(self, user: NamedDependency[StaffUser], policy_id: FromPath[int]) -> None:
        """Only a category's own policy; the default per severity can be changed, not deleted."""
        await services.delete_policy(policy_id)

    # calendar exceptions
    @get("/calendar")
    async def calendar(
        self,
        user: NamedDependency[StaffUser],
        year: Annotated[int | None, QueryParameter(ge=1900, le=2200)] = None,
    ) -> list[ExceptionOut]:
        return [ExceptionOut.of(e) for e in await services.list_exceptions(year)]

    @post("/calendar")
    async def set_exception(
        self, user: NamedDependency[StaffUser], data: JSONBody[ExceptionIn]
    ) -> ExceptionOut:
        """Declare a day an extra day off (`working: false`) or an extra working day; replaces any
        exception already set for that day. Deadlines set from now on count it."""
        return ExceptionOut.of(await services.set_exception(**_changes(data)))

    @patch("/calendar/{day:date}")
    async def update_exception(
        self, user: NamedDependency[StaffUser], day: FromPath[date], data: JSONBody[ExceptionPatch]
    ) -> ExceptionOut:
        return ExceptionOut.of(await services.update_exception(day, **_changes(data)))

    @delete("/calendar/{day:date}", status_code=204)
    async def delete_exception(self, user: NamedDependency[StaffUser], day: FromPath[date]) -> None:
        await services.delete_exception(day)

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
        page = await services.list_users(q or "", role=role, unit=unit, limit=limit, offset=offset)
        return UserPage(page.total, limit, offset, [UserOut.of(u) for u in page.items])

    @get("/users/{user_id:int}")
    async def user_detail(self, user: NamedDependency[StaffUser], user_id: FromPath[int]) -> UserOut:
        return UserOut.of(await services.get_user(user_id))

    @post("/users")
    async def create_user(self, user: NamedDependency[StaffUser], data: JSONBody[UserIn]) -> UserOut:
        return UserOut.of(await services.create_user(**_changes(data)))

    @patch("/users/{user_id:int}")
    async def update_user(
        self, user: NamedDependency[StaffUser], user_id: FromPath[int], data: JSONBody[UserPatch]
    ) -> UserOut:
        return UserOut.of(await services.update_user(user_id, actor=user, **_changes(data)))
