"""SPEC §4: the unit's head issues the apology (Mẫu 04) with the unit's reason and a new date; the date
is a tracked promise and the automatic apology at the deadline is not sent again. A citizen without
e-mail gets no e-mail: the unit gets the task, and the timeline says what was done. Through the HTTP
API, with the mails delivered to a real SMTP server and the PDF read back."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pypdf

from feedback.deadlines.sweep import sweep
from notifications.models import OutboxMessage
from tests.casework.test_actions import act, file, pending_steps, track
from tests.helpers import body_text, deliver_all, login, staff_headers, unit_addresses

HADONG = "P-09556-KT"
HOANKIEM = "P-00070-KT"
REASON = "Cần phối hợp với Công ty Điện lực kiểm tra hiện trường."
DAY_AFTER = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)  # Tuesday 8/12 09:00 Hanoi: one day late


async def people(client) -> dict[str, dict]:  # noqa: ANN001
    roles = {
        "officer": ("canbo@hadong.vn", "officer", HADONG),
        "head": ("lanhdao@hadong.vn", "head", HADONG),
        "desk": ("motcua@hadong.vn", "desk", "TT-HCC"),
        "coordinator": ("dieuphoi@vp.vn", "coordinator", "VP-UBND"),
        "other_head": ("lanhdao@hoankiem.vn", "head", HOANKIEM),
    }
    return {name: await staff_headers(client, *spec) for name, spec in roles.items()}


async def relogin(client) -> dict[str, dict]:  # noqa: ANN001
    emails = (
        "canbo@hadong.vn",
        "lanhdao@hadong.vn",
        "motcua@hadong.vn",
        "dieuphoi@vp.vn",
        "lanhdao@hoankiem.vn",
    )
    names = ("officer", "head", "desk", "coordinator", "other_head")
    return {name: await login(client, email) for name, email in zip(names, emails, strict=True)}


def pdf_text(data: bytes) -> str:
    """The text a PDF reader finds, line breaks and justified spacing folded."""
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages).split())


async def test_who_may_apologise_and_what_date(client, frozen_clock, settings) -> None:  # noqa: ANN001
    created = await file(client)
    code = created["code"]
    await people(client)
    frozen_clock.set(DAY_AFTER)
    who = await relogin(client)

    def apologise(role: str, **body):  # noqa: ANN003, ANN202
        return act(client, code, "apologise", who[role], **body)

    # Roles first: an officer and the desk may not; another unit's head does not see the item.
    for role in ("officer", "desk"):
        assert (await apologise(role, reason=REASON, promised_date="2026-12-11")).status_code == 403
    assert (await apologise("other_head", reason=REASON, promised_date="2026-12-11")).status_code == 404
    # The body: the schema, then the rule, each with a message naming the field.
    assert (await apologise("head", reason=REASON)).status_code == 400
    assert (await apologise("head", reason="ngắn", promised_date="2026-12-11")).status_code == 400
    assert (await apologise("head", reason=REASON, promised_date="11/12/2026")).status_code == 400
    for day, message in (
        ("2026-12-08", "sau ngày hôm nay"),  # today
        ("2026-12-05", "sau ngày hôm nay"),  # past
        ("2026-12-12", "ngày làm việc"),  # a Saturday
    ):
        refused = await apologise("head", reason=REASON, promised_date=day)
        assert refused.status_code == 422, refused.text
        assert message in refused.json()["detail"], refused.json()
    assert await OutboxMessage.filter(kind="overdue_citizen").count() == 0  # nothing happened

    # The head's apology: the promise on the item, its steps, the public event; the deadline stays.
    done = await apologise("head", reason=REASON, promised_date="2026-12-11")
    assert done.status_code == 200, done.text
    item = done.json()
    assert item["due_at"].startswith("2026-12-07T16:59")
    promise = item["promise"]
    assert (promise["day"], promise["reason"], promise["source"]) == ("2026-12-11", REASON, "head")
    assert promise["issued_by"] == "lanhdao" and promise["delivery"] == "email" and promise["tracked"]
    event = item["timeline"][-1]
    assert event["kind"] == "apology" and event["public"] and event["reason"] == REASON
    assert "11/12/2026" in event["message"] and "Đã gửi thư điện tử" in event["message"]
    assert {(no, kind) for no, kind, _ in await pending_steps(code) if no < 0} == {
        (-1, "promise_reminder"),
        (-1, "promise_missed"),
    }
    # A coordinator may too (it replaces the promise; the old one's steps no longer fire).
    again = await apologise("coordinator", reason=REASON, promised_date="2026-12-14")
    assert again.status_code == 200 and again.json()["promise"]["day"] == "2026-12-14"
    # The citizen sees the promise on the tracking page's data.
    tracked = await track(client, created)
    assert tracked["promise"]["day"] == "2026-12-14" and tracked["promise"]["reason"] == REASON
    assert tracked["promise"]["apology_url"] == f"/api/v1/feedback/{code}/apology.pdf"


async def test_the_heads_apology_is_mailed_with_its_pdf_and_not_repeated(
    client, frozen_clock, settings, mailbox
) -> None:  # noqa: ANN001
    created = await file(client)
    code = created["code"]
    await people(client)
    # On the deadline's last day the head already knows it will be late, and apologises.
    frozen_clock.set(datetime(2026, 12, 7, 3, 0, tzinfo=UTC))
    head = await login(client, "lanhdao@hadong.vn")
    assert (
        await act(client, code, "apologise", head, reason=REASON, promised_date="2026-12-10")
    ).status_code == 200
    # The deadline passes: the unit and its head are told, but the citizen gets no second apology.
    frozen_clock.set(DAY_AFTER)
    for _ in range(2):
        await sweep(settings, now=DAY_AFTER)
    await deliver_all(settings)
    [letter] = mailbox.to("an@example.vn")[1:]  # after the acknowledgement
    assert str(letter["Subject"]) == f"[{code}] Phiếu xin lỗi và hẹn lại ngày trả kết quả"
    text = body_text(letter)
    assert REASON.rstrip(".") in text and "10/12/2026" in text and "gửi kèm thư này" in text
    [pdf] = [p for p in letter.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert pdf.get_filename() == f"phieu-xin-loi-{code}-1.pdf"
    document = pdf_text(pdf.get_content())
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in document
    assert "ngày 10 tháng 12 năm 2026" in document
    assert REASON.rstrip(".") in document and code in document
    assert await OutboxMessage.filter(kind="overdue_citizen").count() == 1
    assert len(mailbox.to((await unit_addresses(HADONG))[1])) == 1  # the head: overdue notice only
    tracked = await track(client, created)
    kinds = [e["kind"] for e in tracked["timeline"]]
    assert kinds.count("apology") == 1 and "deadline_overdue" in kinds
    assert tracked["promise"]["day"] == "2026-12-10"


async def test_a_postal_citizen_gets_no_mail_and_the_unit_gets_the_task(
    client, frozen_clock, settings, mailbox
) -> None:  # noqa: ANN001
    who = await people(client)
    by_post = await client.post(
        "/api/v1/staff/feedback",
        json={
            "title": "Đèn đường hỏng ở ngõ 5",
            "content": "Đèn đường trước số nhà 12 ngõ 5 đã hỏng hơn một tuần nay.",
            "category": "moi-truong",
            "commune": "09556",
            "channel": "postal",
            "citizen": {
                "name": "Phạm Thị Dung",
                "phone": "0987 654 321",
                "address": "Số 12 ngõ 5 Quang Trung",
            },
        },
        headers=who["desk"],
    )
    assert by_post.status_code == 201, by_post.text
    code = by_post.json()["code"]
    by_phone = await client.post(
        "/api/v1/staff/feedback",
        json={
            "title": "Nước sinh hoạt yếu",
            "content": "Nước sinh hoạt chảy rất yếu vào buổi tối ở tổ dân phố 3.",
            "category": "moi-truong",
            "commune": "09556",
            "channel": "phone",
            "citizen": {
                "name": "Đỗ Văn Em",
                "phone": "0912 000 111",
                "address": "Tổ dân phố 3, phường Hà Đông",
            },
        },
        headers=who["desk"],
    )
    assert by_phone.status_code == 201, by_phone.text
    await deliver_all(settings)
    mailbox.clear()

    # The automatic apology at the deadline: nothing to the citizens, a task to the unit for each.
    frozen_clock.set(DAY_AFTER)
    await sweep(settings, now=DAY_AFTER)
    await deliver_all(settings)
    unit_mail, _ = await unit_addresses(HADONG)
    tasks = [m for m in mailbox.to(unit_mail) if "phiếu xin lỗi" in str(m["Subject"])]
    assert sorted(str(m["Subject"]).split("] ")[1].split(" phiếu")[0] for m in tasks) == [
        "Gửi qua bưu chính",
        "Liên hệ qua điện thoại",
    ]
    assert all("/apology.pdf" in body_text(m) for m in tasks)
    assert await OutboxMessage.filter(kind="overdue_citizen").count() == 0
    # The timeline says what will be done, not that a letter was sent.
    officer = await login(client, "canbo@hadong.vn")
    item = (await client.get(f"/api/v1/staff/feedback/{code}", headers=officer)).json()
    [apology] = [e for e in item["timeline"] if e["kind"] == "apology"]
    assert "sẽ gửi phiếu xin lỗi và hẹn lại ngày trả kết quả qua bưu chính" in apology["message"]
    assert "đã gửi" not in apology["message"].lower() and apology["public"]
    assert item["promise"]["source"] == "automatic" and item["promise"]["delivery"] == "post"
    assert item["promise"]["reason"].startswith("Nội dung phản ánh, kiến nghị cần được xem xét")
    phoned = (await client.get(f"/api/v1/staff/feedback/{by_phone.json()['code']}", headers=officer)).json()
    assert (
        "sẽ liên hệ qua điện thoại" in [e for e in phoned["timeline"] if e["kind"] == "apology"][0]["message"]
    )

    # The head's own apology for the postal citizen: again the task, no e-mail.
    head = await login(client, "lanhdao@hadong.vn")
    mailbox.clear()
    assert (
        await act(client, code, "apologise", head, reason=REASON, promised_date="2026-12-11")
    ).status_code == 200
    await deliver_all(settings)
    assert [str(m["Subject"]).startswith(f"[{code}] Gửi qua bưu chính") for m in mailbox.messages] == [True]
