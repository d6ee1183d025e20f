"""The item's one mail context: the e-mails of a change (Python) and the sweep's (SQL) agree."""

from __future__ import annotations

import json

from feedback.deadlines.sweep import sweep
from feedback.items.mail import ITEM_CONTEXT, STAFF_ONLY
from feedback.items.vocabulary import CHANNEL_NAMES, SEVERITY_NAMES
from notifications.models import OutboxMessage
from notifications.render import parse_when
from tests.deadlines.test_sweep import at
from tests.helpers import citizen_body


def _context(message: OutboxMessage) -> dict:
    context = message.context if isinstance(message.context, dict) else json.loads(message.context)
    # Times as instants: Python writes "…T…+00:00", each database its own ISO 8601 text.
    return {k: (parse_when(v) if k.endswith("_at") else v) for k, v in context.items()}


async def test_python_and_sql_give_one_item_the_same_context(client, frozen_clock, settings) -> None:
    frozen_clock.set(at(2026, 11, 23))
    created = (await client.post("/api/v1/feedback", json=citizen_body())).json()
    await sweep(settings, now=at(2026, 12, 7, 8))  # the reminder, queued by the sweep's SQL
    new_item = await OutboxMessage.get(kind="new_item", thread=created["code"])  # queued by Python
    reminder = await OutboxMessage.get(kind="reminder", key__endswith=":unit")
    keys = [k.key for k in ITEM_CONTEXT]
    python, sql = _context(new_item), _context(reminder)
    assert {k: python[k] for k in keys} == {k: sql[k] for k in keys}
    assert python["severity_name"] == SEVERITY_NAMES["normal"]
    assert python["channel_name"] == CHANNEL_NAMES["online"]
    assert python["staff_url"].endswith(f"/staff/feedback/{created['code']}")


async def test_the_citizen_gets_the_item_context_without_the_staff_pages(
    client, frozen_clock, settings
) -> None:
    frozen_clock.set(at(2026, 11, 23))
    await client.post("/api/v1/feedback", json=citizen_body())
    await sweep(settings, now=at(2026, 12, 9, 0))
    apology = _context(await OutboxMessage.get(kind="overdue_citizen"))
    assert {k.key for k in ITEM_CONTEXT} - STAFF_ONLY <= set(apology) and not STAFF_ONLY & set(apology)
    assert apology["severity_name"] == "Thông thường"
