"""`pakn calendar YEAR`: the year's working calendar with the source of each day, in Vietnamese."""

from __future__ import annotations

from datetime import date

from feedback.directory.calendar import LAYER_NAMES, DaySource, sources_of_year
from feedback.directory.models import CalendarException
from feedback.directory.official_calendar import tet_decision_recorded
from feedback.edge import YEARS
from feedback.errors import DomainError

FIRST_YEAR, LAST_YEAR = YEARS  # the years every date of pakn lies in
_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
_SOURCES = {**LAYER_NAMES, "law": "theo luật"}


def _line(s: DaySource) -> str:
    text = (
        f"  {_WEEKDAYS[s.day.weekday()]} {s.day:%d/%m/%Y}  {s.name}\n      [{_SOURCES[s.source]}] {s.basis}"
    )
    if s.note:
        text += f"\n      Ghi chú: {s.note}"
    if s.overrides:
        text += f"\n      Thay cho: {s.overrides}"
    return text


def format_year(year: int, days: list[DaySource]) -> str:
    off = [s for s in days if not s.working and s.day.weekday() < 5]
    worked = [s for s in days if s.working and s.day.weekday() >= 5]
    kept = [s for s in days if s.working and s.day.weekday() < 5]  # a holiday overruled to a working day
    parts = [
        f"Lịch làm việc năm {year}",
        "",
        f"Ngày nghỉ rơi vào ngày làm việc trong tuần ({len(off)} ngày):",
    ]
    parts += [_line(s) for s in off] or ["  (không có)"]
    parts += ["", f"Ngày làm việc vào thứ Bảy, Chủ nhật ({len(worked)} ngày):"]
    parts += [_line(s) for s in worked] or ["  (không có)"]
    if kept:
        parts += ["", "Ngày vẫn làm việc dù có nguồn ghi là ngày nghỉ:"]
        parts += [_line(s) for s in kept]
    if not tet_decision_recorded(year):
        parts += [
            "",
            f"Lưu ý: chưa có quyết định lịch nghỉ Tết Âm lịch năm {year} trong dữ liệu chính thức; "
            "các ngày Tết trên là dự kiến của thư viện holidays.",
        ]
    return "\n".join(parts)


async def calendar_report(year: int) -> str:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError(f"Năm phải từ {FIRST_YEAR} đến {LAST_YEAR}.", field="year")
    rows = await CalendarException.filter(day__gte=date(year, 1, 1), day__lte=date(year, 12, 31))
    exceptions = {row.day: (row.working, row.note) for row in rows}
    return format_year(year, sources_of_year(year, exceptions))
