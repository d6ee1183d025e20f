"""Requests as Open311 shows them: which items, and what of each, anyone may read.

Every item is listed (its code, field, unit, dates and status say nothing about the citizen), but its
words and its place only when the public may read them (feedback/publication: the citizen consented and
the unit answered), redacted and rounded exactly as the public pages and map show them. The citizen's
name, phone, e-mail and address never appear.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from feedback import clock
from feedback.items.grounds import REFUSAL_GROUNDS
from feedback.items.models import FeedbackItem
from feedback.items.vocabulary import OPEN_STATUSES, STATUS_NAMES, Status, is_open
from feedback.open311.forms import DEFAULT_SPAN, UNCLASSIFIED, Filters
from feedback.open311.schemas import RequestOut
from feedback.publication.published import public_view, published

MAX_REQUESTS = 1000  # GeoReport v2: at most the first 1000 requests of a query
MAX_DESCRIPTION = 4000  # the GeoReport v2 schema's limit
UNCLASSIFIED_NAME = "Chưa xác định lĩnh vực"
_RELATED = ("unit", "category", "commune", "answered_by", "draft_by", "duplicate_of")


def georeport_status(status: str, merged: bool) -> str:
    """`open` while the item waits for its answer (items.vocabulary's open set); answered, refused,
    closed or merged into another item: `closed`."""
    return "open" if is_open(status) and not merged else "closed"


def _open_q() -> Q:
    return Q(status__in=OPEN_STATUSES, duplicate_of_id__isnull=True)


def matching(filters: Filters, now: datetime) -> QuerySet[FeedbackItem]:
    """The items of a GET requests query, newest first (at most MAX_REQUESTS)."""
    if filters.codes:
        return FeedbackItem.filter(code__in=filters.codes).order_by("-received_at", "-id")
    query = FeedbackItem.all()
    start, end = filters.start, filters.end
    if start is None and end is None:
        start = now - DEFAULT_SPAN
    elif start is None:
        start = end - DEFAULT_SPAN
    query = query.filter(received_at__gte=start)
    if end is not None:
        query = query.filter(received_at__lte=end)
    if filters.services:
        wanted = Q(category__code__in=[s for s in filters.services if s != UNCLASSIFIED])
        if UNCLASSIFIED in filters.services:
            wanted |= Q(category_id__isnull=True)
        query = query.filter(wanted)
    if set(filters.statuses) == {"open"}:
        query = query.filter(_open_q())
    elif set(filters.statuses) == {"closed"}:
        query = query.filter(~_open_q())
    return query.order_by("-received_at", "-id")


async def requests(filters: Filters, tz: ZoneInfo) -> list[RequestOut]:
    items = await matching(filters, clock.now()).limit(MAX_REQUESTS).select_related(*_RELATED)
    public = set(await published().filter(id__in=[i.id for i in items]).values_list("id", flat=True))
    return [request_out(item, tz, public=item.id in public) for item in items]


def _when(moment: datetime | None, tz: ZoneInfo) -> str | None:
    return moment.astimezone(tz).isoformat(timespec="seconds") if moment else None


def _notes(item: FeedbackItem, answer: str | None) -> str:
    """The status in words that say nothing about the citizen; the published answer when public."""
    if item.duplicate_of_id is not None and item.status != Status.ANSWERED:
        return f"Trùng với phản ánh {item.duplicate_of.code}; được trả lời cùng phản ánh đó."
    if item.status == Status.REFUSED:
        ground = REFUSAL_GROUNDS.get(item.refuse_ground)
        return f"Không tiếp nhận: {ground.text}." if ground else "Không tiếp nhận."
    if item.status in (Status.ANSWERED, Status.CLOSED):
        done = "Đã trả lời" if item.status == Status.ANSWERED else "Đã đóng"
        if answer:
            return f"{done}: {answer}"
        return f"{done}; văn bản trả lời đã gửi cho người phản ánh."
    return STATUS_NAMES[item.status][:1].upper() + STATUS_NAMES[item.status][1:] + "."


def request_out(item: FeedbackItem, tz: ZoneInfo, *, public: bool) -> RequestOut:
    """One item as Open311 shows it; `item` comes with _RELATED loaded. Words and place only if public."""
    view = public_view(item) if public else None
    description = None
    if view is not None:
        text = f"{view.title}\n\n{view.content}"
        description = text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"
    position = (view.latitude, view.longitude) if view is not None else (None, None)
    return RequestOut(
        service_request_id=item.code,
        status=georeport_status(item.status, item.duplicate_of_id is not None),
        service_code=item.category.code if item.category else UNCLASSIFIED,
        service_name=item.category.name if item.category else UNCLASSIFIED_NAME,
        requested_datetime=_when(item.received_at, tz) or "",
        status_notes=_notes(item, view.answer if view else None),
        description=description,
        agency_responsible=item.unit.name,
        updated_datetime=_when(item.updated_at, tz),
        expected_datetime=_when(item.due_at, tz),
        address=item.commune.name if view is not None and item.commune else None,
        lat=position[0],
        long=position[1],
    )


async def one(code: str, tz: ZoneInfo) -> RequestOut | None:
    item = await FeedbackItem.filter(code=code.upper()).select_related(*_RELATED).first()
    if item is None:
        return None
    public = await published().filter(id=item.id).exists()
    return request_out(item, tz, public=public)
