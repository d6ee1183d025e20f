"""Shared by the notifications tests: a real SMTP server (aiosmtpd) whose answers a test can set."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from aiosmtpd.controller import Controller

from notifications.delivery import SmtpConfig
from notifications.outbox import NewMessage, new_message

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 in Hanoi
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
CODE = "PAKN.20261123.0001"
# What every item mail's context holds (intake and the sweep write these keys).
ITEM_CONTEXT = {
    "code": CODE,
    "title": "Rác thải ùn ứ tại ngõ 12",
    "unit_name": "UBND phường Hà Đông",
    "category_name": "Môi trường",
    "received_at": "2026-11-23 02:00:00+00:00",
    "due_at": "2026-12-07T09:59:59+00:00",
}


def citizen_acks(n: int, tag: str, *, now: datetime = NOW) -> list[NewMessage]:
    """`n` acknowledgements as intake queues them, to `n` citizens (key ack:<tag>:<i>, dan<i>@example.vn)."""
    return [
        new_message(
            kind="ack",
            key=f"ack:{tag}:{i}",
            to_addr=f"dan{i}@example.vn",
            to_name="Nguyễn Văn An",
            thread=f"PAKN.20261123.{i:04d}",
            context={
                **ITEM_CONTEXT,
                "code": f"PAKN.20261123.{i:04d}",
                "citizen_name": "Nguyễn Văn An",
                "channel": "online",
                "secret_track_url": f"https://pakn.hanoi.test/track/{i}?token=bi-mat-{i:08d}",
            },
            now=now,
        )
        for i in range(n)
    ]


def pick_port() -> int:
    """A port nothing listens on (aiosmtpd's Controller cannot take port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    envelope_to: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        """Parsed as mail clients would, with email.policy.default (parsing waits until a test looks)."""
        return email.message_from_bytes(self.data, policy=email.policy.default)


@dataclass
class SmtpHandler:
    """Captures what it accepts; the *_reply fields make it answer like a sick or strict server."""

    received: list[Received] = field(default_factory=list)
    mail_reply: str | None = None
    rcpt_reply: str | None = None
    data_reply: str | None = None
    next_data_replies: list[str] = field(default_factory=list)  # used once each, in order
    data_delay: float = 0.0  # seconds to sit on DATA: a server that stopped answering
    data_attempts: int = 0  # how many times a client reached DATA
    lock: threading.Lock = field(default_factory=threading.Lock)  # the server runs in its own thread

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: ANN001, ANN201, N802
        if self.mail_reply:
            return self.mail_reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201, N802
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        with self.lock:
            self.data_attempts += 1
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
            return "451 4.3.0 Too late"  # the client has given up by now; nothing is kept
        if self.data_reply:
            return self.data_reply
        with self.lock:
            if self.next_data_replies:
                return self.next_data_replies.pop(0)
        with self.lock:
            self.received.append(Received(list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"

    @property
    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [r.message for r in self.received]

    def to(self, address: str) -> list[EmailMessage]:
        """The messages whose To: is exactly `address`."""
        return [m for m in self.messages if m["To"].addresses[0].addr_spec == address]

    def clear(self) -> None:
        with self.lock:
            self.received.clear()


@dataclass
class SmtpServer:
    port: int
    handler: SmtpHandler
    controller: Controller | None = None

    def start(self, **smtp_options: object) -> None:
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, server_hostname="test-smtp", **smtp_options
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def config(self, **overrides: object) -> SmtpConfig:
        options: dict[str, object] = {
            "host": "127.0.0.1",
            "port": self.port,
            "mail_from": "Cổng PAKN Hà Nội <no-reply@pakn.hanoi.test>",
            "timeout": 5.0,
        }
        options.update(overrides)
        return SmtpConfig(**options)
