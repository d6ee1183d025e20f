"""The escalation ladders of SPEC §4 and §6 as plain data, and the one planner. Pure: no database,
no I/O, no "now" (a caller may pass one to leave out a reminder that would already be late).

Every deadline — an item's answer, a cooperating unit's sub-deadline, a conference question's answer,
a conference's publication — ends at the end of its local day D and has a ladder: rungs, each a step
kind, an offset in working days from the deadline, whom it mails and what the timeline says. The
offset places the step (`step_at`, the one rule):

- offset < 0, a reminder "k working days before the deadline's last day" (k = -offset): start of
  office hours of the k-th working day before D. With k = 1 it is the working day before D, which is
  the last day on which an extension may still be asked (`casework.rules.check_extension`: at least one
  working day before the deadline), so the reminder can still be acted on. It is stale at the
  deadline: a reminder found only after it is skipped.
- offset 0: at the deadline (the overdue notice); never stale.
- offset n > 0: at the end of the n-th working day after D ("two working days late").

Each step kind identifies one step per deadline, which is what "at most once" keys on.

One rung is placed from the other end: the progress checkpoints (SPEC §4, a complex item needs a progress
note at least every 7 days). Under a policy with `progress_days = N` the unit must record progress at least
every N working days while the item is open, so checkpoints fall at the end of the k·N-th working day
after the unit's receipt, for k = 1, 2, … while before the deadline (at the deadline the overdue notice
takes over). A rung that repeats is `numbered`: its steps are `progress_1`, `progress_2`, … (the unique key
(item, deadline_no, kind, unit) needs distinct kinds), each with the moment its window opens (`since`:
the receipt, or the checkpoint before it). The sweep skips a checkpoint when the item has a progress event
in its window (feedback/deadlines/sweep.py says which events count).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

from feedback.directory.calendar import WorkCalendar

StepKind = Literal[
    "reminder",
    "overdue",
    "progress",  # numbered: the steps are progress_1, progress_2, …
    "escalate_parent",
    "escalate_coordinator",
    "coop_reminder",
    "coop_overdue",
    "question_reminder",
    "question_overdue",
    "publish_reminder",
    "publish_overdue",
    "publish_escalate",
    "promise_reminder",
    "promise_missed",
]

# The offsets of SPEC §4 and §6, in one place: a reminder on the working day before the deadline's last
# day (items, cooperations and conferences alike), the first escalation two working days late (to the
# parent unit's head; for a conference's publication, which has no level between, straight to the
# coordinator office), the second five working days late.
REMINDER_DAYS_BEFORE = 1
FIRST_ESCALATION_AFTER = 2
SECOND_ESCALATION_AFTER = 5
# The date the automatic apology promises when the unit's head has not issued one (SPEC §4): this many
# working days after the sweep that finds the item late. Product policy, not law: Thông tư
# 01/2018/TT-VPCP (Mẫu 04) leaves the new date to the unit.
AUTOMATIC_PROMISE_DAYS = 5


@dataclass(frozen=True)
class Send:
    """One message of a step: `role` names the recipient (and ends the outbox key, so each step mails
    each role at most once); the sweep of the step's table maps it to an address."""

    role: str
    template: str
    audience: str = "staff"  # "staff" or "citizen": which context the template gets


@dataclass(frozen=True)
class Rung:
    kind: StepKind
    offset: int  # working days from the deadline, see the module's docstring
    sends: tuple[Send, ...] = ()
    event: str = ""  # what the item's timeline records when the step fires ("" = nothing)
    public: bool = False  # whether the citizen sees that event
    about: Literal["unit", "coordinator"] = "unit"  # whose step: the deadline's unit or the coordinator
    # A series of steps `<kind>_1`, `<kind>_2`, … placed from the receipt (plan_progress_steps), not
    # `offset` days from the deadline; all before the deadline.
    numbered: bool = False

    @property
    def stale_at_deadline(self) -> bool:
        """The stale rule: a step before the deadline makes no sense after it."""
        return self.offset < 0 or self.numbered

    def matches(self, alias: str = "s") -> str:
        """SQL: the step row `alias` is one of this rung's (no other kind starts with a numbered one's)."""
        if self.numbered:
            return f"{alias}.kind LIKE '{self.kind}_%'"
        return f"{alias}.kind = '{self.kind}'"


