"""Exports of one conference (SPEC §6): a DOCX booklet for the public record, and XLSX and CSV working
files for the organisers (one row per question, every column, askers included).

`load_export` is the only function that touches the database: one query for the conference and its host
unit, then the questions read in pages by id with `values()` (no ORM objects), into plain dataclasses.
`to_docx`, `to_xlsx` and `to_csv` are pure functions of that data, so the handlers can run them in a
worker thread and the benchmark can time them apart.

The booklet is published material: askers appear as initials and their commune only, and the question
text is masked (names, phones, e-mail addresses, ID numbers). The XLSX and CSV are not: they carry the
asker's name and contacts because the organisers call people back from them.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from feedback.conferences.models import Conference, Question
from feedback.publication.redact import initials, mask_text

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PAGE = 1000  # questions per query

MODE_LABELS = {
    "at_conference": "Trả lời trực tiếp tại hội nghị",
    "in_writing": "Trả lời bằng văn bản",
    "forwarded": "Chuyển xử lý như phản ánh, kiến nghị",
    "": "Chưa trả lời",
}
MODE_ORDER = ("at_conference", "in_writing", "forwarded", "")
CHANNEL_LABELS = {"online": "Trực tuyến", "floor": "Tại hội nghị", "import": "Nhập từ tệp"}
STATUS_LABELS = {"open": "Chưa trả lời", "answered": "Đã trả lời"}
CONFERENCE_STATUS_LABELS = {
    "planning": "Đang chuẩn bị",
    "collecting": "Đang tiếp nhận câu hỏi",
    "held": "Đã tổ chức",
    "published": "Đã công bố kết quả",
}
NO_FIELD = "Chưa phân loại lĩnh vực"


@dataclass(frozen=True, slots=True)
class ExportConference:
    id: int
    title: str
    host_unit_code: str
    host_unit_name: str
    starts_at: datetime
    place: str
    categories: list[str]
    status: str
    published_at: datetime | None


@dataclass(frozen=True, slots=True)
class ExportQuestion:
    id: int
    number: int
    channel: str
    asker_name: str
    asker_place: str
    asker_phone: str
    asker_email: str
    category_code: str
    category_name: str
    commune_name: str
    text: str
    suggested_unit_name: str
    unit_code: str
    unit_name: str
    due_at: datetime | None
    status: str
    answer: str
    answer_mode: str
    official_name: str
    official_position: str
    document_number: str
    document_date: date | None
    feedback_code: str
    answered_at: datetime | None


@dataclass(frozen=True, slots=True)
class ExportData:
    conference: ExportConference
    questions: list[ExportQuestion] = field(default_factory=list)  # by field, then number

    def by_field(self) -> list[tuple[str, list[ExportQuestion]]]:
        """(field name, its questions) in the order of the export."""
        groups: dict[str, list[ExportQuestion]] = {}
        for q in self.questions:
            groups.setdefault(q.category_name or NO_FIELD, []).append(q)
        return list(groups.items())

    def mode_counts(self) -> dict[str, int]:
        counts = Counter(q.answer_mode for q in self.questions)
        return {mode: counts.get(mode, 0) for mode in MODE_ORDER}


# --- loading -------------------------------------------------------------------------------------------

_QUESTION_VALUES = {
    "id": "id",
    "number": "number",
    "channel": "channel",
    "asker_name": "asker_name",
    "asker_place": "asker_place",
    "asker_phone": "asker_phone",
    "asker_email": "asker_email",
    "category_code": "category__code",
    "category_name": "category__name",
    "commune_name": "commune__name",
    "text": "text",
    "suggested_unit_name": "suggested_unit__name",
    "unit_code": "unit__code",
    "unit_name": "unit__name",
    "due_at": "due_at",
    "status": "status",
    "answer": "answer",
    "answer_mode": "answer_mode",
    "official_name": "official_name",
    "official_position": "official_position",
    "document_number": "document_number",
    "document_date": "document_date",
    "feedback_code": "feedback_item__code",
    "answered_at": "answered_at",
}
_TEXT_FIELDS = {
    k for k in _QUESTION_VALUES if k not in {"id", "number", "due_at", "document_date", "answered_at"}
}


async def load_export(conference_id: int) -> ExportData:
    """The conference and all its questions; `DoesNotExist` (a 404 in the API) when there is none."""
    conference = await Conference.get(id=conference_id).select_related("host_unit")
    head = ExportConference(
        id=conference.id,
        title=_nfc(conference.title),
        host_unit_code=conference.host_unit.code,
        host_unit_name=_nfc(conference.host_unit.name),
        starts_at=conference.starts_at,
        place=_nfc(conference.place),
        categories=list(conference.categories or []),
        status=conference.status,
        published_at=conference.published_at,
    )
    questions: list[ExportQuestion] = []
    last_id = 0
    while True:
        rows = (
            await Question.filter(conference_id=conference_id, id__gt=last_id)
            .order_by("id")
            .limit(PAGE)
            .values(**_QUESTION_VALUES)
        )
        for row in rows:
            for key in _TEXT_FIELDS:
                row[key] = _nfc(row[key] or "")
            questions.append(ExportQuestion(**row))
        if len(rows) < PAGE:
            break
        last_id = rows[-1]["id"]
    # The conference's own fields first, in its order; then any other field by name; unfiled last.
    rank = {code: i for i, code in enumerate(head.categories)}
    questions.sort(
        key=lambda q: (
            not q.category_code,
            rank.get(q.category_code, len(rank)),
            q.category_name,
            q.number,
        )
    )
    return ExportData(conference=head, questions=questions)


# --- formatting helpers ----------------------------------------------------------------------------------


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _local(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(TZ)


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value)
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    local = _local(value)
    return local.strftime("%H:%M %d/%m/%Y") if local else ""


def filename(conference_id: int, extension: str) -> str:
    return f"hoi-nghi-{conference_id}.{extension}"


# --- DOCX: the booklet ---------------------------------------------------------------------------------

FONT = "Times New Roman"  # what official documents use; has every Vietnamese glyph


def _set_fonts(style) -> None:  # noqa: ANN001 - a python-docx style
    """Latin, complex-script and East-Asian fonts all set, so Word never falls back to a font without
    the Vietnamese letters for some runs (STACK.md)."""
    from docx.oxml.ns import qn

    style.font.name = FONT
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    rpr_lang = rpr.find(qn("w:lang"))
    if rpr_lang is None:
        rpr_lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(rpr_lang)
    rpr_lang.set(qn("w:val"), "vi-VN")
    rpr_lang.set(qn("w:eastAsia"), "vi-VN")


def _table(document, header: list[str], rows: list[list[str]]):  # noqa: ANN001, ANN202
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    for column, text in enumerate(header):
        cell = table.rows[0].cells[column]
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for r, row in enumerate(rows, start=1):
        cells = table.rows[r].cells
        for column, text in enumerate(row):
            cells[column].text = text
    return table


def _paragraph(style: str | None, runs: tuple[tuple[str, bool], ...]):  # noqa: ANN202 - an lxml element
    """`<w:p>` with an optional style id and runs of (text, bold); line breaks become `<w:br/>`."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = OxmlElement("w:p")
    if style:
        properties = OxmlElement("w:pPr")
        style_element = OxmlElement("w:pStyle")
        style_element.set(qn("w:val"), style)
        properties.append(style_element)
        paragraph.append(properties)
    for text, bold in runs:
        run = OxmlElement("w:r")
        if bold:
            run_properties = OxmlElement("w:rPr")
            run_properties.append(OxmlElement("w:b"))
            run.append(run_properties)
        for i, line in enumerate(_ILLEGAL_XML.sub("", text).replace("\r\n", "\n").split("\n")):
            if i:
                run.append(OxmlElement("w:br"))
            t = OxmlElement("w:t")
            t.set(_XML_SPACE, "preserve")
            t.text = line
            run.append(t)
        paragraph.append(run)
    return paragraph


