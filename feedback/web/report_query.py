"""What `/staff/reports` was asked, read once from the query string, and the links that keep it.

Pure. A period is either a preset (`period=month|quarter|year|statutory` with `year` and `number`,
the picker's form) or `from`/`to` (local dates, what every link and the API use); without either, the
last complete month, which is what the cities publish. A bad value raises `BadQuery` (400) naming it
in Vietnamese.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from urllib.parse import urlencode

from feedback.edge import YEARS
from feedback.errors import DomainError
from feedback.reports import periods
from feedback.reports.figures import ITEM_SETS
from feedback.reports.periods import Period
from feedback.reports.summary import BY

PRESETS = {
    "month": "Tháng",
    "quarter": "Quý",
    "year": "Năm",
    "statutory": "Kỳ báo cáo tháng (từ ngày 15 tháng trước đến ngày 14, Nghị định 09/2019/NĐ-CP)",
}
BY_NAMES = {
    "unit": "Đơn vị",
    "category": "Lĩnh vực",
    "channel": "Kênh tiếp nhận",
    "commune": "Xã, phường",
    "month": "Tháng",
    "officer": "Cán bộ xử lý",
}
FIRST_YEAR, LAST_YEAR = YEARS  # the dates pakn takes anywhere
MAX_PAGE = 10_000


class BadQuery(DomainError):
    """A query value the page cannot read: a 400 page that says which and why."""

    status_code = 400


@dataclass(frozen=True)
class Asked:
    period: Period
    by: str = "unit"
    unit: str | None = None
    show_all: bool = False  # list units without items too
    bucket: str | None = None  # the items page: which number
    own: bool = False  # the items page: the unit's own items, without its sub-units'
    page: int = 1
    key: str | None = None  # the items page: the row's key when by is not unit (reports/keys.py)

    def params(self, **changes: object) -> dict[str, str]:
        asked = replace(self, **changes) if changes else self  # type: ignore[arg-type]
        found = {"from": asked.period.start.isoformat(), "to": asked.period.end.isoformat()}
        if asked.by != "unit":
            found["by"] = asked.by
        if asked.unit:
            found["unit"] = asked.unit
        if asked.show_all:
            found["all"] = "1"
        if asked.key:
            found["key"] = asked.key
        if asked.bucket:
            found["bucket"] = asked.bucket
        if asked.own:
            found["own"] = "1"
        if asked.page > 1:
            found["page"] = str(asked.page)
        return found

    def link(self, path: str = "/staff/reports", **changes: object) -> str:
        return f"{path}?{urlencode(self.params(**changes))}"

    def items_link(
        self, bucket: str, *, unit: str | None, period: Period | None = None, own: bool = False,
        by: str = "unit", key: str | None = None,
    ) -> str:  # fmt: skip
        """The items behind one number: of a unit (with its sub-units, or `own`), or of one row by
        field, channel, commune or officer (`by` + `key`) within the unit."""
        return self.link(
            "/staff/reports/items", by=by, key=key, show_all=False, unit=unit, bucket=bucket, own=own,
            period=period or self.period, page=1,
        )  # fmt: skip


def read(params: Mapping[str, str], today: date, *, items: bool = False) -> Asked:
    """The page's query string, or BadQuery."""
    by = params.get("by") or "unit"
    if by not in BY:
        raise BadQuery(f"Không có cách nhóm số liệu '{by[:40]}'", field="by")
    unit = (params.get("unit") or "").strip() or None
    if unit is not None and len(unit) > 40:
        raise BadQuery("Mã đơn vị quá dài", field="unit")
    asked = Asked(_period(params, today), by, unit, params.get("all") == "1")
    if not items:
        return asked
    bucket = params.get("bucket") or ""
    if bucket not in ITEM_SETS:
        raise BadQuery("Không có số liệu này; hãy bấm vào một con số trên trang báo cáo", field="bucket")
    page = _number(params, "page", 1, MAX_PAGE, "Số trang", default=1)
    # by unit (or month: its rows link by unit): the unit's items; otherwise one row's, which the
    # reading checks (reports/keys.py: a key that names no row is a 400 there).
    if by in ("unit", "month"):
        return replace(asked, by="unit", bucket=bucket, own=params.get("own") == "1", page=page)
    key = (params.get("key") or "").strip()
    return replace(asked, bucket=bucket, page=page, key=key)


def _period(params: Mapping[str, str], today: date) -> Period:
    kind = params.get("period") or ""
    try:
        if kind:
            return _preset(kind, params, today)
        start, end = _date(params, "from"), _date(params, "to")
        if start is None and end is None:
            return last_month(today)
        return periods.parse(start, end, today=today)
    except BadQuery:
        raise
    except DomainError as exc:  # the reading's own refusals (end before start, too long) are 400s here
        raise BadQuery(exc.message, field=exc.field) from exc


def _preset(kind: str, params: Mapping[str, str], today: date) -> Period:
    if kind not in PRESETS:
        raise BadQuery(f"Không có loại kỳ báo cáo '{kind[:40]}'", field="period")
    year = _number(params, "year", FIRST_YEAR, LAST_YEAR, "Năm", default=today.year)
    if kind == "year":
        return periods.year(year)
    if kind == "quarter":
        return periods.quarter(year, _number(params, "number", 1, 4, "Quý", default=(today.month + 2) // 3))
    number = _number(params, "number", 1, 12, "Tháng", default=today.month)
    return periods.month(year, number) if kind == "month" else periods.statutory(year, number)


def _number(params: Mapping[str, str], name: str, low: int, high: int, what: str, *, default: int) -> int:
    raw = (params.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise BadQuery(f"{what} phải là số từ {low} đến {high}", field=name)
    return int(raw)


def _date(params: Mapping[str, str], name: str) -> date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise BadQuery(
            f"Ngày '{raw[:20]}' không đúng dạng năm-tháng-ngày (ví dụ 2026-10-31)", field=name
        ) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise BadQuery(f"Năm phải từ {FIRST_YEAR} đến {LAST_YEAR}", field=name)
    return day


def last_month(today: date) -> Period:
    return periods.month_of(today.replace(day=1) - timedelta(days=1))


def quick_periods(today: date) -> list[tuple[str, Period]]:
    """The periods people ask for most, as links above the picker."""
    month_start = today.replace(day=1)
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    # The last complete statutory month: it ends on the 14th of this month once that day is past.
    ends = today if today.day > periods.STATUTORY_FIRST_DAY - 1 else month_start - timedelta(days=1)
    return [
        ("Tháng trước", last_month(today)),
        ("Tháng này", Period(month_start, today)),
        ("Quý này", Period(quarter_start, today)),
        ("Năm nay", Period(date(today.year, 1, 1), today)),
        ("Kỳ báo cáo gần nhất (15–14)", periods.statutory(ends.year, ends.month)),
    ]


def trend_period(period: Period) -> Period:
    """The twelve months ending with the period's last month (the last one cut at its end)."""
    first = date(period.end.year, period.end.month, 1)
    for _ in range(11):
        first = (first - timedelta(days=1)).replace(day=1)
    return Period(first, period.end)
