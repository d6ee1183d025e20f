"""SMTP delivery of the outbox.

A run claims due rows a small chunk at a time, composes each message while the server answers for the
one before (notifications/composing.py), sends them over a few reused SMTP connections
(notifications/transmit.py) and records the results on each SMTP connection's own database connection. On PostgreSQL with plain SMTP the process's witness
(notifications/witness.py) holds each connection's socket and sees each final reply before aiosmtplib
does, so a killed sender's accepted messages are recorded all the same: the results go in batches
(notifications/recording.py) that do not hold up the next messages. Without a witness (TLS, SQLite)
each result is written before the next message, and a crash can double a message whose 250 was in
flight (measured: tests/notifications/test_mail_kill.py, README "Delivery guarantee").

Claimed rows are 'sending' with a short lease that a heartbeat renews while the run is alive; a killed
process stops renewing, so its rows go back to the queue LEASE_SECONDS later at most.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiosmtplib
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from notifications.attachments import Attachment, Documents, document_of
from notifications.claim import claim, without_secrets
from notifications.composing import Composing
from notifications.failures import Outcome as _Outcome
from notifications.failures import connect_failure as _connect_failure
from notifications.failures import send_failure as _send_failure
from notifications.message import Outgoing, compose, split_mail_from
from notifications.recording import RECORD_BATCH, RECORD_SECONDS, SENT, SENT_BATCH, Batch, settle, witness_for
from notifications.sql import dialect_sql, is_postgres, marks
from notifications.transmit import transmit

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 200  # with back-off capped at 30 minutes: about four days of a mail server being down
FIRST_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(minutes=30)
# Connection-level failures (timeouts, disconnects) in a row after which the server counts as down for
# this run: a sick server is not fed the whole batch one 30-second timeout at a time.
MAX_CONNECTION_FAILURES = 3
# A dead sender's rows wait at most this long; the heartbeat renews the lease of a live run's rows.
LEASE_SECONDS = 20
HEARTBEAT_SECONDS = 5
CLAIM_PER_CONNECTION = 25  # rows claimed per SMTP connection at a time: what a crash strands


@dataclass(frozen=True)
class SmtpConfig:
    host: str = "localhost"
    port: int = 25
    username: str | None = None
    password: str | None = None
    security: str = "none"  # "none" | "starttls" | "tls"
    mail_from: str = "PAKN <no-reply@pakn.localhost>"
    timeout: float = 30.0


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


class DeliveryConfigError(RuntimeError):
    """The SMTP settings are wrong (login refused, TLS mismatch, sender refused): nothing was used up."""


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try: 1, 2, 4 … minutes, at most 30."""
    return min(FIRST_BACKOFF * 2 ** min(max(attempts - 1, 0), 16), MAX_BACKOFF)


async def deliver_pending(
    config: SmtpConfig,
    *,
    now: datetime,
    tz: ZoneInfo,
    limit: int = 2000,
    concurrency: int = 4,
    lease_seconds: int = LEASE_SECONDS,
    documents: Documents | None = None,
) -> DeliveryReport:
    """Send up to `limit` due outbox messages; raises DeliveryConfigError (after releasing the rows) on
    bad settings, or when a message names a document that `documents` cannot render
    (notifications/attachments.py)."""
    if config.security not in ("none", "starttls", "tls"):
        raise DeliveryConfigError(f"SMTP security must be none, starttls or tls, not {config.security!r}")
    run = _Run(config, connections.get("default"), now.astimezone(UTC), tz, limit, concurrency, lease_seconds)
    run.documents = documents or {}
    if await run.claim_more():
        heartbeat = asyncio.create_task(run.heartbeat())
        try:
            await run.deliver(concurrency)
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
            if run.witness is not None and not run.held:
                run.witness.run_ended()  # (rows still held after a database failure wait for their lease)
    return run.report


