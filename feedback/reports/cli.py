"""`pakn report`: one report (feedback/reports/summary.py) as a table, CSV, XLSX or JSON, the whole city
or a unit with its sub-units, as a coordinator sees it; `pakn report-mail`: a month's report e-mail."""

from __future__ import annotations

import json
from datetime import date

from feedback import clock
from feedback.directory.reference import reference
from feedback.errors import DomainError
from feedback.reports import exports
from feedback.reports import mail as monthly
from feedback.reports.periods import Period, month_of
from feedback.reports.summary import summary
from feedback.settings import Settings


async def report(
    settings: Settings, start: date, end: date, *, by: str, unit: str | None, depth: int, form: str
) -> str | bytes:
    ref = await reference(settings)
    scope = None
    if unit:
        scope = ref.unit_by_code(unit)
        if scope is None:
            raise DomainError(f"Không có đơn vị mã '{unit}'", field="unit")
    found = await summary(Period(start, end), by=by, scope=scope, ref=ref, depth=depth)
    if form == "csv":
        return exports.to_csv(found)
    if form == "xlsx":
        return exports.to_xlsx(found)
    if form == "json":
        return json.dumps(found.as_dict(), ensure_ascii=False, indent=2)
    return exports.to_table(found)


async def mail(settings: Settings, month: date) -> str:
    """Queue the month's report e-mail (feedback/reports/mail.py) for the scheduler's delivery: the
    messages the daily job queued already, or an earlier run of this, are not queued again."""
    period = month_of(month)
    queued = await monthly.queue_month(settings, period, now=clock.now())
    return (
        f"monthly report {period.start:%m/%Y}: queued {queued} new messages"
        " (each unit head and the coordinator office get one per month; those queued before are not sent again)"
    )
