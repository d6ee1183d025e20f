"""The deadline sweep: fire every escalation step that has come due, in a handful of statements.

Steps are rows planned when a deadline is set (feedback/deadlines/services.py). A sweep, in one
transaction:

1. skips stale steps (a reminder whose deadline has already passed: after downtime an item weeks late
   gets its overdue notice and escalations, not a "due tomorrow" reminder);
2. claims every due step of a still-open item whose deadline is still current, marking it done with a
   sweep token (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so concurrent sweepers never take the same row;
   SQLite serialises writers);
3. inserts the outbox messages for all claimed steps with one INSERT … SELECT (a unique key per step
   and recipient makes any repeat a no-op);
4. inserts the timeline events for them with one INSERT … SELECT;
5. cancels pending steps that no longer apply (answered items, replaced deadlines).

The number of statements does not depend on the number of items.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from feedback import db
from feedback.deadlines.ladder import Ladder, expected_answer_date
from feedback.directory.reference import reference
from feedback.intake.models import OPEN_STATUSES
from feedback.settings import Settings

# The date promised in the apology: this many working days after the sweep that finds the item late.
APOLOGY_PROMISE_DAYS = 5
_OPEN = ", ".join(f"'{s}'" for s in OPEN_STATUSES)


@dataclass(frozen=True)
class Recipient:
    step: str  # the step kind that sends this message
    role: str  # part of the idempotency key: one message per step and role
    template: str
    to_addr: str  # SQL expressions over the joined rows
    to_name: str
    audience: str  # "staff" or "citizen": which context fields it gets


RECIPIENTS = (
    Recipient("reminder", "unit", "reminder", "u.email", "u.name", "staff"),
    Recipient("reminder", "officer", "reminder", "o.email", "o.name", "staff"),
    Recipient("overdue", "unit", "overdue_unit", "u.email", "u.name", "staff"),
    Recipient("overdue", "head", "overdue_unit", "u.head_email", "u.head_name", "staff"),
    Recipient("overdue", "citizen", "overdue_citizen", "i.citizen_email", "i.citizen_name", "citizen"),
    Recipient("escalate_parent", "parent_head", "escalate_parent", "p.head_email", "p.head_name", "staff"),
    Recipient("escalate_coordinator", "coordinator", "escalate_coordinator", "k.email", "k.name", "staff"),
    Recipient(
        "escalate_coordinator",
        "coordinator_head",
        "escalate_coordinator",
        "k.head_email",
        "k.head_name",
        "staff",
    ),
)

# What the timeline records for each step; only the overdue notice is shown to the citizen.
EVENTS = {
    "reminder": (False, "Đã nhắc đơn vị: còn một ngày làm việc đến hạn trả lời."),
    "overdue": (True, "Quá hạn trả lời; cơ quan đã gửi thư xin lỗi và hẹn ngày trả lời."),
    "escalate_parent": (False, "Quá hạn: đã báo cáo lãnh đạo đơn vị cấp trên."),
    "escalate_coordinator": (False, "Quá hạn: đã báo cáo Văn phòng UBND Thành phố."),
}


@dataclass
class SweepReport:
    skipped: int = 0
    cancelled: int = 0
    fired: dict[str, int] = field(default_factory=dict)
    messages: int = 0
    preview: list[dict[str, Any]] = field(default_factory=list)


class _DryRun(Exception):
    """Raised to roll back a dry run after it has counted what it would do."""


async def sweep(settings: Settings, *, now: datetime, dry_run: bool = False) -> SweepReport:
    ref = await reference(settings)
    promise = expected_answer_date(now, ref.calendar, APOLOGY_PROMISE_DAYS)
    report = SweepReport()
    token = uuid.uuid4().hex
    try:
        async with in_transaction() as connection:
            postgres = db.is_postgres(connection)
            lock = " FOR UPDATE SKIP LOCKED" if postgres else ""
            report.skipped = await db.execute(
                "UPDATE deadline_step SET status = 'skipped', done_at = $1 WHERE id IN ("
                " SELECT id FROM deadline_step WHERE status = 'pending' AND due_at <= $1 AND expires_at <= $1"
                f"{lock})",
                now,
            )
            await db.execute(
                "UPDATE deadline_step SET status = 'done', done_at = $1, sweep = $2 WHERE id IN ("
                " SELECT s.id FROM deadline_step s JOIN feedback_item i ON i.id = s.item_id"
                f" WHERE s.status = 'pending' AND s.due_at <= $1 AND i.status IN ({_OPEN})"
                f" AND i.deadline_no = s.deadline_no{' FOR UPDATE OF s SKIP LOCKED' if postgres else ''})",
                now,
                token,
            )
            rows = await db.fetch(
                "SELECT kind, COUNT(*) AS n FROM deadline_step WHERE sweep = $1 GROUP BY kind", token
            )
            report.fired = {r["kind"]: int(r["n"]) for r in rows}
            if report.fired:
                params = (token, settings.base_url, promise, Ladder())
                if dry_run:
                    report.preview = await db.fetch(
                        _messages_sql(postgres) + " ORDER BY thread, kind", *_args(*params)
                    )
                report.messages = await db.execute(
                    "INSERT INTO outbox_message (key, kind, to_addr, to_name, thread, context, status, attempts,"
                    " next_attempt_at, last_error, message_id, created_at)"
                    " SELECT key, kind, to_addr, to_name, thread, context, 'pending', 0, $6, '', '', $6"
                    f" FROM ({_messages_sql(postgres)}) AS m WHERE true ON CONFLICT (key) DO NOTHING",
                    *_args(*params),
                    now,
                )
                await db.execute(_events_sql(postgres), token, now)
            # Housekeeping, after the claim so it never competes with it for rows.
            report.cancelled = await db.execute(
                "UPDATE deadline_step SET status = 'cancelled', done_at = $1 WHERE id IN ("
                " SELECT s.id FROM deadline_step s JOIN feedback_item i ON i.id = s.item_id"
                f" WHERE s.status = 'pending' AND s.due_at <= $1"
                f" AND (i.status NOT IN ({_OPEN}) OR i.deadline_no <> s.deadline_no)"
                f"{' FOR UPDATE OF s SKIP LOCKED' if postgres else ''})",
                now,
            )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _args(token: str, base_url: str, promise: datetime, ladder: Ladder) -> tuple[Any, ...]:
    return token, base_url, promise.isoformat(), ladder.parent_after_days, ladder.coordinator_after_days


def _json(postgres: bool, pairs: dict[str, str]) -> str:
    function = "jsonb_build_object" if postgres else "json_object"
    arguments = ", ".join(f"'{key}', {value}" for key, value in pairs.items())
    return f"{function}({arguments})"


def _messages_sql(postgres: bool) -> str:
    """One SELECT per recipient, UNION ALL: every message the claimed steps send.

    Parameters: $1 sweep token, $2 base URL, $3 promised answer date, $4/$5 the ladder's
    parent/coordinator thresholds in working days.
    """
    text = "TEXT"
    common = {
        "code": "i.code",
        "title": "i.title",
        "unit_name": "u.name",
        "category_name": "COALESCE(c.name, '')",
        "received_at": f"CAST(i.received_at AS {text})" if not postgres else "i.received_at",
        "due_at": f"CAST(i.due_at AS {text})" if not postgres else "i.due_at",
        "severity": "i.severity",
    }
    staff = {
        **common,
        "staff_url": f"CAST($2 AS {text}) || '/staff/feedback/' || i.code",
        "parent_unit_name": "COALESCE(p.name, '')",
        "days_late": "CASE s.kind WHEN 'escalate_parent' THEN CAST($4 AS INTEGER)"
        " WHEN 'escalate_coordinator' THEN CAST($5 AS INTEGER) ELSE 0 END",
    }
    citizen = {**common, "citizen_name": "i.citizen_name", "expected_at": f"CAST($3 AS {text})"}
    selects = [
        f"SELECT 'step:' || CAST(s.id AS {text}) || ':{r.role}' AS key, '{r.template}' AS kind,"
        f" {r.to_addr} AS to_addr, COALESCE({r.to_name}, '') AS to_name, i.code AS thread,"
        f" {_json(postgres, staff if r.audience == 'staff' else citizen)} AS context"
        " FROM deadline_step s"
        " JOIN feedback_item i ON i.id = s.item_id"
        " JOIN unit u ON u.id = i.unit_id"
        " LEFT JOIN unit p ON p.id = u.parent_id"
        " LEFT JOIN category c ON c.id = i.category_id"
        " LEFT JOIN staff_user o ON o.id = i.officer_id"
        " LEFT JOIN unit k ON k.id = (SELECT MIN(id) FROM unit WHERE kind = 'coordinator')"
        f" WHERE s.sweep = CAST($1 AS {text}) AND s.kind = '{r.step}'"
        f" AND {r.to_addr} IS NOT NULL AND {r.to_addr} <> ''"
        for r in RECIPIENTS
    ]
    return " UNION ALL ".join(selects)


def _events_sql(postgres: bool) -> str:
    public = " ".join(f"WHEN '{kind}' THEN {'TRUE' if pub else 'FALSE'}" for kind, (pub, _) in EVENTS.items())
    message = " ".join(f"WHEN '{kind}' THEN '{text}'" for kind, (_, text) in EVENTS.items())
    empty = "'{}'::jsonb" if postgres else "'{}'"
    return (
        "INSERT INTO event (item_id, at, kind, actor_label, public, message, changes)"
        f" SELECT s.item_id, $2, 'deadline_' || s.kind, 'Hệ thống', CASE s.kind {public} END,"
        f" CASE s.kind {message} END, {empty}"
        " FROM deadline_step s WHERE s.sweep = $1"
    )
