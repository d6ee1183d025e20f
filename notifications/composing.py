"""Composing the next messages while the SMTP server answers for the current one.

A letter costs about 0.07 ms of CPU to compose (two Jinja renders with the shared macros expanded in
place, notifications/inline.py; RFC 2047 headers; base64). The sender composes the next queued message
while it waits for the server's replies to MAIL FROM, RCPT TO and DATA, at most AHEAD per connection,
so a connection rarely waits for a message to be composed. A row that cannot be composed ahead (a
template or address error, a document to attach) is composed when its turn comes, so every build error
is reported in one place, by delivery.

A composing helper process was tried (2026-11-30): it took composing off the sender's core but cost
the machine more CPU than it saved (the requests, and the messages the sender composed itself when the
helper fell behind), and on two cores delivery ran slower with it than without (bench/README.md,
"Composing in the sender again").
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from notifications.attachments import document_of
from notifications.message import Composed, Outgoing, compose

AHEAD = 3  # messages composed ahead per connection while the server answers


class Composing:
    """One delivery run's messages composed ahead of sending."""

    def __init__(self, mail_from: str, *, now: datetime, tz: ZoneInfo) -> None:
        self.mail_from, self.now, self.tz = mail_from, now, tz
        self.ready: dict[int, Composed] = {}  # composed ahead of their turn

    def take(self, row: Outgoing) -> Composed | None:
        """The row's message if it was composed ahead; None: the sender composes it now."""
        return self.ready.pop(row.id, None)

    async def while_sending(
        self, sending: Awaitable[object], todo: Iterable[Outgoing], connections: int
    ) -> None:
        """Await the SMTP dialogue of one message and compose the next queued one meanwhile."""
        if len(self.ready) >= AHEAD * max(connections, 1):
            await sending
            return
        task = asyncio.ensure_future(sending)
        await asyncio.sleep(0)  # let it write MAIL FROM before composing
        self._compose_next(todo)
        await task

    def _compose_next(self, todo: Iterable[Outgoing]) -> None:
        row = next((r for r in todo if r.id not in self.ready), None)
        if row is None or document_of(row.context):
            return
        with contextlib.suppress(Exception):  # one that cannot be built is left to delivery to report
            self.ready[row.id] = compose(row, self.mail_from, now=self.now, tz=self.tz)
