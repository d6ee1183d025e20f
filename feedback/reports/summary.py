"""A report as plain data: `summary(period, by=…, scope=…)` → rows and a total of figures.Figures, and
`items(…)`, the items behind one number. Pages, the API, exports, the CLI and e-mails call these.

The counting is set-based (feedback/reports/query.py: five statements per period, or per month with
`by=month`; on PostgreSQL on two connections at once that share one snapshot); this module only names the
keys and rolls units up their tree.
"""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import TransactionalDBClient
from tortoise.transactions import in_transaction

from feedback import db
from feedback.accounts.models import StaffUser
from feedback.directory.reference import Reference, UnitRef
from feedback.items.vocabulary import CHANNEL_NAMES
from feedback.reports import keys, query
from feedback.reports.figures import Figures
from feedback.reports.periods import Period

# PostgreSQL's JIT compiled a report's statement for 5 s to run it in 2 (bench/README.md); the
# per-item tables are sorted and hashed in memory rather than on disk; the timeline is in memory, so an
# index lookup costs about what a sequential read does.
_PLANNER = ("SET LOCAL jit = off", "SET LOCAL work_mem = '256MB'", "SET LOCAL random_page_cost = 1.1")
# The statements of one report read one snapshot, even on several connections (_concurrently).
_SNAPSHOT_LEVEL = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
_SNAPSHOT_ID = re.compile(r"[0-9A-F]+-[0-9A-F]+-[0-9]+")
# The replayed items are few (those changed after the period, merged ones): each is looked up by key.
# Left to itself, the planner hashed the whole timeline three times for them (7 s at a million items).
_LOOKUPS = ("SET LOCAL enable_hashjoin = off", "SET LOCAL enable_mergejoin = off")
BY = ("unit", "category", "channel", "commune", "month", "officer")
NO_KEY = keys.NO_KEY  # the name of the row without a key


@dataclass(frozen=True)
class Key:
    code: str | None
    name: str
    level: int = 1  # units: depth below the report's unit (1 = its direct sub-units)
    parent: str | None = None
    ident: Any = None  # the key the counts grouped by (an id, a channel; None: no key), not exported

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "level": self.level, "parent": self.parent}


@dataclass
class Row:
    key: Key
    figures: Figures

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key.as_dict(), **self.figures.as_dict()}


@dataclass
class Report:
    period: Period
    by: str
    unit: UnitRef | None  # the unit reported on (with its sub-units); None: the whole city
    rows: list[Row] = field(default_factory=list)
    total: Figures = field(default_factory=Figures)

    @property
    def title_unit(self) -> str:
        return self.unit.name if self.unit else "Toàn thành phố"

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
            "by": self.by,
            "unit": {"code": self.unit.code, "name": self.unit.name} if self.unit else None,
            "rows": [row.as_dict() for row in self.rows],
            "total": self.total.as_dict(),
        }


def subtree(ref: Reference, unit: UnitRef) -> tuple[int, ...]:
    """The unit and every unit under it."""
    children = _children(ref)
    found, todo = [], [unit.id]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, ()))
    return tuple(sorted(found))


def _children(ref: Reference) -> dict[int | None, list[int]]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for unit in sorted(ref.units.values(), key=lambda u: u.id):
        children[unit.parent_id].append(unit.id)
    return children


async def summary(
    period: Period, *, by: str = "unit", scope: UnitRef | None = None, ref: Reference, depth: int = 1
) -> Report:
    """The figures of `period` for `scope` (a unit with its sub-units; None: everything), by `by`.

    by=unit lists the units down to `depth` levels under the scope (each with its sub-units' figures)
    and, when the scope unit handled items itself, a row for those; the other groupings list their keys.
    """
    if by not in BY:
        raise ValueError(f"unknown grouping {by!r}")
    ids = subtree(ref, scope) if scope else None
    report = Report(period, by, scope)
    if by == "month":
        report.rows = await months(period, scope=scope, ref=ref)
        report.total = (await counts(period, "none", ids, ref)).get(None, Figures())
        return report
    found = await counts(period, by, ids, ref)
    if by == "unit":
        report.rows, report.total = _unit_rows(ref, found, scope, depth)
    else:
        names = await _names(by, [k for k in found if k is not None], ref)
        report.rows = sorted(
            (Row(Key(*names.get(k, (None, NO_KEY[by])), ident=k), f) for k, f in found.items()),
            key=lambda row: (row.key.code is None, row.key.name),
        )
        report.total = Figures.sum(found.values())
    return report


