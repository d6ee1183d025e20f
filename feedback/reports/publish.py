"""Publishing a month's public report, and reading what was published (SPEC §7).

`publish` is the one code that writes a publication: a coordinator, a closed month; it computes the
month through summary.py (by unit with every level of the tree, and by field), lists the month's
apologies as public text, and stores the snapshot (snapshot.py) as the month's next version. Reading a
published month (`latest`, `versions`, `listing`) touches only the stored rows: the public pages, their
CSV and XLSX and the JSON never count anything again.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from feedback import clock, db
from feedback.accounts.models import StaffUser
from feedback.directory.reference import Reference, reference
from feedback.errors import Conflict, Forbidden, NotFound
from feedback.items.vocabulary import sql_list
from feedback.publication.policy import public_text
from feedback.reports import figures, snapshot
from feedback.reports.models import PublishedReport
from feedback.reports.periods import Period
from feedback.reports.summary import summary
from feedback.settings import Settings

PUBLISHERS = frozenset({"coordinator"})
# The snapshots last read, by their publication's key: a publication never changes, so a process keeps
# the few most read ones decoded (a city's month is about 0.7 MB of JSON) and reads only their key.
CACHED = 8
_decoded: OrderedDict[str, dict[str, Any]] = OrderedDict()
# What the pages, files and JSON make of a snapshot, by (what, the publication's key): made once.
_derived: OrderedDict[tuple[str, str], Any] = OrderedDict()
# Every level of the unit tree (city → departments and communes → their offices, and deeper if ever).
ALL_LEVELS = 8
NOT_PUBLISHED = "Báo cáo tháng này chưa được công bố"

# The month's apologies, each once, by the (kind, at) index; the unit is the one that issued it (the
# state its event recorded), the citizen's name and address only to mask them in the reason.
_APOLOGIES = (
    "SELECT i.code AS code, e.at AS at, e.reason AS reason, COALESCE(e.unit_id, i.unit_id) AS unit_id,"
    " i.citizen_name AS citizen_name, i.citizen_address AS citizen_address"
    " FROM event e JOIN feedback_item i ON i.id = e.item_id"
    f" WHERE e.kind IN ({sql_list(figures.APOLOGY_KINDS)}) AND e.at >= $1 AND e.at < $2"
    " ORDER BY e.at, e.id"
)


@dataclass(frozen=True)
class Published:
    month: str
    version: int
    published_at: datetime


async def public_apologies(period: Period, ref: Reference) -> list[dict[str, Any]]:
    """The apologies ("công khai xin lỗi") issued in `period`, as the public may read them."""
    start, after = period.bounds(ref.calendar.tz)
    found = []
    for row in await db.fetch(_APOLOGIES, start, after):
        unit = ref.units.get(row["unit_id"])
        at = row["at"] if isinstance(row["at"], datetime) else datetime.fromisoformat(str(row["at"]))
        found.append({
            "code": row["code"],
            "unit": {"code": unit.code if unit else None, "name": unit.name if unit else "Đơn vị khác"},
            "at": at.isoformat(),
            "reason": public_text(
                row["reason"] or "", name=row["citizen_name"] or "", address=row["citizen_address"] or ""
            ),
        })  # fmt: skip
    return found


async def publish(user: StaffUser, month: str, settings: Settings) -> PublishedReport:
    """Publish `month` ("YYYY-MM", closed) as its next version; only coordinators publish."""
    if user.role not in PUBLISHERS:
        raise Forbidden("Chỉ Văn phòng UBND (điều phối) được công bố báo cáo tháng")
    ref = await reference(settings)
    now = clock.now()
    period = snapshot.month_period(month)
    snapshot.check_closed(period, ref.calendar.local_date(now))
    units = await summary(period, by="unit", ref=ref, depth=ALL_LEVELS)
    by_field = await summary(period, by="category", ref=ref)
    apologies = await public_apologies(period, ref)
    last = (
        await PublishedReport.filter(month=month)
        .order_by("-version")
        .first()
        .values_list("version", flat=True)
    )
    version = (last or 0) + 1
    stored = snapshot.build(
        month=month, version=version, published_at=now, units=units, by_field=by_field, apologies=apologies
    )
    try:
        return await PublishedReport.create(
            month=month, version=version, published_at=now, published_by=user, snapshot=stored,
            key=uuid.uuid4().hex,
        )  # fmt: skip
    except IntegrityError:  # another coordinator published the same month at the same moment
        raise Conflict(
            f"Báo cáo tháng {period.start:%m/%Y} vừa được công bố phiên bản {version}; hãy tải lại trang",
            field="month",
        ) from None


async def listing() -> list[Published]:
    """Every published month with its latest version, newest month first."""
    rows = await PublishedReport.all().values_list("month", "version", "published_at")
    latest: dict[str, Published] = {}
    for month, version, at in rows:
        if month not in latest or version > latest[month].version:
            latest[month] = Published(month, version, at)
    return sorted(latest.values(), key=lambda p: p.month, reverse=True)


async def versions(month: str) -> list[Published]:
    """The versions of one month, oldest first."""
    rows = (
        await PublishedReport.filter(month=month)
        .order_by("version")
        .values_list("month", "version", "published_at")
    )
    return [Published(*row) for row in rows]


async def stored(month: str, version: int | None = None) -> tuple[str, dict[str, Any]]:
    """The key and the snapshot of `month` (its latest version, or `version`); NotFound when not
    published. The snapshot is shared: read it, never change it."""
    if not snapshot.is_month(month):
        raise NotFound(NOT_PUBLISHED, field="month")
    query = PublishedReport.filter(month=month)
    query = query.filter(version=version) if version is not None else query.order_by("-version")
    key = await query.first().values_list("key", flat=True)
    if key is None:
        raise NotFound(
            NOT_PUBLISHED if version is None else f"Báo cáo tháng này không có phiên bản {version}",
            field="version" if version is not None else "month",
        )
    if key not in _decoded:
        found = await PublishedReport.filter(key=key).first().values_list("snapshot", flat=True)
        _decoded[key] = found if isinstance(found, dict) else dict(found or {})
        while len(_decoded) > CACHED:
            _decoded.popitem(last=False)
    _decoded.move_to_end(key)
    return key, _decoded[key]


def derived(what: str, key: str) -> Any | None:
    """What was made of the publication `key` (its rendered page, a file, its JSON), if kept."""
    found = _derived.get((what, key))
    if found is not None:
        _derived.move_to_end((what, key))
    return found


def keep(what: str, key: str, value: Any) -> Any:
    _derived[(what, key)] = value
    while len(_derived) > CACHED * 8:
        _derived.popitem(last=False)
    return value
