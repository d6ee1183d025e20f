"""What the request metrics cost per request, measured where a shared machine cannot blur it: one
process, two apps on one PostgreSQL database (`PAKN_METRICS=on` and `off`), batches of the intake's
`POST /api/v1/feedback` sent to each in turn (A B A B …) through the ASGI interface, CPU time of this
process per request (PostgreSQL's own work is the same for both and not counted). The request
counters are kept as with several workers: in files under a fresh PROMETHEUS_MULTIPROC_DIR.

    python bench/metrics_cost.py [--rounds 12] [--batch 200]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import statistics
import sys
import tempfile
import time

os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="pakn-bench-metrics-")  # before the import

import httpx  # noqa: E402
from common import drop_database, fresh_database, save  # noqa: E402

from feedback import db  # noqa: E402
from feedback.app import create_app  # noqa: E402
from feedback.settings import Settings  # noqa: E402

NAME = "metrics_cost"


def body(n: int) -> dict:
    return {
        "title": f"Rác thải ùn ứ tại ngõ {n % 200 + 1}",
        "content": f"Rác thải sinh hoạt không được thu gom ba ngày nay, bốc mùi hôi thối (lần {n}).",
        "category": "moi-truong",
        "commune": "09556",
        "address": f"Số {n % 500 + 1} phố Quang Trung",
        "citizen": {
            "name": "Nguyễn Văn An",
            "phone": f"09{n % 100000000:08d}",
            "email": f"nguoidan{n}@example.vn",
            "address": "Số 8 ngõ 12 Quang Trung, Hà Đông",
        },
    }


async def batch(client: httpx.AsyncClient, start: int, size: int) -> float:
    """CPU seconds of this process per request, over `size` filings."""
    cpu = time.process_time()
    for n in range(start, start + size):
        response = await client.post("/api/v1/feedback", json=body(n))
        if response.status_code != 201:
            sys.exit(f"filing failed: {response.status_code} {response.text}")
    return (time.process_time() - cpu) / size


async def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args(argv)
    url = await fresh_database(NAME)
    base = Settings(
        database_url=url, secret_key="bench-secret-key-0123456789", rate_limit=None, scheduler=False
    )
    apps = {
        "on": create_app(base, init_db=False, background=False),
        "off": create_app(dataclasses.replace(base, metrics=False), init_db=False, background=False),
    }
    clients = {
        k: httpx.AsyncClient(transport=httpx.ASGITransport(app=a), base_url="http://b")
        for k, a in apps.items()
    }
    per_request: dict[str, list[float]] = {"on": [], "off": []}
    n = 0
    try:
        for k in ("on", "off"):  # warm-up: reference data, prepared statements, the metric children
            n += args.batch
            await batch(clients[k], n, args.batch)
        for _ in range(args.rounds):
            for k in ("on", "off"):
                n += args.batch
                per_request[k].append(await batch(clients[k], n, args.batch))
        counted = (await clients["on"].get("/metrics")).text
        assert 'route="/api/v1/feedback"' in counted, "the requests were not counted"
    finally:
        for c in clients.values():
            await c.aclose()
        await db.close()
        await drop_database(NAME)
    on, off = statistics.median(per_request["on"]), statistics.median(per_request["off"])
    pairs = [a / b for a, b in zip(per_request["on"], per_request["off"], strict=True)]
    result = {
        "benchmark": NAME,
        "cpu_ms_per_request": {"on": round(on * 1000, 3), "off": round(off * 1000, 3)},
        "ratio_on_off": round(on / off, 4),
        "pair_ratios": [round(p, 3) for p in pairs],
        "median_pair_ratio": round(statistics.median(pairs), 4),
        "rounds": args.rounds,
        "batch": args.batch,
    }
    print(
        f"CPU per filing: metrics on {on * 1000:.3f} ms, off {off * 1000:.3f} ms; ratio {on / off:.4f}"
        f" (median of {args.rounds} pairs {statistics.median(pairs):.4f}; pairs {result['pair_ratios']})"
    )
    print(f"results: {save(NAME, result)}")
    return result


if __name__ == "__main__":
    asyncio.run(main())
