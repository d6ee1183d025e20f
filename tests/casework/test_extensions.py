"""SPEC §4: one extension per item, decided by the unit's head. An officer's request waits for the
head's approval (like a draft answer); the head approves it (new deadline, the Mẫu 04 apology to the
citizen, once) or refuses it with a reason the officer is told; a head's own extension takes effect at
once. Through the HTTP API, with the mails delivered to a real SMTP server."""

from __future__ import annotations

from datetime import UTC, date, datetime

from feedback.deadlines.sweep import sweep
from feedback.items.models import FeedbackItem
from notifications.models import OutboxMessage
from tests.casework.test_actions import act, file, pending_steps, subjects
from tests.helpers import body_text, deliver_all, login, staff_headers, unit_addresses
from tests.web.test_staff_pages import browser, csrf, file_item, forms, log_in, staff  # noqa: F401

HADONG = "P-09556-KT"
REASON = "Cần xác minh thực địa với các hộ dân liên quan."
REMINDER_DAY = datetime(2026, 12, 4, 1, 0, tzinfo=UTC)  # Friday 4/12 08:00 Hanoi: before Monday 7/12


def local_day(value: str) -> date:
    return datetime.fromisoformat(value).astimezone(UTC).date()


async def asked(client, frozen_clock) -> tuple[str, dict, dict]:  # noqa: ANN001
    """An item due at the end of Monday 7/12; on the reminder's day its officer asks for 15/12."""
    created = await file(client)
    assert created["due_at"].startswith("2026-12-07T16:59")
    await staff_headers(client, "canbo@hadong.vn", "officer", HADONG)
    await staff_headers(client, "lanhdao@hadong.vn", "head", HADONG)
    frozen_clock.set(REMINDER_DAY)
    officer, head = await login(client, "canbo@hadong.vn"), await login(client, "lanhdao@hadong.vn")
    response = await act(client, created["code"], "extend", officer, due_date="2026-12-15", reason=REASON)
    assert response.status_code == 200, response.text
    return created["code"], officer, head


async def test_an_officer_asks_and_the_head_approves_once(client, frozen_clock, settings, mailbox) -> None:
    code, officer, head = await asked(client, frozen_clock)
    item = (await client.get(f"/api/v1/staff/feedback/{code}", headers=officer)).json()
    # Nothing changed yet but the pending request: same deadline, no extension, nothing for the citizen.
    assert item["due_at"].startswith("2026-12-07T16:59") and item["extension_count"] == 0
    request = item["extension_request"]
    assert request["due_date"] == "2026-12-15" and request["reason"] == REASON
    assert request["requested_by"] == "canbo" and request["requested_at"].startswith("2026-12-04T01:00")
    event = item["timeline"][-1]
    assert event["kind"] == "extension_requested" and not event["public"] and event["reason"] == REASON
    assert "chờ lãnh đạo đơn vị phê duyệt" in event["message"]
    assert {no for no, _, _ in await pending_steps(code)} == {1}  # the old deadline still holds
    twice = await act(client, code, "extend", officer, due_date="2026-12-14", reason=REASON)
    assert twice.status_code == 409 and "chờ lãnh đạo" in twice.json()["detail"]
    # An officer does not decide.
    assert (await act(client, code, "approve_extension", officer)).status_code == 403
    assert (await act(client, code, "refuse_extension", officer, reason=REASON)).status_code == 403

    await deliver_all(settings)
    _, head_mail = await unit_addresses(HADONG)
    [to_head] = mailbox.to(head_mail)
    assert str(to_head["Subject"]).startswith(f"[{code}] Đề nghị gia hạn chờ phê duyệt")
    assert "đến hết ngày 15/12/2026" in body_text(to_head) and REASON in body_text(to_head)
    assert mailbox.to("an@example.vn") == [] or not any(
        "Gia hạn" in s for s in subjects(mailbox.to("an@example.vn"))
    )

    # The head approves on the deadline's last day: the request was asked in time (on 4/12).
    frozen_clock.set(datetime(2026, 12, 7, 3, 0, tzinfo=UTC))
    head = await login(client, "lanhdao@hadong.vn")
    approved = await act(client, code, "approve_extension", head)
    assert approved.status_code == 200, approved.text
    item = approved.json()
    assert item["extension_request"] is None and item["extension_count"] == 1
    assert item["due_at"].startswith("2026-12-15T16:59")
    event, apology = item["timeline"][-2:]
    assert event["kind"] == "extended" and event["public"] and event["reason"] == REASON
    assert event["changes"]["extension_request_by"] == ["canbo", None]
    # The extension's apology (Mẫu 04), e-mailed; its date is the new deadline, which is tracked.
    assert (
        apology["kind"] == "apology"
        and apology["public"]
        and "đã gửi thư điện tử" in apology["message"].lower()
    )
    assert item["promise"]["day"] == "2026-12-15" and item["promise"]["source"] == "extension"
    assert item["promise"]["tracked"] is False
    assert {no for no, _, _ in await pending_steps(code)} == {2}  # the new deadline's steps
    again = await act(client, code, "approve_extension", head)
    assert again.status_code == 409 and "Không có đề nghị gia hạn" in again.json()["detail"]
    more = await act(client, code, "extend", head, due_date="2026-12-16", reason=REASON)
    assert more.status_code == 409 and "một lần" in more.json()["detail"]

    await deliver_all(settings)
    await sweep(settings, now=datetime(2026, 12, 8, 3, 0, tzinfo=UTC))  # the old deadline is silent
    await deliver_all(settings)
    apologies = [m for m in mailbox.to("an@example.vn") if "Gia hạn" in str(m["Subject"])]
    assert len(apologies) == 1  # the apology, once
    text = body_text(apologies[0])
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert "07/12/2026" in text and "15/12/2026" in text and REASON in text
    [told] = mailbox.to("canbo@hadong.vn")
    assert "Đề nghị gia hạn đã được phê duyệt" in str(told["Subject"])
    assert "Hạn trả lời mới: hết ngày 15/12/2026" in body_text(told)
    assert await OutboxMessage.filter(kind="overdue_citizen").count() == 0
    public = (await client.get(f"/api/v1/staff/feedback/{code}", headers=head)).json()["timeline"]
    assert [e["kind"] for e in public if e["public"]] == ["received", "extended", "apology"]
    # The apology carries its Mẫu 04 document.
    assert any(part.get_content_type() == "application/pdf" for part in apologies[0].iter_attachments())