_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def mode_line(q: ExportQuestion) -> str:
    """How the question was answered, as printed in the booklet."""
    if q.answer_mode == "in_writing":
        parts = [MODE_LABELS["in_writing"]]
        if q.document_number:
            parts.append(f"số {q.document_number}")
        if q.document_date:
            parts.append(f"ngày {format_date(q.document_date)}")
        return " ".join(parts)
    if q.answer_mode == "forwarded":
        label = MODE_LABELS["forwarded"]
        return f"{label}, mã phản ánh {q.feedback_code}" if q.feedback_code else label
    return MODE_LABELS.get(q.answer_mode, q.answer_mode)


def to_docx(data: ExportData) -> bytes:
    """The booklet: header, summary tables, then the questions by field with their answers (askers redacted)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    c = data.conference
    document = Document()
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3"):
        _set_fonts(document.styles[name])
    document.styles["Normal"].font.size = Pt(13)
    document.core_properties.title = c.title
    document.core_properties.language = "vi-VN"

    unit = document.add_paragraph()
    unit.alignment = WD_ALIGN_PARAGRAPH.CENTER
    unit.add_run(c.host_unit_name.upper()).bold = True
    title = document.add_heading(c.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    starts = _local(c.starts_at)
    when = document.add_paragraph()
    when.alignment = WD_ALIGN_PARAGRAPH.CENTER
    when.add_run(f"Thời gian: {starts:%H:%M} ngày {starts:%d/%m/%Y}. Địa điểm: {c.place}")

    groups = data.by_field()
    document.add_heading("Tổng hợp câu hỏi", level=1)
    document.add_paragraph(f"Tổng số câu hỏi: {len(data.questions)}")
    document.add_heading("Theo lĩnh vực", level=2)
    _table(
        document,
        ["Lĩnh vực", "Số câu hỏi", "Đã trả lời"],
        [[name, str(len(qs)), str(sum(1 for q in qs if q.answer_mode))] for name, qs in groups]
        + [["Tổng cộng", str(len(data.questions)), str(sum(1 for q in data.questions if q.answer_mode))]],
    )
    document.add_heading("Theo hình thức trả lời", level=2)
    _table(
        document,
        ["Hình thức trả lời", "Số câu hỏi"],
        [[MODE_LABELS[mode], str(n)] for mode, n in data.mode_counts().items()],
    )

    document.add_heading("Nội dung câu hỏi và trả lời", level=1)
    # Thousands of paragraphs: written as XML before the section properties, because python-docx's
    # add_paragraph looks the style up by name and scans the whole body for each one (quadratic).
    body = document.element.body
    section = body.find(qn("w:sectPr"))
    h2, h3 = document.styles["Heading 2"].style_id, document.styles["Heading 3"].style_id

    def add(style: str | None, *runs: tuple[str, bool]) -> None:
        paragraph = _paragraph(style, runs)
        if section is not None:
            section.addprevious(paragraph)
        else:
            body.append(paragraph)

    for name, questions in groups:
        add(h2, (name, False))
        for q in questions:
            add(h3, (f"Câu hỏi số {q.number}", False))
            asker = initials(q.asker_name) or "Ẩn danh"
            if q.commune_name:
                asker = f"{asker} ({q.commune_name})"
            add(None, ("Người hỏi: ", True), (asker, False))
            add(
                None,
                ("Nội dung: ", True),
                (mask_text(q.text, names=[q.asker_name] if q.asker_name else []), False),
            )
            add(None, ("Trả lời: ", True), (q.answer or "Chưa có nội dung trả lời.", False))
            if q.official_name or q.official_position:
                official = ", ".join(part for part in (q.official_name, q.official_position) if part)
                add(None, ("Người trả lời: ", True), (official, False))
            add(None, ("Hình thức: ", True), (mode_line(q), False))

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- XLSX and CSV: the organisers' working files ------------------------------------------------------

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
    """One row per question, in COLUMNS order (numbers stay numbers, everything else text)."""
    return [
        [
            q.number,
            CHANNEL_LABELS.get(q.channel, q.channel),
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
            format_datetime(q.due_at),
            STATUS_LABELS.get(q.status, q.status),
            MODE_LABELS.get(q.answer_mode, q.answer_mode) if q.answer_mode else "",
            q.answer,
            q.official_name,
            q.official_position,
            q.document_number,
            format_date(q.document_date),
            q.feedback_code,
            format_datetime(q.answered_at),
        ]
        for q in data.questions
    ]


# Characters a spreadsheet would read as the start of a formula (CSV injection, OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


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
                value = _ILLEGAL_XML.sub("", value)
                if value.startswith(_FORMULA_START):
                    # openpyxl would store "=…" as a formula: keep it as the text it is.
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"
                    value = cell
            out.append(value)
        sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_csv(data: ExportData) -> bytes:
    """UTF-8 with a BOM (so Excel reads the Vietnamese right), CRLF line ends, the XLSX's columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows(data):
        writer.writerow(["'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v for v in row])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
