"""Recording delivery results: the statement, and a worker's batch of results waiting for it."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from notifications.sql import is_postgres
from notifications.witness import Witness

SENT = (
    "UPDATE outbox_message SET status = 'sent', attempts = attempts + 1, sent_at = $1, message_id = $2,"
    " context = COALESCE($3, context), lease_until = NULL, last_error = '' WHERE id = $4"
)
# With a witness (PostgreSQL), results are written RECORD_BATCH at a time in one statement over arrays
# (one round trip, one plan and one commit for the batch instead of one each: on a small machine the database's commits and the socket
# writes were most of what delivery cost beyond the SMTP dialogue itself). Safe because the witness
# has every 250 already and records those rows if this process dies before the batch commits; rows
# stay in `held` (their lease renewed) until their batch is written. RECORD_SECONDS bounds how long a
# result waits when the server is slow.
SENT_BATCH = """
UPDATE outbox_message AS o SET status = 'sent', attempts = o.attempts + 1, sent_at = v.sent_at,
    message_id = v.message_id, context = COALESCE(v.context, o.context), lease_until = NULL, last_error = ''
FROM unnest($1::timestamptz[], $2::text[], $3::jsonb[], $4::bigint[]) AS v(sent_at, message_id, context, id)
WHERE o.id = v.id
"""  # the rows of SENT's parameters, column by column
RECORD_BATCH = 16
RECORD_SECONDS = 0.25


@dataclass
class Batch:
    """A worker's results waiting for one SENT_BATCH."""

    values: list[list[Any]] = field(default_factory=list)
    rows: list[tuple[int | None, int]] = field(default_factory=list)  # (witness channel, row id)
    since: float = 0.0  # when the oldest was added

    def add(self, values: list[Any], channel: int | None, row_id: int, now: float) -> None:
        if not self.values:
            self.since = now
        self.values.append(values)
        self.rows.append((channel, row_id))

    def take(self) -> Batch:
        taken = Batch(self.values, self.rows, self.since)
        self.values, self.rows = [], []
        return taken


async def settle(recording: list[asyncio.Task[None]]) -> None:
    """Let a result's statement finish before its connection is released (a worker that failed)."""
    while recording:
        with contextlib.suppress(Exception):
            await recording.pop()


def witness_for(conn: BaseDBAsyncClient) -> Witness | None:
    """The process's witness, given where to record (PostgreSQL with a plain password only)."""
    if not is_postgres(conn):
        return None
    dsn = {k: getattr(conn, k, None) for k in ("host", "port", "user", "password", "database")}
    if not dsn["database"] or not isinstance(dsn["password"], (str, type(None))):
        return None
    return Witness.for_database(dsn)
