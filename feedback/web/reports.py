"""The staff report pages (SPEC §7): `/staff/reports`, the figures of a period by unit down the tree
(or by field, channel, commune, month, officer) with charts, and `/staff/reports/items`, the items
behind one number. `/staff/dashboard`, which this page replaced, redirects here.

Who may read what is reports/access.py's; the figures are reports/summary.py's; a query value the
page cannot read is a 400 page that says which (web/report_query.py).
"""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.response import Redirect

from feedback import clock
from feedback.accounts.models import StaffUser
from feedback.directory.official_calendar import calendar_warning
from feedback.directory.reference import Reference, UnitRef, reference
from feedback.errors import DomainError, Forbidden
from feedback.reports import access, keys, summary
from feedback.reports.figures import LABELS
from feedback.settings import Settings
from feedback.web import report_query, report_view
from feedback.web.auth import staff_page_user
from feedback.web.rendering import fragment, page

Config = NamedDependency[Settings]
ITEMS_PAGE = 100
API = "/api/v1/reports/summary"


def _refused(request: Request, user: StaffUser, exc: DomainError) -> Response[str]:
    """403 as the other staff pages say it; anything else the page could not read is a 400."""
    if isinstance(exc, Forbidden):
        return page(request, "staff_denied.html", {"message": exc.message}, user=user, status_code=403)
    context = {"message": exc.message, "field": exc.field or ""}
    return page(request, "staff_bad_request.html", context, user=user, status_code=400)


Read = tuple[StaffUser, Reference, report_query.Asked, UnitRef | None]


async def _read(request: Request, settings: Settings, *, items: bool = False) -> Read | Response[str]:
    """Who asks, and what they asked and may read; or the page that says why not."""
    user = await staff_page_user(request)
    ref = await reference(settings)
    today = ref.calendar.local_date(clock.now())
    try:
        asked = report_query.read(request.query_params, today, items=items)
        scope = access.scope_for(user, asked.unit, asked.by, ref)
    except DomainError as exc:
        return _refused(request, user, exc)
    return user, ref, asked, scope


def _top(user: StaffUser, ref: Reference) -> UnitRef | None:
    """The highest unit the user may see: None (the city) for coordinators."""
    return None if user.role == "coordinator" else ref.units.get(user.unit_id) if user.unit_id else None


@get("/staff/reports", include_in_schema=False)
async def reports_page(request: Request, settings: Config) -> Response[str]:
    read = await _read(request, settings)
    if isinstance(read, Response):
        return read
    user, ref, asked, scope = read
    today = ref.calendar.local_date(clock.now())
    main = await summary.summary(asked.period, by=asked.by, scope=scope, ref=ref)
    # An officer reads the own unit only: its sub-units' reports are not theirs to open.
    rows, total = report_view.table(main, asked, ref, drill_down=user.role != "officer")
    shown = rows if asked.show_all else [r for r in rows if not r.quiet]
    export = {k: v for k, v in asked.params(show_all=False).items() if k in ("from", "to", "by", "unit")}
    context = {
        "asked": asked,
        "report": main,
        "columns": report_view.COLUMNS,
        "width": len(report_view.KEYS) + 1,
        "rows": shown,
        "hidden": len(rows) - len(shown),
        "total": total,
        "trail": report_view.trail(ref, scope, _top(user, ref), asked),
        "quick": [(label, asked.link(period=p)) for label, p in report_query.quick_periods(today)],
        "presets": report_query.PRESETS,
        "groupings": {
            k: v for k, v in report_query.BY_NAMES.items() if k != "officer" or user.role != "officer"
        },
        "csv": f"{API}.csv?{urlencode(export)}",
        "xlsx": f"{API}.xlsx?{urlencode(export)}",
        "charts": await report_view.charts(asked, scope, ref, main),
        "today": today,
        "now": await report_view.current_state(clock.now()) if user.role == "coordinator" else None,
        "calendar_warning": calendar_warning(today) if user.role == "coordinator" else None,
    }
    return page(request, "staff_reports.html", context, user=user)


@get("/staff/reports/trend", include_in_schema=False)
async def report_trend(request: Request, settings: Config) -> Response[str]:
    """The 12-month trend of the page's unit, apart: twelve reports, which the page does not wait for.
    htmx swaps the section in when it comes into view; a browser without scripts opens it as a page."""
    read = await _read(request, settings)
    if isinstance(read, Response):
        return read
    user, ref, asked, scope = read
    context = {"chart": await report_view.trend(asked, scope, ref), "back": asked.link()}
    if request.headers.get("hx-request") == "true":
        return Response(fragment(request, "_report_chart.html", context), media_type="text/html")
    return page(request, "staff_report_trend.html", context, user=user)


@get("/staff/reports/items", include_in_schema=False)
async def report_items_page(request: Request, settings: Config) -> Response[str]:
    read = await _read(request, settings, items=True)
    if isinstance(read, Response):
        return read
    user, ref, asked, scope = read
    offset = (asked.page - 1) * ITEMS_PAGE
    by, key = (asked.by, asked.key) if asked.by != "unit" else (None, None)
    try:
        row = (report_query.BY_NAMES[by], await keys.name(by, key, ref)) if by else None
        found = await summary.items(
            asked.period, asked.bucket, scope=scope, ref=ref, limit=ITEMS_PAGE + 1, offset=offset,
            alone=asked.own, by=by, key=key,
        )  # fmt: skip
    except DomainError as exc:  # a key that names no row (reports/keys.py)
        return _refused(request, user, exc)
    context = {
        "asked": asked,
        "label": LABELS[asked.bucket],
        "unit": scope,
        "row": row,
        "items": found[:ITEMS_PAGE],
        "first": offset + 1,
        "back": asked.link(bucket=None, own=False, page=1, key=None),
        "previous": asked.link("/staff/reports/items", page=asked.page - 1) if asked.page > 1 else None,
        "next": asked.link("/staff/reports/items", page=asked.page + 1) if len(found) > ITEMS_PAGE else None,
        "bucket_name": lambda b: LABELS.get(b, "") if b else "",
    }
    return page(request, "staff_report_items.html", context, user=user)


@get("/staff/dashboard", include_in_schema=False)
async def dashboard_moved() -> Redirect:
    """The dashboard is part of the reports page now; old links and bookmarks land there."""
    return Redirect("/staff/reports", status_code=301)


REPORT_ROUTES = [reports_page, report_trend, report_items_page, dashboard_moved]
