"""A per-process snapshot of the reference data every submission needs.

Units, communes, categories, routing rules, deadline policies and calendar exceptions change a few times
a year but are read on every submission; reading them from the database each time would cost more than
the submission itself. The snapshot is reloaded after `MAX_AGE_SECONDS`, so a coordinator's change made
in another process takes effect within that time, and at once in the process that made it
(`invalidate()`).
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from feedback.directory.calendar import WorkCalendar
from feedback.directory.models import (
    GENERAL_OFFICE_SUFFIX,
    CalendarException,
    Category,
    Commune,
    DeadlinePolicy,
    RoutingRule,
    Unit,
    UnitKind,
)
from feedback.directory.routing import RULE_FIELDS, Rule, route
from feedback.settings import Settings

MAX_AGE_SECONDS = 30.0


@dataclass(frozen=True)
class UnitRef:
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    email: str
    head_email: str
    head_name: str = ""
    requires_approval: bool = False


@dataclass(frozen=True)
class CategoryRef:
    id: int
    code: str
    name: str
    keywords: str


@dataclass(frozen=True)
class CommuneRef:
    id: int
    code: str
    name: str
    unit_id: int | None


@dataclass(frozen=True)
class Policy:
    accept_hours: int
    answer_days: int
    progress_days: int | None


@dataclass(frozen=True)
class Reference:
    units: dict[int, UnitRef]
    categories: dict[str, CategoryRef]
    communes: dict[str, CommuneRef]
    # Rules grouped by category (None: rules for any category), so routing scans a few, not all.
    rules: dict[int | None, tuple[Rule, ...]]
    policies: dict[tuple[int | None, str], Policy]
    calendar: WorkCalendar
    coordinator_id: int
    # Commune id → the unit that receives its items without a field (see GENERAL_OFFICE_SUFFIX).
    general_offices: dict[int, int]
    # A commune's people's committee (unit id) → the commune's id.
    committees: dict[int, int]

    def unit_by_code(self, code: str) -> UnitRef | None:
        return next((u for u in self.units.values() if u.code == code), None)

    def category_by_id(self, category_id: int | None) -> CategoryRef | None:
        return next((c for c in self.categories.values() if c.id == category_id), None)

    def route(self, category_id: int | None, commune_id: int | None, severity: str) -> int:
        """The responsible unit. An item with a place but no field goes to that commune's general office,
        which classifies it; items no rule covers go to the coordinator office for manual routing."""
        if category_id is None:
            return self.general_offices.get(commune_id or 0, self.coordinator_id)
        candidates = self.rules.get(category_id, ()) + self.rules.get(None, ())
        return route(candidates, category_id, commune_id, severity) or self.coordinator_id

    def area_commune(self, unit_id: int) -> int | None:
        """The commune or ward whose area a unit serves: its own, or that of the committee it sits
        under (a ward's office); None for the city's units."""
        unit = self.units.get(unit_id)
        while unit is not None:
            if unit.id in self.committees:
                return self.committees[unit.id]
            unit = self.units.get(unit.parent_id) if unit.parent_id else None
        return None

    def policy(self, category_id: int | None, severity: str) -> Policy:
        return self.policies.get((category_id, severity)) or self.policies[(None, severity)]


_snapshot: tuple[float, object, Reference] | None = None
_lock = asyncio.Lock()


def invalidate() -> None:
    global _snapshot
    _snapshot = None


def _fresh(key: object) -> Reference | None:
    if _snapshot and _snapshot[1] == key and time.monotonic() - _snapshot[0] < MAX_AGE_SECONDS:
        return _snapshot[2]
    return None


async def reference(settings: Settings) -> Reference:
    global _snapshot
    key = (settings.timezone, settings.office_hours)
    if cached := _fresh(key):
        return cached
    async with _lock:
        if cached := _fresh(key):
            return cached
        loaded = await _load(settings)
        _snapshot = (time.monotonic(), key, loaded)
        return loaded


async def _load(settings: Settings) -> Reference:
    units = {
        u.id: UnitRef(
            u.id,
            u.code,
            u.name,
            u.kind,
            u.parent_id,
            u.email,
            u.head_email,
            u.head_name,
            u.requires_approval,
        )
        for u in await Unit.filter(active=True)
    }
    coordinator = next((u for u in units.values() if u.kind == "coordinator"), None)
    if coordinator is None:
        raise RuntimeError("No coordinator office in the database: run `pakn seed` first")
    categories = {
        c.code: CategoryRef(c.id, c.code, c.name, c.keywords) for c in await Category.filter(active=True)
    }
    communes = {c.code: CommuneRef(c.id, c.code, c.name, c.unit_id) for c in await Commune.all()}
    grouped: dict[int | None, list[Rule]] = defaultdict(list)
    for row in await RoutingRule.filter(active=True).values(*RULE_FIELDS):
        if row["unit_id"] in units:
            grouped[row["category_id"]].append(Rule(**row))
    rules = {category_id: tuple(group) for category_id, group in grouped.items()}
    policies = {
        (p.category_id, p.severity): Policy(p.accept_hours, p.answer_days, p.progress_days)
        for p in await DeadlinePolicy.all()
    }
    exceptions = {e.day: e.working for e in await CalendarException.all()}
    general = {
        u.parent_id: u.id
        for u in units.values()
        if u.kind == UnitKind.OFFICE and u.code.endswith(GENERAL_OFFICE_SUFFIX)
    }
    general_offices = {
        c.id: general.get(c.unit_id, c.unit_id) for c in communes.values() if c.unit_id in units
    }
    return Reference(
        units=units,
        categories=categories,
        communes=communes,
        rules=rules,
        policies=policies,
        calendar=WorkCalendar(ZoneInfo(settings.timezone), exceptions, settings.office_hours.periods),
        coordinator_id=coordinator.id,
        general_offices=general_offices,
        committees={c.unit_id: c.id for c in communes.values() if c.unit_id is not None},
    )
