"""`/api/v1/reports/…` (SPEC §7): the figures as JSON, CSV and XLSX, and the items behind a number.
Each handler checks who may read which unit (reports/access.py), reads one report through
reports/summary.py and shapes it; the XLSX is written off the event loop."""

from __future__ import annotations

import anyio.to_thread
import msgspec
from litestar import Controller, Response, get
from litestar.di import NamedDependency, Provide

from feedback import clock
from feedback.accounts.api import current_user
from feedback.accounts.models import StaffUser
from feedback.attachments.storage import content_disposition
from feedback.directory.reference import reference
from feedback.errors import DomainError
from feedback.reports import access, exports, periods, summary
from feedback.reports.figures import ITEM_SETS
from feedback.reports.keys import BadKey
from feedback.reports.schemas import (
    Bucket,
    ByParam,
    Depth,
    From,
    ItemsByParam,
    ItemsOut,
    KeyParam,
    Limit,
    Offset,
    SummaryOut,
    To,
    UnitParam,
)
from feedback.settings import Settings

User = NamedDependency[StaffUser]
Config = NamedDependency[Settings]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def read(
    user: StaffUser, settings: Settings, start: From, end: To, by: str, unit: str | None, depth: int = 1
) -> summary.Report:
    """The report the user asked for and may read (403 otherwise)."""
    ref = await reference(settings)
    period = periods.parse(start, end, today=ref.calendar.local_date(clock.now()))
    scope = access.scope_for(user, unit, by, ref)
    return await summary.summary(period, by=by, scope=scope, ref=ref, depth=depth)


def _file(content: bytes, media_type: str, name: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": content_disposition(name), "Cache-Control": "no-store"},
    )


class ReportsController(Controller):
    path = "/api/v1/reports"
    tags = ["reports"]
    dependencies = {"user": Provide(current_user)}

    @get("/summary")
    async def summary_json(
        self, user: User, settings: Config, start: From = None, to: To = None, by: ByParam = "unit",
        unit: UnitParam = None, depth: Depth = 1,
    ) -> SummaryOut:  # fmt: skip
        """The figures of a period (default: this month so far) by unit, field, channel, commune, month or
        officer, with their total. Coordinators: any unit or the city; heads: the own unit and its
        sub-units; officers: the own unit."""
        report = await read(user, settings, start, to, by, unit, depth)
        return msgspec.convert(report.as_dict(), SummaryOut)

    @get("/summary.csv")
    async def summary_csv(
        self, user: User, settings: Config, start: From = None, to: To = None, by: ByParam = "unit",
        unit: UnitParam = None, depth: Depth = 1,
    ) -> Response:  # fmt: skip
        """The same table as CSV (UTF-8 with BOM, Vietnamese headers; rates in per cent)."""
        report = await read(user, settings, start, to, by, unit, depth)
        return _file(exports.to_csv(report), "text/csv; charset=utf-8", exports.filename(report, "csv"))

    @get("/summary.xlsx")
    async def summary_xlsx(
        self, user: User, settings: Config, start: From = None, to: To = None, by: ByParam = "unit",
        unit: UnitParam = None, depth: Depth = 1,
    ) -> Response:  # fmt: skip
        """The same table as a Vietnamese result report (XLSX, A4 landscape)."""
        report = await read(user, settings, start, to, by, unit, depth)
        content = await anyio.to_thread.run_sync(exports.to_xlsx, report)
        return _file(content, XLSX, exports.filename(report, "xlsx"))

    @get("/items")
    async def items(
        self, user: User, settings: Config, bucket: Bucket = None, start: From = None, to: To = None,
        unit: UnitParam = None, limit: Limit = 100, offset: Offset = 0, by: ItemsByParam = None,
        key: KeyParam = None,
    ) -> ItemsOut:  # fmt: skip
        """The items behind one number of the summary (`bucket`: one of the seven buckets, or
        carried_over, received, received_online, transferred_twice, extended, reopened); with `by` and
        `key`, of one row of the summary by unit, field, channel, commune or officer: the items whose
        unit, field, … at the end of the period was the row's (a key that names no row: 400)."""
        if bucket is None:
            raise DomainError(f"Cần chọn số liệu (bucket): {', '.join(ITEM_SETS)}", field="bucket")
        if key is not None and by is None:
            raise BadKey("Cần chọn cách nhóm (by) của dòng báo cáo (key)", field="by")
        ref = await reference(settings)
        period = periods.parse(start, to, today=ref.calendar.local_date(clock.now()))
        scope = access.scope_for(user, unit, by or "unit", ref)
        found = await summary.items(
            period, bucket, scope=scope, ref=ref, limit=limit, offset=offset, by=by, key=key
        )
        return msgspec.convert(
            {
                "from": period.start, "to": period.end, "bucket": bucket, "items": found, "by": by, "key": key,
                "unit": {"code": scope.code, "name": scope.name} if scope else None,
            },
            ItemsOut,
            from_attributes=True,
        )  # fmt: skip
