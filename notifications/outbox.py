"""Queuing e-mail: rows in `outbox_message`, written in the caller's transaction and delivered later.

Store first, send later: the change and its messages commit together, so a message is never lost to a
mail server that is down and never sent for a change that was rolled back. Each message has a unique
`key` naming its cause ("ack:PAKN.20261121.0001", "step:42:unit"), which makes queuing it twice a no-op.

Every INSERT into `outbox_message` is built by `insert_select_sql` below: `queue()` (VALUES rows),
the step sweeps and the one-statement intake (`insert_rows_sql`, rows of a subquery or unnest aliased
`m`). Set-based queuing (the step sweeps) writes rows with SQL instead of `queue()`:

    sql = insert_rows_sql("FROM (SELECT 'step:' || s.id AS key, 'reminder' AS kind, …) AS m WHERE …")

The rows must yield OUTBOX_COLUMNS in that order, none of them NULL (the table has no database
defaults: Tortoise's defaults live in Python):

    key              unique cause, at most 160 characters
    kind             one of notifications.render.KINDS
    to_addr          recipient; leave rows with an empty address out (WHERE u.email <> '')
    to_name          display name, '' when none
    thread           the item's tracking code, so its mails thread together; '' when none
    context          what the template needs: JSON text on SQLite (json_object(…)), jsonb on
                     PostgreSQL (jsonb_build_object(…)); times in it as ISO 8601 strings, which
                     both databases produce from their timestamp columns
    status           'pending'
    attempts         0
    next_attempt_at  when to send, usually now: a UTC datetime parameter (SQLite compares the text;
                     on PostgreSQL write CAST($1 AS TIMESTAMPTZ): a bare parameter in a select list
                     has no type)
    last_error       ''
    message_id       ''
    created_at       now (UTC), like next_attempt_at

Run the statement on `connections.get("default")` inside the sweep's transaction, through
`dialect_sql()` of notifications.sql (placeholders $1, $2 …, which SQLite takes as ?1, ?2 …). The test
tests/notifications/test_mail_outbox.py::test_the_sweep_can_queue_set_based_with_sql shows both.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from notifications.render import KINDS
from notifications.sql import dialect_sql, marks

OUTBOX_COLUMNS = (
    "key",
    "kind",
    "to_addr",
    "to_name",
    "thread",
    "context",
    "status",
    "attempts",
    "next_attempt_at",
    "last_error",
    "message_id",
    "created_at",
)
# Both databases cap the parameters of one statement at about 32,000: 12 columns × 1,000 rows fits.
_ROWS_PER_STATEMENT = 1000


@dataclass(frozen=True)
class NewMessage:
    """An outbox row not yet written: cheap to build (no ORM instance) and written by `queue()`."""

    key: str
    kind: str
    to_addr: str
    to_name: str
    thread: str
    context_json: str  # the template context as JSON text, dates already ISO 8601 strings
    now: datetime  # UTC; both created_at and next_attempt_at
    status: str = "pending"

    @property
    def context(self) -> dict[str, Any]:
        return json.loads(self.context_json)

    def values(self) -> list[Any]:
        """The row in OUTBOX_COLUMNS order."""
        return [
            self.key,
            self.kind,
            self.to_addr,
            self.to_name,
            self.thread,
            self.context_json,
            self.status,
            0,
            self.now,
            "",
            "",
            self.now,
        ]


def new_message(
    *,
    kind: str,
    key: str,
    to_addr: str,
    to_name: str = "",
    thread: str = "",
    context: dict[str, Any],
    now: datetime,
) -> NewMessage:
    """A message due now. Dates in `context` become ISO 8601 strings."""
    if kind not in KINDS:
        raise ValueError(f"unknown e-mail kind: {kind!r}")
    if len(key) > 160:
        raise ValueError(f"outbox key longer than 160 characters: {key!r}")
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return NewMessage(
        key=key,
        kind=kind,
        to_addr=(to_addr or "").strip(),
        to_name=" ".join((to_name or "").split()),
        thread=thread or "",
        context_json=json.dumps(context, default=_json_default, ensure_ascii=False),
        # SQLite stores times as text and compares them as text: one offset (UTC) keeps the order right.
        now=now.astimezone(UTC),
    )


async def queue(messages: Sequence[NewMessage], *, connection: BaseDBAsyncClient | None = None) -> None:
    """Insert the messages, skipping any whose key is already queued and any without an address.

    Runs in the caller's transaction: inside `async with in_transaction():` Tortoise puts the
    transaction's client in a context variable, and `connections.get("default")` returns it.
    """
    rows: dict[str, NewMessage] = {}
    for message in messages:
        if message.to_addr:  # a unit with no e-mail on file: nothing to send
            rows.setdefault(message.key, message)
    if not rows:
        return
    conn = connection or connections.get("default")
    batch = list(rows.values())
    for start in range(0, len(batch), _ROWS_PER_STATEMENT):
        chunk = batch[start : start + _ROWS_PER_STATEMENT]
        width = len(OUTBOX_COLUMNS)
        rows_sql = ", ".join(f"({marks(width, first=1 + n * width)})" for n in range(len(chunk)))
        sql = insert_select_sql(f"VALUES {rows_sql}")
        await conn.execute_query(dialect_sql(conn, sql), [value for m in chunk for value in m.values()])


def insert_select_sql(select_sql: str) -> str:
    """`INSERT INTO outbox_message (OUTBOX_COLUMNS) <select_sql> ON CONFLICT (key) DO NOTHING`: the one
    INSERT into the outbox; `select_sql` is a SELECT or VALUES yielding OUTBOX_COLUMNS in order.

    On SQLite a SELECT needs a WHERE clause (write `WHERE true` if it has none): without one,
    SQLite's parser reads ON CONFLICT as the ON of a join.
    """
    return (
        f"INSERT INTO outbox_message ({', '.join(OUTBOX_COLUMNS)}) {select_sql} ON CONFLICT (key) DO NOTHING"
    )


# The columns a message row brings; the rest are those of a new message.
MESSAGE_COLUMNS = ("key", "kind", "to_addr", "to_name", "thread", "context")


def insert_rows_sql(source: str, *, now: str = "$1", context: str = "m.context") -> str:
    """Queue the rows of `source` — `FROM <subquery, unnest or joins> AS m`, with no WHERE of its own,
    whose rows `m` have MESSAGE_COLUMNS — as new pending messages due at `now` (an SQL expression).

    `context` is the expression for the context column (`m.context::jsonb` when the rows carry JSON
    text to PostgreSQL). Rows without an address are left out here, once for every caller (which
    also gives SQLite the WHERE it needs before ON CONFLICT).
    """
    columns = ", ".join(f"m.{c}" for c in MESSAGE_COLUMNS[:-1])
    return insert_select_sql(
        f"SELECT {columns}, {context}, 'pending', 0, {now}, '', '', {now} {source}"
        " WHERE m.to_addr IS NOT NULL AND m.to_addr <> ''"
    )


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)  # Decimal, UUID, enums with str values: what a template would print anyway
