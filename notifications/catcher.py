"""The demo mail catcher: `pakn serve --demo` sends its mail to itself, and staff read it in the browser.

An aiosmtpd SMTP server runs on the current event loop (aiosmtpd's Controller would start a thread with
a loop of its own) and files every message it receives into a Maildir, which survives restarts and
which any mail client can open.
"""

from __future__ import annotations

import asyncio
import contextlib
import mailbox
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class CatcherHandle:
    server: asyncio.AbstractServer
    host: str
    port: int
    maildir: Path

    async def close(self) -> None:
        self.server.close()
        # Python ≥ 3.12 waits in wait_closed() for open client connections: don't hang on an idle one.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.server.wait_closed(), timeout=2)


@dataclass(frozen=True)
class CaughtMail:
    id: str  # the Maildir key
    date: datetime  # the Date header, or when it was caught
    sender: str  # From, decoded
    to: str  # To, decoded
    subject: str
    text: str
    html: str
    message_id: str


class _MaildirHandler:
    def __init__(self, box: mailbox.Maildir) -> None:
        self.box = box
        self.lock = asyncio.Lock()  # Maildir.add is not meant for several threads at once

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content or b""
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        # Keep the envelope recipients: a Bcc would otherwise leave no trace in the stored message.
        trace = f"X-Original-To: {', '.join(envelope.rcpt_tos)}\r\n".encode("utf-8", "replace")
        async with self.lock:
            await asyncio.to_thread(self.box.add, trace + content)
        return "250 Message accepted for delivery"


async def start_catcher(maildir: Path, host: str = "127.0.0.1", port: int = 0) -> CatcherHandle:
    """Listen on host:port (0 picks a free port: read it from handle.port) and file mail into maildir."""
    handler = _MaildirHandler(_open(maildir, create=True))
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        # A fixed hostname: the default asks DNS for our FQDN, which can take seconds on a bare machine.
        lambda: SMTP(handler, hostname="pakn-catcher", enable_SMTPUTF8=True, loop=loop),
        host,
        port,
    )
    bound = server.sockets[0].getsockname()[1]
    return CatcherHandle(server=server, host=host, port=bound, maildir=maildir)


def read_caught(maildir: Path, limit: int = 200) -> list[CaughtMail]:
    """The newest `limit` caught messages, newest first."""
    box = _open(maildir)
    if box is None:
        return []
    keys = sorted(box.keys(), key=_caught_order, reverse=True)[:limit]
    found = []
    for key in keys:
        with contextlib.suppress(KeyError):  # removed meanwhile
            found.append(_read(box, key))
    return found


def read_one(maildir: Path, id: str) -> CaughtMail | None:
    box = _open(maildir)
    if box is None or not re.fullmatch(r"[A-Za-z0-9._\-]+", id):
        return None
    try:
        return _read(box, id)
    except KeyError:
        return None


def _open(maildir: Path, create: bool = False) -> mailbox.Maildir | None:
    if create:
        for sub in ("tmp", "new", "cur"):
            (maildir / sub).mkdir(parents=True, exist_ok=True)
    elif not all((maildir / sub).is_dir() for sub in ("new", "cur")):
        return None  # nothing caught yet
    return mailbox.Maildir(maildir, factory=None, create=False)


_KEY_TIME = re.compile(r"(\d+)\.M(\d+)P\d+Q(\d+)")


def _caught_order(key: str) -> tuple[int, int, int, str]:
    # Maildir keys start with the time of delivery: "1763700000.M123456P42Q7.host".
    match = _KEY_TIME.match(key)
    seconds, micros, count = (int(g) for g in match.groups()) if match else (0, 0, 0)
    return seconds, micros, count, key


def _read(box: mailbox.Maildir, key: str) -> CaughtMail:
    message: Any = BytesParser(policy=policy.default).parsebytes(box.get_bytes(key))
    assert isinstance(message, EmailMessage)
    caught = datetime.fromtimestamp(_caught_order(key)[0], UTC)
    try:
        date = parsedate_to_datetime(str(message["Date"])) if message["Date"] else caught
    except (TypeError, ValueError):
        date = caught
    return CaughtMail(
        id=key,
        date=date if date.tzinfo else date.replace(tzinfo=UTC),
        sender=_one_line(message["From"]),
        to=_one_line(message["To"]),
        subject=_one_line(message["Subject"]),
        text=_body(message, "plain"),
        html=_body(message, "html"),
        message_id=str(message["Message-ID"] or ""),
    )


def _one_line(header: Any) -> str:
    # Python's parser leaves a double space where encoded words meet inside a name.
    return " ".join(str(header or "").split())


def _body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    if part is None:
        return ""
    try:
        return str(part.get_content())
    except (LookupError, ValueError):  # an unknown charset or a broken encoding in someone's test mail
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
