"""The deadline sweep of items and cooperations: the step engine (feedback/deadlines/engine.py) over
`deadline_step`, with the item ladder and a cooperating unit's (feedback/deadlines/ladder.py).

A step fires while its item is open and its deadline still holds: the item's own steps while it keeps
that deadline (`deadline_no`), a cooperating unit's while its part is pending; a progress checkpoint only
when no progress was recorded in its window (feedback/items/timeline.py says what counts), decided in
the same CASE as the rest, so set-based. The messages get the
item's one mail context (feedback/items/mail.py) with, for a cooperating unit, its own sub-deadline.
"""

import uuid
from datetime import datetime

from tortoise.transactions import in_transaction

from feedback.deadlines.engine import FIRED, StepTable, SweepReport, fire_due
from feedback.deadlines.ladder import COOPERATION, ITEM, PROGRESS, expected_answer_date
from feedback.deadlines.services import COOPERATION_DEADLINE
from feedback.directory.reference import reference
from feedback.items.mail import context_sql
from feedback.items.timeline import progress_since_sql
from feedback.items.vocabulary import open_sql
from feedback.settings import Settings

# The date promised in the apology: this many working days after the sweep that finds the item late.
APOLOGY_PROMISE_DAYS = 5

__all__ = ["APOLOGY_PROMISE_DAYS", "ITEM_STEPS", "SweepReport", "sweep"]


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
    rungs=(*ITEM, *COOPERATION),
    columns="s.id, s.item_id, s.kind, s.unit_id, s.deadline_no, s.since",
    # Stale steps are skipped; those whose deadline no longer holds cancelled; a progress checkpoint
    # with progress recorded in its window skipped (no mail, no event); the others fire.
    outcome=(
        "CASE WHEN s.expires_at <= $1 THEN 'skipped'"
        f" WHEN NOT ({open_sql('i')} AND (i.deadline_no = s.deadline_no OR (s.deadline_no = {COOPERATION_DEADLINE}"
        " AND EXISTS (SELECT 1 FROM cooperation co WHERE co.item_id = s.item_id AND co.unit_id = s.unit_id"
        " AND co.status = 'pending')))) THEN 'cancelled'"
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
        "citizen": ("i.citizen_email", "i.citizen_name", "''"),
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
        },
        "citizen": {**_COMMON, "citizen_name": "i.citizen_name", "expected_at": "CAST($4 AS TEXT)"},
    },
    events=True,
)


async def sweep(settings: Settings, *, now: datetime, dry_run: bool = False) -> SweepReport:
    ref = await reference(settings)
    promise = expected_answer_date(now, ref.calendar, APOLOGY_PROMISE_DAYS).isoformat()
    # $1 now, $2 the sweep's token, $3 base URL, $4 the date promised in the apology.
    params = (now, uuid.uuid4().hex, settings.base_url, promise)
    report = SweepReport()
    try:
        async with in_transaction() as connection:
            report = await fire_due(ITEM_STEPS, params, preview=dry_run, connection=connection)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report
