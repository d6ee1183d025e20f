"""The government's calendar decisions, shipped as data (SPEC §4): `data/official_calendar.csv`.

The `holidays` package knows the statutory holidays (Bộ luật Lao động 2019, Điều 112; nghỉ bù per
Điều 111 khoản 3) but not every day-off swap decided each year, and it carries at least one day that no
enacted law backs yet. The CSV holds, for every year from 2025 to the latest published decision, each
day whose status the official notices decide, with the notice's number and date. `WorkCalendar`
layers it over the package (package → this data → coordinators' exceptions).

Row kinds:
- `decided`: the Prime Minister picked the day under Điều 112 khoản 3 (the five Tết days, the day
  adjacent to 2/9); recorded with its source even where the package already agrees;
- `swap`: a working day exchanged with a Saturday (hoán đổi);
- `not_enacted`: the package has a holiday that no enacted law backs yet; pakn follows the law (a
  working day) and a coordinator may switch it with a calendar exception.

Pure apart from reading the packaged file once (cached); no database, no clock.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

KINDS = ("decided", "swap", "not_enacted")
_COLUMNS = ["date", "working", "kind", "name", "basis", "note"]


@dataclass(frozen=True, slots=True)
class OfficialDay:
    day: date
    working: bool
    kind: str
    name: str
    basis: str
    note: str = ""


def parse(text: str) -> dict[date, OfficialDay]:
    """The rows of an official-calendar CSV; ValueError naming the line for anything malformed."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != _COLUMNS:
        raise ValueError(f"official calendar: columns must be {','.join(_COLUMNS)}, got {reader.fieldnames}")
    days: dict[date, OfficialDay] = {}
    for row in reader:
        where = f"official calendar line {reader.line_num}"
        try:
            day = date.fromisoformat(row["date"])
        except (TypeError, ValueError):
            raise ValueError(f"{where}: bad date {row['date']!r}") from None
        if row["working"] not in ("0", "1"):
            raise ValueError(f"{where}: working must be 0 or 1")
        if row["kind"] not in KINDS:
            raise ValueError(f"{where}: kind must be one of {', '.join(KINDS)}")
        if not row["name"].strip() or not row["basis"].strip():
            raise ValueError(f"{where}: name and basis are required")
        if day in days:
            raise ValueError(f"{where}: {day} is listed twice")
        days[day] = OfficialDay(
            day,
            row["working"] == "1",
            row["kind"],
            row["name"].strip(),
            row["basis"].strip(),
            (row["note"] or "").strip(),
        )
    return days


@lru_cache(maxsize=1)
def official_days() -> dict[date, OfficialDay]:
    """The shipped decisions by date (read once per process)."""
    text = resources.files("feedback.directory").joinpath("data/official_calendar.csv").read_text("utf-8")
    return parse(text)


def official_year(year: int) -> list[OfficialDay]:
    return sorted((d for d in official_days().values() if d.day.year == year), key=lambda d: d.day)


def tet_decision_recorded(year: int) -> bool:
    """Whether the data holds the decision on `year`'s Tết (lunar new year) days off."""
    return any(d.kind == "decided" and d.name.startswith("Tết Âm lịch") for d in official_year(year))


def calendar_warning(today: date) -> str | None:
    """From 1 October until next year's Tết decision is in the data, the warning coordinators see."""
    if today.month < 10 or tet_decision_recorded(today.year + 1):
        return None
    return (
        f"Chưa có quyết định lịch nghỉ Tết Âm lịch năm {today.year + 1} trong dữ liệu lịch chính thức: "
        "thời hạn qua dịp Tết đang tính theo dự kiến của thư viện holidays. Khi Bộ Nội vụ thông báo, "
        "hãy bổ sung vào feedback/directory/data/official_calendar.csv hoặc thêm ngày ngoại lệ."
    )
