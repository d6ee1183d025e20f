"""The store in the database: Litestar's Store contract, expiry on the injected clock, atomic counters."""

from __future__ import annotations

import asyncio

from feedback import db
from feedback.security import store
from feedback.security.store import DatabaseStore


async def test_values_expire_on_the_clock(database_clean, frozen_clock) -> None:
    sessions = DatabaseStore("sessions")
    await sessions.set("a", "giá trị", expires_in=60)
    await sessions.set("b", b"\x00\x01", expires_in=None)
    assert await sessions.get("a") == "giá trị".encode()
    assert await sessions.get("b") == b"\x00\x01"
    assert await sessions.expires_in("a") == 60
    assert await sessions.expires_in("b") is None  # no expiry set
    assert await sessions.exists("a")

    frozen_clock.advance(seconds=59)
    assert await sessions.expires_in("a") == 1
    frozen_clock.advance(seconds=1)
    assert await sessions.get("a") is None  # expired reads as missing
    assert not await sessions.exists("a")
    assert await sessions.expires_in("a") is None
    assert await sessions.get("b") == b"\x00\x01"


async def test_set_replaces_and_renew_extends(database_clean, frozen_clock) -> None:
    sessions = DatabaseStore("sessions")
    await sessions.set("k", "one", expires_in=10)
    await sessions.set("k", "two", expires_in=30)
    assert await sessions.get("k", renew_for=100) == b"two"
    assert await sessions.expires_in("k") == 100
    frozen_clock.advance(seconds=99)
    assert await sessions.get("k") == b"two"
    # renew_for is a no-op for a value stored without expiry, and never revives an expired one.
    await sessions.set("forever", "x")
    assert await sessions.get("forever", renew_for=5) == b"x"
    assert await sessions.expires_in("forever") is None
    frozen_clock.advance(seconds=2)
    assert await sessions.get("k", renew_for=100) is None


async def test_namespaces_are_isolated(database_clean) -> None:
    root = DatabaseStore("app")
    limits, sessions = root.with_namespace("limits"), root.with_namespace("sessions")
    other = DatabaseStore("other")
    for namespaced in (limits, sessions, other):
        await namespaced.set("same-key", namespaced.namespace or "")
    assert await limits.get("same-key") == b"app:limits"
    await limits.delete("same-key")
    assert await limits.get("same-key") is None
    assert await sessions.get("same-key") == b"app:sessions"

    await limits.set("x", "1")
    await root.delete_all()  # a parent's delete_all reaches its children, not other namespaces
    assert await sessions.get("same-key") is None and await limits.get("x") is None
    assert await other.get("same-key") == b"other"


async def test_hit_counts_within_a_window_then_starts_again(database_clean, frozen_clock) -> None:
    assert [await store.hit("c", 60) for _ in range(3)] == [1, 2, 3]
    frozen_clock.advance(seconds=45)
    counter = await store.hit_counter("c", 60)
    assert counter == (4, 15)  # the window is fixed at the first hit: 15 s left
    frozen_clock.advance(seconds=15)
    assert await store.hit_counter("c", 60) == (1, 60)


async def test_release_gives_one_hit_back_but_never_below_zero(database_clean, frozen_clock) -> None:
    await store.hit("r", 60)
    await store.hit("r", 60)
    await store.release("r")
    assert await store.hit("r", 60) == 2
    await store.release("r")
    await store.release("r")
    await store.release("r")  # already at zero
    assert await store.hit("r", 60) == 1
    await store.release("missing")  # no row: nothing to do
    assert await DatabaseStore().get("missing") is None


async def test_parallel_hits_never_lose_a_count(database_clean, frozen_clock) -> None:
    # On PostgreSQL these run on several pooled connections at once: a read-then-write counter would
    # hand out the same number twice; one INSERT … ON CONFLICT DO UPDATE … RETURNING cannot.
    counts = await asyncio.gather(*(store.hit("parallel", 60) for _ in range(40)))
    assert sorted(counts) == list(range(1, 41))


async def test_expired_entries_are_swept(database_clean, frozen_clock) -> None:
    await store.hit("old", 60)
    await DatabaseStore().set("kept", "v")
    frozen_clock.advance(seconds=61)
    assert await store.delete_expired() == 1
    rows = await db.fetch("SELECT key FROM store_entry ORDER BY key")
    assert [r["key"] for r in rows] == ["kept"]