async def months(period: Period, *, scope: UnitRef | None = None, ref: Reference) -> list[Row]:
    """One row per calendar month of `period`, each as of its own end (the rows of by=month, without
    the whole period's total, which a 12-month trend does not show: a year's report saved)."""
    ids = subtree(ref, scope) if scope else None
    return [
        Row(Key(part.start.strftime("%Y-%m"), f"Tháng {part.start:%m/%Y}"),
            (await counts(part, "none", ids, ref)).get(None, Figures()))
        for part in period.months()
    ]  # fmt: skip


async def unit_summaries(
    period: Period, scopes: list[UnitRef | None], *, ref: Reference, depth: int = 1
) -> dict[int | None, Report]:
    """`summary(period, by="unit", scope=…)` of each scope (by unit id, None: the city) from one count
    of every unit: the same reports, rolled up in Python, for the cost of one (the monthly e-mail)."""
    found = await counts(period, "unit", None, ref)
    reports = {}
    for scope in scopes:
        report = Report(period, "unit", scope)
        report.rows, report.total = _unit_rows(ref, found, scope, depth)
        reports[scope.id if scope else None] = report
    return reports


async def counts(
    period: Period, group: str, scope: tuple[int, ...] | None, ref: Reference
) -> dict[Any, Figures]:
    """The figures of each key of `group` (unit and officer ids, field and commune ids, channels)."""
    calendar = ref.calendar
    dialect = query.Dialect(db.is_postgres(), calendar.tz)
    start, after = period.bounds(calendar.tz)
    first = await _first_receipt()
    first_day = min(calendar.local_date(first), period.start) if first else period.start
    worked = query.workdays(calendar, first_day, period.end, dialect)
    found: dict[Any, Figures] = defaultdict(Figures)
    # Two lists of statements; on PostgreSQL each runs on a connection of its own, at the same time
    # (see _concurrently): the settled pass (one pass over the items; its grouping keeps one core busy)
    # beside the others (the settled items' events, cooperations, transfers, the replayed items), which
    # PostgreSQL runs with parallel workers.
    lists = (
        ((query.settled_sql(dialect, group, worked, scope), ()),),
        (
            (query.settled_events_sql(dialect, group, scope), ()),
            (query.cooperations_sql(group, scope), ()),
            (query.transfers_sql(dialect, group, scope), ()),
            (query.replayed_sql(dialect, group, worked, scope), _LOOKUPS),  # last: its settings stay
        ),
    )
    if dialect.postgres and not isinstance(db.conn(), TransactionalDBClient):
        results = await _concurrently(lists, start, after)
    else:  # SQLite, or inside a caller's transaction (whose uncommitted rows only its connection sees)
        results = []
        async with in_transaction() as connection:
            for statements in lists:
                results += await _run(statements, start, after, connection, dialect.postgres)
    for rows in results:
        for row in rows:
            _count(found[row["key"]], row)
    return dict(found)


async def _run(
    statements: tuple[tuple[str, tuple[str, ...]], ...],
    start: datetime,
    after: datetime,
    connection: Any,
    postgres: bool,
) -> list[list[dict[str, Any]]]:
    """Each statement, after its planner settings (PostgreSQL), on one connection."""
    results = []
    for setting in _PLANNER if postgres else ():
        await db.execute(setting, connection=connection)
    for sql, settings in statements:
        for setting in settings if postgres else ():
            await db.execute(setting, connection=connection)
        results.append(await db.fetch(sql, start, after, connection=connection))
    return results


