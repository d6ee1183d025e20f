"""The deadline sweep of items and cooperations: the step engine (feedback/deadlines/engine.py) over
`deadline_step`, with the item ladder and a cooperating unit's (feedback/deadlines/ladder.py).

A step fires while its item is open and its deadline still holds: the item's own steps while it keeps
that deadline (`deadline_no`), a cooperating unit's while its part is pending; a progress checkpoint only
when no progress was recorded in its window (feedback/items/timeline.py says what counts), decided in
the same CASE as the rest, so set-based. The messages get the
item's one mail context (feedback/items/mail.py) with, for a cooperating unit, its own sub-deadline.

The overdue step also apologises (SPEC §4), unless the unit's head already has for that deadline
(feedback/deadlines/promises.py): the citizen's e-mail (the Mẫu 04 document is rendered at delivery,
feedback/documents/), or the unit's task to post it or phone; then, set-based after the claim, the
promise is stored on those items, its steps planned (ladder.PROMISE) and an `apology` event says what
was done. A promise's steps fire while it is the item's latest and its deadline holds.
"""

import uuid
from datetime import date, datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from feedback import db
from feedback.deadlines.engine import FIRED, StepTable, SweepReport, fire_due
from feedback.deadlines.ladder import (
    COOPERATION,
    ITEM,
    PROGRESS,
    PROMISE,
    automatic_promise_day,
    plan_promise_steps,
)
from feedback.deadlines.promises import (
    DEFAULT_REASON,
    UNIT_TASK_MODES,
    apology_message_sql,
    delivery_mode_sql,
    head_promised_sql,
    promise_holds_sql,
)
from feedback.deadlines.services import COOPERATION_DEADLINE
from feedback.directory.calendar import WorkCalendar
from feedback.directory.reference import reference
from feedback.items.mail import context_sql
from feedback.items.timeline import STATE_FIELDS, progress_since_sql
from feedback.items.vocabulary import open_sql
from feedback.settings import Settings

__all__ = ["ITEM_STEPS", "SweepReport", "sweep"]

_STATE = ", ".join(STATE_FIELDS)


class _DryRun(Exception):
    """Raised to roll back a dry run after it has counted what it would do."""


def _sent(kind: str) -> str:
    """Whether the step `kind` of the same deadline was sent (fired, by an earlier sweep or this one),
    so that a message states only what happened: an escalation does not claim a reminder that was
    skipped, stale after downtime, or never planned (SPEC §4)."""
    return (
        "EXISTS (SELECT 1 FROM deadline_step e WHERE e.item_id = s.item_id AND e.deadline_no = s.deadline_no"
        f" AND e.kind = '{kind}' AND (e.status = 'done' OR e.id IN {FIRED}))"
    )


# `sent_reminder`, `sent_overdue`, `sent_escalate_parent`, …: one per rung of the item's ladder.
SENT = {f"sent_{rung.kind}": _sent(rung.kind) for rung in ITEM if not rung.numbered}

_COMMON = {
    **context_sql(item="i", unit="u", category="c", base_url="$3", staff=False),
    "due_at": "CAST(COALESCE(co.due_at, i.due_at) AS TEXT)",  # a cooperating unit's own sub-deadline
}
ITEM_STEPS = StepTable(
    table="deadline_step",
    key_prefix="step",
    rungs=(*ITEM, *PROMISE, *COOPERATION),
    columns="s.id, s.item_id, s.kind, s.unit_id, s.deadline_no, s.since",
    # Stale steps are skipped; those whose deadline no longer holds cancelled; a progress checkpoint
    # with progress recorded in its window skipped (no mail, no event); the others fire.
    outcome=(
        "CASE WHEN s.expires_at <= $1 THEN 'skipped'"
        f" WHEN NOT ({open_sql('i')} AND (i.deadline_no = s.deadline_no OR (s.deadline_no = {COOPERATION_DEADLINE}"
        " AND EXISTS (SELECT 1 FROM cooperation co WHERE co.item_id = s.item_id AND co.unit_id = s.unit_id"
        f" AND co.status = 'pending')) OR {promise_holds_sql('s', 'i')})) THEN 'cancelled'"
        f" WHEN {PROGRESS.matches('s')} AND {progress_since_sql('s.item_id', 's.since')} THEN 'skipped'"
        " ELSE 'done' END"
    ),
    claim=("feedback_item i", "i.id = s.item_id"),
    # `u` is the step's unit: the item's, or a cooperating unit's for its sub-deadline.
    joins=(
        " JOIN feedback_item i ON i.id = s.item_id"
        " JOIN unit u ON u.id = COALESCE(s.unit_id, i.unit_id)"
        f" LEFT JOIN cooperation co ON s.deadline_no = {COOPERATION_DEADLINE}"
        " AND co.item_id = s.item_id AND co.unit_id = s.unit_id"
        " LEFT JOIN unit p ON p.id = u.parent_id"
        " LEFT JOIN category c ON c.id = i.category_id"
        " LEFT JOIN staff_user o ON o.id = i.officer_id"
        " LEFT JOIN unit k ON k.id = (SELECT MIN(id) FROM unit WHERE kind = 'coordinator')"
    ),
    thread="i.code",
    parties={
        "unit": ("u.email", "u.name", "u.name"),
        "head": ("u.head_email", "u.head_name", "u.name"),
        "officer": ("o.email", "COALESCE(NULLIF(o.name, ''), o.email)", "u.name"),
        # Only the overdue step mails the citizen: the apology, unless the head has issued it already.
        "citizen": (
            f"CASE WHEN {head_promised_sql('i')} THEN NULL ELSE i.citizen_email END",
            "i.citizen_name",
            "''",
        ),
        # The unit's task to post the apology or phone, for a citizen without e-mail.
        "unit_task": (
            f"CASE WHEN {head_promised_sql('i')} THEN NULL"
            f" WHEN {delivery_mode_sql('i')} IN ({', '.join(repr(m) for m in sorted(UNIT_TASK_MODES))})"
            " THEN u.email END",
            "u.name",
            "u.name",
        ),
        "parent_head": ("p.head_email", "p.head_name", "p.name"),
        "coordinator": ("k.email", "k.name", "k.name"),
        "coordinator_head": ("k.head_email", "k.head_name", "k.name"),
    },
    contexts={
        "staff": {
            **_COMMON,
            "staff_url": context_sql(base_url="$3")["staff_url"],
            "parent_unit_name": "COALESCE(p.name, '')",
            "progress_since": "CAST(s.since AS TEXT)",  # a progress checkpoint's window (else null)
            **SENT,
            # A promise's steps: the promised day and why; the apology task: the new promise and how.
            "promise_day": "CAST(i.promise_day AS TEXT)",
            "promise_reason": "i.promise_reason",
            "expected_at": "CAST($4 AS TEXT)",
            "delivery_mode": delivery_mode_sql("i"),
            "citizen_name": "i.citizen_name",
        },
        # The automatic apology: its neutral reason, the default date and its Mẫu 04 document, which
        # delivery renders from the promise the sweep stores (feedback/documents/mail.py).
        "citizen": {
            **_COMMON,
            "citizen_name": "i.citizen_name",
            "expected_at": "CAST($4 AS TEXT)",
            "reason": "CAST($5 AS TEXT)",
            "document": "'apology'",
            "promise_no": "i.promise_no + 1",
        },
    },
    events=True,
)


