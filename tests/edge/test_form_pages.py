"""A web form with malformed input (NUL, a value longer than any field, an e-mail in the code box, a
huge number) gives the page back with a Vietnamese message, never JSON and never 5xx; nothing is saved
and the value is not logged (issue 12). Plain HTTP, no browser."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from feedback.accounts.services import create_user
from feedback.conferences.models import Conference
from tests.helpers import PASSWORD, citizen_body, counts, staff_headers

LONG = "P" * 1200  # longer than the edge lets any value be
EMAIL = "an@example.vn"
CONFERENCE = {
    "host_unit": "P-09556",
    "title": "Hội nghị đối thoại với Nhân dân phường Hà Đông năm 2026",
    "starts_at": "2026-12-03T08:00:00+07:00",
    "place": "Hội trường UBND phường Hà Đông",
}


@pytest_asyncio.fixture
async def web(database_clean, settings, frozen_clock) -> AsyncIterator[httpx.AsyncClient]:  # noqa: ANN001
    """A browser-like client over https (the session cookies are Secure), not logged in."""
    from feedback.app import create_app

    app = create_app(settings, init_db=False, background=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://test") as http:
        await create_user(email="dieuphoi@test.vn", role="coordinator", unit_code=None, password=PASSWORD)
        yield http


async def log_in(web: httpx.AsyncClient) -> None:
    login = {"email": "dieuphoi@test.vn", "password": PASSWORD, "next": ""}
    assert (await web.post("/staff/login", data=login)).status_code == 303


def assert_page_with_message(response: httpx.Response, *messages: str) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("text/html"), response.text[:300]
    assert any(m in response.text for m in messages), response.text[:3000]
    assert "\x00" not in response.text  # a form may keep what was typed, never a NUL


def assert_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    for record in caplog.records:
        if record.name in ("pakn.request", "httpx"):
            continue
        assert record.exc_info is None, record.getMessage()
        for secret in (EMAIL, LONG, "\x00"):
            assert secret not in record.getMessage(), f"{secret!r} logged"


@pytest.mark.parametrize(
    "query",
    [f"code={LONG}&token=abc", f"code={'P' * 600}&token=abc", "code=an%40example.vn&token=abc",
     "code=an%40example.vn", "code=PAKN.20261130.0001%00&token=abc", "code=PAKN.20261130.0001&token=a%00b",
     "code=%E1%00", "code=PAKN.20261130.000000001&token=abc"],
    ids=["too long", "longer than the box", "e-mail with token", "e-mail", "NUL in code", "NUL in token",
         "invalid UTF-8", "longer than the column"],
)  # fmt: skip
async def test_track_form_shows_itself_again_with_the_message(web, caplog, query) -> None:  # noqa: ANN001
    with caplog.at_level(logging.INFO):
        response = await web.get(f"/track?{query}", follow_redirects=True)
    if response.url.path == "/track":
        assert_page_with_message(response, "field-error")
        assert 'id="code"' in response.text and 'aria-invalid="true"' in response.text
        assert EMAIL not in response.text and LONG not in response.text  # not even shown again
    else:  # a well-formed code that no item has: the tracking page's "not found"
        assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert_not_logged(caplog)


@pytest.mark.parametrize(
    "path", [f"/track/{LONG}?token=abc", "/track/an%40example.vn?token=abc", "/track/PAKN.20261130.000000001?token=a",
             "/track/PAKN%00?token=a"],
)  # fmt: skip
async def test_tracking_page_with_a_malformed_code_is_a_page(web, caplog, path) -> None:  # noqa: ANN001
    with caplog.at_level(logging.INFO):
        response = await web.get(path)
    assert 400 <= response.status_code < 500 and response.headers["content-type"].startswith("text/html")
    assert_not_logged(caplog)


async def test_filing_form_with_nul_or_long_values_shows_the_form(web, caplog) -> None:  # noqa: ANN001
    fields = {"title": "Rác\x00 thải", "content": "Rác thải ùn ứ nhiều ngày ở đầu ngõ", "name": "Nguyễn Văn An",
              "phone": "0912345678", "severity": "normal"}  # fmt: skip
    before = await counts()
    with caplog.at_level(logging.INFO):
        nul = await web.post("/feedback/new", files={k: (None, v) for k, v in fields.items()})
        long = await web.post("/feedback/new", files={**{k: (None, v) for k, v in fields.items()},
                                                      "title": (None, LONG)})  # fmt: skip
        urlencoded = await web.post("/feedback/new", data={**fields, "title": "A\x00"})
    assert_page_with_message(nul, "NUL")
    assert 'id="title"' in nul.text
    assert_page_with_message(long, "Tiêu đề")
    assert_page_with_message(urlencoded, "NUL", "multipart")
    assert await counts() == before
    assert_not_logged(caplog)


async def test_login_form_with_nul_or_long_values_shows_the_form(web, caplog) -> None:  # noqa: ANN001
    with caplog.at_level(logging.INFO):
        nul = await web.post("/staff/login", data={"email": "dieuphoi@test.vn\x00", "password": PASSWORD})
        long = await web.post("/staff/login", data={"email": LONG, "password": PASSWORD})
        invalid = await web.post("/staff/login", content=b"email=%E1%00&password=x",
                                 headers={"content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    for response in (nul, long, invalid):
        assert_page_with_message(response, "NUL", "Nhập thư điện tử", "UTF-8")
        assert 'name="password"' in response.text
    assert "pakn_session" not in web.cookies
    assert_not_logged(caplog)


@pytest.mark.parametrize(
    "query",
    ["q=ng%00p", f"q={LONG}", f"q={'x' * 300}", "q=PAKN.20261130.000000001", "status=zzz", f"category={'c' * 500}",
     "commune=%00", f"page={2**63}", "page=-5", "unit=nope", "overdue=2"],
)  # fmt: skip
async def test_staff_search_box_shows_the_inbox_with_the_message(web, caplog, query) -> None:  # noqa: ANN001
    await log_in(web)
    assert (await web.post("/api/v1/feedback", json=citizen_body())).status_code == 201
    with caplog.at_level(logging.INFO):
        response = await web.get(f"/staff?{query}")
    assert response.status_code < 500 and response.headers["content-type"].startswith("text/html")
    assert 'name="q"' in response.text  # the inbox with its search box
    assert "\x00" not in response.text
    assert_not_logged(caplog)


@pytest.mark.parametrize(
    "path",
    ["/admin/units?q=a%00", f"/admin/units?q={LONG}", f"/admin/units?offset={2**63}", "/admin/units?offset=x",
     f"/admin/rules?commune={'0' * 50}", "/admin/rules?category=%00", f"/admin/users?q={'u' * 300}",
     "/admin/calendar?year=99999", "/admin/calendar?year=x", f"/admin/units/{'U' * 300}", "/admin/units/U%00"],
)  # fmt: skip
async def test_admin_filters_give_the_page_back(web, caplog, path) -> None:  # noqa: ANN001
    await log_in(web)
    with caplog.at_level(logging.INFO):
        response = await web.get(path)
    assert response.status_code < 500, response.text[:300]
    assert response.headers["content-type"].startswith("text/html"), response.text[:300]
    assert_not_logged(caplog)


async def test_admin_create_with_nul_shows_the_list_and_saves_nothing(web, caplog) -> None:  # noqa: ANN001
    await log_in(web)
    form = {"csrf_token": web.cookies["pakn_csrf"], "code": "X-1", "name": "Phòng\x00 ZQX", "kind": "department",
            "parent": "P-09556"}  # fmt: skip
    with caplog.at_level(logging.INFO):
        response = await web.post("/admin/units", data=form)
    assert_page_with_message(response, "NUL")
    assert "ZQX" not in (await web.get("/admin/units?q=X-1")).text
    assert_not_logged(caplog)


async def test_conference_question_form_with_nul_gives_the_page_back(web, caplog) -> None:  # noqa: ANN001
    organiser = await staff_headers(web, "tochuc@test.vn", "organiser", "P-09556")
    created = await web.post("/api/v1/conferences", json=CONFERENCE, headers=organiser)
    assert created.status_code == 201, created.text
    conference = await Conference.get(id=created.json()["id"])
    moved = await web.post(f"/api/v1/conferences/{conference.id}/status", json={"status": "collecting"},
                           headers=organiser)  # fmt: skip
    assert moved.status_code == 200, moved.text
    before = await counts()
    with caplog.at_level(logging.INFO):
        nul = await web.post(f"/conferences/{conference.id}/ask",
                             data={"asker_name": "An", "text": "Khi nào\x00 sửa đường?"})  # fmt: skip
        long = await web.post(
            f"/conferences/{conference.id}/ask", data={"asker_name": LONG, "text": "Câu hỏi?"}
        )
        beyond = await web.post(
            f"/conferences/{2**40}/ask", data={"asker_name": "An", "text": "Câu hỏi dài?"}
        )
    assert_page_with_message(nul, "NUL")
    assert conference.title in nul.text  # the conference's own page
    assert_page_with_message(long, "Dài quá", "dài quá", "quá dài", "tối đa")
    assert 400 <= beyond.status_code < 500 and beyond.headers["content-type"].startswith("text/html")
    assert await counts() == before
    assert_not_logged(caplog)
