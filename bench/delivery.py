"""Outbox delivery to a local SMTP server: messages per second.

A counting aiosmtpd server runs in a separate process (it answers "250 OK" to every message and counts
them). A fresh database gets N outbox messages (default 5,000; half 'ack' to citizens, half
'overdue_unit' to units, with Vietnamese contexts like the ones intake and the sweep write), queued
with `notifications.outbox.queue`. First the ceiling: the same N messages, composed beforehand, sent
by a raw aiosmtplib blast over as many connections (no database, no rendering). Then `deliver_pending`
is called, as `pakn deliver` does, until nothing is pending; the time of that loop gives messages/s and
its ratio to the blast. The server must have received exactly N each time.

    python bench/delivery.py [--messages 5000] [--concurrency 4 8] [--pairs 5] [--keep]

Each --concurrency value (deliver_pending's number of SMTP connections; the service uses the default,
4) is a separate round on a freshly filled outbox.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import sys
import time
import warnings
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import aiosmtplib
from common import (
    banner,
    drop_database,
    free_port,
    fresh_database,
    process_cpu,
    query,
    save,
    timer,
    verdict,
    wait_quiet,
)

from feedback import clock, db
from feedback.directory.reference import reference
from feedback.settings import Settings
from notifications.claim import outgoing
from notifications.delivery import DeliveryReport, deliver_pending
from notifications.message import Composed, compose, split_mail_from
from notifications.outbox import new_message, queue
from notifications.render import render

NAME = "delivery"
TARGET = 500.0  # messages/s
SAMPLE = Path(__file__).resolve().parent / "results" / "delivery-sample.eml"


# --- the SMTP server, in its own process ----------------------------------------------------------


class CountingHandler:
    def __init__(self, count, sample: str) -> None:  # noqa: ANN001
        self.count, self.sample = count, sample

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802
        with self.count.get_lock():
            self.count.value += 1
            first = self.count.value == 1
        if first:  # one small write, once: keep it for check_sample()
            _write(self.sample, envelope.original_content or envelope.content)
        return "250 OK"


def _write(path: str, data: bytes) -> None:
    Path(path).write_bytes(data)


def smtp_server(port: int, count, ready, stop, sample: str) -> None:  # noqa: ANN001
    warnings.simplefilter("ignore", DeprecationWarning)
    import uvloop
    from aiosmtpd.controller import Controller

    controller = Controller(
        CountingHandler(count, sample), hostname="127.0.0.1", port=port, loop=uvloop.new_event_loop()
    )
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


class SmtpServer:
    """`with SmtpServer() as smtp:` … `smtp.received`; the server process ends with the block."""

    def __init__(self) -> None:
        self.port = free_port()
        context = multiprocessing.get_context("spawn")
        self.count = context.Value("q", 0)
        self.ready, self.stop = context.Event(), context.Event()
        SAMPLE.parent.mkdir(exist_ok=True)
        self.process = context.Process(
            target=smtp_server, args=(self.port, self.count, self.ready, self.stop, str(SAMPLE)), daemon=True
        )

    @property
    def received(self) -> int:
        return self.count.value

    def __enter__(self) -> SmtpServer:
        self.process.start()
        if not self.ready.wait(30):
            self.process.kill()
            raise RuntimeError("the SMTP server did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.process.join(10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


# --- the outbox ---------------------------------------------------------------------------------


async def fill_outbox(settings: Settings, n: int, tag: str) -> None:
    """N messages due now: even ones 'ack' to a citizen, odd ones 'overdue_unit' to a unit."""
    ref = await reference(settings)
    units = [u for u in ref.units.values() if u.email]
    categories = list(ref.categories.values())
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thu Dung", "Hoàng Minh Đức"]
    titles = ["Rác thải ùn ứ tại ngõ 12", "Đèn chiếu sáng hỏng trên phố Quang Trung", "Lấn chiếm vỉa hè"]
    now = clock.now()
    messages = []
    for i in range(n):
        unit, category = units[i % len(units)], categories[i % len(categories)]
        code = f"PAKN.20261109.{i // 2 + 1:04d}"
        received = now - timedelta(days=14, minutes=i)
        context = {
            "code": code,
            "title": f"{titles[i % len(titles)]} (số {i // 2 + 1})",
            "unit_name": unit.name,
            "category_name": category.name,
            "received_at": received.isoformat(),
            "due_at": (received + timedelta(days=14)).isoformat(),
            "severity": "normal",
            "channel": "online",
            "staff_url": f"{settings.base_url}/staff/feedback/{code}",
        }
        if i % 2 == 0:
            name = names[i % len(names)]
            context |= {
                "citizen_name": name,
                "secret_track_url": f"{settings.base_url}/track/{code}?token=tok{i:08d}abcdefghijklmnop",
            }
            kind, key, to, to_name = "ack", f"ack:{tag}:{code}", f"nguoidan{i}@example.vn", name
        else:
            context |= {"parent_unit_name": "UBND Thành phố Hà Nội", "days_late": 0}
            kind, key, to, to_name = "overdue_unit", f"step:{tag}:{i}:unit", unit.email, unit.name
        if i < 2:
            render(kind, context, settings.tz)  # fails loudly if a template needs a key we forgot
        messages.append(
            new_message(
                kind=kind, key=key, to_addr=to, to_name=to_name, thread=code, context=context, now=now
            )
        )
    await queue(messages)


async def pending(url: str) -> dict[str, int]:
    rows = await query(url, "SELECT status, count(*) AS n FROM outbox_message GROUP BY status")
    return {r["status"]: r["n"] for r in rows}


async def drain(settings: Settings, concurrency: int) -> tuple[DeliveryReport, int]:
    """deliver_pending until a run finds nothing, like `pakn deliver`; returns the totals and the runs."""
    total, runs = DeliveryReport(), 0
    while True:
        report = await deliver_pending(
            settings.smtp, now=clock.now(), tz=settings.tz, concurrency=concurrency
        )
        runs += 1
        total.sent += report.sent
        total.retried += report.retried
        total.failed += report.failed
        if not (report.sent or report.retried or report.failed) or runs > 1000:
            return total, runs


async def composed_outbox(url: str, settings: Settings) -> tuple[list[Composed], float]:
    """The queued messages exactly as delivery would send them, built before the blast's clock starts,
    and the CPU seconds composing them took (what delivery pays for them)."""
    rows = await query(
        url,
        "SELECT id, key, kind, to_addr, to_name, thread, context FROM outbox_message"
        " WHERE status = 'pending' ORDER BY id",
    )
    now = clock.now()
    started = time.process_time()
    composed = [compose(outgoing(r), settings.smtp.mail_from, now=now, tz=settings.tz) for r in rows]
    return composed, time.process_time() - started


async def raw_blast(settings: Settings, messages: list[Composed], concurrency: int) -> float:
    """The ceiling: the same bytes over `concurrency` aiosmtplib connections, no database, no rendering."""
    sender = split_mail_from(settings.smtp.mail_from)[1]
    todo = iter(messages)

    async def worker() -> None:
        smtp = aiosmtplib.SMTP(hostname=settings.smtp.host, port=settings.smtp.port, start_tls=False)
        await smtp.connect()
        for message in todo:  # one shared iterator: the workers take turns
            await smtp.sendmail(sender, [message.envelope_to], message.data)
        await smtp.quit()

    with timer() as t:
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return t.seconds


async def round_(
    url: str, settings: Settings, smtp: SmtpServer, n: int, concurrency: int, pairs: int
) -> dict:
    """`pairs` slices of n/pairs messages: the raw blast of a slice, then delivery of the same slice,
    so both see the same machine (it is shared: load swings between minutes, not within seconds)."""
    # A running scheduler has its witness (a child process, started by its first delivery run) and its
    # templates compiled: a few messages first, so that starting them is not timed as delivery.
    await fill_outbox(settings, 8, tag=f"c{concurrency}warm")
    await drain(settings, concurrency)
    await db.execute("TRUNCATE outbox_message")
    blast_seconds = seconds = queued_seconds = compose_seconds = 0.0
    blast_received = received = 0
    report, runs, cpu = DeliveryReport(), 0, [0.0, 0.0]
    wait_quiet()
    for pair in range(pairs):
        size = n // pairs + (1 if pair < n % pairs else 0)
        with timer() as queued:
            await fill_outbox(settings, size, tag=f"c{concurrency}p{pair}")
        queued_seconds += queued.seconds
        messages, composing = await composed_outbox(url, settings)
        compose_seconds += composing
        before = smtp.received
        blast_seconds += await raw_blast(settings, messages, concurrency)
        blast_received += smtp.received - before
        before = smtp.received
        cpu0 = (time.process_time(), process_cpu([smtp.process.pid]))
        with timer() as t:
            part, part_runs = await drain(settings, concurrency)
        cpu[0] += time.process_time() - cpu0[0]
        cpu[1] += process_cpu([smtp.process.pid]) - cpu0[1]
        seconds += t.seconds
        received += smtp.received - before
        runs += part_runs
        report.sent += part.sent
        report.retried += part.retried
        report.failed += part.failed
    left = await pending(url)
    rate = report.sent / seconds
    blast_rate = n / blast_seconds
    checks = {
        "all_sent": report.sent == n and left == {"sent": n},
        "server_received_n": received == n,
        "no_retries_or_failures": report.retried == 0 and report.failed == 0,
        "blast_received_n": blast_received == n,
    }
    print(
        f"concurrency {concurrency}: {report.sent} sent in {seconds:.2f} s = {rate:.0f} messages/s"
        f" ({runs} deliver_pending runs; server received {received}; queued in {queued_seconds:.2f} s;"
        f" CPU: sender {100 * cpu[0] / seconds:.0f} %, SMTP server {100 * cpu[1] / seconds:.0f} % of a core);"
        f" {pairs} slices, each blasted then delivered; raw aiosmtplib blast of the same messages: {blast_rate:.0f} messages/s, so delivery reaches"
        f" {100 * rate / blast_rate:.0f} % of it; composing a message costs {1000 * compose_seconds / n:.3f} ms"
        f" of CPU; checks {checks}"
    )
    return {
        "concurrency": concurrency,
        "messages": n,
        "seconds": round(seconds, 2),
        "pairs": pairs,
        "messages_per_s": round(rate, 1),
        "raw_blast_messages_per_s": round(blast_rate, 1),
        "percent_of_raw_blast": round(100 * rate / blast_rate, 1),
        "runs": runs,
        "received": received,
        "retried": report.retried,
        "failed": report.failed,
        "queue_seconds": round(queued_seconds, 2),
        "compose_ms_per_message": round(1000 * compose_seconds / n, 3),
        "cpu_percent": {
            "sender": round(100 * cpu[0] / seconds),
            "smtp_server": round(100 * cpu[1] / seconds),
        },
        "checks": checks,
    }


def check_sample() -> dict[str, str]:
    """Parse one message as a mail client would: the Vietnamese subject must come back intact."""
    message = message_from_bytes(SAMPLE.read_bytes(), policy=policy.default)
    subject = str(message["Subject"])
    assert "phản ánh" in subject or "Quá hạn" in subject, subject
    return {"subject": subject, "to": str(message["To"])}


async def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[4, 8])
    parser.add_argument("--pairs", type=int, default=5, help="slices, each blasted then delivered")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args(argv)

    banner(f"delivery: {args.messages:,} outbox messages to a local SMTP server")
    url = await fresh_database(NAME)
    try:
        with SmtpServer() as smtp:
            settings = Settings.from_env(
                {
                    "PAKN_DATABASE_URL": url,
                    "PAKN_SECRET_KEY": "bench-secret-key-0123456789",
                    "PAKN_SMTP_HOST": "127.0.0.1",
                    "PAKN_SMTP_PORT": str(smtp.port),
                    "PAKN_MAIL_FROM": "Hệ thống PAKN Hà Nội <pakn@hanoi.gov.vn>",
                    "PAKN_BASE_URL": "https://pakn.hanoi.gov.vn",
                },
                env_file=None,
            )
            rounds = [
                await round_(url, settings, smtp, args.messages, c, args.pairs) for c in args.concurrency
            ]
        sample = check_sample()
    finally:
        await db.close()
        if not args.keep:
            await drop_database(NAME)

    main_round = next((r for r in rounds if r["concurrency"] == 4), rounds[0])
    result = {
        "benchmark": NAME,
        "target": f">= {TARGET:.0f} messages/s (default concurrency 4)",
        "value": main_round["messages_per_s"],
        "verdict": verdict(main_round["messages_per_s"], TARGET),
        "ok": all(all(r["checks"].values()) for r in rounds),
        "rounds": rounds,
        "sample": sample,
    }
    banner("delivery summary")
    for r in rounds:
        print(
            f"  concurrency {r['concurrency']:>2}: {r['messages_per_s']:>6.0f} messages/s"
            f" ({r['messages']} in {r['seconds']} s; server received {r['received']});"
            f" raw blast {r['raw_blast_messages_per_s']:>6.0f}/s: {r['percent_of_raw_blast']:.0f} %"
        )
    print(f"  sample subject: {sample['subject']}")
    print(f"  target {result['target']}: {result['verdict']} ({result['value']:.0f}/s)")
    print(f"  results: {save(NAME, result)}")
    return result


if __name__ == "__main__":
    outcome = asyncio.run(main())
    sys.exit(0 if outcome["ok"] else 1)
