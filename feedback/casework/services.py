"""Casework actions: each checks its rule, writes the item, appends the event and queues the
e-mails in one transaction. (Only `answer` so far; the other actions follow the same shape.)"""

from __future__ import annotations

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from feedback import clock
from feedback.accounts.models import StaffUser
from feedback.deadlines.services import cancel_pending_steps
from feedback.directory.reference import reference
from feedback.errors import Conflict, Forbidden, NotFound
from feedback.intake import mail, timeline
from feedback.intake.models import OPEN_STATUSES, Cooperation, FeedbackItem
from feedback.settings import Settings
from notifications.outbox import queue

STAFF_ROLES_THAT_HANDLE = ("officer", "head", "coordinator")


# Conference organisers run conferences; they do not handle feedback items.
ROLES_THAT_SEE_ITEMS = ("desk", "officer", "head", "coordinator")


def visible_items(user: StaffUser) -> QuerySet[FeedbackItem]:
    """The items a user may see: a coordinator sees all; others their unit's and those it cooperates on."""
    if user.role not in ROLES_THAT_SEE_ITEMS:
        raise Forbidden("Vai trò của bạn không xử lý phản ánh, kiến nghị")
    query = FeedbackItem.all()
    if user.role != "coordinator":
        unit_id = user.unit_id  # type: ignore[attr-defined]
        cooperating = Cooperation.filter(unit_id=unit_id).values("item_id")
        query = query.filter(Q(unit_id=unit_id) | Q(id__in=Subquery(cooperating)))
    return query


async def get_for(user: StaffUser, code: str, *, lock: bool = False) -> FeedbackItem:
    """An item the user may see; otherwise 'not found', so nothing leaks about other units' items."""
    query = visible_items(user).filter(code=code)
    item = await (query.select_for_update() if lock else query).first()
    if item is None:
        raise NotFound(f"Không tìm thấy phản ánh {code}")
    return item


async def answer(user: StaffUser, code: str, text: str, settings: Settings) -> FeedbackItem:
    if user.role not in STAFF_ROLES_THAT_HANDLE:
        raise Forbidden("Vai trò của bạn không được trả lời phản ánh")
    now = clock.now()
    ref = await reference(settings)
    async with in_transaction():
        # The row lock makes a double-click (two answers at once) answer once and refuse the second.
        item = await get_for(user, code, lock=True)
        if item.status not in OPEN_STATUSES:
            raise Conflict(f"Phản ánh {code} đang ở trạng thái '{item.status}', không thể trả lời")
        before = item.status
        item.status, item.answer, item.answered_at = "answered", text.strip(), now
        item.answered_by = user
        item.updated_at = now
        await item.save(update_fields=["status", "answer", "answered_at", "answered_by_id", "updated_at"])
        await timeline.record(
            item,
            "answered",
            now,
            actor=user,
            public=True,
            message="Đơn vị đã trả lời phản ánh.",
            changes={"status": [before, "answered"]},
        )
        await cancel_pending_steps(item.id)
        context = mail.item_context(item, ref, settings)
        await queue(
            mail.to_citizen(
                "answer",
                item,
                context,
                now,
                f"answer:{item.code}:{item.deadline_no}",
                answer=item.answer,
                answered_at=now.isoformat(),
            )
        )
    return item
