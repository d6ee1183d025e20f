"""Composing outgoing messages off the sender's path.

Composing a letter (three Jinja templates, RFC 2047 headers, base64) costs about 0.3 ms of CPU, half of
what aiosmtplib spends on the whole SMTP dialogue for it. So a claimed chunk of at least HELPER_FROM
rows goes, in slices, to one helper process that composes them while the sender talks to the server:
the sender's CPU per message fell from 1.4-1.5 ms to 0.6-0.8 ms (bench/README.md, "Composing off the
sender's path"). The helper runs at the idle scheduling class and the sender never waits for it:
whatever it has not returned in time (or cannot compose: a template or address error, a row with a
document to attach, the helper gone or still starting) the sender composes itself, a few messages ahead
while the server answers, so an error is reported in one place, by delivery. Smaller runs (most
scheduler ticks) compose in the sender: a helper is not worth starting for them. The helper holds no
state: it gets rows and returns bytes, ends when the sender's end of its socket closes, and a dead one
is replaced on the next big chunk.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import socket
import struct
import subprocess
import sys
from collections.abc import Awaitable, Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from notifications import child
from notifications.attachments import document_of
from notifications.message import Composed, Outgoing, compose

log = logging.getLogger(__name__)

HELPER_FROM = 40  # rows in one claimed chunk from which the helper process composes them
SLICE = 8  # rows per request to the helper: small, so the first come back after a few messages
AHEAD = 3  # without the helper: messages composed ahead per connection while the server answers
BEHIND = 40  # slices asked and not answered from which the helper gets no more (a busy machine)

_LENGTH = struct.Struct("!I")  # each pickle on the helper's socket is preceded by its length


class _Helper:
    """The sender's end of the helper process: slices go out over a Unix socket, composed messages come
    back on the event loop (no thread in the sender: a thread there would fight the loop for the GIL)."""

    current: _Helper | None = None

    def __init__(
        self, process: subprocess.Popen[bytes], reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.process, self.reader, self.writer = process, reader, writer
        self.waiting: dict[int, asyncio.Future[dict[int, Composed]]] = {}
        self.next_id = 0
        self.listening = asyncio.ensure_future(self._listen())

    @classmethod
    async def get(cls) -> _Helper | None:
        helper = cls.current
        if helper is not None and helper.alive and helper.loop_is_current():
            return helper
        if helper is not None:
            helper.close()
        try:
            # A fork and exec that returns at once: the child is followed through its socket.
            mine, process = child.start("notifications.composing", socket.SOCK_STREAM)
            reader, writer = await asyncio.open_unix_connection(sock=mine)
        except (OSError, AttributeError) as exc:  # AttributeError: no Unix sockets on this platform
            log.warning("no composing helper (%s): messages are composed by the sender", exc)
            return None
        cls.current = cls(process, reader, writer)
        return cls.current

    @property
    def alive(self) -> bool:
        return not self.listening.done() and self.process.poll() is None

    def loop_is_current(self) -> bool:
        return self.listening.get_loop() is asyncio.get_running_loop()

    def submit(
        self, rows: Sequence[Outgoing], mail_from: str, now: datetime, tz: str
    ) -> asyncio.Future[dict[int, Composed]]:
        self.next_id += 1
        future: asyncio.Future[dict[int, Composed]] = asyncio.get_running_loop().create_future()
        self.waiting[self.next_id] = future
        payload = pickle.dumps((self.next_id, list(rows), mail_from, now, tz))
        self.writer.write(_LENGTH.pack(len(payload)) + payload)
        return future

    async def _listen(self) -> None:
        try:
            while True:
                size = _LENGTH.unpack(await self.reader.readexactly(_LENGTH.size))[0]
                number, done = pickle.loads(await self.reader.readexactly(size))  # noqa: S301 (our child)
                if (future := self.waiting.pop(number, None)) is not None and not future.done():
                    future.set_result(done)
        except (asyncio.IncompleteReadError, OSError) as exc:
            gone = exc
        else:  # pragma: no cover (the loop above only ends by raising)
            gone = None
        for future in self.waiting.values():
            if not future.done():
                future.set_exception(RuntimeError(f"the composing helper stopped ({gone})"))
        self.waiting.clear()

    def close(self) -> None:
        if _Helper.current is self:
            _Helper.current = None
        with contextlib.suppress(Exception):
            self.writer.close()
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.process.wait(1)


class Composing:
    """One delivery run's messages composed ahead of sending, by the helper or by the sender."""

    def __init__(self, mail_from: str, *, now: datetime, tz: ZoneInfo) -> None:
        self.mail_from, self.now, self.tz = mail_from, now, tz
        self.ready: dict[int, Composed] = {}  # composed by the sender ahead of its turn
        self.waiting: dict[int, asyncio.Future[dict[int, Composed]]] = {}  # the helper's slice of each row
        self.helped = False  # a chunk of this run went to the helper

    async def start(self, rows: Sequence[Outgoing]) -> None:
        """A chunk was claimed: a big one goes to the helper, a slice at a time."""
        if len(rows) < HELPER_FROM or (helper := await _Helper.get()) is None:
            return
        if len(helper.waiting) >= BEHIND:  # it only gets idle CPU, and there is none: compose here
            return
        self.helped = True
        plain = [row for row in rows if not document_of(row.context)]  # documents render asynchronously
        for i in range(0, len(plain), SLICE):
            part = plain[i : i + SLICE]
            future = helper.submit(part, self.mail_from, self.now, self.tz.key)
            future.add_done_callback(_settled)
            self.waiting.update((row.id, future) for row in part)

    def take(self, row: Outgoing) -> Composed | None:
        """The row's message if it was composed ahead; None: the sender composes it now."""
        if (message := self.ready.pop(row.id, None)) is not None:
            return message
        future = self.waiting.pop(row.id, None)
        if future is None or not future.done():
            return None  # never wait: the helper only uses what the sender leaves of the machine
        if future.exception() is not None:
            log.warning("%s: the sender composes the rest", future.exception())
            if _Helper.current is not None and not _Helper.current.alive:
                _Helper.current.close()  # the next big chunk starts another
            self.waiting.clear()
            return None
        return future.result().get(row.id)

    async def while_sending(
        self, sending: Awaitable[object], todo: Iterable[Outgoing], connections: int
    ) -> None:
        """Await the SMTP dialogue of one message; without the helper, compose the next queued message
        meanwhile (the server reads MAIL FROM, RCPT TO and DATA), at most AHEAD per connection."""
        if self.helped or len(self.ready) >= AHEAD * max(connections, 1):
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


