"""What each change of an item tells whom: the outbox messages, built from the item's data.

Messages are rendered at delivery (notifications/), so here we only gather the context: the item's
own (one definition, feedback/items/mail.py) plus what each change adds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from feedback.directory.reference import Reference
from feedback.items.mail import context_of
from feedback.items.models import FeedbackItem
from feedback.settings import Settings
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


def to_citizen(
    kind: str, item: FeedbackItem, context: dict[str, Any], now: datetime, key: str, **extra: Any
) -> list[NewMessage]:
    """The message to the citizen, if they left an e-mail address (a phone-only citizen is called)."""
    context = {**context, "citizen_name": item.citizen_name, **extra}
    return to_address(kind, key, item.citizen_email, item.citizen_name, item, context, now)


def to_unit(
    kind: str, item: FeedbackItem, ref: Reference, context: dict[str, Any], now: datetime, key: str
) -> list[NewMessage]:
    unit = ref.units.get(item.unit_id)
    return to_address(kind, key, unit.email, unit.name, item, context, now) if unit else []


def to_address(
    kind: str, key: str, addr: str, name: str, item: FeedbackItem, context: dict[str, Any], now: datetime
) -> list[NewMessage]:
    if not addr:
        return []
    return [
        new_message(
            kind=kind, key=key, to_addr=addr, to_name=name, thread=item.code, context=context, now=now
        )
    ]
