"""Report periods (SPEC §7): local dates `start`..`end` inclusive, and the presets people report by.

Pure. A period's instants are the start of its first local day and the start of the day after its last
(`bounds`), in the service's time zone: everything at or after the first and before the second is in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from feedback.errors import DomainError

# The longest period one report covers: a few years is what anyone compares; more is a mistake.
MAX_DAYS = 366 * 5
# Nghị định 09/2019/NĐ-CP (quy định chế độ báo cáo của cơ quan hành chính nhà nước), Art. 12(1): the
# figures of a periodic report run from the 15th of the month before the period to the 14th of its last
# month ("thời gian chốt số liệu … tính từ ngày 15 của tháng trước kỳ báo cáo đến ngày 14 của tháng
# thuộc kỳ báo cáo").
STATUTORY_FIRST_DAY = 15


@dataclass(frozen=True)
class Period:
    start: date  # first day, inclusive
    end: date  # last day, inclusive

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise DomainError("Ngày kết thúc kỳ báo cáo phải sau hoặc bằng ngày bắt đầu", field="to")
        if (self.end - self.start).days >= MAX_DAYS:
            raise DomainError("Kỳ báo cáo dài quá 5 năm; hãy chọn kỳ ngắn hơn", field="to")

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The period as instants (UTC): [start of the first day, start of the day after the last)."""
        first = datetime.combine(self.start, time(), tz).astimezone(UTC)
        after = datetime.combine(self.end + timedelta(days=1), time(), tz).astimezone(UTC)
        return first, after

    def months(self) -> list[Period]:
        """The calendar months it touches, each cut to the period (for `by=month`)."""
        parts, day = [], self.start
        while day <= self.end:
            last = min(_month_end(day.year, day.month), self.end)
            parts.append(Period(day, last))
            day = last + timedelta(days=1)
        return parts

    def label(self) -> str:
        """Vietnamese, for titles: "từ ngày 01/10/2026 đến ngày 31/10/2026"."""
        return f"từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def month(year: int, number: int) -> Period:
    return Period(date(year, number, 1), _month_end(year, number))


def quarter(year: int, number: int) -> Period:
    if not 1 <= number <= 4:
        raise DomainError("Quý phải từ 1 đến 4", field="quarter")
    first = 3 * (number - 1) + 1
    return Period(date(year, first, 1), _month_end(year, first + 2))


def year(number: int) -> Period:
    return Period(date(number, 1, 1), date(number, 12, 31))


def statutory(year: int, number: int, *, months: int = 1) -> Period:
    """The statutory report period ending in month `number` of `year` (Nghị định 09/2019 Art. 12):
    monthly by default, `months=3` a quarter's, `months=12` a year's (15/12 of the year before to 14/12)."""
    last = date(year, number, STATUTORY_FIRST_DAY - 1)
    back = number - months  # the month before the period's first month
    first = date(year + (back - 1) // 12, (back - 1) % 12 + 1, STATUTORY_FIRST_DAY)
    return Period(first, last)


def month_of(day: date) -> Period:
    return month(day.year, day.month)


def parse(start: date | None, end: date | None, *, today: date) -> Period:
    """A period from the API's or CLI's `from`/`to`: either missing means this month so far."""
    if start is None and end is None:
        return Period(today.replace(day=1), today)
    if start is None or end is None:
        missing = "from" if start is None else "to"
        raise DomainError("Cần cả ngày bắt đầu (from) và ngày kết thúc (to) của kỳ báo cáo", field=missing)
    return Period(start, end)
