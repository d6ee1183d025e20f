"""Submissions per second through HTTP: uvicorn + Litestar + PostgreSQL, driven by wrk.

For each worker count (default 1, 2, 3): a fresh database, `uvicorn --factory feedback.asgi:create`
on a free port, a 3 s warm-up, then `wrk -t1 -c64 -d20s -s bench/post_feedback.lua`. Afterwards the
database must hold one item per 201 response, with unique codes, and each item its event, its 4
deadline steps and its 2 outbox messages (acknowledgement to the citizen, notice to the unit).

    python bench/submissions.py [--workers 1 2 3] [--duration 20] [--connections 64] [--keep]
    python bench/submissions.py --workers 2 --metrics ab --pairs 3   # the cost of /metrics

`--metrics on` (the default) runs pakn as deployed, with the request metrics summed over the workers
in a fresh PROMETHEUS_MULTIPROC_DIR; `off` sets PAKN_METRICS=off; `ab` alternates on and off runs
(`--pairs` of them, on first) and reports the median of each and their ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import (
    ROOT,
    banner,
    database_url,
    drop_database,
    free_port,
    fresh_database,
    machine_jiffies,
    process_cpu,
    query,
    save,
    verdict,
    wait_quiet,
)

from feedback import db

NAME = "submissions"
TARGET = 1000.0  # submissions/s with 2 workers
LUA = ROOT / "bench" / "post_feedback.lua"
DATA = ROOT / "feedback" / "directory" / "data"
COMMUNES = DATA / "communes.csv"


def routed_categories() -> list[str]:
    """The categories that routing.json sends somewhere (all of them, today)."""
    table = json.loads((DATA / "routing.json").read_text(encoding="utf-8"))
    return sorted(set(table["city"]) | set(table["per_commune"]))


def start_uvicorn(
    url: str, port: int, workers: int, db_params: str = "", metrics: str | None = None
) -> subprocess.Popen:
    """`metrics`: the PROMETHEUS_MULTIPROC_DIR of the run (metrics on), or None (PAKN_METRICS=off)."""
    if db_params:  # e.g. "maxsize=20": Tortoise passes URL parameters to the asyncpg pool
        url = f"{url}?{db_params}"
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    env.update(
        {"PROMETHEUS_MULTIPROC_DIR": metrics, "PAKN_METRICS": "on"} if metrics else {"PAKN_METRICS": "off"}
    )
    env = {
        **env,
        "PAKN_SECRET_KEY": "bench-secret-key-0123456789",
        "PAKN_DATABASE_URL": url,
        "PAKN_SCHEDULER": "off",
        "PAKN_BASE_URL": f"http://127.0.0.1:{port}",
        "PAKN_RATE_LIMIT": "off",  # wrk files everything from one address
    }
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "feedback.asgi:create",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def wait_healthy(port: int, server: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("uvicorn did not become healthy")


def stop(server: subprocess.Popen) -> None:
    """SIGTERM to uvicorn's process group (the master and its workers); SIGKILL if it lingers."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def children_cpu() -> float:
    """CPU seconds of the children we have waited for (wrk; uvicorn is still running)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def our_pids(session: int, database: str) -> dict[str, list[int]]:
    """uvicorn's processes (its session) and the PostgreSQL processes working for this benchmark:
    the backends of our database and the server's own helpers (WAL writer, checkpointer …), not the
    backends of other databases (other people's tests may share the machine)."""
    found: dict[str, list[int]] = {"uvicorn": [], "postgres": []}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            if os.getsid(pid) == session:
                found["uvicorn"].append(pid)
                continue
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        client = "127.0.0.1(" in cmdline or "[local]" in cmdline
        if cmdline.startswith("postgres: ") and (database in cmdline or not client):
            found["postgres"].append(pid)
    return found


def wrk(port: int, seconds: int, connections: int) -> dict:
    command = [
        "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(LUA),
        f"http://127.0.0.1:{port}", "--", str(COMMUNES), ",".join(routed_categories()),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stderr}")
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH_RESULT "))
    result = json.loads(line.removeprefix("BENCH_RESULT "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["rps_201"] = result["created"] / (result["duration_us"] / 1e6)
    wrk_rps = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    result["wrk_requests_per_s"] = float(wrk_rps.group(1)) if wrk_rps else None
    if done.stderr.strip():
        result["stderr"] = done.stderr.strip()[:2000]
    return result


async def check_database(url: str) -> dict[str, int]:
    rows = await query(
        url,
        "SELECT (SELECT count(*) FROM feedback_item) AS items,"
        " (SELECT count(DISTINCT code) FROM feedback_item) AS codes,"
        " (SELECT count(*) FROM event) AS events,"
        " (SELECT count(*) FROM deadline_step) AS steps,"
        " (SELECT count(*) FROM outbox_message) AS outbox,"
        " (SELECT count(DISTINCT unit_id) FROM feedback_item) AS units,"
        " (SELECT count(DISTINCT commune_id) FROM feedback_item) AS communes",
    )
    return rows[0]


def counted_posts(port: int) -> float:
    """POST /api/v1/feedback as /metrics counts them, summed over the workers (any status)."""
    from prometheus_client.parser import text_string_to_metric_families

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode()
    return sum(
        s.value
        for family in text_string_to_metric_families(text)
        if family.name == "pakn_http_requests"
        for s in family.samples
        if s.name.endswith("_total")
        and s.labels["route"] == "/api/v1/feedback"
        and s.labels["method"] == "POST"
    )


async def run_one(
    workers: int, duration: int, connections: int, keep: bool, db_params: str = "", metrics: bool = True
) -> dict:
    with tempfile.TemporaryDirectory(prefix="pakn-bench-metrics-") as folder:
        return await _run_one(workers, duration, connections, keep, db_params, folder if metrics else None)


async def _run_one(
    workers: int, duration: int, connections: int, keep: bool, db_params: str, metrics: str | None
) -> dict:
    state = "on" if metrics else "off"
    banner(
        f"submissions: uvicorn --workers {workers}, wrk -t1 -c{connections} -d{duration}s, metrics {state}"
    )
    url = await fresh_database(NAME)
    await db.close()
    port = free_port()
    server = start_uvicorn(url, port, workers, db_params, metrics)
    posted = None
    try:
        wait_healthy(port, server)
        warm = wrk(port, 3, connections)
        print(f"warm-up: {warm['created']} created, {warm['rps_201']:.0f}/s")
        await asyncio.sleep(1)  # let requests cut off at the end of the warm-up finish
        before = await check_database(url)
        wait_quiet()
        database = url.rsplit("/", 1)[1]
        start = {k: {pid: process_cpu([pid]) for pid in v} for k, v in our_pids(server.pid, database).items()}
        wrk0 = children_cpu()
        busy0, total0 = machine_jiffies()
        result = wrk(port, duration, connections)
        busy1, total1 = machine_jiffies()
        wrk1 = children_cpu()
        # Connections opened during the run (the pools grow under load) count from zero.
        end = {k: {pid: process_cpu([pid]) for pid in v} for k, v in our_pids(server.pid, database).items()}
        cpu_s = {k: sum(c - start[k].get(pid, 0.0) for pid, c in end[k].items()) for k in end}
        cpu_s["wrk"] = wrk1 - wrk0
        wall = (total1 - total0) / os.sysconf("SC_CLK_TCK") / (os.cpu_count() or 1)
        await asyncio.sleep(1)
        after = await check_database(url)
        if metrics:
            posted = counted_posts(port)
    finally:
        stop(server)
    if not keep:
        await drop_database(NAME)

    cpu_percent = {k: round(100 * v / wall) for k, v in cpu_s.items()}
    cpu_percent["machine"] = round(100 * (busy1 - busy0) / (total1 - total0) * (os.cpu_count() or 1))
    cpu_percent["other"] = cpu_percent["machine"] - sum(cpu_percent[k] for k in cpu_s)  # kernel, others
    items = after["items"] - before["items"]
    # wrk stops at the deadline with up to `connections` requests in flight: the server may still commit
    # them, so the database can hold a few more items than wrk counted 201s, never fewer.
    in_flight = items - result["created"]
    checks = {
        "items_match_201": 0 <= in_flight <= connections,
        "codes_unique": after["codes"] == after["items"],
        "one_event_each": after["events"] == after["items"],
        "four_steps_each": after["steps"] == 4 * after["items"],
        "two_mails_each": after["outbox"] == 2 * after["items"],
        "no_errors": result["non201"] == 0 and not any(result["errors"].values()),
    }
    if metrics:
        # Every worker's count, summed: at least every answer wrk saw (warm-up and run).
        checks["metrics_count_every_post"] = (
            posted is not None and posted >= warm["requests"] + result["requests"]
        )
    lat = result["latency_us"]
    summary = {
        "workers": workers,
        "metrics": state,
        "metrics_posts_counted": posted,
        "connections": connections,
        "db_params": db_params,
        "seconds": round(result["duration_us"] / 1e6, 2),
        "created": result["created"],
        "non201": result["non201"],
        "errors": result["errors"],
        "submissions_per_s": round(result["rps_201"], 1),
        "latency_ms": {k: round(v / 1000, 1) for k, v in lat.items()},
        "db_items": items,
        "in_flight_at_stop": in_flight,
        "distinct_units": after["units"],
        "distinct_communes": after["communes"],
        # Percent of one core (the machine has os.cpu_count() × 100 %); "machine" is everything,
        # including wrk and anything else running at the time.
        "cpu_percent": cpu_percent,
        # CPU milliseconds per submission: what the 2 cores must be shared out among
        "cpu_ms_each": {
            k: round(10 * cpu_percent[k] * wall / max(result["created"], 1), 2)
            for k in ("uvicorn", "postgres")
        },
        "checks": checks,
    }
    print(
        f"workers={workers}, metrics {state}: {summary['submissions_per_s']:.0f} submissions/s ({result['created']} × 201,"
        f" {result['non201']} other, errors {result['errors']}), latency p50 {summary['latency_ms']['p50']} ms"
        f" p99 {summary['latency_ms']['p99']} ms; CPU % of a core: {summary['cpu_percent']};"
        f" CPU ms per submission: {summary['cpu_ms_each']}"
    )
    print(f"  database: {after} (+{items} items, {in_flight} in flight at stop); checks: {checks}")
    return summary


async def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--keep", action="store_true", help="keep the database of the last run")
    parser.add_argument("--db-params", default="", help="query string for PAKN_DATABASE_URL, e.g. maxsize=20")
    parser.add_argument("--metrics", choices=("on", "off", "ab"), default="on")
    parser.add_argument(
        "--pairs", type=int, default=3, help="with --metrics ab: on/off pairs per worker count"
    )
    args = parser.parse_args(argv)
    plan = {"on": [True], "off": [False], "ab": [True, False] * args.pairs}[args.metrics]
    runs = [
        await run_one(w, args.duration, args.connections, args.keep, args.db_params, metrics)
        for w in args.workers
        for metrics in plan
    ]
    main_run = next((r for r in runs if r["workers"] == 2), runs[-1])
    comparison = compare(runs) if args.metrics == "ab" else None
    result = {
        "benchmark": NAME,
        "target": f">= {TARGET:.0f} submissions/s (2 workers)",
        "value": main_run["submissions_per_s"],
        "verdict": verdict(main_run["submissions_per_s"], TARGET),
        "ok": all(all(r["checks"].values()) for r in runs),
        "runs": runs,
    }
    if comparison:
        result["metrics_cost"] = comparison
    banner("submissions summary")
    for r in runs:
        print(
            f"  {r['workers']} worker(s): {r['submissions_per_s']:>7.0f} /s  p50 {r['latency_ms']['p50']:>6} ms"
            f"  p99 {r['latency_ms']['p99']:>6} ms  checks {'ok' if all(r['checks'].values()) else r['checks']}"
        )
    for workers, c in (comparison or {}).items():
        print(
            f"  {workers} worker(s): median with metrics {c['on']:.0f} /s, without {c['off']:.0f} /s,"
            f" ratio {c['ratio']:.3f} (pairs: {c['pair_ratios']})"
        )
    print(f"  target {result['target']}: {result['verdict']} ({result['value']:.0f}/s)")
    print(f"  results: {save(NAME, result)}")
    if not args.keep:
        print(f"  dropped {database_url(NAME).rsplit('/', 1)[1]}")
    return result


def compare(runs: list[dict]) -> dict[int, dict]:
    """Per worker count: the median rate with and without metrics, their ratio, and each pair's."""
    found = {}
    for workers in sorted({r["workers"] for r in runs}):
        on = [r["submissions_per_s"] for r in runs if r["workers"] == workers and r["metrics"] == "on"]
        off = [r["submissions_per_s"] for r in runs if r["workers"] == workers and r["metrics"] == "off"]
        found[workers] = {
            "on": statistics.median(on),
            "off": statistics.median(off),
            "ratio": round(statistics.median(on) / statistics.median(off), 3),
            "pair_ratios": [round(a / b, 3) for a, b in zip(on, off, strict=False)],
        }
    return found


if __name__ == "__main__":
    outcome = asyncio.run(main())
    sys.exit(0 if outcome["ok"] else 1)
