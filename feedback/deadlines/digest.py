"""The daily digest (SPEC §5): each morning of a working day, every unit head whose unit has open items
past their deadline gets one list of them.

One query reads every overdue open item with its unit; the messages go to the outbox in batched
inserts. The key `digest:<unit>:<local day>` makes the day's digest go out once, however many
processes or ticks run this.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time
from typing import Any

from feedback import db
from feedback.directory.official_calendar import calendar_warning
from feedback.directory.reference import reference
from feedback.items.vocabulary import overdue_sql
from feedback.settings import Settings
from notifications.outbox import NewMessage, new_message, queue
from notifications.render import parse_when

DIGEST_AT = time(7, 30)  # local time: before the office opens
_OVERDUE = (
    "SELECT i.code AS code, i.title AS title, i.due_at AS due_at, u.code AS unit_code, u.name AS unit_name,"
    " u.head_email AS head_email, u.head_name AS head_name"
    " FROM feedback_item i JOIN unit u ON u.id = i.unit_id"
    f" WHERE {overdue_sql('$1')} AND u.head_email <> ''"
    " ORDER BY u.code, i.due_at, i.id"
)


async def queue_digests(settings: Settings, *, now: datetime) -> int:
    """Queue today's digests if it is a working day and past DIGEST_AT; returns how many were new."""
    ref = await reference(settings)
    local = now.astimezone(settings.tz)
    day = local.date()
    if not ref.calendar.is_working_day(day) or local.time() < DIGEST_AT:
        return 0
    marker = await db.fetch(
        "SELECT 1 AS found FROM outbox_message WHERE key LIKE $1 LIMIT 1", f"digest:%:{day}"
    )
    if marker:  # today's digests are already queued (by this process or another)
        return 0
    units: dict[str, dict[str, Any]] = {}
    items: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in await db.fetch(_OVERDUE, now):
        units.setdefault(row["unit_code"], row)
        due_at = parse_when(row["due_at"])  # SQLite answers raw SQL with text
        items[row["unit_code"]].append(
            {
                "code": row["code"],
                "title": row["title"],
                "due_at": due_at,
                "days_late": ref.calendar.working_days_between(due_at, now),
            }
        )
    messages: list[NewMessage] = [
        new_message(
            kind="digest",
            key=f"digest:{code}:{day}",
            to_addr=unit["head_email"],
            to_name=unit["head_name"],
            context={
                "unit_name": unit["unit_name"],
                # The digest goes to the unit's head, whom the salutation names (SPEC §5).
                "recipient": "head",
                "recipient_name": unit["head_name"],
                "recipient_unit": unit["unit_name"],
                "items": items[code],
                "staff_url": f"{settings.base_url}/staff?overdue=1",
                # SPEC §4: until next year's Tết decision is recorded, deadlines over Tết are estimates.
                "calendar_warning": calendar_warning(day) or "",
            },
            now=now,
        )
        for code, unit in units.items()
    ]
    await queue(messages)
    return len(messages)
