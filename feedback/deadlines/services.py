"""Changes to deadlines: the calendar's exceptions, and steps that must no longer fire."""

from __future__ import annotations

from datetime import date

from feedback import clock, db
from feedback.deadlines.ladder import PlannedStep
from feedback.directory import reference
from feedback.directory.models import CalendarException


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


# Sub-deadlines of cooperating units are planned with this deadline_no: they do not follow the
# item's own deadline (an extension of the lead's deadline leaves them as they were).
COOPERATION_DEADLINE = 0


async def cancel_pending_steps(item_id: int, *, unit_id: int | None = None, own_only: bool = False) -> int:
    """Steps that must never fire: all of an answered item's, those of one cooperating unit
    (`unit_id`, once it has sent its part), or only the item's own (`own_only`, when its deadline moves)."""
    statement = "UPDATE deadline_step SET status = 'cancelled' WHERE item_id = $1 AND status = 'pending'"
    params: list[object] = [item_id]
    if unit_id is not None:
        statement += " AND unit_id = $2"
        params.append(unit_id)
    if own_only:
        statement += f" AND deadline_no <> {COOPERATION_DEADLINE}"
    return await db.execute(statement, *params)


async def plan(item_id: int, unit_id: int, deadline_no: int, steps: list[PlannedStep]) -> None:
    """Insert the steps of one deadline (the item's own, or a cooperating unit's)."""
    if not steps:
        return
    values = ", ".join(
        f"($1, $2, $3, ${4 * n + 4}, ${4 * n + 5}, ${4 * n + 6}, ${4 * n + 7}, 'pending')"
        for n in range(len(steps))
    )
    await db.execute(
        "INSERT INTO deadline_step (item_id, unit_id, deadline_no, kind, due_at, expires_at, since, status)"
        f" VALUES {values}",
        item_id,
        unit_id,
        deadline_no,
        *(value for s in steps for value in (s.kind, s.due_at, s.expires_at, s.since)),
    )
