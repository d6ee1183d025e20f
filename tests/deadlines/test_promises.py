"""SPEC §4, "a promised date is a deadline": the date an apology gives is reminded the working day
before, and when it passes unkept the coordinator office is told ("lỡ hẹn"), each once whatever the
number of sweeps; an answer stops it. Time travel through the one sweep, mail to a real SMTP server."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from feedback import db
from feedback.deadlines.promises import delivery_mode, delivery_mode_sql
from feedback.deadlines.sweep import sweep
from feedback.items.models import FeedbackItem
from notifications.models import OutboxMessage
from tests.casework.test_actions import act, file, track
from tests.helpers import deliver_all, login, staff_headers

HADONG = "P-09556-KT"
REASON = "Cần phối hợp với Công ty Điện lực kiểm tra hiện trường."


def hanoi(day: int, hour: int = 9) -> datetime:
    """A moment of December 2026 in Hanoi."""
    return datetime(2026, 12, day, hour, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")).astimezone(UTC)


async def promise_mail() -> Counter:
    rows = await OutboxMessage.filter(kind__startswith="promise_").values_list("kind", "key")
    return Counter((kind, key.rsplit(":", 1)[1]) for kind, key in rows)


async def test_the_promise_is_reminded_missed_and_escalated_once(
    client, frozen_clock, settings, mailbox
) -> None:  # noqa: ANN001
    created = await file(client)  # due at the end of Monday 7/12
    code = created["code"]
    await staff_headers(client, "lanhdao@hadong.vn", "head", HADONG)
    await staff_headers(client, "canbo@hadong.vn", "officer", HADONG)
    assert (
        await act(client, code, "assign", await login(client, "lanhdao@hadong.vn"), officer="canbo@hadong.vn")
    ).status_code == 200
    frozen_clock.set(hanoi(8))
    head = await login(client, "lanhdao@hadong.vn")
    # Promised for Thursday 10/12: reminded on Wednesday 9/12 from 08:00, missed after the 10th.
    assert (
        await act(client, code, "apologise", head, reason=REASON, promised_date="2026-12-10")
    ).status_code == 200

    for when, fired in (
        (hanoi(9, 7), {}),  # before office hours on the 9th: nothing of the promise yet
        (hanoi(9, 9), {"promise_reminder": 1}),
        (hanoi(9, 10), {}),  # a second sweep: nothing again
        (hanoi(10, 16), {}),  # the promised day itself
        (hanoi(11, 0), {"promise_missed": 1}),  # just after its end
        (hanoi(11, 1), {}),
        (hanoi(21), {}),
    ):
        report = await sweep(settings, now=when)
        mine = {k: v for k, v in report.fired.items() if k.startswith("promise_")}
        assert mine == fired, (when, report.fired)
    # The item's own ladder went on as before (the deadline did not move): no automatic apology.
    assert await OutboxMessage.filter(kind="overdue_citizen").count() == 1  # the head's, once
    assert await promise_mail() == Counter(
        {
            ("promise_reminder", "unit"): 1,
            ("promise_reminder", "officer"): 1,
            ("promise_missed", "coordinator"): 1,
            ("promise_missed", "coordinator_head"): 1,
            ("promise_missed", "head"): 1,
        }
    )
    frozen_clock.set(hanoi(21))
    await deliver_all(settings)
    missed = [m for m in mailbox.messages if "Lỡ hẹn" in str(m["Subject"])]
    assert len(missed) == 3 and all(code in str(m["Subject"]) for m in missed)
    # The citizen sees the missed promise; the reports count `deadline_promise_missed`.
    timeline = [e["kind"] for e in (await track(client, created))["timeline"]]
    assert timeline.count("deadline_promise_missed") == 1 and "deadline_promise_reminder" not in timeline


async def test_an_answer_stops_the_promise(client, frozen_clock, settings) -> None:  # noqa: ANN001
    created = await file(client)
    code = created["code"]
    await staff_headers(client, "lanhdao@hadong.vn", "head", HADONG)
    frozen_clock.set(hanoi(8))
    head = await login(client, "lanhdao@hadong.vn")
    assert (
        await act(client, code, "apologise", head, reason=REASON, promised_date="2026-12-11")
    ).status_code == 200
    assert (
        await act(client, code, "answer", head, answer="Đã sửa xong đèn đường tại ngõ 5.")
    ).status_code == 200
    for when in (hanoi(10, 9), hanoi(12, 9), hanoi(22, 9)):
        report = await sweep(settings, now=when)
        assert not any(k.startswith("promise_") for k in report.fired), report.fired
    assert await promise_mail() == Counter()


async def test_a_new_apology_replaces_the_promise_and_its_steps(client, frozen_clock, settings) -> None:  # noqa: ANN001
    created = await file(client)
    code = created["code"]
    await staff_headers(client, "lanhdao@hadong.vn", "head", HADONG)
    frozen_clock.set(hanoi(8, 9))
    await sweep(settings, now=hanoi(8, 9))  # the automatic apology: promised 5 working days later
    item = await FeedbackItem.get(code=code)
    assert (item.promise_source, item.promise_no, str(item.promise_day)) == ("automatic", 1, "2026-12-15")
    head = await login(client, "lanhdao@hadong.vn")
    assert (
        await act(client, code, "apologise", head, reason=REASON, promised_date="2026-12-18")
    ).status_code == 200
    # The automatic promise's steps (14/12, 15/12) no longer fire; the head's do.
    assert not any(k.startswith("promise_") for k in (await sweep(settings, now=hanoi(16, 9))).fired)
    assert (await sweep(settings, now=hanoi(17, 9))).fired.get("promise_reminder") == 1
    assert (await sweep(settings, now=hanoi(19, 9))).fired.get("promise_missed") == 1


CONTACTS = [
    ("a@b.vn", "", "", "online", "email"),
    (" ", "0912345678", "", "phone", "phone"),
    ("", "0912345678", "Số 1 ngõ 2", "phone", "phone"),  # who called is called back
    ("", "0912345678", "Số 1 ngõ 2", "postal", "post"),
    ("", "0912345678", "", "desk", "phone"),
    ("", "", "Số 1 ngõ 2", "postal", "post"),
    ("", "", "", "desk", "none"),
]


@pytest.mark.parametrize(("email", "phone", "address", "channel", "mode"), CONTACTS)
async def test_delivery_mode_and_its_sql_agree(database_clean, email, phone, address, channel, mode) -> None:  # noqa: ANN001
    assert delivery_mode(email=email, phone=phone, address=address, channel=channel) == mode
    [row] = await db.fetch(
        f"SELECT {delivery_mode_sql('i')} AS mode FROM (SELECT CAST($1 AS TEXT) AS citizen_email,"
        " CAST($2 AS TEXT) AS citizen_phone, CAST($3 AS TEXT) AS citizen_address, CAST($4 AS TEXT) AS channel) AS i",
        email,
        phone,
        address,
        channel,
    )
    assert row["mode"] == mode
