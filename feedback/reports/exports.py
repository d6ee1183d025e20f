"""A report as a file: XLSX in the layout of Vietnamese result reports, CSV (UTF-8 with BOM, for Excel),
and the plain-text table of `pakn report`. Pure: a summary.Report in, bytes or text out."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from feedback.reports.figures import Figures
from feedback.reports.summary import Report

KEY_LABELS = {
    "unit": "Đơn vị",
    "category": "Lĩnh vực",
    "channel": "Kênh tiếp nhận",
    "commune": "Xã, phường",
    "month": "Tháng",
    "officer": "Cán bộ",
}
TITLE = "BÁO CÁO KẾT QUẢ TIẾP NHẬN, GIẢI QUYẾT PHẢN ÁNH, KIẾN NGHỊ"


@dataclass(frozen=True)
class Column:
    group: str  # the grouped header above ("" = the column stands alone, across both header rows)
    label: str
    figure: str  # a Figures attribute or property
    kind: str = "count"  # count | percent | number

    def value(self, figures: Figures) -> int | float | None:
        value = getattr(figures, self.figure)
        if value is None or self.kind == "count":
            return value
        return round(value, 4 if self.kind == "percent" else 2)


RECEIVED, DONE, OTHER, OPEN = "Số nhận giải quyết", "Đã giải quyết", "Không tiếp nhận, gộp", "Đang giải quyết"
MORE, TIME, RATING = "Theo dõi khác", "Thời gian trả lời (ngày làm việc)", "Đánh giá của người dân"
COLUMNS = (
    Column(RECEIVED, "Tổng số", "total"),
    Column(RECEIVED, "Kỳ trước chuyển sang", "carried_over"),
    Column(RECEIVED, "Mới tiếp nhận trực tuyến", "received_online"),
    Column(RECEIVED, "Mới tiếp nhận trực tiếp và bưu chính", "received_other"),
    Column(DONE, "Tổng số", "answered"),
    Column(DONE, "Trước hạn", "answered_early"),
    Column(DONE, "Đúng hạn", "answered_on_time"),
    Column(DONE, "Quá hạn", "answered_late"),
    Column(OTHER, "Không tiếp nhận", "refused"),
    Column(OTHER, "Gộp (trùng nội dung)", "merged"),
    Column(OPEN, "Tổng số", "open"),
    Column(OPEN, "Trong hạn", "open_in_time"),
    Column(OPEN, "Quá hạn", "open_overdue"),
    Column("", "Tỷ lệ đúng hạn", "on_time_rate", "percent"),
    Column(MORE, "Chuyển đơn vị khác", "transferred_out"),
    Column(MORE, "Chuyển từ 2 lần", "transferred_twice"),
    Column(MORE, "Gia hạn", "extended"),
    Column(MORE, "Thư xin lỗi", "apologies"),
    Column(MORE, "Lỡ hẹn", "promises_missed"),
    Column(MORE, "Mở lại", "reopened"),
    Column(MORE, "Phối hợp", "cooperations"),
    Column(MORE, "Phối hợp quá hạn", "cooperations_late"),
    Column(TIME, "Trung bình", "answer_days_avg", "number"),
    Column(TIME, "90% trong vòng", "answer_days_p90"),
    Column(RATING, "Lượt đánh giá", "ratings"),
    Column(RATING, "Điểm trung bình", "rating_avg", "number"),
    Column(RATING, "Hài lòng", "satisfied", "percent"),
    Column(RATING, "Không hài lòng", "dissatisfied", "percent"),
)
TOTAL_LABEL = "Tổng cộng"


def _lines(report: Report) -> list[tuple[str, str, Figures, int]]:
    """(code, name, figures, indent level) per row, then the total."""
    rows = [(r.key.code or "", r.key.name, r.figures, max(r.key.level - 1, 0)) for r in report.rows]
    return [*rows, ("", TOTAL_LABEL, report.total, 0)]


def subtitle(report: Report) -> str:
    return f"{report.title_unit} — kỳ báo cáo {report.period.label()}"


def filename(report: Report, extension: str) -> str:
    scope = report.unit.code if report.unit else "toan-thanh-pho"
    return f"bao-cao-pakn-{scope}-{report.period.start:%Y%m%d}-{report.period.end:%Y%m%d}-{report.by}.{extension}"


def to_csv(report: Report) -> bytes:
    """One header row ("Đã giải quyết - Quá hạn"), one row per key, the total last; rates in %."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Mã", KEY_LABELS[report.by],
                     *(f"{c.group} - {c.label}" if c.group else c.label for c in COLUMNS)])  # fmt: skip
    for code, name, figures, _ in _lines(report):
        writer.writerow([code, name, *(_csv_value(c, figures) for c in COLUMNS)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_value(column: Column, figures: Figures) -> object:
    value = column.value(figures)
    if value is None:
        return ""
    return round(value * 100, 2) if column.kind == "percent" else value


def to_xlsx(report: Report) -> bytes:
    """Title, unit and period; grouped headers on two rows; numbers as numbers, rates as percentages;
    a bold totals row; printed on A4 landscape, fitted to the page width, headers repeated."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Báo cáo"
    width = 2 + len(COLUMNS)
    last = get_column_letter(width)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row, text, size in (
        (1, TITLE, 14),
        (2, report.title_unit, 12),
        (3, f"Kỳ báo cáo: {report.period.label()}", 11),
    ):
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font, cell.alignment = Font(bold=True, size=size), Alignment(horizontal="center")
    head = 5
    for col, label in ((1, "Mã"), (2, KEY_LABELS[report.by])):
        sheet.merge_cells(start_row=head, start_column=col, end_row=head + 1, end_column=col)
        sheet.cell(row=head, column=col, value=label)
    col = 3
    while col < width + 1:
        column = COLUMNS[col - 3]
        span = sum(1 for c in COLUMNS if c.group == column.group) if column.group else 1
        if column.group:
            sheet.merge_cells(start_row=head, start_column=col, end_row=head, end_column=col + span - 1)
            sheet.cell(row=head, column=col, value=column.group)
            for offset in range(span):
                sheet.cell(row=head + 1, column=col + offset, value=COLUMNS[col - 3 + offset].label)
        else:
            sheet.merge_cells(start_row=head, start_column=col, end_row=head + 1, end_column=col)
            sheet.cell(row=head, column=col, value=column.label)
        col += span
    for row in (head, head + 1):
        for c in range(1, width + 1):
            cell = sheet.cell(row=row, column=c)
            cell.font, cell.alignment, cell.border = Font(bold=True), centre, box
    row = head + 2
    for code, name, figures, indent in _lines(report):
        total = name == TOTAL_LABEL and code == ""
        sheet.cell(row=row, column=1, value=code)
        sheet.cell(row=row, column=2, value=name).alignment = Alignment(indent=indent, wrap_text=True)
        for offset, column in enumerate(COLUMNS):
            cell = sheet.cell(row=row, column=3 + offset, value=column.value(figures))
            if column.kind == "percent":
                cell.number_format = "0.0%"
            elif column.kind == "number":
                cell.number_format = "0.0"
        for c in range(1, width + 1):
            sheet.cell(row=row, column=c).border = box
            if total:
                sheet.cell(row=row, column=c).font = Font(bold=True)
        row += 1
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 38
    for c in range(3, width + 1):
        sheet.column_dimensions[get_column_letter(c)].width = 11
    sheet.row_dimensions[head + 1].height = 48
    sheet.freeze_panes = sheet.cell(row=head + 2, column=3)
    setup = sheet.page_setup
    setup.orientation, setup.paperSize = "landscape", sheet.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{head}:{head + 1}"
    sheet.print_options.horizontalCentered = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


TABLE_COLUMNS = (
    ("Tổng", "total"), ("Kỳ trước", "carried_over"), ("Mới", "received"), ("Trước hạn", "answered_early"),
    ("Đúng hạn", "answered_on_time"), ("Quá hạn", "answered_late"), ("K.tiếp nhận", "refused"),
    ("Gộp", "merged"), ("Đang-trong hạn", "open_in_time"), ("Đang-quá hạn", "open_overdue"),
    ("Tỷ lệ đúng hạn", "on_time_rate"),
)  # fmt: skip


def to_table(report: Report) -> str:
    """`pakn report`'s text: the main figures of each row, aligned, with the title above."""
    header = [KEY_LABELS[report.by], *(label for label, _ in TABLE_COLUMNS)]
    lines = []
    for _, name, figures, indent in _lines(report):
        values = []
        for _, figure in TABLE_COLUMNS:
            value = getattr(figures, figure)
            values.append(
                "—" if value is None else f"{value:.1%}" if isinstance(value, float) else str(value)
            )
        lines.append(["  " * indent + name, *values])
    widths = [max(len(str(r[i])) for r in [header, *lines]) for i in range(len(header))]
    key_width = min(widths[0], 60)

    def line(cells: list[str]) -> str:
        first = cells[0][:key_width].ljust(key_width)
        return "  ".join([first, *(c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))])

    return "\n".join([TITLE, subtitle(report), "", line(header), *map(line, lines)])
