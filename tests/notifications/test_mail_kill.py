"""A delivering process killed again and again (SPEC §5): nothing lost, almost nothing doubled, and a
dead sender's messages back in the queue within seconds (its witness puts them back).

A real SMTP server (aiosmtpd) runs in another process and writes down every Message-ID it accepts.
A sender (`deliver_pending` in a loop, as `pakn deliver` runs it) is started as a subprocess and
killed with SIGKILL at a random moment while it delivers, 20 times, then left to finish.
PostgreSQL only: that is where several senders run side by side and where the test was asked for.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import random
import signal
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tortoise import connections

from notifications.message import message_id
from notifications.outbox import new_message, queue
from tests.notifications.support import ITEM_CONTEXT, citizen_acks, pick_port

pytestmark = pytest.mark.skipif(
    not os.environ.get("PAKN_TEST_DATABASE_URL", "").startswith("postgres"),
    reason="the kill test needs PostgreSQL (set PAKN_TEST_DATABASE_URL): SQLite has one writer process",
)

MESSAGES = 2000
KILLS = 20
DOMAIN = "pakn.hanoi.test"
ROOT = str(Path(__file__).resolve().parents[2])
# Each sender, like `pakn deliver`, runs until the outbox is empty; a dead sender's rows are 'sending'
# until their lease ends, so it waits for those rather than exiting.
SENDER = """
import asyncio, sys, zoneinfo
from feedback import clock, db
from notifications.delivery import SmtpConfig, deliver_pending

async def main(url, port):
    await db.init(url)
    config = SmtpConfig(host="127.0.0.1", port=port, mail_from="PAKN <no-reply@pakn.hanoi.test>")
    tz = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
    try:
        while True:
            report = await deliver_pending(config, now=clock.now(), tz=tz)
            if report.sent or report.retried or report.failed:
                continue
            rows = await db.fetch("SELECT count(*) AS n FROM outbox_message WHERE status IN ('pending', 'sending')")
            if rows[0]["n"] == 0:
                return
            await asyncio.sleep(0.5)
    finally:
        await db.close()

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