async def _concurrently(
    lists: tuple[tuple[tuple[str, tuple[str, ...]], ...], ...], start: datetime, after: datetime
) -> list[list[dict[str, Any]]]:
    """Run each list of statements on a connection of its own, at the same time, all reading one
    snapshot: the first transaction exports its snapshot (REPEATABLE READ, so it keeps it for all its
    statements) and the others import it (SET TRANSACTION SNAPSHOT), so every statement sees the
    database as of the same instant, as one transaction would. A year's report keeps two cores busy
    instead of one for its longest statement (bench/README.md)."""
    snapshot: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    imported = [asyncio.Event() for _ in lists[1:]]

    async def lead(statements: tuple[tuple[str, tuple[str, ...]], ...]) -> list[list[dict[str, Any]]]:
        try:
            async with in_transaction() as connection:
                await db.execute(_SNAPSHOT_LEVEL, connection=connection)
                [row] = await db.fetch("SELECT pg_export_snapshot() AS id", connection=connection)
                snapshot.set_result(row["id"])
                results = await _run(statements, start, after, connection, True)
                for event in imported:  # the snapshot lives as long as this transaction
                    await event.wait()
                return results
        finally:
            if not snapshot.done():
                snapshot.set_exception(RuntimeError("the report's snapshot was not exported"))

    async def follow(statements, done: asyncio.Event) -> list[list[dict[str, Any]]]:  # noqa: ANN001
        try:
            async with in_transaction() as connection:
                await db.execute(_SNAPSHOT_LEVEL, connection=connection)
                snapshot_id = await snapshot
                if not _SNAPSHOT_ID.fullmatch(snapshot_id):
                    raise RuntimeError(f"unexpected snapshot id {snapshot_id!r}")
                await db.execute(f"SET TRANSACTION SNAPSHOT '{snapshot_id}'", connection=connection)
                done.set()
                return await _run(statements, start, after, connection, True)
        finally:
            done.set()

    answers = await asyncio.gather(
        lead(lists[0]), *(follow(s, e) for s, e in zip(lists[1:], imported, strict=True))
    )
    return [rows for answer in answers for rows in answer]


