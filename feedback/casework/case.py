"""The frame every casework action runs in (SPEC §2–4): `Case`, and `open_case`, its transaction.

An action checks its rule (feedback/casework/rules.py), then — in one transaction, with the item's row
locked so that a double click acts once and the second click meets the new state — changes the item
only through `Case.update`, appends one timeline event (`Case.event`: who, when, what changed from what
to what, why) and queues the e-mails that event causes. Mail keys carry the event's id, so each event
mails each person once. The actions themselves live by concept: routing.py (accept, refuse, transfer,
assign, note), extensions.py (extend, and the head's decision on an officer's request), answers.py
(answer, approve, duplicate), cooperation.py, rating.py (the citizen's rating, and reopening).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tortoise.transactions import in_transaction

from feedback import clock
from feedback.accounts.models import StaffUser
from feedback.casework import rules
from feedback.casework.rules import Action
from feedback.deadlines.ladder import plan_item_steps
from feedback.deadlines.services import cancel_pending_steps, plan
from feedback.directory.reference import Reference, UnitRef, reference
from feedback.intake import mail
from feedback.items import timeline
from feedback.items.access import Relation, get_for, relation_of
from feedback.items.models import Event, FeedbackItem
from feedback.settings import Settings
from notifications.outbox import NewMessage, queue


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

    async def new_deadline(self, due_at: datetime, *, clock_from: datetime | None = None) -> None:
        """Replace the item's deadline: the old one's steps never fire, the new one's are planned.

        Its progress checkpoints (if the policy asks for them) count from `clock_from`, where the
        deadline's clock started: the unit's receipt unless said otherwise (a reopening)."""
        item = self.item
        self.update("due_at", due_at)
        self.update("deadline_no", item.deadline_no + 1)
        await cancel_pending_steps(item.id, own_only=True)
        steps = plan_item_steps(
            due_at,
            self.ref.calendar,
            start=clock_from or item.unit_received_at,
            progress_days=self.ref.policy(item.category_id, item.severity).progress_days,
            now=self.now,
        )
        await plan(item.id, item.unit_id, item.deadline_no, steps)

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
        return self.ref.units[unit_id or self.item.unit_id]

    def local_date(self, moment: datetime) -> str:
        return self.ref.calendar.local_date(moment).strftime("%d/%m/%Y")

    def clear_draft(self) -> None:
        self.update("draft_answer", "")
        self.update("draft_by_id", None, shown=(self.draft_author(), None))
        self.update("draft_at", None)

    def clear_extension_request(self) -> None:
        """An officer's extension request ends: decided, or moot (answered, refused, transferred)."""
        requester = who(self.item.extension_request_by) if self.item.extension_request_by else None
        self.update("extension_request_day", None)
        self.update("extension_request_reason", "")
        self.update("extension_request_by_id", None, shown=(requester, None))
        self.update("extension_request_at", None)

    def draft_author(self) -> str | None:
        return who(self.item.draft_by) if self.item.draft_by else None


@asynccontextmanager
async def open_case(user: StaffUser, code: str, action: Action, settings: Settings) -> AsyncIterator[Case]:
    """A staff action on the item `code`: role and rule checked, the row locked until the block ends."""
    rules.check_role(action, user.role)
    ref = await reference(settings)
    async with in_transaction():
        item = await get_for(user, code, lock=True)
        # Their names go into the event's changes.
        await item.fetch_related("officer", "draft_by", "extension_request_by")
        relation = relation_of(user, item)
        rules.check(action, relation, item.status)
        yield Case(item, user, relation, clock.now(), ref, settings)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


def who(user: StaffUser | None) -> str:
    return timeline.actor_label(user)


def officer_label(item: FeedbackItem) -> str | None:
    return who(item.officer) if item.officer else None


async def send(*groups: list[NewMessage]) -> None:
    await queue([message for group in groups for message in group])
