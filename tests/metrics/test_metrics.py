"""/metrics (SPEC §11): every named metric with its labels, counters that move with what they count
(a request, a sweep that fires steps, mail a real SMTP server accepts or refuses), and who may read."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from feedback import clock, db
from feedback.app import create_app
from feedback.metrics.api import is_loopback
from feedback.metrics.scrape import STEP_KINDS, step_label
from scheduler.jobs import deliver_job, sweep_job
from tests.helpers import citizen_body

TOKEN = "metrics-token-0123456789abcdef"

# name (as the parser reports a family) → its type and its labels (besides `le` of a histogram).
NAMED = {
    "pakn_http_requests": ("counter", {"method", "route", "status"}),
    "pakn_http_request_duration_seconds": ("histogram", {"method", "route"}),
    "pakn_outbox_messages": ("gauge", {"state"}),
    "pakn_outbox_oldest_pending_seconds": ("gauge", set()),
    "pakn_feedback_open": ("gauge", {"overdue"}),
    "pakn_sweep_last_success_timestamp_seconds": ("gauge", set()),
    "pakn_deadline_steps_fired": ("counter", {"kind"}),
    "pakn_mail_sent": ("counter", set()),
    "pakn_mail_failures": ("counter", {"kind"}),
}


async def scrape(client: httpx.AsyncClient, **headers: str) -> dict[str, dict[tuple, float]]:
    """family → {(sample name, sorted labels): value}, read with prometheus_client's own parser."""
    response = await client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    found: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(response.text):
        samples = found.setdefault(family.name, {})
        samples["__type__"] = family.type  # type: ignore[assignment]
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return found


def value(found: dict, family: str, sample: str | None = None, **labels: str) -> float:
    return found[family].get((sample or family, tuple(sorted(labels.items()))), 0.0)


async def test_every_named_metric_is_there_with_its_labels(client) -> None:
    await client.get("/health")
    found = await scrape(client)
    for name, (kind, labels) in NAMED.items():
        assert name in found, name
        assert found[name]["__type__"] == kind, name
        seen = {k for key in found[name] if key != "__type__" for k, _ in key[1]} - {"le"}
        assert seen == labels, (name, seen)
    assert {dict(k[1])["state"] for k in found["pakn_outbox_messages"] if k != "__type__"} == {
        "pending", "sending", "sent", "failed",
    }  # fmt: skip
    kinds = {dict(k[1])["kind"] for k in found["pakn_deadline_steps_fired"] if k != "__type__"}
    assert set(STEP_KINDS) <= kinds and "progress" in kinds
    assert value(found, "pakn_database_up") == 1


async def test_requests_are_counted_by_route_template_never_the_raw_path(client) -> None:
    route = "/api/v1/feedback/{code}"
    before = await scrape(client)
    for code in ("HN-A", "HN-B", "HN-C"):
        await client.get(f"/api/v1/feedback/{code}")
    await client.get("/khong-co-trang-nay/123")
    await client.request("BREW", "/health")
    found = await scrape(client)

    def delta(family: str, sample: str, **labels: str) -> float:
        return value(found, family, sample, **labels) - value(before, family, sample, **labels)

    statuses = {
        dict(k[1])["status"] for k in found["pakn_http_requests"]
        if k != "__type__" and dict(k[1])["route"] == route
    }  # fmt: skip
    assert statuses, found["pakn_http_requests"]
    total = sum(delta("pakn_http_requests", "pakn_http_requests_total", method="GET", route=route, status=s)
                for s in statuses)  # fmt: skip
    assert total == 3
    assert delta("pakn_http_request_duration_seconds", "pakn_http_request_duration_seconds_count",
                 method="GET", route=route) == 3  # fmt: skip
    assert delta("pakn_http_requests", "pakn_http_requests_total",
                 method="GET", route="unmatched", status="404") == 1  # fmt: skip
    assert sum(v for k, v in found["pakn_http_requests"].items()
               if k != "__type__" and dict(k[1])["method"] == "other") >= 1  # fmt: skip
    text = (await client.get("/metrics")).text
    assert "HN-A" not in text and "khong-co-trang-nay" not in text and "BREW" not in text


