"""The spine end to end, with a real SMTP server: an item entered six weeks late is swept once and
delivered once; the overdue notice, the citizen's apology and both escalations arrive, and nothing
arrives twice however often the sweep and the delivery run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from feedback import clock
from feedback.deadlines.sweep import sweep
from feedback.documents.mail import documents
from notifications.delivery import deliver_pending
from tests.helpers import citizen_body, staff_headers


async def run_scheduler_once(settings) -> None:  # noqa: ANN001
    await sweep(settings, now=clock.now())
    renderers = documents(settings)
    while (await deliver_pending(settings.smtp, now=clock.now(), tz=settings.tz, documents=renderers)).sent:
        pass


async def test_six_weeks_late_item_escalates_once(client, frozen_clock, settings, mailbox) -> None:
    frozen_clock.set(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    desk = await staff_headers(client, "motcua@test.vn", "desk", "TT-HCC")
    received = (clock.now() - timedelta(weeks=6)).isoformat()
    body = citizen_body(channel="postal", received_at=received)
    created = await client.post("/api/v1/staff/feedback", json=body, headers=desk)
    assert created.status_code == 201, created.text
    code = created.json()["code"]

    await run_scheduler_once(settings)
    subjects = {(str(m["To"]), str(m["Subject"])) for m in mailbox.messages}
    assert all(code in subject for _, subject in subjects)
    by_addr = {
        addr: mailbox.to(addr)
        for addr in (
            "an@example.vn",
            "kt.phuong-ha-dong@hanoi.pakn.localhost",
            "lanhdao.kt.phuong-ha-dong@hanoi.pakn.localhost",
            "lanhdao.phuong-ha-dong@hanoi.pakn.localhost",
            "vp-ubnd@hanoi.pakn.localhost",
            "lanhdao.vp-ubnd@hanoi.pakn.localhost",
        )
    }
    assert {a: len(v) for a, v in by_addr.items()} == {
        "an@example.vn": 2,  # acknowledgement, apology
        "kt.phuong-ha-dong@hanoi.pakn.localhost": 2,  # new item, overdue notice
        "lanhdao.kt.phuong-ha-dong@hanoi.pakn.localhost": 1,  # overdue notice to the unit's head
        "lanhdao.phuong-ha-dong@hanoi.pakn.localhost": 1,  # escalation to the parent unit's head
        "vp-ubnd@hanoi.pakn.localhost": 1,  # escalation to the coordinator office
        "lanhdao.vp-ubnd@hanoi.pakn.localhost": 1,
    }
    assert len(mailbox.messages) == 8
    apology = [m for m in by_addr["an@example.vn"] if "xin lỗi" in str(m["Subject"]).lower()]
    assert len(apology) == 1
    text = apology[0].get_body(preferencelist=("plain",)).get_content()
    assert "Nguyễn Văn An" in text and code in text
    assert apology[0].get_body(preferencelist=("html",)) is not None
    threads = {str(m["References"]) for m in mailbox.messages}
    assert len(threads) == 1  # every mail of the item threads together

    # Further sweeps and deliveries, even days later, send nothing more of the item's ladder; the
    # apology's promised date (5 working days on) is reminded once and, unanswered, missed once.
    for days in (0, 1, 7, 30):
        frozen_clock.set(datetime(2026, 11, 23, 2, 0, tzinfo=UTC) + timedelta(days=days))
        await run_scheduler_once(settings)
    later = [str(m["Subject"]) for m in mailbox.messages[8:]]
    assert sum("ngày hẹn trả kết quả" in s for s in later) == 1  # the reminder to the unit
    assert sum("Lỡ hẹn" in s for s in later) == 3  # the coordinator office, its head, the unit's head
    assert len(mailbox.messages) == 8 + 4


async def test_answer_reaches_the_citizen(client, frozen_clock, settings, mailbox) -> None:
    created = (await client.post("/api/v1/feedback", json=citizen_body())).json()
    officer = await staff_headers(client, "canbo@test.vn", "officer", "P-09556-KT")
    inbox = (await client.get("/api/v1/staff/feedback", headers=officer)).json()
    assert [row["code"] for row in inbox["items"]] == [created["code"]]
    answer = "Ngày 24/11/2026, đơn vị đã thu gom toàn bộ rác tại ngõ 12 và nhắc đơn vị vệ sinh."
    response = await client.post(
        f"/api/v1/staff/feedback/{created['code']}/answer", json={"answer": answer}, headers=officer
    )
    assert response.status_code == 200, response.text
    await run_scheduler_once(settings)
    to_citizen = mailbox.to("an@example.vn")
    assert len(to_citizen) == 2
    answer_mail = next(m for m in to_citizen if answer in m.get_body(preferencelist=("plain",)).get_content())
    assert created["code"] in str(answer_mail["Subject"])
    tracked = (
        await client.get(f"/api/v1/feedback/{created['code']}", params={"token": created["token"]})
    ).json()
    assert tracked["status"] == "answered" and tracked["answer"] == answer

    # A second click on "answer" is refused, not sent twice.
    again = await client.post(
        f"/api/v1/staff/feedback/{created['code']}/answer", json={"answer": answer}, headers=officer
    )
    assert again.status_code == 409
