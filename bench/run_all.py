"""Run the benchmarks one after the other and print one table against the targets.

    python bench/run_all.py [--quick] [--keep]

Each benchmark runs in its own Python process (as `python bench/<name>.py`), writes
bench/results/<name>.json and drops its database at the end unless --keep. --quick runs small
versions (a smoke test of the scripts, about a minute), whose numbers mean nothing.
Exit status 0 only when every benchmark's checks passed and every target was met.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
QUICK = {
    "submissions": ["--workers", "2", "--duration", "3"],
    "sweep": ["--items", "20000", "--due", "2000"],
    "delivery": ["--messages", "500", "--concurrency", "4"],
    "search": ["--items", "20000", "--runs", "5"],
    "conference_export": ["--questions", "500", "--runs", "2"],
    "reports": ["--items", "20000", "--runs", "2"],
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--only", nargs="+", choices=list(QUICK), default=list(QUICK))
    args = parser.parse_args()

    results, failed = {}, []
    for name in args.only:
        extra = (QUICK[name] if args.quick else []) + (["--keep"] if args.keep else [])
        path = BENCH / "results" / f"{name}.json"
        path.unlink(missing_ok=True)  # a stale result must not pass for this run's
        done = subprocess.run([sys.executable, str(BENCH / f"{name}.py"), *extra], timeout=1800)
        if done.returncode != 0:
            failed.append(name)
        if path.exists():
            results[name] = json.loads(path.read_text())

    print("\n=== pakn benchmarks" + (" (quick: numbers mean nothing)" if args.quick else "") + " ===")
    machine = next(iter(results.values()), {}).get("machine", {})
    if machine:
        print(f"  {machine['nproc']} CPUs ({machine['cpu']}), PostgreSQL {machine['postgresql']}")
    units = {
        "submissions": "submissions/s",
        "sweep": "s",
        "delivery": "messages/s",
        "search": "ms (p95)",
        "conference_export": "s (p50)",
        "reports": "s (slowest)",
    }
    for name in args.only:
        r = results.get(name)
        if r is None:
            print(f"  {name:<12} no result")
            continue
        checks = "checks ok" if r["ok"] else "CHECKS FAILED"
        print(
            f"  {name:<12} {r['value']:>9,.1f} {units[name]:<14} target {r['target']:<45} {r['verdict']}  {checks}"
        )
    missed = [n for n, r in results.items() if r["verdict"] != "PASS"]
    return 1 if failed or missed else 0


if __name__ == "__main__":
    sys.exit(main())
