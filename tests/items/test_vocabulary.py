"""The item vocabulary's rules and their SQL forms agree, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from feedback import db
from feedback.items.models import FeedbackItem
from feedback.items.vocabulary import (
    CHANNEL_NAMES,
    CHANNELS,
    OPEN_STATUSES,
    SEVERITIES,
    SEVERITY_NAMES,
    STATUS_NAMES,
    STATUSES,
    answered_on_time,
    answered_on_time_sql,
    is_overdue,
    open_sql,
    overdue_sql,
)
from tests.helpers import citizen_body

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def test_every_word_has_its_vietnamese_name() -> None:
    assert set(STATUS_NAMES) == set(STATUSES)
    assert set(SEVERITY_NAMES) == set(SEVERITIES)
    assert set(CHANNEL_NAMES) == set(CHANNELS)
    assert set(OPEN_STATUSES) < set(STATUSES)


async def test_sql_forms_agree_with_the_python_rules(client, frozen_clock) -> None:  # noqa: ANN001
    for _ in range(len(STATUSES) * 3):
        response = await client.post("/api/v1/feedback", json=citizen_body())
        assert response.status_code == 201, response.text
    items = await FeedbackItem.all().order_by("id")
    # Every status, each with a deadline passed, not yet passed, and exactly now.
    cases = [(s, d) for s in STATUSES for d in (timedelta(hours=-1), timedelta(hours=1), timedelta(0))]
    for item, (status, delta) in zip(items, cases, strict=True):
        item.status = status
        item.due_at = NOW + delta
        item.answered_at = NOW if status in ("answered", "closed") else None
        await item.save(update_fields=["status", "due_at", "answered_at"])

    rows = await db.fetch(
        f"SELECT i.id AS id, CASE WHEN {open_sql('i')} THEN 1 ELSE 0 END AS open,"
        f" CASE WHEN {overdue_sql('$1', 'i')} THEN 1 ELSE 0 END AS overdue,"
        f" CASE WHEN i.answered_at IS NOT NULL AND {answered_on_time_sql('i')} THEN 1 ELSE 0 END AS on_time"
        " FROM feedback_item i ORDER BY i.id",
        NOW,
    )
    by_id = {item.id: item for item in await FeedbackItem.all()}
    assert len(rows) == len(cases)
    for row in rows:
        item = by_id[row["id"]]
        assert bool(row["open"]) == (item.status in OPEN_STATUSES), item.status
        assert bool(row["overdue"]) == is_overdue(item.status, item.due_at, NOW), (item.status, item.due_at)
        expected = item.answered_at is not None and answered_on_time(item.answered_at, item.due_at)
        assert bool(row["on_time"]) == expected, (item.status, item.due_at)
