"""The one-stop desk's page (issue 13): a desk officer enters a paper, postal or phone item with its real
receipt time and scanned papers, through the same path as the API; others may not."""

from __future__ import annotations

import io
from datetime import datetime
from html import unescape

import pytest
from pypdf import PdfReader

from feedback.items.models import Attachment, FeedbackItem
from tests.attachments.files import png
from tests.web.test_staff_pages import browser, csrf, log_in, staff  # noqa: F401 - the fixture

pytestmark = pytest.mark.asyncio

FORM = {
    "channel": "postal",
    "received_at": "2026-11-20T09:30",
    "title": "Đơn phản ánh về lấn chiếm vỉa hè",
    "content": "Hộ kinh doanh số 15 phố Quang Trung lấn chiếm toàn bộ vỉa hè làm nơi để xe.",
    "category": "",
    "commune": "09556",
    "address": "Số 15 phố Quang Trung",
    "severity": "normal",
    "name": "Lê Thị Hoa",
    "phone": "",  # postal only: the address is enough (Nghị định 20/2008, Điều 7)
    "email": "",
    "citizen_address": "Số 3 ngõ 9 Quang Trung, phường Hà Đông",
}


async def test_a_desk_officer_lands_on_the_page_and_enters_a_postal_item(browser, settings) -> None:  # noqa: ANN001, F811
    await staff("motcua@hadong.vn", "desk", "P-09556-HCC")
    landed = await log_in(browser, "motcua@hadong.vn")
    assert landed.headers["location"] == "/staff/intake"  # the desk lands on its own work
    form_page = await browser.get("/staff/intake")
    assert form_page.status_code == 200 and 'name="received_at"' in form_page.text
    fields = {**FORM, "csrf_token": csrf(browser)}
    files = [
        *((k, (None, v)) for k, v in fields.items()),
        ("files", ("don-phan-anh.png", png(), "image/png")),
    ]
    saved = await browser.post("/staff/intake", files=files, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    item = await FeedbackItem.get()
    assert saved.headers["location"] == f"/staff/intake?saved={item.code}"
    assert item.channel == "postal" and item.citizen_name == "Lê Thị Hoa"
    assert item.received_at == datetime.fromisoformat("2026-11-20T09:30+07:00")
    assert await Attachment.filter(item_id=item.id).count() == 1
    shown = await browser.get(saved.headers["location"])
    # The desk sees where the item went (another unit's, which it cannot open) to hand the receipt over.
    assert f"Đã lưu phản ánh {item.code}" in unescape(shown.text) and "Văn phòng HĐND và UBND" in shown.text
    # The receipt to hand over: the desk prints it, read back with a real PDF reader.
    assert f'href="/staff/feedback/{item.code}/receipt.pdf"' in shown.text
    receipt = await browser.get(f"/staff/feedback/{item.code}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.headers["content-type"] == "application/pdf"
    text = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(receipt.content)).pages).split()
    )
    for part in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "PHIẾU TIẾP NHẬN PHẢN ÁNH, KIẾN NGHỊ",
        "Kính gửi: Ông/Bà Lê Thị Hoa", f"Mã số phản ánh, kiến nghị: {item.code}",
        "Thời điểm tiếp nhận: 09 giờ 30, ngày 20/11/2026", "Hình thức tiếp nhận: Bưu chính",
        "Đơn vị xử lý: Văn phòng Hội đồng nhân dân và Ủy ban nhân dân phường Hà Đông", "gửi qua đường bưu chính",
        "NGƯỜI TIẾP NHẬN", "motcua", "Hà Đông, ngày 20 tháng 11 năm 2026",
    ):  # fmt: skip
        assert part in text, part
    await staff("motcua2@hadong.vn", "desk", "P-09556-HCC")
    await log_in(browser, "motcua2@hadong.vn")
    other = await browser.get(saved.headers["location"])  # another desk officer: nothing about it
    assert other.status_code == 200 and item.code not in other.text
    assert (await browser.get(f"/staff/feedback/{item.code}/receipt.pdf")).status_code == 404


async def test_a_refusal_keeps_the_values_and_a_forged_form_is_refused(browser) -> None:  # noqa: ANN001, F811
    await staff("motcua@hadong.vn", "desk", "P-09556-HCC")
    await log_in(browser, "motcua@hadong.vn")
    bad = {**FORM, "received_at": "2027-06-01T08:00", "csrf_token": csrf(browser)}
    response = await browser.post("/staff/intake", files={k: (None, v) for k, v in bad.items()})
    assert response.status_code == 422 and "không được sau thời điểm hiện tại" in unescape(response.text)
    assert "Lê Thị Hoa" in response.text and "lấn chiếm toàn bộ vỉa hè" in response.text
    forged = await browser.post("/staff/intake", files={k: (None, v) for k, v in FORM.items()})
    assert forged.status_code == 403
    assert await FeedbackItem.all().count() == 0


async def test_only_desk_officers_and_coordinators(browser) -> None:  # noqa: ANN001, F811
    await staff("canbo@hadong.vn", "officer", "P-09556-KT")
    await log_in(browser, "canbo@hadong.vn")
    assert (await browser.get("/staff/intake")).status_code == 403
    response = await browser.post(
        "/staff/intake", files={k: (None, v) for k, v in {**FORM, "csrf_token": csrf(browser)}.items()}
    )
    assert response.status_code == 403 and await FeedbackItem.all().count() == 0
