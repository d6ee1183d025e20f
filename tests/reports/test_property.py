"""Properties of every report over random casework done through the real services: the seven buckets
always sum to the total (= carried over + received), in every row and the total, for any period; and a
period that has ended reads the same after any later casework (as of, not as now)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from feedback.directory.reference import reference
from feedback.errors import DomainError
from feedback.reports import periods
from feedback.reports.figures import BUCKETS
from feedback.reports.summary import summary
from tests.reports import fixture

UNITS = (fixture.KT, fixture.VP, fixture.VHXH)


async def _random_casework(
    o: fixture.Office, rng: random.Random, first: date, days: int, names: list[str]
) -> None:
    for step in range(days * 3):
        day = first + timedelta(days=step // 3)
        moment = fixture.at(day.day, day.month, 8 + step % 3 * 3).replace(year=day.year)
        choice = rng.random()
        if choice < 0.25 or not names:
            name = f"R{len(o.codes)}"
            await o.file(name, moment, rng.choice(UNITS))
            names.append(name)
            continue
        name = rng.choice(names)
        action = rng.choice(("answer", "answer", "refuse", "transfer", "extend", "duplicate", "reopen", "rate",
                             "accept", "sweep"))  # fmt: skip
        try:
            if action == "rate":
                stars = rng.randint(1, 5)
                await o.rate(moment, name, stars, reopen=stars <= 2 and rng.random() < 0.5)
            elif action == "sweep":
                await o.sweep(moment)
            elif action == "transfer":
                await o.do(
                    moment,
                    "coordinator",
                    "transfer",
                    name,
                    unit=rng.choice(UNITS),
                    reason="Chuyển đúng đơn vị.",
                )
            elif action == "extend":
                await o.do(moment, "coordinator", "extend", name, reason="Cần xác minh.",
                           due_date=day + timedelta(days=rng.randint(7, 12)))  # fmt: skip
            elif action == "duplicate":
                await o.do(moment, "coordinator", "duplicate", name, of=rng.choice(names))
            elif action == "reopen":
                await o.do(moment, "coordinator", "reopen", name, reason="Xem xét lại.")
            elif action == "refuse":
                await o.do(
                    moment, "coordinator", "refuse", name, ground="unclear", reason="Không đủ thông tin."
                )
            elif action == "accept":
                await o.do(moment, "coordinator", "accept", name, classification="authority")
            else:
                await o.do(moment, "coordinator", "answer", name, **fixture.TEXT)
        except DomainError:
            pass  # not allowed in the item's state: the casework goes on


def _check(report: dict) -> None:
    for row in (*report["rows"], report["total"]):
        assert row["carried_over"] + row["received"] == row["total"], row
        assert sum(row[b] for b in BUCKETS) == row["total"], row


async def test_buckets_sum_and_the_past_stays(database_clean, settings, frozen_clock) -> None:  # noqa: ANN001
    rng = random.Random(20261001)
    o = fixture.Office(settings, frozen_clock)
    await o.staff()
    names: list[str] = []
    await _random_casework(o, rng, date(2026, 9, 14), 30, names)
    ref = await reference(settings)
    ended = [periods.Period(date(2026, 9, 14), date(2026, 9, 30)), periods.statutory(2026, 10),
             periods.Period(date(2026, 9, 21), date(2026, 10, 9))]  # fmt: skip
    before = {}
    for period in ended:
        for by, scope in (
            ("unit", None),
            ("unit", ref.unit_by_code(fixture.WARD)),
            ("category", None),
            ("month", None),
        ):
            report = (await summary(period, by=by, scope=scope, ref=ref)).as_dict()
            _check(report)
            before[(period, by, scope.code if scope else None)] = report
    await _random_casework(o, rng, date(2026, 10, 15), 20, names)  # after every period above
    for (period, by, code), report in before.items():
        again = await summary(period, by=by, scope=ref.unit_by_code(code) if code else None, ref=ref)
        assert again.as_dict() == report, (period, by, code)
    _check(
        (await summary(periods.Period(date(2026, 9, 1), date(2026, 11, 30)), by="unit", ref=ref)).as_dict()
    )
