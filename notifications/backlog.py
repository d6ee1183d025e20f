"""How much mail is waiting: the outbox's backlog, for /health (and anyone who monitors delivery);
and the outbox's totals by state, for /metrics (`totals`).

A message waits while it is `pending` (due now, or retrying later after a temporary failure) or
`sending` (claimed by a delivery run). Its age counts from `created_at`, when it was queued, so a
message that keeps failing and retrying shows as stuck. Only counts and one time: no address, no text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise import connections

from notifications.sql import dialect_sql

WAITING = ("pending", "sending")
STATES = ("pending", "sending", "sent", "failed")


@dataclass(frozen=True)
class Backlog:
    pending: int
    oldest_pending_seconds: float | None  # None when nothing waits


async def backlog(now: datetime) -> Backlog:
    """One aggregate query over `outbox_message` (index-free: the backlog is small when healthy)."""
    conn = connections.get("default")
    rows = await conn.execute_query_dict(
        dialect_sql(
            conn,
            "SELECT COUNT(*) AS pending, MIN(created_at) AS oldest FROM outbox_message"
            " WHERE status IN ($1, $2)",
        ),
        list(WAITING),
    )
    pending, oldest = int(rows[0]["pending"] or 0), _utc(rows[0]["oldest"])
    if oldest is None:
        return Backlog(pending, None)
    return Backlog(pending, max(0.0, (now.astimezone(UTC) - oldest).total_seconds()))


@dataclass(frozen=True)
class Totals:
    """The whole outbox by state, and what delivery did so far: counts that only grow, because no
    outbox row is ever deleted (`pakn retention` clears addresses and texts, never the row, its status
    or its attempts)."""

    messages: dict[str, int]  # every state of STATES, 0 when none
    attempts: int  # every try so far, over all messages
    oldest_waiting: datetime | None

    @property
    def sent(self) -> int:
        return self.messages["sent"]

    @property
    def given_up(self) -> int:
        """Messages that failed for good (a 5xx, or too many temporary failures): not retried."""
        return self.messages["failed"]

    @property
    def retried(self) -> int:
        """Tries that failed for a while (server down, 4xx) and were put back for a later try: every
        try except the one that ended in `sent` or `failed`. A claimed message (`sending`) has not
        counted its try yet."""
        return max(0, self.attempts - self.messages["sent"] - self.messages["failed"])

    def backlog(self, now: datetime) -> Backlog:
        """The same backlog as `backlog()`, from these totals."""
        waiting = sum(self.messages[state] for state in WAITING)
        if self.oldest_waiting is None:
            return Backlog(waiting, None)
        return Backlog(waiting, max(0.0, (now.astimezone(UTC) - self.oldest_waiting).total_seconds()))


async def totals() -> Totals:
    """One aggregate over the whole outbox, a scan (about 0.7 s over 2.3 million messages on a busy
    2-core machine: bench/README.md, Metrics); /metrics runs it once per scrape."""
    conn = connections.get("default")
    rows = await conn.execute_query_dict(
        "SELECT status, COUNT(*) AS n, SUM(attempts) AS attempts, MIN(created_at) AS oldest"
        " FROM outbox_message GROUP BY status"
    )
    messages = dict.fromkeys(STATES, 0)
    attempts, oldest = 0, []
    for row in rows:
        messages[row["status"]] = messages.get(row["status"], 0) + int(row["n"])
        attempts += int(row["attempts"] or 0)
        if row["status"] in WAITING and row["oldest"] is not None:
            oldest.append(_utc(row["oldest"]))
    return Totals(messages, attempts, min(oldest, default=None))


def _utc(value: datetime | str | None) -> datetime | None:
    """A stored time as an aware UTC datetime (SQLite hands aggregates back as ISO text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