async def test_the_head_refuses_and_the_officer_is_told(client, frozen_clock, settings, mailbox) -> None:
    code, officer, head = await asked(client, frozen_clock)
    blank = await act(client, code, "refuse_extension", head, reason="     ")
    assert blank.status_code == 422 and blank.json()["field"] == "reason"
    why = "Hồ sơ đã đủ căn cứ để trả lời đúng hạn."
    refused = await act(client, code, "refuse_extension", head, reason=why)
    assert refused.status_code == 200, refused.text
    item = refused.json()
    assert item["extension_request"] is None and item["extension_count"] == 0
    assert item["due_at"].startswith("2026-12-07T16:59")
    event = item["timeline"][-1]
    assert event["kind"] == "extension_refused" and not event["public"] and event["reason"] == why
    assert {no for no, _, _ in await pending_steps(code)} == {1}

    await deliver_all(settings)
    [told] = mailbox.to("canbo@hadong.vn")
    assert "Đề nghị gia hạn không được phê duyệt" in str(told["Subject"])
    assert why in body_text(told) and "thời hạn trả lời giữ nguyên" in body_text(told)
    assert not [m for m in mailbox.to("an@example.vn") if "Gia hạn" in str(m["Subject"])]
    # Refused, the officer may ask again the same day (the one extension was not used).
    again = await act(client, code, "extend", officer, due_date="2026-12-14", reason=REASON)
    assert again.status_code == 200 and again.json()["extension_request"]["due_date"] == "2026-12-14"


async def test_a_head_extends_at_once_and_decides_a_pending_request(
    client, frozen_clock, settings, mailbox
) -> None:
    code, _, head = await asked(client, frozen_clock)
    response = await act(client, code, "extend", head, due_date="2026-12-11", reason="Chờ kết quả đo đạc.")
    assert response.status_code == 200, response.text
    item = response.json()
    assert item["due_at"].startswith("2026-12-11T16:59") and item["extension_count"] == 1
    assert item["extension_request"] is None  # the head's own extension decided the request
    await deliver_all(settings)
    [apology] = [m for m in mailbox.to("an@example.vn") if "Gia hạn" in str(m["Subject"])]
    assert "11/12/2026" in body_text(apology)

    coordinator = await staff_headers(client, "dieuphoi@hanoi.vn", "coordinator", None)
    other = await file(client)
    direct = await act(
        client, other["code"], "extend", coordinator, due_date="2026-12-21", reason="Điều phối quyết định."
    )
    assert direct.status_code == 200 and direct.json()["extension_count"] == 1


