"""The escalation ladder of SPEC §4 planned on the real Vietnamese calendar (holidays 0.109)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from feedback.deadlines.ladder import (
    AUTOMATIC_PROMISE_DAYS,
    Ladder,
    PlannedStep,
    automatic_promise_day,
    plan_item_steps,
    plan_progress_steps,
    plan_promise_steps,
    plan_steps,
)
from feedback.directory.calendar import WorkCalendar

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkCalendar(TZ)


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=TZ)


def end_of(y: int, m: int, d: int) -> datetime:
    return at(y, m, d, 23, 59, 59)


def test_normal_item() -> None:
    # Received Monday 2026-11-23, 10 working days (24/11 counts: no enacted law makes it a holiday yet,
    # official_calendar.csv): the deadline ends Monday 7/12.
    due = CAL.answer_deadline(at(2026, 11, 23), 10)
    assert due == end_of(2026, 12, 7)
    assert plan_steps(due, CAL) == [
        PlannedStep("reminder", at(2026, 12, 4, 8), expires_at=due),  # the working day before the last day
        PlannedStep("overdue", due, expires_at=None),
        PlannedStep("escalate_parent", end_of(2026, 12, 9)),  # two working days late
        PlannedStep("escalate_coordinator", end_of(2026, 12, 14)),  # five working days late
    ]


def test_steps_are_aware_utc_and_in_order() -> None:
    steps = plan_steps(end_of(2026, 12, 7), CAL)
    for step in steps:
        assert step.due_at.tzinfo is UTC
        assert step.expires_at is None or step.expires_at.tzinfo is UTC
    assert [s.due_at for s in steps] == sorted(s.due_at for s in steps)
    assert [s.kind for s in steps] == ["reminder", "overdue", "escalate_parent", "escalate_coordinator"]


def test_reminder_expires_at_the_deadline() -> None:
    due = end_of(2026, 12, 7)
    reminder = plan_steps(due, CAL)[0]
    assert reminder.due_at < reminder.expires_at == due.astimezone(UTC)
    # A sweep that only finds the reminder after the deadline must treat it as stale.
    late_sweep = at(2026, 12, 8, 9)
    assert late_sweep >= reminder.expires_at


def test_ladder_across_tet() -> None:
    # Deadline ends Friday 13/2/2026; Tết is 16–20/2, so "late" counts from Monday 23/2.
    due = end_of(2026, 2, 13)
    assert plan_steps(due, CAL) == [
        PlannedStep("reminder", at(2026, 2, 12, 8), expires_at=due),
        PlannedStep("overdue", due),
        PlannedStep("escalate_parent", end_of(2026, 2, 24)),
        PlannedStep("escalate_coordinator", end_of(2026, 2, 27)),
    ]


@pytest.mark.parametrize(
    ("due", "days_before", "reminder_at"),
    [
        (end_of(2026, 2, 23), 1, at(2026, 2, 13, 8)),  # the working day before is before Tết
        (end_of(2026, 2, 24), 2, at(2026, 2, 13, 8)),
        (end_of(2025, 4, 28), 1, at(2025, 4, 26, 8)),  # the swapped working Saturday
        (end_of(2025, 4, 29), 2, at(2025, 4, 26, 8)),
        (end_of(2026, 2, 17), 1, at(2026, 2, 13, 8)),  # a deadline on a day off: the working day before
    ],
)
def test_reminder_days_before(due: datetime, days_before: int, reminder_at: datetime) -> None:
    reminder = plan_steps(due, CAL, Ladder(reminder_days_before=days_before))[0]
    assert reminder.kind == "reminder"
    assert reminder.due_at == reminder_at


def test_no_reminder() -> None:
    kinds = [s.kind for s in plan_steps(end_of(2026, 12, 7), CAL, Ladder(reminder_days_before=0))]
    assert kinds == ["overdue", "escalate_parent", "escalate_coordinator"]


def test_ladder_uses_exceptions() -> None:
    cal = WorkCalendar(TZ, {date(2026, 12, 8): False, date(2026, 12, 12): True})
    steps = {s.kind: s for s in plan_steps(end_of(2026, 12, 7), cal)}
    assert steps["escalate_parent"].due_at == end_of(2026, 12, 10)
    assert steps["escalate_coordinator"].due_at == end_of(2026, 12, 14)  # Saturday 12/12 counts


def test_ladder_defaults_and_validation() -> None:
    assert Ladder() == Ladder(reminder_days_before=1, parent_after_days=2, coordinator_after_days=5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        Ladder().parent_after_days = 3
    with pytest.raises(ValueError):
        Ladder(reminder_days_before=-1)
    with pytest.raises(ValueError):
        Ladder(parent_after_days=0)


def test_naive_due_at_is_refused() -> None:
    with pytest.raises(ValueError):
        plan_steps(datetime(2026, 12, 7, 23, 59, 59), CAL)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (end_of(2026, 12, 7), end_of(2026, 12, 14)),  # at the overdue moment
        (at(2026, 2, 13, 23, 59, 59), end_of(2026, 2, 27)),  # over Tết
        (at(2026, 4, 29), end_of(2026, 5, 8)),  # over 30/4–1/5: 4, 5, 6, 7, 8 May
    ],
)
def test_automatic_promise_day(now: datetime, expected: datetime) -> None:
    assert AUTOMATIC_PROMISE_DAYS == 5
    assert automatic_promise_day(now, CAL) == CAL.local_date(expected)


def test_a_promised_day_is_reminded_the_working_day_before_and_missed_at_its_end() -> None:
    # Promised Monday 14/12: the reminder at the start of office on Friday 11/12 (stale at the end of
    # the 14th), the miss at the end of the 14th.
    steps = plan_promise_steps(date(2026, 12, 14), CAL, now=at(2026, 12, 7))
    assert [(s.kind, s.due_at, s.expires_at) for s in steps] == [
        ("promise_reminder", CAL.start_of_office(date(2026, 12, 11)), end_of(2026, 12, 14)),
        ("promise_missed", end_of(2026, 12, 14), None),
    ]
    # Promised for tomorrow: the reminder would already be late, so only the miss.
    late = plan_promise_steps(date(2026, 12, 14), CAL, now=at(2026, 12, 11, 9))
    assert [s.kind for s in late] == ["promise_missed"]


def test_progress_checkpoints_every_n_working_days_before_the_deadline() -> None:
    # A complex item received Monday 23/11 10:00: 20 working days end Monday 21/12; a checkpoint at
    # the end of the 7th and the 14th working day; the 21st is past the deadline.
    received = at(2026, 11, 23)
    due = CAL.answer_deadline(received, 20)
    assert due == end_of(2026, 12, 21)
    first, second = plan_progress_steps(received, due, CAL, 7, after=received)
    assert first == PlannedStep("progress_1", end_of(2026, 12, 2), due, since=received)
    # Each window opens where the one before closed.
    assert second == PlannedStep("progress_2", end_of(2026, 12, 11), due, since=end_of(2026, 12, 2))
    # A period that ends on the deadline's own day leaves it to the overdue notice.
    assert [s.kind for s in plan_progress_steps(received, due, CAL, 10, after=received)] == ["progress_1"]
    assert plan_progress_steps(received, due, CAL, None, after=received) == []
    with pytest.raises(ValueError, match="progress_days"):
        plan_progress_steps(received, due, CAL, -1, after=received)


def test_replanned_checkpoints_keep_the_grid_and_leave_out_the_past() -> None:
    received = at(2026, 11, 23)
    later = CAL.answer_deadline(received, 40)
    # Re-planned on 4/12 (an extension): the first checkpoint has passed; the second keeps its place
    # and its window, which opened at the first.
    kinds = plan_progress_steps(received, later, CAL, 7, after=at(2026, 12, 4))
    assert kinds[0] == PlannedStep("progress_2", end_of(2026, 12, 11), later, since=end_of(2026, 12, 2))
    assert [s.kind for s in kinds] == ["progress_2", "progress_3", "progress_4", "progress_5"]


def test_item_steps_are_the_ladder_and_the_checkpoints_in_time_order() -> None:
    received = at(2026, 11, 23)
    due = CAL.answer_deadline(received, 20)
    steps = plan_item_steps(due, CAL, start=received, progress_days=7, now=received)
    assert [s.kind for s in steps] == [
        "progress_1", "progress_2", "reminder", "overdue", "escalate_parent", "escalate_coordinator",
    ]  # fmt: skip
    assert plan_item_steps(due, CAL, start=received, progress_days=None, now=received) == plan_steps(due, CAL)
