"""SPEC §7 on a hand-built month (tests/reports/fixture.py): October 2026, counted by hand from the
stories written beside each item; then the same month again after November changed those items."""

from __future__ import annotations

from typing import Any

import pytest_asyncio

from feedback.directory.reference import reference
from feedback.reports import periods
from feedback.reports.summary import summary
from tests.reports import fixture

OCTOBER = periods.month(2026, 10)
# Phòng Kinh tế, Hạ tầng và Đô thị of phường Hà Đông (P-09556-KT), October 2026, by hand:
KT = {
    "carried_over": 7,  # A2 A3 A4 A5 A6 A7 (reopened 6/10) A9 (received 30/9, entered 3/10)
    "received": 15,  # B1 B2 B3 B4 B4P B5 B6 B7 B8 B10 B11 B12 B13 B14 B20 (B9 ended at SO-YT)
    "received_online": 14,  # all but B4P (phone)
    "total": 22,
    "answered_early": 6,  # A2 A6 B1 B10 (against its extension) B13 B14
    "answered_on_time": 3,  # A3 A9 B2
    "answered_late": 4,  # A4 A7 B11 (after its extension) B12
    "refused": 1,  # B4P
    "merged": 1,  # B5
    "open_in_time": 4,  # B3 (reopened, due 2/11) B7 B8 B20
    "open_overdue": 3,  # A5 B4 B6
    "on_time_rate": round(1 - 7 / 22, 4),
    "transferred_out": 1,  # B9 to SO-YT
    "transferred_twice": 0,
    "extended": 2,  # B10 B11
    "apologies": 7,  # extensions B10 B11; overdue A4 A5 (6/10), B4 B6 B12 (27/10): each an `apology` event
    "promises_missed": 1,  # A5: promised 13/10 in the apology of 6/10, still unanswered (27/10)
    "reopened": 2,  # A7 B3
    "cooperations": 0,
    "cooperations_late": 0,
    # A2 9, A6 14, B1 9, B10 13, B13 6, B14 8, A3 10, A9 10, B2 10, A4 12, A7 23, B11 15, B12 12
    "answer_days_avg": round(151 / 13, 2),
    "answer_days_p90": 15,
    "ratings": 3,  # A8 5, B1 2, B3 1
    "rating_avg": round(8 / 3, 2),
    "satisfied": round(1 / 3, 4),
    "dissatisfied": round(2 / 3, 4),
}
ZERO = {k: 0 for k in KT if k not in ("on_time_rate", "answer_days_avg", "answer_days_p90", "rating_avg",
                                     "satisfied", "dissatisfied")}  # fmt: skip
NONE = {"on_time_rate": None, "answer_days_avg": None, "answer_days_p90": None, "rating_avg": None,
        "satisfied": None, "dissatisfied": None}  # fmt: skip
VP = {**ZERO, **NONE, "transferred_out": 1}  # B9 to KT
VHXH = {**ZERO, **NONE, "cooperations": 1, "cooperations_late": 1}  # B13's part, 12/10 for 9/10
SO_YT = {**ZERO, "received": 1, "received_online": 1, "total": 1, "answered_early": 1, "on_time_rate": 1.0,
         "transferred_twice": 1, "cooperations": 1, "answer_days_avg": 9.0, "answer_days_p90": 9,
         "rating_avg": None, "satisfied": None, "dissatisfied": None}  # fmt: skip
SO_GDDT = {**ZERO, "received": 1, "received_online": 1, "total": 1, "answered_early": 1, "on_time_rate": 1.0,
           "answer_days_avg": 1.0, "answer_days_p90": 1, "rating_avg": None, "satisfied": None,
           "dissatisfied": None}  # fmt: skip


def _ward() -> dict[str, Any]:
    ward = dict(KT)
    ward.update(transferred_out=2, cooperations=1, cooperations_late=1)
    return ward


def _city() -> dict[str, Any]:
    city = _ward()
    for extra in (SO_YT, SO_GDDT):
        for key, value in extra.items():
            if key in ZERO:
                city[key] += value
    n = 13 + 2
    city.update(
        on_time_rate=round(1 - 7 / 24, 4), answer_days_avg=round((151 + 9 + 1) / n, 2), answer_days_p90=15
    )
    return city


def same(found: dict[str, Any], expected: dict[str, Any]) -> None:
    assert {k: found[k] for k in expected} == expected


@pytest_asyncio.fixture
async def october(database_clean, settings, frozen_clock):  # noqa: ANN001
    return await fixture.build(settings, frozen_clock)


async def _reports(settings) -> dict[str, Any]:  # noqa: ANN001
    ref = await reference(settings)
    ward = await summary(OCTOBER, by="unit", scope=ref.unit_by_code(fixture.WARD), ref=ref)
    city = await summary(OCTOBER, by="unit", ref=ref)
    officers = await summary(OCTOBER, by="officer", scope=ref.unit_by_code(fixture.KT), ref=ref)
    return {"ward": ward.as_dict(), "city": city.as_dict(), "officers": officers.as_dict()}


def _row(report: dict[str, Any], code: str) -> dict[str, Any]:
    [row] = [r for r in report["rows"] if r["key"]["code"] == code]
    return row


async def test_october_by_hand(october, settings) -> None:  # noqa: ANN001
    reports = await _reports(settings)
    ward, city = reports["ward"], reports["city"]
    same(_row(ward, fixture.KT), KT)
    same(_row(ward, fixture.VP), VP)
    same(_row(ward, fixture.VHXH), VHXH)
    same(ward["total"], _ward())  # the ward is its offices rolled up
    assert (
        ward["unit"] == {"code": fixture.WARD, "name": "UBND Phường Hà Đông"}
        or ward["unit"]["code"] == "P-09556"
    )
    same(_row(city, "SO-YT"), SO_YT)
    same(_row(city, "SO-GDDT"), SO_GDDT)
    same(_row(city, fixture.WARD), _ward())
    same(city["total"], _city())
    # by officer inside the office: B1 (early, rated 2) and B8 (open in time) are kt_officer's
    officer = _row(reports["officers"], "kt_officer@pakn.test")
    same(officer, {"received": 2, "total": 2, "answered_early": 1, "open_in_time": 1, "ratings": 1})
    [nobody] = [r for r in reports["officers"]["rows"] if r["key"]["code"] is None]
    assert nobody["total"] == 20 and reports["officers"]["total"]["total"] == 22


async def test_october_stays_october(october, settings) -> None:  # noqa: ANN001
    """As of, not as now: November's answers, transfer, reopenings, ratings and sweep change nothing."""
    before = await _reports(settings)
    await fixture.after_october(october)
    assert await _reports(settings) == before


async def test_by_month_and_the_seven_buckets(october, settings) -> None:  # noqa: ANN001
    ref = await reference(settings)
    autumn = periods.Period(OCTOBER.start.replace(month=9), OCTOBER.end)
    report = (await summary(autumn, by="month", ref=ref)).as_dict()
    september, october_row = report["rows"]
    assert september["key"]["code"] == "2026-09" and october_row["key"]["code"] == "2026-10"
    same(october_row, {k: v for k, v in _city().items() if k not in ("answer_days_avg", "answer_days_p90")})
    for row in (*report["rows"], report["total"]):
        assert row["carried_over"] + row["received"] == row["total"]
        assert sum(row[b] for b in ("answered_early", "answered_on_time", "answered_late", "refused",
                                    "merged", "open_in_time", "open_overdue")) == row["total"]  # fmt: skip
