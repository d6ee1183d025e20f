"""WorkCalendar against what holidays 0.109 really says about Vietnam (dates checked by printing
holidays.VN(years=...) while writing these tests), with the official decisions of
feedback/directory/data/official_calendar.csv laid over it (tests/deadlines/test_official_calendar.py
checks every row)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import holidays
import pytest

from feedback.directory.calendar import WorkCalendar

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkCalendar(TZ)


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def end_of(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 23, 59, 59, tzinfo=TZ)


# What holidays 0.109 lists for VN (observed and swapped days off included). If a package upgrade
# changes these, review the deadlines it moves before updating the lists.
VN_2026 = [
    date(2026, 1, 1),
    *(date(2026, 2, d) for d in range(16, 21)),  # Tết Bính Ngọ: 29 Tết .. mùng 4 (Mon–Fri)
    date(2026, 4, 26),  # Giỗ Tổ (10/3 lunar), a Sunday ...
    date(2026, 4, 27),  # ... observed on Monday
    date(2026, 4, 30),
    date(2026, 5, 1),
    date(2026, 8, 31),  # day off swapped with Saturday 2026-08-22 (a working day)
    date(2026, 9, 1),
    date(2026, 9, 2),
    date(2026, 11, 24),  # Vietnam Cultural Day, new from 2026
]
VN_2027 = [
    date(2027, 1, 1),
    *(date(2027, 2, d) for d in range(4, 11)),  # Tết Đinh Mùi: 29 Tết .. mùng 5 (Thu–Wed)
    date(2027, 4, 16),  # Giỗ Tổ, a Friday
    date(2027, 4, 30),
    date(2027, 5, 1),  # a Saturday ...
    date(2027, 5, 3),  # ... observed on Monday
    date(2027, 9, 2),
    date(2027, 9, 3),
    date(2027, 11, 24),
]


@pytest.mark.parametrize(("year", "expected"), [(2026, VN_2026), (2027, VN_2027)])
def test_holidays_package_answers(year: int, expected: list[date]) -> None:
    vn = holidays.VN(years=year)
    for d, name in sorted(vn.items()):
        print(d, d.strftime("%a"), name)
    assert sorted(vn) == expected


def test_swapped_saturdays_known_to_holidays() -> None:
    vn = holidays.VN(years=range(2024, 2028))
    assert {d for d in vn.weekend_workdays if d.year >= 2024} == {
        date(2024, 5, 4),
        date(2025, 4, 26),
        date(2026, 8, 22),
    }


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 2, 13), True),  # Friday before Tết
        (date(2026, 2, 16), False),
        (date(2026, 2, 17), False),  # Tết Nguyên Đán
        (date(2026, 2, 20), False),
        (date(2026, 2, 23), True),
        (date(2026, 4, 27), False),  # Giỗ Tổ observed
        (date(2026, 4, 30), False),
        (date(2026, 5, 1), False),
        (date(2026, 8, 22), True),  # swapped working Saturday
        (date(2026, 8, 29), False),  # an ordinary Saturday
        (date(2026, 8, 31), False),  # the day off it pays for
        (date(2026, 11, 24), True),  # in holidays 0.109, but no enacted law yet: the data keeps it working
        (date(2026, 1, 2), False),  # swapped with Saturday 10/1 (Công văn 12729/VPCP-KGVX), unknown to 0.109
        (date(2026, 1, 10), True),
        (date(2025, 4, 7), False),  # Giỗ Tổ 2025
        (date(2025, 4, 26), True),  # swapped working Saturday
        (date(2025, 5, 2), False),  # the day off it pays for
        (date(2024, 5, 4), True),
        (date(2014, 12, 27), True),  # swapped for 2015-01-02: recorded under the next year
        (date(2027, 2, 10), False),
        (date(2027, 2, 11), True),
        (date(2027, 5, 3), False),
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2026, 3, 9), 0, date(2026, 3, 9)),
        (date(2026, 2, 17), 0, date(2026, 2, 17)),  # 0 returns d even on a holiday
        (date(2026, 2, 13), 1, date(2026, 2, 23)),  # over the whole of Tết
        (date(2026, 2, 23), -1, date(2026, 2, 13)),
        (date(2025, 4, 28), -1, date(2025, 4, 26)),  # back onto the working Saturday
        (date(2026, 12, 31), 1, date(2027, 1, 4)),  # over New Year into the next year's table
        (date(2027, 1, 4), -1, date(2026, 12, 31)),
        (date(2026, 3, 6), 10, date(2026, 3, 20)),
        (date(2026, 3, 20), -10, date(2026, 3, 6)),
    ],
)
def test_shift_working_days(day: date, n: int, expected: date) -> None:
    assert CAL.shift_working_days(day, n) == expected


@pytest.mark.parametrize(
    ("received", "days", "expected"),
    [
        # Tết 2026 (17 Feb): 16–20 Feb off, with the weekends 14–22 Feb.
        (at(2026, 2, 12), 2, end_of(2026, 2, 23)),
        (at(2026, 2, 13), 5, end_of(2026, 2, 27)),
        (at(2026, 2, 17), 1, end_of(2026, 2, 23)),  # received on a holiday
        # Tết 2027 (6 Feb): 4–10 Feb off.
        (at(2027, 2, 3), 3, end_of(2027, 2, 15)),
        # Giỗ Tổ Hùng Vương (10/3 lunar): 2025-04-07 Mon, 2026-04-26 Sun observed Mon 27, 2027-04-16 Fri.
        (at(2025, 4, 4), 1, end_of(2025, 4, 8)),
        (at(2026, 4, 24), 1, end_of(2026, 4, 28)),
        (at(2027, 4, 15), 1, end_of(2027, 4, 19)),
        # 30/4–1/5: 2026 Thu–Fri; 2025 Wed–Fri (2 May swapped with Saturday 26 Apr).
        (at(2026, 4, 28), 3, end_of(2026, 5, 5)),
        (at(2025, 4, 29), 1, end_of(2025, 5, 5)),
        # Swapped working Saturdays count.
        (at(2025, 4, 25), 1, end_of(2025, 4, 26)),
        (at(2025, 4, 25), 3, end_of(2025, 4, 29)),
        (at(2026, 8, 21), 1, end_of(2026, 8, 22)),
        (at(2026, 8, 28), 1, end_of(2026, 9, 3)),  # 31/8 swapped off, 2/9 National Day
        # Received on a weekend: the first counted day is Monday.
        (at(2026, 3, 7), 1, end_of(2026, 3, 9)),
        (at(2026, 3, 8, 23, 30), 1, end_of(2026, 3, 9)),
        # The local date decides: 18:00 UTC Friday is already Saturday 01:00 in Vietnam.
        (datetime(2026, 3, 6, 18, 0, tzinfo=UTC), 1, end_of(2026, 3, 9)),
        (datetime(2026, 3, 6, 16, 0, tzinfo=UTC), 1, end_of(2026, 3, 9)),  # Friday 23:00 local
        # Friday 2026-11-20 + 10 working days: 24/11 (Vietnam Cultural Day, off in holidays >= 0.109)
        # has no enacted legal basis yet, so it counts and the deadline is Friday 4 December.
        (at(2026, 11, 20), 10, end_of(2026, 12, 4)),
    ],
)
def test_answer_deadline(received: datetime, days: int, expected: datetime) -> None:
    deadline = CAL.answer_deadline(received, days)
    assert deadline == expected
    assert deadline.tzinfo is UTC


def test_end_of_day_and_start_of_office_are_utc() -> None:
    assert CAL.end_of_day(date(2026, 3, 9)) == datetime(2026, 3, 9, 16, 59, 59, tzinfo=UTC)
    assert CAL.start_of_office(date(2026, 3, 9)) == datetime(2026, 3, 9, 1, 0, tzinfo=UTC)
    assert CAL.end_of_day(date(2026, 3, 9)).tzinfo is UTC


@pytest.mark.parametrize(
    ("exceptions", "received", "days", "expected"),
    [
        # An extra day off on a Monday.
        ({date(2026, 3, 9): False}, at(2026, 3, 6), 1, end_of(2026, 3, 10)),
        # An extra working Saturday.
        ({date(2026, 3, 7): True}, at(2026, 3, 6), 1, end_of(2026, 3, 7)),
        # Exceptions beat the package and the data: 24/11 switched to a day off moves to Monday 7/12 ...
        ({date(2026, 11, 24): False}, at(2026, 11, 20), 10, end_of(2026, 12, 7)),
        # ... and the swapped Saturday made a day off again.
        ({date(2026, 8, 22): False}, at(2026, 8, 21), 1, end_of(2026, 8, 24)),
        # Next year's Tết is a projection: a coordinator adds an extra day off after it.
        ({date(2027, 2, 11): False}, at(2027, 2, 3), 1, end_of(2027, 2, 12)),
    ],
)
def test_exceptions_override(
    exceptions: dict[date, bool], received: datetime, days: int, expected: datetime
) -> None:
    assert WorkCalendar(TZ, exceptions).answer_deadline(received, days) == expected


def test_exceptions_are_copied() -> None:
    exceptions = {date(2026, 3, 9): False}
    cal = WorkCalendar(TZ, exceptions)
    exceptions[date(2026, 3, 9)] = True
    assert not cal.is_working_day(date(2026, 3, 9))
    assert CAL.is_working_day(date(2026, 3, 9))  # other calendars share only the package's answers


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (at(2026, 3, 9, 8), 4, at(2026, 3, 9, 12)),
        (at(2026, 3, 9, 9), 4, at(2026, 3, 9, 14)),  # across lunch
        (at(2026, 3, 9, 10), 2, at(2026, 3, 9, 12)),  # fills the morning: ends at 12:00, not 13:00
        (at(2026, 3, 9, 12, 30), 1, at(2026, 3, 9, 14)),  # starts in lunch
        (at(2026, 3, 9, 11, 45), 0.5, at(2026, 3, 9, 13, 15)),
        (at(2026, 3, 9, 7), 1, at(2026, 3, 9, 9)),  # before office
        (at(2026, 3, 9, 16), 4, at(2026, 3, 10, 11)),  # into the next morning
        (at(2026, 3, 9, 18), 4, at(2026, 3, 10, 12)),  # evening
        (at(2026, 3, 13, 15), 4, at(2026, 3, 16, 10)),  # Friday afternoon to Monday
        (at(2026, 3, 14, 10), 4, at(2026, 3, 16, 12)),  # Saturday
        (at(2026, 2, 13, 16), 8, at(2026, 2, 23, 16)),  # over Tết
        (at(2025, 4, 25, 16), 4, at(2025, 4, 26, 11)),  # onto the working Saturday
        (at(2026, 3, 9, 18), 0, at(2026, 3, 9, 18)),
        (datetime(2026, 3, 9, 1, 0, tzinfo=UTC), 4, at(2026, 3, 9, 12)),  # 08:00 local given in UTC
    ],
)
def test_add_working_hours(start: datetime, hours: float, expected: datetime) -> None:
    result = CAL.add_working_hours(start, hours)
    assert result == expected
    assert result.tzinfo is UTC


def test_custom_office_hours() -> None:
    cal = WorkCalendar(TZ, office_hours=[(time(13, 30), time(16, 30)), (time(7, 30), time(11, 30))])
    assert cal.start_of_office(date(2026, 3, 9)) == at(2026, 3, 9, 7, 30)
    assert cal.add_working_hours(at(2026, 3, 9, 11), 1) == at(2026, 3, 9, 14)
    assert cal.add_working_hours(at(2026, 3, 9, 16), 8) == at(2026, 3, 11, 8)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (at(2026, 3, 9, 8), at(2026, 3, 9, 17), 0),  # same day
        (at(2026, 3, 10), at(2026, 3, 9), 0),  # end before start
        (end_of(2026, 12, 7), at(2026, 12, 8), 1),
        (end_of(2026, 12, 7), at(2026, 12, 9), 2),  # "two working days late"
        (end_of(2026, 2, 13), at(2026, 2, 23, 9), 1),  # Tết does not count
        (end_of(2026, 2, 13), at(2026, 2, 22, 9), 0),
        (end_of(2025, 4, 25), at(2025, 4, 26), 1),  # the working Saturday counts
        (end_of(2026, 12, 31), at(2027, 1, 4), 1),  # across the year
        # 365 - 104 weekend - 13 weekdays off (2/1 swapped, 24/11 not enacted) + 2 Saturdays (10/1, 22/8)
        (end_of(2025, 12, 31), end_of(2026, 12, 31), 250),
        (datetime(2026, 3, 6, 16, 30, tzinfo=UTC), datetime(2026, 3, 8, 18, 0, tzinfo=UTC), 1),  # local dates
    ],
)
def test_working_days_between(start: datetime, end: datetime, expected: int) -> None:
    assert CAL.working_days_between(start, end) == expected


def test_working_days_between_matches_shift() -> None:
    start = at(2026, 1, 1)
    for n in range(1, 400, 7):
        end = CAL.answer_deadline(start, n)
        assert CAL.working_days_between(start, end) == n


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        CAL.answer_deadline(datetime(2026, 3, 9, 10), 1)
    with pytest.raises(ValueError):
        CAL.add_working_hours(datetime(2026, 3, 9, 10), 1)