async def sweep(settings: Settings, *, now: datetime, dry_run: bool = False) -> SweepReport:
    ref = await reference(settings)
    day = automatic_promise_day(now, ref.calendar)
    # $1 now, $2 the sweep's token, $3 base URL, $4 the day the automatic apology promises (the end of
    # it), $5 its reason.
    params = (
        now,
        uuid.uuid4().hex,
        settings.base_url,
        ref.calendar.end_of_day(day).isoformat(),
        DEFAULT_REASON,
    )
    report = SweepReport()
    try:
        async with in_transaction() as connection:
            report = await fire_due(ITEM_STEPS, params, preview=dry_run, connection=connection)
            if report.fired.get("overdue"):
                await _promise_automatically(params[1], now, day, ref.calendar, connection)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


async def _promise_automatically(
    token: str, now: datetime, day: date, calendar: WorkCalendar, connection: BaseDBAsyncClient
) -> None:
    """The items whose overdue step this sweep fired and whose head has not apologised for that
    deadline get the automatic promise, its steps and its `apology` event: three statements, whatever
    the number of items."""
    fired = "SELECT s.item_id FROM deadline_step s WHERE s.sweep = $1 AND s.kind = 'overdue'"
    await db.execute(
        "UPDATE feedback_item SET promise_no = promise_no + 1, promise_day = $2, promise_reason = $3,"
        " promise_source = 'automatic', promise_by_id = NULL, promise_at = $4,"
        " promise_deadline_no = deadline_no, promise_original_due = due_at"
        f" WHERE id IN ({fired}) AND NOT {head_promised_sql('feedback_item')}",
        token,
        day,
        DEFAULT_REASON,
        now,
        connection=connection,
    )
    # Just promised: automatic, about the current deadline (an overdue step fires once per deadline).
    promised = (
        f" FROM feedback_item i WHERE i.id IN ({fired}) AND i.promise_source = 'automatic'"
        " AND i.promise_deadline_no = i.deadline_no"
    )
    postgres = db.is_postgres(connection)

    def moment(n: int) -> str:  # a parameter in a select list has no type on PostgreSQL
        return f"CAST(${n} AS TIMESTAMPTZ)" if postgres else f"${n}"

    steps = plan_promise_steps(day, calendar, now=now)
    rows = " UNION ALL ".join(
        f"SELECT i.id, i.unit_id, 0 - i.promise_no, '{step.kind}', {moment(2 * n + 2)}, {moment(2 * n + 3)},"
        f" 'pending'{promised}"
        for n, step in enumerate(steps)
    )
    if rows:
        await db.execute(
            "INSERT INTO deadline_step (item_id, unit_id, deadline_no, kind, due_at, expires_at, status)"
            f" SELECT * FROM ({rows}) AS p WHERE true ON CONFLICT DO NOTHING",
            token,
            *(value for step in steps for value in (step.due_at, step.expires_at)),
            connection=connection,
        )
    empty = "'{}'::jsonb" if postgres else "'{}'"
    await db.execute(
        # The item's state travels with the event (items/timeline.STATE_FIELDS), as with every event
        # a service writes: reports read the state as of each instant from the timeline.
        f"INSERT INTO event (item_id, at, kind, actor_label, public, message, reason, changes, {_STATE})"
        f" SELECT i.id, {moment(2)}, 'apology', COALESCE(u.name, 'Hệ thống'), TRUE,"
        f" {apology_message_sql(day, 'i')}, CAST($3 AS TEXT),"
        f" {empty}, {', '.join('i.' + f for f in STATE_FIELDS)} FROM feedback_item i LEFT JOIN unit u ON u.id = i.unit_id WHERE i.id IN ({fired})"
        " AND i.promise_source = 'automatic' AND i.promise_deadline_no = i.deadline_no",
        token,
        now,
        DEFAULT_REASON,
        connection=connection,
    )
