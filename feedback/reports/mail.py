"""The monthly report e-mail (SPEC §5, §7): on the first working day after a month closes, each unit's
head gets the unit's figures for the month (with its sub-units) beside the city's, the table of its
sub-units and the items still open and overdue at the month's end; the coordinator office gets the
city's figures, the table of the city's units and the city's overdue items. A unit with nothing in the
month (no item on its desk, no rating, cooperation or transfer) gets no report, nor does a city with
nothing at all.

Set-based: one count of every unit (`summary.unit_summaries`, rolled up the tree in Python) and one
list of the month's `open_overdue` items (`summary.items`) give every message, whatever the number of
units. Recipients are found as every other mail to a head finds them: the unit's head on record
(`unit.head_email`, `unit.head_name`); the coordinator office by its mailbox, as escalations reach it.

Once per month and recipient: the key `report:<YYYY-MM>:head:<unit id>` (the office's
`report:<YYYY-MM>:coordinator:<unit id>`) makes a repeat a no-op, whoever runs it: the daily job (again,
in two processes, or days later to catch up) or `pakn report-mail` to resend a month.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from feedback import db
from feedback.directory.calendar import WorkCalendar
from feedback.directory.reference import Reference, UnitRef, reference
from feedback.errors import DomainError
from feedback.reports.figures import LABELS, Figures
from feedback.reports.periods import Period, month_of
from feedback.reports.summary import Report, items, unit_summaries
from feedback.settings import Settings
from notifications.outbox import NewMessage, new_message, queue

KIND = "monthly_report"
# On the first working day, the reports go out from this local time (before the digest at 07:30).
REPORT_AT = time(7, 0)
# The figures of the message, in the order of the seed cities' result reports: (figure, indent, kind).
FIGURES = (
    ("total", 0, "count"),
    ("carried_over", 1, "count"),
    ("received", 1, "count"),
    ("received_online", 2, "count"),
    ("answered_early", 0, "count"),
    ("answered_on_time", 0, "count"),
    ("answered_late", 0, "count"),
    ("refused", 0, "count"),
    ("merged", 0, "count"),
    ("open_in_time", 0, "count"),
    ("open_overdue", 0, "count"),
    ("on_time_rate", 0, "percent"),
    ("transferred_twice", 0, "count"),
    ("extended", 0, "count"),
    ("apologies", 0, "count"),
    ("promises_missed", 0, "count"),
    ("reopened", 0, "count"),
    ("rating_avg", 0, "number"),
    ("satisfied", 0, "percent"),
)
# Overdue items listed in one message; the report page lists them all.
LISTED = 50


def first_working_day(year: int, month: int, calendar: WorkCalendar) -> date:
    """The month's first working day (Vietnamese calendar, with the official swaps and exceptions)."""
    return calendar.shift_working_days(date(year, month, 1) - timedelta(days=1), 1)


def due_period(now: datetime, calendar: WorkCalendar) -> Period | None:
    """The month whose report is due at `now`: the month before, from REPORT_AT on the first working day
    of this month to this month's end (a service that was down that morning catches up on its next run);
    None before that."""
    local = now.astimezone(calendar.tz)
    first = first_working_day(local.year, local.month, calendar)
    if (local.date(), local.time()) < (first, REPORT_AT):
        return None
    return month_of(local.date().replace(day=1) - timedelta(days=1))


def key_prefix(period: Period) -> str:
    return f"report:{period.start:%Y-%m}:"


async def queue_due(settings: Settings, *, now: datetime) -> int:
    """The scheduler's daily job: queue the closed month's reports if they are due and not yet queued;
    returns how many messages were new."""
    ref = await reference(settings)
    period = due_period(now, ref.calendar)
    if period is None or await _queued_keys(period, limit=1):
        return 0  # not yet, or this month's run already queued them (here or in another process)
    return await queue_month(settings, period, now=now, ref=ref)


async def queue_month(
    settings: Settings, period: Period, *, now: datetime, ref: Reference | None = None
) -> int:
    """Queue the reports of a closed month (the job, and `pakn report-mail` to resend one); a message
    already queued for that month and recipient is not queued again. Returns how many were new."""
    ref = ref or await reference(settings)
    if period.end >= ref.calendar.local_date(now):
        raise DomainError(
            f"Tháng {period.start:%m/%Y} chưa kết thúc: chưa thể gửi báo cáo tháng", field="month"
        )
    messages = await monthly_messages(settings, period, now=now, ref=ref)
    async with in_transaction():
        before = await _queued_keys(period)
        await queue(messages)
    return sum(1 for m in messages if m.to_addr and m.key not in before)


