"""The staff pages through a browser-like client: log in by the form, the cookies, the CSRF token."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date, timedelta
from html import unescape

import httpx
import pytest_asyncio

from feedback.accounts.services import create_user
from feedback.directory.official_calendar import calendar_warning
from feedback.items.models import Attachment, Event, FeedbackItem
from tests.helpers import PASSWORD, citizen_body

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest_asyncio.fixture
async def browser(database_clean, settings, frozen_clock) -> AsyncIterator[httpx.AsyncClient]:  # noqa: ANN001
    """Like `client`, over https: the session cookies are Secure (settings.base_url is https)."""
    from feedback.app import create_app

    app = create_app(settings, init_db=False, background=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://test") as http:
        yield http


async def staff(email: str, role: str, unit: str | None) -> None:
    await create_user(email=email, role=role, unit_code=unit, password=PASSWORD, name=email.split("@")[0])


async def log_in(browser: httpx.AsyncClient, email: str, next_path: str = "") -> httpx.Response:
    form = {"email": email, "password": PASSWORD, "next": next_path}
    response = await browser.post("/staff/login", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    return response


def csrf(browser: httpx.AsyncClient) -> str:
    return browser.cookies["pakn_csrf"]


async def file_item(browser: httpx.AsyncClient, **overrides: object) -> str:
    response = await browser.post("/api/v1/feedback", json=citizen_body(**overrides))
    assert response.status_code == 201, response.text
    return response.json()["code"]


def forms(html: str) -> set[str]:
    return set(re.findall(r'action="/staff/feedback/[^/"]+/(\w+)"', html))


async def test_login_required_then_back_to_next(browser) -> None:  # noqa: ANN001
    await staff("canbo@hadong.vn", "officer", "P-09556-KT")
    code = await file_item(browser)
    page = await browser.get(f"/staff/feedback/{code}", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == f"/staff/login?next=%2Fstaff%2Ffeedback%2F{code}"
    form = await browser.get(page.headers["location"])
    assert form.status_code == 200 and f'name="next" value="/staff/feedback/{code}"' in form.text
    done = await log_in(browser, "canbo@hadong.vn", f"/staff/feedback/{code}")
    assert done.headers["location"] == f"/staff/feedback/{code}"
    assert (await browser.get(done.headers["location"])).status_code == 200
    # Only a local path: another site's address sends the officer to the inbox.
    again = await log_in(browser, "canbo@hadong.vn", "//evil.example/x")
    assert again.headers["location"] == "/staff"


async def test_wrong_password_shows_the_error(browser) -> None:  # noqa: ANN001
    await staff("canbo@hadong.vn", "officer", "P-09556-KT")
    form = {"email": "canbo@hadong.vn", "password": "sai-mat-khau", "next": "/staff"}
    page = await browser.post("/staff/login", data=form)
    assert page.status_code == 401
    assert "Sai thư điện tử hoặc mật khẩu" in page.text and 'value="canbo@hadong.vn"' in page.text
    assert "pakn_session" not in browser.cookies
    for _ in range(6):  # throttled like the API
        page = await browser.post("/staff/login", data=form)
    assert page.status_code == 429 and "tạm thời bị khoá" in page.text


async def test_inbox_shows_own_unit_with_overdue_marked(browser, frozen_clock) -> None:  # noqa: ANN001
    await staff("canbo@hadong.vn", "officer", "P-09556-KT")
    ours = await file_item(browser)
    urgent = await file_item(browser, title="Cây đổ chắn đường", severity="urgent")
    theirs = await file_item(browser, commune="00070", title="Đèn đường hỏng")
    assert (await FeedbackItem.get(code=theirs).prefetch_related("unit")).unit.code != "P-09556-KT"
    # The urgent item is due at the end of Thursday, the normal one two weeks later.
    frozen_clock.advance(days=4)
    await log_in(browser, "canbo@hadong.vn")
    page = await browser.get("/staff")
    assert page.status_code == 200
    assert ours in page.text and urgent in page.text and theirs not in page.text
    rows = re.findall(r'<tr class="([^"]*)">\s*<td><a href="/staff/feedback/([^"]+)"', page.text)
    assert rows[0] == ("overdue", urgent)  # sorted by deadline, late first
    assert dict((c, k) for k, c in rows)[ours] == ""
    assert '<span class="badge overdue">Quá hạn</span>' in page.text
    # Filters: overdue only, then a search by code, then a bad search says what is wrong.
    late = await browser.get("/staff", params={"overdue": "1"})
    assert urgent in late.text and ours not in late.text
    found = await browser.get("/staff", params={"q": ours})
    assert ours in found.text and urgent not in found.text
    bad = await browser.get("/staff", params={"q": "ab"})
    assert bad.status_code == 422 and "ít nhất 3 ký tự" in bad.text


async def test_due_soon_is_marked(browser, frozen_clock) -> None:  # noqa: ANN001
    await staff("canbo@hadong.vn", "officer", "P-09556-KT")
    code = await file_item(browser, severity="urgent")
    due = (await FeedbackItem.get(code=code)).due_at
    frozen_clock.set(due - timedelta(hours=5))
    await log_in(browser, "canbo@hadong.vn")
    page = await browser.get("/staff")
    assert '<tr class="due-soon">' in page.text and "Sắp đến hạn" in page.text


async def test_item_page_shows_only_allowed_forms(browser) -> None:  # noqa: ANN001
    await staff("canbo@hadong.vn", "officer", "P-09556-KT")
    await staff("truongphong@hadong.vn", "head", "P-09556-KT")
    await staff("desk@hanoi.vn", "desk", "P-09556-KT")
    code = await file_item(browser)
    await log_in(browser, "canbo@hadong.vn")
    page = await browser.get(f"/staff/feedback/{code}")
    assert page.status_code == 200
    assert "Nguyễn Văn An" in page.text and "an@example.vn" in page.text  # the citizen's contact
    assert forms(page.text) == {
        "accept",
        "refuse",
        "transfer",
        "extend",
        "note",
        "answer",
        "cooperate",
        "duplicate",
    }
    await log_in(browser, "truongphong@hadong.vn")
    head = await browser.get(f"/staff/feedback/{code}")
    assert "assign" in forms(head.text) and "canbo@hadong.vn" in head.text
    await log_in(browser, "desk@hanoi.vn")
    desk = await browser.get(f"/staff/feedback/{code}")
    assert forms(desk.text) == {"note"}


async def test_accept_note_and_answer_through_the_forms(browser) -> None:  # noqa: ANN001
    await staff("canbo@hadong.vn", "officer", "P-09556-KT")
    code = await file_item(browser)
    await log_in(browser, "canbo@hadong.vn")
    accepted = await browser.post(
        f"/staff/feedback/{code}/accept",
        data={
            "csrf_token": csrf(browser),
            "classification": "authority",
            "category": "",
            "severity": "normal",
        },
        follow_redirects=False,
    )
    assert accepted.status_code == 303 and accepted.headers["location"].startswith(f"/staff/feedback/{code}")
    assert (await FeedbackItem.get(code=code)).status == "in_progress"
    noted = await browser.post(
        f"/staff/feedback/{code}/note",
        data={"csrf_token": csrf(browser), "text": "Đã gọi điện cho người dân"},
        follow_redirects=True,
    )
    assert noted.status_code == 200 and "Đã gọi điện cho người dân" in noted.text and "Nội bộ" in noted.text
    # The timeline names coded values as people read them, never the codes.
    assert (
        "Phân loại: — → Thuộc thẩm quyền" in noted.text
        and "authority" not in noted.text.split("Diễn biến")[1]
    )
    # The answer with a file: a multipart form, the CSRF token as one of its fields.
    answered = await browser.post(
        f"/staff/feedback/{code}/answer",
        data={"csrf_token": csrf(browser), "answer": "Đơn vị đã thu gom rác tại ngõ 12."},
        files=[("files", ("bien-ban.pdf", PDF, "application/pdf"))],
        follow_redirects=False,
    )
    assert answered.status_code == 303, answered.text
    item = await FeedbackItem.get(code=code)
    assert item.status == "answered" and item.answer == "Đơn vị đã thu gom rác tại ngõ 12."
    assert await Attachment.filter(item_id=item.id, kind="answer").count() == 1
    page = await browser.get(answered.headers["location"])
    assert "bien-ban.pdf" in page.text and "Đang xử lý → Đã trả lời" in page.text
    link = re.search(r'href="(/api/v1/staff/feedback/[^"]+/attachments/\d+)"', page.text)
    assert link and (await browser.get(link.group(1))).content == PDF


async def test_missing_csrf_token_is_refused(browser) -> None:  # noqa: ANN001
    await staff("canbo@hadong.vn", "officer", "P-09556-KT")
    code = await file_item(browser)
    await log_in(browser, "canbo@hadong.vn")
    events = await Event.all().count()
    note = await browser.post(f"/staff/feedback/{code}/note", data={"text": "không có mã"})
    assert note.status_code == 403
    answer = await browser.post(
        f"/staff/feedback/{code}/answer",
        data={"answer": "Trả lời không có mã chống giả mạo."},
        files=[("files", ("a.pdf", PDF, "application/pdf"))],
    )
    assert answer.status_code == 403
    wrong = await browser.post(f"/staff/feedback/{code}/note", data={"csrf_token": "x" * 64, "text": "sai"})
    assert wrong.status_code == 403
    assert await Event.all().count() == events and await Attachment.all().count() == 0


async def test_transfer_and_its_errors(browser) -> None:  # noqa: ANN001
    await staff("canbo@hadong.vn", "officer", "P-09556-KT")
    code = await file_item(browser)
    await log_in(browser, "canbo@hadong.vn")
    blank = await browser.post(
        f"/staff/feedback/{code}/transfer",
        data={"csrf_token": csrf(browser), "unit": "P-00070-KT", "reason": "  "},
    )
    assert blank.status_code == 422
    html = unescape(blank.text)
    # The message sits right under the reason field of the transfer form, which stays open.
    assert re.search(
        r'name="reason"[^>]*aria-invalid="true"[^>]*>\s*</textarea>\s*<p class="field-error" '
        r'id="transfer-reason-error">Cần nhập nội dung ít nhất 5 ký tự',
        html,
    )
    assert '<details class="action" id="action-transfer" open>' in html and 'value="P-00070-KT"' in html
    unknown = await browser.post(
        f"/staff/feedback/{code}/transfer",
        data={"csrf_token": csrf(browser), "unit": "KHONG-CO", "reason": "Không thuộc thẩm quyền"},
    )
    assert unknown.status_code == 422 and 'id="transfer-unit-error">Không có đơn vị mã' in unescape(
        unknown.text
    )
    moved = await browser.post(
        f"/staff/feedback/{code}/transfer",
        data={"csrf_token": csrf(browser), "unit": "P-00070-KT", "reason": "Địa bàn thuộc phường khác"},
        follow_redirects=False,
    )
    assert moved.status_code == 303 and moved.headers["location"] == f"/staff?moved={code}"
    inbox = await browser.get(moved.headers["location"])
    assert "Đã chuyển phản ánh" in inbox.text and f"/staff/feedback/{code}" not in inbox.text
    assert (await FeedbackItem.get(code=code).prefetch_related("unit")).unit.code == "P-00070-KT"
    gone = await browser.get(f"/staff/feedback/{code}")
    assert gone.status_code == 404


async def test_refuse_form_chooses_a_legal_ground(browser) -> None:  # noqa: ANN001
    """The refuse form's select lists the grounds (Nghị định 20/2008/NĐ-CP) with their basis; without a
    ground the form stays open with the message under the select; with one, the page shows the ground,
    its basis and, for a complaint, the procedure the citizen was told."""
    await staff("canbo@hadong.vn", "officer", "P-09556-KT")
    code = await file_item(browser)
    await log_in(browser, "canbo@hadong.vn")
    page = unescape((await browser.get(f"/staff/feedback/{code}")).text)
    assert '<select id="refuse-ground" name="ground" required' in page
    assert '<option value="complaint" title="Điều 1 Nghị định số 20/2008/NĐ-CP;' in page
    assert '<option value="complaint">Khiếu nại</option>' in page  # a classification at acceptance too
    reason = "Đơn khiếu nại quyết định xử phạt vi phạm hành chính của phường."
    blank = await browser.post(
        f"/staff/feedback/{code}/refuse", data={"csrf_token": csrf(browser), "ground": "", "reason": reason}
    )
    assert blank.status_code == 422
    html = unescape(blank.text)
    assert '<details class="action" id="action-refuse" open>' in html
    assert 'id="refuse-ground-error">Cần nhập mục này' in html and reason in html
    done = await browser.post(
        f"/staff/feedback/{code}/refuse",
        data={"csrf_token": csrf(browser), "ground": "complaint", "reason": reason},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    shown = unescape((await browser.get(done.headers["location"])).text)
    assert "Căn cứ không tiếp nhận:</strong> Nội dung là khiếu nại" in shown
    assert "Luật Khiếu nại số 02/2011/QH13" in shown and "Phân loại:</strong> khiếu nại" in shown
    assert "Theo Điều 7 Luật Khiếu nại" in shown and reason in shown
    item = await FeedbackItem.get(code=code)
    assert (item.status, item.refuse_ground, item.classification) == ("refused", "complaint", "complaint")


async def test_organiser_is_sent_to_the_conferences_and_gets_a_friendly_403(browser) -> None:  # noqa: ANN001
    await staff("bantochuc@hanoi.vn", "organiser", "P-09556-KT")
    await log_in(browser, "bantochuc@hanoi.vn")
    page = await browser.get("/staff", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/conferences/manage"
    assert (await browser.get("/staff/dashboard", follow_redirects=True)).status_code == 403


async def test_dashboard_counts(browser, frozen_clock) -> None:  # noqa: ANN001
    await staff("dieuphoi@hanoi.vn", "coordinator", None)
    await staff("canbo@hadong.vn", "officer", "P-09556-KT")
    await file_item(browser)
    await file_item(browser, severity="urgent")
    await file_item(browser, commune="00070")
    await log_in(browser, "canbo@hadong.vn")
    own = await browser.get("/staff/reports")  # the dashboard is part of the reports page now
    assert own.status_code == 200 and 'id="now"' not in own.text  # the city's state: coordinators only
    frozen_clock.advance(days=4)
    await log_in(browser, "dieuphoi@hanoi.vn")
    moved = await browser.get("/staff/dashboard")
    assert moved.status_code == 301 and moved.headers["location"] == "/staff/reports"
    page = await browser.get("/staff/reports")
    assert page.status_code == 200
    assert '<td class="count" data-status="received">3</td>' in page.text
    assert '<td class="count" data-unit="P-09556-KT">1</td>' in page.text
    assert 'href="/staff?overdue=1&amp;unit=P-09556-KT"' in page.text
    inbox = await browser.get("/staff", params={"overdue": "1", "unit": "P-09556-KT"})
    assert inbox.text.count('<tr class="overdue">') == 1
    # From 1 October until next year's Tết decision is in the official calendar data, coordinators are
    # warned (SPEC §4); the expectation follows the data, not a date written here.
    warning = calendar_warning(date(2026, 11, 27))
    assert (warning is not None) == ('id="calendar-warning"' in page.text)
    assert calendar_warning(date(2026, 9, 30)) is None  # before October: no warning


async def test_logout(browser) -> None:  # noqa: ANN001
    await staff("canbo@hadong.vn", "officer", "P-09556-KT")
    await log_in(browser, "canbo@hadong.vn")
    assert (await browser.get("/staff")).status_code == 200
    session = browser.cookies["pakn_session"]
    refused = await browser.post("/staff/logout", data={}, follow_redirects=False)
    assert refused.status_code == 403  # CSRF-checked
    out = await browser.post("/staff/logout", data={"csrf_token": csrf(browser)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/"
    assert "pakn_session" not in browser.cookies
    assert (await browser.get("/staff", follow_redirects=False)).status_code == 303
    # The session itself is gone, not only the cookie.
    browser.cookies.set("pakn_session", session)
    assert (await browser.get("/staff", follow_redirects=False)).status_code == 303


async def test_cooperation_then_coordinator_reopens(browser) -> None:  # noqa: ANN001
    await staff("canbo@hadong.vn", "officer", "P-09556-KT")
    await staff("dieuphoi@hanoi.vn", "coordinator", None)
    code = await file_item(browser)
    await log_in(browser, "canbo@hadong.vn")
    asked = await browser.post(
        f"/staff/feedback/{code}/cooperate",
        data={
            "csrf_token": csrf(browser),
            "unit": "P-00070-KT",
            "request": "Đề nghị cho ý kiến về địa bàn",
            "due_date": "2026-11-25",
        },
        follow_redirects=True,
    )
    assert asked.status_code == 200 and "Đơn vị phối hợp" in asked.text and "Đề nghị cho ý kiến" in asked.text
    bad_date = await browser.post(
        f"/staff/feedback/{code}/extend",
        data={"csrf_token": csrf(browser), "due_date": "ngày mai", "reason": "Cần thêm thời gian"},
    )
    assert bad_date.status_code == 422 and 'id="extend-due_date-error"' in bad_date.text
    await browser.post(
        f"/staff/feedback/{code}/answer",
        data={"csrf_token": csrf(browser), "answer": "Đơn vị đã xử lý xong việc thu gom."},
    )
    assert (await FeedbackItem.get(code=code)).status == "answered"
    await log_in(browser, "dieuphoi@hanoi.vn")
    page = await browser.get(f"/staff/feedback/{code}")
    assert forms(page.text) == {"reopen", "note"}
    reopened = await browser.post(
        f"/staff/feedback/{code}/reopen",
        data={"csrf_token": csrf(browser), "reason": "Người dân chưa hài lòng"},
        follow_redirects=True,
    )
    assert reopened.status_code == 200 and "Đã mở lại phản ánh." in reopened.text
    assert (await FeedbackItem.get(code=code)).status == "in_progress"
    english = await browser.get(f"/staff/feedback/{code}", params={"lang": "en"})
    assert "Timeline" in english.text and "Internal note" in english.text


async def test_an_unknown_status_filter_is_named_on_the_inbox(browser) -> None:  # noqa: ANN001
    await staff("canbo@hadong.vn", "officer", "P-09556-KT")
    await log_in(browser, "canbo@hadong.vn")
    page = await browser.get("/staff", params={"status": "zzz"})
    assert page.status_code == 422 and 'name="q"' in page.text  # the inbox again, with the message
    assert (
        "Giá trị của &#39;status&#39; không hợp lệ" in page.text
        or "Giá trị của 'status' không hợp lệ" in page.text
    )


async def test_a_draft_is_marked_and_heads_filter_what_waits_for_them(browser) -> None:  # noqa: ANN001
    from feedback.directory import reference
    from feedback.directory.models import Unit

    await Unit.filter(code="P-09556-KT").update(requires_approval=True)
    reference.invalidate()
    try:
        await staff("canbo@hadong.vn", "officer", "P-09556-KT")
        await staff("lanhdao@hadong.vn", "head", "P-09556-KT")
        code, other = await file_item(browser), await file_item(browser)
        await log_in(browser, "canbo@hadong.vn")
        saved = await browser.post(
            f"/staff/feedback/{code}/answer",
            data={"csrf_token": csrf(browser), "answer": "Phường đã bố trí xe thu gom rác hằng tuần."},
            follow_redirects=True,
        )
        # The officer is told the draft waits for the head, and the page marks it.
        assert (
            "chờ lãnh đạo đơn vị duyệt" in saved.text and "Dự thảo trả lời chờ lãnh đạo duyệt" in saved.text
        )
        await log_in(browser, "lanhdao@hadong.vn")
        waiting = await browser.get("/staff?approval=1")
        assert code in waiting.text and other not in waiting.text and "Chờ duyệt" in waiting.text
        rest = await browser.get("/staff?approval=0")
        assert other in rest.text and code not in rest.text
    finally:
        await Unit.filter(code="P-09556-KT").update(requires_approval=False)
        reference.invalidate()
