"""The coordinators' page for Open311 keys: issue (the key shown once), list without keys, revoke."""

from __future__ import annotations

import re

import httpx
import pytest_asyncio

from feedback.accounts.services import create_user
from tests.helpers import PASSWORD


@pytest_asyncio.fixture
async def browser(database_clean, settings, frozen_clock):  # noqa: ANN001, ANN201
    """Over https, so the client keeps the (Secure) session cookies like a browser."""
    from feedback.app import create_app

    app = create_app(settings, init_db=False, background=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://test") as http:
        yield http


async def _login(browser: httpx.AsyncClient, role: str = "coordinator", unit: str | None = "VP-UBND") -> str:
    await create_user(
        email=f"{role}@hanoi.gov.vn", role=role, unit_code=unit, password=PASSWORD, name="Cán bộ"
    )
    response = await browser.post(
        "/api/v1/auth/login", json={"email": f"{role}@hanoi.gov.vn", "password": PASSWORD}
    )
    assert response.status_code == 200
    return browser.cookies["pakn_csrf"]


async def test_issue_show_once_and_revoke(browser) -> None:  # noqa: ANN001
    csrf = await _login(browser)
    index = await browser.get("/admin")
    assert 'href="/admin/api-keys"' in index.text
    empty = await browser.get("/admin/api-keys")
    assert empty.status_code == 200 and "Chưa cấp khóa nào" in empty.text

    refused = await browser.post("/admin/api-keys", data={"csrf_token": csrf, "name": "  "})
    assert refused.status_code == 422 and "Cần tên ứng dụng" in refused.text

    issued = await browser.post("/admin/api-keys", data={"csrf_token": csrf, "name": "Ứng dụng Hà Nội Số"})
    assert issued.status_code == 200
    key = re.search(r'<code class="api-key">([^<]+)</code>', issued.text).group(1)
    listed = await browser.get("/admin/api-keys")
    assert "Ứng dụng Hà Nội Số" in listed.text and key not in listed.text  # shown once only

    filed = await browser.post("/open311/v2/requests.json", data={"api_key": key})
    assert filed.status_code == 400  # the key works; the request itself lacks its fields

    key_id = re.search(r'action="/admin/api-keys/(\d+)/revoke"', listed.text).group(1)
    revoked = await browser.post(f"/admin/api-keys/{key_id}/revoke", data={"csrf_token": csrf})
    assert revoked.status_code == 303
    assert "Đã thu hồi" in (await browser.get(revoked.headers["location"])).text
    assert (await browser.post("/open311/v2/requests.json", data={"api_key": key})).status_code == 403


async def test_only_coordinators(browser) -> None:  # noqa: ANN001
    csrf = await _login(browser, "officer", "P-09556-KT")
    assert (await browser.get("/admin/api-keys")).status_code == 403
    assert (await browser.post("/admin/api-keys", data={"csrf_token": csrf, "name": "x"})).status_code == 403
