"""Casework actions (SPEC §2–4): one function per action, and the only code that makes its change.

Each action checks its rule (feedback/casework/rules.py), then — in one transaction, with the item's
row locked so that a double click acts once and the second click meets the new state — writes the
item, appends one timeline event (who, when, what changed from what to what, why) and queues the
e-mails that event causes. Mail keys carry the event's id, so each event mails each person once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from tortoise.transactions import in_transaction

from feedback import clock
from feedback.accounts.models import StaffUser
from feedback.attachments.services import save
from feedback.attachments.uploads import Upload
from feedback.casework import rules
from feedback.casework.rules import Action
from feedback.deadlines.ladder import plan_cooperation_steps, plan_steps
from feedback.deadlines.services import COOPERATION_DEADLINE, cancel_pending_steps, plan
from feedback.directory.reference import Reference, UnitRef, reference
from feedback.errors import Conflict, DomainError, NotFound
from feedback.intake import mail
from feedback.intake.services import track
from feedback.items import timeline
from feedback.items.access import Relation, get_for, relation_of
from feedback.items.models import Cooperation, Event, FeedbackItem
from feedback.items.vocabulary import OPEN_STATUSES
from feedback.settings import Settings
from notifications.outbox import NewMessage, queue

CITIZEN_REOPEN_MAX_RATING = 2  # a rating of 1 or 2 may reopen the item, once


@dataclass
class Case:
    """One action under way: the locked item, who acts, and the changes gathered for its event."""

    item: FeedbackItem
    actor: StaffUser | None  # None: the citizen
    relation: Relation
    now: datetime
    ref: Reference
    settings: Settings
    changes: dict[str, list[Any]] = field(default_factory=dict)
    _fields: set[str] = field(default_factory=set)

    def update(self, name: str, value: Any, *, shown: tuple[Any, Any] | None = None) -> None:
        """Set a field; the event records it as [before, after] (`shown` when ids mean nothing to people)."""
        before = getattr(self.item, name)
        if before == value:
            return
        label = name.removesuffix("_id")
        self.changes[label] = list(shown) if shown else [_plain(before), _plain(value)]
        setattr(self.item, name, value)
        self._fields.add(name)

    async def new_deadline(self, due_at: datetime) -> None:
        """Replace the item's deadline: the old one's steps never fire, the new one's are planned."""
        self.update("due_at", due_at)
        self.update("deadline_no", self.item.deadline_no + 1)
        await cancel_pending_steps(self.item.id, own_only=True)
        await plan(
            self.item.id, self.item.unit_id, self.item.deadline_no, plan_steps(due_at, self.ref.calendar)
        )  # type: ignore[attr-defined]

    async def event(self, kind: str, message: str, *, public: bool, reason: str = "") -> Event:
        if self._fields:
            self.update("updated_at", self.now)
            self.changes.pop("updated_at", None)
            await self.item.save(update_fields=sorted(self._fields))
            self._fields.clear()
        changes, self.changes = self.changes, {}
        return await timeline.record(
            self.item, kind, self.now, actor=self.actor, public=public, message=message,
            changes=changes, reason=reason,
        )  # fmt: skip

    def context(self, **extra: Any) -> dict[str, Any]:
        return {**mail.item_context(self.item, self.ref, self.settings), **extra}

    def unit(self, unit_id: int | None = None) -> UnitRef:
        return self.ref.units[unit_id or self.item.unit_id]  # type: ignore[attr-defined]

    def local_date(self, moment: datetime) -> str:
        return self.ref.calendar.local_date(moment).strftime("%d/%m/%Y")


@asynccontextmanager
async def _case(user: StaffUser, code: str, action: Action, settings: Settings) -> AsyncIterator[Case]:
    rules.check_role(action, user.role)
    ref = await reference(settings)
    async with in_transaction():
        item = await get_for(user, code, lock=True)
        await item.fetch_related("officer", "draft_by")  # their names go into the event's changes
        relation = relation_of(user, item)
        rules.check(action, relation, item.status)
        yield Case(item, user, relation, clock.now(), ref, settings)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


def _who(user: StaffUser | None) -> str:
    return timeline.actor_label(user)


async def _send(*groups: list[NewMessage]) -> None:
    await queue([message for group in groups for message in group])


# --- the actions ------------------------------------------------------------------------------

