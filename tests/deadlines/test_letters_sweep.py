"""Time travel through the ladder, reading the letters the sweep queues: each greets the recipient the
rung sends it to, and the coordinator office is told only the steps of the deadline that were sent
(SPEC §4: "a message states only what happened")."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from feedback.deadlines.sweep import sweep
from notifications.models import OutboxMessage
from notifications.render import Rendered, render
from tests.deadlines.test_sweep import at
from tests.helpers import citizen_body

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
REMINDED = "đã nhắc việc"


async def letter(kind: str, role: str) -> tuple[dict, Rendered]:
    message = await OutboxMessage.get(kind=kind, key__endswith=f":{role}")
    context = message.context if isinstance(message.context, dict) else json.loads(message.context)
    return context, render(kind, context, HANOI)


async def test_an_escalation_after_a_skipped_reminder_does_not_claim_it(
    client, frozen_clock, settings
) -> None:
    frozen_clock.set(at(2026, 11, 23))
    await client.post("/api/v1/feedback", json=citizen_body())
    # Down over the reminder's day: the first sweep finds the deadline passed, skips the stale reminder.
    report = await sweep(settings, now=at(2026, 12, 9, 0))
    assert report.skipped == 1 and report.fired == {"overdue": 1}
    await sweep(settings, now=at(2026, 12, 14, 0))  # two working days late: the parent unit's head
    await sweep(settings, now=at(2026, 12, 31, 0))  # five: the coordinator office and its head

    context, mailbox = await letter("escalate_coordinator", "coordinator")
    assert context["recipient"] == "coordinator"
    assert not context["sent_reminder"] and context["sent_overdue"] and context["sent_escalate_parent"]
    assert "Kính gửi: Văn phòng Ủy ban nhân dân Thành phố\n" in mailbox.text
    assert REMINDED not in mailbox.text and REMINDED not in mailbox.html
    assert "đã thông báo quá hạn" in mailbox.text
    # The unit is a ward's office; its parent, the ward's people's committee.
    assert "đã báo cáo lãnh đạo Ủy ban nhân dân phường Hà Đông" in mailbox.text
    _, head = await letter("escalate_coordinator", "coordinator_head")
    assert "Kính gửi: Chánh Văn phòng Ủy ban nhân dân Thành phố\n" in head.text
    assert "bộ phận theo dõi" not in head.text.lower() and REMINDED not in head.text

    _, parent = await letter("escalate_parent", "parent_head")
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân phường Hà Đông\n" in parent.text
    _, overdue_mailbox = await letter("overdue_unit", "unit")
    _, overdue_head = await letter("overdue_unit", "head")
    assert "Kính gửi: Lãnh đạo" not in overdue_mailbox.text
    assert overdue_head.text.startswith("Kính gửi: Trưởng phòng Kinh tế, Hạ tầng và Đô thị phường Hà Đông\n")
    assert overdue_mailbox.text.startswith("Kính gửi: Phòng Kinh tế, Hạ tầng và Đô thị phường Hà Đông\n")


async def test_an_escalation_names_the_reminder_that_was_sent(client, frozen_clock, settings) -> None:
    frozen_clock.set(at(2026, 11, 23))
    await client.post("/api/v1/feedback", json=citizen_body())
    await sweep(settings, now=at(2026, 12, 7, 8))  # the reminder, in time
    await sweep(settings, now=at(2026, 12, 31, 0))  # overdue and both escalations in one sweep
    context, mailbox = await letter("escalate_coordinator", "coordinator")
    # Steps fired by the same sweep count: on PostgreSQL the one statement does not see its own UPDATE.
    assert context["sent_reminder"] and context["sent_overdue"] and context["sent_escalate_parent"]
    assert f"{REMINDED} Phòng Kinh tế, Hạ tầng và Đô thị phường Hà Đông trước khi đến hạn" in mailbox.text
    _, reminder = await letter("reminder", "unit")
    assert reminder.text.startswith("Kính gửi: ") and "Lãnh đạo" not in reminder.text.splitlines()[0]
    assert "hết ngày " in reminder.text


async def test_after_downtime_the_coordinator_hears_only_of_the_same_sweeps_steps(
    client, frozen_clock, settings
) -> None:
    frozen_clock.set(at(2026, 11, 23))
    await client.post("/api/v1/feedback", json=citizen_body())
    await sweep(settings, now=at(2027, 1, 11))  # everything at once; the reminder is stale
    context, mailbox = await letter("escalate_coordinator", "coordinator")
    assert not context["sent_reminder"] and context["sent_overdue"] and context["sent_escalate_parent"]
    assert REMINDED not in mailbox.text