@dataclass(frozen=True)
class Ladder:
    """The item ladder's parameters (SPEC §4)."""

    reminder_days_before: int = REMINDER_DAYS_BEFORE  # 0 = no reminder
    parent_after_days: int = FIRST_ESCALATION_AFTER
    coordinator_after_days: int = SECOND_ESCALATION_AFTER

    def __post_init__(self) -> None:
        if self.reminder_days_before < 0 or self.parent_after_days < 1 or self.coordinator_after_days < 1:
            raise ValueError("reminder_days_before must be >= 0 and the escalation delays >= 1")

    def rungs(self) -> tuple[Rung, ...]:
        reminder = (
            (
                Rung(
                    "reminder",
                    -self.reminder_days_before,
                    (Send("unit", "reminder"), Send("officer", "reminder")),
                    "Đã nhắc đơn vị: còn một ngày làm việc đến hạn trả lời.",
                ),
            )
            if self.reminder_days_before
            else ()
        )
        return (
            *reminder,
            Rung(
                "overdue",
                0,
                (
                    Send("unit", "overdue_unit"),
                    Send("head", "overdue_unit"),
                    Send("citizen", "overdue_citizen", "citizen"),
                    # A citizen without e-mail: the unit posts the apology or phones (promises.py).
                    Send("unit_task", "apology_task"),
                ),
                # The apology is its own event (`apology`), which says how it reached the citizen.
                "Đã quá hạn trả lời.",
                public=True,
            ),
            Rung(
                "escalate_parent",
                self.parent_after_days,
                (Send("parent_head", "escalate_parent"),),
                "Quá hạn: đã báo cáo lãnh đạo đơn vị cấp trên.",
            ),
            Rung(
                "escalate_coordinator",
                self.coordinator_after_days,
                (
                    Send("coordinator", "escalate_coordinator"),
                    Send("coordinator_head", "escalate_coordinator"),
                ),
                "Quá hạn: đã báo cáo Văn phòng UBND Thành phố.",
            ),
        )

    def cooperation_rungs(self) -> tuple[Rung, ...]:
        """A cooperating unit's sub-deadline (liên thông): its own reminder and overdue notice; the
        escalations of the item stay with the lead unit, which answers for the whole item."""
        reminder = (
            (
                Rung(
                    "coop_reminder",
                    -self.reminder_days_before,
                    (Send("unit", "coop_reminder"),),
                    "Đã nhắc đơn vị phối hợp: còn một ngày làm việc đến hạn gửi ý kiến.",
                ),
            )
            if self.reminder_days_before
            else ()
        )
        return (
            *reminder,
            Rung(
                "coop_overdue",
                0,
                (Send("unit", "coop_overdue"), Send("head", "coop_overdue")),
                "Đơn vị phối hợp quá hạn gửi ý kiến: đã báo đơn vị và lãnh đạo đơn vị.",
            ),
        )


# The progress checkpoint (the module's docstring): to the unit and the assigned officer, like the
# reminder; the timeline says so, internally.
PROGRESS = Rung(
    "progress",
    0,  # not used: numbered rungs are placed from the receipt
    (Send("unit", "progress_reminder"), Send("officer", "progress_reminder")),
    "Đã nhắc đơn vị cập nhật tiến độ: hết kỳ báo cáo tiến độ mà chưa ghi nhận tiến độ xử lý.",
    numbered=True,
)

