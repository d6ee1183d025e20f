"""Writing a new item with everything that comes with it: the row, its first timeline event, the steps
of its deadline and its outbox messages — atomically, in as few round trips as the database allows.

Filing is the hottest write path (SPEC §10), so it bypasses ORM instances: on PostgreSQL it is one
statement (data-modifying CTEs are atomic on their own, no BEGIN/COMMIT round trips); SQLite, which
has no such CTEs but no network either, runs the same inserts in one transaction. A filing with
attachments takes the transaction path on PostgreSQL too: it is rare, and its rows are ORM inserts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from feedback import db
from feedback.attachments.services import save as save_attachments
from feedback.attachments.uploads import Upload
from feedback.deadlines.ladder import PlannedStep
from feedback.items.timeline import STATE_FIELDS
from notifications.outbox import NewMessage, insert_rows_sql, queue

ITEM_COLUMNS = (
    "code", "token_hash", "title", "content", "search_text", "category_id", "suggested_category_id",
    "commune_id", "address", "latitude", "longitude", "severity", "channel", "status", "unit_id",
    "citizen_name", "citizen_phone", "citizen_email", "citizen_address", "publish", "received_at",
    "unit_received_at", "accept_due_at", "due_at", "deadline_no", "transfer_count", "answer",
    "created_at", "updated_at",
)  # fmt: skip


FIRST_DEADLINE = 1  # deadline_no of a new item; later deadlines (extension, transfer) count up
# The first event keeps the new item's state, like every event (feedback/items/timeline.py).
STATE_COLUMNS = STATE_FIELDS
_STATE_MARKS = ", ".join(f"${9 + n}" for n in range(len(STATE_COLUMNS)))


@dataclass(frozen=True)
class FirstEvent:
    at: datetime
    kind: str
    actor_id: int | None
    actor_label: str
    public: bool
    message: str
    changes: dict[str, Any]

    def values(self) -> list[Any]:
        changes = json.dumps(self.changes, ensure_ascii=False)
        return [self.at, self.kind, self.actor_id, self.actor_label, self.public, self.message, changes]


async def insert_new_item(
    item: dict[str, Any],
    event: FirstEvent,
    steps: list[PlannedStep],
    messages: list[NewMessage],
    attachments: Sequence[Upload] = (),
) -> int:
    """Write it all or nothing; returns the new item's id.

    `attachments` are files already stored; their rows are written here, with the item. If this
    fails, removing the files is the caller's job (`UploadForm.discard_on_error`).
    """
    messages = [m for m in messages if m.to_addr]
    if db.is_postgres() and not attachments:
        return await _one_statement(item, event, steps, messages)
    async with in_transaction() as connection:
        marks = ", ".join(f"${n}" for n in range(1, len(ITEM_COLUMNS) + 1))
        rows = await db.fetch(
            f"INSERT INTO feedback_item ({', '.join(ITEM_COLUMNS)}) VALUES ({marks}) RETURNING id",
            *(item[c] for c in ITEM_COLUMNS),
            connection=connection,
        )
        item_id = int(rows[0]["id"])
        await db.execute(
            "INSERT INTO event (item_id, at, kind, actor_id, actor_label, public, message, changes,"
            f" {', '.join(STATE_COLUMNS)}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, {_STATE_MARKS})",
            item_id,
            *event.values(),
            *(item.get(c) for c in STATE_COLUMNS),
            connection=connection,
        )
        step_marks = ", ".join(
            f"($1, $2, {FIRST_DEADLINE}, ${4 * n + 3}, ${4 * n + 4}, ${4 * n + 5}, ${4 * n + 6}, 'pending')"
            for n in range(len(steps))
        )
        await db.execute(
            "INSERT INTO deadline_step (item_id, unit_id, deadline_no, kind, due_at, expires_at, since, status)"
            f" VALUES {step_marks}",
            item_id,
            item["unit_id"],
            *(value for s in steps for value in (s.kind, s.due_at, s.expires_at, s.since)),
            connection=connection,
        )
        await queue(messages, connection=connection)
        await save_attachments(
            item_id,
            attachments,
            kind="submission",
            actor_id=event.actor_id,
            at=event.at,
            connection=connection,
        )
        return item_id


def _marks(first: int, count: int) -> list[str]:
    return [f"${n}" for n in range(first, first + count)]


_N_ITEM = len(ITEM_COLUMNS)
_EVENT = _marks(_N_ITEM + 1, 7)
_STEPS = _marks(_N_ITEM + 8, 4)
_MAIL = _marks(_N_ITEM + 12, 6)
_NOW = f"${_N_ITEM + 18}"
_UNIT = f"${ITEM_COLUMNS.index('unit_id') + 1}"
_TYPES = {"status": "text", "unit_id": "int", "officer_id": "int", "category_id": "int"}
# The item's own parameters again, each cast to its column's type (officer: none yet).
_ITEM_STATE = ", ".join(
    "NULL::int" if c == "officer_id" else f"${ITEM_COLUMNS.index(c) + 1}::{_TYPES.get(c, 'timestamptz')}"
    for c in STATE_COLUMNS
)
_QUEUE_MAIL = insert_rows_sql(
    f"FROM unnest({', '.join(f'{mark}::text[]' for mark in _MAIL)})"
    " AS m(key, kind, to_addr, to_name, thread, context)",
    now=f"{_NOW}::timestamptz",
    context="m.context::jsonb",
)
# Parameters in a select list have no type of their own: each is cast to its column's type.
_ONE_STATEMENT = f"""
WITH item AS (
    INSERT INTO feedback_item ({", ".join(ITEM_COLUMNS)})
    VALUES ({", ".join(_marks(1, _N_ITEM))}) RETURNING id
), event AS (
    INSERT INTO event (item_id, at, kind, actor_id, actor_label, public, message, changes,
                       {", ".join(STATE_COLUMNS)})
    SELECT item.id, {_EVENT[0]}::timestamptz, {_EVENT[1]}::text, {_EVENT[2]}::int, {_EVENT[3]}::text,
           {_EVENT[4]}::boolean, {_EVENT[5]}::text, ({_EVENT[6]}::text)::jsonb,
           {_ITEM_STATE}
    FROM item
), steps AS (
    INSERT INTO deadline_step (item_id, unit_id, deadline_no, kind, due_at, expires_at, since, status)
    SELECT item.id, {_UNIT}::int, {FIRST_DEADLINE}, s.kind, s.due_at, s.expires_at, s.since, 'pending'
    FROM item, unnest({_STEPS[0]}::text[], {_STEPS[1]}::timestamptz[], {_STEPS[2]}::timestamptz[],
                      {_STEPS[3]}::timestamptz[])
         AS s(kind, due_at, expires_at, since)
), mail AS (
    {_QUEUE_MAIL}
)
SELECT id FROM item
"""


async def _one_statement(
    item: dict[str, Any], event: FirstEvent, steps: list[PlannedStep], messages: list[NewMessage]
) -> int:
    mail_columns = list(zip(*(m.values()[:6] for m in messages), strict=True)) if messages else [()] * 6
    rows = await db.fetch(
        _ONE_STATEMENT,
        *(item[c] for c in ITEM_COLUMNS),
        *event.values(),
        [s.kind for s in steps],
        [s.due_at for s in steps],
        [s.expires_at for s in steps],
        [s.since for s in steps],
        *(list(column) for column in mail_columns),
        item["created_at"],
    )
    return int(rows[0]["id"])
