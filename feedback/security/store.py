"""The key-value store in the database (`store_entry`) that every web process shares.

Litestar keeps rate limits, caches and server-side sessions in a per-process memory store unless it is
given a shared one; with several uvicorn workers each would count on its own. This store keeps them in
the service's database instead, and `hit()` counts in one statement so two processes cannot both read
"4" and both write "5".

Times come from `feedback.clock`, so tests travel in time; expired entries read as missing and are
deleted now and then (`delete_expired`).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from litestar.stores.base import NamespacedStore

from feedback import clock, db

_TABLE = "store_entry"
# How often one process sweeps out expired entries as a side effect of counting.
_PURGE_EVERY = timedelta(minutes=10)
_next_purge: datetime | None = None


class Counter(NamedTuple):
    """A counter after a hit: its value and the seconds until its window ends."""

    count: int
    retry_after: int


def _utc(value: datetime | str | None) -> datetime | None:
    """A stored expiry as an aware datetime (SQLite hands raw rows back as ISO text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(UTC)


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _seconds_until(moment: datetime, now: datetime) -> int:
    """Whole seconds left, rounded up, so a Retry-After never sends a client back too early."""
    return max(0, math.ceil((moment - now).total_seconds()))


def _now() -> datetime:
    return clock.now().astimezone(UTC)


def _count(column: str) -> str:
    """SQL for the integer kept in `column` as the bytes of its decimal digits."""
    if db.is_postgres():
        return f"convert_from({column}, 'UTF8')::bigint"
    return f"CAST(CAST({column} AS TEXT) AS INTEGER)"


def _stored(number: str) -> str:
    """SQL turning the integer expression `number` back into bytes for the `value` column."""
    if db.is_postgres():
        return f"convert_to(({number})::text, 'UTF8')"
    return f"CAST({number} AS BLOB)"


async def hit_counter(key: str, window_seconds: int) -> Counter:
    """Add one to the counter `key` and return it, starting a new window when the last one ended.

    One statement (INSERT … ON CONFLICT DO UPDATE … RETURNING): atomic on PostgreSQL (row lock) and
    SQLite (one writer), so processes sharing the database share one exact count. The window is fixed:
    it starts at the first hit and does not slide with later ones.
    """
    now = _now()
    fresh_expiry = now + timedelta(seconds=window_seconds)
    live = "store_entry.expires_at IS NOT NULL AND store_entry.expires_at > $4"
    rows = await db.fetch(
        f"INSERT INTO {_TABLE} (key, value, expires_at) VALUES ($1, $2, $3)"
        " ON CONFLICT (key) DO UPDATE SET"
        f" value = CASE WHEN {live} THEN {_stored(_count('store_entry.value') + ' + 1')} ELSE excluded.value END,"
        f" expires_at = CASE WHEN {live} THEN store_entry.expires_at ELSE excluded.expires_at END"
        " RETURNING value, expires_at",
        key,
        b"1",
        fresh_expiry,
        now,
    )
    await _maybe_purge(now)
    expires_at = _utc(rows[0]["expires_at"]) or fresh_expiry
    return Counter(int(rows[0]["value"]), _seconds_until(expires_at, now))


async def hit(key: str, window_seconds: int) -> int:
    """Add one to the counter `key` (see `hit_counter`) and return the new count."""
    return (await hit_counter(key, window_seconds)).count


async def release(key: str) -> None:
    """Take back one hit of a live counter (never below zero), e.g. a login slot that was not misused."""
    await db.execute(
        f"UPDATE {_TABLE} SET value = {_stored(_count('value') + ' - 1')}"
        f" WHERE key = $1 AND expires_at > $2 AND {_count('value')} > 0",
        key,
        _now(),
    )


async def delete_expired() -> int:
    """Delete entries whose time is up; they already read as missing, this only frees the space."""
    return await db.execute(f"DELETE FROM {_TABLE} WHERE expires_at <= $1", _now())


async def _maybe_purge(now: datetime) -> None:
    # Every address that files feedback leaves a counter behind; without a sweep the table would only
    # grow. Once per process every few minutes is plenty, and needs no extra scheduled job.
    global _next_purge
    if _next_purge is not None and now < _next_purge:
        return
    _next_purge = now + _PURGE_EVERY
    await delete_expired()


class DatabaseStore(NamespacedStore):
    """A Litestar Store on the `store_entry` table; each namespace is a key prefix `name:`."""

    __slots__ = ()

    def __init__(self, namespace: str | None = None) -> None:
        self.namespace = namespace

    def with_namespace(self, namespace: str) -> DatabaseStore:
        return DatabaseStore(f"{self.namespace}:{namespace}" if self.namespace else namespace)

    def _key(self, key: str) -> str:
        return f"{self.namespace}:{key}" if self.namespace else key

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        if isinstance(value, str):
            value = value.encode("utf-8")
        expires_at = _now() + timedelta(seconds=_seconds(expires_in)) if expires_in is not None else None
        await db.execute(
            f"INSERT INTO {_TABLE} (key, value, expires_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
            self._key(key),
            value,
            expires_at,
        )

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        now = _now()
        if renew_for is not None:
            # Renewing only applies to values that expire; one statement reads and renews.
            rows = await db.fetch(
                f"UPDATE {_TABLE} SET expires_at = $3 WHERE key = $1 AND expires_at > $2 RETURNING value",
                self._key(key),
                now,
                now + timedelta(seconds=_seconds(renew_for)),
            )
            if rows:
                return _bytes(rows[0]["value"])
        rows = await db.fetch(
            f"SELECT value FROM {_TABLE} WHERE key = $1 AND (expires_at IS NULL OR expires_at > $2)",
            self._key(key),
            now,
        )
        return _bytes(rows[0]["value"]) if rows else None

    async def delete(self, key: str) -> None:
        await db.execute(f"DELETE FROM {_TABLE} WHERE key = $1", self._key(key))

    async def delete_all(self) -> None:
        """Delete every value of this namespace and its children (everything when it has none)."""
        if not self.namespace:
            await db.execute(f"DELETE FROM {_TABLE}")
            return
        prefix = f"{self.namespace}:"
        # substr rather than LIKE: a namespace may contain % or _.
        await db.execute(f"DELETE FROM {_TABLE} WHERE substr(key, 1, $2) = $1", prefix, len(prefix))

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        now = _now()
        rows = await db.fetch(
            f"SELECT expires_at FROM {_TABLE} WHERE key = $1 AND expires_at > $2", self._key(key), now
        )
        expires_at = _utc(rows[0]["expires_at"]) if rows else None
        return _seconds_until(expires_at, now) if expires_at else None

    async def hit(self, key: str, window_seconds: int) -> Counter:
        """`hit_counter` on this namespace's key."""
        return await hit_counter(self._key(key), window_seconds)


def _bytes(value: Any) -> bytes:
    if isinstance(value, str):  # a SQLite BLOB column can hold text written by hand
        return value.encode("utf-8")
    return bytes(value)


def store_factory(name: str) -> DatabaseStore:
    """For Litestar's StoreRegistry: every named store (rate limits, sessions…) lives in the database."""
    return DatabaseStore(namespace=name)
