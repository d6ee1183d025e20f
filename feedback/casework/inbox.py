"""The staff inbox: the items a user may see, sorted by deadline, with filters and search."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from litestar import get
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter
from msgspec import Struct

from feedback import clock
from feedback.accounts.api import current_user
from feedback.accounts.models import StaffUser
from feedback.casework import services
from feedback.intake.models import OPEN_STATUSES
from feedback.intake.schemas import AwareDatetime
from feedback.text import fold


class InboxRow(Struct):
    code: str
    title: str
    status: str
    severity: str
    unit: str
    received_at: datetime
    due_at: datetime
    overdue: bool


class Inbox(Struct):
    total: int
    items: list[InboxRow]


@get("/api/v1/staff/feedback", tags=["staff"], dependencies={"user": Provide(current_user)})
async def inbox(
    user: NamedDependency[StaffUser],
    status: Annotated[
        Literal["received", "assigned", "in_progress", "answered", "closed", "refused"] | None,
        QueryParameter(),
    ] = None,
    category: Annotated[str | None, QueryParameter()] = None,
    overdue: Annotated[bool | None, QueryParameter()] = None,
    due_before: Annotated[AwareDatetime | None, QueryParameter()] = None,
    q: Annotated[str | None, QueryParameter(max_length=200)] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    offset: Annotated[int, QueryParameter(ge=0)] = 0,
) -> Inbox:
    now = clock.now()
    query = services.visible_items(user)
    if status:
        query = query.filter(status=status)
    if category:
        query = query.filter(category__code=category)
    if overdue is not None:
        query = (
            query.filter(status__in=OPEN_STATUSES, due_at__lt=now)
            if overdue
            else query.exclude(status__in=OPEN_STATUSES, due_at__lt=now)
        )
    if due_before:
        query = query.filter(due_at__lt=due_before)
    if q and q.strip():
        text = q.strip()
        query = (
            query.filter(code=text)
            if text.upper().startswith("PAKN.")
            else query.filter(search_text__contains=fold(text))
        )
    total = await query.count()
    rows = await query.order_by("due_at", "id").offset(offset).limit(limit).select_related("unit")
    return Inbox(
        total=total,
        items=[
            InboxRow(
                code=i.code,
                title=i.title,
                status=i.status,
                severity=i.severity,
                unit=i.unit.code,
                received_at=i.received_at,
                due_at=i.due_at,
                overdue=i.status in OPEN_STATUSES and i.due_at < now,
            )
            for i in rows
        ],
    )
