"""Queuing: once per key, in the caller's transaction, and set-based with SQL for the deadline sweep."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from notifications.delivery import deliver_pending
from notifications.models import OutboxMessage
from notifications.outbox import OUTBOX_COLUMNS, NewMessage, insert_select_sql, new_message, queue
from notifications.sql import dialect_sql, is_postgres
from tests.notifications.support import HANOI, ITEM_CONTEXT, NOW

REMINDER = {
    **ITEM_CONTEXT,
    "staff_url": "https://pakn.test/staff/feedback/PAKN.20261123.0001",
}


def reminder(key: str = "step:1:unit", to: str = "hadong@hanoi.gov.vn") -> NewMessage:
    return new_message(
        kind="reminder", key=key, to_addr=to, to_name="UBND phường Hà Đông", context=REMINDER, now=NOW
    )


async def test_a_key_is_queued_once_and_a_missing_address_is_skipped(database_clean) -> None:
    await queue([reminder(), reminder(to="someone-else@hanoi.gov.vn"), reminder(key="step:1:head", to="  ")])
    await queue([reminder(to="third@hanoi.gov.vn")])  # the sweep ran again

    rows = await OutboxMessage.all()
    assert [(r.key, r.to_addr, r.status, r.attempts) for r in rows] == [
        ("step:1:unit", "hadong@hanoi.gov.vn", "pending", 0)
    ]
    assert (rows[0].next_attempt_at, rows[0].created_at) == (NOW, NOW)
    assert rows[0].context == REMINDER


async def test_queue_commits_and_rolls_back_with_the_callers_transaction(database_clean) -> None:
    with pytest.raises(RuntimeError, match="the change failed"):
        async with in_transaction():
            await queue([reminder(key="step:rolled-back")])
            assert await OutboxMessage.filter(key="step:rolled-back").exists()  # seen inside
            raise RuntimeError("the change failed")
    assert not await OutboxMessage.filter(key="step:rolled-back").exists()

    async with in_transaction():
        await queue([reminder(key="step:committed")])
    assert await OutboxMessage.filter(key="step:committed").exists()


async def test_many_messages_go_in_one_call(database_clean) -> None:
    await queue([reminder(key=f"step:{n}:unit", to=f"u{n}@hanoi.gov.vn") for n in range(2500)])
    assert await OutboxMessage.all().count() == 2500


def test_new_message_makes_the_context_json_and_refuses_bad_input() -> None:
    message = new_message(
        kind="answer",
        key="answer:PAKN.1:1",
        to_addr=" an@example.vn ",
        to_name="Nguyễn\nVăn An",
        context={
            "answered_at": datetime(2026, 11, 25, 10, tzinfo=timezone(timedelta(hours=7))),
            "on": date(2026, 11, 25),
        },
        now=NOW,
    )
    assert message.context == {"answered_at": "2026-11-25T10:00:00+07:00", "on": "2026-11-25"}
    assert (message.to_addr, message.to_name, message.status) == ("an@example.vn", "Nguyễn Văn An", "pending")
    with pytest.raises(ValueError, match="unknown e-mail kind"):
        new_message(kind="spam", key="k", to_addr="a@b.vn", context={}, now=NOW)
    with pytest.raises(ValueError, match="timezone-aware"):
        new_message(kind="ack", key="k", to_addr="a@b.vn", context={}, now=datetime(2026, 11, 23, 9))


async def test_the_sweep_can_queue_set_based_with_sql(database_clean, smtp) -> None:
    """The documented INSERT … SELECT path, with each database's JSON builder."""
    conn = connections.get("default")
    if is_postgres(conn):
        context = "jsonb_build_object('unit_name', u.name, 'items', '[]'::jsonb)"
        at = "CAST($1 AS TIMESTAMPTZ)"
    else:
        context = "json_object('unit_name', u.name, 'items', json('[]'))"
        at = "$1"
    units = (
        "SELECT 'HD' AS code, 'hadong@hanoi.gov.vn' AS email, 'UBND phường Hà Đông' AS name"
        " UNION ALL SELECT 'BD', '', 'UBND phường Ba Đình'"
    )
    select = (
        f"SELECT 'digest:' || u.code || ':2026-11-23', 'digest', u.email, u.name, '', {context},"
        f" 'pending', 0, {at}, '', '', {at} FROM ({units}) u WHERE u.email <> ''"
    )
    assert len(OUTBOX_COLUMNS) == 12
    for _ in range(2):  # a second sweep inserts nothing new
        await conn.execute_query(dialect_sql(conn, insert_select_sql(select)), [NOW])

    [row] = await OutboxMessage.all()
    assert (row.key, row.to_addr, row.context) == (
        "digest:HD:2026-11-23",
        "hadong@hanoi.gov.vn",
        {"unit_name": "UBND phường Hà Đông", "items": []},
    )
    report = await deliver_pending(smtp.config(), now=NOW, tz=HANOI)
    assert report.sent == 1
    [mail] = smtp.handler.messages
    assert (
        mail["Subject"] == "Tổng hợp phản ánh, kiến nghị quá hạn của Ủy ban nhân dân phường Hà Đông: 0 hồ sơ"
    )
    assert "không có phản ánh, kiến nghị nào quá hạn" in mail.get_body(("plain",)).get_content()
