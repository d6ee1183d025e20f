"""Recording delivery results: the statement, and a worker's batch of results waiting for it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient

from notifications.attachments import document_of
from notifications.message import Composed, Outgoing, compose
from notifications.sql import is_postgres
from notifications.witness import Witness

SENT = (
    "UPDATE outbox_message SET status = 'sent', attempts = attempts + 1, sent_at = $1, message_id = $2,"
    " context = COALESCE($3, context), lease_until = NULL, last_error = '' WHERE id = $4"
)
# With a witness, results are written RECORD_BATCH at a time in one executemany (one round trip and one
# commit for the batch instead of one each: on a small machine the database's commits and the socket
# writes were most of what delivery cost beyond the SMTP dialogue itself). Safe because the witness
# has every 250 already and records those rows if this process dies before the batch commits; rows
# stay in `held` (their lease renewed) until their batch is written. RECORD_SECONDS bounds how long a
# result waits when the server is slow.
RECORD_BATCH = 16
RECORD_SECONDS = 0.25


@dataclass
class Batch:
    """A worker's results waiting for one executemany."""

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


def compose_ahead(
    todo: Iterable[Outgoing],
    composed: dict[int, Composed],
    limit: int,
    mail_from: str,
    *,
    now: datetime,
    tz: ZoneInfo,
) -> None:
    """Compose the next queued message while one's dialogue is in flight: the server answers MAIL FROM,
    RCPT TO and DATA meanwhile, so rendering no longer adds to each message's round trips. Only
    messages without a document (those render asynchronously); one that cannot be built is left to
    delivery, which reports it."""
    if len(composed) >= limit:
        return
    row = next((r for r in todo if r.id not in composed), None)
    if row is None or document_of(row.context):
        return
    with contextlib.suppress(Exception):
        composed[row.id] = compose(row, mail_from, now=now, tz=tz)


def witness_for(conn: BaseDBAsyncClient) -> Witness | None:
    """The process's witness, given where to record (PostgreSQL with a plain password only)."""
    if not is_postgres(conn):
        return None
    dsn = {k: getattr(conn, k, None) for k in ("host", "port", "user", "password", "database")}
    if not dsn["database"] or not isinstance(dsn["password"], (str, type(None))):
        return None
    return Witness.for_database(dsn)
