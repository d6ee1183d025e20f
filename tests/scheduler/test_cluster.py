"""Several processes against one PostgreSQL database, as SPEC §10 runs pakn (issue 14, item 5).

Two `pakn serve` processes and two `pakn scheduler` processes share one database; a real SMTP server
runs in its own process and writes down every Message-ID it accepts. Items are filed through both web
processes (citizens online, and a desk's postal items backdated six weeks so that the whole escalation
ladder is due at once), a file is uploaded through one web process and downloaded through the other, and
a scheduler is killed with SIGKILL during its start-up sweep and again while it delivers, then restarted.

Then: every item exists once, every ladder step fired once, every queued message reached the server (at
most the one duplicate per kill window that README "Delivery guarantee" states), and nothing waits.
PostgreSQL only: SQLite is the one-machine, one-writer setting.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import signal
import sys
import time
from collections import Counter
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from feedback import db
from feedback.accounts.services import create_user
from notifications.message import message_id
from tests.attachments import files
from tests.helpers import PASSWORD, citizen_body
from tests.notifications.support import pick_port
from tests.notifications.test_mail_kill import _received, _server

pytestmark = pytest.mark.skipif(
    not os.environ.get("PAKN_TEST_DATABASE_URL", "").startswith("postgres"),
    reason="several pakn processes share one database only on PostgreSQL (set PAKN_TEST_DATABASE_URL)",
)

ROOT = Path(__file__).resolve().parents[2]
PAKN = [sys.executable, "-m", "feedback"]
ONLINE_ITEMS = 30  # filed by citizens, half through each web process
DESK_ITEMS = 16  # postal letters entered at the desk, received six weeks ago
# The rungs due on an item six weeks past its deadline (the reminder is stale by then and is skipped).
LADDER = {"overdue", "escalate_parent", "escalate_coordinator"}
DOMAIN = "pakn.hanoi.test"


class Cluster:
    """The processes of one deployment: web processes, schedulers and their common environment."""

    def __init__(self, url: str, smtp_port: int, tmp: Path) -> None:
        self.tmp = tmp
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "PAKN_DATABASE_URL": url,
            "PAKN_SECRET_KEY": "cluster-test-secret-0123456789",
            "PAKN_SMTP_HOST": "127.0.0.1",
            "PAKN_SMTP_PORT": str(smtp_port),
            "PAKN_MAIL_FROM": f"PAKN <no-reply@{DOMAIN}>",
            "PAKN_BASE_URL": f"https://{DOMAIN}",
            "PAKN_SCHEDULER": "off",
            "PAKN_RATE_LIMIT": "off",
            # Files in the database every machine reaches; each web process has its own (unused) folder.
            "PAKN_FILE_STORE": "database",
        }
        self.processes: list[asyncio.subprocess.Process] = []

    async def start(self, *args: str, name: str, **env: str) -> asyncio.subprocess.Process:
        log = (self.tmp / f"{name}.log").open("ab")
        process = await asyncio.create_subprocess_exec(
            *PAKN, *args, env={**self.env, **env}, stdout=log, stderr=log, cwd=self.tmp
        )
        log.close()
        self.processes.append(process)
        return process

    async def web(self, name: str) -> str:
        port = pick_port()
        upload_dir = self.tmp / f"uploads-{name}"
        await self.start("serve", "--port", str(port), name=name, PAKN_UPLOAD_DIR=str(upload_dir))
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient(base_url=base) as client:
            while True:
                try:
                    await client.get("/health")
                    return base
                except httpx.TransportError:
                    assert time.monotonic() < deadline, (self.tmp / f"{name}.log").read_text()
                    await asyncio.sleep(0.2)

    async def scheduler(self, name: str) -> asyncio.subprocess.Process:
        return await self.start("scheduler", name=name)

    async def stop(self) -> None:
        for process in self.processes:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()


async def _file_online(client: httpx.AsyncClient, n: int) -> str:
    body = citizen_body(title=f"Đèn chiếu sáng hỏng số {n}")
    body["citizen"] = {**body["citizen"], "email": f"dan{n}@example.vn"}
    response = await client.post("/api/v1/feedback", json=body)
    assert response.status_code == 201, response.text
    return response.json()["code"]


async def _file_at_desk(client: httpx.AsyncClient, headers: dict[str, str], n: int) -> str:
    received = (datetime.now(UTC) - timedelta(weeks=6)).isoformat()
    body = citizen_body(title=f"Thư phản ánh số {n}", channel="postal", received_at=received)
    body["citizen"] = {**body["citizen"], "email": f"thu{n}@example.vn"}
    response = await client.post("/api/v1/staff/feedback", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["code"]


async def _until(what: str, check, seconds: float, every: float = 0.25) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while not await check():
        assert time.monotonic() < deadline, f"waited {seconds:.0f} s for {what}"
        await asyncio.sleep(every)


async def _rows(sql: str) -> list[dict]:
    return await db.fetch(sql)


async def _sweeping() -> bool:
    """Another connection is inside a transaction that works on the deadline steps: a sweep."""
    rows = await _rows(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
        " AND xact_start IS NOT NULL AND query ILIKE '%deadline_step%'"
    )
    return rows[0]["n"] > 0


async def test_two_web_and_two_scheduler_processes_lose_and_double_nothing(database_clean, tmp_path) -> None:
    url = database_clean
    await create_user(
        email="motcua@test.vn", role="desk", unit_code="TT-HCC", password=PASSWORD, name="Một cửa"
    )

    smtp_port, received_log = pick_port(), tmp_path / "received.log"
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    smtp = context.Process(target=_server, args=(smtp_port, str(received_log), ready), daemon=True)
    smtp.start()
    assert ready.wait(30), "the SMTP server did not start"

    cluster = Cluster(url, smtp_port, tmp_path)
    async with AsyncExitStack() as stack:
        stack.push_async_callback(asyncio.to_thread, smtp.join, 10)
        stack.callback(smtp.terminate)
        stack.push_async_callback(cluster.stop)
        bases = await asyncio.gather(cluster.web("web-a"), cluster.web("web-b"))
        clients = [await stack.enter_async_context(httpx.AsyncClient(base_url=b, timeout=30)) for b in bases]

        # Filing through both web processes; the desk logs in on one and files through the other.
        login = await clients[0].post(
            "/api/v1/auth/login", json={"email": "motcua@test.vn", "password": PASSWORD}
        )
        desk = {"Authorization": f"Bearer {login.json()['token']}"}
        online = await asyncio.gather(*(_file_online(clients[n % 2], n) for n in range(ONLINE_ITEMS)))
        backdated = await asyncio.gather(
            *(_file_at_desk(clients[1 - n % 2], desk, n) for n in range(DESK_ITEMS))
        )

        # A file uploaded through one process is served by the other.
        png = files.png()
        created = await clients[0].post(
            "/api/v1/feedback",
            data={"data": json.dumps(citizen_body(title="Ảnh ổ gà"))},
            files=[("files", ("o-ga.png", png, "application/octet-stream"))],
        )
        assert created.status_code == 201, created.text
        attachment = created.json()["attachments"][0]["url"]
        download = await clients[1].get(attachment, headers={"X-Access-Token": created.json()["token"]})
        assert download.status_code == 200 and download.content == png
        codes = [*online, *backdated, created.json()["code"]]

        # The first scheduler is killed inside its start-up sweep (its transaction on the steps is
        # open, as the database shows), which the backdated items make big; then two run side by side.
        first = await cluster.scheduler("scheduler-1")
        await _until("the first sweep's transaction", _sweeping, 60, every=0.005)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        killed_at = [time.time()]
        first = await cluster.scheduler("scheduler-1b")
        await cluster.scheduler("scheduler-2")

        # Once mail flows, kill a scheduler while it delivers, and restart it.
        before = len(_received(received_log))

        async def delivering() -> bool:
            return len(_received(received_log)) > before

        await _until("the first delivery", delivering, 60)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        killed_at.append(time.time())
        await cluster.scheduler("scheduler-1c")

        async def settled() -> bool:
            steps = await _rows("SELECT count(*) AS n FROM deadline_step WHERE kind = 'escalate_coordinator'")
            waiting = await _rows(
                "SELECT count(*) AS n FROM outbox_message WHERE status IN ('pending', 'sending')"
            )
            return steps[0]["n"] >= DESK_ITEMS and waiting[0]["n"] == 0

        await _until("every step fired and every message sent", settled, 120)

    # Every item exists once.
    items = await _rows("SELECT code FROM feedback_item")
    assert Counter(row["code"] for row in items) == Counter(codes)

    # Every ladder step fired once, on every backdated item, and on none of the fresh ones.
    steps = await _rows(
        "SELECT i.code, s.kind, s.status, count(*) AS n FROM deadline_step s"
        " JOIN feedback_item i ON i.id = s.item_id GROUP BY i.code, s.kind, s.status"
    )
    fired = Counter((row["code"], row["kind"]) for row in steps if row["status"] == "done")
    assert all(n == 1 for n in fired.values()), fired
    # The timeline has no unique key to lean on: one event per fired step there too.
    events = await _rows(
        "SELECT i.code, e.kind, count(*) AS n FROM event e JOIN feedback_item i ON i.id = e.item_id"
        " WHERE e.kind LIKE 'deadline_%' GROUP BY i.code, e.kind"
    )
    assert {(row["code"], row["kind"].removeprefix("deadline_")) for row in events} == set(fired)
    assert all(row["n"] == 1 for row in events), events
    assert {(code, kind) for code, kind in fired} >= {(code, kind) for code in backdated for kind in LADDER}
    assert not {code for code, _ in fired} & set(online)

    # Every queued message reached the server; a kill may double at most the message in its window.
    outbox = await _rows("SELECT key, status FROM outbox_message")
    assert {row["status"] for row in outbox} == {"sent"}
    copies = Counter(mid for mid, _ in _received(received_log))
    wanted = {message_id(row["key"], DOMAIN) for row in outbox}
    assert wanted <= set(copies), f"{len(wanted - set(copies))} messages never reached the server"
    assert set(copies) == wanted
    duplicates = sum(n - 1 for n in copies.values())
    print(
        f"\n{len(codes)} items, {len(outbox)} messages, {duplicates} duplicates after {len(killed_at)} kills"
    )
    assert duplicates <= len(killed_at)
