"""Taking an item on, or sending it on (SPEC §2–3): accept, refuse, transfer, assign, and the internal
note. Each runs in `open_case` (feedback/casework/case.py)."""

from __future__ import annotations

from feedback.accounts.models import StaffUser
from feedback.casework import rules
from feedback.casework.case import officer_label, open_case, send, who
from feedback.deadlines.services import cancel_pending_steps
from feedback.errors import Conflict, DomainError
from feedback.intake import mail
from feedback.items.grounds import CLASSIFICATION_NAMES, REFUSAL_GROUNDS, refusal_context
from feedback.items.models import Cooperation, FeedbackItem
from feedback.settings import Settings


async def accept(
    user: StaffUser,
    code: str,
    settings: Settings,
    *,
    classification: str,
    category: str | None = None,
    severity: str | None = None,
) -> FeedbackItem:
    """The unit takes the item on (Nghị định 20/2008 classification), correcting field or severity."""
    rules.check_classification(classification)
    async with open_case(user, code, "accept", settings) as case:
        item = case.item
        if category:
            found = case.ref.categories.get(category)
            if found is None:
                raise DomainError(f"Lĩnh vực có mã '{category}' không tồn tại", field="category")
            before = case.ref.category_by_id(item.category_id)
            case.update("category_id", found.id, shown=(before.code if before else None, found.code))
        if severity and severity != item.severity:
            case.update("severity", severity)
            policy = case.ref.policy(item.category_id, severity)
            await case.new_deadline(
                case.ref.calendar.answer_deadline(item.unit_received_at, policy.answer_days)
            )
        case.update("classification", classification)
        case.update("status", "in_progress")
        if item.officer_id is None and user.role == "officer":
            case.update("officer_id", user.id, shown=(None, who(user)))
        await case.event(
            "accepted",
            f"{case.unit().name} tiếp nhận xử lý ({CLASSIFICATION_NAMES[classification]}).",
            public=True,
        )
    return item


async def refuse(user: StaffUser, code: str, settings: Settings, *, ground: str, reason: str) -> FeedbackItem:
    """Không tiếp nhận, on one of the legal grounds (feedback/items/grounds.py) and in the officer's own
    words: the citizen is told both, the basis, and for a complaint or a denunciation the procedure
    that applies (the item is then classified as such)."""
    found = REFUSAL_GROUNDS.get(ground)
    if found is None:  # the schema lets only known codes through; a direct call meets the same rule
        raise DomainError(f"Không có căn cứ không tiếp nhận mã '{ground}'", field="ground")
    async with open_case(user, code, "refuse", settings) as case:
        case.update("status", "refused")
        case.update("refuse_ground", found.code)
        case.update("refuse_reason", reason)
        if found.classification:
            case.update("classification", found.classification)
        case.clear_extension_request()
        await cancel_pending_steps(case.item.id)
        event = await case.event(
            "refused",
            f"Không tiếp nhận xử lý phản ánh: {found.text} (căn cứ {found.basis}).",
            public=True,
            reason=reason,
        )
        context = case.context(reason=reason, **refusal_context(found.code), **mail.signer(user, case.ref))
        await send(mail.to_citizen("refused", case.item, context, case.now, f"refused:{event.id}"))
    return case.item


async def transfer(user: StaffUser, code: str, settings: Settings, *, unit: str, reason: str) -> FeedbackItem:
    """Send the item to the unit that should handle it; that unit's clock starts at its receipt."""
    async with open_case(user, code, "transfer", settings) as case:
        item = case.item
        rules.check_transfer(item.transfer_count, user.role)
        target = case.ref.unit_by_code(unit)
        if target is None:
            raise DomainError(f"Không có đơn vị mã '{unit}'", field="unit")
        source = case.unit()
        if target.id == source.id:
            raise DomainError("Phản ánh đã ở đơn vị này", field="unit")
        if await Cooperation.exists(item_id=item.id, unit_id=target.id):
            raise DomainError(f"{target.name} đang là đơn vị phối hợp của phản ánh này", field="unit")
        policy = case.ref.policy(item.category_id, item.severity)
        calendar = case.ref.calendar
        case.update("unit_id", target.id, shown=(source.code, target.code))
        case.update("transfer_count", item.transfer_count + 1)
        case.update("status", "received")
        case.update("officer_id", None, shown=(officer_label(item), None))
        case.update("classification", "")
        case.clear_draft()
        case.clear_extension_request()  # the new unit's head decides its own deadline
        case.update("unit_received_at", case.now)
        case.update("accept_due_at", calendar.add_working_hours(case.now, policy.accept_hours))
        await case.new_deadline(calendar.answer_deadline(case.now, policy.answer_days))
        event = await case.event(
            "transferred", f"Chuyển từ {source.name} đến {target.name}.", public=True, reason=reason
        )
        key = f"transfer:{event.id}"
        await send(
            mail.to_unit(
                "new_item", item, case.ref, case.context(from_unit_name=source.name, transfer_reason=reason),
                case.now, f"{key}:unit",
            ),
            mail.to_citizen(
                "transferred", item,
                case.context(from_unit_name=source.name, reason=reason, **mail.signer(user, case.ref)),
                case.now, f"{key}:citizen",
            ),
        )  # fmt: skip
    return item


async def assign(user: StaffUser, code: str, settings: Settings, *, officer: str) -> FeedbackItem:
    """A head (or a coordinator) puts an officer of the item's unit in charge of it."""
    async with open_case(user, code, "assign", settings) as case:
        item = case.item
        chosen = await StaffUser.get_or_none(email=officer.strip().lower(), active=True)
        if chosen is None or chosen.unit_id != item.unit_id or chosen.role not in ("officer", "head"):
            raise DomainError(
                "Chỉ phân công được cán bộ, lãnh đạo của đơn vị xử lý phản ánh", field="officer"
            )
        if chosen.id == item.officer_id:
            raise Conflict(f"Phản ánh đã được phân công cho {who(chosen)}")
        case.update("officer_id", chosen.id, shown=(officer_label(item), who(chosen)))
        if item.status == "received":
            case.update("status", "assigned")
        event = await case.event("assigned", f"Phân công {who(chosen)} xử lý.", public=False)
        context = case.context(officer_name=who(chosen), assigned_by_name=who(user))
        await send(
            mail.to_officer(
                "assigned", f"assigned:{event.id}", chosen, case.unit().name, item, context, case.now
            )
        )
    return item


async def note(user: StaffUser, code: str, settings: Settings, *, text: str) -> FeedbackItem:
    """An internal note: staff see it in the timeline, the citizen never does."""
    async with open_case(user, code, "note", settings) as case:
        await case.event("note", text, public=False)
    return case.item
