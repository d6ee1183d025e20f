"""`pakn report`: one report (feedback/reports/summary.py) as a table, CSV, XLSX or JSON, the whole city
or a unit with its sub-units, as a coordinator sees it."""

from __future__ import annotations

import json
from datetime import date

from feedback.directory.reference import reference
from feedback.errors import DomainError
from feedback.reports import exports
from feedback.reports.periods import Period
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
