"""The booklet of a conference (SPEC §6): a DOCX for the public record, in the layout of Nghị định
30/2020 — header, summary counts by field and answer mode, then the questions grouped by field with their
answers. Askers and the texts go through the one public redaction policy (`publication.policy`), the same
as the public page and API. A pure function of `ExportData`.
"""

from __future__ import annotations

import io
import re

from feedback.conferences.exports import ILLEGAL_XML, ExportData, ExportQuestion, format_date, local
from feedback.conferences.vocabulary import MODE_NAMES, NOT_ANSWERED, AnswerMode
from feedback.documents.layout import MOTTO as TIEU_NGU
from feedback.documents.layout import NATIONAL_NAME
from feedback.publication.policy import public_question

FONT = "Times New Roman"  # what official documents use; has every Vietnamese glyph

# The layout of an administrative document, Nghị định 30/2020/NĐ-CP, Phụ lục I: A4 paper (mục I.1),
# margins top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm (mục I.3); the national title in
# upper case, bold, size 12–13, and the motto bold, size 13–14, centred under it (mục II.1); the
# issuing body upper case, its superior above it (mục II.2); one font, Times New Roman, black.
NATIONAL_TITLE, MOTTO = NATIONAL_NAME, TIEU_NGU  # the one spelling, feedback/documents/layout.py
A4_MM = (210, 297)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}


def _set_fonts(style) -> None:  # noqa: ANN001 - a python-docx style
    """Latin, complex-script and East-Asian fonts all set, so Word never falls back to a font without
    the Vietnamese letters for some runs (STACK.md); black, not the theme's blue headings."""
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    style.font.name = FONT
    style.font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)  # a theme font would win over the named one
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    rpr_lang = rpr.find(qn("w:lang"))
    if rpr_lang is None:
        rpr_lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(rpr_lang)
    rpr_lang.set(qn("w:val"), "vi-VN")
    rpr_lang.set(qn("w:eastAsia"), "vi-VN")


def _a4(document) -> None:  # noqa: ANN001
    from docx.shared import Mm

    for section in document.sections:
        section.page_width, section.page_height = Mm(A4_MM[0]), Mm(A4_MM[1])
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])


def _header(document, c) -> None:  # noqa: ANN001
    """The two columns of ND 30/2020's header: the superior and the issuing unit on the left, the
    national title and motto on the right; then the place and date, in italics, on the right."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    lines_left = [(c.host_parent_name.upper(), False), (c.host_unit_name.upper(), True)]
    lines_right = [(NATIONAL_TITLE, True), (MOTTO, True)]
    for cell, lines in ((left, lines_left), (right, lines_right)):
        cell.text = ""
        first = True
        for text, bold in lines:
            if not text:
                continue
            paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(text)
            run.bold, run.font.size = bold, Pt(13 if text != NATIONAL_TITLE else 12)
    dated = document.add_paragraph()
    dated.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    made = local(c.published_at or c.starts_at)
    dated.add_run(
        f"{place_name(c.host_unit_name)}, ngày {made:%d} tháng {made:%m} năm {made:%Y}"
    ).italic = True


_LEVELS = re.compile(r"\b(?:Phường|Xã|Đặc khu)\s+(.+)$", re.IGNORECASE)


def place_name(unit_name: str) -> str:
    """The place a document is dated at (địa danh, ND 30/2020 Phụ lục I mục II.4): the ward or commune
    of a commune-level unit ("UBND Phường Hà Đông" → "Hà Đông"), the city for the city's own units."""
    found = _LEVELS.search(unit_name)
    return found.group(1).strip() if found else "Hà Nội"


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
        for i, line in enumerate(ILLEGAL_XML.sub("", text).replace("\r\n", "\n").split("\n")):
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
        parts = [MODE_NAMES[AnswerMode.IN_WRITING]]
        if q.document_number:
            parts.append(f"số {q.document_number}")
        if q.document_date:
            parts.append(f"ngày {format_date(q.document_date)}")
        return " ".join(parts)
    if q.answer_mode == "forwarded":
        label = MODE_NAMES[AnswerMode.FORWARDED]
        return f"{label}, mã phản ánh {q.feedback_code}" if q.feedback_code else label
    return MODE_NAMES.get(q.answer_mode, NOT_ANSWERED)


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
    for name, size in (("Heading 1", 14), ("Heading 2", 13), ("Heading 3", 13)):
        document.styles[name].font.size = Pt(size)
    document.core_properties.title = c.title
    document.core_properties.language = "vi-VN"
    _a4(document)
    _header(document, c)

    # The kind of document in upper case, then what it is about in bold (ND 30/2020 Phụ lục I mục II.5).
    for text, size in (("TỔNG HỢP CÂU HỎI VÀ TRẢ LỜI", 14), (c.title, 14)):
        title = document.add_paragraph()
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title_run = title.add_run(text)
        title_run.bold, title_run.font.size = True, Pt(size)
    starts = local(c.starts_at)
    when = document.add_paragraph()
    when.alignment = WD_ALIGN_PARAGRAPH.CENTER
    when.add_run(f"Thời gian: {starts:%H} giờ {starts:%M}, ngày {starts:%d/%m/%Y}. Địa điểm: {c.place}")

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
        [[MODE_NAMES.get(mode, NOT_ANSWERED), str(n)] for mode, n in data.mode_counts().items()],
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
            shown = public_question(q.text, q.answer, asker_name=q.asker_name, asker_place=q.asker_place)
            asker = f"{shown.asker} ({q.commune_name})" if q.commune_name else shown.asker
            add(None, ("Người hỏi: ", True), (asker, False))
            add(None, ("Nội dung: ", True), (shown.text, False))
            add(None, ("Trả lời: ", True), (shown.answer or "Chưa có nội dung trả lời.", False))
            if q.official_name or q.official_position:
                official = ", ".join(part for part in (q.official_name, q.official_position) if part)
                add(None, ("Người trả lời: ", True), (official, False))
            add(None, ("Hình thức: ", True), (mode_line(q), False))

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
