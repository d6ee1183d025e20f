"""The witness: a small process beside each delivering process that records what the SMTP server
answered when the sender was killed before it could record it itself.

Why: a message goes out twice when its sender dies after the server has the final "." of DATA and
before the "sent" row is written. That window is not the sender's to shorten: it holds the server
parsing the message, its 250 travelling back and the sender's event loop getting to it, about a
millisecond, so a sender killed at a random instant while it delivers 400 messages a second finds
0.4 of them in it. The witness closes it from outside the sender:

- each plain-text SMTP connection's socket is passed to the witness (SCM_RIGHTS), so the TCP
  connection outlives a killed sender and the server's reply still arrives in a socket someone holds;
- the sender tells the witness, over a Unix socket whose kernel buffer survives the sender, which row
  it is sending on which connection (before MAIL FROM), every byte the server sent it (from the
  protocol's data_received, before aiosmtplib parses it: no event-loop hop) and when a row's outcome
  is written;
- when the sender's end closes without that outcome, the witness knows where the dialogue stood: after
  a 354 the next reply is the final one, already forwarded or still in the socket, where the witness
  reads it (up to REPLY_SECONDS). A 2xx marks the row sent (if it is still 'sending'); anything else,
  or no reply, leaves the row to its lease and it is sent again, which is right: a server that never
  saw the final "." drops the message when the witness closes the connection.

What remains: the microseconds between the kernel handing the 250 to the sender and the sender
forwarding it, and the cases the witness cannot see into: TLS connections (the reply is encrypted,
so they run without it), SQLite (one process anyway) and the witness dying with the sender (a kill of
the whole process group or cgroup). Those fall back to the lease: at least once, never lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from notifications import child

log = logging.getLogger(__name__)

REPLY_SECONDS = 10.0  # how long the witness waits for a final reply the dead sender did not read
_FORWARD = 4096  # replies are short; a longer chunk is cut (the witness only needs the codes)
_SEND_TIMEOUT = 1.0  # a witness that stops reading is dropped rather than stalling delivery
# While notices come, the witness reads them in batches this far apart instead of waking for each: on a
# virtual machine, waking a process on another core cost the sender's send about 10 µs of CPU, twice a
# message (bench/README.md, "Composing in the sender again"). The socket holds a few hundred notices.
_BATCH_SECONDS = 0.005
_SEND_BUFFER = 1 << 20  # asked for (the kernel caps it at net.core.wmem_max): room for a slow witness


class Witness:
    """The sender's side: one per process, started on the first delivery run on PostgreSQL."""

    _current: Witness | None = None

    def __init__(self, channel: socket.socket, process: subprocess.Popen[bytes]) -> None:
        self.channel, self.process = channel, process
        self.alive = True
        self.next_id = 0
        self.dsn: dict[str, Any] = {}
        self.current: dict[int, tuple[int, str]] = {}  # channel: the row on it and its Message-ID
        self.done: list[int] = []  # rows recorded since the last notice

    @classmethod
    def for_database(cls, dsn: dict[str, Any]) -> Witness | None:
        """The process's witness, started if needed; None where the platform has no SCM_RIGHTS."""
        current = cls._current
        if current is not None and current.alive and current.process.poll() is None:
            if current.dsn != dsn:
                current.dsn = dsn
                current._send(b"D" + json.dumps(dsn).encode())
            return current
        if not hasattr(socket, "send_fds") or not hasattr(socket, "SOCK_SEQPACKET"):
            return None
        try:
            # Not in the sender's process group: a group kill spares it.
            mine, process = child.start("notifications.witness", socket.SOCK_SEQPACKET, own_session=True)
            mine.setblocking(False)  # a send is one system call; only a full socket waits (_send)
            with contextlib.suppress(OSError):
                mine.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, _SEND_BUFFER)
            witness = cls(mine, process)
            witness.dsn = dsn
            witness._send(b"D" + json.dumps(dsn).encode())
        except OSError as exc:
            log.warning("no delivery witness (%s): a killed sender may send a message twice", exc)
            return None
        cls._current = witness
        return witness if witness.alive else None

    def _send(self, message: bytes, fds: list[int] | None = None) -> None:
        if not self.alive:
            return
        try:
            try:
                self._send_now(message, fds)
            except BlockingIOError:  # the witness is behind: wait for room, a little
                if not select.select([], [self.channel], [], _SEND_TIMEOUT)[1]:
                    raise TimeoutError("the witness stopped reading") from None
                self._send_now(message, fds)
        except OSError as exc:
            # A witness that misses notices must not act on what it knows: it goes, the lease stays.
            self.alive = False
            with contextlib.suppress(OSError):
                self.process.kill()
            log.warning("the delivery witness stopped (%s): a killed sender may send a message twice", exc)

    def _send_now(self, message: bytes, fds: list[int] | None) -> None:
        if fds:
            socket.send_fds(self.channel, [message], fds)
        else:
            self.channel.send(message)

    def watch(self, sock: Any, protocol: Any, transport: Any) -> int | None:
        """Hand the connection's socket to the witness and forward what the server sends on it."""
        if not self.alive:
            return None
        self.next_id += 1
        channel = self.next_id
        self._send(b"C%d" % channel, [sock.fileno()])
        if not self.alive:
            return None
        parse = protocol.data_received
        forwarding = False  # from a 354 to the end of the reply after it: what the witness needs

        def received(data: bytes) -> None:
            nonlocal forwarding
            if forwarding or data.startswith(b"354"):
                # First, before aiosmtplib sees it: a kill after this line is covered. The notice
                # names the row (and the rows recorded since the last one), so two notices a message.
                row, message_id = self.current.get(channel, (0, ""))
                done = b",".join(b"%d" % r for r in self.done) or b"-"
                self.done.clear()
                self._send(b"X%d %d %s %s " % (channel, row, message_id.encode(), done) + data[:_FORWARD])
                forwarding = data.startswith(b"354") or not _complete(data)
            parse(data)

        protocol.data_received = received
        transport.set_protocol(protocol)  # uvloop caches the bound method when the protocol is set
        return channel

    def holding(self, row_ids: list[int]) -> None:
        """Rows this process claimed: if it dies, the witness puts back those it did not finish."""
        if row_ids:
            self._send(b"H" + ",".join(map(str, row_ids)).encode())

    def finished(self, row_ids: list[int]) -> None:
        """Rows back in the queue or failed: another process may claim them now (said at once)."""
        if row_ids:
            self._send(b"F" + ",".join(map(str, row_ids)).encode())

    def run_ended(self) -> None:
        """The run holds nothing any more."""
        self._send(b"E" + b",".join(b"%d" % r for r in self.done))
        self.done.clear()

    def sending(self, channel: int | None, row_id: int, message_id: str) -> None:
        if channel is not None:
            self.current[channel] = (row_id, message_id)

    def recorded(self, channel: int | None, row_id: int) -> None:
        """The row's outcome is written: told with the next notice (recording it again is a no-op)."""
        if channel is not None:
            self.done.append(row_id)
            if self.current.get(channel, (0,))[0] == row_id:
                del self.current[channel]

    def closed(self, channel: int | None) -> None:
        if channel is not None:
            self.current.pop(channel, None)
            self._send(b"Z%d" % channel)


