"""The append-only timeline: every change of an item is recorded here, and only here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from feedback.accounts.models import StaffUser
from feedback.items.models import Event, FeedbackItem

CITIZEN = "Người dân"


def actor_label(actor: StaffUser | None) -> str:
    return (actor.name or actor.email) if actor else CITIZEN


async def record(
    item: FeedbackItem,
    kind: str,
    at: datetime,
    *,
    actor: StaffUser | None,
    message: str,
    public: bool,
    changes: dict[str, Any] | None = None,
    reason: str = "",
) -> Event:
    """Append one event; `public` events are shown to the citizen, the others only to staff."""
    return await Event.create(
        item=item,
        at=at,
        kind=kind,
        actor=actor,
        actor_label=actor_label(actor),
        public=public,
        message=message,
        reason=reason,
        changes=changes or {},
    )


async def public_events(item: FeedbackItem) -> list[Event]:
    """What the citizen sees: public events only, oldest first."""
    return await Event.filter(item_id=item.id, public=True).order_by("at", "id")