CLASSIFICATIONS = {"authority": "thuộc thẩm quyền", "conduct": "hành vi hành chính của cán bộ, công chức"}


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
    async with _case(user, code, "accept", settings) as case:
        item = case.item
        if category:
            found = case.ref.categories.get(category)
            if found is None:
                raise DomainError(f"Lĩnh vực có mã '{category}' không tồn tại", field="category")
            before = case.ref.category_by_id(item.category_id)  # type: ignore[attr-defined]
            case.update("category_id", found.id, shown=(before.code if before else None, found.code))
        if severity and severity != item.severity:
            case.update("severity", severity)
            policy = case.ref.policy(item.category_id, severity)  # type: ignore[attr-defined]
            await case.new_deadline(
                case.ref.calendar.answer_deadline(item.unit_received_at, policy.answer_days)
            )
        case.update("classification", classification)
        case.update("status", "in_progress")
        if item.officer_id is None and user.role == "officer":  # type: ignore[attr-defined]
            case.update("officer_id", user.id, shown=(None, _who(user)))
        await case.event(
            "accepted",
            f"{case.unit().name} tiếp nhận xử lý ({CLASSIFICATIONS[classification]}).",
            public=True,
        )
    return item


async def refuse(user: StaffUser, code: str, settings: Settings, *, reason: str) -> FeedbackItem:
    """Không tiếp nhận (incomplete, anonymous, not a matter for feedback): the citizen is told why."""
    async with _case(user, code, "refuse", settings) as case:
        case.update("status", "refused")
        case.update("refuse_reason", reason)
        await cancel_pending_steps(case.item.id)
        event = await case.event("refused", "Không tiếp nhận xử lý phản ánh.", public=True, reason=reason)
        await _send(
            mail.to_citizen(
                "refused", case.item, case.context(reason=reason), case.now, f"refused:{event.id}"
            )
        )
    return case.item


async def transfer(user: StaffUser, code: str, settings: Settings, *, unit: str, reason: str) -> FeedbackItem:
    """Send the item to the unit that should handle it; that unit's clock starts at its receipt."""
    async with _case(user, code, "transfer", settings) as case:
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
        policy = case.ref.policy(item.category_id, item.severity)  # type: ignore[attr-defined]
        calendar = case.ref.calendar
        case.update("unit_id", target.id, shown=(source.code, target.code))
        case.update("transfer_count", item.transfer_count + 1)
        case.update("status", "received")
        case.update("officer_id", None, shown=(_officer_label(item), None))
        case.update("classification", "")
        _clear_draft(case)
        case.update("unit_received_at", case.now)
        case.update("accept_due_at", calendar.add_working_hours(case.now, policy.accept_hours))
        await case.new_deadline(calendar.answer_deadline(case.now, policy.answer_days))
        event = await case.event(
            "transferred", f"Chuyển từ {source.name} đến {target.name}.", public=True, reason=reason
        )
        key = f"transfer:{event.id}"
        await _send(
            mail.to_unit(
                "new_item", item, case.ref, case.context(from_unit_name=source.name, transfer_reason=reason),
                case.now, f"{key}:unit",
            ),
            mail.to_citizen(
                "transferred", item, case.context(from_unit_name=source.name, reason=reason), case.now,
                f"{key}:citizen",
            ),
        )  # fmt: skip
    return item


async def extend(
    user: StaffUser, code: str, settings: Settings, *, reason: str, due_date: date
) -> FeedbackItem:
    """The one extension: the citizen gets the apology and the new date (Mẫu 04, TT 01/2018/TT-VPCP)."""
    async with _case(user, code, "extend", settings) as case:
        item = case.item
        policy = case.ref.policy(item.category_id, item.severity)  # type: ignore[attr-defined]
        new_due = rules.check_extension(
            now=case.now, due_at=item.due_at, new_day=due_date, extensions=item.extension_count,
            answer_days=policy.answer_days, calendar=case.ref.calendar,
        )  # fmt: skip
        original = item.due_at
        case.update("extension_count", item.extension_count + 1)
        await case.new_deadline(new_due)
        event = await case.event(
            "extended", f"Gia hạn trả lời đến ngày {case.local_date(new_due)}.", public=True, reason=reason
        )
        context = case.context(due_at=original.isoformat(), new_due_at=new_due.isoformat(), reason=reason)
        await _send(mail.to_citizen("extension", item, context, case.now, f"extension:{event.id}"))
    return item


