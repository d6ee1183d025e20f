"""The conference sweep: fire every conference step that has come due, in a fixed handful of statements.

Like feedback/deadlines/sweep.py: one UPDATE marks every due pending step (skipped: a reminder whose
deadline has passed; cancelled: its question was answered or reassigned, or the conference was
published; done: it fires), locking them with FOR UPDATE SKIP LOCKED on PostgreSQL so that concurrent
sweepers never take the same row; one INSERT … SELECT queues the messages of the fired steps, with
outbox keys `cstep:<id>:<role>` so that each step mails each recipient at most once.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from tortoise.transactions import in_transaction

from feedback import db
from feedback.settings import Settings
from notifications.outbox import OUTBOX_COLUMNS

# step kind, role (in the key), template, address and name expressions
RECIPIENTS = (
    ("question_reminder", "unit", "question_reminder", "u.email", "u.name"),
    ("question_overdue", "unit", "question_overdue", "u.email", "u.name"),
    ("question_overdue", "head", "question_overdue", "u.head_email", "u.head_name"),
    ("publish_reminder", "unit", "publish_reminder", "u.email", "u.name"),
    ("publish_overdue", "unit", "publish_overdue", "u.email", "u.name"),
    ("publish_overdue", "head", "publish_overdue", "u.head_email", "u.head_name"),
    ("publish_escalate", "coordinator", "publish_escalate", "u.email", "u.name"),
    ("publish_escalate", "coordinator_head", "publish_escalate", "u.head_email", "u.head_name"),
)

_OUTCOME = (
    "CASE WHEN s.expires_at IS NOT NULL AND s.expires_at <= $1 THEN 'skipped'"
    " WHEN s.question_id IS NOT NULL AND EXISTS (SELECT 1 FROM question q JOIN conference c"
    " ON c.id = q.conference_id WHERE q.id = s.question_id AND q.status = 'open' AND q.unit_id = s.unit_id"
    " AND c.status IN ('collecting', 'held')) THEN 'done'"
    " WHEN s.question_id IS NULL AND EXISTS (SELECT 1 FROM conference c WHERE c.id = s.conference_id"
    " AND c.status = 'held') THEN 'done'"
    " ELSE 'cancelled' END"
)


def _context(postgres: bool) -> str:
    pairs = {
        "conference_title": "c.title",
        "starts_at": "CAST(c.starts_at AS TEXT)",
        "place": "c.place",
        "unit_name": "u.name",
        "host_unit_name": "h.name",
        "number": "COALESCE(q.number, 0)",
        "text": "COALESCE(q.text, '')",
        "due_at": "CAST(COALESCE(q.due_at, c.publish_due_at) AS TEXT)",
        "staff_url": "CAST($3 AS TEXT) || '/staff/conferences/' || CAST(c.id AS TEXT)",
        "days_late": "CASE s.kind WHEN 'publish_escalate' THEN 2 ELSE 0 END",
    }
    function = "jsonb_build_object" if postgres else "json_object"
    return f"{function}({', '.join(f'{chr(39)}{k}{chr(39)}, {v}' for k, v in pairs.items())})"


def _messages(postgres: bool) -> str:
    return " UNION ALL ".join(
        f"SELECT 'cstep:' || CAST(s.id AS TEXT) || ':{role}' AS key, '{template}' AS kind,"
        f" {addr} AS to_addr, COALESCE({name}, '') AS to_name, 'HNDT.' || CAST(c.id AS TEXT) AS thread,"
        f" {_context(postgres)} AS context"
        " FROM conference_step s JOIN conference c ON c.id = s.conference_id"
        " JOIN unit u ON u.id = s.unit_id JOIN unit h ON h.id = c.host_unit_id"
        " LEFT JOIN question q ON q.id = s.question_id"
        f" WHERE s.sweep = $2 AND s.kind = '{step}'"
        for step, role, template, addr, name in RECIPIENTS
    )


async def sweep_conferences(settings: Settings, *, now: datetime) -> int:
    """Fire the due conference steps; the number of steps fired."""
    token = uuid.uuid4().hex
    async with in_transaction() as connection:
        postgres = db.is_postgres(connection)
        lock = " FOR UPDATE SKIP LOCKED" if postgres else ""
        marked = await db.fetch(
            f"UPDATE conference_step SET status = o.outcome, done_at = $1,"
            " sweep = CASE WHEN o.outcome = 'done' THEN $2 END"
            f" FROM (SELECT s.id, {_OUTCOME} AS outcome FROM conference_step s"
            f" WHERE s.status = 'pending' AND s.due_at <= $1{lock}) AS o"
            " WHERE conference_step.id = o.id RETURNING status",
            now,
            token,
            connection=connection,
        )
        fired = sum(1 for row in marked if row["status"] == "done")
        if fired:
            await db.execute(
                f"INSERT INTO outbox_message ({', '.join(OUTBOX_COLUMNS)})"
                " SELECT m.key, m.kind, m.to_addr, m.to_name, m.thread, m.context, 'pending', 0, $1, '', '', $1"
                f" FROM ({_messages(postgres)}) AS m WHERE m.to_addr IS NOT NULL AND m.to_addr <> ''"
                " ON CONFLICT (key) DO NOTHING",
                now,
                token,
                settings.base_url,
                connection=connection,
            )
    return fired
