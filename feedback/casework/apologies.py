"""The apology to the citizen (Mẫu 04, "Phiếu xin lỗi và hẹn lại ngày trả kết quả", Thông tư
01/2018/TT-VPCP) and the date it promises, which is a deadline (SPEC §4; feedback/deadlines/promises.py).

`apologise`: the unit's head (or a coordinator) issues it with the unit's reason and a new working day;
the item's deadline stays, the promise gets its own steps (ladder.PROMISE), and the sweep sends no
automatic apology for the same deadline. `promise` is the one Python path that stores a promise, records
the `apology` event and tells the citizen (e-mail with the document attached at delivery) or the unit
(the task to post it or phone); the extension's apology goes through it too. The sweep's automatic
apology is its set-based counterpart (feedback/deadlines/sweep.py).
"""

from __future__ import annotations

from datetime import date, datetime

from feedback.accounts.models import StaffUser
from feedback.casework import rules
from feedback.casework.case import Case, open_case, send, who
from feedback.deadlines import promises
from feedback.deadlines.ladder import plan_promise_steps
from feedback.deadlines.services import plan
from feedback.intake import mail
from feedback.items.models import FeedbackItem
from feedback.settings import Settings


async def apologise(
    user: StaffUser, code: str, settings: Settings, *, reason: str, day: date
) -> FeedbackItem:
    async with open_case(user, code, "apologise", settings) as case:
        item = case.item
        rules.check_promise(now=case.now, due_at=item.due_at, day=day, calendar=case.ref.calendar)
        await promise(case, day=day, reason=reason, source="head", original_due=item.due_at)
    return item


async def promise(
    case: Case,
    *,
    day: date,
    reason: str,
    source: promises.Source,
    original_due: datetime,
    citizen_kind: str = "overdue_citizen",
    extra: dict[str, object] | None = None,
) -> int:
    """Store the promise on the item, plan its steps, record the `apology` event and queue who is
    told; returns the event's id. `original_due` is the date the apology says was due."""
    item, calendar = case.item, case.ref.calendar
    number = item.promise_no + 1
    case.update("promise_no", number)
    case.update("promise_day", day)
    case.update("promise_reason", reason)
    case.update("promise_source", source)
    signer = who(case.actor) if case.actor else None
    case.update("promise_by_id", case.actor.id if case.actor else None, shown=(None, signer))
    case.update("promise_at", case.now)
    case.update("promise_deadline_no", item.deadline_no)
    case.update("promise_original_due", original_due)
    if source in promises.TRACKED_SOURCES:
        steps = plan_promise_steps(day, calendar, now=case.now)
        await plan(item.id, item.unit_id, promises.promise_deadline(number), steps)
    mode = promises.delivery_mode(
        email=item.citizen_email, phone=item.citizen_phone, address=item.citizen_address, channel=item.channel
    )
    event = await case.event("apology", promises.apology_message(day, mode), public=True, reason=reason)
    promised_at = calendar.end_of_day(day).isoformat()
    context = case.context(
        reason=reason, expected_at=promised_at, promise_no=number, document="apology",
        due_at=original_due.isoformat(), **(extra or {}),
    )  # fmt: skip
    if mode == "email":
        await send(mail.to_citizen(citizen_kind, item, context, case.now, f"apology:{event.id}"))
    elif mode in promises.UNIT_TASK_MODES:
        unit = case.unit()
        task = {**context, "delivery_mode": mode, "citizen_name": item.citizen_name}
        task.pop("document")  # the unit prints it from the item page
        await send(
            mail.to_address(
                "apology_task", f"apology_task:{event.id}", unit.email, unit.name, item, task, case.now
            )
        )
    return event.id
