"""The monthly public report (SPEC §7): the public pages `/reports` and `/reports/YYYY-MM` with its CSV and
XLSX (`/reports/YYYY-MM.csv|.xlsx`), and the coordinators' page that publishes a month
(`/staff/public-reports`).

Every public page reads the stored snapshot (feedback/reports/publish.py) and nothing else: no figure is
computed on a read, and a published month shows what was published, whatever happened since.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

import anyio.to_thread
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect
from markupsafe import Markup

from feedback import clock
from feedback.accounts.api import current_user
from feedback.accounts.models import StaffUser
from feedback.attachments.storage import content_disposition
from feedback.edge import MAX_ID
from feedback.errors import DomainError, NotFound, Unauthorized
from feedback.reports import charts, exports, publish, snapshot
from feedback.reports.models import PublishedReport
from feedback.reports.public_api import PublishIn
from feedback.settings import Settings
from feedback.web.auth import optional_user, staff_page_user
from feedback.web.forms import form_struct
from feedback.web.i18n import language
from feedback.web.rendering import fragment, page
from feedback.web.report_view import rating_rows

Config = NamedDependency[Settings]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}
TABLES = {"units": "don-vi", "fields": "linh-vuc"}
PAGE_ONLY = "Trang công bố báo cáo tháng chỉ dành cho Văn phòng UBND (điều phối)."
MONTH_MESSAGE = "Chọn tháng theo dạng năm-tháng, ví dụ 2026-10"
VersionParam = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)]
TableParam = Annotated[str, QueryParameter(max_length=10)]


def percent(value: float | None) -> str:
    """A rate as the reports print it: "92,5%"; "—" without items."""
    return "—" if value is None else charts.percent(value)


count = charts.integer  # "14.322"


def month_label(month: str) -> str:
    year, number = month.split("-")
    return f"tháng {number}/{year}"


def _not_found(request: Request, user: StaffUser | None, message: str) -> Response[str]:
    return page(request, "report_not_found.html", {"message": message}, user=user, status_code=404)


@get("/reports", include_in_schema=False)
async def reports_list(request: Request) -> Response[str]:
    """Every published month, newest first."""
    context = {"published": await publish.listing(), "month_label": month_label}
    return page(request, "reports_list.html", context, user=await optional_user(request))


@get("/reports/{name:str}", include_in_schema=False)
async def report_page(
    request: Request, name: FromPath[str], version: VersionParam = None, table: TableParam = "units"
) -> Response[Any]:
    """A published month (`2026-10`), or its table as a file (`2026-10.csv`, `2026-10.xlsx`;
    `?table=fields` for the one by field)."""
    month, _, extension = name.partition(".")
    user = None if extension else await optional_user(request)
    if extension and extension not in FILES:
        return _not_found(request, user, publish.NOT_PUBLISHED)
    try:
        key, stored = await publish.stored(month, version)
    except NotFound as exc:
        return _not_found(request, user, exc.message)
    if extension:
        return await _file(key, stored, extension, table if table in TABLES else "units")
    history = await publish.versions(month)
    lang = language(request)
    body = publish.derived(f"page-{lang}", key) or publish.keep(f"page-{lang}", key, _body(request, stored))
    context = {
        "report": stored,
        "label": month_label(month),
        "first": date.fromisoformat(stored["from"]),
        "last": date.fromisoformat(stored["to"]),
        "versions": history,
        "latest": history[-1].version if history else stored["version"],
        "body": body,
    }
    return page(request, "report_month.html", context, user=user)


def _body(request: Request, stored: dict[str, Any]) -> Markup:
    """The sections of a published month, rendered once per publication and language."""
    context = {
        "report": stored,
        "units": [u for u in stored["units"] if u["total"] or u["apologies"]],
        # Units directly under the city without any item: named in one line, not a row of dashes each.
        "idle": [u for u in stored["units"] if u["key"]["level"] == 1 and not (u["total"] or u["apologies"])],
        "apology_groups": snapshot.apologies_by_unit(stored),
        "percent": percent,
        "count": count,
        "charts": _charts(stored),
    }
    return fragment(request, "_report_body.html", context)


def _charts(stored: dict[str, Any]) -> dict[str, Markup]:
    """Each section's chart (server-rendered SVG, from the snapshot only); each section keeps its table."""
    city = snapshot.figures_of(stored["city"])
    buckets = [
        ("Đã giải quyết trước hạn", city.answered_early),
        ("Đã giải quyết đúng hạn", city.answered_on_time),
        ("Đã giải quyết quá hạn", city.answered_late),
        ("Không tiếp nhận", city.refused),
        ("Gộp (trùng nội dung)", city.merged),
        ("Đang giải quyết trong hạn", city.open_in_time),
        ("Đang giải quyết quá hạn", city.open_overdue),
    ]
    units = sorted(
        (u for u in stored["units"] if u["key"]["level"] == 1 and u["total"]),
        key=lambda u: (-u["on_time_rate"], u["key"]["name"]),
    )
    fields = [(f["key"]["name"], f["total"]) for f in stored["fields"] if f["total"]]
    apologies = [(g["unit"]["name"], len(g["items"])) for g in snapshot.apologies_by_unit(stored)]
    rate = {"value_format": charts.percent, "max_value": 1}
    drawn = {
        "city": charts.bar_chart(
            buckets if city.total else [], title="Kết quả giải quyết", chart_id="chart-city"
        ),
        "units": charts.bar_chart(
            [(u["key"]["name"], u["on_time_rate"]) for u in units],
            title="Tỷ lệ đúng hạn theo đơn vị",
            chart_id="chart-units",
            **rate,
        ),
        "fields": charts.bar_chart(fields, title="Số hồ sơ theo lĩnh vực", chart_id="chart-fields"),
        "satisfaction": charts.bar_chart(
            rating_rows(city) if city.ratings else [], title="Mức độ hài lòng", chart_id="chart-satisfaction"
        ),
        "apologies": charts.bar_chart(apologies, title="Thư xin lỗi theo đơn vị", chart_id="chart-apologies"),
    }
    return drawn


