"""Progress checkpoints (SPEC §4: a complex item needs a progress note at least every 7 working days),
with time travel and the mails in a real SMTP server.

Filed on Monday 23/11/2026 09:00 (the frozen clock's start) as `complex`: 20 working days end on Monday
21/12; the checkpoints fall at the end of the 7th and 14th working day, Wednesday 2/12 and Friday 11/12.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from feedback.deadlines.models import DeadlineStep
from feedback.deadlines.sweep import sweep
from feedback.items.models import Event, FeedbackItem
from notifications.models import OutboxMessage
from tests.helpers import body_text, citizen_body, deliver_all, login, staff_headers, unit_addresses

HADONG = "P-09556-KT"  # where citizen_body() routes
SUBJECT = "Nhắc cập nhật tiến độ"


def at(y: int, m: int, d: int, hh: int = 9) -> datetime:
    """hh o'clock Hanoi time (UTC+7, hh >= 7) as UTC."""
    return datetime(y, m, d, hh - 7, 0, tzinfo=UTC)


async def file(client, severity: str = "complex") -> dict:  # noqa: ANN001
    response = await client.post("/api/v1/feedback", json=citizen_body(severity=severity))
    assert response.status_code == 201, response.text
    return response.json()


async def act(client, code: str, action: str, headers: dict, **body) -> dict:  # noqa: ANN001, ANN003
    response = await client.post(f"/api/v1/staff/feedback/{code}/{action}", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def progress_mail() -> Counter:
    """Progress reminders queued, by (checkpoint, recipient role)."""
    rows = await OutboxMessage.filter(kind="progress_reminder")
    steps = {s.id: s.kind for s in await DeadlineStep.all()}
    return Counter((steps[int(m.key.split(":")[1])], m.key.rsplit(":", 1)[-1]) for m in rows)


async def checkpoints(code: str) -> dict[str, str]:
    item = await FeedbackItem.get(code=code)
    rows = await DeadlineStep.filter(item_id=item.id, kind__startswith="progress_")
    return {s.kind: s.status for s in rows}


async def progress_events(code: str) -> list[Event]:
    item = await FeedbackItem.get(code=code)
    return await Event.filter(item_id=item.id, kind="deadline_progress")


async def test_a_silent_complex_item_is_reminded_once_at_the_checkpoint(
    client, frozen_clock, settings, mailbox
) -> None:
    created = await file(client)
    assert created["due_at"].startswith("2026-12-21T16:59")
    steps = await checkpoints(created["code"])
    assert steps == {"progress_1": "pending", "progress_2": "pending"}  # the 21st day is past the deadline

    # The last day of the first period: not yet, however often the sweep runs.
    for _ in range(3):
        assert "progress" not in (await sweep(settings, now=at(2026, 12, 2, 16))).fired
    # Seven working days passed with nothing recorded: the unit is reminded, once.
    reports = [await sweep(settings, now=at(2026, 12, 3, 8)) for _ in range(3)]
    assert [r.fired.get("progress", 0) for r in reports] == [1, 0, 0]
    assert await progress_mail() == Counter({("progress_1", "unit"): 1})  # no officer assigned yet
    assert await checkpoints(created["code"]) == {"progress_1": "done", "progress_2": "pending"}
    [event] = await progress_events(created["code"])
    assert event.public is False and event.actor_id is None and "cập nhật tiến độ" in event.message

    frozen_clock.set(at(2026, 12, 3, 8))
    await deliver_all(settings)
    unit_mail, _ = await unit_addresses(HADONG)
    [reminder] = [m for m in mailbox.to(unit_mail) if SUBJECT in str(m["Subject"])]
    assert str(reminder["Subject"]).startswith(f"[{created['code']}] Nhắc cập nhật tiến độ xử lý")
    text = body_text(reminder)
    assert "từ 09 giờ 00, ngày 23/11/2026 đến nay chưa có ghi nhận tiến độ xử lý" in text
    assert f"/staff/feedback/{created['code']}" in text

    # The citizen never sees it.
    tracked = await client.get(f"/api/v1/feedback/{created['code']}", params={"token": created["token"]})
    assert "deadline_progress" not in [e["kind"] for e in tracked.json()["timeline"]]


async def test_a_note_before_the_checkpoint_skips_it(client, frozen_clock, settings) -> None:
    created = await file(client)
    officer = await staff_headers(client, "canbo@hadong.vn", "officer", HADONG)
    frozen_clock.set(at(2026, 12, 1, 15))
    officer = await login(client, "canbo@hadong.vn")
    await act(client, created["code"], "note", officer, text="Đã làm việc với công ty môi trường đô thị.")

    report = await sweep(settings, now=at(2026, 12, 3, 8))
    assert "progress" not in report.fired and report.skipped == 1
    assert await checkpoints(created["code"]) == {"progress_1": "skipped", "progress_2": "pending"}
    assert await progress_mail() == Counter() and await progress_events(created["code"]) == []
    # The note does not count for the next period: silence after 2/12 is reminded on 11/12.
    await sweep(settings, now=at(2026, 12, 12, 8))
    assert await progress_mail() == Counter({("progress_2", "unit"): 1})


async def test_the_assigned_officer_is_reminded_too(client, frozen_clock, settings, mailbox) -> None:
    created = await file(client)
    officer = await staff_headers(client, "canbo@hadong.vn", "officer", HADONG)
    # Accepting (an hour after receipt) is progress: the first period is covered; the second passes
    # in silence.
    frozen_clock.set(at(2026, 11, 23, 10))
    await act(client, created["code"], "accept", officer, classification="authority")
    await sweep(settings, now=at(2026, 12, 3, 8))
    await sweep(settings, now=at(2026, 12, 12, 8))
    assert await checkpoints(created["code"]) == {"progress_1": "skipped", "progress_2": "done"}
    assert await progress_mail() == Counter({("progress_2", "unit"): 1, ("progress_2", "officer"): 1})

    frozen_clock.set(at(2026, 12, 12, 8))
    await deliver_all(settings)
    [to_officer] = [m for m in mailbox.to("canbo@hadong.vn") if SUBJECT in str(m["Subject"])]
    # The second window opens where the first checkpoint closed (the end of 2/12).
    assert "từ sau ngày 02/12/2026 đến nay" in body_text(to_officer)


async def test_a_normal_item_has_no_checkpoints(client, frozen_clock, settings) -> None:
    created = await file(client, severity="normal")
    assert await checkpoints(created["code"]) == {}
    for day in (3, 10, 17, 31):
        report = await sweep(settings, now=at(2026, 12, day, 8))
        assert "progress" not in report.fired
    assert await progress_mail() == Counter()


async def test_a_new_deadline_replans_the_checkpoints(client, frozen_clock, settings) -> None:
    created = await file(client)
    await staff_headers(client, "lanhdao@hadong.vn", "head", HADONG)
    await sweep(settings, now=at(2026, 12, 3, 8))  # the first checkpoint fires (nothing recorded)
    frozen_clock.set(at(2026, 12, 4))
    head = await login(client, "lanhdao@hadong.vn")  # the head decides extensions (SPEC §4)
    await act(
        client, created["code"], "extend", head, due_date="2027-01-08", reason="Cần khảo sát hiện trường."
    )
    item = await FeedbackItem.get(code=created["code"])
    rows = await DeadlineStep.filter(item_id=item.id, kind__startswith="progress_").order_by(
        "deadline_no", "kind"
    )
    # The old deadline's pending checkpoint is cancelled, the one that fired stays; the new deadline
    # keeps the grid from the receipt (every 7 working days) and plans only what is still ahead.
    assert [(s.deadline_no, s.kind, s.status) for s in rows] == [
        (1, "progress_1", "done"),
        (1, "progress_2", "cancelled"),
        (2, "progress_2", "pending"),
        (2, "progress_3", "pending"),
        (2, "progress_4", "pending"),  # 31/12, before the new deadline of 8/1/2027
    ]
    # The extension is itself progress: the checkpoint of 11/12 is skipped, the next (22/12) fires.
    await sweep(settings, now=at(2026, 12, 12, 8))
    await sweep(settings, now=at(2026, 12, 23, 8))
    assert await progress_mail() == Counter({("progress_1", "unit"): 1, ("progress_3", "unit"): 1})
