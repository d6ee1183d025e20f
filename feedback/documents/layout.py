"""An administrative letter in the layout of Nghị định 30/2020/NĐ-CP (05/03/2020) on công tác văn thư,
Phụ lục I ("Thể thức, kỹ thuật trình bày văn bản hành chính"), drawn with fpdf2. Pure: a Letter in,
PDF bytes out.

What ND 30 asks, and where it is drawn:
- A4 paper, margins top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm (mục II.1, II.3);
- the font is Times New Roman (mục II.2): we embed Liberation Serif, metric-compatible with it and
  free to ship (fonts/, SIL Open Font License), so a fresh clone needs nothing from the system and the
  Vietnamese letters are in the file;
- top left: the superior body (cơ quan chủ quản), upper case, regular; the issuing body, upper case,
  bold, with a short rule under it; "Số: …/…" under them (mục III.3, III.4);
- top right: the Quốc hiệu "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (upper case, bold, 12–13 pt) and the
  Tiêu ngữ "Độc lập - Tự do - Hạnh phúc" (bold, 13–14 pt) with a rule as long as it (mục III.1); the
  place and date in italics under them, "Hà Đông, ngày 05 tháng 11 năm 2026", days under 10 and
  months 1 and 2 with a leading zero (mục III.5);
- the kind and summary of the document centred, upper case, bold (mục III.6), then the text,
  13–14 pt, justified, first lines indented 1–1.27 cm (mục III.7);
- the signature block on the right: the authority ("TM.", "KT."), the title in upper case, bold, room
  for the signature and seal, the signer's name in bold (mục III.8); "Nơi nhận:" bottom left, bold
  italic 12 pt, the list in 11 pt (mục III.12).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

FONTS = Path(__file__).parent / "fonts"
FAMILY = "LiberationSerif"
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

# Millimetres: ND 30 Phụ lục I, mục II.3.
LEFT, RIGHT, TOP, BOTTOM = 30.0, 15.0, 20.0, 20.0
PAGE_WIDTH = 210.0
TEXT_WIDTH = PAGE_WIDTH - LEFT - RIGHT
HEADER_LEFT_WIDTH = 66.0  # the issuing body's column; the Quốc hiệu's is the rest
INDENT = 12.0  # first-line indent, 1–1.27 cm


@dataclass(frozen=True)
class Signature:
    title: str  # "Chủ tịch", "Giám đốc"
    name: str = ""  # left blank when the head signs by hand
    authority: str = ""  # "TM. Ủy ban nhân dân", "KT. Giám đốc": the line above the title
    note: str = "(Ký, ghi rõ họ tên và đóng dấu)"


@dataclass(frozen=True)
class Letter:
    issuer: str  # the issuing body, as written in running text ("UBND phường Hà Đông")
    number: str  # "Số: 12/PXL-…" without "Số: "
    place: str  # "Hà Đông"
    day: date
    title: str  # the kind of document, upper case when drawn
    addressee: str  # "Ông/Bà Nguyễn Văn An"
    paragraphs: tuple[str, ...]  # the text; a paragraph of "label: value" lines is drawn as is
    signature: Signature
    parent: str = ""  # the superior body; '' for a body that heads its own documents (an UBND)
    summary: str = ""  # trích yếu ("V/v …"), under the title
    recipients: tuple[str, ...] = field(default=("Như trên;", "Lưu: VT."))


def long_date(day: date) -> str:
    """The date as written in full: a zero before days under 10 and months 1 and 2 (mục III.5)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def date_line(place: str, day: date) -> str:
    """The place and date of the document, as in "Hà Đông, ngày 05 tháng 11 năm 2026"."""
    return f"{place}, {long_date(day)}"


def upper(text: str) -> str:
    return nfc(text).upper()


def nfc(text: str) -> str:
    """One form of each Vietnamese letter (precomposed), so every glyph is in the font's table."""
    return unicodedata.normalize("NFC", text)


def render(letter: Letter) -> bytes:
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(LEFT, TOP, RIGHT)
    pdf.set_auto_page_break(True, margin=BOTTOM)
    for style, suffix in (("", "Regular"), ("B", "Bold"), ("I", "Italic"), ("BI", "BoldItalic")):
        pdf.add_font(FAMILY, style, str(FONTS / f"LiberationSerif-{suffix}.ttf"))
    pdf.set_title(nfc(letter.title))
    pdf.set_author(nfc(letter.issuer))
    # The letter's own date, not the clock: the same letter gives the same bytes.
    pdf.set_creation_date(datetime.combine(letter.day, time(), tzinfo=UTC))
    pdf.add_page()
    _header(pdf, letter)
    _title(pdf, letter)
    _body(pdf, letter)
    _signature_and_recipients(pdf, letter)
    return bytes(pdf.output())