def _settled(future: asyncio.Future[dict[int, Composed]]) -> None:
    """Read a slice's outcome even when no row asks for it (its rows were released, or composed here):
    an outcome never read is logged by asyncio as an error."""
    if not future.cancelled():
        future.exception()


# --- the helper process ---------------------------------------------------------------------------


def _compose_slice(rows: Sequence[Outgoing], mail_from: str, now: datetime, tz: str) -> dict[int, Composed]:
    """The rows the helper can compose (the sender composes the others and reports why not)."""
    zone = ZoneInfo(tz)
    done = {}
    for row in rows:
        with contextlib.suppress(Exception):
            done[row.id] = compose(row, mail_from, now=now, tz=zone)
    return done


def main(fd: int) -> None:
    """Compose slices until the sender's end closes (it exited, or it was killed)."""
    child.configure_logging()
    with contextlib.suppress(AttributeError, OSError):  # Linux: run only on a core nobody else wants
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    channel = socket.socket(fileno=fd)
    incoming = channel.makefile("rb")
    with contextlib.suppress(ConnectionError, EOFError, pickle.UnpicklingError):  # the sender went
        while len(header := incoming.read(_LENGTH.size)) == _LENGTH.size:
            request = pickle.loads(incoming.read(_LENGTH.unpack(header)[0]))  # noqa: S301 (our sender)
            number, rows, mail_from, now, tz = request
            payload = pickle.dumps((number, _compose_slice(rows, mail_from, now, tz)))
            channel.sendall(_LENGTH.pack(len(payload)) + payload)


if __name__ == "__main__":
    main(int(sys.argv[1]))
