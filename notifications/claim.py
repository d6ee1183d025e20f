"""Claiming due outbox rows for delivery: a chunk at a time, leased, never to two processes at once."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from notifications.message import Outgoing
from notifications.sql import dialect_sql, is_postgres

_CLAIM = """
UPDATE outbox_message SET status = 'sending', lease_until = $1
WHERE id IN (
    SELECT id FROM outbox_message
    WHERE (status = 'pending' AND next_attempt_at <= $2) OR (status = 'sending' AND lease_until < $2)
    ORDER BY next_attempt_at, id
    LIMIT $3{lock}
)
RETURNING id, key, kind, to_addr, to_name, thread, context, attempts
"""


async def claim(
    conn: BaseDBAsyncClient, *, now: datetime, limit: int, lease_until: datetime
) -> list[Outgoing]:
    # PostgreSQL: FOR UPDATE locks the chosen rows, so a second process delivering at the same moment
    # cannot claim them too (the outer UPDATE only checks `id IN`); SKIP LOCKED makes it take other rows
    # instead of waiting. SQLite has one writer at a time, so the UPDATE … RETURNING is atomic anyway.
    sql = _CLAIM.format(lock=" FOR UPDATE SKIP LOCKED" if is_postgres(conn) else "")
    found = await conn.execute_query_dict(dialect_sql(conn, sql), [lease_until, now, limit])
    rows = [outgoing(r) for r in found]
    rows.sort(key=lambda row: row.id)  # RETURNING has no order; oldest first
    return rows


def outgoing(row: Mapping[str, Any]) -> Outgoing:
    """An outbox row (its columns by name, the context as JSON text or decoded) as delivery sends it."""
    return Outgoing(
        id=row["id"],
        key=row["key"],
        kind=row["kind"],
        to_addr=row["to_addr"],
        to_name=row["to_name"] or "",
        thread=row["thread"] or "",
        context=_json(row["context"]),
        attempts=row.get("attempts", 0),
    )


def without_secrets(context: dict[str, Any]) -> str:
    """The context to keep once a message is done: the citizen's secret link must not stay behind."""
    return json.dumps({k: v for k, v in context.items() if not k.startswith("secret_")}, ensure_ascii=False)


def _json(value: Any) -> dict[str, Any]:
    # SQLite gives the JSON text; asyncpg gives jsonb as text too (Tortoise registers no codec).
    if isinstance(value, (str, bytes)):
        value = json.loads(value)
    return dict(value or {})
