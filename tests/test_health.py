"""/health: 200 only when the database answers, a sweep ran in the last 5 minutes and no mail has waited
an hour; each rule on its own turns it into a 503 (feedback/health.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from feedback import clock, db, health
from scheduler.jobs import deliver_job, sweep_job
from tests.helpers import citizen_body


async def test_healthy_after_a_sweep_with_mail_delivered(client, frozen_clock, settings, mailbox) -> None:
    assert (await client.post("/api/v1/feedback", json=citizen_body())).status_code == 201
    await sweep_job(settings)
    await deliver_job(settings)
    frozen_clock.advance(minutes=4)
    response = await client.get("/health")
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "scheduler": {"last_sweep": "2026-11-23T02:00:00+00:00", "seconds_since_last_sweep": 240},
        "outbox": {"pending": 0, "oldest_pending_seconds": None},
    }
    assert mailbox.messages  # the acknowledgement went out, so nothing waits


async def test_a_sweep_older_than_five_minutes_is_a_503(client, frozen_clock, settings) -> None:
    await sweep_job(settings)
    frozen_clock.advance(minutes=5, seconds=1)
    response = await client.get("/health")
    assert response.status_code == 503
    assert response.json()["problems"] == ["sweep"]
    assert response.json()["scheduler"]["seconds_since_last_sweep"] == 301
    await sweep_job(settings)  # the scheduler is back: healthy again
    assert (await client.get("/health")).status_code == 200


async def test_no_sweep_ever_is_allowed_for_five_minutes_after_start(client, frozen_clock) -> None:
    # The app was built at the frozen clock's time: the scheduler has 5 minutes to record a sweep.
    frozen_clock.advance(minutes=5)
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json()["scheduler"] == {"last_sweep": None, "seconds_since_last_sweep": None}
    frozen_clock.advance(seconds=1)
    response = await client.get("/health")
    assert response.status_code == 503 and response.json()["problems"] == ["sweep"]


async def test_mail_waiting_for_more_than_an_hour_is_a_503(client, frozen_clock, settings) -> None:
    # The citizen's acknowledgement is queued; no delivery runs, so it stays pending.
    assert (await client.post("/api/v1/feedback", json=citizen_body())).status_code == 201
    frozen_clock.advance(minutes=60)
    await sweep_job(settings)
    response = await client.get("/health")
    assert response.status_code == 200
    queued = (await db.fetch("SELECT COUNT(*) AS n FROM outbox_message"))[0]["n"]
    assert response.json()["outbox"] == {"pending": queued, "oldest_pending_seconds": 3600}
    frozen_clock.advance(seconds=1)
    await sweep_job(settings)
    response = await client.get("/health")
    assert response.status_code == 503
    assert response.json()["problems"] == ["outbox"]
    assert "@" not in response.text  # counts and times only, never an address


async def test_a_database_that_does_not_answer_is_a_503(client, monkeypatch) -> None:
    async def silent(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        await _forever()

    monkeypatch.setattr(health, "DATABASE_TIMEOUT", 0.05)
    monkeypatch.setattr(health.db, "fetch", silent)
    response = await client.get("/health")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable", "problems": ["database"]}


async def _forever() -> None:
    import asyncio

    await asyncio.Event().wait()


@pytest.mark.parametrize("minutes, stale", [(4, False), (6, True)])
def test_the_rules_are_pure(minutes: int, stale: bool) -> None:
    now = clock.now()
    facts = health.Facts(True, now - timedelta(minutes=minutes), None)
    assert health.problems(facts, now=now, started_at=now) == (["sweep"] if stale else [])


async def test_the_last_sweep_is_shared_through_the_database(database_clean, frozen_clock) -> None:
    assert await health.last_sweep() is None
    await health.record_sweep(clock.now())
    rows = await db.fetch("SELECT key FROM store_entry")
    assert [r["key"] for r in rows] == ["health:last_sweep"]
    assert await health.last_sweep() == clock.now()