class _Run:
    """One delivery run: the claimed rows, the workers that send them, and the results."""

    def __init__(
        self,
        config: SmtpConfig,
        conn: BaseDBAsyncClient,
        now: datetime,
        tz: ZoneInfo,
        limit: int,
        concurrency: int,
        lease_seconds: int,
    ) -> None:
        self.config, self.conn, self.now, self.tz = config, conn, now, tz
        self.limit, self.lease_seconds = limit, lease_seconds
        self.chunk = max(1, min(limit, CLAIM_PER_CONNECTION * max(concurrency, 1)))
        self.claimed = 0
        self.exhausted = False  # the last claim found fewer rows than it asked for
        self.claiming = asyncio.Lock()
        self.todo: deque[Outgoing] = deque()
        self.held: dict[int, Outgoing] = {}  # claimed and not yet recorded: the heartbeat renews these
        self.report = DeliveryReport()
        self.documents: Documents = {}
        self.sender = split_mail_from(config.mail_from)[1]
        self.config_error = ""  # set: stop, release the rest, raise DeliveryConfigError
        self.down_error = ""  # set: stop, the rest counts as one failed try
        self.connect_error = ""  # the last connection that could not be opened
        self.connection_failures = 0
        self.crashed = False  # a worker raised (the database, most likely): the others stop too
        self.loop = asyncio.get_running_loop()
        self.started = self.loop.time()
        # Stop taking messages well before the lease ends, or another process would claim them again;
        # every renewal by the heartbeat moves this on.
        self.deadline = self.started + lease_seconds * 0.8
        # PostgreSQL and plain SMTP: a process beside this one that records what the server answered
        # if this process is killed before it does (notifications/witness.py).
        self.witness = witness_for(conn) if config.security == "none" else None
        self.channels: dict[aiosmtplib.SMTP, int | None] = {}
        self.composing = Composing(config.mail_from, now=now, tz=tz)
        self.prefetch: asyncio.Future[bool] | None = None  # the next chunk, claimed while this one is sent

    def at(self) -> datetime:
        """The run's clock: the caller's `now` plus the time the run has taken."""
        return self.now + timedelta(seconds=self.loop.time() - self.started)

    def stopped(self) -> bool:
        return bool(self.config_error or self.down_error or self.crashed) or self.loop.time() > self.deadline

    async def claim_more(self, ahead: bool = False) -> bool:
        """Top the queue up with another chunk of due rows (`ahead`: before it is empty); False when
        there is nothing left to take."""
        async with self.claiming:
            if self.todo and not ahead:
                return True
            if self.exhausted or self.claimed >= self.limit or self.stopped():
                return False
            want = min(self.chunk, self.limit - self.claimed)
            at = self.at()
            rows = await claim(
                self.conn, now=at, limit=want, lease_until=at + timedelta(seconds=self.lease_seconds)
            )
            self.claimed += len(rows)
            self.exhausted = len(rows) < want
            self.todo.extend(rows)
            self.held.update((row.id, row) for row in rows)
            if self.witness is not None:
                self.witness.holding([row.id for row in rows])
            return bool(rows)

    def claim_ahead(self) -> None:
        """The next chunk is claimed when half of this one is left, so no worker waits for a claim."""
        idle = self.prefetch is None or self.prefetch.done()
        if idle and len(self.todo) <= self.chunk // 2 and not self.exhausted:
            self.prefetch = asyncio.ensure_future(self.claim_more(ahead=True))

    async def heartbeat(self) -> None:
        """Renew the lease of the rows this run holds while it is alive."""
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            ids = list(self.held)
            if ids:
                renewed_at = self.loop.time()
                at = self.at()
                await self._execute(
                    "UPDATE outbox_message SET lease_until = $1"
                    f" WHERE status = 'sending' AND id IN ({marks(len(ids), first=2)})",
                    [at + timedelta(seconds=self.lease_seconds), *ids],
                )
                self.deadline = renewed_at + self.lease_seconds * 0.8

    async def deliver(self, concurrency: int) -> None:
        # One connection first: if the server is unreachable, one failed connect settles the batch.
        first = await self._connect()
        if first is None:
            self.down_error = self.down_error or self.connect_error
        else:
            results = await asyncio.gather(
                self._work(first),
                *(self._work(None) for _ in range(max(0, concurrency - 1))),
                return_exceptions=True,
            )
            if self.prefetch is not None:  # its rows join the leftovers
                results += await asyncio.gather(self.prefetch, return_exceptions=True)
            for result in results:
                # The database failed under us: rows not yet recorded stay 'sending' until their lease
                # ends, and the next run takes them again.
                if isinstance(result, BaseException):
                    raise result
        leftover, self.todo = list(self.todo), deque()
        if self.config_error:
            await self._release(leftover)
            raise DeliveryConfigError(self.config_error)
        if not leftover:
            return
        if self.down_error or self.loop.time() <= self.deadline:
            # Every worker lost its connection and could not open a new one: the server went away.
            await self._retry(leftover, self.down_error or self.connect_error or "no SMTP connection")
        else:  # out of time: these were never tried, so no attempt is counted
            await self._release(leftover)

    async def _work(self, smtp: aiosmtplib.SMTP | None) -> None:
        record: Any = None  # PostgreSQL: this worker's own connection, so a result never waits for another's
        recording: list[asyncio.Task[None]] = []  # the last batch's statement, still on its way
        batch = Batch()  # results the witness holds, not yet written
        try:
            async with contextlib.AsyncExitStack() as stack:
                if is_postgres(self.conn):
                    record = await stack.enter_async_context(self.conn.acquire_connection())
                    stack.push_async_callback(settle, recording)  # before the connection goes back
                    stack.push_async_callback(self._flush, record, batch, recording, True)  # (runs first)
                # Out of rows: write the waiting results (_flush returns None), then claim more.
                while not self.stopped() and (
                    self.todo or await self._flush(record, batch, recording) or await self.claim_more()
                ):
                    if smtp is None or not smtp.is_connected:
                        self._drop(smtp)
                        smtp = await self._connect()
                        if smtp is None:
                            return  # the other workers carry on (a server may limit connections per client)
                        continue  # while we connected, the others may have emptied the queue or stopped
                    if self.todo:
                        await self._send(smtp, self.todo.popleft(), record, batch, recording)
                        self.claim_ahead()
                await self._flush(record, batch, recording)
                if recording:
                    await recording.pop()
        except BaseException:
            self.crashed = True
            raise
        finally:
            if smtp is not None and smtp.is_connected:
                with contextlib.suppress(Exception):
                    await smtp.quit()
            self._drop(smtp)

    def _drop(self, smtp: aiosmtplib.SMTP | None) -> None:
        """The connection is closed or given up: the witness lets go of its socket too."""
        if smtp is not None and self.witness is not None:
            if smtp.is_connected:
                smtp.close()
            self.witness.closed(self.channels.pop(smtp, None))

    async def _connect(self) -> aiosmtplib.SMTP | None:
        c = self.config
        smtp = aiosmtplib.SMTP(
            hostname=c.host,
            port=c.port,
            username=c.username,
            password=c.password,
            use_tls=c.security == "tls",
            # "none" means none: no opportunistic STARTTLS that a self-signed intranet server would fail.
            start_tls=c.security == "starttls",
            timeout=c.timeout,
        )
        try:
            await smtp.connect()
        except Exception as exc:
            is_config, error = _connect_failure(exc, c)
            if is_config:
                self.config_error = error
            else:
                log.warning("%s", error)
                self.connect_error = error
            return None
        if self.witness is not None:
            transport = smtp.transport
            sock = transport.get_extra_info("socket") if transport is not None else None
            if sock is not None and smtp.protocol is not None:
                self.channels[smtp] = self.witness.watch(sock, smtp.protocol, transport)
        return smtp

    async def _attachments(self, row: Outgoing) -> list[Attachment] | None:
        """The row's rendered document, if it names one; None when no renderer is given (stop)."""
        name = document_of(row.context)
        if not name:
            return []
        renderer = self.documents.get(name)
        if renderer is None:
            self.config_error = f"no renderer for the document {name!r} of outbox message {row.id}"
            self.todo.appendleft(row)  # released with the rest
            return None
        return [await renderer(row.context)]

    async def _send(
        self,
        smtp: aiosmtplib.SMTP,
        row: Outgoing,
        record: Any,
        batch: Batch,
        recording: list[asyncio.Task[None]],
    ) -> None:
        try:
            attachments = await self._attachments(row)
            if attachments is None:
                return
            message = self.composing.take(row) or compose(
                row, self.config.mail_from, now=self.now, tz=self.tz, attachments=attachments
            )
        except Exception as exc:  # a template or address problem: trying again would not help
            log.warning("outbox message %s (%s) cannot be built: %s", row.id, row.kind, exc)
            await self._fail(row, f"cannot build the message: {exc}")
            return
        channel = self.channels.get(smtp)
        if self.witness is not None:
            self.witness.sending(channel, row.id, message.message_id)
        try:
            sending = transmit(smtp, self.sender, message.envelope_to, message.data)
            await self.composing.while_sending(sending, self.todo, len(self.channels))
        except Exception as exc:
            if self.witness is not None:
                self.witness.recorded(channel, row.id)  # not accepted: nothing for the witness to record
            outcome, error, connection_lost = _send_failure(exc)
            if outcome is _Outcome.CONFIG:
                self.config_error = error
                self.todo.appendleft(row)  # not this message's fault: released with the rest
                return
            if connection_lost:
                smtp.close()  # its state is unknown after a timeout; the worker opens a new one
                self.connection_failures += 1
                if self.connection_failures >= MAX_CONNECTION_FAILURES:
                    self.down_error = error
            if outcome is _Outcome.PERMANENT:
                await self._fail(row, error)
            else:
                await self._retry([row], error)
            return
        # The context is rewritten only when it holds a secret to drop (COALESCE keeps it otherwise).
        kept = without_secrets(row.context) if any(k.startswith("secret_") for k in row.context) else None
        values = [self.now, message.message_id, kept, row.id]
        self.connection_failures = 0
        self.report.sent += 1
        if record is None:  # SQLite: one process, the statement right away
            self.held.pop(row.id, None)
            await self._execute(SENT, values)
        elif channel is None:
            # No witness (TLS): the duplicate window runs from the server's 250 to this statement
            # reaching the database. asyncpg writes it before its first await, so a process killed
            # after this line still has it committed; the next message waits for it.
            self.held.pop(row.id, None)
            await record.execute(SENT, *values)
        else:
            # The witness has the 250 and records the row if this process dies before its batch
            # commits (notifications/recording.py). One statement at a time per connection.
            batch.add(values, channel, row.id, self.loop.time())
            if len(batch.values) >= RECORD_BATCH or self.loop.time() - batch.since >= RECORD_SECONDS:
                await self._flush(record, batch, recording)

    async def _flush(self, record: Any, batch: Batch, recording: list[Any], quiet: bool = False) -> None:
        """Write the waiting results; `quiet`: a worker that failed writes what it can (the witness
        and the lease cover the rest)."""
        with contextlib.suppress(*((Exception,) if quiet else ())):
            if record is not None and batch.values:
                if recording:
                    await recording.pop()
                recording.append(asyncio.ensure_future(self._record_sent(record, batch.take())))

    async def _record_sent(self, record: Any, taken: Batch) -> None:
        await record.execute(SENT_BATCH, *map(list, zip(*taken.values, strict=True)))
        for channel, row_id in taken.rows:
            self.held.pop(row_id, None)
            if self.witness is not None:
                self.witness.recorded(channel, row_id)

    async def _execute(self, sql: str, values: list[Any]) -> None:
        await self.conn.execute_query(dialect_sql(self.conn, sql), values)

    def _finished(self, ids: list[int]) -> None:
        """Recorded as failed or back in the queue: no longer this run's to renew, nor the witness's."""
        for row_id in ids:
            self.held.pop(row_id, None)
        if self.witness is not None:
            self.witness.finished(ids)

    async def _fail(self, row: Outgoing, error: str, attempts: int | None = None) -> None:
        await self._execute(
            "UPDATE outbox_message SET status = 'failed', attempts = $1, lease_until = NULL, last_error = $2,"
            " context = $3 WHERE id = $4",
            [
                row.attempts + 1 if attempts is None else attempts,
                error[:2000],
                without_secrets(row.context),
                row.id,
            ],
        )
        self._finished([row.id])
        self.report.failed += 1

    async def _retry(self, rows: Sequence[Outgoing], error: str) -> None:
        """One more failed try: back to pending with back-off, or failed after MAX_ATTEMPTS."""
        by_attempts: dict[int, list[Outgoing]] = defaultdict(list)
        for row in rows:
            by_attempts[row.attempts + 1].append(row)
        for attempts, group in by_attempts.items():
            if attempts >= MAX_ATTEMPTS:
                for row in group:  # rare: one statement each is fine
                    await self._fail(row, f"gave up after {attempts} attempts: {error}", attempts)
                continue
            ids = [row.id for row in group]
            await self._execute(
                "UPDATE outbox_message SET status = 'pending', attempts = $1, next_attempt_at = $2,"
                f" lease_until = NULL, last_error = $3 WHERE id IN ({marks(len(ids), first=4)})",
                [attempts, self.now + backoff(attempts), error[:2000], *ids],
            )
            self._finished(ids)
            self.report.retried += len(ids)

    async def _release(self, rows: Sequence[Outgoing]) -> None:
        """Back to pending as they were: they were not tried."""
        if rows:
            ids = [row.id for row in rows]
            await self._execute(
                f"UPDATE outbox_message SET status = 'pending', lease_until = NULL WHERE id IN ({marks(len(ids))})",
                ids,
            )
            self._finished(ids)
