"""Liên thông (SPEC §3): the lead unit asks another unit for its part by a sub-deadline with reminders
of its own; the cooperating unit's answer is its contribution to the lead unit."""

from __future__ import annotations

from datetime import date

from feedback.accounts.models import StaffUser
from feedback.casework import rules
from feedback.casework.case import Case, open_case, send
from feedback.deadlines.ladder import plan_cooperation_steps
from feedback.deadlines.services import COOPERATION_DEADLINE, cancel_pending_steps, plan
from feedback.errors import Conflict, DomainError, NotFound
from feedback.intake import mail
from feedback.items.models import Cooperation, FeedbackItem
from feedback.settings import Settings


async def cooperate(
    user: StaffUser, code: str, settings: Settings, *, unit: str, request: str, due_date: date
) -> FeedbackItem:
    """Liên thông: ask another unit for its part, by a sub-deadline with its own reminders."""
    async with open_case(user, code, "cooperate", settings) as case:
        item = case.item
        target = case.ref.unit_by_code(unit)
        if target is None:
            raise DomainError(f"Không có đơn vị mã '{unit}'", field="unit")
        if target.id == item.unit_id:
            raise DomainError("Đơn vị chủ trì không tự phối hợp với chính mình", field="unit")
        if await Cooperation.exists(item_id=item.id, unit_id=target.id):
            raise Conflict(f"{target.name} đã được mời phối hợp")
        due_at = rules.check_sub_deadline(
            now=case.now, due_at=item.due_at, day=due_date, calendar=case.ref.calendar
        )
        await Cooperation.create(
            item=item, unit_id=target.id, request=request, due_at=due_at, created_at=case.now
        )
        await plan(
            item.id, target.id, COOPERATION_DEADLINE, plan_cooperation_steps(due_at, case.ref.calendar)
        )
        case.changes["cooperating_unit"] = [None, target.code]
        event = await case.event(
            "cooperation_requested",
            f"Mời {target.name} phối hợp, hạn gửi ý kiến ngày {case.local_date(due_at)}.",
            public=True,
        )
        context = case.context(
            lead_unit_name=case.unit().name,
            coop_unit_name=target.name,
            request=request,
            coop_due_at=due_at.isoformat(),
        )
        await send(
            mail.to_address(
                "cooperation", f"cooperation:{event.id}", target.email, target.name, item, context, case.now
            )
        )
    return item


async def contribute(case: Case, text: str) -> None:
    """A cooperating unit sends its part; its sub-deadline's steps stop; the lead unit is told."""
    unit_id = case.actor.unit_id
    cooperation = await Cooperation.filter(item_id=case.item.id, unit_id=unit_id).select_for_update().first()
    if cooperation is None:
        raise NotFound(f"Không tìm thấy phản ánh {case.item.code}")
    if cooperation.status == "answered":
        raise Conflict("Đơn vị đã gửi ý kiến phối hợp cho phản ánh này")
    cooperation.status, cooperation.answer = "answered", text
    cooperation.answered_at, cooperation.answered_by = case.now, case.actor
    await cooperation.save(update_fields=["status", "answer", "answered_at", "answered_by_id"])
    await cancel_pending_steps(case.item.id, unit_id=unit_id)
    coop_unit = case.unit(unit_id)
    case.changes["cooperation"] = [coop_unit.code, "answered"]
    event = await case.event(
        "cooperation_answered", f"{coop_unit.name} đã gửi ý kiến phối hợp.", public=False
    )
    context = case.context(coop_unit_name=coop_unit.name, contribution=text)
    await send(
        mail.to_unit("contribution", case.item, case.ref, context, case.now, f"contribution:{event.id}")
    )