# A promised date (SPEC §4, "a promised date is a deadline"): the date given in an apology, by the head
# or the automatic one at the deadline, is tracked like a deadline of its own: a reminder to the unit
# (and the assigned officer) on the working day before the promised day, and when it passes unkept, the
# coordinator office is told ("lỡ hẹn"), and the unit's head with it. Its steps are planned with
# deadline_no = -promise_no (feedback/deadlines/promises.py). An extension's new date needs none: it is
# the item's deadline itself, tracked by ITEM.
PROMISE = (
    Rung(
        "promise_reminder",
        -REMINDER_DAYS_BEFORE,
        (Send("unit", "promise_reminder"), Send("officer", "promise_reminder")),
        "Đã nhắc đơn vị: còn một ngày làm việc đến ngày hẹn trả kết quả cho người dân.",
    ),
    Rung(
        "promise_missed",
        0,
        (
            Send("coordinator", "promise_missed"),
            Send("coordinator_head", "promise_missed"),
            Send("head", "promise_missed"),
        ),
        "Lỡ hẹn: đã qua ngày hẹn trả kết quả mà chưa có kết quả trả lời; đã báo cáo Văn phòng UBND Thành phố.",
        public=True,
    ),
)

# The ladders: an item's (its progress checkpoints only under a policy that asks for them), a
# cooperating unit's sub-deadline, a conference question's answer, a conference's publication of its
# results.
ITEM = (*Ladder().rungs(), PROGRESS)
COOPERATION = Ladder().cooperation_rungs()
QUESTION = (
    Rung("question_reminder", -REMINDER_DAYS_BEFORE, (Send("unit", "question_reminder"),)),
    Rung("question_overdue", 0, (Send("unit", "question_overdue"), Send("head", "question_overdue"))),
)
PUBLICATION = (
    Rung("publish_reminder", -REMINDER_DAYS_BEFORE, (Send("unit", "publish_reminder"),)),
    Rung("publish_overdue", 0, (Send("unit", "publish_overdue"), Send("head", "publish_overdue"))),
    Rung(
        "publish_escalate",
        FIRST_ESCALATION_AFTER,
        # The step is the coordinator office's: its unit row is the coordinator.
        (Send("coordinator", "publish_escalate"), Send("coordinator_head", "publish_escalate")),
        about="coordinator",
    ),
)
# The escalation offset of the publication ladder, for the conference code that names it.
PUBLISH_ESCALATE_AFTER = FIRST_ESCALATION_AFTER


@dataclass(frozen=True)
class PlannedStep:
    kind: str  # a StepKind, or `<kind>_<k>` of a numbered rung
    due_at: datetime  # aware, UTC
    expires_at: datetime | None = None  # aware, UTC; None = never stale
    about: Literal["unit", "coordinator"] = "unit"
    since: datetime | None = None  # a progress checkpoint: progress recorded after this moment skips it


def step_at(due_at: datetime, calendar: WorkCalendar, offset: int) -> datetime:
    """When a rung `offset` working days from the deadline `due_at` falls (the module's docstring)."""
    last_day = calendar.local_date(due_at)  # rejects naive datetimes
    if offset == 0:
        return due_at.astimezone(UTC)
    if offset > 0:
        return calendar.end_of_day(calendar.shift_working_days(last_day, offset))
    # The k-th working day before D (D itself not counted, whether or not it is a working day).
    return calendar.start_of_office(calendar.shift_working_days(last_day, offset))


def plan(
    due_at: datetime, calendar: WorkCalendar, rungs: tuple[Rung, ...], *, after: datetime | None = None
) -> list[PlannedStep]:
    """The steps of one deadline, in the order of `rungs`. With `after`, a step before the deadline
    that would fall at or before it (a reminder already late when the deadline is set) is left out."""
    due_utc = due_at.astimezone(UTC)
    steps = []
    for rung in rungs:
        if rung.numbered:
            continue  # placed from the receipt: plan_progress_steps
        at = step_at(due_at, calendar, rung.offset)
        if rung.stale_at_deadline and after is not None and at <= after:
            continue
        steps.append(PlannedStep(rung.kind, at, due_utc if rung.stale_at_deadline else None, rung.about))
    return steps


