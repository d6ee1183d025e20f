"""Every casework action through the HTTP API, with its rule, its timeline event and the e-mails that
arrive in a real SMTP server."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from feedback.deadlines.models import DeadlineStep
from feedback.directory import reference
from feedback.directory.models import Unit
from feedback.items.models import FeedbackItem
from notifications.models import OutboxMessage
from tests.helpers import body_text, citizen_body, deliver_all, login, staff_headers, unit_addresses

HADONG = "P-09556-KT"  # where citizen_body() routes
HOANKIEM = "P-00070-KT"


async def file(client, **overrides) -> dict:  # noqa: ANN001, ANN003
    response = await client.post("/api/v1/feedback", json=citizen_body(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


async def act(client, code: str, action: str, headers: dict, **body):  # noqa: ANN001, ANN003, ANN201
    return await client.post(f"/api/v1/staff/feedback/{code}/{action}", json=body, headers=headers)


async def track(client, created: dict) -> dict:  # noqa: ANN001
    response = await client.get(f"/api/v1/feedback/{created['code']}", params={"token": created["token"]})
    assert response.status_code == 200, response.text
    return response.json()


async def pending_steps(code: str) -> list[tuple[int, str, int | None]]:
    item = await FeedbackItem.get(code=code)
    rows = await DeadlineStep.filter(item_id=item.id, status="pending").order_by("due_at")
    return [(s.deadline_no, s.kind, s.unit_id) for s in rows]


def subjects(messages) -> list[str]:  # noqa: ANN001
    return [str(m["Subject"]) for m in messages]


@pytest.fixture
async def officer(client):  # noqa: ANN001, ANN201
    return await staff_headers(client, "canbo@hadong.vn", "officer", HADONG)


async def test_accept_classifies_takes_the_item_and_can_correct_severity(client, officer) -> None:
    created = await file(client)
    response = await act(
        client, created["code"], "accept", officer, classification="authority", severity="urgent"
    )
    assert response.status_code == 200, response.text
    item = response.json()
    assert item["status"] == "in_progress" and item["classification"] == "authority"
    assert item["officer"] == "canbo" and item["severity"] == "urgent"
    event = item["timeline"][-1]
    assert event["kind"] == "accepted" and event["public"] and event["actor"] == "canbo"
    assert event["changes"]["status"] == ["received", "in_progress"]
    assert event["changes"]["severity"] == ["normal", "urgent"]
    # Urgent: 2 working days from receipt (Mon 23/11 → Wed 25/11; 24/11 is a day off in holidays 0.109).
    assert item["due_at"] < created["due_at"]
    assert {no for no, _, _ in await pending_steps(created["code"])} == {
        2
    }  # the old deadline's steps are gone

    again = await act(client, created["code"], "accept", officer, classification="authority")
    assert again.status_code == 409 and "đang xử lý" in again.json()["detail"]
    bad = await act(client, created["code"], "accept", officer, classification="maybe")
    assert bad.status_code == 400


async def test_refuse_needs_a_reason_and_tells_the_citizen(client, officer, settings, mailbox) -> None:
    created = await file(client)
    blank = await act(client, created["code"], "refuse", officer, ground="unclear", reason="      ")
    assert blank.status_code == 422 and blank.json()["field"] == "reason"
    assert (await act(client, created["code"], "refuse", officer, ground="unclear")).status_code == 400

    reason = "Nội dung không rõ ràng, không có địa chỉ cụ thể để xác minh."
    response = await act(client, created["code"], "refuse", officer, ground="unclear", reason=reason)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "refused" and response.json()["refuse_reason"] == reason
    assert response.json()["refuse_ground"] == "unclear"
    assert await pending_steps(created["code"]) == []

    await deliver_all(settings)
    [notice] = [m for m in mailbox.to("an@example.vn") if "không tiếp nhận" in str(m["Subject"]).lower()]
    assert created["code"] in str(notice["Subject"]) and reason in body_text(notice)
    public = await track(client, created)
    assert public["status"] == "refused" and public["timeline"][-1]["reason"] == reason


async def test_transfer_restarts_the_clock_and_only_a_coordinator_routes_a_third_time(
    client, officer, settings, mailbox, frozen_clock
) -> None:
    created = await file(client)
    code = created["code"]
    frozen_clock.set(datetime(2026, 11, 26, 3, 0, tzinfo=UTC))  # Thursday: 3 days after receipt
    officer = await login(client, "canbo@hadong.vn")
    reason = "Địa điểm thuộc địa bàn phường Hoàn Kiếm."
    response = await act(client, code, "transfer", officer, unit=HOANKIEM, reason=reason)
    assert response.status_code == 200, response.text
    moved = response.json()
    assert (
        moved["unit"]["code"] == HOANKIEM and moved["status"] == "received" and moved["transfer_count"] == 1
    )
    assert moved["due_at"] > created["due_at"]  # the new unit's 10 working days count from its receipt

    assert (await client.get(f"/api/v1/staff/feedback/{code}", headers=officer)).status_code == 404
    hoankiem = await staff_headers(client, "canbo@hoankiem.vn", "officer", HOANKIEM)
    item = (await client.get(f"/api/v1/staff/feedback/{code}", headers=hoankiem)).json()
    assert item["unit_received_at"].startswith("2026-11-26") and item["received_at"] == created["received_at"]
    assert item["timeline"][-1]["changes"]["unit"] == [HADONG, HOANKIEM]
    hoankiem_unit = (await Unit.get(code=HOANKIEM)).id
    assert {(no, unit) for no, _, unit in await pending_steps(code)} == {(2, hoankiem_unit)}

    await deliver_all(settings)
    unit_mail, _ = await unit_addresses(HOANKIEM)
    [new_item] = mailbox.to(unit_mail)
    assert "Hà Đông" in body_text(new_item) and reason in body_text(new_item)
    [notice] = [m for m in mailbox.to("an@example.vn") if "chuyển" in str(m["Subject"]).lower()]
    assert reason in body_text(notice)

    # Back and forth: the second transfer is the units' last; after it only a coordinator routes.
    back = await act(client, code, "transfer", hoankiem, unit=HADONG, reason="Không thuộc địa bàn phường.")
    assert back.json()["transfer_count"] == 2
    third = await act(client, code, "transfer", officer, unit=HOANKIEM, reason="Chuyển lại lần nữa.")
    assert third.status_code == 403 and "2 lần" in third.json()["detail"]
    coordinator = await staff_headers(client, "dieuphoi@test.vn", "coordinator", None)
    decided = await act(
        client, code, "transfer", coordinator, unit="P-09556-VP", reason="Điều phối quyết định."
    )
    assert decided.status_code == 200 and decided.json()["transfer_count"] == 3

    same = await act(client, code, "transfer", coordinator, unit="P-09556-VP", reason="Chuyển vào chính nó.")
    assert same.status_code == 422 and same.json()["field"] == "unit"
    unknown = await act(client, code, "transfer", coordinator, unit="NOPE", reason="Đơn vị không tồn tại.")
    assert unknown.status_code == 422 and unknown.json()["field"] == "unit"


async def test_extend_once_before_the_deadline_with_the_apology(
    client, officer, settings, mailbox, frozen_clock
) -> None:
    created = await file(client)
    code = created["code"]
    due = datetime.fromisoformat(created["due_at"]).astimezone(settings.tz).date()
    assert due == date(2026, 12, 7)  # 24/11 counts: official_calendar.csv keeps it a working day
    reason = "Cần xác minh thực địa với các hộ dân liên quan."
    for new_day, message in (
        (date(2026, 12, 7), "sau hạn"),
        (date(2026, 12, 12), "ngày làm việc"),  # a Saturday
        (date(2026, 12, 31), "10 ngày làm việc"),  # longer than the original period
    ):
        refused = await act(client, code, "extend", officer, due_date=new_day.isoformat(), reason=reason)
        assert refused.status_code == 422 and message in refused.json()["detail"], refused.text

    frozen_clock.set(datetime(2026, 12, 7, 2, 0, tzinfo=UTC))  # on the last day it is too late
    officer = await login(client, "canbo@hadong.vn")
    late = await act(client, code, "extend", officer, due_date="2026-12-15", reason=reason)
    assert late.status_code == 422 and "một ngày làm việc trước hạn" in late.json()["detail"]

    # The working day before: in time. The head decides (an officer's extend is only a request, see
    # tests/casework/test_extensions.py), and the head's own extension takes effect at once.
    frozen_clock.set(datetime(2026, 12, 4, 2, 0, tzinfo=UTC))
    head = await staff_headers(client, "lanhdao@hadong.vn", "head", HADONG)
    response = await act(client, code, "extend", head, due_date="2026-12-15", reason=reason)
    assert response.status_code == 200, response.text
    item = response.json()
    assert item["extension_count"] == 1
    assert datetime.fromisoformat(item["due_at"]).astimezone(settings.tz).date() == date(2026, 12, 15)
    assert item["timeline"][-1]["public"] and item["timeline"][-1]["reason"] == reason
    assert {no for no, _, _ in await pending_steps(code)} == {2}

    for who in (head, await login(client, "canbo@hadong.vn")):
        again = await act(client, code, "extend", who, due_date="2026-12-16", reason=reason)
        assert again.status_code == 409 and "một lần" in again.json()["detail"]

    await deliver_all(settings)
    [apology] = [m for m in mailbox.to("an@example.vn") if "Gia hạn" in str(m["Subject"])]
    text = body_text(apology)
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert "07/12/2026" in text and "15/12/2026" in text and reason in text


async def test_a_head_assigns_an_officer_of_the_unit(client, officer, settings, mailbox) -> None:
    created = await file(client)
    head = await staff_headers(client, "lanhdao@hadong.vn", "head", HADONG)
    await staff_headers(client, "canbo@hoankiem.vn", "officer", HOANKIEM)
    denied = await act(client, created["code"], "assign", officer, officer="canbo@hadong.vn")
    assert denied.status_code == 403
    stranger = await act(client, created["code"], "assign", head, officer="canbo@hoankiem.vn")
    assert stranger.status_code == 422 and stranger.json()["field"] == "officer"

    response = await act(client, created["code"], "assign", head, officer="CanBo@HaDong.vn")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "assigned" and response.json()["officer"] == "canbo"
    assert response.json()["timeline"][-1]["public"] is False
    twice = await act(client, created["code"], "assign", head, officer="canbo@hadong.vn")
    assert twice.status_code == 409

    await deliver_all(settings)
    [assigned] = mailbox.to("canbo@hadong.vn")
    assert "Phân công" in str(assigned["Subject"]) and "lanhdao" in body_text(assigned)


async def test_notes_are_internal(client, officer, settings, mailbox) -> None:
    created = await file(client)
    await deliver_all(settings)
    mailbox.clear()
    note = "Đã gọi điện cho tổ trưởng dân phố, hẹn kiểm tra chiều nay."
    response = await act(client, created["code"], "note", officer, text=note)
    assert response.status_code == 200
    assert response.json()["timeline"][-1] == {
        **response.json()["timeline"][-1],
        "kind": "note",
        "public": False,
    }
    public = await track(client, created)
    assert note not in str(public)
    assert await deliver_all(settings) == 0 and mailbox.messages == []


@pytest.fixture
async def approval_required():  # noqa: ANN201
    await Unit.filter(code=HADONG).update(requires_approval=True)
    reference.invalidate()
    yield
    await Unit.filter(code=HADONG).update(requires_approval=False)
    reference.invalidate()


async def test_a_draft_waits_for_the_heads_approval(
    client, officer, settings, mailbox, approval_required
) -> None:
    created = await file(client)
    code = created["code"]
    head = await staff_headers(client, "lanhdao@hadong.vn", "head", HADONG)
    assert (await act(client, code, "approve", head)).status_code == 409  # nothing to approve yet
    draft = "Phường đã bố trí xe thu gom rác vào sáng thứ Ba hằng tuần."
    response = await act(client, code, "answer", officer, answer=draft)
    assert response.status_code == 200, response.text
    item = response.json()
    assert item["status"] == "in_progress" and item["draft_answer"] == draft and item["answer"] is None
    assert (await act(client, code, "approve", officer)).status_code == 403
    # The head finds it: marked in the inbox, and a filter for what waits for approval.
    waiting = (
        await client.get("/api/v1/staff/feedback", params={"awaiting_approval": True}, headers=head)
    ).json()
    assert [(r["code"], r["awaiting_approval"]) for r in waiting["items"]] == [(code, True)]
    others = (
        await client.get("/api/v1/staff/feedback", params={"awaiting_approval": False}, headers=head)
    ).json()
    assert code not in [r["code"] for r in others["items"]]

    await deliver_all(settings)
    _, head_mail = await unit_addresses(HADONG)
    [approval] = mailbox.to(head_mail)
    assert "chờ phê duyệt" in str(approval["Subject"]) and draft in body_text(approval)
    assert not [m for m in mailbox.to("an@example.vn") if "Kết quả" in str(m["Subject"])]

    edited = draft + " Đồng thời xử lý vi phạm đổ rác không đúng nơi quy định."
    response = await act(client, code, "approve", head, answer=edited)
    assert response.status_code == 200, response.text
    item = response.json()
    assert item["status"] == "answered" and item["answer"] == edited and item["draft_answer"] is None
    await deliver_all(settings)
    [answer] = [m for m in mailbox.to("an@example.vn") if "Kết quả" in str(m["Subject"])]
    assert "xử lý vi phạm" in body_text(answer)


async def test_a_head_answers_directly_even_where_approval_is_required(
    client, settings, mailbox, approval_required
) -> None:
    created = await file(client)
    head = await staff_headers(client, "lanhdao@hadong.vn", "head", HADONG)
    response = await act(client, created["code"], "answer", head, answer="Phường đã xử lý dứt điểm điểm rác.")
    assert response.json()["status"] == "answered"


async def test_a_coordinator_reopens_with_a_new_deadline(
    client, officer, settings, mailbox, frozen_clock
) -> None:
    created = await file(client)
    code = created["code"]
    await act(client, code, "answer", officer, answer="Phường đã xử lý dứt điểm điểm rác.")
    coordinator = await staff_headers(client, "dieuphoi@test.vn", "coordinator", None)
    assert (await act(client, code, "reopen", officer, reason="Chưa xử lý xong.")).status_code == 403
    frozen_clock.set(datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
    coordinator = await login(client, "dieuphoi@test.vn")
    mailbox.clear()
    reason = "Kiểm tra thực tế cho thấy rác vẫn tồn đọng."
    response = await act(client, code, "reopen", coordinator, reason=reason)
    assert response.status_code == 200, response.text
    item = response.json()
    assert item["status"] == "in_progress" and item["reopen_count"] == 1
    assert datetime.fromisoformat(item["due_at"]).astimezone(settings.tz).date() == date(2026, 12, 15)
    assert {no for no, _, _ in await pending_steps(code)} == {2}
    assert (await act(client, code, "reopen", coordinator, reason=reason)).status_code == 409

    await deliver_all(settings)
    unit_mail, _ = await unit_addresses(HADONG)
    assert any(reason in body_text(m) for m in mailbox.to(unit_mail))
    assert any(reason in body_text(m) for m in mailbox.to("an@example.vn"))


async def test_the_citizen_rates_and_may_reopen_once(client, officer, settings, mailbox) -> None:
    created = await file(client)
    code, token = created["code"], created["token"]
    url = f"/api/v1/feedback/{code}/rating"
    early = await client.post(url, json={"rating": 5}, headers={"X-Access-Token": token})
    assert early.status_code == 409
    await act(client, code, "answer", officer, answer="Phường đã xử lý dứt điểm điểm rác.")
    assert (await client.post(url, json={"rating": 1}, params={"token": "wrong"})).status_code == 404
    assert (await client.post(url, json={"rating": 6}, params={"token": token})).status_code == 400
    proud = await client.post(url, json={"rating": 4, "reopen": True}, params={"token": token})
    assert proud.status_code == 422 and proud.json()["field"] == "reopen"

    unhappy = {"rating": 2, "comment": "Rác vẫn còn nguyên ở đầu ngõ.", "reopen": True}
    response = await client.post(url, json=unhappy, params={"token": token})
    assert response.status_code == 200, response.text
    tracked = response.json()
    assert tracked["status"] == "in_progress" and tracked["rating"] == 2 and tracked["can_reopen"] is False
    assert [e["kind"] for e in tracked["timeline"][-2:]] == ["rated", "reopened"]
    await deliver_all(settings)
    unit_mail, _ = await unit_addresses(HADONG)
    assert any("Rác vẫn còn nguyên" in body_text(m) for m in mailbox.to(unit_mail))

    await act(client, code, "answer", officer, answer="Phường đã thu gom toàn bộ rác tồn đọng.")
    again = await client.post(url, json=unhappy, params={"token": token})
    assert again.status_code == 409 and "một lần" in again.json()["detail"]
    closed = await client.post(url, json={"rating": 4, "comment": "Cảm ơn phường."}, params={"token": token})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert (await client.post(url, json={"rating": 5}, params={"token": token})).status_code == 409


async def test_inter_agency_item_with_a_sub_deadline(
    client, officer, settings, mailbox, frozen_clock
) -> None:
    from feedback import clock
    from feedback.deadlines.sweep import sweep

    created = await file(client)
    code = created["code"]
    hoankiem = await staff_headers(client, "canbo@hoankiem.vn", "officer", HOANKIEM)
    assert (await client.get(f"/api/v1/staff/feedback/{code}", headers=hoankiem)).status_code == 404
    request = "Đề nghị cung cấp lịch thu gom rác của đơn vị vệ sinh môi trường."
    late_day = await act(
        client, code, "cooperate", officer, unit=HOANKIEM, request=request, due_date="2026-12-09"
    )
    assert late_day.status_code == 422 and late_day.json()["field"] == "due_date"
    response = await act(
        client, code, "cooperate", officer, unit=HOANKIEM, request=request, due_date="2026-12-01"
    )
    assert response.status_code == 200, response.text
    assert response.json()["cooperations"][0]["unit"]["code"] == HOANKIEM
    twice = await act(
        client, code, "cooperate", officer, unit=HOANKIEM, request=request, due_date="2026-12-01"
    )
    assert twice.status_code == 409

    # The cooperating unit now sees the item and may send its part and notes, nothing else.
    inbox = (await client.get("/api/v1/staff/feedback", headers=hoankiem)).json()
    assert [row["code"] for row in inbox["items"]] == [code]
    seen = (await client.get(f"/api/v1/staff/feedback/{code}", headers=hoankiem)).json()
    assert seen["actions"] == ["note", "answer"]
    moved = await act(client, code, "transfer", hoankiem, unit=HOANKIEM, reason="Chuyển về đơn vị mình.")
    assert moved.status_code == 403

    # Its sub-deadline has its own reminder and overdue notice.
    frozen_clock.set(datetime(2026, 12, 2, 2, 0, tzinfo=UTC))
    officer, hoankiem = await login(client, "canbo@hadong.vn"), await login(client, "canbo@hoankiem.vn")
    await sweep(settings, now=clock.now())
    await deliver_all(settings)
    unit_mail, head_mail = await unit_addresses(HOANKIEM)
    kinds = await OutboxMessage.filter(to_addr__in=[unit_mail, head_mail]).values_list("kind", flat=True)
    assert sorted(kinds) == ["coop_overdue", "coop_overdue", "cooperation"]  # the reminder went stale
    [asked] = [m for m in mailbox.to(unit_mail) if "Đề nghị phối hợp" in str(m["Subject"])]
    assert request in body_text(asked) and "01/12/2026" in body_text(asked)
    overdue = [m for m in mailbox.to(head_mail) if "Quá hạn gửi ý kiến phối hợp" in str(m["Subject"])]
    assert len(overdue) == 1 and "01/12/2026" in body_text(overdue[0])

    contribution = "Lịch thu gom: 6 giờ sáng các ngày thứ Hai, thứ Tư, thứ Sáu."
    sent = await act(client, code, "answer", hoankiem, answer=contribution)
    assert sent.status_code == 200, sent.text
    assert sent.json()["status"] == "received" and sent.json()["cooperations"][0]["answer"] == contribution
    assert (await act(client, code, "answer", hoankiem, answer=contribution)).status_code == 409
    await deliver_all(settings)
    lead_mail, _ = await unit_addresses(HADONG)
    assert any(contribution in body_text(m) for m in mailbox.to(lead_mail))

    done = await act(client, code, "answer", officer, answer="Phường đã phối hợp và xử lý dứt điểm.")
    assert done.json()["status"] == "answered"
    assert await pending_steps(code) == []


async def test_the_main_items_answer_answers_its_duplicates(client, officer, settings, mailbox) -> None:
    main = await file(client)
    copy = await file(
        client,
        citizen={
            "name": "Trần Thị Bình",
            "phone": "0987 654 321",
            "email": "binh@example.vn",
            "address": "Số 1 Lê Lợi, Hà Đông",
        },
    )
    elsewhere = await file(client, commune="00070")
    assert (await act(client, copy["code"], "duplicate", officer, of=copy["code"])).status_code == 422
    assert (await act(client, copy["code"], "duplicate", officer, of=elsewhere["code"])).status_code == 404
    response = await act(client, copy["code"], "duplicate", officer, of=main["code"])
    assert response.status_code == 200, response.text
    assert response.json()["duplicate_of"] == main["code"]
    assert await pending_steps(copy["code"]) == []
    linked = (await client.get(f"/api/v1/staff/feedback/{main['code']}", headers=officer)).json()
    assert linked["duplicates"] == [copy["code"]]

    answer = "Phường đã bố trí thu gom rác tại ngõ 12 từ ngày 24/11/2026."
    await act(client, main["code"], "answer", officer, answer=answer)
    assert (await track(client, copy))["answer"] == answer
    await deliver_all(settings)
    for citizen in ("an@example.vn", "binh@example.vn"):
        answers = [m for m in mailbox.to(citizen) if "Kết quả" in str(m["Subject"])]
        assert len(answers) == 1 and answer in body_text(answers[0])


async def test_files_go_with_the_answer_the_draft_and_the_contribution(
    client, officer, settings, approval_required
) -> None:
    import json

    from tests.attachments import files

    created = await file(client)
    code = created["code"]
    hoankiem = await staff_headers(client, "canbo@hoankiem.vn", "officer", HOANKIEM)
    await act(
        client,
        code,
        "cooperate",
        officer,
        unit=HOANKIEM,
        request="Đề nghị cung cấp lịch.",
        due_date="2026-12-01",
    )

    async def answer_with(headers: dict, text: str, name: str, content: bytes):  # noqa: ANN202
        return await client.post(
            f"/api/v1/staff/feedback/{code}/answer",
            data={"data": json.dumps({"answer": text})},
            files=[("files", (name, content, "application/octet-stream"))],
            headers=headers,
        )

    sent = await answer_with(
        hoankiem, "Lịch thu gom của phường Hoàn Kiếm.", "lịch thu gom.xlsx", files.xlsx()
    )
    assert sent.status_code == 200, sent.text
    drafted = await answer_with(officer, "Dự thảo: phường đã thu gom rác.", "biên bản.pdf", files.pdf())
    assert drafted.status_code == 200 and drafted.json()["draft_answer"]
    staff_view = drafted.json()["attachments"]
    assert [(a["kind"], a["filename"]) for a in staff_view] == [
        ("contribution", "lịch thu gom.xlsx"),
        ("answer", "biên bản.pdf"),
    ]
    fake = await answer_with(officer, "Dự thảo thứ hai có tệp giả.", "ảnh.jpg", b"<html>not an image</html>")
    assert fake.status_code == 422 and (await FeedbackItem.get(code=code)).draft_answer.startswith("Dự thảo:")

    async def citizen_files() -> list[str]:
        return [a["kind"] for a in (await track(client, created))["attachments"]]

    assert await citizen_files() == []  # neither the contribution nor the unapproved draft
    head = await staff_headers(client, "lanhdao@hadong.vn", "head", HADONG)
    assert (await act(client, code, "approve", head)).json()["status"] == "answered"
    assert await citizen_files() == ["answer"]
    [answer_file] = (await track(client, created))["attachments"]
    download = await client.get(answer_file["url"], params={"token": created["token"]})
    assert download.status_code == 200 and download.content == files.pdf()


async def test_the_desk_enters_a_paper_submission_with_its_scan(client) -> None:
    import json

    from tests.attachments import files

    desk = await staff_headers(client, "motcua@test.vn", "desk", "TT-HCC")
    body = citizen_body(channel="postal", received_at="2026-11-20T10:00:00+07:00")
    response = await client.post(
        "/api/v1/staff/feedback",
        data={"data": json.dumps(body)},
        files=[("files", ("đơn thư.pdf", files.pdf(), "application/pdf"))],
        headers=desk,
    )
    assert response.status_code == 201, response.text
    officer = await staff_headers(client, "canbo@hadong.vn", "officer", HADONG)
    item = (await client.get(f"/api/v1/staff/feedback/{response.json()['code']}", headers=officer)).json()
    assert [a["filename"] for a in item["attachments"]] == ["đơn thư.pdf"] and item["channel"] == "postal"


async def test_a_double_click_acts_once(client, officer, settings) -> None:
    """Two identical clicks at once: the row lock lets one act; the other meets the new state (409)."""
    import asyncio

    from feedback import db

    if not db.is_postgres():
        pytest.skip("row locks are a PostgreSQL matter; SQLite serialises writers")
    created = await file(client)
    transfer = {"unit": HOANKIEM, "reason": "Thuộc địa bàn phường Hoàn Kiếm."}
    clicks = await asyncio.gather(
        *(act(client, created["code"], "transfer", officer, **transfer) for _ in range(2))
    )
    assert sorted(r.status_code for r in clicks) in ([200, 404], [200, 409])  # gone from the unit, or 409
    item = await FeedbackItem.get(code=created["code"])
    assert item.transfer_count == 1
    answers = await asyncio.gather(
        *(act(client, created["code"], "answer", officer, answer="Phường trả lời như sau.") for _ in range(2))
    )
    assert {r.status_code for r in answers} == {404}  # the unit no longer sees it
    coordinator = await staff_headers(client, "dieuphoi@test.vn", "coordinator", None)
    answers = await asyncio.gather(
        *(
            act(client, created["code"], "answer", coordinator, answer="Văn phòng trả lời như sau.")
            for _ in range(3)
        )
    )
    assert sorted(r.status_code for r in answers) == [200, 409, 409]
    assert await OutboxMessage.filter(kind="answer").count() == 1
