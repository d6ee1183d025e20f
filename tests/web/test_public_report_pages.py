"""The coordinators' page that publishes a month (`/staff/public-reports`) and the public pages it feeds
(`/reports`, `/reports/YYYY-MM`), through the forms as a browser sends them."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator

import httpx
import pytest_asyncio

from feedback.accounts.services import create_user
from feedback.reports.models import PublishedReport
from tests.helpers import PASSWORD


async def _browser(app, email: str) -> httpx.AsyncClient:  # noqa: ANN001
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://test")
    login = {"email": email, "password": PASSWORD, "next": ""}
    assert (await http.post("/staff/login", data=login)).status_code in (200, 303)
    return http


@pytest_asyncio.fixture
async def app(database_clean, settings, frozen_clock) -> AsyncIterator[object]:  # noqa: ANN001
    from feedback.app import create_app

    await create_user(email="vanphong@test.vn", role="coordinator", unit_code=None, password=PASSWORD)
    await create_user(email="lanhdao@test.vn", role="head", unit_code="P-09556", password=PASSWORD)
    yield create_app(settings, init_db=False, background=False)


def _form(web: httpx.AsyncClient, **values: str) -> dict[str, str]:
    return {"csrf_token": web.cookies["pakn_csrf"], **values}


async def test_a_coordinator_publishes_a_month_from_the_page(app) -> None:  # noqa: ANN001
    web = await _browser(app, "vanphong@test.vn")
    shown = await web.get("/staff/public-reports")
    assert shown.status_code == 200 and 'value="2026-10"' in shown.text  # the month before, to publish
    assert 'href="/staff/public-reports"' in shown.text  # in the coordinator's menu
    done = await web.post("/staff/public-reports", data=_form(web, month="2026-10"), follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/staff/public-reports?done=2026-10"
    after = html.unescape((await web.get(done.headers["location"])).text)
    assert "Đã công bố báo cáo tháng 10/2026" in after and "vanphong@test.vn" in after
    again = await web.post("/staff/public-reports", data=_form(web, month="2026-10"), follow_redirects=False)
    assert again.status_code == 303
    assert await PublishedReport.filter(month="2026-10").count() == 2

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://test") as citizen:
        home = await citizen.get("/")
        assert 'href="/reports"' in home.text
        listing = await citizen.get("/reports")
        assert listing.status_code == 200 and 'href="/reports/2026-10"' in listing.text
        page = html.unescape((await citizen.get("/reports/2026-10")).text)
        assert "Đã cập nhật, phiên bản 2" in page and "vanphong" not in page
        assert "chưa có đơn vị nào đủ số hồ sơ để xếp hạng" in page
        assert "Không có hồ sơ trong tháng, chưa xếp hạng" in page  # every unit is named, none ranked
        assert "Sở Giáo dục và Đào tạo" in page and 'id="units-table"' not in page  # no empty table
    await web.aclose()


async def test_refusals_are_shown_on_the_page(app) -> None:  # noqa: ANN001
    web = await _browser(app, "vanphong@test.vn")
    for month, status, message in (
        ("2026-11", 422, "chưa kết thúc"),
        ("2026-13", 400, "ví dụ 2026-10"),
        ("", 400, "ví dụ 2026-10"),
    ):
        refused = await web.post("/staff/public-reports", data=_form(web, month=month))
        assert refused.status_code == status, (month, refused.text)
        assert message in html.unescape(refused.text) and 'aria-invalid="true"' in refused.text
    forged = await web.post("/staff/public-reports", data={"month": "2026-10"})
    assert forged.status_code == 403
    assert await PublishedReport.all().count() == 0
    await web.aclose()


async def test_only_coordinators_reach_the_page(app) -> None:  # noqa: ANN001
    head = await _browser(app, "lanhdao@test.vn")
    assert (await head.get("/staff/public-reports")).status_code == 403
    refused = await head.post("/staff/public-reports", data=_form(head, month="2026-10"))
    assert refused.status_code == 403 and "Văn phòng UBND" in html.unescape(refused.text)
    await head.aclose()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://test"
    ) as anonymous:
        to_login = await anonymous.get("/staff/public-reports", follow_redirects=False)
        assert to_login.status_code == 303 and to_login.headers["location"].startswith("/staff/login")
        posted = await anonymous.post(
            "/staff/public-reports", data={"month": "2026-10"}, follow_redirects=False
        )
        assert posted.status_code in (303, 401, 403)
    assert await PublishedReport.all().count() == 0
