"""Composing by the helper process (notifications/composing.py): what it sends is what the sender would
have composed, byte for byte; what it cannot compose fails as it would have; a dead helper costs nothing."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from notifications import composing
from notifications.composing import HELPER_FROM, _Helper
from notifications.delivery import deliver_pending
from notifications.message import Outgoing, compose
from notifications.models import OutboxMessage
from notifications.outbox import queue
from tests.notifications.support import HANOI, NOW, SmtpServer, citizen_acks

MANY = 2 * HELPER_FROM + 7  # more than a chunk of the default four connections: two claims at least


def helper_pid() -> int | None:
    helper = _Helper.current
    return helper.process.pid if helper is not None and helper.alive else None


@pytest.fixture
def fresh_helper() -> None:
    """Each test starts without a helper (a session's event loop keeps the last one otherwise)."""
    if _Helper.current is not None:
        _Helper.current.close()


async def test_a_big_run_is_composed_by_the_helper_byte_for_byte(database_clean, smtp, fresh_helper) -> None:
    await queue(citizen_acks(MANY, "big"))
    contexts = {row.key: row for row in await OutboxMessage.all()}

    report = await deliver_pending(smtp.config(), now=NOW, tz=HANOI)

    assert (report.sent, report.retried, report.failed) == (MANY, 0, 0)
    assert helper_pid() is not None  # the run started a helper process
    received = {r.envelope_to[0]: r.data for r in smtp.handler.received}
    assert len(received) == MANY
    for key, row in contexts.items():  # what the server got is what compose() gives in this process
        outgoing = Outgoing(
            id=row.id,
            key=key,
            kind=row.kind,
            to_addr=row.to_addr,
            to_name=row.to_name,
            thread=row.thread,
            context=row.context,
        )
        expected = compose(outgoing, smtp.config().mail_from, now=NOW, tz=HANOI).data
        assert received[row.to_addr] + b"\r\n" == expected or received[row.to_addr] == expected


async def test_a_small_run_composes_in_the_sender(database_clean, smtp, fresh_helper) -> None:
    await queue(citizen_acks(HELPER_FROM - 1, "small"))

    report = await deliver_pending(smtp.config(), now=NOW, tz=HANOI)

    assert report.sent == HELPER_FROM - 1
    assert helper_pid() is None  # not worth a process


async def test_what_the_helper_cannot_compose_fails_as_it_would_without_it(
    database_clean, smtp, fresh_helper
) -> None:
    await queue(citizen_acks(MANY, "bad"))
    await OutboxMessage.filter(key="ack:bad:5").update(to_addr="khong-phai-dia-chi")

    report = await deliver_pending(smtp.config(), now=NOW, tz=HANOI)

    assert (report.sent, report.retried, report.failed) == (MANY - 1, 0, 1)
    bad = await OutboxMessage.get(key="ack:bad:5")
    assert bad.status == "failed"
    assert "cannot build the message" in bad.last_error and "khong-phai-dia-chi" in bad.last_error
    assert len(smtp.handler.received) == MANY - 1


async def test_a_helper_killed_during_a_run_costs_nothing(
    database_clean, smtp: SmtpServer, fresh_helper
) -> None:
    await queue(citizen_acks(3 * MANY, "kill"))
    handler_data = smtp.handler.handle_DATA
    killed: list[int] = []

    async def kill_the_helper_at_the_tenth(server, session, envelope):  # noqa: ANN001, ANN202
        if len(smtp.handler.received) == 10 and not killed and (pid := helper_pid()) is not None:
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
        return await handler_data(server, session, envelope)

    smtp.handler.handle_DATA = kill_the_helper_at_the_tenth  # type: ignore[method-assign]

    report = await deliver_pending(smtp.config(), now=NOW, tz=HANOI, limit=10_000)

    assert killed, "the helper was never seen running"
    assert (report.sent, report.retried, report.failed) == (3 * MANY, 0, 0)
    addresses = [r.envelope_to[0] for r in smtp.handler.received]
    assert len(addresses) == len(set(addresses)) == 3 * MANY  # every one once
    assert await OutboxMessage.filter(status="sent").count() == 3 * MANY

    # The next big run starts another helper.
    await queue(citizen_acks(MANY, "after"))
    assert (await deliver_pending(smtp.config(), now=NOW, tz=HANOI)).sent == MANY
    assert helper_pid() not in (None, killed[0])


async def test_the_helper_ends_with_its_sender(database_clean, smtp, fresh_helper) -> None:
    """The helper reads its socket until the sender's end closes: a killed sender leaves no helper."""
    await queue(citizen_acks(MANY, "orphan"))
    await deliver_pending(smtp.config(), now=NOW, tz=HANOI)
    helper = _Helper.current
    assert helper is not None and helper.alive
    helper.writer.close()  # what the kernel does to the sender's end when the sender dies

    for _ in range(100):
        if helper.process.poll() is not None:
            break
        await asyncio.sleep(0.05)
    assert helper.process.returncode == 0
    composing._Helper.current = None


async def test_a_helper_that_is_behind_gets_no_more_and_the_sender_composes(
    database_clean, smtp, fresh_helper, monkeypatch
) -> None:
    """On a machine with no idle CPU the helper (at the idle scheduling class) falls behind: the sender
    stops asking it and composes itself, so nothing waits for it and no backlog builds up."""
    monkeypatch.setattr(composing, "BEHIND", 0)
    await queue(citizen_acks(MANY, "behind"))

    report = await deliver_pending(smtp.config(), now=NOW, tz=HANOI)

    assert (report.sent, report.retried, report.failed) == (MANY, 0, 0)
    helper = _Helper.current
    assert helper is not None and helper.next_id == 0  # started, never asked
    assert len({r.envelope_to[0] for r in smtp.handler.received}) == MANY
