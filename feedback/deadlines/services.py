"""Changes to deadlines: the calendar's exceptions, and steps that must no longer fire."""

from __future__ import annotations

from datetime import date

from feedback import clock, db
from feedback.deadlines.models import CalendarException
from feedback.directory import reference


async def set_calendar_exception(day: date, *, working: bool, note: str = "") -> CalendarException:
    """A coordinator declares `day` an extra day off (working=False) or an extra working day.

    Deadlines set from now on count it; those already set keep the date the citizen was given. The
    reference snapshot of this process is refreshed at once, other processes' within its lifetime.
    """
    exception, _ = await CalendarException.update_or_create(
        day=day, defaults={"working": working, "note": note.strip(), "created_at": clock.now()}
    )
    reference.invalidate()
    return exception


async def cancel_pending_steps(item_id: int) -> int:
    """The item was answered, or its deadline moved: its pending steps must never fire."""
    return await db.execute(
        "UPDATE deadline_step SET status = 'cancelled' WHERE item_id = $1 AND status = 'pending'", item_id
    )
