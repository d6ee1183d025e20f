"""Report periods and their presets (pure), and the formulas of figures.Figures."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from feedback.errors import DomainError
from feedback.reports import periods
from feedback.reports.figures import Figures

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        (periods.month(2026, 2), date(2026, 2, 1), date(2026, 2, 28)),
        (periods.month(2024, 12), date(2024, 12, 1), date(2024, 12, 31)),
        (periods.quarter(2026, 4), date(2026, 10, 1), date(2026, 12, 31)),
        (periods.year(2026), date(2026, 1, 1), date(2026, 12, 31)),
        # Nghị định 09/2019/NĐ-CP Art. 12: from the 15th of the month before to the 14th
        (periods.statutory(2026, 10), date(2026, 9, 15), date(2026, 10, 14)),
        (periods.statutory(2026, 1), date(2025, 12, 15), date(2026, 1, 14)),
        (periods.statutory(2026, 3, months=3), date(2025, 12, 15), date(2026, 3, 14)),
        (periods.statutory(2026, 12, months=12), date(2025, 12, 15), date(2026, 12, 14)),
    ],
)
def test_presets(period: periods.Period, start: date, end: date) -> None:
    assert (period.start, period.end) == (start, end)


def test_bounds_are_local_days_and_months_split() -> None:
    first, after = periods.month(2026, 10).bounds(HANOI)
    assert first == datetime(2026, 9, 30, 17, tzinfo=UTC) and after == datetime(2026, 10, 31, 17, tzinfo=UTC)
    parts = periods.Period(date(2026, 9, 15), date(2026, 11, 3)).months()
    assert [(p.start.isoformat(), p.end.isoformat()) for p in parts] == [
        ("2026-09-15", "2026-09-30"), ("2026-10-01", "2026-10-31"), ("2026-11-01", "2026-11-03"),
    ]  # fmt: skip
    assert periods.month(2026, 10).label() == "từ ngày 01/10/2026 đến ngày 31/10/2026"


def test_refused_periods() -> None:
    with pytest.raises(DomainError, match="kết thúc"):
        periods.Period(date(2026, 10, 2), date(2026, 10, 1))
    with pytest.raises(DomainError, match="5 năm"):
        periods.Period(date(2020, 1, 1), date(2026, 1, 1))
    with pytest.raises(DomainError, match="Quý"):
        periods.quarter(2026, 5)
    with pytest.raises(DomainError):
        periods.parse(date(2026, 10, 1), None, today=date(2026, 10, 20))
    assert periods.parse(None, None, today=date(2026, 10, 20)) == periods.Period(
        date(2026, 10, 1), date(2026, 10, 20)
    )


def test_formulas() -> None:
    f = Figures(carried_over=2, received=8, answered_early=3, answered_on_time=2, answered_late=1, refused=1,
                open_in_time=2, open_overdue=1, ratings=4, rating_sum=14, satisfied_count=3, dissatisfied_count=1,
                answer_days={2: 1, 5: 3, 9: 1, 20: 1})  # fmt: skip
    assert f.total == 10 and sum(f.buckets().values()) == 10
    assert f.on_time_rate == pytest.approx(1 - 2 / 10)
    assert f.rating_avg == 3.5 and f.satisfied == 0.75 and f.dissatisfied == 0.25
    assert f.answer_days_avg == pytest.approx((2 + 15 + 9 + 20) / 6)
    assert f.answer_days_p90 == 20  # 90 % of 6 answers is 5.4: the 6th
    empty = Figures()
    assert empty.on_time_rate is None and empty.rating_avg is None and empty.answer_days_p90 is None
    both = Figures.sum([f, f])
    assert both.total == 20 and both.answer_days[5] == 6
