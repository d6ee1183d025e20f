"""How much mail is waiting: the outbox's backlog, for /health (and anyone who monitors delivery).

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


def _utc(value: datetime | str | None) -> datetime | None:
    """A stored time as an aware UTC datetime (SQLite hands aggregates back as ISO text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