async def assign(user: StaffUser, code: str, settings: Settings, *, officer: str) -> FeedbackItem:
    """A head (or a coordinator) puts an officer of the item's unit in charge of it."""
    async with _case(user, code, "assign", settings) as case:
        item = case.item
        chosen = await StaffUser.get_or_none(email=officer.strip().lower(), active=True)
        if chosen is None or chosen.unit_id != item.unit_id or chosen.role not in ("officer", "head"):  # type: ignore[attr-defined]
            raise DomainError(
                "Chỉ phân công được cán bộ, lãnh đạo của đơn vị xử lý phản ánh", field="officer"
            )
        if chosen.id == item.officer_id:  # type: ignore[attr-defined]
            raise Conflict(f"Phản ánh đã được phân công cho {_who(chosen)}")
        case.update("officer_id", chosen.id, shown=(_officer_label(item), _who(chosen)))
        if item.status == "received":
            case.update("status", "assigned")
        event = await case.event("assigned", f"Phân công {_who(chosen)} xử lý.", public=False)
        context = case.context(officer_name=_who(chosen), assigned_by_name=_who(user))
        await _send(
            mail.to_address(
                "assigned", f"assigned:{event.id}", chosen.email, _who(chosen), item, context, case.now
            )
        )
    return item


async def note(user: StaffUser, code: str, settings: Settings, *, text: str) -> FeedbackItem:
    """An internal note: staff see it in the timeline, the citizen never does."""
    async with _case(user, code, "note", settings) as case:
        await case.event("note", text, public=False)
    return case.item


AnswerOutcome = Literal["answered", "draft", "contribution"]


async def answer(
    user: StaffUser, code: str, settings: Settings, *, text: str, uploads: Sequence[Upload] = ()
) -> AnswerOutcome:
    """The answer, with its files: sent to the citizen; held for the head's approval where the unit
    requires it; or, from a cooperating unit, its contribution to the lead unit."""
    async with _case(user, code, "answer", settings) as case:
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
            await _contribute(case, text)
        elif outcome == "draft":
            await _draft(case, text)
        else:
            await _publish_answer(case, text, "Đơn vị đã trả lời phản ánh.")
        return outcome


async def approve(user: StaffUser, code: str, settings: Settings, *, text: str | None = None) -> FeedbackItem:
    """The head approves the officer's draft (edited or as it is), and it goes out."""
    async with _case(user, code, "approve", settings) as case:
        if not case.item.draft_answer:
            raise Conflict("Không có dự thảo trả lời nào chờ phê duyệt")
        message = (
            f"Lãnh đạo đơn vị đã phê duyệt dự thảo của {_draft_author(case)}; đơn vị đã trả lời phản ánh."
        )
        await _publish_answer(case, (text or case.item.draft_answer).strip(), message)
    return case.item


async def reopen(user: StaffUser, code: str, settings: Settings, *, reason: str) -> FeedbackItem:
    """A coordinator reopens an answered or closed item, at any time, with a new deadline."""
    async with _case(user, code, "reopen", settings) as case:
        await _reopen(case, reason)
    return case.item


async def cooperate(
    user: StaffUser, code: str, settings: Settings, *, unit: str, request: str, due_date: date
) -> FeedbackItem:
    """Liên thông: ask another unit for its part, by a sub-deadline with its own reminders."""
    async with _case(user, code, "cooperate", settings) as case:
        item = case.item
        target = case.ref.unit_by_code(unit)
        if target is None:
            raise DomainError(f"Không có đơn vị mã '{unit}'", field="unit")
        if target.id == item.unit_id:  # type: ignore[attr-defined]
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
        await _send(
            mail.to_address(
                "cooperation", f"cooperation:{event.id}", target.email, target.name, item, context, case.now
            )
        )
    return item


async def duplicate(user: StaffUser, code: str, settings: Settings, *, of: str) -> FeedbackItem:
    """Mark the item as a duplicate of another: the main item's answer will answer it too."""
    async with _case(user, code, "duplicate", settings) as case:
        item = case.item
        main = await get_for(user, of, lock=True)
        if main.id == item.id:
            raise DomainError("Một phản ánh không thể trùng với chính nó", field="of")
        if main.duplicate_of_id:  # type: ignore[attr-defined]
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


