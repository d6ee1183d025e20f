"""The monthly public report as it is stored when a coordinator publishes a month (SPEC §7: "a published
month is frozen: the public page serves the stored snapshot with its publication time; a re-publication is
a new version"). Pure: reports of feedback/reports/summary.py in, a JSON-ready dict out, and back.

A snapshot holds, for one calendar month:

- `city`: the city's figures (the total of the report by unit);
- `units`: every unit's row by unit, each with its sub-units' figures rolled up (the tree, levels and
  parents as summary.py gives them), with its place in the ranking;
- `fields`: the rows by field (lĩnh vực);
- `ranking`: the best and worst units. Ranked are the units directly under the city (departments, the
  communes' committees), each with its sub-units, with at least RANKED_FROM items in `total`: a rate of
  3 items out of 4 says nothing about a unit. The others are listed, "chưa xếp hạng";
- `apologies`: "công khai xin lỗi", every apology (Mẫu 04) issued in the month: the tracking code, the
  unit that issued it, when, and its reason as public text (publication/policy.py); never the citizen.

Each row keeps the figures under SPEC §7's names (figures.Figures.as_dict, what the API gives) and the
raw `counts` they come from, so that the CSV and XLSX of a published month are rebuilt exactly, by
feedback/reports/exports.py, from the snapshot alone.
"""

from __future__ import annotations

import re
from dataclasses import asdict, fields
from datetime import date, datetime
from typing import Any

from feedback.errors import DomainError
from feedback.reports import periods
from feedback.reports.figures import Figures
from feedback.reports.summary import Key, Report, Row

MONTH_PATTERN = r"^20[0-9]{2}-(0[1-9]|1[0-2])$"
_MONTH = re.compile(MONTH_PATTERN)
RANKED_FROM = 10  # items in `total` from which a unit is ranked
PODIUM = 3  # how many best and worst units the page names
RANKED_LEVEL = 1  # the units directly under the city
SECTIONS = {"units": "unit", "fields": "category"}  # a snapshot's tables, and the grouping of each


def is_month(text: str) -> bool:
    """A month pakn can report on, as "2026-10" (the years 2000–2099)."""
    return bool(_MONTH.match(text))


def month_period(text: str) -> periods.Period:
    """The calendar month "YYYY-MM" (already checked by `is_month`)."""
    year, number = text.split("-")
    return periods.month(int(year), int(number))


def check_closed(period: periods.Period, today: date) -> None:
    """Only a month that has ended can be published: its figures are final (422 otherwise)."""
    if period.end >= today:
        raise DomainError(
            f"Tháng {period.start:%m/%Y} chưa kết thúc; chỉ công bố được báo cáo của tháng đã kết thúc",
            field="month",
        )


# --- building --------------------------------------------------------------------------------------


def row_dict(key: dict[str, Any] | None, figures: Figures) -> dict[str, Any]:
    counts = asdict(figures)
    counts["answer_days"] = {str(days): n for days, n in sorted(figures.answer_days.items())}
    found: dict[str, Any] = {"key": key} if key is not None else {}
    return {**found, **figures.as_dict(), "counts": counts}


def ranking(units: list[dict[str, Any]]) -> dict[str, Any]:
    """Ranks (1 = the best on-time rate; equal rates share a rank) for the units directly under the city
    with at least RANKED_FROM items, set on each row as `rank` (None: not ranked); the best and worst."""
    eligible = [u for u in units if u["key"]["level"] == RANKED_LEVEL and u["total"] >= RANKED_FROM]
    eligible.sort(key=lambda u: (-u["on_time_rate"], -u["total"], u["key"]["code"] or ""))
    for unit in units:
        unit["rank"] = None
    for unit in eligible:
        unit["rank"] = 1 + sum(1 for other in eligible if other["on_time_rate"] > unit["on_time_rate"])
    best = eligible[:PODIUM]
    worst = [u for u in reversed(eligible[-PODIUM:]) if u not in best]

    def named(unit: dict[str, Any]) -> dict[str, Any]:
        return {"code": unit["key"]["code"], "name": unit["key"]["name"], "rank": unit["rank"],
                "total": unit["total"], "on_time_rate": unit["on_time_rate"]}  # fmt: skip

    return {
        "min_total": RANKED_FROM,
        "ranked": len(eligible),
        "best": [named(u) for u in best],
        "worst": [named(u) for u in worst],
    }


def build(
    *,
    month: str,
    version: int,
    published_at: datetime,
    units: Report,
    by_field: Report,
    apologies: list[dict[str, Any]],
) -> dict[str, Any]:
    """The snapshot of `month` from its reports by unit and by field, and its public apologies."""
    unit_rows = [row_dict(row.key.as_dict(), row.figures) for row in units.rows]
    ranked = ranking(unit_rows)
    return {
        "month": month,
        "version": version,
        "from": units.period.start.isoformat(),
        "to": units.period.end.isoformat(),
        "published_at": published_at.isoformat(),
        "city": row_dict(None, units.total),
        "units": unit_rows,
        "fields": [row_dict(row.key.as_dict(), row.figures) for row in by_field.rows],
        "ranking": ranked,
        "apologies": apologies,
    }


# --- reading back ------------------------------------------------------------------------------------


def figures_of(row: dict[str, Any]) -> Figures:
    """A row's Figures from its stored counts."""
    counts = dict(row["counts"])
    days = {int(d): int(n) for d, n in counts.pop("answer_days", {}).items()}
    known = {f.name for f in fields(Figures)}
    return Figures(**{k: int(v) for k, v in counts.items() if k in known}, answer_days=days)


def report_of(snapshot: dict[str, Any], section: str = "units") -> Report:
    """One table of a snapshot as summary.Report, for exports.py (CSV, XLSX): no figure is recomputed
    from the database, only the formulas of figures.py applied to the stored counts."""
    period = periods.Period(date.fromisoformat(snapshot["from"]), date.fromisoformat(snapshot["to"]))
    rows = [Row(Key(**row["key"]), figures_of(row)) for row in snapshot[section]]
    return Report(period, SECTIONS[section], None, rows, figures_of(snapshot["city"]))


def apologies_by_unit(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """The public apologies grouped by the unit that issued them (units in the order of their first)."""
    groups: dict[str | None, dict[str, Any]] = {}
    for entry in snapshot["apologies"]:
        unit = entry["unit"]
        group = groups.setdefault(unit["code"], {"unit": unit, "items": []})
        group["items"].append(entry)
    return sorted(groups.values(), key=lambda g: (-len(g["items"]), g["unit"]["name"]))