# Ladder is frozen, so the shared default instance is safe.
def plan_steps(due_at: datetime, calendar: WorkCalendar, ladder: Ladder = Ladder()) -> list[PlannedStep]:  # noqa: B008
    """An item's steps for one deadline, in the order they fall due."""
    return plan(due_at, calendar, ladder.rungs())


def plan_progress_steps(
    start: datetime, due_at: datetime, calendar: WorkCalendar, every: int | None, *, after: datetime
) -> list[PlannedStep]:
    """The progress checkpoints of a deadline `due_at` whose clock started at `start` (the unit's
    receipt, or a reopening): the end of the k·`every`-th working day after start's day, before the
    deadline. A checkpoint at or before `after` (a deadline re-planned later, an item entered with an
    earlier receipt) is left out; the grid stays where it was, and the first checkpoint kept still
    opens its window at the one before it."""
    if not every:
        return []
    if every < 1:
        raise ValueError("progress_days must be >= 1")
    due_utc, since = due_at.astimezone(UTC), start.astimezone(UTC)
    steps, k = [], 1
    while (at := calendar.answer_deadline(start, k * every)) < due_utc:
        if at > after:
            steps.append(PlannedStep(f"{PROGRESS.kind}_{k}", at, due_utc, since=since))
        since, k = at, k + 1
    return steps


def plan_item_steps(
    due_at: datetime, calendar: WorkCalendar, *, start: datetime, progress_days: int | None, now: datetime
) -> list[PlannedStep]:
    """Everything an item plans for one deadline: the ladder's steps and, when its policy asks for
    progress every `progress_days` working days, the checkpoints from `start`; in the order they fall due."""
    progress = plan_progress_steps(start, due_at, calendar, progress_days, after=now)
    return sorted(plan_steps(due_at, calendar) + progress, key=lambda s: s.due_at)


def plan_cooperation_steps(
    due_at: datetime,
    calendar: WorkCalendar,
    ladder: Ladder = Ladder(),  # noqa: B008
) -> list[PlannedStep]:
    """A cooperating unit's sub-deadline: its own reminder and overdue notice."""
    return plan(due_at, calendar, ladder.cooperation_rungs())


def plan_question_steps(due_at: datetime, calendar: WorkCalendar, now: datetime) -> list[PlannedStep]:
    """A conference question's answer: no reminder when it would already be late."""
    return plan(due_at, calendar, QUESTION, after=now)


def plan_publication_steps(due_at: datetime, calendar: WorkCalendar) -> list[PlannedStep]:
    """A held conference's publication of its results; the escalation's step is the coordinator's."""
    return plan(due_at, calendar, PUBLICATION)


def days_late_sql(rungs: tuple[Rung, ...]) -> str:
    """The `days_late` a step's message states: its offset after the deadline (0 before it)."""
    late = " ".join(f"WHEN '{r.kind}' THEN {r.offset}" for r in rungs if r.offset > 0)
    return f"CASE s.kind {late} ELSE 0 END" if late else "0"


def automatic_promise_day(now: datetime, calendar: WorkCalendar) -> date:
    """The day the automatic apology promises: AUTOMATIC_PROMISE_DAYS working days after `now`'s day."""
    return calendar.local_date(calendar.answer_deadline(now, AUTOMATIC_PROMISE_DAYS))


def plan_promise_steps(day: date, calendar: WorkCalendar, *, now: datetime) -> list[PlannedStep]:
    """A promised day's steps: the reminder (left out when it would already be late) and the miss at the
    end of the day."""
    return plan(calendar.end_of_day(day), calendar, PROMISE, after=now)
