"""Calendar exceptions: extra days off and extra working days. Deadlines set from now on count them
(`deadlines.services.set_calendar_exception` refreshes the reference snapshot)."""

from __future__ import annotations

from datetime import date

from feedback.admin.schemas import ExceptionIn, ExceptionPatch, changes
from feedback.deadlines.services import set_calendar_exception
from feedback.directory import reference
from feedback.directory.models import CalendarException
from feedback.errors import NotFound


async def list_exceptions(year: int | None = None) -> list[CalendarException]:
    query = CalendarException.all()
    if year:
        query = query.filter(day__gte=date(year, 1, 1), day__lte=date(year, 12, 31))
    return list(await query.order_by("day"))


async def get_exception(day: date) -> CalendarException:
    row = await CalendarException.get_or_none(day=day)
    if row is None:
        raise NotFound(f"Không có ngày ngoại lệ {day:%d/%m/%Y}")
    return row


async def set_exception(body: ExceptionIn) -> CalendarException:
    """Replaces any exception already set for that day."""
    return await set_calendar_exception(body.day, working=body.working, note=body.note)


async def update_exception(day: date, body: ExceptionPatch) -> CalendarException:
    row = await get_exception(day)
    values = changes(body)
    return await set_calendar_exception(
        day, working=values.get("working", row.working), note=values.get("note", row.note)
    )


async def delete_exception(day: date) -> None:
    if not await CalendarException.filter(day=day).delete():
        raise NotFound(f"Không có ngày ngoại lệ {day:%d/%m/%Y}")
    reference.invalidate()
