"""The deadline sweep: fire every escalation step that has come due, in a fixed handful of statements.

Steps are rows planned when a deadline is set (feedback/deadlines/ladder.py). A sweep takes every
pending step that has come due and gives it one outcome:

- skipped: stale — a reminder for a deadline already passed (after downtime an item weeks late gets
  its overdue notice and escalations, not a "due tomorrow" reminder);
- cancelled: the item was answered or closed, or its deadline was replaced;
- done: the step fires — its outbox messages (one INSERT … SELECT; a unique key per step and
  recipient makes any repeat a no-op) and its timeline event (one INSERT … SELECT).

On PostgreSQL the whole sweep is one statement: the due steps are locked with FOR UPDATE SKIP LOCKED
(so concurrent sweepers never take the same row), marked, and feed the two inserts through CTEs;
each step and item is read once. SQLite, which serialises writers anyway, runs the same parts as
separate statements in one transaction. The number of statements never depends on the number of items.
"""

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from feedback import db
from feedback.deadlines.ladder import Ladder, expected_answer_date
from feedback.deadlines.services import COOPERATION_DEADLINE
from feedback.directory.reference import reference
from feedback.items.vocabulary import open_sql
from feedback.settings import Settings
from notifications.outbox import OUTBOX_COLUMNS

# The date promised in the apology: this many working days after the sweep that finds the item late.
APOLOGY_PROMISE_DAYS = 5


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
    # A cooperating unit's sub-deadline (liên thông): `u` is then the cooperating unit.
    Recipient("coop_reminder", "unit", "coop_reminder", "u.email", "u.name", "staff"),
    Recipient("coop_overdue", "unit", "coop_overdue", "u.email", "u.name", "staff"),
    Recipient("coop_overdue", "head", "coop_overdue", "u.head_email", "u.head_name", "staff"),
)

