"""A report's statements run on two connections at once on PostgreSQL (feedback/reports/summary.py
`_concurrently`); they must all read the database as of one instant, as one transaction would."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from feedback import db
from feedback.reports import summary

COUNT = "SELECT count(*) AS n FROM daily_counter WHERE $1::timestamptz < $2::timestamptz"
DAY = "99991231"


async def test_every_connection_reads_the_first_ones_snapshot(database_clean) -> None:  # noqa: ANN001
    if not db.is_postgres():
        pytest.skip("SQLite runs the statements one after the other on one connection")
    await db.execute("DELETE FROM daily_counter WHERE day = $1", DAY)
    start, after = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
    # The second list reads after a pause, during which another transaction commits a row: it still
    # sees the count the first list saw when it exported its snapshot.
    lists = (
        ((COUNT, ()),),
        (("SELECT 1 AS slept FROM pg_sleep(1.5) WHERE $1::timestamptz < $2::timestamptz", ()), (COUNT, ())),
    )

    async def commit_a_row() -> None:
        await asyncio.sleep(0.5)
        await db.execute("INSERT INTO daily_counter (day, value) VALUES ($1, 1)", DAY)

    try:
        results, _ = await asyncio.gather(summary._concurrently(lists, start, after), commit_a_row())
        [[first], [slept], [second]] = results
        [now] = await db.fetch(COUNT, start, after)
    finally:
        await db.execute("DELETE FROM daily_counter WHERE day = $1", DAY)
    assert slept["slept"] == 1
    assert now["n"] == first["n"] + 1  # the row was committed while the report ran …
    assert second["n"] == first["n"]  # … and the second connection, reading later, did not see it
