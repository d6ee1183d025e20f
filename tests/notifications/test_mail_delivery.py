"""Delivery of the outbox to a real SMTP server (aiosmtpd): sent once, retried, failed, never doubled."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from datetime import timedelta

import pytest
from aiosmtpd.smtp import AuthResult

from notifications.delivery import (
    MAX_ATTEMPTS,
    DeliveryConfigError,
    DeliveryReport,
    backoff,
    deliver_pending,
)
from notifications.message import message_id
from notifications.models import OutboxMessage
from notifications.outbox import NewMessage, new_message, queue
from notifications.render import render
from tests.notifications.support import HANOI, ITEM_CONTEXT, NOW, SmtpServer, pick_port

CODE = "PAKN.20261123.0001"
SECRET_URL = f"https://pakn.test/track/{CODE}?token=bi-mat-0123456789"


def ack(key: str = f"ack:{CODE}", to: str = "an@example.vn") -> NewMessage:
    return new_message(
        kind="ack",
        key=key,
        to_addr=to,
        to_name="Nguyễn Văn An",
        thread=CODE,
        context={
            **ITEM_CONTEXT,
            "citizen_name": "Nguyễn Văn An",
            "channel": "online",
            "secret_track_url": SECRET_URL,
        },
        now=NOW,
    )


async def deliver(server: SmtpServer, at=NOW, **options) -> DeliveryReport:  # noqa: ANN001, ANN003
    return await deliver_pending(server.config(), now=at, tz=HANOI, **options)


def counts(report: DeliveryReport) -> tuple[int, int, int]:
    return report.sent, report.retried, report.failed


async def test_a_message_goes_out_multipart_in_vietnamese_and_threaded(database_clean, smtp) -> None:
    await queue([ack()])

    assert counts(await deliver(smtp)) == (1, 0, 0)

    [received] = smtp.handler.received
    mail = received.message
    assert received.envelope_to == ["an@example.vn"]
    assert mail["Subject"] == f"[{CODE}] Xác nhận đã tiếp nhận phản ánh, kiến nghị"
    assert mail["To"].addresses[0].display_name == "Nguyễn Văn An"
    assert mail["From"].addresses[0].display_name == "Cổng PAKN Hà Nội"
    assert mail["Message-ID"] == message_id(f"ack:{CODE}", "pakn.hanoi.test")
    assert mail["References"] == mail["In-Reply-To"] == f"<thread.{CODE}@pakn.hanoi.test>"
    assert mail.get_content_type() == "multipart/alternative"
    text, html = mail.get_body(("plain",)), mail.get_body(("html",))
    assert text["Content-Type"].params["charset"] == "utf-8"
    assert "Kính gửi: Ông/Bà Nguyễn Văn An" in text.get_content()
    assert "giữ bí mật" in text.get_content()
    assert "<p>Kính gửi: Ông/Bà Nguyễn Văn An</p>" in html.get_content()

    row = await OutboxMessage.get(key=f"ack:{CODE}")
    assert (row.status, row.attempts, row.sent_at, row.message_id) == ("sent", 1, NOW, mail["Message-ID"])
    # Delivered means done: the next run finds nothing.
    assert counts(await deliver(smtp, at=NOW + timedelta(hours=1))) == (0, 0, 0)
    assert len(smtp.handler.received) == 1


async def test_the_secret_link_leaves_the_database_once_sent(database_clean, smtp) -> None:
    await queue([ack()])
    before = await OutboxMessage.get(key=f"ack:{CODE}")
    assert before.context["secret_track_url"] == SECRET_URL

    await deliver(smtp)

    assert SECRET_URL in smtp.handler.messages[0].get_body(("plain",)).get_content()
    after = await OutboxMessage.get(key=f"ack:{CODE}")
    assert "secret_track_url" not in after.context
    assert after.context["code"] == CODE and after.context["citizen_name"] == "Nguyễn Văn An"


async def test_server_down_then_up_delivers_everything_exactly_once(database_clean, smtp_down) -> None:
    await queue([ack(key=f"ack:{n}", to=f"dan{n}@example.vn") for n in range(12)])

    # Down: every claimed message counts one failed try and waits a minute.
    assert counts(await deliver(smtp_down)) == (0, 12, 0)
    rows = await OutboxMessage.all()
    assert {(r.status, r.attempts, r.next_attempt_at) for r in rows} == {
        ("pending", 1, NOW + timedelta(minutes=1))
    }
    assert "cannot reach the SMTP server" in rows[0].last_error
    # Not due yet: nothing is tried, nothing changes.
    assert counts(await deliver(smtp_down, at=NOW + timedelta(seconds=30))) == (0, 0, 0)
    # Still down a minute later: the wait doubles.
    later = NOW + timedelta(minutes=1)
    assert counts(await deliver(smtp_down, at=later)) == (0, 12, 0)
    assert {(r.attempts, r.next_attempt_at) for r in await OutboxMessage.all()} == {
        (2, later + timedelta(minutes=2))
    }

    smtp_down.start()
    assert counts(await deliver(smtp_down, at=later + timedelta(minutes=2))) == (12, 0, 0)
    assert counts(await deliver(smtp_down, at=later + timedelta(hours=1))) == (0, 0, 0)

    ids = [m["Message-ID"] for m in smtp_down.handler.messages]
    assert len(ids) == len(set(ids)) == 12
    assert sorted(str(m["To"].addresses[0].addr_spec) for m in smtp_down.handler.messages) == sorted(
        f"dan{n}@example.vn" for n in range(12)
    )
    assert set(await OutboxMessage.all().values_list("status", flat=True)) == {"sent"}


async def test_an_unreachable_server_gets_one_connection_attempt_per_run(database_clean) -> None:
    # A server that accepts and hangs up at once (crashing, overloaded): count how often we knock.
    knocks = 0

    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal knocks
        knocks += 1
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        await queue([ack(key=f"ack:{n}") for n in range(20)])
        config = SmtpServer(port=port, handler=None).config()
        report = await deliver_pending(config, now=NOW, tz=HANOI, concurrency=4)
    finally:
        server.close()
        await server.wait_closed()
    assert counts(report) == (0, 20, 0)
    assert knocks == 1


@pytest.mark.parametrize(
    ("stage", "reply"),
    [("data", "451 4.3.0 Mailbox busy, try again later"), ("rcpt", "450 4.2.0 Greylisted, come back later")],
)
async def test_a_4xx_answer_is_retried_later_with_the_same_message_id(
    database_clean, smtp, stage, reply
) -> None:
    await queue([ack()])
    setattr(smtp.handler, f"{stage}_reply", reply)

    assert counts(await deliver(smtp)) == (0, 1, 0)
    row = await OutboxMessage.get(key=f"ack:{CODE}")
    assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 1, NOW + timedelta(minutes=1))
    assert reply.split()[0] in row.last_error
    assert row.context["secret_track_url"] == SECRET_URL  # kept until it is really sent

    setattr(smtp.handler, f"{stage}_reply", None)
    assert counts(await deliver(smtp, at=NOW + timedelta(minutes=1))) == (1, 0, 0)
    assert [m["Message-ID"] for m in smtp.handler.messages] == [message_id(f"ack:{CODE}", "pakn.hanoi.test")]


@pytest.mark.parametrize(
    ("stage", "reply"),
    [("rcpt", "550 5.1.1 No such user here"), ("data", "554 5.7.1 Message rejected as spam")],
)
async def test_a_5xx_answer_fails_at_once_without_retry(database_clean, smtp, stage, reply) -> None:
    await queue([ack()])
    setattr(smtp.handler, f"{stage}_reply", reply)

    assert counts(await deliver(smtp)) == (0, 0, 1)
    row = await OutboxMessage.get(key=f"ack:{CODE}")
    assert (row.status, row.attempts, row.sent_at) == ("failed", 1, None)
    assert reply.split()[0] in row.last_error
    assert "secret_track_url" not in row.context  # done with, so the secret goes

    setattr(smtp.handler, f"{stage}_reply", None)
    assert counts(await deliver(smtp, at=NOW + timedelta(days=1))) == (0, 0, 0)
    assert smtp.handler.received == []


async def test_one_bad_message_does_not_stop_the_others(database_clean, smtp) -> None:
    good = ack(key="ack:good")
    broken = ack(key="ack:broken")
    without_title = {k: v for k, v in broken.context.items() if k != "title"}  # the template needs it
    broken = dataclasses.replace(broken, context_json=json.dumps(without_title))
    await queue([good, broken])

    assert counts(await deliver(smtp)) == (1, 0, 1)
    failed = await OutboxMessage.get(key="ack:broken")
    assert failed.status == "failed" and "title" in failed.last_error
    assert [m["Message-ID"] for m in smtp.handler.messages] == [message_id("ack:good", "pakn.hanoi.test")]


async def test_a_row_left_sending_by_a_crash_is_taken_again_after_its_lease(database_clean, smtp) -> None:
    await queue([ack(key="ack:crashed"), ack(key="ack:in-flight")])
    # One process crashed mid-send a while ago; another is sending right now and holds a live lease.
    await OutboxMessage.filter(key="ack:crashed").update(
        status="sending", lease_until=NOW - timedelta(seconds=1)
    )
    await OutboxMessage.filter(key="ack:in-flight").update(
        status="sending", lease_until=NOW + timedelta(minutes=4)
    )

    assert counts(await deliver(smtp)) == (1, 0, 0)
    assert [m["Message-ID"] for m in smtp.handler.messages] == [message_id("ack:crashed", "pakn.hanoi.test")]
    assert (await OutboxMessage.get(key="ack:in-flight")).status == "sending"

    # Its process died too: once the lease is over, it goes out as well.
    assert counts(await deliver(smtp, at=NOW + timedelta(minutes=5))) == (1, 0, 0)
    assert set(await OutboxMessage.all().values_list("status", flat=True)) == {"sent"}


async def test_two_runs_at_once_never_send_a_message_twice(database_clean, smtp) -> None:
    await queue([ack(key=f"ack:{n}", to=f"dan{n}@example.vn") for n in range(300)])

    reports = await asyncio.gather(
        deliver(smtp, limit=200, concurrency=3),
        deliver(smtp, limit=200, concurrency=3),
        deliver(smtp, limit=200, concurrency=3),
    )

    assert sum(r.sent for r in reports) == 300
    assert sum(r.retried + r.failed for r in reports) == 0
    ids = [m["Message-ID"] for m in smtp.handler.messages]
    assert len(ids) == 300 and len(set(ids)) == 300
    assert set(await OutboxMessage.all().values_list("status", flat=True)) == {"sent"}


async def test_a_refused_login_releases_the_rows_and_says_what_to_fix(database_clean, smtp) -> None:
    smtp.stop()
    smtp.start(
        authenticator=lambda *args: AuthResult(success=False, handled=False),  # handled=True hangs the client
        auth_require_tls=False,
    )
    await queue([ack(key=f"ack:{n}") for n in range(3)])
    config = smtp.config(username="pakn", password="sai-mat-khau")

    with pytest.raises(DeliveryConfigError, match="refused the login of 'pakn'.*PAKN_SMTP_PASSWORD"):
        await deliver_pending(config, now=NOW, tz=HANOI)

    rows = await OutboxMessage.all()
    assert {(r.status, r.attempts, r.lease_until, r.last_error) for r in rows} == {("pending", 0, None, "")}
    assert smtp.handler.received == []


async def test_tls_against_a_plain_server_is_a_configuration_error(database_clean, smtp) -> None:
    await queue([ack()])

    with pytest.raises(DeliveryConfigError, match="TLS"):
        await deliver_pending(smtp.config(security="tls"), now=NOW, tz=HANOI)

    row = await OutboxMessage.get(key=f"ack:{CODE}")
    assert (row.status, row.attempts) == ("pending", 0)


async def test_gives_up_after_the_last_attempt(database_clean) -> None:
    await queue([ack()])
    await OutboxMessage.filter(key=f"ack:{CODE}").update(attempts=MAX_ATTEMPTS - 1)
    nobody = SmtpServer(port=pick_port(), handler=None).config()

    report = await deliver_pending(nobody, now=NOW, tz=HANOI)

    assert counts(report) == (0, 0, 1)
    row = await OutboxMessage.get(key=f"ack:{CODE}")
    assert (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)
    assert row.last_error.startswith(f"gave up after {MAX_ATTEMPTS} attempts: cannot reach")
    assert "secret_track_url" not in row.context


@pytest.mark.parametrize(
    ("attempts", "minutes"), [(1, 1), (2, 2), (3, 4), (4, 8), (5, 16), (6, 30), (7, 30), (MAX_ATTEMPTS, 30)]
)
def test_backoff_doubles_from_one_minute_up_to_thirty(attempts: int, minutes: int) -> None:
    assert backoff(attempts) == timedelta(minutes=minutes)


async def test_the_subject_sent_is_the_rendered_one(database_clean, smtp) -> None:
    message = ack()
    await queue([message])
    await deliver(smtp)
    assert smtp.handler.messages[0]["Subject"] == render("ack", message.context, HANOI).subject


async def test_a_refused_sender_is_a_configuration_error_not_a_lost_message(database_clean, smtp) -> None:
    await queue([ack(key=f"ack:{n}") for n in range(3)])
    smtp.handler.mail_reply = "553 5.7.1 Sender address rejected: not owned by user"

    with pytest.raises(
        DeliveryConfigError, match="refused the sender no-reply@pakn.hanoi.test.*PAKN_MAIL_FROM"
    ):
        await deliver(smtp)

    rows = await OutboxMessage.all()
    assert {(r.status, r.attempts, r.lease_until) for r in rows} == {("pending", 0, None)}
    smtp.handler.mail_reply = None
    assert counts(await deliver(smtp)) == (3, 0, 0)


async def test_a_server_closing_mid_batch_costs_one_retry_and_the_rest_go_out(database_clean, smtp) -> None:
    await queue([ack(key=f"ack:{n}", to=f"dan{n}@example.vn") for n in range(10)])
    smtp.handler.next_data_replies = ["421 4.3.2 Service shutting down, closing channel"]

    report = await deliver(smtp, concurrency=1)

    assert counts(report) == (9, 1, 0)
    [retried] = await OutboxMessage.filter(status="pending")
    assert retried.attempts == 1 and "421" in retried.last_error
    assert counts(await deliver(smtp, at=NOW + timedelta(minutes=1))) == (1, 0, 0)
    ids = [m["Message-ID"] for m in smtp.handler.messages]
    assert len(ids) == len(set(ids)) == 10


async def test_postgresql_skips_rows_another_process_holds(database_clean, smtp) -> None:
    from feedback import db

    if not db.is_postgres():
        pytest.skip("row locks are a PostgreSQL matter; SQLite serialises writers")
    from tortoise.transactions import in_transaction

    await queue([ack(key="ack:held"), ack(key="ack:free")])
    held, release = asyncio.Event(), asyncio.Event()

    async def other_process() -> None:
        # Another deliverer, mid-claim: it has locked the row and not yet committed.
        async with in_transaction() as tx:
            await tx.execute_query("SELECT id FROM outbox_message WHERE key = 'ack:held' FOR UPDATE")
            held.set()
            await release.wait()

    holder = asyncio.create_task(other_process())
    await held.wait()
    try:
        # Neither waits for the lock nor takes the row.
        report = await asyncio.wait_for(deliver(smtp), timeout=5)
    finally:
        release.set()
        await holder
    assert counts(report) == (1, 0, 0)
    assert [m["Message-ID"] for m in smtp.handler.messages] == [message_id("ack:free", "pakn.hanoi.test")]
    assert (await OutboxMessage.get(key="ack:held")).status == "pending"


async def test_a_server_that_stops_answering_is_left_alone_for_this_run(database_clean, smtp) -> None:
    await queue([ack(key=f"ack:{n}") for n in range(12)])
    smtp.handler.data_delay = 3

    report = await deliver_pending(smtp.config(timeout=0.3), now=NOW, tz=HANOI, concurrency=1)

    # Three timeouts in a row and the server counts as down: it is not fed all twelve.
    assert smtp.handler.data_attempts == 3
    assert counts(report) == (0, 12, 0)
    rows = await OutboxMessage.all()
    assert {(r.status, r.attempts) for r in rows} == {("pending", 1)}
    assert sum("connection lost" in r.last_error for r in rows) == 12
