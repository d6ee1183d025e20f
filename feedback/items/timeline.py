"""The append-only timeline: every change of an item is recorded here, and only here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from feedback.accounts.models import StaffUser
from feedback.items.models import Event, FeedbackItem

CITIZEN = "Người dân"

# What every event keeps of the item's state right after it (the columns of the same names on `event`):
# reports read the past from these, never from the item as it is now (feedback/reports/).
STATE_FIELDS = ("status", "unit_id", "officer_id", "category_id", "due_at", "unit_received_at")


def state_of(item: FeedbackItem) -> dict[str, Any]:
    return {name: getattr(item, name) for name in STATE_FIELDS}


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
        **state_of(item),
    )


async def public_events(item: FeedbackItem) -> list[Event]:
    """What the citizen sees: public events only, oldest first."""
    return await Event.filter(item_id=item.id, public=True).order_by("at", "id")


# Progress on an item, what a progress checkpoint (feedback/deadlines/ladder.py) looks for: an event of
# a staff member's action — an internal note, acceptance, assignment, a draft answer, a request to or the
# part of a cooperating unit, an extension, a transfer — but not the receipt itself (a desk officer who
# enters an item has not worked on it yet). The system's events (the deadline steps) and the citizen's
# (rating, reopening) have no actor and do not count.
NOT_PROGRESS = ("received",)


def progress_since_sql(item_id: str, since: str) -> str:
    """SQL: the item `item_id` has progress recorded after the moment `since` (both expressions)."""
    kinds = ", ".join(f"'{kind}'" for kind in NOT_PROGRESS)
    return (
        f"EXISTS (SELECT 1 FROM event e WHERE e.item_id = {item_id} AND e.at > {since}"
        f" AND e.actor_id IS NOT NULL AND e.kind NOT IN ({kinds}))"
    )
