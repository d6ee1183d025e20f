"""How official Vietnamese writes names, positions, times and deadlines (notifications/official.py),
case by case with the rule of Nghị định 30/2020/NĐ-CP, Phụ lục II, each follows."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from notifications.official import (
    deadline_text,
    head_position,
    head_salutation,
    is_position,
    name_in_text,
    number_text,
    percent_text,
    since_text,
    time_text,
)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")

NAMES = [
    # (as stored, in running text, the rule)
    ("Phường Hà Đông", "phường Hà Đông", "level word lower case before the proper name"),
    ("Quận Ba Đình", "quận Ba Đình", "same, a district"),
    ("UBND Phường Hà Đông", "Ủy ban nhân dân phường Hà Đông", "agency: first word capital, UBND spelt out"),
    ("UBND Xã Sóc Sơn", "Ủy ban nhân dân xã Sóc Sơn", "same, a commune"),
    ("UBND Thành phố Hà Nội", "Ủy ban nhân dân thành phố Hà Nội", "thành phố is a level word"),
    ("Văn phòng UBND Thành phố", "Văn phòng Ủy ban nhân dân Thành phố", "Thành phố standing for the name"),
    ("Văn phòng HĐND và UBND Phường Ba Đình", "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân phường Ba Đình",
     "both councils spelt out"),
    ("Phòng Văn hóa - Xã hội Phường Hà Đông", "Phòng Văn hóa - Xã hội phường Hà Đông",
     "Xã in Xã hội is no level word"),
    ("Ủy ban nhân dân Thành phố Hồ Chí Minh", "Ủy ban nhân dân Thành phố Hồ Chí Minh", "a special name of the decree"),
    ("Sở Xây dựng", "Sở Xây dựng", "nothing to change"),
    ("Uỷ ban nhân dân phường Láng", "Ủy ban nhân dân phường Láng", "one spelling of the tone mark"),
]  # fmt: skip


@pytest.mark.parametrize(("stored", "in_text", "rule"), NAMES, ids=[n[0] for n in NAMES])
def test_names_in_running_text(stored: str, in_text: str, rule: str) -> None:
    assert name_in_text(stored) == in_text, rule
    assert name_in_text(in_text) == in_text  # idempotent: a name written right stays so


POSITIONS = [
    ("UBND Phường Hà Đông", "Chủ tịch Ủy ban nhân dân phường Hà Đông"),
    ("Sở Xây dựng", "Giám đốc Sở Xây dựng"),
    ("Văn phòng UBND Thành phố", "Chánh Văn phòng Ủy ban nhân dân Thành phố"),
    ("Thanh tra Thành phố", "Chánh Thanh tra Thành phố"),
    ("Phòng Kinh tế Xã Sóc Sơn", "Trưởng phòng Kinh tế xã Sóc Sơn"),
    ("Trung tâm Phục vụ hành chính công Thành phố", "Giám đốc Trung tâm Phục vụ hành chính công Thành phố"),
    ("Công ty Điện lực Hà Đông", "Thủ trưởng Công ty Điện lực Hà Đông"),
]


@pytest.mark.parametrize(("unit", "position"), POSITIONS)
def test_the_position_of_a_units_head(unit: str, position: str) -> None:
    assert head_position(unit) == position
    assert is_position(position)


def test_a_head_is_greeted_by_name_and_position_or_by_position() -> None:
    assert head_salutation("Lê Văn Hùng", "UBND Phường Hà Đông") == (
        "Ông/Bà Lê Văn Hùng, Chủ tịch Ủy ban nhân dân phường Hà Đông"
    )
    assert head_salutation("Chủ tịch UBND Phường Hà Đông", "UBND Phường Hà Đông") == (
        "Chủ tịch Ủy ban nhân dân phường Hà Đông"
    )
    assert head_salutation("", "Sở Xây dựng") == "Giám đốc Sở Xây dựng"
    # The seed data records a position as title + unit name.
    assert head_salutation("Trưởng Phòng Kinh tế Phường Ba Đình", "Phòng Kinh tế Phường Ba Đình") == (
        "Trưởng phòng Kinh tế phường Ba Đình"
    )


def test_times_and_deadlines() -> None:
    assert time_text(datetime(2026, 10, 26, 9, 0, tzinfo=HANOI)) == "09 giờ 00, ngày 26/10/2026"
    assert deadline_text(datetime(2026, 11, 9, 23, 59, 59, tzinfo=HANOI)) == "hết ngày 09/11/2026"
    assert deadline_text(date(2026, 11, 9)) == "hết ngày 09/11/2026"
    # An urgent item's deadline in office hours is a moment, not the end of a day.
    assert deadline_text(datetime(2026, 11, 9, 16, 30, tzinfo=HANOI)) == "16 giờ 30, ngày 09/11/2026"
    assert since_text(datetime(2026, 12, 2, 23, 59, 59, tzinfo=HANOI)) == "từ sau ngày 02/12/2026"
    assert since_text(datetime(2026, 11, 23, 9, 0, tzinfo=HANOI)) == "từ 09 giờ 00, ngày 23/11/2026"


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (14322, 0, "14.322"),  # "đã giải quyết đúng và trước hạn 14.322 hồ sơ"
        (0, 0, "0"),
        (1234567, 0, "1.234.567"),
        (4.25, 2, "4,25"),
        (4.5, 2, "4,5"),  # trailing zeros dropped
        (4.0, 2, "4"),
        (None, 0, "—"),
    ],
)
def test_numbers_group_thousands_with_dots_and_decimals_with_commas(value, digits, expected) -> None:  # noqa: ANN001
    assert number_text(value, digits) == expected


def test_percentages_say_100_only_for_all_and_0_only_for_none() -> None:
    assert percent_text(0.925) == "92,5%"
    assert percent_text(1.0) == "100%"
    assert percent_text(0.0) == "0%"
    assert percent_text(0.99996) == "99,9%"  # one late item in 25,000 is not "100% on time"
    assert percent_text(0.00004) == "0,1%"
    assert percent_text(None) == "—"