def _server(port: int, log: str, ready, delay: float = 0.0) -> None:  # noqa: ANN001
    """The SMTP server process: appends "<Message-ID> <time>" per accepted message, then says 250
    (`delay` seconds later)."""
    import email

    from aiosmtpd.controller import Controller

    out = open(log, "a", buffering=1)  # noqa: SIM115 (lives as long as the process)

    class Recorder:
        async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802
            mid = email.message_from_bytes(envelope.original_content or envelope.content)["Message-ID"]
            out.write(f"{mid} {time.time():.6f}\n")
            if delay:
                await asyncio.sleep(delay)
            return "250 OK"

    controller = Controller(Recorder(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    signal.sigwait({signal.SIGTERM})


def _received(log: Path) -> list[tuple[str, float]]:
    lines = log.read_text().splitlines() if log.exists() else []
    return [(mid, float(at)) for mid, at in (line.rsplit(" ", 1) for line in lines if " " in line)]


async def _sending_ids() -> list[str]:
    rows = await connections.get("default").execute_query_dict(
        "SELECT key FROM outbox_message WHERE status = 'sending'"
    )
    return [row["key"] for row in rows]


async def test_killed_senders_lose_nothing_and_double_at_most_one_in_twenty(database_clean, tmp_path) -> None:
    url, port, log = database_clean, pick_port(), tmp_path / "received.log"
    now = datetime.now(UTC)
    keys = [f"ack:kill:{n}" for n in range(MESSAGES)]
    await queue(citizen_acks(MESSAGES, "kill", now=now))
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    server = context.Process(target=_server, args=(port, str(log), ready), daemon=True)
    server.start()
    assert ready.wait(30), "the SMTP server did not start"
    rng = random.Random(12)
    kills: list[tuple[float, list[str]]] = []  # when, and the keys the dead sender held
    command = [sys.executable, "-c", SENDER, url, str(port)]
    env = {**os.environ, "PYTHONPATH": ROOT}
    try:
        for _ in range(KILLS):
            before = len(_received(log))
            sender = await asyncio.create_subprocess_exec(*command, env=env)
            deadline = time.monotonic() + 60
            while len(_received(log)) == before and sender.returncode is None:  # until it delivers
                assert time.monotonic() < deadline, "the sender delivered nothing for a minute"
                await asyncio.sleep(0.01)
            await asyncio.sleep(rng.uniform(0, 0.2))
            sender.send_signal(signal.SIGKILL)
            await sender.wait()
            kills.append((time.time(), await _sending_ids()))
        finish = await asyncio.create_subprocess_exec(*command, env=env)
        assert await asyncio.wait_for(finish.wait(), 120) == 0
    finally:
        server.terminate()
        server.join(10)

    received = _received(log)
    copies = Counter(mid for mid, _ in received)
    last = {mid: at for mid, at in received}  # the copy that went out after the row's last kill
    wanted = {message_id(key, DOMAIN) for key in keys}
    assert wanted - set(copies) == set(), "messages lost"
    assert set(copies) == wanted
    duplicates = sum(n - 1 for n in copies.values())
    # A row a dead sender held may be reclaimed by a sender that is killed in turn: count its wait from
    # the last kill that stranded it.
    stranded = {message_id(key, DOMAIN): killed_at for killed_at, held in kills for key in held}
    waits = [last[mid] - killed_at for mid, killed_at in stranded.items()]
    print(
        f"\n{KILLS} kills while delivering {MESSAGES} messages: {duplicates} duplicates;"
        f" {len(stranded)} messages stranded by a kill, the longest wait after it {max(waits, default=0):.1f} s"
    )
    assert max(waits, default=0) <= 30
    # The witness (notifications/witness.py) records the replies a killed sender had not: measured
    # 0 duplicates in 20 kills twice (README "Delivery guarantee"); one is what a kill between the
    # kernel handing over a 250 and the sender forwarding it, a few microseconds, would cost.
    assert duplicates <= 1, f"{duplicates} duplicates in {KILLS} kills (target: at most 1)"


async def test_a_sender_killed_while_the_server_holds_its_message_does_not_send_it_again(
    database_clean, tmp_path
) -> None:
    """The kill lands inside the window on purpose: the server has the message and answers 1.5 s
    later; the dead sender's witness reads that 250 from the socket it holds and records the row."""
    url, port, log = database_clean, pick_port(), tmp_path / "received.log"
    key = "ack:kill:window"
    context = {**ITEM_CONTEXT, "citizen_name": "Nguyễn Văn An", "channel": "online"}
    context["secret_track_url"] = "https://pakn.hanoi.test/track/x?token=t"
    await queue(
        [new_message(kind="ack", key=key, to_addr="dan@example.vn", context=context, now=datetime.now(UTC))]
    )
    spawn = multiprocessing.get_context("spawn")
    ready = spawn.Event()
    server = spawn.Process(target=_server, args=(port, str(log), ready, 1.5), daemon=True)
    server.start()
    assert ready.wait(30), "the SMTP server did not start"
    command = [sys.executable, "-c", SENDER, url, str(port)]
    env = {**os.environ, "PYTHONPATH": ROOT}
    try:
        sender = await asyncio.create_subprocess_exec(*command, env=env)
        deadline = time.monotonic() + 60
        while not _received(log):  # the server has the message and sits on its 250
            assert time.monotonic() < deadline and sender.returncode is None
            await asyncio.sleep(0.01)
        sender.send_signal(signal.SIGKILL)
        await sender.wait()
        conn = connections.get("default")
        rows: list[dict] = []
        while time.monotonic() < deadline:
            rows = await conn.execute_query_dict("SELECT status, context FROM outbox_message")
            if rows[0]["status"] == "sent":
                break
            await asyncio.sleep(0.1)
        assert rows[0]["status"] == "sent", rows
        assert "secret_track_url" not in str(rows[0]["context"])
        finish = await asyncio.create_subprocess_exec(*command, env=env)
        assert await asyncio.wait_for(finish.wait(), 60) == 0
    finally:
        server.terminate()
        server.join(10)
    assert [mid for mid, _ in _received(log)] == [message_id(key, DOMAIN)]
