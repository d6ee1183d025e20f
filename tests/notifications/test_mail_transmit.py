"""Sending a composed message (notifications/transmit.py) is what aiosmtplib's sendmail does on the
wire, against a real SMTP server: the same envelope and SIZE, the same bytes kept, leading dots doubled
on the way and undone by the server, and a refused envelope reset so the connection goes on."""

from __future__ import annotations

import aiosmtplib
import pytest

from notifications.transmit import transmit
from tests.notifications.support import SmtpServer

SENDER = "no-reply@pakn.hanoi.test"
BODY = (
    b"From: no-reply@pakn.hanoi.test\r\nTo: a@example.vn\r\nSubject: thu\r\n\r\n"
    b"Dong mot\r\n.dong bat dau bang dau cham\r\n..hai dau cham\r\n.\r\nhet\r\n"
)


async def connected(smtp: SmtpServer) -> aiosmtplib.SMTP:
    client = aiosmtplib.SMTP(hostname="127.0.0.1", port=smtp.port, start_tls=False, timeout=5)
    await client.connect()
    return client


async def test_the_server_gets_what_sendmail_would_give_it(smtp: SmtpServer) -> None:
    options: list[list[str]] = []
    handle_mail = smtp.handler.handle_MAIL

    async def recording(server, session, envelope, address, mail_options):  # noqa: ANN001, ANN202
        options.append(list(mail_options))
        return await handle_mail(server, session, envelope, address, mail_options)

    smtp.handler.handle_MAIL = recording  # type: ignore[method-assign]
    client = await connected(smtp)
    try:
        reply = await transmit(client, SENDER, "a@example.vn", BODY)
        await client.sendmail(SENDER, ["b@example.vn"], BODY)
    finally:
        await client.quit()

    assert reply.code == 250
    mine, theirs = smtp.handler.received
    assert mine.data == theirs.data == BODY  # dots doubled on the wire, undone by the server
    assert (mine.envelope_to, theirs.envelope_to) == (["a@example.vn"], ["b@example.vn"])
    assert options[0] == options[1] == [f"SIZE={len(BODY)}"]


@pytest.mark.parametrize(
    ("stage", "reply", "error"),
    [
        ("mail", "550 5.7.1 Sender not allowed", aiosmtplib.SMTPSenderRefused),
        ("rcpt", "550 5.1.1 No such user", aiosmtplib.SMTPRecipientsRefused),
        ("data", "554 5.7.1 Rejected", aiosmtplib.SMTPDataError),
    ],
)
async def test_a_refusal_raises_what_sendmail_raises_and_the_connection_goes_on(
    smtp: SmtpServer, stage: str, reply: str, error: type[Exception]
) -> None:
    client = await connected(smtp)
    try:
        setattr(smtp.handler, f"{stage}_reply", reply)
        with pytest.raises(error) as raised:
            await transmit(client, SENDER, "a@example.vn", BODY)
        setattr(smtp.handler, f"{stage}_reply", None)
        assert (await transmit(client, SENDER, "b@example.vn", BODY)).code == 250
    finally:
        await client.quit()

    refused = raised.value.recipients[0] if stage == "rcpt" else raised.value
    assert refused.code == int(reply[:3])
    assert [r.envelope_to for r in smtp.handler.received] == [["b@example.vn"]]


async def test_a_server_gone_mid_message_is_a_lost_connection(smtp: SmtpServer) -> None:
    client = await connected(smtp)
    smtp.stop()
    with pytest.raises((aiosmtplib.SMTPServerDisconnected, ConnectionError)):
        await transmit(client, SENDER, "a@example.vn", BODY)
    assert not client.is_connected
