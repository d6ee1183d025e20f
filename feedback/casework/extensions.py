"""The one extension of an item's deadline (SPEC §4), decided by the unit's head: a head's or a
coordinator's `extend` takes effect at once; an officer's is a request that waits for the head's
approval (like a draft answer), and the head approves it or refuses it with a reason.

Granted, an extension gives the item its new deadline (the old one's steps never fire) and the citizen
the Mẫu 04 apology with the new date (Thông tư 01/2018/TT-VPCP). Each runs in `open_case`.
"""

from __future__ import annotations

from datetime import date, datetime

from feedback.accounts.models import StaffUser
from feedback.casework import apologies, rules
from feedback.casework.case import Case, open_case, send, who
from feedback.errors import Conflict
from feedback.intake import mail
from feedback.items.models import FeedbackItem
from feedback.settings import Settings


async def extend(
    user: StaffUser, code: str, settings: Settings, *, reason: str, due_date: date
) -> FeedbackItem:
    """Extend the deadline (a head, a coordinator) or ask the head to (an officer)."""
    async with open_case(user, code, "extend", settings) as case:
        item = case.item
        new_due = _checked(case, asked_at=case.now, new_day=due_date)
        if user.role in rules.EXTENDS_AT_ONCE:
            await _grant(case, new_due, reason, f"Gia hạn trả lời đến ngày {case.local_date(new_due)}.")
            return item
        if item.extension_request_day is not None:
            raise Conflict("Đã có đề nghị gia hạn chờ lãnh đạo đơn vị phê duyệt; chờ lãnh đạo quyết định")
        case.update("extension_request_day", due_date)
        case.update("extension_request_reason", reason)
        case.update("extension_request_by_id", user.id, shown=(None, who(user)))
        case.update("extension_request_at", case.now)
        event = await case.event(
            "extension_requested",
            f"{who(user)} đề nghị gia hạn trả lời đến ngày {case.local_date(new_due)},"
            " chờ lãnh đạo đơn vị phê duyệt.",
            public=False,
            reason=reason,
        )
        unit = case.unit()
        context = case.context(
            requested_by_name=who(user), new_due_at=new_due.isoformat(), reason=reason,
            requested_at=case.now.isoformat(),
        )  # fmt: skip
        await send(
            mail.to_head("extension_request", f"extension_request:{event.id}", unit, item, context, case.now)
        )
    return item


async def approve_extension(user: StaffUser, code: str, settings: Settings) -> FeedbackItem:
    """The head approves the officer's request: it takes effect as the head's own extension would."""
    async with open_case(user, code, "approve_extension", settings) as case:
        item = case.item
        rules.check_extension_decision(
            now=case.now, due_at=item.due_at, pending=item.extension_request_day is not None
        )
        asked_at = item.extension_request_at or case.now
        new_due = _checked(case, asked_at=asked_at, new_day=item.extension_request_day)
        requester = item.extension_request_by
        reason = item.extension_request_reason
        message = f"Gia hạn trả lời đến ngày {case.local_date(new_due)} (lãnh đạo đơn vị đã phê duyệt)."
        event_id = await _grant(case, new_due, reason, message)
        await _tell_requester(case, requester, f"extension_decided:{event_id}", approved=True, reason=reason)
    return item


async def refuse_extension(user: StaffUser, code: str, settings: Settings, *, reason: str) -> FeedbackItem:
    """The head refuses the officer's request, with a reason the officer is told."""
    async with open_case(user, code, "refuse_extension", settings) as case:
        item = case.item
        if item.extension_request_day is None:
            raise Conflict("Không có đề nghị gia hạn nào chờ phê duyệt")
        requester = item.extension_request_by
        day = item.extension_request_day.strftime("%d/%m/%Y")
        case.clear_extension_request()
        event = await case.event(
            "extension_refused",
            f"Lãnh đạo đơn vị không phê duyệt đề nghị gia hạn đến ngày {day}.",
            public=False,
            reason=reason,
        )
        await _tell_requester(case, requester, f"extension_decided:{event.id}", approved=False, reason=reason)
    return item


# --- pieces ----------------------------------------------------------------------------------


def _checked(case: Case, *, asked_at: datetime, new_day: date) -> datetime:
    item = case.item
    policy = case.ref.policy(item.category_id, item.severity)
    return rules.check_extension(
        now=asked_at, due_at=item.due_at, new_day=new_day, extensions=item.extension_count,
        answer_days=policy.answer_days, calendar=case.ref.calendar,
    )  # fmt: skip


async def _grant(case: Case, new_due: datetime, reason: str, message: str) -> int:
    """The extension takes effect: new deadline, the public event, the apology to the citizen."""
    item = case.item
    original = item.due_at
    case.clear_extension_request()  # a head's own extension decides a pending request too
    case.update("extension_count", item.extension_count + 1)
    await case.new_deadline(new_due)
    event = await case.event("extended", message, public=True, reason=reason)
    # The extension's apology (Mẫu 04) promises the new deadline itself, which its steps track.
    await apologies.promise(
        case, day=case.ref.calendar.local_date(new_due), reason=reason, source="extension",
        original_due=original, citizen_kind="extension", extra={"new_due_at": new_due.isoformat()},
    )  # fmt: skip
    return event.id


async def _tell_requester(
    case: Case, requester: StaffUser | None, key: str, *, approved: bool, reason: str
) -> None:
    if requester is None:
        return
    context = case.context(
        requested_by_name=who(requester), decided_by_name=who(case.actor), approved=approved, reason=reason
    )
    await send(
        mail.to_officer("extension_decided", key, requester, case.unit().name, case.item, context, case.now)
    )