# What the timeline records for each step; only the overdue notice is shown to the citizen.
EVENTS = {
    "reminder": (False, "Đã nhắc đơn vị: còn một ngày làm việc đến hạn trả lời."),
    "overdue": (True, "Quá hạn trả lời; cơ quan đã gửi thư xin lỗi và hẹn ngày trả lời."),
    "escalate_parent": (False, "Quá hạn: đã báo cáo lãnh đạo đơn vị cấp trên."),
    "escalate_coordinator": (False, "Quá hạn: đã báo cáo Văn phòng UBND Thành phố."),
    "coop_reminder": (False, "Đã nhắc đơn vị phối hợp: còn một ngày làm việc đến hạn gửi ý kiến."),
    "coop_overdue": (False, "Đơn vị phối hợp quá hạn gửi ý kiến: đã báo đơn vị và lãnh đạo đơn vị."),
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
    ladder = Ladder()
    promise = expected_answer_date(now, ref.calendar, APOLOGY_PROMISE_DAYS).isoformat()
    # The parameters of every statement below, in this order ($1 … $6).
    params = (
        now,
        uuid.uuid4().hex,
        settings.base_url,
        promise,
        ladder.parent_after_days,
        ladder.coordinator_after_days,
    )
    report = SweepReport()
    try:
        async with in_transaction() as connection:
            if db.is_postgres(connection):
                # For this transaction only: the due steps reach their items by primary key, but with
                # default costs the planner hashes all of deadline_step and feedback_item instead
                # (measured: 1–1.5 s of a 100,000-step sweep); JIT compiling the statement costs more
                # than it saves.
                await db.fetch(
                    "SELECT set_config('enable_hashjoin', 'off', true), set_config('jit', 'off', true)",
                    connection=connection,
                )
                rows = await db.fetch(_postgres_statement(preview=dry_run), *params, connection=connection)
            else:
                rows = await _sqlite_statements(params, preview=dry_run, connection=connection)
            for row in rows:
                if row["what"] == "step":
                    outcome, kind, n = row["a"], row["b"], int(row["n"])
                    if outcome == "done":
                        report.fired[kind] = n
                    elif outcome == "skipped":
                        report.skipped += n
                    else:
                        report.cancelled += n
                elif row["what"] == "messages":
                    report.messages = int(row["n"])
                else:
                    report.preview.append({"thread": row["a"], "kind": row["b"], "to_addr": row["c"]})
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    report.preview.sort(key=lambda m: (m["thread"], m["kind"], m["to_addr"]))
    return report


# $1 now, $2 sweep token, $3 base URL, $4 promised answer date, $5/$6 the ladder's thresholds.
_OUTCOME = (
    "CASE WHEN s.expires_at <= $1 THEN 'skipped'"
    f" WHEN {open_sql('i')} AND (i.deadline_no = s.deadline_no OR (s.deadline_no = {COOPERATION_DEADLINE}"
    " AND EXISTS (SELECT 1 FROM cooperation co WHERE co.item_id = s.item_id AND co.unit_id = s.unit_id"
    " AND co.status = 'pending'))) THEN 'done'"
    " ELSE 'cancelled' END"
)
_JOINS = (
    " JOIN feedback_item i ON i.id = s.item_id"
    " JOIN unit u ON u.id = COALESCE(s.unit_id, i.unit_id)"
    f" LEFT JOIN cooperation co ON s.deadline_no = {COOPERATION_DEADLINE}"
    " AND co.item_id = s.item_id AND co.unit_id = s.unit_id"
    " LEFT JOIN unit p ON p.id = u.parent_id"
    " LEFT JOIN category c ON c.id = i.category_id"
    " LEFT JOIN staff_user o ON o.id = i.officer_id"
    " LEFT JOIN unit k ON k.id = (SELECT MIN(id) FROM unit WHERE kind = 'coordinator')"
)
_OUTBOX_INSERT = (
    f"INSERT INTO outbox_message ({', '.join(OUTBOX_COLUMNS)})"
    " SELECT m.key, m.kind, m.to_addr, m.to_name, m.thread, m.context, 'pending', 0, $1, '', '', $1"
)


def _postgres_statement(*, preview: bool) -> str:
    listing = " UNION ALL SELECT 'preview', thread, kind, to_addr, 1 FROM mail" if preview else ""
    branches = " UNION ALL ".join(
        f"SELECT {_message_columns(r, postgres=True)} WHERE s.kind = '{r.step}'" for r in RECIPIENTS
    )
    return (
        "WITH due AS ("
        f" SELECT s.id, s.item_id, s.kind, s.unit_id, s.deadline_no, {_OUTCOME} AS outcome"
        " FROM deadline_step s JOIN feedback_item i ON i.id = s.item_id"
        " WHERE s.status = 'pending' AND s.due_at <= $1"
        " FOR UPDATE OF s SKIP LOCKED"
        "), marked AS ("
        " UPDATE deadline_step s SET status = due.outcome, done_at = $1,"
        " sweep = CASE WHEN due.outcome = 'done' THEN $2 END"
        " FROM due WHERE s.id = due.id"
        "), fired AS (SELECT id, item_id, kind, unit_id, deadline_no FROM due WHERE outcome = 'done'"
        f"), events AS ({_events_insert('fired', postgres=True)}"
        f"), mail AS ({_OUTBOX_INSERT} FROM fired s{_JOINS} CROSS JOIN LATERAL ({branches}) AS m"
        " WHERE m.to_addr IS NOT NULL AND m.to_addr <> ''"
        " ON CONFLICT (key) DO NOTHING RETURNING thread, kind, to_addr)"
        " SELECT 'step' AS what, outcome AS a, kind AS b, '' AS c, COUNT(*) AS n FROM due GROUP BY outcome, kind"
        f" UNION ALL SELECT 'messages', '', '', '', COUNT(*) FROM mail{listing}"
    )


async def _sqlite_statements(
    params: tuple[Any, ...], *, preview: bool, connection: BaseDBAsyncClient
) -> list[dict[str, Any]]:
    now, token = params[0], params[1]
    marked = await db.fetch(
        f"UPDATE deadline_step AS s SET status = {_OUTCOME}, done_at = $1,"
        f" sweep = CASE WHEN {_OUTCOME} = 'done' THEN $2 END"
        " FROM feedback_item i WHERE i.id = s.item_id AND s.status = 'pending' AND s.due_at <= $1"
        " RETURNING status, kind",  # SQLite: the updated table only, unqualified
        now,
        token,
        connection=connection,
    )
    messages = " UNION ALL ".join(
        f"SELECT {_message_columns(r, postgres=False)} FROM deadline_step s{_JOINS}"
        f" WHERE s.sweep = $2 AND s.kind = '{r.step}'"
        for r in RECIPIENTS
    )
    rows = []
    if preview:
        rows = await db.fetch(
            f"SELECT 'preview' AS what, m.thread AS a, m.kind AS b, m.to_addr AS c, 1 AS n FROM ({messages}) AS m"
            " WHERE m.to_addr IS NOT NULL AND m.to_addr <> ''"
            " AND NOT EXISTS (SELECT 1 FROM outbox_message o WHERE o.key = m.key)",
            *params,
            connection=connection,
        )
    queued = await db.execute(
        f"{_OUTBOX_INSERT} FROM ({messages}) AS m WHERE m.to_addr IS NOT NULL AND m.to_addr <> ''"
        " ON CONFLICT (key) DO NOTHING",
        *params,
        connection=connection,
    )
    await db.execute(
        _events_insert("deadline_step", postgres=False) + " WHERE s.sweep = $2",
        now,
        token,
        connection=connection,
    )
    counts = Counter((m["status"], m["kind"]) for m in marked)
    steps = [
        {"what": "step", "a": status, "b": kind, "c": "", "n": n} for (status, kind), n in counts.items()
    ]
    return [*steps, {"what": "messages", "a": "", "b": "", "c": "", "n": queued}, *rows]


def _message_columns(r: Recipient, *, postgres: bool) -> str:
    """key, kind, to_addr, to_name, thread, context of one recipient's message for step row `s`."""
    return (
        f"'step:' || CAST(s.id AS TEXT) || ':{r.role}' AS key, '{r.template}' AS kind,"
        f" {r.to_addr} AS to_addr, COALESCE({r.to_name}, '') AS to_name, i.code AS thread,"
        f" {_json(postgres, _STAFF if r.audience == 'staff' else _CITIZEN)} AS context"
    )


def _events_insert(source: str, *, postgres: bool) -> str:
    public = " ".join(f"WHEN '{kind}' THEN {'TRUE' if pub else 'FALSE'}" for kind, (pub, _) in EVENTS.items())
    message = " ".join(f"WHEN '{kind}' THEN '{text}'" for kind, (_, text) in EVENTS.items())
    empty = "'{}'::jsonb" if postgres else "'{}'"
    return (
        "INSERT INTO event (item_id, at, kind, actor_label, public, message, changes)"
        f" SELECT s.item_id, $1, 'deadline_' || s.kind, 'Hệ thống', CASE s.kind {public} END,"
        f" CASE s.kind {message} END, {empty} FROM {source} s"
    )


def _json(postgres: bool, pairs: dict[str, str]) -> str:
    function = "jsonb_build_object" if postgres else "json_object"
    arguments = ", ".join(f"'{key}', {value}" for key, value in pairs.items())
    return f"{function}({arguments})"


# What the templates get (notifications/templates); times as ISO text, which both databases produce.
_COMMON = {
    "code": "i.code",
    "title": "i.title",
    "unit_name": "u.name",
    "category_name": "COALESCE(c.name, '')",
    "received_at": "CAST(i.received_at AS TEXT)",
    "due_at": "CAST(COALESCE(co.due_at, i.due_at) AS TEXT)",  # a cooperating unit's own sub-deadline
    "severity": "i.severity",
}
_STAFF = {
    **_COMMON,
    "staff_url": "CAST($3 AS TEXT) || '/staff/feedback/' || i.code",
    "parent_unit_name": "COALESCE(p.name, '')",
    "days_late": "CASE s.kind WHEN 'escalate_parent' THEN CAST($5 AS INTEGER)"
    " WHEN 'escalate_coordinator' THEN CAST($6 AS INTEGER) ELSE 0 END",
}
_CITIZEN = {**_COMMON, "citizen_name": "i.citizen_name", "expected_at": "CAST($4 AS TEXT)"}
