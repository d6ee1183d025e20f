"""What `/staff/reports` shows, as plain data for its template: the table (every number a link to its
items, for every grouping), the charts with their tables, and the current state that
was the coordinators' dashboard. The figures are read through feedback/reports/summary.py only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from markupsafe import Markup

from feedback.directory.reference import Reference, UnitRef
from feedback.reports import keys, summary
from feedback.reports.charts import bar_chart, integer, line_chart, percent
from feedback.reports.dashboard import dashboard
from feedback.reports.figures import ITEM_SETS, Figures
from feedback.web.rendering import STATUS_NAMES
from feedback.web.report_query import Asked, trend_period

# The table's columns, grouped like the result reports of the seed documents (and the XLSX export).
COLUMNS: list[tuple[str | None, list[tuple[str, str]]]] = [
    ("Số nhận giải quyết", [("carried_over", "Kỳ trước chuyển sang"), ("received", "Mới tiếp nhận"),
                            ("total", "Tổng số")]),
    ("Đã giải quyết", [("answered_early", "Trước hạn"), ("answered_on_time", "Đúng hạn"),
                       ("answered_late", "Quá hạn")]),
    (None, [("refused", "Không tiếp nhận")]),
    (None, [("merged", "Gộp (trùng)")]),
    ("Đang giải quyết", [("open_in_time", "Trong hạn"), ("open_overdue", "Quá hạn")]),
    (None, [("on_time_rate", "Tỷ lệ đúng hạn")]),
    ("Theo dõi thêm", [("transferred_twice", "Chuyển từ 2 lần"), ("extended", "Gia hạn"),
                       ("reopened", "Mở lại"), ("apologies", "Thư xin lỗi")]),
]  # fmt: skip
KEYS = [key for _, group in COLUMNS for key, _ in group]
# A row where none of these is above zero had nothing in the period: hidden unless asked for.
ACTIVE = ("total", "ratings", "transferred_out", "cooperations")
RATE_TITLE = "Tỷ lệ giải quyết đúng hạn theo đơn vị"
FIELDS_TITLE = "Phản ánh theo lĩnh vực"
RATINGS_TITLE = "Mức độ hài lòng của người dân"
RATE_FORMAT = {"value_format": percent, "max_value": 1}


@dataclass
class Cell:
    key: str
    text: str
    link: str | None = None


@dataclass
class TableRow:
    name: str
    code: str | None
    level: int
    cells: list[Cell]
    drill: str | None = None  # this unit's own report (its sub-units), for units that have some
    quiet: bool = False  # nothing happened here in the period


@dataclass
class Chart:
    ident: str
    title: str
    drawings: list[tuple[str, Markup]]  # (caption, svg): one drawing, or several with their captions
    head: list[str]
    rows: list[list[str]] = field(default_factory=list)
    # Drawn on its own request (the page shows a link the browser follows when the section comes into
    # view): the 12-month trend is twelve reports, about 19 s over 1,000,000 items (bench/README.md).
    load_from: str | None = None


def cells(figures: Figures, link: Any) -> list[Cell]:
    """The row's numbers; `link(bucket)` gives the items' address (None: this row cannot list them)."""
    values = figures.as_dict()
    found = []
    for key in KEYS:
        value = values[key]
        if key == "on_time_rate":
            found.append(Cell(key, "—" if value is None else percent(value)))
            continue
        target = link(key) if value and key in ITEM_SETS else None
        found.append(Cell(key, integer(value), target))
    return found


def table(
    report: summary.Report, asked: Asked, ref: Reference, *, drill_down: bool = True
) -> tuple[list[TableRow], TableRow]:
    """The report's rows and its total row, with their links (`drill_down`: a unit's name opens its
    sub-units' report, for those who may read them)."""
    scope = report.unit.code if report.unit else None
    parents = {u.parent_id for u in ref.units.values()}
    months = {p.start.strftime("%Y-%m"): p for p in report.period.months()} if report.by == "month" else {}
    rows = []
    for row in report.rows:
        key, link, drill = row.key, (lambda _b: None), None
        if report.by == "unit" and key.code:
            own = key.parent == key.code  # the unit's own items, beside its sub-units (summary.py)
            link = _linker(asked, key.code, own=own)
            unit = ref.unit_by_code(key.code)
            if drill_down and not own and unit is not None and unit.id in parents:
                drill = asked.link(unit=key.code, by="unit")
        elif report.by == "month" and key.code in months:
            link = _linker(asked, scope, period=months[key.code])
        elif report.by in keys.GROUPS and (row_key := keys.of_row(report.by, key.code, key.ident)):
            link = _linker(asked, scope, by=report.by, key=row_key)  # the row's items within the scope
        quiet = not any(row.figures.as_dict()[k] for k in ACTIVE)
        rows.append(TableRow(key.name, key.code, key.level, cells(row.figures, link), drill, quiet))
    total = TableRow("Tổng cộng", scope, 0, cells(report.total, _linker(asked, scope)))
    return rows, total


def _linker(asked: Asked, unit: str | None, **options: Any) -> Any:
    return lambda bucket: asked.items_link(bucket, unit=unit, **options)


