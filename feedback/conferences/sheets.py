"""The working files of a conference (SPEC §6): XLSX and CSV, one row per question, every column. Not
public: they carry the askers' names and contacts, because the organisers call people back from them.
Pure functions of `ExportData`.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from feedback.conferences.exports import ILLEGAL_XML, ExportData, local
from feedback.conferences.vocabulary import CHANNEL_NAMES, MODE_NAMES, QUESTION_STATUS_NAMES

COLUMNS = [
    "Số câu hỏi",
    "Kênh",
    "Họ tên người hỏi",
    "Địa chỉ người hỏi",
    "Điện thoại",
    "Email",
    "Mã lĩnh vực",
    "Lĩnh vực",
    "Xã/phường",
    "Nội dung câu hỏi",
    "Đơn vị được gợi ý",
    "Mã đơn vị trả lời",
    "Đơn vị trả lời",
    "Hạn trả lời",
    "Trạng thái",
    "Hình thức trả lời",
    "Nội dung trả lời",
    "Người trả lời",
    "Chức vụ",
    "Số văn bản",
    "Ngày văn bản",
    "Mã phản ánh chuyển xử lý",
    "Thời điểm trả lời",
]
WIDTHS = [10, 14, 24, 30, 14, 26, 16, 24, 22, 60, 30, 16, 30, 17, 14, 30, 60, 24, 24, 16, 13, 24, 17]


def rows(data: ExportData) -> list[list[object]]:
    """One row per question, in COLUMNS order: numbers stay numbers, dates and times are local dates and
    times (without a zone: a spreadsheet has none), everything else text."""
    return [
        [
            q.number,
            CHANNEL_NAMES.get(q.channel, q.channel),
            q.asker_name,
            q.asker_place,
            q.asker_phone,
            q.asker_email,
            q.category_code,
            q.category_name,
            q.commune_name,
            q.text,
            q.suggested_unit_name,
            q.unit_code,
            q.unit_name,
            _local(q.due_at),
            QUESTION_STATUS_NAMES.get(q.status, q.status),
            MODE_NAMES.get(q.answer_mode, q.answer_mode) if q.answer_mode else "",
            q.answer,
            q.official_name,
            q.official_position,
            q.document_number,
            q.document_date,
            q.feedback_code,
            _local(q.answered_at),
        ]
        for q in data.questions
    ]


def _local(moment: datetime | None) -> datetime | None:
    found = local(moment)
    return found.replace(tzinfo=None) if found else None


# How dates read in the XLSX (real dates, shown the Vietnamese way) and in the CSV (text that a
# spreadsheet set to Vietnamese reads back as a date).
DATE_FORMAT, DATETIME_FORMAT = "dd/mm/yyyy", "dd/mm/yyyy hh:mm"
CSV_DATE, CSV_DATETIME = "%d/%m/%Y", "%d/%m/%Y %H:%M"


def _csv_value(value: object) -> object:
    if isinstance(value, datetime):
        return value.strftime(CSV_DATETIME)
    if isinstance(value, date):
        return value.strftime(CSV_DATE)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


# Characters a spreadsheet would read as the start of a formula (CSV injection, OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def to_xlsx(data: ExportData) -> bytes:
    """A write-only workbook: a bold, frozen header row, then one row per question."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Câu hỏi")
    for i, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    sheet.append(header)
    for row in rows(data):
        out: list[object] = []
        for value in row:
            if isinstance(value, str) and value:
                value = ILLEGAL_XML.sub("", value)
                if value.startswith(_FORMULA_START):
                    # openpyxl would store "=…" as a formula: keep it as the text it is.
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"
                    value = cell
            elif isinstance(value, date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
                value = cell
            out.append(value)
        sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_csv(data: ExportData) -> bytes:
    """UTF-8 with a BOM (so Excel reads the Vietnamese right), CRLF line ends, the XLSX's columns, dates
    as dd/mm/yyyy (hh:mm)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows(data):
        writer.writerow([_csv_value(value) for value in row])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
