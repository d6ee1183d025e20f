"""One composed message over an open aiosmtplib connection: MAIL, RCPT, DATA, as SMTP.sendmail does,
without the per-message work that compose() has already done.

aiosmtplib's sendmail is written for any message a caller may hand it: it parses the sender and the
recipient four times (email.utils), runs a regular expression over the whole message twice to make its
line ends CRLF (once to count the SIZE, once to send) and a third time to double leading dots. For a
7.7 KB letter that is about 175 µs of the sender's CPU, more than twice what composing the letter
costs (bench/README.md, "Composing in the sender again"). compose() already writes CRLF, quotes
nothing that needs quoting and checks the addresses (notifications/message.envelope_address), so this
sends its bytes as they are. The dialogue on the wire is the same command for command, with the same
replies expected, and failures raise sendmail's own exceptions, so delivery reads them as before.
"""

from __future__ import annotations

import contextlib

import aiosmtplib
from aiosmtplib import SMTPResponse, SMTPStatus


async def hello(smtp: aiosmtplib.SMTP) -> None:
    """EHLO (HELO from an old server) once per connection, as sendmail would before its first MAIL."""
    if smtp.is_ehlo_or_helo_needed:
        try:
            await smtp.ehlo()
        except aiosmtplib.SMTPHeloError:
            await smtp.helo()


async def transmit(smtp: aiosmtplib.SMTP, sender: str, recipient: str, data: bytes) -> SMTPResponse:
    """Send `data` (a whole message with CRLF line ends) from `sender` to `recipient`; the final reply.

    Raises what SMTP.sendmail raises: SMTPSenderRefused, SMTPRecipientsRefused, SMTPDataError,
    SMTPServerDisconnected or SMTPTimeoutError; the envelope is reset after a refusal.
    """
    await hello(smtp)
    # RFC 1870: the size of the message itself, without the dots doubled for the wire.
    size = [b"SIZE=%d" % len(data)] if smtp.supports_extension("size") else []
    if data.startswith(b".") or b"\n." in data:  # never in compose()'s output: a guard, not a path
        data = (b"." if data.startswith(b".") else b"") + data.replace(b"\n.", b"\n..")
    try:
        reply = await smtp.execute_command(b"MAIL", b"FROM:<%s>" % sender.encode("ascii"), *size)
        if reply.code != SMTPStatus.completed:
            raise aiosmtplib.SMTPSenderRefused(reply.code, reply.message, sender)
        reply = await smtp.execute_command(b"RCPT", b"TO:<%s>" % recipient.encode("ascii"))
        if reply.code not in (SMTPStatus.completed, SMTPStatus.will_forward):
            refused = aiosmtplib.SMTPRecipientRefused(reply.code, reply.message, recipient)
            raise aiosmtplib.SMTPRecipientsRefused([refused])
        reply = await smtp.execute_command(b"DATA")
        if reply.code != SMTPStatus.start_input:
            raise aiosmtplib.SMTPDataError(reply.code, reply.message)
        return await _body(smtp, data)
    except (aiosmtplib.SMTPResponseException, aiosmtplib.SMTPRecipientsRefused):
        if smtp.is_connected:  # as sendmail: a refused envelope must not carry over to the next message
            with contextlib.suppress(ConnectionError, aiosmtplib.SMTPResponseException):
                await smtp.rset()
        raise


async def _body(smtp: aiosmtplib.SMTP, data: bytes) -> SMTPResponse:
    """The message and its final "." after a 354, and the server's final reply.

    Through the protocol's public write and read_response, as execute_data_command does but without its
    rewriting of the message. No await separates the two, so no reply can arrive unclaimed in between.
    """
    protocol = smtp.protocol
    if protocol is None:
        raise aiosmtplib.SMTPServerDisconnected("Server not connected")
    try:
        protocol.write(data + b".\r\n")
        reply = await protocol.read_response(timeout=smtp.timeout)
    except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError):
        smtp.close()  # as execute_command: a connection whose reply was given up on cannot be trusted
        raise
    if reply.code != SMTPStatus.completed:
        raise aiosmtplib.SMTPDataError(reply.code, reply.message)
    return reply
