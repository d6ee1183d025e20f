"""The answer (SPEC §3): sent to the citizen, held as a draft for the head's approval, or a cooperating
unit's contribution; the head's approval; duplicates, which take their main item's answer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from feedback.accounts.models import StaffUser
from feedback.attachments.services import save
from feedback.attachments.uploads import Upload
from feedback.casework.case import Case, open_case, send, who
from feedback.casework.cooperation import contribute
from feedback.deadlines.services import cancel_pending_steps
from feedback.errors import Conflict, DomainError
from feedback.intake import mail
from feedback.items import timeline
from feedback.items.access import get_for
from feedback.items.models import FeedbackItem
from feedback.items.vocabulary import OPEN_STATUSES
from feedback.settings import Settings
from notifications.outbox import NewMessage

AnswerOutcome = Literal["answered", "draft", "contribution"]


async def answer(
    user: StaffUser, code: str, settings: Settings, *, text: str, uploads: Sequence[Upload] = ()
) -> AnswerOutcome:
    """The answer, with its files: sent to the citizen; held for the head's approval where the unit
    requires it; or, from a cooperating unit, its contribution to the lead unit."""
    async with open_case(user, code, "answer", settings) as case:
        outcome: AnswerOutcome
        if case.relation == "cooperating":
            outcome = "contribution"
        elif user.role == "officer" and case.unit().requires_approval:
            outcome = "draft"
        else:
            outcome = "answered"
        if uploads:  # saved before the answer goes out: the citizen sees files sent with it
            kind = "contribution" if outcome == "contribution" else "answer"
            await save(case.item.id, uploads, kind=kind, actor_id=user.id, at=case.now)
        if outcome == "contribution":
            await contribute(case, text)
        elif outcome == "draft":
            await _draft(case, text)
        else:
            await _publish_answer(case, text, "Đơn vị đã trả lời phản ánh.")
        return outcome


async def approve(user: StaffUser, code: str, settings: Settings, *, text: str | None = None) -> FeedbackItem:
    """The head approves the officer's draft (edited or as it is), and it goes out."""
    async with open_case(user, code, "approve", settings) as case:
        if not case.item.draft_answer:
            raise Conflict("Không có dự thảo trả lời nào chờ phê duyệt")
        message = (
            f"Lãnh đạo đơn vị đã phê duyệt dự thảo của {case.draft_author()}; đơn vị đã trả lời phản ánh."
        )
        await _publish_answer(case, (text or case.item.draft_answer).strip(), message)
    return case.item


async def duplicate(user: StaffUser, code: str, settings: Settings, *, of: str) -> FeedbackItem:
    """Mark the item as a duplicate of another: the main item's answer will answer it too."""
    async with open_case(user, code, "duplicate", settings) as case:
        item = case.item
        main = await get_for(user, of, lock=True)
        if main.id == item.id:
            raise DomainError("Một phản ánh không thể trùng với chính nó", field="of")
        if main.duplicate_of_id:
            raise DomainError(
                f"{main.code} đã là bản trùng của phản ánh khác; hãy gắn với phản ánh gốc", field="of"
            )
        if main.status == "refused":
            raise DomainError(f"{main.code} không được tiếp nhận; không thể gắn trùng", field="of")
        if await FeedbackItem.exists(duplicate_of_id=item.id):
            raise DomainError(
                "Đã có phản ánh khác trùng với phản ánh này; hãy gắn chúng với phản ánh gốc", field="of"
            )
        case.update("duplicate_of_id", main.id, shown=(None, main.code))
        await cancel_pending_steps(item.id)  # the main item's deadline now answers for it
        await case.event(
            "duplicate",
            f"Trùng nội dung với phản ánh {main.code}; được trả lời cùng phản ánh đó.",
            public=True,
        )
        await timeline.record(
            main, "duplicate_linked", case.now, actor=user, public=False,
            message=f"Phản ánh {item.code} được gắn là bản trùng của phản ánh này.",
            changes={"duplicates": [None, item.code]},
        )  # fmt: skip
        if main.status in ("answered", "closed"):
            await _answer_duplicate(case, item, main)
    return item


# --- pieces of the answers -------------------------------------------------------------------


async def _publish_answer(case: Case, text: str, message: str) -> None:
    item = case.item
    case.update("status", "answered")
    case.update("answer", text)
    case.update("answered_at", case.now)
    case.update("answered_by_id", case.actor.id if case.actor else None, shown=(None, who(case.actor)))
    case.clear_draft()
    case.clear_extension_request()
    await cancel_pending_steps(item.id)  # the lead's answer closes the item, cooperations included
    event = await case.event("answered", message, public=True)
    await send(_answer_mail(case, item, f"answer:{event.id}"))
    duplicates = await FeedbackItem.filter(
        duplicate_of_id=item.id, status__in=OPEN_STATUSES
    ).select_for_update()
    for duplicate_item in duplicates:
        await _answer_duplicate(case, duplicate_item, item)


async def _answer_duplicate(case: Case, duplicate_item: FeedbackItem, main: FeedbackItem) -> None:
    """A duplicate takes the main item's answer, and its own citizen is told."""
    before = duplicate_item.status
    duplicate_item.status, duplicate_item.answer = "answered", main.answer
    duplicate_item.answered_at, duplicate_item.answered_by_id = case.now, main.answered_by_id
    duplicate_item.updated_at = case.now
    await duplicate_item.save(
        update_fields=["status", "answer", "answered_at", "answered_by_id", "updated_at"]
    )
    await cancel_pending_steps(duplicate_item.id)
    event = await timeline.record(
        duplicate_item, "answered", case.now, actor=case.actor, public=True,
        message=f"Đã trả lời cùng phản ánh {main.code} (trùng nội dung).",
        changes={"status": [before, "answered"]},
    )  # fmt: skip
    await send(_answer_mail(case, duplicate_item, f"answer:{event.id}"))


def _answer_mail(case: Case, item: FeedbackItem, key: str) -> list[NewMessage]:
    """The answer, signed by who sent it (the head who approved it, or the officer who answered) for
    the item's unit, with the link to rate it or ask for a review (SPEC §5)."""
    context = {
        **mail.item_context(item, case.ref, case.settings),
        **mail.signer(case.actor, case.ref),
        "answer": item.answer,
        "answered_at": case.now.isoformat(),
    }
    return mail.to_citizen("answer", item, context, case.now, key)


async def _draft(case: Case, text: str) -> None:
    actor = case.actor
    case.update("draft_answer", text)
    case.update("draft_by_id", actor.id if actor else None, shown=(None, who(actor)))
    case.update("draft_at", case.now)
    if case.item.status != "in_progress":
        case.update("status", "in_progress")
    event = await case.event(
        "answer_drafted", "Cán bộ đã dự thảo trả lời, chờ lãnh đạo đơn vị phê duyệt.", public=False
    )
    unit = case.unit()
    context = case.context(draft_by_name=who(actor), answer=text)
    await send(mail.to_head("approval", f"approval:{event.id}", unit, case.item, context, case.now))
