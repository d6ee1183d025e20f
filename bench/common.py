"""Shared by the benchmarks: a fresh PostgreSQL database per benchmark, timing and result files.

Every benchmark gets its own database `pakn_bench_<name>`, dropped and created again at the start,
built by the real migrations and seeded with the real reference data. Results go to
bench/results/<name>.json so that run_all.py can print one table.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/x.py` puts bench/ on the path, not the project
    sys.path.insert(0, str(ROOT))

from feedback import db  # noqa: E402

# The server without a database name; the admin connection goes to its `postgres` database.
PG_SERVER = os.environ.get("PAKN_BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
RESULTS = Path(__file__).resolve().parent / "results"


def database_url(name: str) -> str:
    return f"{PG_SERVER}/pakn_bench_{name}"


_server_version = "?"


async def _admin(sql: str) -> None:
    global _server_version
    conn = await asyncpg.connect(f"{PG_SERVER}/postgres")
    try:
        await conn.execute(sql)
        _server_version = await conn.fetchval("SHOW server_version")
    finally:
        await conn.close()


async def query(url: str, sql: str, *args: Any) -> list[dict[str, Any]]:
    """One query on a connection of its own (the benchmarks read counts beside the service's pool)."""
    conn = await asyncpg.connect(url)
    try:
        return [dict(row) for row in await conn.fetch(sql, *args)]
    finally:
        await conn.close()


async def create_database(name: str) -> str:
    """DROP (with FORCE, in case a crashed run left connections) and CREATE pakn_bench_<name>."""
    await _admin(f'DROP DATABASE IF EXISTS "pakn_bench_{name}" WITH (FORCE)')
    await _admin(f'CREATE DATABASE "pakn_bench_{name}"')
    return database_url(name)


async def drop_database(name: str) -> None:
    await _admin(f'DROP DATABASE IF EXISTS "pakn_bench_{name}" WITH (FORCE)')


async def fresh_database(name: str, *, keep_open: bool = True) -> str:
    """A new database with the schema of the migrations and the seeded reference data.

    With keep_open, Tortoise stays initialised on it for the caller (close with `db.close()`).
    """
    from feedback.directory.seed import seed

    url = await create_database(name)
    with timer() as t:
        await db.upgrade(url)
        await db.close()
        await db.init(url)
        report = await seed()
    print(f"[{name}] fresh database {url}: migrated and seeded ({report}) in {t.seconds:.1f} s")
    if not keep_open:
        await db.close()
    return url


class _Timer:
    start: float = 0.0
    end: float | None = None

    @property
    def seconds(self) -> float:
        return (self.end if self.end is not None else time.perf_counter()) - self.start


@contextmanager
def timer():  # noqa: ANN201
    """`with timer() as t: …` then `t.seconds` (also readable inside the block)."""
    t = _Timer()
    t.start = time.perf_counter()
    try:
        yield t
    finally:
        t.end = time.perf_counter()


def machine_jiffies() -> tuple[int, int]:
    """(busy, total) CPU jiffies of the whole machine so far, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def wait_quiet(max_busy: float = 0.25, timeout: float = 120.0) -> float:
    """Wait (at most `timeout` s) until the machine is at most `max_busy` busy over 2 s, so a benchmark
    does not start while someone else's tests hold the CPUs. Returns the last busy fraction seen."""
    deadline = time.monotonic() + timeout
    while True:
        b0, t0 = machine_jiffies()
        time.sleep(2)
        b1, t1 = machine_jiffies()
        busy = (b1 - b0) / max(t1 - t0, 1)
        if busy <= max_busy or time.monotonic() > deadline:
            if busy > max_busy:
                print(f"  (machine still {busy:.0%} busy with other work; measuring anyway)")
            return busy
        print(f"  (machine {busy:.0%} busy with other work; waiting)", flush=True)


def process_cpu(pids: list[int]) -> float:
    """User + system CPU seconds of these processes so far."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError):
            pass
    return total / tick


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "postgresql": _server_version,
        "python": platform.python_version(),
    }


def save(name: str, result: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **result}, indent=2, ensure_ascii=False) + "\n")
    return path


def verdict(value: float, target: float, *, lower_is_better: bool = False) -> str:
    ok = value <= target if lower_is_better else value >= target
    return "PASS" if ok else "MISS"


def banner(text: str) -> None:
    print(f"\n=== {text} ===", flush=True)
