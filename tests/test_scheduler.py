"""The scheduler's jobs: thin calls into the sweep and the delivery, safe to run on every tick."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from feedback import clock
from scheduler.jobs import (
    build_scheduler,
    deliver_job,
    digest_job,
    retention_job,
    start_background,
    sweep_job,
)
from tests.helpers import citizen_body, staff_headers


async def test_jobs_sweep_and_deliver(client, frozen_clock, settings, mailbox) -> None:
    desk = await staff_headers(client, "motcua@test.vn", "desk", "TT-HCC")
    body = citizen_body(channel="postal", received_at=(clock.now() - timedelta(weeks=6)).isoformat())
    assert (await client.post("/api/v1/staff/feedback", json=body, headers=desk)).status_code == 201
    for _ in range(3):  # ticks repeat; nothing is sent twice
        await sweep_job(settings)
        await deliver_job(settings)
    assert len(mailbox.messages) == 8


async def test_delivery_job_survives_a_mail_server_that_is_down(client, settings, mailbox) -> None:
    assert (await client.post("/api/v1/feedback", json=citizen_body())).status_code == 201
    down = dataclasses.replace(settings, smtp=dataclasses.replace(settings.smtp, port=1))
    await deliver_job(down)  # logs and returns; the messages wait in the outbox
    assert mailbox.messages == []


async def test_scheduler_ticks_sweep_and_delivery(settings) -> None:
    scheduler = build_scheduler(settings)
    assert {job.id for job in scheduler.get_jobs()} == {
        "sweep",
        "deliver",
        "digest",
        "retention",
        "monthly_report",
    }
    runner = await start_background(settings)
    assert runner is not None and runner.scheduler.running
    await runner.stop()
    assert await start_background(dataclasses.replace(settings, scheduler=False)) is None


async def test_the_digest_job_queues_the_daily_digest_once(client, frozen_clock, settings) -> None:
    from datetime import UTC, datetime

    from notifications.models import OutboxMessage

    await client.post("/api/v1/feedback", json=citizen_body())
    frozen_clock.set(datetime(2026, 12, 10, 1, 0, tzinfo=UTC))  # Thursday 08:00 in Hanoi, the item late
    await digest_job(settings)
    await digest_job(settings)  # at start-up and at 07:30, say: still one
    assert await OutboxMessage.filter(kind="digest").count() == 1


async def test_retention_runs_on_the_first_of_each_month_at_two_in_the_night(
    client, frozen_clock, settings
) -> None:
    from datetime import UTC, datetime

    from feedback.items.models import FeedbackItem
    from tests.publication.support import answer, head_of

    job = build_scheduler(settings).get_job("retention")
    after = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    first = job.trigger.get_next_fire_time(None, after)
    assert first.astimezone(settings.tz).replace(tzinfo=None) == datetime(2026, 12, 1, 2, 0)
    second = job.trigger.get_next_fire_time(first, first + timedelta(seconds=1))
    assert second.astimezone(settings.tz).replace(tzinfo=None) == datetime(2027, 1, 1, 2, 0)

    code = (await client.post("/api/v1/feedback", json=citizen_body())).json()["code"]
    await answer(
        client,
        code,
        "Phường đã xử lý xong việc này.",
        await head_of(client, "P-09556-KT", "Đỗ Vinh", "v@hd.vn"),
    )
    frozen_clock.advance(days=settings.retention_days + 1)
    await retention_job(settings)
    await retention_job(settings)  # a repeat finds nothing left
    item = await FeedbackItem.get(code=code)
    assert item.anonymised_at is not None and item.citizen_name == ""
