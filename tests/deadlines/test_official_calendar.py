"""The official calendar shipped as data (SPEC §4): the calendar follows every row of
feedback/directory/data/official_calendar.csv, coordinators still win, and hand-picked 2025–2026 days
each cite their legal reason."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from feedback.directory.calendar import WorkCalendar, sources_of_year
from feedback.directory.calendar_report import format_year
from feedback.directory.official_calendar import (
    KINDS,
    calendar_warning,
    official_days,
    official_year,
    parse,
    tet_decision_recorded,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkCalendar(TZ)
ROWS = sorted(official_days().values(), key=lambda r: r.day)
# "Thông báo số 9441/TB-BNV ngày 16/10/2025", "Công văn số 12729/VPCP-KGVX ngày 25/12/2025"
DECISION = re.compile(r"số \d+/[A-ZĐa-z–-]+(-[A-ZĐ]+)* ngày \d{2}/\d{2}/\d{4}")

TB_6150 = "Thông báo 6150/TB-BLĐTBXH ngày 03/12/2024 (Công văn 8726/VPCP-KGVX ngày 26/11/2024)"
CV_12729 = "Công văn 12729/VPCP-KGVX ngày 25/12/2025"
TB_9441 = "Thông báo 9441/TB-BNV ngày 16/10/2025 (Công văn 9859/VPCP-KGVX ngày 13/10/2025)"
BLLD = "Bộ luật Lao động 2019"


def at(y: int, m: int, d: int, hh: int = 10) -> datetime:
    return datetime(y, m, d, hh, tzinfo=TZ)


def end_of(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 23, 59, 59, tzinfo=TZ)


# -- the data itself ------------------------------------------------------------------------------


def test_data_covers_2025_to_the_latest_decision() -> None:
    years = {r.day.year for r in ROWS if r.kind != "not_enacted"}
    assert {2025, 2026} <= years
    for year in years:
        assert tet_decision_recorded(year), f"{year}: a year in the data must hold its Tết decision"


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.day}-{r.kind}")
def test_every_row_has_a_legal_basis(row) -> None:  # noqa: ANN001
    assert row.kind in KINDS
    if row.kind == "not_enacted":
        assert row.working and BLLD in row.basis and row.note  # follows the law, says why
    else:
        assert DECISION.search(row.basis), row.basis  # a number and a date
    if row.kind == "swap":
        assert row.working == (row.day.weekday() >= 5)  # a Saturday worked, or a weekday off


@pytest.mark.parametrize("year", sorted({r.day.year for r in ROWS if r.kind == "swap"}))
def test_swaps_balance(year: int) -> None:
    swaps = [r for r in official_year(year) if r.kind == "swap"]
    assert sum(r.working for r in swaps) == sum(not r.working for r in swaps)


# -- the calendar follows the data ------------------------------------------------------------------


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.day}-{r.name}")
def test_calendar_follows_every_row(row) -> None:  # noqa: ANN001
    assert CAL.is_working_day(row.day) is row.working, f"{row.name}: {row.basis}"


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.day}")
def test_coordinator_exceptions_beat_the_data(row) -> None:  # noqa: ANN001
    switched = WorkCalendar(TZ, {row.day: not row.working})
    assert switched.is_working_day(row.day) is (not row.working)
    assert CAL.is_working_day(row.day) is row.working  # the shared table is untouched


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_disagreement_with_the_package_is_a_data_row(year: int) -> None:
    vn = holidays.VN(years=year)
    day, ours = date(year, 1, 1), {}
    while day.year == year:
        if CAL.is_working_day(day) != vn.is_working_day(day):
            ours[day] = CAL.is_working_day(day)
        day += timedelta(1)
    rows = official_days()
    assert all(d in rows and rows[d].working is w for d, w in ours.items()), ours
    print(year, "pakn differs from holidays 0.109 on", sorted(ours))


# Hand-picked 2025–2026 days with their legal reason.
CASES = [
    (date(2025, 1, 1), False, f"{BLLD} Điều 112 khoản 1 điểm a: Tết Dương lịch"),
    (date(2025, 1, 24), True, f"the Friday before the Tết break of {TB_6150}"),
    (date(2025, 1, 27), False, f"Tết Ất Tỵ, 28 tháng Chạp: {TB_6150}"),
    (date(2025, 1, 29), False, f"mùng 1 Tết Ất Tỵ: {TB_6150}"),
    (date(2025, 1, 31), False, f"mùng 3 Tết Ất Tỵ, the fifth Tết day: {TB_6150}"),
    (date(2025, 2, 3), True, f"back to work after the 9-day break 25/01–02/02: {TB_6150}"),
    (date(2025, 4, 7), False, f"{BLLD} Điều 112 khoản 1 điểm e: Giỗ Tổ Hùng Vương (10/3 âm lịch)"),
    (date(2025, 4, 26), True, f"Saturday worked for Friday 02/05: {TB_6150}"),
    (date(2025, 4, 30), False, f"{BLLD} Điều 112 khoản 1 điểm c"),
    (date(2025, 5, 1), False, f"{BLLD} Điều 112 khoản 1 điểm d"),
    (date(2025, 5, 2), False, f"day off swapped with Saturday 26/04: {TB_6150}"),
    (date(2025, 9, 1), False, f"the day adjacent to 2/9: {TB_6150}"),
    (date(2025, 9, 2), False, f"{BLLD} Điều 112 khoản 1 điểm đ"),
    (date(2025, 9, 3), True, "80th anniversary of 2/9: no extra day off was decided"),
    (date(2026, 1, 1), False, f"{BLLD} Điều 112 khoản 1 điểm a"),
    (date(2026, 1, 2), False, f"day off swapped with Saturday 10/01 (unknown to holidays 0.109): {CV_12729}"),
    (date(2026, 1, 10), True, f"Saturday worked for Friday 02/01: {CV_12729}"),
    (date(2026, 2, 13), True, f"the Friday before the Tết break of {TB_9441}"),
    (date(2026, 2, 16), False, f"Tết Bính Ngọ, 29 tháng Chạp (giao thừa): {TB_9441}"),
    (date(2026, 2, 20), False, f"mùng 4 Tết Bính Ngọ, the fifth Tết day: {TB_9441}"),
    (date(2026, 2, 23), True, f"back to work after the 9-day break 14/02–22/02: {TB_9441}"),
    (date(2026, 4, 27), False, f"{BLLD} Điều 111 khoản 3: Giỗ Tổ on Sunday 26/04, nghỉ bù on Monday"),
    (date(2026, 4, 30), False, f"{BLLD} Điều 112 khoản 1 điểm c"),
    (date(2026, 5, 1), False, f"{BLLD} Điều 112 khoản 1 điểm d"),
    (date(2026, 8, 22), True, f"Saturday worked for Monday 31/08: {TB_9441}"),
    (date(2026, 8, 31), False, f"day off swapped with Saturday 22/08: {TB_9441}"),
    (date(2026, 9, 1), False, f"the day adjacent to 2/9: {TB_9441}"),
    (date(2026, 9, 3), True, "the 2026 National Day break ends on Wednesday 2/9"),
    (date(2026, 11, 24), True, f"Ngày Văn hóa Việt Nam: not in {BLLD} Điều 112 khoản 1 (no enacted law yet)"),
]


@pytest.mark.parametrize(("day", "working", "reason"), CASES, ids=[str(c[0]) for c in CASES])
def test_hand_picked_days(day: date, working: bool, reason: str) -> None:
    assert CAL.is_working_day(day) is working, reason


@pytest.mark.parametrize(
    ("received", "days", "expected", "reason"),
    [
        (at(2025, 12, 31), 1, end_of(2026, 1, 5), f"1/1 statutory, 2/1 swapped off: {CV_12729}"),
        (at(2026, 1, 9), 1, end_of(2026, 1, 10), f"Saturday 10/01 is a working day: {CV_12729}"),
        (at(2025, 1, 24), 1, end_of(2025, 2, 3), f"over the Tết break: {TB_6150}"),
        (at(2025, 4, 29), 2, end_of(2025, 5, 6), f"30/4, 1/5 and the swapped 2/5 are off: {TB_6150}"),
        (at(2026, 8, 28), 1, end_of(2026, 9, 3), f"31/8 swapped off, 1/9 and 2/9 off: {TB_9441}"),
        (at(2026, 11, 20), 10, end_of(2026, 12, 4), "24/11 is a working day until a law makes it a holiday"),
    ],
)
def test_deadlines_across_decided_days(
    received: datetime, days: int, expected: datetime, reason: str
) -> None:
    assert CAL.answer_deadline(received, days) == expected, reason


# -- next year's Tết and the warning ----------------------------------------------------------------


def test_warning_from_october_until_next_tet_is_recorded() -> None:
    for year in (2025, 2026, 2027):
        assert calendar_warning(date(year, 9, 30)) is None
        warned = calendar_warning(date(year, 10, 1))
        assert (warned is None) is tet_decision_recorded(year + 1)
        if warned:
            assert f"Tết Âm lịch năm {year + 1}" in warned


# -- where each day comes from ----------------------------------------------------------------------


def test_sources_of_2026() -> None:
    sources = {s.day: s for s in sources_of_year(2026, {date(2026, 12, 24): (False, "Nghỉ đột xuất")})}
    assert sources[date(2026, 1, 1)].source == "law" and "điểm a" in sources[date(2026, 1, 1)].basis
    assert (
        sources[date(2026, 1, 2)].source == "official"
        and "12729/VPCP-KGVX" in sources[date(2026, 1, 2)].basis
    )
    assert sources[date(2026, 4, 27)].basis.startswith(f"{BLLD}, Điều 111 khoản 3")
    culture = sources[date(2026, 11, 24)]
    assert (
        culture.working
        and culture.source == "not_enacted"
        and "Ngày Văn hóa Việt Nam (nghỉ)" in culture.overrides
    )
    assert (
        sources[date(2026, 12, 24)].source == "exception"
        and sources[date(2026, 12, 24)].note == "Nghỉ đột xuất"
    )
    assert date(2026, 4, 26) not in sources  # Giỗ Tổ on a Sunday changes no working day
    # Every non-working weekday and working weekend day of the calendar is listed; besides them only
    # the day whose holiday the law does not back.
    cal = WorkCalendar(TZ, {date(2026, 12, 24): False})
    day = date(2026, 1, 1)
    while day.year == 2026:
        plain = cal.is_working_day(day) == (day.weekday() < 5)
        assert (day in sources) is (not plain or day == date(2026, 11, 24)), day
        day += timedelta(1)


def test_a_coordinator_exception_wins_in_the_listing() -> None:
    sources = {s.day: s for s in sources_of_year(2026, {date(2026, 11, 24): (False, "Nghỉ theo chỉ đạo")})}
    culture = sources[date(2026, 11, 24)]
    assert not culture.working and culture.source == "exception"
    assert "chưa có căn cứ" in culture.overrides  # the data row it replaced


def test_format_year_in_vietnamese() -> None:
    text = format_year(2027, sources_of_year(2027))
    assert "Lịch làm việc năm 2027" in text
    assert "chưa có quyết định lịch nghỉ Tết Âm lịch năm 2027" in text
    assert "Thứ Tư 24/11/2027" in text


# -- the loader refuses malformed data --------------------------------------------------------------

HEADER = "date,working,kind,name,basis,note\n"


@pytest.mark.parametrize(
    "text",
    [
        "day,working,kind,name,basis,note\n",
        HEADER + "2026-02-30,0,swap,X,Y,\n",
        HEADER + "2026-01-02,2,swap,X,Y,\n",
        HEADER + "2026-01-02,0,holiday,X,Y,\n",
        HEADER + "2026-01-02,0,swap,X,,\n",
        HEADER + "2026-01-02,0,swap,X,Y,\n2026-01-02,1,swap,X,Y,\n",
    ],
)
def test_malformed_data_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="official calendar"):
        parse(text)
