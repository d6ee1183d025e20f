"""The coordinator dashboard's figures: items by status now, and open overdue items by unit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from feedback import db
from feedback.items.vocabulary import STATUSES, overdue_sql

_BY_STATUS = "SELECT status, COUNT(*) AS n FROM feedback_item GROUP BY status"
_OVERDUE_BY_UNIT = (
    "SELECT u.code AS code, u.name AS name, COUNT(*) AS n"
    " FROM feedback_item i JOIN unit u ON u.id = i.unit_id"
    f" WHERE {overdue_sql('$1')}"
    " GROUP BY u.code, u.name ORDER BY n DESC, u.code"
)


@dataclass(frozen=True)
class UnitCount:
    code: str
    name: str
    n: int


@dataclass(frozen=True)
class Dashboard:
    by_status: dict[str, int]  # every status, zero included
    overdue_by_unit: list[UnitCount]  # units with open overdue items, most first

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def overdue_total(self) -> int:
        return sum(u.n for u in self.overdue_by_unit)


async def dashboard(now: datetime) -> Dashboard:
    counts = {row["status"]: int(row["n"]) for row in await db.fetch(_BY_STATUS)}
    return Dashboard(
        by_status={status: counts.get(status, 0) for status in STATUSES},
        overdue_by_unit=[
            UnitCount(r["code"], r["name"], int(r["n"])) for r in await db.fetch(_OVERDUE_BY_UNIT, now)
        ],
    )
