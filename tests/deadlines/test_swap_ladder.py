"""Time travel through the escalation ladder for an item whose deadline falls after days the
government swapped (New Year 2026, Công văn số 12729/VPCP-KGVX ngày 25/12/2025): Friday 2/1/2026 is
a day off, paid back on Saturday 10/1/2026. holidays 0.109 knows neither, so without the official
calendar data the overdue notice and apology would go out a day early and the coordinator escalation
a day late."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from feedback.deadlines.sweep import sweep
from feedback.directory.official_calendar import official_days
from tests.deadlines.test_sweep import sent_kinds
from tests.helpers import citizen_body

HANOI = timedelta(hours=7)


def local(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    """Hanoi wall-clock time as an aware UTC datetime."""
    return datetime(y, m, d, hh, mm, tzinfo=UTC) - HANOI


async def fired(settings, when: datetime) -> dict[str, int]:  # noqa: ANN001
    return (await sweep(settings, now=when)).fired


async def test_ladder_after_the_new_year_2026_swap(client, frozen_clock, settings) -> None:  # noqa: ANN001
    days = official_days()
    assert not days[date(2026, 1, 2)].working and days[date(2026, 1, 10)].working  # the data's decision

    frozen_clock.set(local(2025, 12, 22))  # Monday
    created = (await client.post("/api/v1/feedback", json=citizen_body())).json()
    # 10 working days: 23–26/12, 29–31/12 (7); 1/1 holiday, 2/1 swapped off, 3–4/1 weekend; 5–7/1.
    assert created["due_at"].startswith("2026-01-07T16:59"), created["due_at"]

    # Up to the afternoon of the last day: the reminder once, nothing overdue (holidays 0.109 alone
    # would have made 6/1 the last day and sent the overdue notice and the apology this morning).
    for when in (local(2026, 1, 2), local(2026, 1, 5), local(2026, 1, 6, 8, 30), local(2026, 1, 7, 8, 30)):
        assert "overdue" not in await fired(settings, when)
    assert "overdue" not in await fired(settings, local(2026, 1, 7, 16))
    kinds = await sent_kinds()
    assert kinds == {("reminder", "unit"): 1}, kinds

    # Just after the end of 7/1: the overdue notice to the unit and its head, the apology to the citizen.
    assert (await fired(settings, local(2026, 1, 8, 0, 30))).get("overdue") == 1
    kinds = await sent_kinds()
    assert kinds[("overdue_unit", "unit")] == kinds[("overdue_unit", "head")] == 1
    assert kinds[("overdue_citizen", "citizen")] == 1

    # Two working days late (8/1, 9/1): the parent unit's head, after the end of Friday 9/1.
    assert "escalate_parent" not in await fired(settings, local(2026, 1, 9, 16))
    assert (await fired(settings, local(2026, 1, 10, 0, 30))).get("escalate_parent") == 1

    # Five working days late counts Saturday 10/1, worked in exchange for 2/1: 8, 9, 10, 12, 13/1.
    # The apology's promised day counts the same calendar: 5 working days after 8/1 are 9, 10, 12, 13
    # and 14/1, so the promise is reminded on 13/1 and missed after the end of 14/1.
    on_13 = await fired(settings, local(2026, 1, 13, 16))
    assert "escalate_coordinator" not in on_13 and on_13.get("promise_reminder") == 1
    assert (await fired(settings, local(2026, 1, 14, 0, 30))).get("escalate_coordinator") == 1

    # Each step once, whatever more sweeps come.
    assert (await fired(settings, local(2026, 2, 1))) == {"promise_missed": 1}
    assert (await fired(settings, local(2026, 2, 2))) == {}
    kinds = await sent_kinds()
    assert kinds[("escalate_parent", "parent_head")] == 1
    assert kinds[("escalate_coordinator", "coordinator")] == 1
    assert kinds[("promise_reminder", "unit")] == kinds[("promise_missed", "coordinator")] == 1
    assert sum(kinds.values()) == 7 + 1 + 3  # the promise: the unit's reminder; its miss to three
