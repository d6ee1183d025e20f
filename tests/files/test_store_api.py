"""Filing with files and downloading them through the API, with each file store configured."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from feedback.files.store import store_for
from feedback.items.models import Attachment
from feedback.settings import Settings
from tests.attachments import files
from tests.files.stores import KINDS, settings_for
from tests.helpers import citizen_body, staff_headers


@pytest.fixture(params=KINDS)
def store_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    return settings_for(request.param, settings, request)


@pytest_asyncio.fixture
async def api(database_clean, store_settings, frozen_clock) -> AsyncIterator[httpx.AsyncClient]:  # noqa: ANN001
    from feedback.app import create_app

    app = create_app(store_settings, init_db=False, background=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield http


async def file_with(
    api: httpx.AsyncClient, attached: list[tuple[str, bytes]], **body: object
) -> httpx.Response:
    return await api.post(
        "/api/v1/feedback",
        data={"data": json.dumps(citizen_body(**body))},
        files=[("files", (name, content, "application/octet-stream")) for name, content in attached],
    )


async def test_upload_and_download_through_the_store(api, store_settings: Settings) -> None:
    png, pdf = files.png(), files.pdf()
    created = await file_with(api, [("Ảnh hiện trường.png", png), ("Đơn.pdf", pdf)])
    assert created.status_code == 201, created.text
    body = created.json()
    for attachment, content in zip(body["attachments"], (png, pdf), strict=True):
        download = await api.get(attachment["url"], headers={"X-Access-Token": body["token"]})
        assert download.status_code == 200
        assert download.content == content
        assert download.headers["content-length"] == str(len(content))
        assert download.headers["content-type"] == attachment["content_type"]
        assert "no-store" in download.headers["cache-control"]
        assert download.headers["x-content-type-options"] == "nosniff"
    hadong = await staff_headers(api, "canbo@hadong.vn", "officer", "P-09556-KT")
    staff_url = f"/api/v1/staff/feedback/{body['code']}/attachments/{body['attachments'][1]['id']}"
    assert (await api.get(staff_url, headers=hadong)).content == pdf

    store = store_for(store_settings)
    assert store.kind == store_settings.file_store
    for row in await Attachment.all():
        assert await store.exists(row.storage_name)
    leftover = sorted(p.name for p in store_settings.upload_dir.iterdir())
    if store.kind == "local":
        assert leftover == sorted(a.storage_name for a in await Attachment.all())
    else:
        assert leftover == []  # the upload folder only received them


async def test_a_refused_filing_leaves_no_file_in_the_store(api, store_settings: Settings) -> None:
    # The files are in the store before the item is checked: an invalid item removes them again.
    refused = await file_with(api, [("anh.png", files.png())], category="khong-co-linh-vuc")
    assert refused.status_code in (400, 422), refused.text
    # A refused file (not a kind pakn takes) refuses the whole form.
    bad = await file_with(api, [("anh.png", files.png()), ("trang.html", b"<html>")])
    assert bad.status_code == 422, bad.text
    assert await Attachment.all().count() == 0
    store = store_for(store_settings)
    assert await store.names_older_than(time.time() + 3600) == []
    assert list(store_settings.upload_dir.iterdir()) == []


async def test_a_file_the_store_lost_is_a_404(api, store_settings: Settings) -> None:
    body = (await file_with(api, [("anh.png", files.png())])).json()
    [row] = await Attachment.all()
    await store_for(store_settings).delete([row.storage_name])
    response = await api.get(body["attachments"][0]["url"], params={"token": body["token"]})
    assert response.status_code == 404
    assert response.json()["detail"] == "Không tìm thấy tệp đính kèm"


async def test_an_unreachable_store_is_a_503_and_saves_nothing(
    settings: Settings, database_clean, frozen_clock, request
) -> None:  # noqa: ANN001
    from feedback.app import create_app
    from tests.notifications.support import pick_port

    working = settings_for("s3", settings, request)
    down = dataclasses.replace(
        working, s3=dataclasses.replace(working.s3, endpoint_url=f"http://127.0.0.1:{pick_port()}")
    )

    def client_of(configured: Settings) -> httpx.AsyncClient:
        app = create_app(configured, init_db=False, background=False)
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")

    async with client_of(down) as api:
        response = await file_with(api, [("anh.png", files.png())])
        assert response.status_code == 503, response.text
        assert response.json()["detail"].startswith("Hệ thống chưa lưu trữ được tệp đính kèm")
        assert await Attachment.all().count() == 0
        assert list(settings.upload_dir.iterdir()) == []
    async with client_of(working) as api:
        body = (await file_with(api, [("anh.png", files.png())])).json()
    async with client_of(down) as api:
        response = await api.get(body["attachments"][0]["url"], params={"token": body["token"]})
        assert response.status_code == 503
