"""Per-request metrics, counted in each web process: `pakn_http_requests_total{method,route,status}`
and `pakn_http_request_duration_seconds{method,route}`.

`route` is the route's template as Litestar matched it (`/api/v1/feedback/{code:str}`), never the raw
path: a path names a tracking code or a token, and every distinct value would be a new series. A path
that matches no route (404, 405) is `unmatched`; a method outside HTTP's usual ones is `other`.

Several worker processes (`pakn serve --workers N`, or uvicorn's `--workers`) each count their own
requests; prometheus_client's multiprocess mode adds them up: with PROMETHEUS_MULTIPROC_DIR set in
the environment *before the process starts* (prometheus_client reads it once, at import), every
process writes its values to files there and a scrape of any worker sums them (`registry()`). The
directory should be emptied when the service starts: files of an earlier run are summed in (the
counters carry on from them rather than restarting at 0, which Prometheus' rate() takes either way),
and one file per process id accumulates. `pakn serve` empties it; under systemd a RuntimeDirectory is
new at every start (deploy/systemd). One directory per service and machine: each machine is its own
Prometheus target. The scheduler needs none: what it does is counted from the database (scrape.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from litestar.types import Scope
from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED = "unmatched"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Seconds: pakn answers most requests in a few milliseconds; a report or an export takes seconds.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

# No `*_created` series beside each counter and histogram (multiprocess mode has none either).
disable_created_metrics()
# This process's own registry: the tests build many apps in one process, and the default registry
# would also carry the process and platform collectors, which mean nothing once summed over workers.
OWN = CollectorRegistry(auto_describe=True)
REQUESTS = Counter(
    "pakn_http_requests",
    "HTTP requests answered, by method, route template and status",
    ("method", "route", "status"),
    registry=OWN,
)
DURATION = Histogram(
    "pakn_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route template",
    ("method", "route"),
    buckets=BUCKETS,
    registry=OWN,
)

# (method, route, status) → the two children to bump: labels() takes a lock and builds a key each time.
_children: dict[tuple[str, str, int], tuple[Callable[[], None], Callable[[float], None]]] = {}


def observe(scope: Scope, status: int, seconds: float) -> None:
    """Count one answered request (feedback/security/http.py's RequestLog calls this as it logs)."""
    method = scope.get("method", "")
    if method not in METHODS:
        method = "other"
    route = scope.get("path_template") or UNMATCHED
    key = (method, route, status)
    found = _children.get(key)
    if found is None:
        found = (REQUESTS.labels(method, route, str(status)).inc, DURATION.labels(method, route).observe)
        _children[key] = found
    found[0]()
    found[1](seconds)


def multiprocess() -> bool:
    return bool(os.environ.get(MULTIPROC_ENV))


def prepare_directory() -> None:
    """Create PROMETHEUS_MULTIPROC_DIR if it is set and missing (a worker that cannot write there would
    fail every request). Never empties it: sibling workers are already writing."""
    if folder := os.environ.get(MULTIPROC_ENV, "").strip():
        Path(folder).mkdir(parents=True, exist_ok=True)


def registry() -> CollectorRegistry:
    """What to expose: this process's registry, or every process's files in multiprocess mode."""
    if not multiprocess():
        return OWN
    combined = CollectorRegistry()
    MultiProcessCollector(combined)
    return combined
