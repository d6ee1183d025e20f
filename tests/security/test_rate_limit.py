"""The public rate limit: per client address, counted in the database that all processes share."""

from __future__ import annotations

import dataclasses

from feedback.app import create_app
from feedback.items.models import FeedbackItem
from feedback.settings import RateLimit
from tests.helpers import citizen_body

LIMIT = RateLimit(3, 60)


async def test_filing_is_limited_per_address(connect, frozen_clock) -> None:
    citizen = connect("198.51.100.7", rate_limit=LIMIT)
    for _ in range(LIMIT.count):
        assert (await citizen.post("/api/v1/feedback", json=citizen_body())).status_code == 201

    refused = await citizen.post("/api/v1/feedback", json=citizen_body())
    assert refused.status_code == 429
    assert refused.json() == {
        "status_code": 429,
        "detail": "Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn; hãy thử lại sau 1 phút",
    }
    assert refused.headers["retry-after"] == "60"
    assert await FeedbackItem.all().count() == LIMIT.count  # the refused one was never filed

    # Someone else, on another address, is not affected.
    neighbour = connect("198.51.100.8", rate_limit=LIMIT)
    assert (await neighbour.post("/api/v1/feedback", json=citizen_body())).status_code == 201

    frozen_clock.advance(seconds=30)
    assert (await citizen.post("/api/v1/feedback", json=citizen_body())).headers["retry-after"] == "30"
    frozen_clock.advance(seconds=30)  # a new window
    assert (await citizen.post("/api/v1/feedback", json=citizen_body())).status_code == 201


async def test_a_refused_request_is_not_even_read(connect, frozen_clock) -> None:
    citizen = connect("198.51.100.7", rate_limit=RateLimit(1, 60))
    assert (await citizen.post("/api/v1/feedback", json={"title": ""})).status_code == 400
    # The limit comes before validation, so malformed floods are refused cheaply too.
    assert (await citizen.post("/api/v1/feedback", json={"title": ""})).status_code == 429


async def test_two_processes_share_one_limit(database_clean, settings, frozen_clock, connect) -> None:
    # Two app instances on one database, like two uvicorn workers: together they allow LIMIT.count.
    limited = dataclasses.replace(settings, rate_limit=LIMIT)
    first = connect("198.51.100.7", app=create_app(limited, init_db=False, background=False))
    second = connect("198.51.100.7", app=create_app(limited, init_db=False, background=False))
    statuses = []
    for client in (first, second, first, second, first):
        statuses.append((await client.post("/api/v1/feedback", json=citizen_body())).status_code)
    assert statuses == [201, 201, 201, 429, 429]


async def test_rating_is_limited_too(connect, frozen_clock) -> None:
    citizen = connect("198.51.100.7", rate_limit=RateLimit(2, 60))
    url = "/api/v1/feedback/PAKN.20261123.9999/rating"
    statuses = [
        (await citizen.post(url, json={"rating": 5}, headers={"X-Access-Token": "x"})).status_code
        for _ in range(3)
    ]
    assert 429 not in statuses[:2] and statuses[2] == 429
    # Filing has its own counter: rating many times does not stop a citizen from filing.
    assert (await citizen.post("/api/v1/feedback", json=citizen_body())).status_code == 201


async def test_forwarded_for_counts_only_from_a_trusted_proxy(connect, frozen_clock) -> None:
    one = RateLimit(1, 60)
    body = citizen_body
    # Behind a trusted proxy, each client behind it has its own allowance…
    proxied = connect("10.0.0.5", rate_limit=one, trusted_proxies=("10.0.0.0/24",))
    for client_ip in ("203.0.113.1", "203.0.113.2"):
        headers = {"X-Forwarded-For": f"{client_ip}, 10.0.0.4"}  # the client, then an inner proxy
        assert (await proxied.post("/api/v1/feedback", json=body(), headers=headers)).status_code == 201
    # …and a client cannot pose as someone else by writing the header itself: the proxy appends the
    # real address, which is what counts.
    spoofed = {"X-Forwarded-For": "198.51.100.99, 203.0.113.1"}
    assert (await proxied.post("/api/v1/feedback", json=body(), headers=spoofed)).status_code == 429

    # Without PAKN_TRUSTED_PROXIES the header is ignored: every "client" is the same peer.
    direct = connect("10.0.0.6", rate_limit=one)
    assert (
        await direct.post("/api/v1/feedback", json=body(), headers={"X-Forwarded-For": "203.0.113.3"})
    ).status_code == 201
    assert (
        await direct.post("/api/v1/feedback", json=body(), headers={"X-Forwarded-For": "203.0.113.4"})
    ).status_code == 429
