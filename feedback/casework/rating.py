"""The citizen's rating of the answer, and reopening (SPEC §4): by a coordinator at any time, or once by
the citizen whose rating is 1 or 2. Both give the item a new deadline."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from feedback import clock
from feedback.accounts.models import StaffUser
from feedback.casework.case import Case, open_case, send
from feedback.directory.reference import reference
from feedback.errors import Conflict, DomainError
from feedback.intake import mail
from feedback.items.access import get_by_token
from feedback.items.models import FeedbackItem
from feedback.settings import Settings

CITIZEN_REOPEN_MAX_RATING = 2  # a rating of 1 or 2 may reopen the item, once


async def reopen(user: StaffUser, code: str, settings: Settings, *, reason: str) -> FeedbackItem:
    """A coordinator reopens an answered or closed item, at any time, with a new deadline."""
    async with open_case(user, code, "reopen", settings) as case:
        await _reopen(case, reason)
    return case.item


async def rate(
    code: str, token: str, settings: Settings, *, rating: int, comment: str, reopen: bool
) -> FeedbackItem:
    """The citizen rates the answer; a rating of 1 or 2 may reopen the item, once."""
    ref = await reference(settings)
    async with in_transaction():
        item = await get_by_token(code, token, lock=True)
        if item.status != "answered":
            raise Conflict("Chỉ đánh giá được khi phản ánh đã có kết quả trả lời")
        if reopen and rating > CITIZEN_REOPEN_MAX_RATING:
            raise DomainError("Chỉ đề nghị xem xét lại khi đánh giá 1 hoặc 2 sao", field="reopen")
        if reopen and item.citizen_reopened:
            raise Conflict("Ông/Bà đã đề nghị xem xét lại một lần; không thể mở lại lần nữa")
        case = Case(item, None, "lead", clock.now(), ref, settings)
        case.update("rating", rating)
        case.update("rating_comment", comment)
        case.update("rated_at", case.now)
        if not reopen:
            case.update("status", "closed")
            case.update("closed_at", case.now)
        await case.event(
            "rated", f"Người dân đánh giá kết quả trả lời: {rating}/5.", public=True, reason=comment
        )
        if reopen:
            case.update("citizen_reopened", True)
            await _reopen(case, comment or "Người dân chưa hài lòng với kết quả trả lời")
    return item


async def _reopen(case: Case, reason: str) -> None:
    item = case.item
    policy = case.ref.policy(item.category_id, item.severity)
    case.update("status", "in_progress")
    case.update("reopen_count", item.reopen_count + 1)
    case.update("closed_at", None)
    await case.new_deadline(
        case.ref.calendar.answer_deadline(case.now, policy.answer_days), clock_from=case.now
    )
    event = await case.event(
        "reopened", "Phản ánh được mở lại để xem xét, xử lý tiếp.", public=True, reason=reason
    )
    context = case.context(reason=reason)
    await send(
        mail.to_unit("reopen", item, case.ref, context, case.now, f"reopen:{event.id}:unit"),
        mail.to_citizen("reopened_citizen", item, context, case.now, f"reopen:{event.id}:citizen"),
    )