def _complete(data: bytes) -> bool:
    """Whether `data` ends with the last line of a reply ("250 OK\\r\\n", not "250-…")."""
    if not data.endswith(b"\n"):
        return False
    last = data[data.rfind(b"\n", 0, len(data) - 1) + 1 :]
    return len(last) >= 4 and last[3:4] != b"-"


# --- the witness process --------------------------------------------------------------------------


@dataclass
class _Connection:
    sock: socket.socket
    accepted: dict[int, str]  # rows the server took (2xx) whose outcome the sender has not written
    row: int | None = None  # the row the sender is sending now
    message_id: str = ""
    in_data: bool = False  # the server said 354 for this row: its next reply is the final one
    buffer: bytearray = field(default_factory=bytearray)

    def received(self, data: bytes) -> None:
        self.buffer.extend(data)
        while (end := self.buffer.find(b"\n")) >= 0:
            line = bytes(self.buffer[: end + 1])
            del self.buffer[: end + 1]
            if len(line) < 4 or line[3:4] == b"-" or not line[:3].isdigit() or self.row is None:
                continue  # a continuation line of a multi-line reply, or no message under way
            code = int(line[:3])
            if self.in_data:  # the final reply: the row is done on this connection either way
                if 200 <= code < 300:
                    self.accepted[self.row] = self.message_id
                self.row, self.in_data = None, False
            elif code == 354:
                self.in_data = True

    def sending(self, row: int, message_id: str) -> None:
        self.row, self.message_id, self.in_data = row, message_id, False
        self.buffer.clear()


@dataclass
class _Sender:
    """What the witness knows when the sender's end closes."""

    dsn: dict[str, Any] = field(default_factory=dict)
    connections: dict[int, _Connection] = field(default_factory=dict)
    accepted: dict[int, str] = field(default_factory=dict)  # taken by the server, not yet recorded
    held: set[int] = field(default_factory=set)  # claimed by the sender, perhaps finished since


