"""Exports of one conference: DOCX booklet (askers redacted), XLSX and CSV working files (everything),
read back with python-docx, openpyxl and csv."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, date, datetime

import docx
import openpyxl
import pytest

from feedback import clock
from feedback.conferences import booklet, exports, sheets
from feedback.conferences.models import Conference, Question
from feedback.conferences.vocabulary import MODE_NAMES, NOT_ANSWERED
from feedback.directory.models import Category, Commune, Unit
from feedback.items.models import FeedbackItem
from tests.helpers import citizen_body, staff_headers

pytestmark = pytest.mark.asyncio

FLOODING = "Ngập úng đường Quang Trung mỗi khi mưa lớn, đề nghị nạo vét cống. Liên hệ tôi: 0912 345 678."
ASKER = "Nguyễn Thị Hằng"
PHONE = "0912345678"


async def _conference(client) -> tuple[Conference, str]:  # noqa: ANN001
    """A held conference of Phường Hà Đông with 5 questions on two fields and every answer mode."""
    now = clock.now()
    host = await Unit.get(code="P-09556")
    environment = await Category.get(code="moi-truong")
    traffic = await Category.get(code="giao-thong")
    commune = await Commune.get(code="09556")
    item_code = (await client.post("/api/v1/feedback", json=citizen_body())).json()["code"]
    item = await FeedbackItem.get(code=item_code)
    conference = await Conference.create(
        host_unit=host,
        title="Hội nghị đối thoại với Nhân dân phường Hà Đông năm 2026",
        starts_at=datetime(2026, 12, 5, 1, 0, tzinfo=UTC),  # 08:00 in Hanoi
        place="Hội trường UBND phường Hà Đông",
        categories=["moi-truong", "giao-thong"],
        status="held",
        created_at=now,
        updated_at=now,
    )
    common = {
        "conference": conference,
        "commune": commune,
        "unit": host,
        "created_at": now,
        "updated_at": now,
    }
    answered = {"status": "answered", "answered_at": now, "official_name": "Trần Văn Bình",
                "official_position": "Phó Chủ tịch UBND phường"}  # fmt: skip
    await Question.create(
        number=1, channel="online", asker_name=ASKER, asker_phone=PHONE, asker_email="hang@example.vn",
        asker_place="Số 5 ngõ 12 Quang Trung", category=environment,
        text=f"{FLOODING} Tôi là {ASKER}.", answer="Phường đã giao công ty thoát nước nạo vét trong tháng 12.",
        answer_mode="at_conference", **answered, **common,
    )  # fmt: skip
    await Question.create(
        number=2, channel="floor", asker_name="Lê Văn Cường", category=environment,
        text="Rác thải ùn ứ ở chợ Hà Đông.", answer="Đã trả lời bằng văn bản.", answer_mode="in_writing",
        document_number="125/UBND-KT", document_date=date(2026, 12, 10), **answered, **common,
    )  # fmt: skip
    await Question.create(
        number=3, channel="import", asker_name="Phạm Thu Dung", category=environment,
        text="=HYPERLINK(\"http://x\") khói bụi xưởng gỗ", answer="Chuyển xử lý.", answer_mode="forwarded",
        feedback_item=item, **answered, **common,
    )  # fmt: skip
    await Question.create(
        number=4, channel="online", asker_name="Hoàng Minh Đức", category=traffic,
        text="Đèn tín hiệu ngã tư Tô Hiệu không hoạt động.", answer="Sở Xây dựng đã sửa.",
        answer_mode="at_conference", **answered, **common,
    )  # fmt: skip
    await Question.create(
        number=5, channel="online", asker_name="Vũ Thị Hạnh", category=traffic,
        text="Ổ gà trên đường Trần Phú.", **common,
    )  # fmt: skip
    return conference, item_code


def _docx_text(content: bytes) -> tuple[str, list[list[list[str]]]]:
    document = docx.Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    return text, tables


def _check_layout(content: bytes, header: list[list[str]]) -> None:
    """Nghị định 30/2020's layout: A4, its margins, the two-column header with the national title and
    motto, the place and date; one font (Times New Roman), black headings."""
    document = docx.Document(io.BytesIO(content))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    [[left, right]] = header
    assert left.split("\n") == ["UBND THÀNH PHỐ HÀ NỘI", "UBND PHƯỜNG HÀ ĐÔNG"]
    assert right.split("\n") == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert any(p.text.startswith("Hà Đông, ngày ") for p in document.paragraphs)
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3"):
        style = document.styles[name]
        assert style.font.name == "Times New Roman"
        assert style.font.color.rgb in (None, docx.shared.RGBColor(0, 0, 0))
    assert "w:asciiTheme" not in document.styles["Heading 1"].element.xml


async def test_every_format_through_the_api(client) -> None:  # noqa: ANN001
    conference, item_code = await _conference(client)
    headers = await staff_headers(client, "tochuc@hadong.vn", "organiser", "P-09556")
    base = f"/api/v1/conferences/{conference.id}/export"

    # DOCX: the booklet, askers redacted.
    response = await client.get(f"{base}.docx", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert f"filename*=UTF-8''hoi-nghi-{conference.id}.docx" in response.headers["content-disposition"]
    text, tables = _docx_text(response.content)
    assert "PHƯỜNG HÀ ĐÔNG" in text.upper()
    assert "Hội nghị đối thoại với Nhân dân phường Hà Đông năm 2026" in text
    assert "08 giờ 00, ngày 05/12/2026" in text and "Hội trường UBND phường Hà Đông" in text
    _check_layout(response.content, tables[0])
    assert text.count("Câu hỏi số ") == 5
    assert "Ngập úng đường Quang Trung" in text
    assert ASKER not in text and PHONE not in text and "0912 345 678" not in text
    assert "hang@example.vn" not in text and "Số 5 ngõ 12" not in text
    assert "N.T.H. (Phường Hà Đông)" in text
    assert "Trần Văn Bình, Phó Chủ tịch UBND phường" in text
    assert "Trả lời bằng văn bản số 125/UBND-KT ngày 10/12/2026" in text
    assert f"mã phản ánh {item_code}" in text
    _, by_field, by_mode = tables
    counts = {row[0]: row[1] for row in by_field[1:]}
    assert counts == {"Môi trường": "3", "Giao thông": "2", "Tổng cộng": "5"}
    modes = {row[0]: row[1] for row in by_mode[1:]}
    assert modes == {
        MODE_NAMES["at_conference"]: "2",
        MODE_NAMES["in_writing"]: "1",
        MODE_NAMES["forwarded"]: "1",
        NOT_ANSWERED: "1",
    }
    # Grouped by field: the three environment questions come before the two traffic ones.
    environment_at, traffic_at = text.index("\nCâu hỏi số 1\n"), text.index("\nCâu hỏi số 4\n")
    assert environment_at < text.index("\nCâu hỏi số 3\n") < traffic_at

    # XLSX: the organisers' working file, everything included.
    response = await client.get(f"{base}.xlsx", headers=headers)
    assert response.status_code == 200
    assert "spreadsheetml" in response.headers["content-type"]
    assert f"hoi-nghi-{conference.id}.xlsx" in response.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[0] == sheets.COLUMNS
    xlsx_rows = [dict(zip(sheets.COLUMNS, row, strict=True)) for row in table[1:]]
    # Dates are dates (shown dd/mm/yyyy), not text.
    written_row = 1 + [r["Số câu hỏi"] for r in xlsx_rows].index(2) + 1
    document_date = sheet.cell(row=written_row, column=sheets.COLUMNS.index("Ngày văn bản") + 1)
    assert document_date.is_date and document_date.number_format == "dd/mm/yyyy"
    assert document_date.value == datetime(2026, 12, 10)
    due = sheet.cell(row=written_row, column=sheets.COLUMNS.index("Thời điểm trả lời") + 1)
    assert due.is_date and isinstance(due.value, datetime) and due.number_format == "dd/mm/yyyy hh:mm"
    for row in xlsx_rows:
        row["Ngày văn bản"] = row["Ngày văn bản"].strftime("%d/%m/%Y") if row["Ngày văn bản"] else ""
    _check_rows(xlsx_rows, item_code)
    forwarded = next(r for r in xlsx_rows if r["Số câu hỏi"] == 3)
    assert forwarded["Nội dung câu hỏi"].startswith("=HYPERLINK")  # text, not a formula
    assert sheet.cell(row=1 + [r["Số câu hỏi"] for r in xlsx_rows].index(3) + 1, column=10).data_type == "s"

    # CSV: UTF-8 with a BOM, same columns.
    response = await client.get(f"{base}.csv", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"  # once, not repeated
    assert response.content.startswith(b"\xef\xbb\xbf")
    reader = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert reader[0] == sheets.COLUMNS
    csv_rows = [dict(zip(sheets.COLUMNS, row, strict=True)) for row in reader[1:]]
    for row in csv_rows:
        row["Số câu hỏi"] = int(row["Số câu hỏi"])
    _check_rows(csv_rows, item_code)
    assert next(r for r in csv_rows if r["Số câu hỏi"] == 3)["Nội dung câu hỏi"].startswith("'=HYPERLINK")


def _check_rows(rows: list[dict], item_code: str) -> None:
    assert len(rows) == 5
    assert Counter(r["Lĩnh vực"] for r in rows) == {"Môi trường": 3, "Giao thông": 2}
    assert Counter(r["Hình thức trả lời"] or "" for r in rows) == {
        MODE_NAMES["at_conference"]: 2,
        MODE_NAMES["in_writing"]: 1,
        MODE_NAMES["forwarded"]: 1,
        "": 1,
    }
    first = next(r for r in rows if r["Số câu hỏi"] == 1)
    assert first["Họ tên người hỏi"] == ASKER and first["Điện thoại"] == PHONE
    assert first["Email"] == "hang@example.vn" and first["Địa chỉ người hỏi"] == "Số 5 ngõ 12 Quang Trung"
    assert first["Nội dung câu hỏi"].startswith("Ngập úng đường Quang Trung")
    assert first["Xã/phường"] == "Phường Hà Đông"
    written = next(r for r in rows if r["Số câu hỏi"] == 2)
    assert written["Số văn bản"] == "125/UBND-KT" and written["Ngày văn bản"] == "10/12/2026"
    assert next(r for r in rows if r["Số câu hỏi"] == 3)["Mã phản ánh chuyển xử lý"] == item_code


async def test_only_organisers_and_coordinators(client) -> None:  # noqa: ANN001
    conference, _ = await _conference(client)
    officer = await staff_headers(client, "canbo@hadong.vn", "officer", "P-09556-KT")
    coordinator = await staff_headers(client, "dieuphoi@hanoi.vn", "coordinator", None)
    for kind in ("docx", "xlsx", "csv"):
        url = f"/api/v1/conferences/{conference.id}/export.{kind}"
        assert (await client.get(url)).status_code == 401
        assert (await client.get(url, headers=officer)).status_code == 403
        assert (await client.get(url, headers=coordinator)).status_code == 200


async def test_missing_conference(client) -> None:  # noqa: ANN001
    headers = await staff_headers(client, "tochuc@hadong.vn", "organiser", "P-09556")
    for kind in ("docx", "xlsx", "csv"):
        response = await client.get(f"/api/v1/conferences/999999/export.{kind}", headers=headers)
        assert response.status_code == 404


async def test_empty_conference_exports(client) -> None:  # noqa: ANN001
    now = clock.now()
    conference = await Conference.create(
        host_unit=await Unit.get(code="P-09556"), title="Hội nghị chưa có câu hỏi", place="Nhà văn hóa tổ 5",
        starts_at=now, status="planning", created_at=now, updated_at=now,
    )  # fmt: skip
    data = await exports.load_export(conference.id)
    assert data.questions == []
    text, tables = _docx_text(booklet.to_docx(data))
    assert "Hội nghị chưa có câu hỏi" in text and "Tổng số câu hỏi: 0" in text
    assert [row for row in openpyxl.load_workbook(io.BytesIO(sheets.to_xlsx(data))).active.values] == [
        tuple(sheets.COLUMNS)
    ]
    assert sheets.to_csv(data).decode("utf-8-sig").splitlines() == [",".join(sheets.COLUMNS)]
