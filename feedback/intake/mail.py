"""What each change of an item tells whom: the outbox messages, built from the item's data.

Messages are rendered at delivery (notifications/), so here we only gather the context: the item's
own (one definition, feedback/items/mail.py) plus what each change adds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from feedback.accounts.models import ROLE_NAMES, StaffUser
from feedback.directory.reference import Reference, UnitRef
from feedback.items.mail import context_of
from feedback.items.models import FeedbackItem
from feedback.settings import Settings
from notifications.official import head_position, is_position, name_in_text, position_in_text
from notifications.outbox import NewMessage, new_message


def item_context(item: FeedbackItem, ref: Reference, settings: Settings) -> dict[str, Any]:
    """The item's one mail context (feedback/items/mail.py), which the step sweep builds in SQL."""
    unit = ref.units.get(item.unit_id)
    category = ref.category_by_id(item.category_id)
    return context_of(
        item,
        unit_name=unit.name if unit else "",
        category_name=category.name if category else "",
        base_url=settings.base_url,
    )


def track_url(settings: Settings, code: str, token: str) -> str:
    return f"{settings.base_url}/track/{code}?token={token}"


def signer(user: StaffUser | None, ref: Reference) -> dict[str, str]:
    """Who signs a letter to the citizen: the staff member who acted, with their title (a head: their
    unit's head position, as recorded or as the unit's name implies; anyone else: their role), and
    their unit. The letter comes from that unit, never from "the system" (SPEC §5)."""
    unit = ref.units.get(user.unit_id) if user else None
    unit_name = unit.name if unit else ""
    if user is None:
        return {"signer_name": "", "signer_title": "", "signer_unit": ""}
    if user.role == "head":
        recorded = unit.head_name if unit else ""
        title = position_in_text(recorded) if is_position(recorded) else head_position(unit_name)
    else:
        title = f"{ROLE_NAMES.get(user.role, '')} {name_in_text(unit_name)}".strip()
    return {"signer_name": user.name or user.email, "signer_title": title, "signer_unit": unit_name}


def to_citizen(
    kind: str, item: FeedbackItem, context: dict[str, Any], now: datetime, key: str, **extra: Any
) -> list[NewMessage]:
    """The message to the citizen, if they left an e-mail address (a phone-only citizen is called)."""
    context = {**context, "citizen_name": item.citizen_name, **extra}
    return to_address(
        kind,
        key,
        item.citizen_email,
        item.citizen_name,
        item,
        context,
        now,
        recipient="citizen",
        unit_name="",
    )


def to_unit(
    kind: str, item: FeedbackItem, ref: Reference, context: dict[str, Any], now: datetime, key: str
) -> list[NewMessage]:
    """The message to the unit's shared mailbox."""
    unit = ref.units.get(item.unit_id)
    return to_address(kind, key, unit.email, unit.name, item, context, now) if unit else []


def to_head(
    kind: str, key: str, unit: UnitRef, item: FeedbackItem, context: dict[str, Any], now: datetime
) -> list[NewMessage]:
    """The message to the unit's head."""
    return to_address(
        kind, key, unit.head_email, unit.head_name, item, context, now, recipient="head", unit_name=unit.name
    )


def to_officer(
    kind: str, key: str, user: StaffUser, unit_name: str, item: FeedbackItem, context: dict[str, Any],
    now: datetime,
) -> list[NewMessage]:  # fmt: skip
    """The message to one staff member of `unit_name` (the assigned officer, a requester)."""
    name = user.name or user.email
    return to_address(
        kind, key, user.email, name, item, context, now, recipient="officer", unit_name=unit_name
    )


def to_address(
    kind: str,
    key: str,
    addr: str,
    name: str,
    item: FeedbackItem,
    context: dict[str, Any],
    now: datetime,
    *,
    recipient: str = "unit",
    unit_name: str | None = None,
) -> list[NewMessage]:
    """The message to `addr`; `recipient` says who that is (a unit's mailbox `name`, a unit's head,
    an officer, the citizen), so that the template greets them correctly (SPEC §5), and `unit_name`
    the unit of that mailbox or person (the mailbox's own name by default)."""
    if not addr:
        return []
    context = {
        **context,
        "recipient": recipient,
        "recipient_name": name or "",
        "recipient_unit": name if unit_name is None else unit_name,
    }
    return [
        new_message(
            kind=kind, key=key, to_addr=addr, to_name=name, thread=item.code, context=context, now=now
        )
    ]
