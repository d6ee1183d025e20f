"""The deadline sweep with time travel: each step once, stale steps skipped, answered items silent."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, date, datetime

import pytest

from feedback import db
from feedback.deadlines.models import DeadlineStep
from feedback.deadlines.services import set_calendar_exception
from feedback.deadlines.sweep import sweep
from notifications.models import OutboxMessage
from tests.helpers import citizen_body, staff_headers


def at(y: int, m: int, d: int, hh: int = 9) -> datetime:
    """hh o'clock Hanoi time (UTC+7) as UTC."""
    return datetime(y, m, d, hh - 7, 0, tzinfo=UTC) if hh >= 7 else datetime(y, m, d - 1, hh + 17, tzinfo=UTC)


async def sent_kinds() -> Counter:
    return Counter(
        (m.kind, m.key.rsplit(":", 1)[-1]) for m in await OutboxMessage.filter(key__startswith="step:")
    )


async def test_ladder_fires_each_step_once(client, frozen_clock, settings) -> None:
    frozen_clock.set(at(2026, 11, 24))
    created = (await client.post("/api/v1/feedback", json=citizen_body())).json()
    # Received Tuesday 24/11 (a working day: official_calendar.csv), 10 working days end on Tuesday 8/12.
    assert created["due_at"].startswith("2026-12-08T16:59")

    # Two working days before the last day: nothing due yet, however often we sweep.
    for _ in range(3):
        report = await sweep(settings, now=at(2026, 12, 4, 16))
        assert report.fired == {}
    # The morning of the working day before the last day (an extension can still be asked): the
    # reminder, once; the last day brings nothing new.
    for _ in range(3):
        await sweep(settings, now=at(2026, 12, 7, 8))
    await sweep(settings, now=at(2026, 12, 8, 8))
    assert await sent_kinds() == Counter({("reminder", "unit"): 1})
    # The day after the deadline: the overdue notice to unit and head, the apology to the citizen.
    for _ in range(3):
        await sweep(settings, now=at(2026, 12, 9, 0))
    kinds = await sent_kinds()
    assert kinds[("overdue_unit", "unit")] == 1 and kinds[("overdue_unit", "head")] == 1
    assert kinds[("overdue_citizen", "citizen")] == 1
    # Two and five working days late: the parent unit's head, then the coordinator office.
    await sweep(settings, now=at(2026, 12, 11, 0))
    assert (await sent_kinds())[("escalate_parent", "parent_head")] == 1
    await sweep(settings, now=at(2026, 12, 16, 0))
    await sweep(settings, now=at(2026, 12, 31, 0))
    kinds = await sent_kinds()
    assert kinds[("escalate_coordinator", "coordinator")] == 1
    assert kinds[("escalate_coordinator", "coordinator_head")] == 1
    # The apology promised 5 working days after 9/12 (16/12): reminded on 15/12, missed after it.
    assert kinds[("promise_reminder", "unit")] == 1
    assert kinds[("promise_missed", "coordinator")] == kinds[("promise_missed", "head")] == 1
    assert sum(kinds.values()) == 7 + 1 + 3
    assert set(await DeadlineStep.all().values_list("status", flat=True)) == {"done"}

    tracked = (
        await client.get(f"/api/v1/feedback/{created['code']}", params={"token": created["token"]})
    ).json()
    public = [e["kind"] for e in tracked["timeline"]]
    # Reminders and escalations stay internal; the apology and the missed promise are the citizen's.
    assert public == ["received", "deadline_overdue", "apology", "deadline_promise_missed"]
    assert tracked["promise"]["day"] == "2026-12-16"


async def test_downtime_catch_up_skips_stale_reminder(client, frozen_clock, settings) -> None:
    frozen_clock.set(at(2026, 11, 23))
    await client.post("/api/v1/feedback", json=citizen_body())
    # The service was down for weeks; the first sweep after it finds everything due at once.
    report = await sweep(settings, now=at(2027, 1, 11))
    assert report.skipped == 1
    assert report.fired == {"overdue": 1, "escalate_parent": 1, "escalate_coordinator": 1}
    kinds = await sent_kinds()
    assert ("reminder", "unit") not in kinds
    assert sum(kinds.values()) == 6
    assert (await sweep(settings, now=at(2027, 1, 12))).messages == 0


async def test_answered_item_stays_silent(client, frozen_clock, settings) -> None:
    frozen_clock.set(at(2026, 11, 23))
    created = (await client.post("/api/v1/feedback", json=citizen_body())).json()
    officer = await staff_headers(client, "canbo@test.vn", "officer", "P-09556-KT")
    answered = await client.post(
        f"/api/v1/staff/feedback/{created['code']}/answer",
        json={"answer": "Đơn vị đã bố trí thu gom rác tại ngõ 12 trong ngày 24/11."},
        headers=officer,
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "answered"
    report = await sweep(settings, now=at(2027, 1, 11))
    assert report.fired == {} and await sent_kinds() == Counter()
    assert set(await DeadlineStep.all().values_list("status", flat=True)) == {"cancelled"}


async def test_dry_run_changes_nothing(client, frozen_clock, settings) -> None:
    frozen_clock.set(at(2026, 11, 23))
    created = (await client.post("/api/v1/feedback", json=citizen_body())).json()
    before = await OutboxMessage.all().count()
    report = await sweep(settings, now=at(2027, 1, 11), dry_run=True)
    assert report.fired == {"overdue": 1, "escalate_parent": 1, "escalate_coordinator": 1}
    assert {(r["thread"], r["kind"]) for r in report.preview} >= {
        (created["code"], "overdue_citizen"),
        (created["code"], "escalate_coordinator"),
    }
    assert await OutboxMessage.all().count() == before
    assert set(await DeadlineStep.all().values_list("status", flat=True)) == {"pending"}


async def test_coordinator_exception_moves_the_deadline(client, frozen_clock) -> None:
    frozen_clock.set(at(2026, 11, 24))
    before = (await client.post("/api/v1/feedback", json=citizen_body())).json()
    # A coordinator declares Friday 27/11 a day off (say, a local event): later items count past it.
    await set_calendar_exception(date(2026, 11, 27), working=False, note="Nghỉ bù")
    after = (await client.post("/api/v1/feedback", json=citizen_body())).json()
    assert before["due_at"].startswith("2026-12-08")
    assert after["due_at"].startswith("2026-12-09")


@pytest.mark.skipif(
    "not __import__('os').environ.get('PAKN_TEST_DATABASE_URL')", reason="row locks need PostgreSQL"
)
async def test_concurrent_sweepers_send_each_step_once(client, frozen_clock, settings) -> None:
    frozen_clock.set(at(2026, 11, 23))
    for _ in range(40):
        assert (await client.post("/api/v1/feedback", json=citizen_body())).status_code == 201
    now = at(2027, 1, 11)
    # Four sweeps at once, each on its own pooled connection and transaction.
    reports = await asyncio.gather(*(sweep(settings, now=now) for _ in range(4)))
    fired = Counter()
    for report in reports:
        fired.update(report.fired)
    assert fired == {"overdue": 40, "escalate_parent": 40, "escalate_coordinator": 40}
    rows = await db.fetch("SELECT key, COUNT(*) AS n FROM outbox_message GROUP BY key HAVING COUNT(*) > 1")
    assert rows == []
    assert sum((await sent_kinds()).values()) == 40 * 6
