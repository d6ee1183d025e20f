"""Security headers on every response, and a request log with no personal data in it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
from litestar.types import Receive, Scope, Send

from feedback.security.http import PAGE_CSP, SCHEMA_CSP, SecurityHeaders
from tests.helpers import PASSWORD, citizen_body, staff_headers

BASIC = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/health", 200),
        ("GET", "/api/v1/categories", 200),
        ("GET", "/track/PAKN.20261123.0001?token=x", 404),
        ("GET", "/khong-co-trang-nay", 404),  # no route matched: still covered
        ("DELETE", "/health", 405),
    ],
)
async def test_every_response_has_the_security_headers(connect, method, path, status) -> None:
    response = await connect().request(method, path)
    assert response.status_code == status
    for name, value in BASIC.items():
        assert response.headers[name] == value
    assert response.headers["content-security-policy"] == PAGE_CSP
    assert response.headers["strict-transport-security"] == "max-age=31536000"  # base_url is https


async def test_no_hsts_without_https(connect) -> None:
    response = await connect(base_url="http://127.0.0.1:8000").get("/health")
    assert "strict-transport-security" not in response.headers
    assert response.headers["x-frame-options"] == "DENY"


async def test_private_responses_are_never_cached(connect) -> None:
    client = connect()
    public = await client.get("/api/v1/categories")
    assert "no-store" not in public.headers.get("cache-control", "")
    headers = await staff_headers(client, "canbo@hadong.vn", "officer", "P-09556-KT")
    filed = await client.post("/api/v1/feedback", json=citizen_body())  # carries the secret token
    for response in (
        await client.post("/api/v1/auth/login", json={"email": "canbo@hadong.vn", "password": PASSWORD}),
        await client.get("/api/v1/staff/feedback", headers=headers),
        await client.get(f"/track/{filed.json()['code']}", params={"token": filed.json()["token"]}),
        filed,
    ):
        assert response.status_code in (200, 201), response.text
        assert response.headers["cache-control"] == "no-store", response.url


async def test_the_schema_pages_keep_working(connect) -> None:
    client = connect()
    document = await client.get("/schema/openapi.json")
    assert document.status_code == 200
    assert "/api/v1/auth/logout" in document.json()["paths"]
    page = await client.get("/schema/swagger")
    assert page.status_code == 200
    # Their inline start-up script needs a policy of its own; nothing from other hosts either way.
    assert page.headers["content-security-policy"] == SCHEMA_CSP
    assert "'unsafe-inline'" not in PAGE_CSP and "http" not in SCHEMA_CSP


@pytest.fixture
def logged_client(connect, caplog: pytest.LogCaptureFixture) -> Iterator:
    # Building the app runs Litestar's logging set-up, which replaces the root logger's handlers,
    # caplog's among them: attach it again afterwards.
    client = connect()
    caplog.set_level(logging.INFO)
    root = logging.getLogger()
    root.addHandler(caplog.handler)
    yield client
    root.removeHandler(caplog.handler)


async def test_the_request_log_holds_no_personal_data(logged_client, caplog) -> None:
    client = logged_client
    person = {
        "name": "Trần Thị Bích",
        "phone": "0987 654 321",
        "email": "bich@example.vn",
        "address": "Số 1 Lê Lợi, Hà Đông",
    }
    body = citizen_body(citizen=person)
    filed = (await client.post("/api/v1/feedback", json=body)).json()
    code, token = filed["code"], filed["token"]
    assert (await client.get(f"/track/{code}", params={"token": token})).status_code == 200
    assert (await client.get(f"/api/v1/feedback/{code}", params={"token": token})).status_code == 200
    headers = await staff_headers(client, "canbo@hadong.vn", "officer", "P-09556-KT")
    session = headers["Authorization"].removeprefix("Bearer ")
    assert (await client.get(f"/api/v1/staff/feedback/{code}", headers=headers)).status_code == 200
    # Refused bodies (a schema error, a domain error) are not logged either.
    assert (await client.post("/api/v1/feedback", json={**body, "publish": "có"})).status_code == 400
    bad_mail = citizen_body(citizen={**person, "email": "bich@"})
    assert (await client.post("/api/v1/feedback", json=bad_mail)).status_code == 422

    # The service's records; the test's own HTTP client (httpx) logs whole URLs, token included.
    records = [r for r in caplog.records if not r.name.startswith("httpx")]
    lines = [r.getMessage() for r in records if r.name == "pakn.request"]
    assert any(line.startswith(f"GET /track/{code} 200 ") for line in lines)
    assert any(line.startswith("POST /api/v1/feedback 201 ") for line in lines)
    assert any(line.startswith("POST /api/v1/feedback 400 ") for line in lines)
    assert any(line.startswith("POST /api/v1/feedback 422 ") for line in lines)
    logged = "\n".join(r.getMessage() + " " + repr(r.args) for r in records)
    for secret in (
        token,
        session,
        PASSWORD,
        "Trần Thị Bích",
        "0987 654 321",
        "0987654321",
        "bich@example.vn",
    ):
        assert secret not in logged


async def test_a_page_may_set_its_own_policy_but_not_cache_private_answers(settings) -> None:
    async def page(scope: Scope, receive: Receive, send: Send) -> None:  # a bare ASGI app
        headers = [(b"content-security-policy", b"default-src 'none'"), (b"cache-control", b"max-age=600")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ok"})

    transport = httpx.ASGITransport(app=SecurityHeaders(page, settings))
    async with httpx.AsyncClient(transport=transport, base_url="https://pakn.test") as client:
        private, public = await client.get("/track/PAKN.1"), await client.get("/gioi-thieu")
    assert private.headers["content-security-policy"] == "default-src 'none'"
    assert private.headers.get_list("cache-control") == ["no-store"]
    assert public.headers["cache-control"] == "max-age=600"
    assert public.headers["x-frame-options"] == "DENY"
