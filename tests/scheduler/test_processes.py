"""How pakn's processes run: their log lines (SPEC §11) and the client address uvicorn hands the app."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
from datetime import timedelta

import httpx
import uvicorn
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from feedback import clock, logs
from feedback.cli import uvicorn_options
from feedback.settings import RateLimit, Settings
from scheduler.jobs import deliver_job, sweep_job
from tests.helpers import citizen_body, staff_headers


def _formatted(log_format: str, record: logging.LogRecord) -> str:
    config = logs.logging_dict(log_format)
    formatter = logging.Formatter(config["formatters"]["standard"].get("format"))
    if "()" in config["formatters"]["standard"]:
        formatter = config["formatters"]["standard"]["()"]()
    return formatter.format(record)


def test_every_line_has_time_and_level_as_text_or_json() -> None:
    record = logging.LogRecord("pakn.scheduler", logging.INFO, __file__, 1, "deliver: sent %d", (3,), None)
    text = _formatted("text", record)
    assert text.split(" ")[0].count("-") == 2 and " INFO pakn.scheduler: deliver: sent 3" in text
    line = json.loads(_formatted("json", record))
    assert line["level"] == "INFO" and line["message"] == "deliver: sent 3" and line["time"].startswith("20")
    assert Settings.from_env({"PAKN_LOG_FORMAT": "json"}, env_file=None).log_format == "json"


def test_skipped_scheduler_ticks_do_not_flood_the_log() -> None:
    stream = io.StringIO()
    logs.configure("text")
    logging.getLogger().handlers[0].setStream(stream)
    try:
        skipped = 'Execution of job "deliver_job" skipped: maximum number of running instances reached (1)'
        for _ in range(3):
            logging.getLogger("apscheduler.scheduler").warning(skipped)
        logging.getLogger("apscheduler.scheduler").warning("Scheduler has been shut down")
        logging.getLogger("mail.log").info("RCPT TO:<dan@example.vn>")  # the demo catcher's chatter
    finally:
        logging.getLogger().handlers[0].setStream(None)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1 and "WARNING apscheduler.scheduler: Scheduler has been shut down" in lines[0]


async def test_the_scheduler_says_what_each_sweep_and_delivery_did(
    client, frozen_clock, settings, mailbox, caplog
) -> None:
    desk = await staff_headers(client, "motcua@test.vn", "desk", "TT-HCC")
    body = citizen_body(channel="postal", received_at=(clock.now() - timedelta(weeks=6)).isoformat())
    assert (await client.post("/api/v1/staff/feedback", json=body, headers=desk)).status_code == 201
    with caplog.at_level(logging.INFO, logger="pakn"):
        await sweep_job(settings)
        await deliver_job(settings)
    lines = [r.getMessage() for r in caplog.records if r.name == "pakn.scheduler"]
    assert any(line.startswith("sweep: fired") for line in lines), lines
    assert any(line.startswith("deliver: sent") for line in lines), lines
    assert not any("@" in line for line in lines)  # counts and kinds, no addresses


def test_pakn_serve_leaves_the_client_address_to_pakn(settings) -> None:
    options = uvicorn_options(settings, "127.0.0.1", 8000)
    assert options["proxy_headers"] is False and options["access_log"] is False
    config = uvicorn.Config(lambda scope, receive, send: None, **options)
    config.load()
    assert not isinstance(config.loaded_app, ProxyHeadersMiddleware)


async def test_forwarded_for_from_an_untrusted_local_peer_is_ignored(
    database_clean, settings, frozen_clock
) -> None:
    """A proxy on 127.0.0.1 passing X-Forwarded-For through must not give each request a new address."""
    from feedback.app import create_app

    limited = dataclasses.replace(settings, rate_limit=RateLimit(1, 60), trusted_proxies=())
    config = uvicorn.Config(
        create_app(limited, init_db=False, background=False), **uvicorn_options(limited, "127.0.0.1", 8000)
    )
    config.load()  # the app exactly as uvicorn would serve it, middleware included
    transport = httpx.ASGITransport(app=config.loaded_app, client=("127.0.0.1", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="https://pakn.test") as local_proxy:
        statuses = [
            (
                await local_proxy.post(
                    "/api/v1/feedback", json=citizen_body(), headers={"X-Forwarded-For": f"203.0.113.{n}"}
                )
            ).status_code
            for n in (1, 2)
        ]
    assert statuses == [201, 429]  # both counted against 127.0.0.1, the peer
