"""Two worker processes for real: `pakn serve --workers 2` as a subprocess on the session's database;
requests over fresh connections (batches of N until both workers have answered), and a scrape of
either counts them all."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

N = 120
ROUTE = "/api/v1/categories"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(command: list[str], env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen:
    with log.open("wb") as output:
        return subprocess.Popen(command, env=env, cwd=cwd, stdout=output, stderr=subprocess.STDOUT)


def _output(log: Path) -> str:
    return log.read_text(errors="replace")


async def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    async with httpx.AsyncClient() as http:
        while time.monotonic() < deadline:
            assert process.poll() is None, _output(log)
            try:
                if (await http.get(f"{url}/health")).status_code in (200, 503):
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.3)
    raise AssertionError("pakn serve did not start:\n" + _output(log))


def _requests_total(text: str, route: str) -> float:
    return sum(
        s.value
        for family in text_string_to_metric_families(text)
        if family.name == "pakn_http_requests"
        for s in family.samples
        if s.name == "pakn_http_requests_total" and s.labels["route"] == route
    )


async def test_two_workers_count_every_request_once(database, tmp_path) -> None:  # noqa: ANN001
    port, folder, log = _free_port(), tmp_path / "metrics", tmp_path / "serve.log"
    folder.mkdir()
    (folder / "counter_99999.db").write_bytes(b"stale")  # an earlier run's file: removed at start
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAKN_")}
    env.update(
        PAKN_DATABASE_URL=database,
        PAKN_SECRET_KEY="workers-test-secret-0123456789",
        PAKN_SMTP_HOST="127.0.0.1",
        PAKN_SCHEDULER="off",
        PAKN_RATE_LIMIT="off",
        PROMETHEUS_MULTIPROC_DIR=str(folder),
    )
    command = [sys.executable, "-m", "feedback", "serve", "--workers", "2", "--port", str(port)]
    process = _start(command, env, tmp_path, log)
    url = f"http://127.0.0.1:{port}"
    try:
        await _wait_until_up(url, process, log)
        # No keep-alive: every request is a new connection, which either worker may accept.
        limits = httpx.Limits(max_keepalive_connections=0, max_connections=16)
        async with httpx.AsyncClient(base_url=url, limits=limits) as http:
            # The kernel hands each new connection to whichever worker accepts first, which on a busy
            # machine can be the same one for a whole batch: send batches until both have answered.
            sent, files = 0, []
            while len(files) < 2 and sent < 25 * N:
                answers = await asyncio.gather(*(http.get(ROUTE) for _ in range(N)))
                assert [a.status_code for a in answers] == [200] * N
                sent += N
                files = sorted(p.name for p in folder.glob("counter_*.db"))
            assert len(files) == 2 and "counter_99999.db" not in files, files  # one file per worker
            for _ in range(3):  # whichever worker answers the scrape, the sum is the same
                response = await http.get("/metrics")
                assert response.status_code == 200, response.text
                assert _requests_total(response.text, ROUTE) == sent
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_several_workers_need_the_scheduler_apart(tmp_path) -> None:  # noqa: ANN001
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAKN_")}
    env.update(PAKN_SECRET_KEY="workers-test-secret-0123456789", PAKN_SMTP_HOST="127.0.0.1")
    done = subprocess.run(
        [sys.executable, "-m", "feedback", "serve", "--workers", "2"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode != 0 and "PAKN_SCHEDULER=off" in done.stderr
