"""What one /metrics scrape costs in the database: `feedback.metrics.scrape.read` (and each of its
statements) on the database that `bench/sweep.py --keep` leaves behind: 1,000,000 items, 4,000,000
steps of which the sweep fired 100,000, and the 285,714 messages it queued; a second outbox of
`--sent` rows marked sent, as a year of delivered mail would be.

    python bench/sweep.py --keep && python bench/metrics_scrape.py [--runs 7] [--sent 2000000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from common import database_url, save

from feedback import clock, db
from feedback.health import last_sweep
from feedback.metrics import scrape
from notifications.backlog import totals

NAME = "metrics_scrape"


async def _timed(runs: int, action) -> dict:  # noqa: ANN001
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        await action()
        seconds.append(time.perf_counter() - start)
    return {"median_ms": round(1000 * statistics.median(seconds), 1), "max_ms": round(1000 * max(seconds), 1)}


async def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sent", type=int, default=2_000_000, help="extra sent messages to add (0: none)")
    args = parser.parse_args(argv)
    url = database_url("sweep")
    await db.init(url)
    try:
        have = (await db.fetch("SELECT COUNT(*) AS n FROM outbox_message WHERE key LIKE 'bench-sent:%'"))[0][
            "n"
        ]
        if args.sent and not have:
            print(f"adding {args.sent:,} sent messages …", flush=True)
            await db.execute(
                "INSERT INTO outbox_message (key, kind, to_addr, to_name, thread, context, status, attempts,"
                " next_attempt_at, created_at, sent_at, last_error, message_id)"
                " SELECT 'bench-sent:' || g, 'ack', '', '', '', '{}', 'sent', 1 + (g % 50 = 0)::int, now(),"
                " now() - interval '300 days', now(), '', '' FROM generate_series(1, $1) AS g",
                args.sent,
            )
            await db.execute("VACUUM ANALYZE outbox_message")
        sizes = (
            await db.fetch(
                "SELECT (SELECT COUNT(*) FROM feedback_item) AS items, (SELECT COUNT(*) FROM deadline_step) AS steps,"
                " (SELECT COUNT(*) FROM deadline_step WHERE sweep IS NOT NULL) AS fired,"
                " (SELECT COUNT(*) FROM outbox_message) AS messages"
            )
        )[0]
        print(f"database {url}: {sizes}")
        now = clock.now()
        await scrape.read(now)  # warm the caches, as a scrape every 30 s finds them
        result = {
            "benchmark": NAME,
            "database": sizes,
            "statements": {
                "steps fired (deadline_step + conference_step, sweep IS NOT NULL)": await _timed(
                    args.runs, lambda: db.fetch(scrape._FIRED)
                ),
                "open and overdue items": await _timed(args.runs, lambda: db.fetch(scrape._OPEN, now)),
                "outbox totals by state": await _timed(args.runs, totals),
                "last sweep": await _timed(args.runs, last_sweep),
            },
            "scrape": await _timed(args.runs, lambda: scrape.read(now)),
        }
        for name, timing in result["statements"].items():
            print(f"  {name}: median {timing['median_ms']} ms (max {timing['max_ms']})")
        print(
            f"  whole scrape.read: median {result['scrape']['median_ms']} ms (max {result['scrape']['max_ms']})"
        )
        print(f"  results: {save(NAME, result)}")
        return result
    finally:
        await db.close()


if __name__ == "__main__":
    asyncio.run(main())
