"""Composing ahead (notifications/composing.py): while the server answers for one message the sender
composes the next, so what the server receives is what compose() gives, byte for byte, each message is
composed once, and one that cannot be composed fails at its turn as it would have."""

from __future__ import annotations

import pytest

from notifications import composing, delivery
from notifications.claim import outgoing
from notifications.delivery import deliver_pending
from notifications.message import compose
from notifications.models import OutboxMessage
from notifications.outbox import queue
from tests.notifications.support import HANOI, NOW, citizen_acks

MANY = 87  # more than a chunk of the default four connections: two claims at least


async def test_a_run_sends_what_compose_gives_byte_for_byte(database_clean, smtp) -> None:
    await queue(citizen_acks(MANY, "big"))
    rows = await OutboxMessage.all().values("id", "key", "kind", "to_addr", "to_name", "thread", "context")

    report = await deliver_pending(smtp.config(), now=NOW, tz=HANOI)

    assert (report.sent, report.retried, report.failed) == (MANY, 0, 0)
    received = {r.envelope_to[0]: r.data for r in smtp.handler.received}
    assert len(received) == MANY
    for row in rows:  # what the server got is what compose() gives in this process
        expected = compose(outgoing(row), smtp.config().mail_from, now=NOW, tz=HANOI).data
        assert received[row["to_addr"]] + b"\r\n" == expected or received[row["to_addr"]] == expected


async def test_each_message_is_composed_once_most_of_them_ahead(
    database_clean, smtp, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"ahead": 0, "at_its_turn": 0}

    def counting(where: str):  # noqa: ANN202
        def composed(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            calls[where] += 1
            return compose(*args, **kwargs)

        return composed

    monkeypatch.setattr(composing, "compose", counting("ahead"))
    monkeypatch.setattr(delivery, "compose", counting("at_its_turn"))
    await queue(citizen_acks(MANY, "once"))

    report = await deliver_pending(smtp.config(), now=NOW, tz=HANOI)

    assert report.sent == MANY
    assert calls["ahead"] + calls["at_its_turn"] == MANY
    assert calls["ahead"] > MANY // 2


async def test_what_cannot_be_composed_fails_at_its_turn(database_clean, smtp) -> None:
    await queue(citizen_acks(MANY, "bad"))
    await OutboxMessage.filter(key="ack:bad:5").update(to_addr="khong-phai-dia-chi")

    report = await deliver_pending(smtp.config(), now=NOW, tz=HANOI)

    assert (report.sent, report.retried, report.failed) == (MANY - 1, 0, 1)
    bad = await OutboxMessage.get(key="ack:bad:5")
    assert bad.status == "failed"
    assert "cannot build the message" in bad.last_error and "khong-phai-dia-chi" in bad.last_error
    assert len(smtp.handler.received) == MANY - 1
