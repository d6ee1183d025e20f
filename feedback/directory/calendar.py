"""Vietnamese working-day calendar (SPEC §4). Pure: no database, no "now"; the only I/O is reading the
packaged official-calendar data once.

Three layers, each winning over the one before:
1. `holidays.VN`: Saturday/Sunday off, the statutory holidays (Bộ luật Lao động 2019, Điều 112: lunar
   Tết and Giỗ Tổ, the observed days of Điều 111 khoản 3) and the swaps the package knows
   (`weekend_workdays` are the Saturdays swapped in as working days);
2. the government's decisions shipped as data (`official_calendar`): days off and working days with
   the notice's number and date, and the package's days that no enacted law backs (working days);
3. the coordinators' `exceptions` from the database.
All datetimes in and out are timezone-aware; results are UTC.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from feedback.directory.official_calendar import official_year, tet_decision_recorded

DEFAULT_OFFICE_HOURS: tuple[tuple[time, time], ...] = ((time(8), time(12)), (time(13), time(17)))
_END_OF_DAY = time(23, 59, 59)


@lru_cache(maxsize=64)
def _public_year(year: int) -> bytes:
    """One byte per day of `year` (1 = working day): `holidays.VN` with the official decisions laid
    over it, shared by all calendars.

    Building a year costs 1–2 ms once the package is warm (the first one ~90 ms), so years load on
    demand; cross-year swapped Saturdays (e.g. 2014-12-27, paid back in 2015) are in
    `weekend_workdays` from the start, so loading the year itself is enough.
    """
    vn = holidays.VN(years=year)
    first = date(year, 1, 1)
    days = (date(year + 1, 1, 1) - first).days if year < 9999 else 365
    table = bytearray(vn.is_working_day(first + timedelta(i)) for i in range(days))
    for decided in official_year(year):
        table[(decided.day - first).days] = decided.working
    return bytes(table)


# -- where each day comes from (`pakn calendar YEAR`) ------------------------------------------------

LAW = "Bộ luật Lao động 2019, Điều 112 khoản 1"
OBSERVED = "Bộ luật Lao động 2019, Điều 111 khoản 3 (nghỉ bù ngày lễ trùng ngày nghỉ hằng tuần)"


LAYER_NAMES = {
    "law": "thư viện holidays",
    "official": "quyết định của Chính phủ",
    "not_enacted": "theo luật (chưa có căn cứ ban hành)",
    "exception": "ngoại lệ của điều phối viên",
}


@dataclass(frozen=True, slots=True)
class DaySource:
    """One day that is not a plain weekday or weekend, with the layer that decides it."""

    day: date
    working: bool
    source: str  # a key of LAYER_NAMES
    name: str
    basis: str
    note: str = ""
    overrides: str = ""  # what a lower layer said and this one replaced


_POINTS = {  # Điều 112 khoản 1: which point names the holiday
    "Tết Dương lịch": "điểm a",
    "Ngày Chiến thắng": "điểm c",
    "Ngày Quốc tế Lao động": "điểm d",
    "Quốc khánh": "điểm đ",
    "Ngày Giỗ Tổ Hùng Vương": "điểm e",
}
_ESTIMATE = "chưa có quyết định của Thủ tướng theo khoản 3, ngày theo dự kiến của thư viện holidays"


def _package_basis(day: date, name: str) -> str:
    if "nghỉ bù" in name:
        return OBSERVED
    if "thay cho" in name or name == "Ngày làm việc bù":
        return "thư viện holidays 0.109 (hoán đổi của Chính phủ, chưa có trong dữ liệu chính thức của pakn)"
    if "Tết" in name and name != "Tết Dương lịch":
        if tet_decision_recorded(day.year):
            return f"{LAW} điểm b"
        return f"{LAW} điểm b (5 ngày; {_ESTIMATE})"
    if name == "Quốc khánh" and (day.month, day.day) != (9, 2):
        return f"{LAW} điểm đ (ngày liền kề; {_ESTIMATE})"
    point = _POINTS.get(name)
    return f"{LAW} {point}" if point else LAW


def sources_of_year(year: int, exceptions: Mapping[date, tuple[bool, str]] | None = None) -> list[DaySource]:
    """The year's non-working weekdays, working weekend days and overruled days, each with its source.

    `exceptions` maps a date to (working, note) as coordinators recorded it.
    """
    exceptions = exceptions or {}
    vn = holidays.VN(years=year, language="vi")
    official = {d.day: d for d in official_year(year)}
    first, result = date(year, 1, 1), []
    for i in range((date(year + 1, 1, 1) - first).days):
        d = first + timedelta(i)
        weekday = d.weekday() < 5
        package_working = vn.is_working_day(d)
        package_name = vn.get(d) or ("Ngày làm việc bù" if d in vn.weekend_workdays else "")
        layers: list[DaySource] = []
        if package_working != weekday:
            layers.append(DaySource(d, package_working, "law", package_name, _package_basis(d, package_name)))
        if d in official:
            o = official[d]
            source = "not_enacted" if o.kind == "not_enacted" else "official"
            layers.append(DaySource(d, o.working, source, o.name, o.basis, o.note))
        if d in exceptions:
            working, note = exceptions[d]
            layers.append(
                DaySource(
                    d, working, "exception", "Ngoại lệ của bộ phận điều phối", "cơ sở dữ liệu pakn", note
                )
            )
        if not layers:
            continue
        top = layers[-1]
        below = [
            f"{LAYER_NAMES[x.source]}: {x.name} ({'làm việc' if x.working else 'nghỉ'})"
            for x in layers[:-1]
            if x.working != top.working
        ]
        if top.working == weekday and not below:
            continue  # e.g. an exception that only restates the plain pattern
        result.append(DaySource(d, top.working, top.source, top.name, top.basis, top.note, "; ".join(below)))
    return result


class WorkCalendar:
    def __init__(
        self,
        tz: ZoneInfo,
        exceptions: Mapping[date, bool] | None = None,
        office_hours: Sequence[tuple[time, time]] = DEFAULT_OFFICE_HOURS,
    ) -> None:
        if not office_hours or any(not start < end for start, end in office_hours):
            raise ValueError("office_hours needs at least one (start, end) period with start < end")
        self.tz = tz
        # Copied so that a caller mutating its mapping cannot desynchronise the per-year cache.
        self.exceptions: dict[date, bool] = dict(exceptions or {})
        self.office_hours: tuple[tuple[time, time], ...] = tuple(sorted(office_hours))
        # year -> (ordinal of 1 January, one byte per day): the hot path is one dict lookup
        # and one index, with the exceptions already applied.
        self._years: dict[int, tuple[int, bytes]] = {}

    # -- days -----------------------------------------------------------------------------------

    def _year(self, year: int) -> tuple[int, bytes]:
        cached = self._years.get(year)
        if cached is None:
            table = bytearray(_public_year(year))
            base = date(year, 1, 1).toordinal()
            for d, working in self.exceptions.items():
                if d.year == year:
                    table[d.toordinal() - base] = working
            cached = self._years[year] = (base, bytes(table))
        return cached

    def is_working_day(self, d: date) -> bool:
        base, table = self._year(d.year)
        return table[d.toordinal() - base] == 1

    def shift_working_days(self, d: date, n: int) -> date:
        """The n-th working day after d (d itself not counted), or the |n|-th before d if n < 0."""
        if n == 0:
            return d
        step = 1 if n > 0 else -1
        remaining = abs(n)
        ordinal = d.toordinal()
        base, table = self._year(d.year)
        while True:
            ordinal += step
            index = ordinal - base
            if not 0 <= index < len(table):  # crossed into another year
                base, table = self._year(date.fromordinal(ordinal).year)
                index = ordinal - base
            if table[index]:
                remaining -= 1
                if remaining == 0:
                    return date.fromordinal(ordinal)

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Working days after start's local date up to and including end's local date (0 if none)."""
        first = self.local_date(start) + timedelta(1)
        last = self.local_date(end)
        count = 0
        while first <= last:  # one slice per calendar year
            base, table = self._year(first.year)
            stop = min(last, date(first.year, 12, 31))
            count += table[first.toordinal() - base : stop.toordinal() - base + 1].count(1)
            first = stop + timedelta(1)
        return count

    # -- instants -------------------------------------------------------------------------------

    def local_date(self, moment: datetime) -> date:
        return self._local(moment).date()

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("WorkCalendar needs timezone-aware datetimes")
        return moment.astimezone(self.tz)

    def _at(self, d: date, t: time) -> datetime:
        return datetime.combine(d, t, tzinfo=self.tz).astimezone(UTC)

    def end_of_day(self, d: date) -> datetime:
        """23:59:59 local time of d, in UTC."""
        return self._at(d, _END_OF_DAY)

    def start_of_office(self, d: date) -> datetime:
        """Start of d's first office period, in UTC."""
        return self._at(d, self.office_hours[0][0])

    def answer_deadline(self, received_at: datetime, days: int) -> datetime:
        """Civil Code Art. 147–148: the day of receipt is not counted and the deadline ends at the end
        of its last working day. Receipt on a weekend or holiday counts from the next working day."""
        return self.end_of_day(self.shift_working_days(self.local_date(received_at), days))

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """`start` plus `hours` counted only in office periods of working days (UTC).

        Starting outside office hours counts from the next period; a span that fills a period exactly
        ends at that period's end (e.g. 11:00 + 1 h = 12:00, not 13:00). hours=0 returns start.
        """
        if hours < 0:
            raise ValueError("hours must be >= 0")
        remaining = timedelta(hours=hours)
        cursor = self._local(start).astimezone(UTC)
        if not remaining:
            return cursor
        d = self.local_date(start)
        while True:
            if self.is_working_day(d):
                for opens, closes in self.office_hours:
                    # Arithmetic on UTC instants stays right even across a DST change.
                    period_end = self._at(d, closes)
                    if cursor >= period_end:
                        continue
                    begin = max(cursor, self._at(d, opens))
                    available = period_end - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
                    cursor = period_end
            d += timedelta(1)
