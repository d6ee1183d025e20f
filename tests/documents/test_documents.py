"""The Mẫu 04 apology and the answer letter, in the layout of Nghị định 30/2020, read back with a real
PDF reader (pypdf); and who may download them: staff who see the item, the citizen with the token."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pypdf
import pytest

from feedback.documents.layout import date_line, render
from feedback.documents.letters import Answer, Apology, Issuer, answer_letter, apology_letter
from feedback.items.models import FeedbackItem
from tests.casework.test_actions import act, file
from tests.helpers import login, staff_headers
from tests.web.test_staff_pages import browser, file_item, log_in, staff  # noqa: F401

WARD = Issuer(
    name="UBND phường Hà Đông",
    kind="commune",
    head_title="Chủ tịch UBND phường Hà Đông",
    parent="UBND Thành phố Hà Nội",
    place="Hà Đông",
)
OFFICE = Issuer(
    name="Phòng Kinh tế, Hạ tầng và Đô thị phường Hà Đông",
    kind="office",
    head_title="Trưởng phòng Kinh tế, Hạ tầng và Đô thị phường Hà Đông",
    parent="UBND phường Hà Đông",
    place="Hà Đông",
)
APOLOGY = Apology(
    issuer=WARD,
    number="20261020.0001-1/PXL",
    issued_on=date(2026, 11, 5),
    citizen_name="Nguyễn Thị Hương",
    code="PAKN.20261020.0001",
    received_on=date(2026, 10, 20),
    category="Môi trường",
    title="Rác thải ùn ứ tại ngõ 12 Quang Trung",
    original_due=date(2026, 11, 3),
    reason="Cần phối hợp với Công ty Môi trường đô thị kiểm tra hiện trường",
    promised_day=date(2026, 11, 12),
    late=True,
    signer_name="Trần Văn Đức",
)


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def flat(text: str) -> str:
    """The text with its line breaks and justified spacing folded, to find phrases across lines."""
    return " ".join(text.split())


def test_the_apology_has_every_element_of_mau_04_in_vietnamese() -> None:
    data = render(apology_letter(APOLOGY))
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    fonts = {str(f) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert fonts  # the font is in the file, not taken from the reader's system
    text = flat(text_of(data))
    for element in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",  # Quốc hiệu
        "Độc lập - Tự do - Hạnh phúc",  # Tiêu ngữ
        "ỦY BAN NHÂN DÂN PHƯỜNG HÀ ĐÔNG",  # the issuing body, upper case
        "Số: 20261020.0001-1/PXL",  # number and symbol
        "Hà Đông, ngày 05 tháng 11 năm 2026",  # place and date
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",  # title
        "Kính gửi: Ông/Bà Nguyễn Thị Hương.",  # addressee
        "mã số PAKN.20261020.0001",  # receipt code
        "Ngày 20/10/2026",  # receipt date
        "thuộc lĩnh vực Môi trường",  # field
        "theo quy định là ngày 03/11/2026",  # original date
        "Lý do: Cần phối hợp với Công ty Môi trường đô thị kiểm tra hiện trường.",
        "thành thật xin lỗi Ông/Bà",  # the apology
        "hẹn trả kết quả giải quyết vào ngày 12 tháng 11 năm 2026",  # the new date
        "TM. ỦY BAN NHÂN DÂN",  # authority of a collective body
        "CHỦ TỊCH",  # signer's title
        "Trần Văn Đức",  # signer's name
        "Nơi nhận:",
        "- Như trên;",
        "- Lưu: VT.",
    ):
        assert element in text, element
    # An Ủy ban nhân dân heads its documents with its own name alone (ND 30, Phụ lục I, III.3).
    assert "THÀNH PHỐ HÀ NỘI" not in text


def test_a_unit_under_a_committee_names_it_and_signs_with_its_title() -> None:
    answer = Answer(
        issuer=OFFICE,
        number="20261020.0001/TL-PAKN",
        issued_on=date(2026, 2, 3),
        citizen_name="Lê Văn Bình",
        code="PAKN.20261020.0001",
        received_on=date(2026, 1, 20),
        title="Đèn đường hỏng ở ngõ 5",
        answer="Đơn vị đã thay bóng đèn ngày 02/02/2026.\nĐề nghị Ông/Bà tiếp tục phản ánh nếu còn hỏng.",
    )
    text = flat(text_of(render(answer_letter(answer))))
    for element in (
        "ỦY BAN NHÂN DÂN PHƯỜNG HÀ ĐÔNG",  # the superior body
        "PHÒNG KINH TẾ, HẠ TẦNG VÀ ĐÔ THỊ PHƯỜNG HÀ ĐÔNG",
        "V/v trả lời phản ánh, kiến nghị",
        "Hà Đông, ngày 03 tháng 02 năm 2026",
        "Đơn vị đã thay bóng đèn ngày 02/02/2026.",
        "Đề nghị Ông/Bà tiếp tục phản ánh nếu còn hỏng.",
        "TRƯỞNG PHÒNG",
    ):
        assert element in text, element
    assert "TM." not in text


@pytest.mark.parametrize(
    ("day", "line"),
    [
        (date(2026, 11, 5), "Hà Đông, ngày 05 tháng 11 năm 2026"),  # a day under 10: a zero
        (date(2026, 1, 15), "Hà Đông, ngày 15 tháng 01 năm 2026"),  # months 1 and 2: a zero
        (date(2026, 2, 28), "Hà Đông, ngày 28 tháng 02 năm 2026"),
        (date(2026, 3, 9), "Hà Đông, ngày 09 tháng 3 năm 2026"),  # from March: none
        (date(2026, 12, 31), "Hà Đông, ngày 31 tháng 12 năm 2026"),
    ],
)
def test_the_date_line_follows_nd_30(day: date, line: str) -> None:
    assert date_line("Hà Đông", day) == line


def test_the_same_letter_gives_the_same_bytes() -> None:
    assert render(apology_letter(APOLOGY)) == render(apology_letter(APOLOGY))


async def test_who_may_download_the_apology_and_the_answer(client, frozen_clock, settings) -> None:  # noqa: ANN001
    created = await file(client)
    code, token = created["code"], created["token"]
    officer = await staff_headers(client, "canbo@hadong.vn", "officer", "P-09556-KT")
    await staff_headers(client, "lanhdao@hadong.vn", "head", "P-09556-KT")
    other = await staff_headers(client, "canbo@hoankiem.vn", "officer", "P-00070-KT")
    citizen_url = f"/api/v1/feedback/{code}/apology.pdf"
    # No apology yet: 404 for everyone.
    assert (await client.get(citizen_url, params={"token": token})).status_code == 404
    assert (
        await client.get(f"/api/v1/staff/feedback/{code}/apology.pdf", headers=officer)
    ).status_code == 404
    assert (await client.get(f"/api/v1/staff/feedback/{code}/answer.pdf", headers=officer)).status_code == 404

    frozen_clock.set(datetime(2026, 12, 8, 2, 0, tzinfo=UTC))
    head = await login(client, "lanhdao@hadong.vn")
    reason = "Cần xác minh thực địa"
    assert (
        await act(client, code, "apologise", head, reason=reason, promised_date="2026-12-11")
    ).status_code == 200
    officer, other = await login(client, "canbo@hadong.vn"), await login(client, "canbo@hoankiem.vn")

    mine = await client.get(citizen_url, params={"token": token})
    assert mine.status_code == 200 and mine.headers["content-type"] == "application/pdf"
    assert "no-store" in mine.headers["cache-control"]
    assert "ngày 11 tháng 12 năm 2026" in flat(text_of(mine.content))
    assert (await client.get(citizen_url, params={"token": "sai"})).status_code == 404
    assert (await client.get(citizen_url)).status_code == 404
    staff_copy = await client.get(f"/api/v1/staff/feedback/{code}/apology.pdf", headers=officer)
    assert staff_copy.status_code == 200 and staff_copy.content == mine.content
    assert (await client.get(f"/api/v1/staff/feedback/{code}/apology.pdf", headers=other)).status_code == 404
    assert (await client.get(f"/api/v1/staff/feedback/{code}/apology.pdf")).status_code == 401

    answered = await act(
        client, code, "answer", officer, answer="Đơn vị đã cử cán bộ kiểm tra và xử lý xong."
    )
    assert answered.status_code == 200, answered.text
    letter = await client.get(f"/api/v1/staff/feedback/{code}/answer.pdf", headers=officer)
    assert letter.status_code == 200
    assert "Đơn vị đã cử cán bộ kiểm tra và xử lý xong." in flat(text_of(letter.content))
    item = await FeedbackItem.get(code=code)
    assert item.promise_source == "head"


async def test_staff_print_pages_need_a_login_and_the_item(browser) -> None:  # noqa: ANN001, F811
    await staff("canbo@hadong.vn", "officer", "P-09556-KT")
    await staff("canbo@hoankiem.vn", "officer", "P-00070-KT")
    code = await file_item(browser)
    page = await browser.get(f"/staff/feedback/{code}/apology.pdf", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/staff/login")
    await log_in(browser, "canbo@hadong.vn")
    assert (await browser.get(f"/staff/feedback/{code}/apology.pdf")).status_code == 404  # none yet
    item = await FeedbackItem.get(code=code)
    await FeedbackItem.filter(id=item.id).update(
        promise_no=1,
        promise_day=date(2026, 12, 11),
        promise_reason="Cần xác minh",
        promise_source="automatic",
        promise_at=datetime(2026, 12, 8, 2, tzinfo=UTC),
        promise_deadline_no=1,
        promise_original_due=item.due_at,
    )
    printed = await browser.get(f"/staff/feedback/{code}/apology.pdf")
    assert printed.status_code == 200 and printed.headers["content-type"] == "application/pdf"
    assert "Cần xác minh" in flat(text_of(printed.content))
    html = (await browser.get(f"/staff/feedback/{code}")).text
    assert f"/staff/feedback/{code}/apology.pdf" in html and 'id="promise"' in html
    await browser.post("/staff/logout", data={"csrf_token": browser.cookies["pakn_csrf"]})
    await log_in(browser, "canbo@hoankiem.vn")
    assert (await browser.get(f"/staff/feedback/{code}/apology.pdf")).status_code == 404
