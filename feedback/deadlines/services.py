"""Deadline steps of an item: planned when a deadline is set, cancelled when it no longer applies."""

from __future__ import annotations

from datetime import datetime

from feedback import db
from feedback.deadlines.calendar import WorkCalendar
from feedback.deadlines.ladder import plan_steps
from feedback.deadlines.models import DeadlineStep


async def schedule_steps(item_id: int, deadline_no: int, due_at: datetime, calendar: WorkCalendar) -> None:
    """Plan the escalation ladder of one deadline; call inside the transaction that set the deadline."""
    await DeadlineStep.bulk_create(
        [
            DeadlineStep(
                item_id=item_id,
                deadline_no=deadline_no,
                kind=step.kind,
                due_at=step.due_at,
                expires_at=step.expires_at,
            )
            for step in plan_steps(due_at, calendar)
        ]
    )


async def cancel_pending_steps(item_id: int) -> int:
    """The item was answered, or its deadline moved: its pending steps must never fire."""
    return await db.execute(
        "UPDATE deadline_step SET status = 'cancelled' WHERE item_id = $1 AND status = 'pending'", item_id
    )
