"""`GET /metrics`: the Prometheus text format, for a monitor only (SPEC §11).

With PAKN_METRICS_TOKEN set, a request must carry `Authorization: Bearer <token>` (401 otherwise;
compared in constant time). Without it, only loopback clients may read (403 otherwise): the client's
address as pakn decides it everywhere, X-Forwarded-For believed only from PAKN_TRUSTED_PROXIES
(feedback/security/client.py), so a citizen behind the local nginx is not "loopback".
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
from collections.abc import Iterable
from datetime import datetime

from litestar import Request, Response, get
from prometheus_client import generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from feedback import clock
from feedback.metrics import requests, scrape
from feedback.security.client import app_settings, client_address
from feedback.settings import Settings

log = logging.getLogger("pakn.metrics")

DATABASE_TIMEOUT = 10.0  # seconds for the scrape's reads
NEEDS_TOKEN = "Cần mã truy cập (Authorization: Bearer) để đọc số liệu giám sát"
LOOPBACK_ONLY = "Chỉ được đọc số liệu giám sát từ chính máy chủ (hoặc đặt PAKN_METRICS_TOKEN)"


def refusal(request: Request, settings: Settings) -> Response | None:
    """The 401 or 403 this request gets, or None when it may read the metrics."""
    if settings.metrics_token:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        expected = settings.metrics_token.encode()
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected):
            return Response(
                {"status_code": 401, "detail": NEEDS_TOKEN},
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="pakn metrics"'},
            )
        return None
    if not is_loopback(client_address(request, settings)):
        return Response({"status_code": 403, "detail": LOOPBACK_ONLY}, status_code=403)
    return None


def is_loopback(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


class _Families:
    """A collector of metric families already read (generate_latest asks for `collect()`)."""

    def __init__(self, families: Iterable[Metric]) -> None:
        self.families = list(families)

    def collect(self) -> Iterable[Metric]:
        return self.families


def families(readings: scrape.Readings | None, now: datetime) -> list[Metric]:
    """The database's metrics; only `pakn_database_up 0` when the database did not answer."""
    up = GaugeMetricFamily("pakn_database_up", "1 when the scrape could read the database")
    up.add_metric([], 1 if readings else 0)
    if readings is None:
        return [up]
    outbox = readings.outbox
    messages = GaugeMetricFamily("pakn_outbox_messages", "Outbox messages by state", labels=["state"])
    for state, count in outbox.messages.items():
        messages.add_metric([state], count)
    oldest = GaugeMetricFamily(
        "pakn_outbox_oldest_pending_seconds", "Age of the oldest message waiting to be sent (0: none)"
    )
    oldest.add_metric([], outbox.backlog(now).oldest_pending_seconds or 0)
    items = GaugeMetricFamily("pakn_feedback_open", "Open feedback items, overdue or not", labels=["overdue"])
    items.add_metric(["true"], readings.overdue_items)
    items.add_metric(["false"], readings.open_items - readings.overdue_items)
    sweep = GaugeMetricFamily(
        "pakn_sweep_last_success_timestamp_seconds",
        "Unix time of the last completed deadline sweep of any scheduler (0: never)",
    )
    sweep.add_metric([], readings.last_sweep.timestamp() if readings.last_sweep else 0)
    fired = CounterMetricFamily(
        "pakn_deadline_steps_fired", "Deadline steps fired by the sweeps, by kind", labels=["kind"]
    )
    for kind, count in readings.steps_fired.items():
        fired.add_metric([kind], count)
    sent = CounterMetricFamily("pakn_mail_sent", "E-mail messages the SMTP server accepted")
    sent.add_metric([], outbox.sent)
    failures = CounterMetricFamily(
        "pakn_mail_failures",
        "Failed deliveries: permanent (message given up), temporary (a try put back for later)",
        labels=["kind"],
    )
    failures.add_metric(["permanent"], outbox.given_up)
    failures.add_metric(["temporary"], outbox.retried)
    return [up, messages, oldest, items, sweep, fired, sent, failures]


async def _read(now: datetime) -> scrape.Readings | None:
    try:
        return await asyncio.wait_for(scrape.read(now), timeout=DATABASE_TIMEOUT)
    except Exception as exc:  # noqa: BLE001 - the request metrics are still worth a scrape
        log.warning("metrics: the database did not answer: %s", type(exc).__name__)
        return None


@get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    """Every metric of docs/operations.md (Monitoring), for Prometheus."""
    settings = app_settings(request)
    refused = refusal(request, settings)
    if refused is not None:
        return refused
    now = clock.now()
    readings = await _read(now)
    body = generate_latest(requests.registry()) + generate_latest(_Families(families(readings, now)))
    return Response(body, media_type=CONTENT_TYPE_PLAIN_0_0_4, headers={"Cache-Control": "no-store"})