def trail(ref: Reference, unit: UnitRef | None, top: UnitRef | None, asked: Asked) -> list[tuple[str, str]]:
    """The way from the top the user may see (the city, or a head's unit) down to the unit shown."""
    steps, current = [], unit
    while current is not None and (top is None or current.id != top.id):
        steps.append((current.name, asked.link(unit=current.code)))
        current = ref.units.get(current.parent_id) if current.parent_id else None
    if top is not None:
        steps.append((top.name, asked.link(unit=top.code)))
    else:
        steps.append(("Toàn thành phố", asked.link(unit=None)))
    return steps[::-1]


async def charts(asked: Asked, scope: UnitRef | None, ref: Reference, main: summary.Report) -> list[Chart]:
    """On-time rate by unit, the 12-month trend (drawn on its own request: `trend`), items by field,
    satisfaction: each with its table."""
    by_unit = (
        main if main.by == "unit" else await summary.summary(asked.period, by="unit", scope=scope, ref=ref)
    )
    fields = (
        main
        if main.by == "category"
        else await summary.summary(asked.period, by="category", scope=scope, ref=ref)
    )
    units = [r for r in by_unit.rows if r.figures.total]
    rate_rows = [(r.key.name, r.figures.on_time_rate) for r in units]
    field_rows = [(r.key.name, r.figures.total) for r in fields.rows if r.figures.total]
    total = main.total
    ratings = rating_rows(total)
    count = [[label, integer(n)] for label, n in ratings]
    share = [percent(n / total.ratings) if total.ratings else "—" for _, n in ratings]
    return [
        Chart(
            "chart-rate",
            RATE_TITLE,
            [(RATE_TITLE, bar_chart(rate_rows, title=RATE_TITLE, chart_id="chart-rate-svg", **RATE_FORMAT))],
            ["Đơn vị", "Tổng số", "Quá hạn (đã và đang giải quyết)", "Tỷ lệ đúng hạn"],
            [
                [r.key.name, integer(r.figures.total), integer(_late(r.figures)), _rate(r.figures)]
                for r in units
            ],
        ),
        Chart(TREND, TREND_TITLE, [], TREND_HEAD, load_from=asked.link("/staff/reports/trend")),
        Chart(
            "chart-fields",
            FIELDS_TITLE,
            [(FIELDS_TITLE, bar_chart(field_rows, title=FIELDS_TITLE, chart_id="chart-fields-svg"))],
            ["Lĩnh vực", "Tổng số"],
            [[name, integer(n)] for name, n in field_rows],
        ),
        Chart(
            "chart-ratings",
            RATINGS_TITLE,
            [
                (
                    RATINGS_TITLE,
                    bar_chart(
                        ratings if total.ratings else [], title=RATINGS_TITLE, chart_id="chart-ratings-svg"
                    ),
                )
            ],  # fmt: skip
            ["Đánh giá", "Số lượt", "Tỷ lệ"],
            [[*c, s] for c, s in zip(count, share, strict=True)],
        ),
    ]


TREND, TREND_TITLE = "chart-trend", "Xu hướng 12 tháng"
TREND_HEAD = ["Tháng", "Tổng số", "Quá hạn", "Tỷ lệ đúng hạn"]


async def trend(asked: Asked, scope: UnitRef | None, ref: Reference) -> Chart:
    """The 12 months ending with the period's last: the on-time rate and the total of each."""
    rows = await summary.months(trend_period(asked.period), scope=scope, ref=ref)
    months = [(r.key.code[5:] + "/" + r.key.code[:4] if r.key.code else r.key.name, r.figures) for r in rows]
    trend_rate, trend_total = "Tỷ lệ đúng hạn theo tháng", "Số phản ánh nhận giải quyết theo tháng"
    rates = [(m, f.on_time_rate) for m, f in months]
    totals = [(m, f.total) for m, f in months]
    return Chart(
        TREND,
        TREND_TITLE,
        [
            (trend_rate, line_chart(rates, title=trend_rate, chart_id="chart-trend-rate", **RATE_FORMAT)),
            (trend_total, line_chart(totals, title=trend_total, chart_id="chart-trend-total")),
        ],
        TREND_HEAD,
        [[m, integer(f.total), integer(_late(f)), _rate(f)] for m, f in months],
    )


def rating_rows(figures: Figures) -> list[tuple[str, int]]:
    """The ratings in three groups, as both report pages chart them: satisfied, neutral, dissatisfied."""
    neutral = figures.ratings - figures.satisfied_count - figures.dissatisfied_count
    return [("Hài lòng (4–5 sao)", figures.satisfied_count), ("Bình thường (3 sao)", neutral),
            ("Không hài lòng (1–2 sao)", figures.dissatisfied_count)]  # fmt: skip


def _late(figures: Figures) -> int:
    """Late, answered or still open: what the on-time rate takes away."""
    return figures.answered_late + figures.open_overdue


def _rate(figures: Figures) -> str:
    rate = figures.on_time_rate
    return "—" if rate is None else percent(rate)


async def current_state(now: datetime) -> dict[str, Any]:
    """The city as it is now (what the dashboard showed): items by status, open overdue by unit."""
    figures = await dashboard(now)
    return {
        "by_status": [(s, name, figures.by_status[s]) for s, name in STATUS_NAMES.items()],
        "total": figures.total,
        "overdue": [{"code": u.code, "name": u.name, "n": u.n} for u in figures.overdue_by_unit],
        "overdue_total": figures.overdue_total,
    }
