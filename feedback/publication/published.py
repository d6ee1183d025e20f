"""Reading published items: which ones are public, and how each is redacted. Read-only."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.queryset import QuerySet

from feedback.errors import NotFound
from feedback.intake.schemas import Ref
from feedback.items.models import FeedbackItem
from feedback.items.vocabulary import Status, answered_on_time
from feedback.publication.policy import public_item, public_position, public_text
from feedback.publication.schemas import (
    PlaceCollection,
    PlaceFeature,
    PlaceProperties,
    Point,
    PublicFeedback,
)
from feedback.text import fold

PUBLIC_STATUSES = (Status.ANSWERED, Status.CLOSED)
_RELATED = ("unit", "category", "commune", "answered_by", "draft_by")


@dataclass(frozen=True)
class Filters:
    q: str | None = None
    category: str | None = None
    commune: str | None = None
    unit: str | None = None


def published() -> QuerySet[FeedbackItem]:
    """Items the public may read: the citizen consented and the unit has answered.

    A duplicate is left out: the issue is listed once, under its main item, and a duplicate's answer is a
    copy of the main item's, which may name the main item's citizen, whom this item's masking does not know.
    """
    return FeedbackItem.filter(
        publish=True, status__in=PUBLIC_STATUSES, answered_at__isnull=False, duplicate_of_id__isnull=True
    )


def public_view(item: FeedbackItem) -> PublicFeedback:
    """The redacted item; `item` comes with its unit, category, commune and answering staff loaded."""
    staff = [user.name for user in (item.answered_by, item.draft_by) if user is not None and user.name]
    assert item.answered_at is not None  # published() only returns answered items
    texts = public_item(
        title=item.title,
        content=item.content,
        answer=item.answer,
        citizen_name=item.citizen_name,
        citizen_address=item.citizen_address,
        staff=staff,
    )
    place = public_position(item.latitude, item.longitude)
    return PublicFeedback(
        code=item.code,
        title=texts.title,
        content=texts.content,
        answer=texts.answer,
        citizen_initials=texts.citizen,
        unit=Ref(item.unit.code, item.unit.name),
        category=Ref(item.category.code, item.category.name) if item.category else None,
        commune=Ref(item.commune.code, item.commune.name) if item.commune else None,
        status=item.status,
        received_at=item.received_at,
        answered_at=item.answered_at,
        on_time=answered_on_time(item.answered_at, item.due_at),
        latitude=place[0] if place else None,
        longitude=place[1] if place else None,
    )


def _filtered(filters: Filters) -> QuerySet[FeedbackItem]:
    """Published items matching the filters other than the text, newest answers first."""
    query = published()
    if filters.category:
        query = query.filter(category__code=filters.category)
    if filters.commune:
        query = query.filter(commune__code=filters.commune)
    if filters.unit:
        query = query.filter(unit__code=filters.unit)
    query = query.order_by("-answered_at", "-id")
    text = (filters.q or "").strip()
    if text.upper().startswith("PAKN."):
        query = query.filter(code=text.upper())
    return query


def _needle(filters: Filters) -> str:
    """The folded search text, unless the search is for a code (`_filtered` handles that)."""
    text = (filters.q or "").strip()
    return "" if text.upper().startswith("PAKN.") else fold(text)


async def search(filters: Filters, *, limit: int, offset: int) -> tuple[int, list[PublicFeedback]]:
    """One page of published items, newest answers first, and how many match in all."""
    query = _filtered(filters)
    if needle := _needle(filters):
        ids = await _matching_ids(query, needle)
        page_ids = ids[offset : offset + limit]
        rows = {i.id: i for i in await FeedbackItem.filter(id__in=page_ids).select_related(*_RELATED)}
        return len(ids), [public_view(rows[i]) for i in page_ids]
    total = await query.count()
    rows = await query.offset(offset).limit(limit).select_related(*_RELATED)
    return total, [public_view(item) for item in rows]


async def _matching_ids(query: QuerySet[FeedbackItem], needle: str) -> list[int]:
    """Ids, in the query's order, of items whose *redacted* title or content contains `needle`.

    `search_text` holds the unredacted text, so it only narrows the candidates: matching on it alone would
    let anyone learn whether some published item mentions a given phone number, ID number or name.
    """
    candidates = await query.filter(search_text__contains=needle).values(
        "id", "title", "content", "citizen_name", "citizen_address"
    )

    def redacted(row: dict) -> str:
        name, address = row["citizen_name"], row["citizen_address"]
        title = public_text(row["title"], name=name, address=address)
        return fold(f"{title} {public_text(row['content'], name=name, address=address)}")

    return [row["id"] for row in candidates if needle in redacted(row)]


async def places(filters: Filters, *, limit: int) -> PlaceCollection:
    """The public map: the newest `limit` published items that match and have a place, as GeoJSON points
    with only the code, the redacted title, the status and the public page's address."""
    query = _filtered(filters).filter(latitude__isnull=False, longitude__isnull=False)
    if needle := _needle(filters):
        ids = (await _matching_ids(query, needle))[:limit]
        query = FeedbackItem.filter(id__in=ids).order_by("-answered_at", "-id")
    rows = await query.limit(limit).values(
        "code", "title", "status", "latitude", "longitude", "citizen_name", "citizen_address"
    )
    features = []
    for row in rows:
        place = public_position(row["latitude"], row["longitude"])
        assert place is not None  # the query keeps only items with both
        title = public_text(row["title"], name=row["citizen_name"], address=row["citizen_address"])
        features.append(
            PlaceFeature(
                geometry=Point(coordinates=(place[1], place[0])),
                properties=PlaceProperties(
                    code=row["code"], title=title, status=row["status"], url=f"/public/{row['code']}"
                ),
            )
        )
    return PlaceCollection(features=features)


async def one(code: str) -> PublicFeedback:
    item = await published().filter(code=code).select_related(*_RELATED).first()
    if item is None:
        raise NotFound("Không tìm thấy phản ánh đã công khai với mã này")
    return public_view(item)