async def rate(
    code: str, token: str, settings: Settings, *, rating: int, comment: str, reopen: bool
) -> FeedbackItem:
    """The citizen rates the answer; a rating of 1 or 2 may reopen the item, once."""
    ref = await reference(settings)
    async with in_transaction():
        item = await track(code, token, lock=True)
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


# --- pieces shared by the actions -------------------------------------------------------------


async def _publish_answer(case: Case, text: str, message: str) -> None:
    item = case.item
    case.update("status", "answered")
    case.update("answer", text)
    case.update("answered_at", case.now)
    case.update("answered_by_id", case.actor.id if case.actor else None, shown=(None, _who(case.actor)))
    _clear_draft(case)
    await cancel_pending_steps(item.id)  # the lead's answer closes the item, cooperations included
    event = await case.event("answered", message, public=True)
    await _send(_answer_mail(case, item, f"answer:{event.id}"))
    duplicates = await FeedbackItem.filter(
        duplicate_of_id=item.id, status__in=OPEN_STATUSES
    ).select_for_update()
    for duplicate_item in duplicates:
        await _answer_duplicate(case, duplicate_item, item)


async def _answer_duplicate(case: Case, duplicate_item: FeedbackItem, main: FeedbackItem) -> None:
    """A duplicate takes the main item's answer, and its own citizen is told."""
    before = duplicate_item.status
    duplicate_item.status, duplicate_item.answer = "answered", main.answer
    duplicate_item.answered_at, duplicate_item.answered_by_id = case.now, main.answered_by_id  # type: ignore[attr-defined]
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
    await _send(_answer_mail(case, duplicate_item, f"answer:{event.id}"))


def _answer_mail(case: Case, item: FeedbackItem, key: str) -> list[NewMessage]:
    context = {**mail.item_context(item, case.ref, case.settings), "answer": item.answer}
    return mail.to_citizen("answer", item, {**context, "answered_at": case.now.isoformat()}, case.now, key)


async def _draft(case: Case, text: str) -> None:
    actor = case.actor
    case.update("draft_answer", text)
    case.update("draft_by_id", actor.id if actor else None, shown=(None, _who(actor)))
    case.update("draft_at", case.now)
    if case.item.status != "in_progress":
        case.update("status", "in_progress")
    event = await case.event(
        "answer_drafted", "Cán bộ đã dự thảo trả lời, chờ lãnh đạo đơn vị phê duyệt.", public=False
    )
    unit = case.unit()
    context = case.context(draft_by_name=_who(actor), answer=text)
    await _send(
        mail.to_address(
            "approval", f"approval:{event.id}", unit.head_email, unit.head_name, case.item, context, case.now
        )
    )


async def _contribute(case: Case, text: str) -> None:
    """A cooperating unit sends its part; its sub-deadline's steps stop; the lead unit is told."""
    unit_id = case.actor.unit_id  # type: ignore[union-attr]
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
    await _send(
        mail.to_unit("contribution", case.item, case.ref, context, case.now, f"contribution:{event.id}")
    )


async def _reopen(case: Case, reason: str) -> None:
    item = case.item
    policy = case.ref.policy(item.category_id, item.severity)  # type: ignore[attr-defined]
    case.update("status", "in_progress")
    case.update("reopen_count", item.reopen_count + 1)
    case.update("closed_at", None)
    await case.new_deadline(case.ref.calendar.answer_deadline(case.now, policy.answer_days))
    event = await case.event(
        "reopened", "Phản ánh được mở lại để xem xét, xử lý tiếp.", public=True, reason=reason
    )
    context = case.context(reason=reason)
    await _send(
        mail.to_unit("reopen", item, case.ref, context, case.now, f"reopen:{event.id}:unit"),
        mail.to_citizen("reopened_citizen", item, context, case.now, f"reopen:{event.id}:citizen"),
    )


def _clear_draft(case: Case) -> None:
    case.update("draft_answer", "")
    case.update("draft_by_id", None, shown=(_draft_author(case), None))
    case.update("draft_at", None)


def _officer_label(item: FeedbackItem) -> str | None:
    return _who(item.officer) if item.officer else None


def _draft_author(case: Case) -> str | None:
    return _who(case.item.draft_by) if case.item.draft_by else None
