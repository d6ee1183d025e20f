"""The escalation ladder of SPEC §4 as plain data. Pure: no database, no I/O, no "now".

For an answer deadline `due_at` that ends at the end of local day D (see WorkCalendar.answer_deadline):

1. reminder: "k working days before the deadline". The deadline ends at the END of D, so one working
   day before it is the START of D: start_of_office(D) for k = 1, and in general the start of office
   of the k-th working day counted back with D as the first (D, then k-1 working days before it).
   It expires at due_at: a reminder found only after the deadline is stale and must be skipped.
2. overdue: at due_at, never expires.
3. escalate_parent: end of the `parent_after_days`-th working day after D ("two working days late").
4. escalate_coordinator: end of the `coordinator_after_days`-th working day after D.

Each step kind identifies one step per item and deadline, which is what "at most once" keys on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from feedback.directory.calendar import WorkCalendar

StepKind = Literal[
    "reminder", "overdue", "escalate_parent", "escalate_coordinator", "coop_reminder", "coop_overdue"
]


@dataclass(frozen=True)
class Ladder:
    reminder_days_before: int = 1  # 0 = no reminder
    parent_after_days: int = 2
    coordinator_after_days: int = 5

    def __post_init__(self) -> None:
        if self.reminder_days_before < 0 or self.parent_after_days < 1 or self.coordinator_after_days < 1:
            raise ValueError("reminder_days_before must be >= 0 and the escalation delays >= 1")


@dataclass(frozen=True)
class PlannedStep:
    kind: StepKind
    due_at: datetime  # aware, UTC
    expires_at: datetime | None = None  # aware, UTC; None = never stale


# Ladder is frozen, so the shared default instance is safe.
def plan_steps(due_at: datetime, calendar: WorkCalendar, ladder: Ladder = Ladder()) -> list[PlannedStep]:  # noqa: B008
    """The steps for one deadline, in the order they fall due."""
    last_day = calendar.local_date(due_at)  # rejects naive datetimes
    due_utc = due_at.astimezone(UTC)
    steps: list[PlannedStep] = []
    if ladder.reminder_days_before:
        # D counts as the first day back only if it is a working day (it normally is; a deadline
        # moved onto a day off later on falls back to the working day before it).
        first_back = (
            last_day if calendar.is_working_day(last_day) else calendar.shift_working_days(last_day, -1)
        )
        reminder_day = calendar.shift_working_days(first_back, -(ladder.reminder_days_before - 1))
        steps.append(PlannedStep("reminder", calendar.start_of_office(reminder_day), expires_at=due_utc))

    def late(days: int) -> datetime:
        return calendar.end_of_day(calendar.shift_working_days(last_day, days))

    steps.append(PlannedStep("overdue", due_utc))
    steps.append(PlannedStep("escalate_parent", late(ladder.parent_after_days)))
    steps.append(PlannedStep("escalate_coordinator", late(ladder.coordinator_after_days)))
    return steps


def plan_cooperation_steps(
    due_at: datetime,
    calendar: WorkCalendar,
    ladder: Ladder = Ladder(),  # noqa: B008
) -> list[PlannedStep]:
    """A cooperating unit's sub-deadline: its own reminder and overdue notice; the escalations of the
    item stay with the lead unit, which answers for the whole item."""
    kinds: dict[str, StepKind] = {"reminder": "coop_reminder", "overdue": "coop_overdue"}
    return [
        PlannedStep(kinds[step.kind], step.due_at, step.expires_at)
        for step in plan_steps(due_at, calendar, ladder)
        if step.kind in kinds
    ]


def expected_answer_date(now: datetime, calendar: WorkCalendar, days: int = 5) -> datetime:
    """The new date promised in the apology to a citizen whose answer is late."""
    return calendar.answer_deadline(now, days)