async def _file(key: str, stored: dict[str, Any], extension: str, table: str) -> Response[bytes]:
    content = publish.derived(f"{table}.{extension}", key)
    if content is None:
        report = snapshot.report_of(stored, table)
        if extension == "xlsx":
            content = await anyio.to_thread.run_sync(exports.to_xlsx, report)
        else:
            content = exports.to_csv(report)
        publish.keep(f"{table}.{extension}", key, content)
    name = f"bao-cao-cong-khai-{stored['month']}-v{stored['version']}-{TABLES[table]}.{extension}"
    return Response(
        content,
        media_type=FILES[extension],
        headers={"Content-Disposition": content_disposition(name), "Cache-Control": "public, max-age=300"},
    )


# --- publishing (coordinators) -------------------------------------------------------------------


async def _publish_page(
    request: Request,
    user: StaffUser,
    settings: Settings,
    *,
    month: str = "",
    error: DomainError | None = None,
    status_code: int = 200,
) -> Response[str]:
    rows = (
        await PublishedReport.all()
        .order_by("-month", "-version")
        .values("month", "version", "published_at", "published_by__email")
    )
    today = clock.now().astimezone(settings.tz).date()
    last_closed = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")  # the month before
    context = {
        "rows": rows,
        "month": month or last_closed,
        "error": error,
        "done": request.query_params.get("done", "")[:7],
        "month_label": month_label,
    }
    return page(request, "staff_public_reports.html", context, user=user, status_code=status_code)


@get("/staff/public-reports", include_in_schema=False)
async def publish_page(request: Request, settings: Config) -> Response[str]:
    user = await staff_page_user(request)
    if user.role not in publish.PUBLISHERS:
        return page(request, "staff_denied.html", {"message": PAGE_ONLY}, user=user, status_code=403)
    return await _publish_page(request, user, settings)


@post("/staff/public-reports", include_in_schema=False, status_code=303)
async def publish_submit(request: Request, settings: Config) -> Response[str] | Redirect:
    try:
        user = await current_user(request)  # the session, and the CSRF token of the form
    except Unauthorized:
        return Redirect("/staff/login?next=%2Fstaff%2Fpublic-reports", status_code=303)
    if user.role not in publish.PUBLISHERS:
        return page(request, "staff_denied.html", {"message": PAGE_ONLY}, user=user, status_code=403)
    form = await request.form()
    month = form.get("month") if isinstance(form.get("month"), str) else ""
    try:
        data = form_struct(form, PublishIn, messages={"month": MONTH_MESSAGE})
    except DomainError as exc:
        return await _publish_page(request, user, settings, month=month, error=exc, status_code=400)
    try:
        made = await publish.publish(user, data.month, settings)
    except DomainError as exc:
        return await _publish_page(
            request, user, settings, month=month, error=exc, status_code=exc.status_code
        )
    return Redirect(f"/staff/public-reports?done={made.month}", status_code=303)


PUBLIC_REPORT_ROUTES = [reports_list, report_page, publish_page, publish_submit]
