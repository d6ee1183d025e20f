"""The daily digest: each working morning, one list of the unit's overdue items to its head, once."""

from __future__ import annotations

from datetime import UTC, date, datetime

from feedback import clock
from feedback.deadlines.digest import queue_digests
from feedback.directory.official_calendar import calendar_warning
from notifications.models import OutboxMessage
from tests.helpers import body_text, citizen_body, deliver_all, staff_headers, unit_addresses


async def test_each_head_gets_one_digest_of_overdue_items_a_working_morning(
    client, settings, frozen_clock, mailbox
) -> None:
    late = (await client.post("/api/v1/feedback", json=citizen_body(title="Rác thải ùn ứ ở ngõ 12"))).json()
    done = (await client.post("/api/v1/feedback", json=citizen_body(title="Đèn đường hỏng ở ngõ 5"))).json()
    elsewhere = (await client.post("/api/v1/feedback", json=citizen_body(commune="00070"))).json()
    officer = await staff_headers(client, "canbo@hadong.vn", "officer", "P-09556-KT")
    await client.post(
        f"/api/v1/staff/feedback/{done['code']}/answer", json={"answer": "Đã thay bóng đèn."}, headers=officer
    )
    await deliver_all(settings)
    mailbox.clear()

    frozen_clock.set(datetime(2026, 12, 10, 0, 0, tzinfo=UTC))  # Thursday 07:00 in Hanoi: too early
    assert await queue_digests(settings, now=clock.now()) == 0
    frozen_clock.set(datetime(2026, 12, 10, 1, 0, tzinfo=UTC))  # 08:00: two units have overdue items
    assert await queue_digests(settings, now=clock.now()) == 2
    assert await queue_digests(settings, now=clock.now()) == 0  # once a day, whatever runs it again
    await deliver_all(settings)

    _, hadong_head = await unit_addresses("P-09556-KT")
    [digest] = mailbox.to(hadong_head)
    text = body_text(digest)
    assert late["code"] in text and done["code"] not in text and elsewhere["code"] not in text
    assert "quá hạn 3 ngày làm việc" in text  # due Monday 7 December (24/11 counts), three working days gone
    warning = calendar_warning(date(2026, 12, 10))  # December, and next year's Tết per the data
    assert (warning is None) or ("Lưu ý: " + warning.split(":")[0]) in text
    _, hoankiem_head = await unit_addresses("P-00070-KT")
    assert elsewhere["code"] in body_text(mailbox.to(hoankiem_head)[0])

    frozen_clock.set(datetime(2026, 12, 12, 2, 0, tzinfo=UTC))  # Saturday: no digest
    assert await queue_digests(settings, now=clock.now()) == 0
    assert await OutboxMessage.filter(kind="digest").count() == 2