def _centred(pdf: FPDF, x: float, width: float, text: str, style: str, size: float, height: float) -> None:
    pdf.set_font(FAMILY, style, size)
    pdf.set_x(x)
    pdf.multi_cell(width, height, nfc(text), align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)


def _rule(pdf: FPDF, centre: float, length: float) -> None:
    y = pdf.get_y() + 0.6
    pdf.set_line_width(0.3)
    pdf.line(centre - length / 2, y, centre + length / 2, y)
    pdf.set_y(y + 1.5)


def _header(pdf: FPDF, letter: Letter) -> None:
    left_x, right_x = LEFT, LEFT + HEADER_LEFT_WIDTH
    right_width = TEXT_WIDTH - HEADER_LEFT_WIDTH
    top = pdf.get_y()
    # Left: the superior body, the issuing body and its rule, the number.
    if letter.parent:
        _centred(pdf, left_x, HEADER_LEFT_WIDTH, upper(letter.parent), "", 12.5, 5.5)
    _centred(pdf, left_x, HEADER_LEFT_WIDTH, upper(letter.issuer), "B", 12.5, 5.5)
    _rule(pdf, left_x + HEADER_LEFT_WIDTH / 2, HEADER_LEFT_WIDTH / 3)
    number_y = pdf.get_y() + 1
    left_bottom = number_y
    # Right: Quốc hiệu, Tiêu ngữ and its rule as long as it.
    pdf.set_y(top)
    _centred(pdf, right_x, right_width, NATIONAL_NAME, "B", 12, 5.5)
    _centred(pdf, right_x, right_width, MOTTO, "B", 13.5, 6)
    pdf.set_font(FAMILY, "B", 13.5)
    _rule(pdf, right_x + right_width / 2, pdf.get_string_width(MOTTO))
    row = max(left_bottom, pdf.get_y() + 1)
    pdf.set_y(row)
    _centred(pdf, left_x, HEADER_LEFT_WIDTH, f"Số: {letter.number}", "", 13, 6)
    if not letter.title and letter.summary:  # a công văn: its summary under the number (mục III.6.b)
        _centred(pdf, left_x, HEADER_LEFT_WIDTH, letter.summary, "", 12.5, 5.5)
    left_bottom = pdf.get_y()
    pdf.set_y(row)
    _centred(pdf, right_x, right_width, date_line(letter.place, letter.day), "I", 13.5, 6)
    pdf.set_y(max(pdf.get_y(), left_bottom) + 8)


def _title(pdf: FPDF, letter: Letter) -> None:
    if letter.title:
        _centred(pdf, LEFT, TEXT_WIDTH, upper(letter.title), "B", 14, 6.5)
    if letter.title and letter.summary:
        _centred(pdf, LEFT, TEXT_WIDTH, letter.summary, "B", 14, 6.5)
        _rule(pdf, LEFT + TEXT_WIDTH / 2, 40)
    pdf.set_y(pdf.get_y() + 5)
    pdf.set_font(FAMILY, "", 14)
    pdf.set_x(LEFT)
    pdf.multi_cell(TEXT_WIDTH, 7, nfc(f"Kính gửi: {letter.addressee}."), align=Align.C)
    pdf.set_y(pdf.get_y() + 3)


def _body(pdf: FPDF, letter: Letter) -> None:
    pdf.set_font(FAMILY, "", 14)
    with pdf.text_columns(text_align="J", line_height=1.2, l_margin=LEFT, r_margin=RIGHT) as columns:
        for text in letter.paragraphs:
            with columns.paragraph(first_line_indent=INDENT, bottom_margin=2) as paragraph:
                paragraph.write(nfc(text))
    pdf.set_y(pdf.get_y() + 4)


def _signature_and_recipients(pdf: FPDF, letter: Letter) -> None:
    sign = letter.signature
    width = 80.0
    x = LEFT + TEXT_WIDTH - width
    if pdf.get_y() + 55 > pdf.h - BOTTOM:
        pdf.add_page()
    top = pdf.get_y()
    if sign.authority:
        _centred(pdf, x, width, upper(sign.authority), "B", 13.5, 6)
    _centred(pdf, x, width, upper(sign.title), "B", 13.5, 6)
    if sign.note:
        _centred(pdf, x, width, sign.note, "I", 12, 5.5)
    pdf.set_y(pdf.get_y() + 24)  # the signature and the seal
    if sign.name:
        _centred(pdf, x, width, sign.name, "B", 13.5, 6)
    # Nơi nhận: bottom left, level with the signature block.
    pdf.set_y(top)
    pdf.set_x(LEFT)
    pdf.set_font(FAMILY, "BI", 12)
    pdf.cell(TEXT_WIDTH - width, 6, nfc("Nơi nhận:"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 11)
    for line in letter.recipients:
        pdf.set_x(LEFT)
        pdf.multi_cell(TEXT_WIDTH - width - 5, 5, nfc(f"- {line}"), align=Align.L)