async def test_feedback_and_outbox_gauges_follow_the_database(client, frozen_clock, settings) -> None:
    assert (await client.post("/api/v1/feedback", json=citizen_body())).status_code == 201
    frozen_clock.advance(minutes=10)
    found = await scrape(client)
    queued = (await db.fetch("SELECT COUNT(*) AS n FROM outbox_message"))[0]["n"]
    assert value(found, "pakn_outbox_messages", state="pending") == queued > 0
    assert value(found, "pakn_outbox_oldest_pending_seconds") == 600
    assert value(found, "pakn_feedback_open", overdue="false") == 1
    assert value(found, "pakn_feedback_open", overdue="true") == 0
    assert value(found, "pakn_sweep_last_success_timestamp_seconds") == 0  # no sweep yet
    # Past its deadline the item is overdue, by the one rule of items/vocabulary.py.
    due = (await db.fetch("SELECT due_at FROM feedback_item"))[0]["due_at"]
    frozen_clock.set(clock.now() + (_aware(due) - clock.now()) + timedelta(seconds=1))
    await sweep_job(settings)
    found = await scrape(client)
    assert value(found, "pakn_feedback_open", overdue="true") == 1
    assert value(found, "pakn_sweep_last_success_timestamp_seconds") == clock.now().timestamp()


async def test_steps_fired_and_mail_sent_and_failed_move_the_counters(
    client, frozen_clock, settings, mailbox
) -> None:
    assert (await client.post("/api/v1/feedback", json=citizen_body())).status_code == 201
    before = await scrape(client)
    # The reminder falls due: the sweep fires it (the overdue and escalation steps stay ahead).
    await db.execute("UPDATE deadline_step SET due_at = $1 WHERE kind = 'reminder'", clock.now())
    await sweep_job(settings)
    found = await scrape(client)
    fired = value(found, "pakn_deadline_steps_fired", "pakn_deadline_steps_fired_total", kind="reminder")
    assert fired - value(before, "pakn_deadline_steps_fired", "pakn_deadline_steps_fired_total",
                         kind="reminder") == 1  # fmt: skip

    queued = (await db.fetch("SELECT COUNT(*) AS n FROM outbox_message WHERE status = 'pending'"))[0]["n"]
    assert queued >= 3  # acknowledgement, notice to the unit, the reminder
    # The server refuses the first message for now, and the second for good; the rest go through.
    mailbox.next_data_replies.extend(["451 4.3.0 Try again later", "550 5.1.1 No such mailbox"])
    try:
        await deliver_job(settings)
    finally:
        mailbox.next_data_replies.clear()
    found = await scrape(client)
    assert value(found, "pakn_mail_sent", "pakn_mail_sent_total") == len(mailbox.messages) == queued - 2
    assert value(found, "pakn_mail_failures", "pakn_mail_failures_total", kind="temporary") == 1
    assert value(found, "pakn_mail_failures", "pakn_mail_failures_total", kind="permanent") == 1
    assert value(found, "pakn_outbox_messages", state="failed") == 1
    # The retry goes through after its back-off: one more sent, the failure counts stay.
    frozen_clock.advance(minutes=2)
    await deliver_job(settings)
    found = await scrape(client)
    assert value(found, "pakn_mail_sent", "pakn_mail_sent_total") == queued - 1
    assert value(found, "pakn_mail_failures", "pakn_mail_failures_total", kind="temporary") == 1
    assert value(found, "pakn_outbox_messages", state="pending") == 0


def test_numbered_steps_count_as_their_rung() -> None:
    assert step_label("progress_12") == "progress"
    assert step_label("reminder") == "reminder"


# --- who may read -------------------------------------------------------------------------------