async def test_too_late_to_approve_after_the_deadline(client, frozen_clock) -> None:  # noqa: ANN001
    code, _, _ = await asked(client, frozen_clock)
    frozen_clock.set(datetime(2026, 12, 8, 2, 0, tzinfo=UTC))  # the item is late now
    head = await login(client, "lanhdao@hadong.vn")
    late = await act(client, code, "approve_extension", head)
    assert late.status_code == 409 and "quá hạn" in late.json()["detail"]
    # Refusing still closes the request.
    refused = await act(client, code, "refuse_extension", head, reason="Đã quá hạn, không gia hạn.")
    assert refused.status_code == 200 and refused.json()["extension_request"] is None


async def test_a_transfer_drops_the_pending_request(client, frozen_clock) -> None:  # noqa: ANN001
    code, officer, _ = await asked(client, frozen_clock)
    moved = await act(client, code, "transfer", officer, unit="P-00070-KT", reason="Thuộc địa bàn Hoàn Kiếm.")
    assert moved.status_code == 200, moved.text
    item = await FeedbackItem.get(code=code)
    assert item.extension_request_day is None and item.extension_request_by_id is None


async def test_the_staff_page_shows_the_request(client, frozen_clock) -> None:  # noqa: ANN001
    """The officer sees that the request waits; the head sees it with approve and refuse (the page's
    forms themselves are exercised in tests/web)."""
    code, officer, head = await asked(client, frozen_clock)
    head_view = (await client.get(f"/api/v1/staff/feedback/{code}", headers=head)).json()
    assert {"approve_extension", "refuse_extension"} <= set(head_view["actions"])
    officer_view = (await client.get(f"/api/v1/staff/feedback/{code}", headers=officer)).json()
    assert not {"approve_extension", "refuse_extension"} & set(officer_view["actions"])


async def test_the_item_page_forms(browser, frozen_clock, settings) -> None:  # noqa: ANN001, F811
    """The officer's form sends a request and then says it waits; the head's page shows the request
    with approve and refuse forms, and approving extends."""
    await staff("canbo@hadong.vn", "officer", HADONG)
    await staff("lanhdao@hadong.vn", "head", HADONG)
    code = await file_item(browser)
    frozen_clock.set(REMINDER_DAY)
    await log_in(browser, "canbo@hadong.vn")
    page = await browser.get(f"/staff/feedback/{code}")
    assert "extend" in forms(page.text) and "Gửi đề nghị gia hạn" in page.text
    sent = await browser.post(
        f"/staff/feedback/{code}/extend",
        data={"csrf_token": csrf(browser), "due_date": "2026-12-15", "reason": REASON},
        follow_redirects=True,
    )
    assert sent.status_code == 200 and "chờ lãnh đạo đơn vị phê duyệt" in sent.text
    assert 'id="extension-pending"' in sent.text and "extend" not in forms(sent.text)
    assert not {"approve_extension", "refuse_extension"} & forms(sent.text)

    await log_in(browser, "lanhdao@hadong.vn")
    page = await browser.get(f"/staff/feedback/{code}")
    assert {"approve_extension", "refuse_extension"} <= forms(page.text)
    assert 'id="extension-request"' in page.text and "15/12/2026" in page.text and REASON in page.text
    blank = await browser.post(
        f"/staff/feedback/{code}/refuse_extension", data={"csrf_token": csrf(browser), "reason": "  "}
    )
    assert blank.status_code == 422 and 'id="refuse_extension-reason-error"' in blank.text
    done = await browser.post(
        f"/staff/feedback/{code}/approve_extension", data={"csrf_token": csrf(browser)}, follow_redirects=True
    )
    assert done.status_code == 200 and "Đã phê duyệt gia hạn" in done.text
    assert 'id="extension-request"' not in done.text and "extend" not in forms(done.text)
    item = await FeedbackItem.get(code=code)
    assert item.extension_count == 1 and item.extension_request_day is None