async def items(
    period: Period, item_set: str, *, scope: UnitRef | None, ref: Reference, limit: int = 100, offset: int = 0,
    alone: bool = False, by: str | None = None, key: str | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """The items counted in `item_set` (a bucket, or carried_over, received, …; figures.ITEM_SETS).

    `alone`: the scope unit's own items without its sub-units' (the "trực tiếp giải quyết" row).
    `by` + `key`: only those of one row of `summary(by=…)` (reports/keys.py reads the key; a bad one
    is keys.BadKey, 400): the items whose key at the end of the period is the row's, as counted."""
    dialect = query.Dialect(db.is_postgres(), ref.calendar.tz)
    start, after = period.bounds(ref.calendar.tz)
    ids = ((scope.id,) if alone else subtree(ref, scope)) if scope else None
    group, wanted = "none", None
    if by == "unit":
        group, wanted = "unit", subtree(ref, keys.unit(key, ref))
    elif by is not None:
        group, wanted = by, await keys.values(by, key, ref)
    sql = query.items_sql(dialect, item_set, ids, limit, offset, group, wanted)
    rows = await db.fetch(sql, start, after)
    return [
        {
            "code": r["code"],
            "title": r["title"],
            "unit": {"code": r["unit_code"], "name": r["unit_name"]},
            # the field as it was at the end of the period (or at the answer), like the unit
            "category": {"code": r["category_code"], "name": r["category_name"]}
            if r["category_code"]
            else None,
            "bucket": r["bucket"] if r["in_total"] else None,
            "status": r["status"],
            "received_at": _instant(r["received_at"]),
            "due_at": _instant(r["due_at"]),
            "answered_at": _instant(r["answered_at"]),
            "transfers": int(r["transfers"] or 0),
        }
        for r in rows
    ]


# --- pieces --------------------------------------------------------------------------------------

_EVENT_COUNTS = ("extended", "apologies", "promises_missed", "reopened", "ratings", "rating_sum",
                 "satisfied_count", "dissatisfied_count", "transferred_out", "cooperations",
                 "cooperations_late")  # fmt: skip


def _count(figures: Figures, row: dict[str, Any]) -> None:
    """Add one row of query.py's statements: `n` items of one classification, or counts of events."""
    for name in _EVENT_COUNTS:
        if row.get(name):
            setattr(figures, name, getattr(figures, name) + int(row[name]))
    n = int(row.get("n") or 0)
    if not n or not row["in_total"]:
        return
    setattr(figures, row["bucket"], getattr(figures, row["bucket"]) + n)
    if row["received"]:
        figures.received += n
        figures.received_online += n if row["online"] else 0
    else:
        figures.carried_over += n
    figures.transferred_twice += n if row["twice"] else 0
    if row["days"] is not None and row["bucket"].startswith("answered"):
        days = int(row["days"])
        figures.answer_days[days] = figures.answer_days.get(days, 0) + n


def _instant(value: Any) -> datetime | None:
    """SQLite gives text where PostgreSQL gives datetimes."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


async def _first_receipt() -> datetime | None:
    rows = await db.fetch("SELECT MIN(received_at) AS first FROM feedback_item")
    return _instant(rows[0]["first"]) if rows else None


def _unit_rows(
    ref: Reference, found: dict[Any, Figures], scope: UnitRef | None, depth: int
) -> tuple[list[Row], Figures]:
    children = _children(ref)
    rolled: dict[int, Figures] = {}

    def roll(unit_id: int) -> Figures:
        if unit_id not in rolled:
            rolled[unit_id] = Figures.sum(
                [found.get(unit_id, Figures()), *map(roll, children.get(unit_id, ()))]
            )
        return rolled[unit_id]

    roots = children.get(None, [])
    top: int | None = scope.id if scope else (roots[0] if len(roots) == 1 else None)
    if top is None:  # several trees: each root is a row, the total is all of them
        total = Figures.sum([*map(roll, roots), *(f for k, f in found.items() if k not in ref.units)])
        return _levels(ref, children, roll, roots, depth, None), total
    rows = []
    own = found.get(top, Figures())
    if any(own.as_dict()[name] for name in ("total", "ratings", "transferred_out", "cooperations")):
        unit = ref.units[top]
        rows.append(Row(Key(unit.code, f"{unit.name} (trực tiếp giải quyết)", 1, unit.code), own))
    rows += _levels(ref, children, roll, children.get(top, []), depth, ref.units[top].code)
    total = roll(top)
    if scope is None:  # items of units no longer in the tree still count in the city's total
        total = Figures.sum([total, *(f for k, f in found.items() if k not in ref.units)])
    return rows, total


def _levels(ref, children, roll, unit_ids, depth: int, parent: str | None, level: int = 1) -> list[Row]:  # noqa: ANN001
    rows = []
    for unit_id in unit_ids:
        unit = ref.units[unit_id]
        rows.append(Row(Key(unit.code, unit.name, level, parent), roll(unit_id)))
        if level < depth:
            rows += _levels(ref, children, roll, children.get(unit_id, []), depth, unit.code, level + 1)
    return rows


async def _names(by: str, keys: list[Any], ref: Reference) -> dict[Any, tuple[str | None, str]]:
    if by == "category":
        return {c.id: (c.code, c.name) for c in ref.categories.values()}
    if by == "commune":
        return {c.id: (c.code, c.name) for c in ref.communes.values()}
    if by == "channel":
        return {k: (k, CHANNEL_NAMES.get(k, k)) for k in keys}
    users = await StaffUser.filter(id__in=keys).values("id", "email", "name")
    return {u["id"]: (u["email"], u["name"] or u["email"]) for u in users}