def _client(settings, peer: str, **headers: str) -> httpx.AsyncClient:  # noqa: ANN001
    app = create_app(settings, init_db=False, background=False)
    transport = httpx.ASGITransport(app=app, client=(peer, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://test", headers=headers)


async def test_without_a_token_only_loopback_clients_may_read(database_clean, settings) -> None:
    async with _client(settings, "127.0.0.1") as local:
        assert (await local.get("/metrics")).status_code == 200
    async with _client(settings, "::1") as local6:
        assert (await local6.get("/metrics")).status_code == 200
    async with _client(settings, "203.0.113.7") as remote:
        response = await remote.get("/metrics")
        assert response.status_code == 403
        assert "máy chủ" in response.json()["detail"]
        assert "pakn_" not in response.text


async def test_a_forwarded_address_counts_only_from_a_trusted_proxy(database_clean, settings) -> None:
    # nginx on the same machine connects from 127.0.0.1: the client is the address it forwards.
    proxied = dataclasses.replace(settings, trusted_proxies=("127.0.0.1/32",))
    async with _client(proxied, "127.0.0.1", **{"X-Forwarded-For": "203.0.113.7"}) as through_nginx:
        assert (await through_nginx.get("/metrics")).status_code == 403
    async with _client(settings, "203.0.113.7", **{"X-Forwarded-For": "127.0.0.1"}) as spoofing:
        assert (await spoofing.get("/metrics")).status_code == 403


async def test_with_a_token_it_is_needed_from_anywhere(database_clean, settings) -> None:
    guarded = dataclasses.replace(settings, metrics_token=TOKEN)
    for peer in ("127.0.0.1", "203.0.113.7"):
        async with _client(guarded, peer) as anonymous:
            response = await anonymous.get("/metrics")
            assert response.status_code == 401
            assert response.headers["www-authenticate"].startswith("Bearer")
        async with _client(guarded, peer, Authorization=f"Bearer {TOKEN[:-1]}x") as wrong:
            assert (await wrong.get("/metrics")).status_code == 401
        async with _client(guarded, peer, Authorization=f"Basic {TOKEN}") as other_scheme:
            assert (await other_scheme.get("/metrics")).status_code == 401
        async with _client(guarded, peer, Authorization=f"Bearer {TOKEN}") as monitor:
            response = await monitor.get("/metrics")
            assert response.status_code == 200 and "pakn_mail_sent_total" in response.text


async def test_metrics_off_leaves_no_endpoint(database_clean, settings) -> None:
    async with _client(dataclasses.replace(settings, metrics=False), "127.0.0.1") as local:
        assert (await local.get("/metrics")).status_code == 404


@pytest.mark.parametrize(
    ("address", "loopback"),
    [("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("::ffff:127.0.0.1", True),
     ("10.0.0.1", False), ("203.0.113.7", False), ("unknown", False), ("", False)],
)  # fmt: skip
def test_loopback(address: str, loopback: bool) -> None:
    assert is_loopback(address) is loopback


def _aware(value):  # noqa: ANN001, ANN202
    from datetime import UTC, datetime

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def test_the_settings_of_metrics() -> None:
    from feedback.settings import Settings, SettingsError

    assert Settings.from_env(environ={}).metrics is True
    assert Settings.from_env(environ={}).metrics_token == ""
    assert Settings.from_env(environ={"PAKN_METRICS": "off"}).metrics is False
    assert Settings.from_env(environ={"PAKN_METRICS_TOKEN": f" {TOKEN} "}).metrics_token == TOKEN
    for bad in ("too-short", "has spaces in the middle of it", "khóa-có-dấu-0123456789"):
        with pytest.raises(SettingsError, match="PAKN_METRICS_TOKEN"):
            Settings.from_env(environ={"PAKN_METRICS_TOKEN": bad})
    with pytest.raises(SettingsError, match="PAKN_METRICS"):
        Settings.from_env(environ={"PAKN_METRICS": "maybe"})
