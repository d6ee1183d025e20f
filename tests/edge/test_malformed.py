"""No input, however malformed, makes pakn answer 5xx (SPEC §8): each request below gets a 4xx and
saves nothing, on SQLite and on PostgreSQL (where NUL, big integers and long values used to reach the
database and fail there)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from feedback.conferences.models import Conference
from feedback.items.models import FeedbackItem
from tests.helpers import citizen_body, counts, staff_headers

BIG = 2**31  # one past PostgreSQL's integer
HUGE = "9223372036854775808"  # one past its bigint
CODE_TOO_LONG = "PAKN.20261130.000000001"  # well-formed, but longer than the column
CONFERENCE = {
    "host_unit": "P-09556",
    "title": "Hội nghị đối thoại với Nhân dân phường Hà Đông năm 2026",
    "starts_at": "2026-12-03T08:00:00+07:00",
    "place": "Hội trường UBND phường Hà Đông",
}


def deep(n: int) -> bytes:
    return b"[" * n + b"]" * n


# (name, who, method, path, keyword arguments of httpx's request)
CASES: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("filing: NUL in the title", "anon", "POST", "/api/v1/feedback", {"json": citizen_body(title="Rác\x00thải")}),
    ("filing: NUL in the citizen's name", "anon", "POST", "/api/v1/feedback",
     {"json": citizen_body(citizen={"name": "An\x00", "phone": "0912345678"})}),
    ("filing: JSON nested 1,000 deep", "anon", "POST", "/api/v1/feedback",
     {"content": deep(1000), "headers": {"content-type": "application/json"}}),
    ("filing: invalid UTF-8", "anon", "POST", "/api/v1/feedback",
     {"content": b'{"title": "R\xe1c th\xe1i"}', "headers": {"content-type": "application/json"}}),
    ("filing: staff received_at in year 9999", "coordinator", "POST", "/api/v1/staff/feedback",
     {"json": {**citizen_body(), "received_at": "9999-12-31T08:00:00+07:00"}}),
    ("tracking: code longer than its column", "anon", "GET", f"/api/v1/feedback/{CODE_TOO_LONG}", {}),
    ("tracking: an e-mail in the code", "anon", "GET", "/api/v1/feedback/an@example.vn?token=x", {}),
    ("tracking: NUL in the code", "anon", "GET", "/api/v1/feedback/PAKN.20261130.0001%00", {}),
    ("tracking page: code too long", "anon", "GET", f"/track/{CODE_TOO_LONG}?token=abc", {}),
    ("track form: an e-mail typed as the code", "anon", "GET", "/track?code=an%40example.vn&token=abc",
     {"follow_redirects": True}),
    ("public list by code: too long", "anon", "GET", f"/api/v1/public/feedback/{CODE_TOO_LONG}", {}),
    ("public list: NUL in q", "anon", "GET", "/api/v1/public/feedback?q=r%00ac", {}),
    ("public list: huge offset", "anon", "GET", f"/api/v1/public/feedback?offset={HUGE}", {}),
    ("public list: commune too long", "anon", "GET", "/api/v1/public/feedback?commune=" + "9" * 500, {}),
    ("public list: invalid UTF-8 in q", "anon", "GET", "/api/v1/public/feedback?q=%E1%00", {}),
    ("login: NUL in the e-mail", "anon", "POST", "/api/v1/auth/login",
     {"json": {"email": "a\x00@hanoi.gov.vn", "password": "x"}}),
    ("login: nested 1,000 deep", "anon", "POST", "/api/v1/auth/login",
     {"content": b'{"email":' + deep(1000) + b"}", "headers": {"content-type": "application/json"}}),
    ("staff search: NUL in q", "coordinator", "GET", "/api/v1/staff/feedback?q=ng%00p", {}),
    ("staff search: unknown severity", "coordinator", "GET", "/api/v1/staff/feedback?severity=zzz", {}),
    ("staff search: unknown status", "coordinator", "GET", "/api/v1/staff/feedback?status=zzz", {}),
    ("staff search: code too long", "coordinator", "GET", f"/api/v1/staff/feedback?code={CODE_TOO_LONG}", {}),
    ("staff search: huge offset", "coordinator", "GET", f"/api/v1/staff/feedback?offset={HUGE}", {}),
    ("staff search: due_before in year 0001", "coordinator", "GET",
     "/api/v1/staff/feedback?due_before=0001-01-01T00:00:00%2B07:00", {}),
    ("staff item: code too long", "coordinator", "GET", f"/api/v1/staff/feedback/{CODE_TOO_LONG}", {}),
    ("staff note: NUL in the text", "coordinator", "POST", "/api/v1/staff/feedback/{code}/note",
     {"json": {"text": "Đã gọi\x00 điện"}}),
    ("staff page: NUL in q", "coordinator", "GET", "/staff?q=ng%00p", {}),
    ("admin units: NUL in q", "coordinator", "GET", "/api/v1/admin/units?q=a%00", {}),
    ("admin units: huge offset", "coordinator", "GET", f"/api/v1/admin/units?offset={HUGE}", {}),
    ("admin units: parent too long", "coordinator", "GET", "/api/v1/admin/units?parent=" + "P" * 300, {}),
    ("admin rules: commune too long", "coordinator", "GET", "/api/v1/admin/rules?commune=" + "0" * 50, {}),
    ("admin users: id beyond the integer", "coordinator", "GET", f"/api/v1/admin/users/{BIG}", {}),
    ("admin rules: id beyond the bigint", "coordinator", "GET", f"/api/v1/admin/rules/{HUGE}", {}),
    ("admin unit: code too long", "coordinator", "GET", "/api/v1/admin/units/" + "U" * 300, {}),
    ("admin unit create: NUL in the name", "coordinator", "POST", "/api/v1/admin/units",
     {"json": {"code": "X-1", "name": "Phòng\x00A", "kind": "department", "parent": "P-09556"}}),
    ("admin calendar: day in year 9999", "coordinator", "DELETE", "/api/v1/admin/calendar/9999-01-01", {}),
    ("conference: year 9999", "organiser", "POST", "/api/v1/conferences",
     {"json": {**CONFERENCE, "starts_at": "9999-12-31T08:00:00+07:00"}}),
    ("conference: year 0001", "organiser", "POST", "/api/v1/conferences",
     {"json": {**CONFERENCE, "starts_at": "0001-01-01T00:00:00+07:00"}}),
    ("conference: id beyond the integer", "organiser", "GET", f"/api/v1/conferences/{BIG}", {}),
    ("conference: NUL in the place", "organiser", "POST", "/api/v1/conferences",
     {"json": {**CONFERENCE, "place": "Hội\x00 trường"}}),
    ("import: multipart without its file part", "organiser", "POST", "/api/v1/conferences/1/questions/import",
     {"files": {"other": ("a.csv", b"x", "text/csv")}}),
    ("import: multipart with no file at all", "organiser", "POST", "/api/v1/conferences/1/questions/import",
     {"content": b'--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n{}\r\n--b--\r\n',
      "headers": {"content-type": "multipart/form-data; boundary=b"}}),
    ("import: 10 MB without login", "anon", "POST", "/api/v1/conferences/1/questions/import",
     {"files": {"file": ("a.csv", b"x" * (10 * 1024 * 1024), "text/csv")}}),
    ("import: anything without login", "anon", "POST", "/api/v1/conferences/1/questions/import",
     {"content": b"--x\r\n", "headers": {"content-type": "multipart/form-data; boundary=x"}}),
]  # fmt: skip
# What the status must be where it matters (the rest: any 4xx).
EXPECTED = {
    "import: 10 MB without login": 401,
    "import: anything without login": 401,
    "staff search: unknown severity": 422,
    "staff search: unknown status": 422,
    "tracking: code longer than its column": 404,
    "public list by code: too long": 404,
    "admin users: id beyond the integer": 404,
}


@pytest.fixture
async def staff(client) -> dict[str, dict[str, str]]:  # noqa: ANN001
    return {
        "anon": {},
        "coordinator": await staff_headers(client, "dieuphoi@hanoi.gov.vn", "coordinator", None),
        "organiser": await staff_headers(client, "tochuc@hanoi.gov.vn", "organiser", "P-09556"),
    }


@pytest.mark.parametrize(("name", "who", "method", "path", "kwargs"), CASES, ids=[c[0] for c in CASES])
async def test_malformed_request_gets_4xx_and_saves_nothing(
    client,
    staff,
    caplog,
    name,
    who,
    method,
    path,
    kwargs,  # noqa: ANN001
) -> None:
    filed = await client.post("/api/v1/feedback", json=citizen_body())
    assert filed.status_code == 201, filed.text
    conference = await client.post("/api/v1/conferences", json=CONFERENCE, headers=staff["organiser"])
    assert conference.status_code == 201, conference.text
    before = {**await counts(), "conferences": await Conference.all().count()}
    kwargs = {**kwargs, "headers": {**staff[who], **kwargs.get("headers", {})}}
    path = path.format(code=filed.json()["code"])

    with caplog.at_level(logging.INFO):
        response = await client.request(method, path, **kwargs)

    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    if name in EXPECTED:
        assert response.status_code == EXPECTED[name], response.text[:300]
    if (
        response.headers.get("content-type", "").startswith("application/json")
        and response.status_code != 404
    ):
        assert response.json().get("detail"), response.text  # says what is wrong
    assert {**await counts(), "conferences": await Conference.all().count()} == before
    # No error log and no traceback with what the client typed (the request log's line is the path).
    for record in caplog.records:
        if record.name in ("pakn.request", "httpx"):
            continue
        assert record.exc_info is None, record.getMessage()
        for secret in ("an@example.vn", "PAKN.20261130.000000001", "\x00"):
            assert secret not in record.getMessage(), f"{secret!r} logged"


async def test_dates_in_range_are_still_accepted(client, staff) -> None:  # noqa: ANN001
    response = await client.post(
        "/api/v1/conferences",
        json={**CONFERENCE, "starts_at": "2099-12-31T08:00:00+07:00"},
        headers=staff["organiser"],
    )
    assert response.status_code == 201, response.text
    assert await FeedbackItem.all().count() == 0