async def monthly_messages(
    settings: Settings, period: Period, *, now: datetime, ref: Reference
) -> list[NewMessage]:
    """Every message of the month: one per unit head on record whose unit has figures, one to the
    coordinator office."""
    office = ref.units[ref.coordinator_id]
    heads = sorted(
        (u for u in ref.units.values() if u.head_email and u.id != office.id and u.kind != "coordinator"),
        key=lambda u: u.code,
    )
    reports = await unit_summaries(period, [None, *heads], ref=ref)
    city = reports[None]
    if not has_figures(city.total):
        return []  # nothing happened in the whole city that month (a new installation): nothing to report
    heads = [unit for unit in heads if has_figures(reports[unit.id].total)]
    overdue = await _overdue(period, city.total, ref, settings)
    common = {
        "month": f"{period.start:%m/%Y}",
        "period_from": period.start.isoformat(),
        "period_to": period.end.isoformat(),
        "report_url": f"{settings.base_url}/staff/reports?from={period.start}&to={period.end}",
        "sender_unit": office.name,
    }
    messages = [
        new_message(
            kind=KIND,
            key=f"{key_prefix(period)}head:{unit.id}",
            to_addr=unit.head_email,
            to_name=unit.head_name,
            context={
                **common,
                **_report_context(reports[unit.id], city, overdue.get(unit.id, []), unit),
                "recipient": "head",
                "recipient_name": unit.head_name,
                "recipient_unit": unit.name,
            },
            now=now,
        )
        for unit in heads
    ]
    # The coordinator office's mailbox, as escalations reach it; its head when it has none.
    to_head = not office.email
    messages.append(
        new_message(
            kind=KIND,
            key=f"{key_prefix(period)}coordinator:{office.id}",
            to_addr=office.head_email if to_head else office.email,
            to_name=office.head_name if to_head else office.name,
            context={
                **common,
                **_report_context(city, city, overdue.get(None, []), None),
                "recipient": "coordinator_head" if to_head else "coordinator",
                "recipient_name": office.head_name if to_head else office.name,
                "recipient_unit": office.name,
            },
            now=now,
        )
    )
    return messages


def has_figures(figures: Figures) -> bool:
    """Whether a unit has something to report: items on its desk in the month, or ratings, cooperations
    or transfers out. The heads of the others (most of a city's offices, most months) get no mail."""
    return any((figures.total, figures.ratings, figures.cooperations, figures.transferred_out))


def _report_context(
    report: Report, city: Report, overdue: list[dict[str, Any]], unit: UnitRef | None
) -> dict[str, Any]:
    """What one message shows: the figures beside the city's, the sub-units, the overdue items."""
    has_sub_units = any(row.key.code != (unit.code if unit else None) for row in report.rows)
    mine, city_wide = report.total.as_dict(), city.total.as_dict()  # as summary() gives them (rounded)
    # the sub-units' rows (a city's are many): those with figures, and how many had none
    shown = [row for row in report.rows if has_figures(row.figures)] if has_sub_units else []
    return {
        "scope": "unit" if unit else "city",
        "unit_name": unit.name if unit else "",
        "unit_code": unit.code if unit else "",
        "figures": [
            {
                "figure": name,
                "name": LABELS[name],
                "indent": indent,
                "kind": kind,
                "unit": mine[name],
                "city": city_wide[name],
            }
            for name, indent, kind in FIGURES
        ],
        "units": [
            {
                "code": row.key.code or "",
                "name": row.key.name,
                "total": row.figures.total,
                "answered_late": row.figures.answered_late,
                "open_overdue": row.figures.open_overdue,
                "on_time_rate": row.figures.as_dict()["on_time_rate"],
            }
            for row in shown
        ],
        "units_without_figures": len(report.rows) - len(shown) if has_sub_units else 0,
        "overdue_count": report.total.open_overdue,
        "overdue": overdue[:LISTED],
    }


async def _overdue(
    period: Period, total: Figures, ref: Reference, settings: Settings
) -> dict[int | None, list[dict[str, Any]]]:
    """The items open and overdue at the end of the month (one statement for the whole city), listed for
    their unit and every unit above it (None: the city), the longest overdue first."""
    found = await items(period, "open_overdue", scope=None, ref=ref, limit=max(total.open_overdue, 1))
    end = ref.calendar.end_of_day(period.end)
    by_code = {u.code: u for u in ref.units.values()}
    listed: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for item in sorted(found, key=lambda i: (i["due_at"] or end, i["code"])):
        unit_code = item["unit"]["code"] or ""
        entry = {
            "code": item["code"],
            # Only the item's code, field, unit and deadline: the title and everything about the citizen
            # stay out of the mail (the link opens the item for who may see it).
            "category_name": item["category"]["name"] if item["category"] else "",
            "unit_code": unit_code,
            "unit_name": item["unit"]["name"] or "",
            "due_at": item["due_at"],
            "days_late": ref.calendar.working_days_between(item["due_at"], end) if item["due_at"] else 0,
            "staff_url": f"{settings.base_url}/staff/feedback/{item['code']}",
        }
        listed[None].append(entry)
        unit, seen = by_code.get(unit_code), set()
        while unit is not None and unit.id not in seen:
            seen.add(unit.id)
            listed[unit.id].append(entry)
            unit = ref.units.get(unit.parent_id) if unit.parent_id else None
    return listed


async def _queued_keys(period: Period, *, limit: int | None = None) -> set[str]:
    rows = await db.fetch(
        f"SELECT key FROM outbox_message WHERE key LIKE $1{f' LIMIT {int(limit)}' if limit else ''}",
        f"{key_prefix(period)}%",
    )
    return {row["key"] for row in rows}