def _follow(channel: socket.socket) -> _Sender:
    """Read the sender's notices until its end closes."""
    sender = _Sender()
    connections, accepted, held = sender.connections, sender.accepted, sender.held
    for message, fds in _notices(channel):
        kind, body = message[:1], message[1:]
        if kind == b"X":
            number, row, mid, done, data = body.split(b" ", 4)
            _done(sender, done)
            if (conn := connections.get(int(number))) is not None:
                if conn.row != int(row):
                    conn.sending(int(row), mid.decode())
                conn.received(data)
        elif kind == b"C" and fds:
            connections[int(body)] = _Connection(socket.socket(fileno=fds[0]), accepted)
        elif kind == b"Z":
            if (conn := connections.pop(int(body), None)) is not None:
                conn.sock.close()
        elif kind == b"H":
            held.update(int(row) for row in body.split(b","))
        elif kind == b"F":
            held.difference_update(int(row) for row in body.split(b","))
        elif kind == b"E":
            _done(sender, body)
            held.clear()
        elif kind == b"D":
            sender.dsn = json.loads(body)
    return sender


def _notices(channel: socket.socket) -> Iterator[tuple[bytes, list[int]]]:
    """The sender's notices in order, until its end closes: waiting for the first, then, while they
    come, in batches _BATCH_SECONDS apart; after a quiet batch, waiting again."""
    waiting, read_some = True, False
    while True:
        try:
            message, fds, _flags, _addr = socket.recv_fds(channel, 1 << 16, 4)
        except BlockingIOError:  # all there was is read
            if read_some:
                read_some = False
                time.sleep(_BATCH_SECONDS)
            else:
                waiting = True
                channel.setblocking(True)
            continue
        except ConnectionResetError:
            return
        if not message:
            return
        yield message, fds
        read_some = True
        if waiting:
            waiting = False
            channel.setblocking(False)


def _done(sender: _Sender, rows: bytes) -> None:
    for row in rows.split(b",") if rows and rows != b"-" else ():
        sender.accepted.pop(int(row), None)
        sender.held.discard(int(row))


def _read_replies(waiting: list[_Connection], seconds: float) -> None:
    """Read the final replies the dead sender did not, from the sockets it left behind."""
    deadline = time.monotonic() + seconds
    for conn in waiting:
        conn.sock.setblocking(False)
    while waiting and (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([c.sock for c in waiting], [], [], left)
        for conn in [c for c in waiting if c.sock in ready]:
            try:
                data = conn.sock.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if data:
                conn.received(data)
            if not data or conn.row is None:
                waiting.remove(conn)


_SENT = """
UPDATE outbox_message SET status = 'sent', attempts = attempts + 1, sent_at = now(), message_id = $2,
    lease_until = NULL, last_error = '',
    context = COALESCE((SELECT jsonb_object_agg(k, v) FROM jsonb_each(context) AS e(k, v)
                        WHERE k NOT LIKE 'secret\\_%'), '{}'::jsonb)
WHERE id = $1 AND status = 'sending'
"""


_RELEASE = """
UPDATE outbox_message SET status = 'pending', lease_until = NULL
WHERE status = 'sending' AND id = ANY($1::bigint[])
"""


async def _write(dsn: dict[str, Any], *, release: set[int], sent: dict[int, str]) -> None:
    import asyncpg

    conn = await asyncpg.connect(**dsn)
    try:
        if release:
            await conn.execute(_RELEASE, sorted(release))
        if sent:
            await conn.executemany(_SENT, list(sent.items()))
    finally:
        await conn.close()


def main(fd: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the sender, which then closes us
    child.configure_logging()
    sender = _follow(socket.socket(fileno=fd))
    if not sender.dsn:
        return
    in_flight = {c.row for c in sender.connections.values() if c.row is not None}
    # First, at once: the claimed rows no connection was on go back to the queue.
    first = sender.held - in_flight - set(sender.accepted)
    if first:
        _record(sender, release=first, sent={})
    _read_replies([c for c in sender.connections.values() if c.row is not None and c.in_data], REPLY_SECONDS)
    for conn in sender.connections.values():
        with contextlib.suppress(OSError):
            conn.sock.close()  # a server still inside DATA drops the message
    # Then what the server answered, and the rest of what was on a connection goes back too.
    _record(sender, release=in_flight - set(sender.accepted), sent=sender.accepted)


def _record(sender: _Sender, *, release: set[int], sent: dict[int, str]) -> None:
    if not (release or sent):
        return
    try:
        asyncio.run(_write(sender.dsn, release=release, sent=sent))
    except Exception as exc:  # noqa: BLE001 (the lease takes over: sent again, not lost)
        log.warning("delivery witness: could not write to the database (%s): the leases take over", exc)
        return
    log.info(
        "delivery witness: its sender died; recorded %d message(s) sent, put %d back in the queue",
        len(sent),
        len(release),
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
