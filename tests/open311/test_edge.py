"""Malformed Open311 input gets an Open311 4xx, never a 5xx: NUL bytes, invalid UTF-8, over-long values,
absurd dates and numbers; the public rate limit applies to Open311's POST per client address; the
channel is named in the reports."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from feedback.settings import RateLimit
from tests.helpers import staff_headers
from tests.open311.support import errors_json, errors_xml
from tests.open311.test_georeport import BASE, form, issue_key


@pytest.fixture
async def key(client) -> str:  # noqa: ANN001
    admin = await staff_headers(client, "vp@hanoi.gov.vn", "coordinator", None)
    return (await issue_key(client, admin))["key"]


async def test_malformed_input_is_a_4xx_in_open311_shape(client, key) -> None:  # noqa: ANN001
    posted = f"{BASE}/requests.json"
    errors_json(await client.post(posted, data=form(key, description="Rác\x00thải ngõ 12, đã ba ngày.")), 400)
    errors_xml(await client.post(f"{BASE}/requests.xml", data=form(key, first_name="A\x00")), 400)
    raw = "api_key=" + key + "&description=%FF%FE"
    headers = {"content-type": "application/x-www-form-urlencoded"}
    errors_json(await client.post(posted, content=raw, headers=headers), 400)
    errors_json(await client.get(f"{BASE}/requests.json", params={"service_code": "x" * 5000}), 400)
    errors_json(await client.get(f"{BASE}/requests.json?status=%FF"), 400)
    errors_json(await client.get(f"{BASE}/requests/{'P' * 2000}.json"), 400)
    for value in ("-1e309", "nan", "inf", "91", "9" * 400):
        errors_json(await client.post(posted, data=form(key, lat=value)), 400)
    errors_json(await client.post(posted, data=form(key, phone="9" * 500)), 400)
    errors_json(await client.post(posted, data=form(key, email="a@" + "b" * 300 + ".vn")), 400)
    errors_json(await client.post(posted, data=form(key, **{"attribute[contact_address]": "x" * 400})), 400)
    errors_json(await client.post(posted, data=form(key, **{"attribute[severity]": "khan"})), 400)
    errors_json(await client.post(posted, data=form(key, **{"attribute[publish]": "co"})), 400)
    for date in ("2026-13-01", "0001-01-01T00:00:00Z", "2026-11-23T25:00:00Z", "+275760-09-13"):
        errors_json(await client.get(f"{BASE}/requests.json", params={"start_date": date}), 400)
    # A JSON body is not what GeoReport v2 takes: the parameters are missing, not a crash.
    errors_json(await client.post(posted, json={"api_key": key}), 403)
    errors_json(await client.post(f"{posted}?api_key={key}", json={"x": 1}), 400)
    assert (await client.get(f"{BASE}/requests.json", params={"status": "open"})).json() == []


async def test_the_parameters_may_come_in_the_query_as_the_swagger_has_them(client, key) -> None:  # noqa: ANN001
    response = await client.post(f"{BASE}/requests.json", params=form(key))
    assert response.status_code == 200, response.text
    assert response.json()[0]["service_request_id"].startswith("PAKN.")


async def test_post_is_rate_limited_per_address(client, key, settings) -> None:  # noqa: ANN001
    from feedback.app import create_app

    app = create_app(
        dataclasses.replace(settings, rate_limit=RateLimit(2, 60)), init_db=False, background=False
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as limited:
        for _ in range(2):
            assert (await limited.post(f"{BASE}/requests.json", data=form(key))).status_code == 200
        refused = await limited.post(f"{BASE}/requests.json", data=form(key))
        errors_json(refused, 429)
        assert int(refused.headers["retry-after"]) > 0
        assert "quá nhiều" in refused.json()[0]["description"]


async def test_reports_name_the_channel(client, key) -> None:  # noqa: ANN001
    assert (await client.post(f"{BASE}/requests.json", data=form(key))).status_code == 200
    admin = await staff_headers(client, "vp2@hanoi.gov.vn", "coordinator", None)
    report = await client.get("/api/v1/reports/summary", params={"by": "channel"}, headers=admin)
    assert report.status_code == 200, report.text
    assert "Ứng dụng kết nối (Open311)" in report.text
    csv = await client.get("/api/v1/reports/summary.csv", params={"by": "channel"}, headers=admin)
    assert "Ứng dụng kết nối (Open311)" in csv.text


async def test_unknown_paths_are_open311_404s(client) -> None:  # noqa: ANN001
    for path in ("/khong-co.json", "/discovery.xml/x", "/v3/requests.json"):
        errors_json(await client.get(BASE + path), 404)
    errors_xml(await client.get(f"{BASE}/khong-co.xml"), 404)
    errors_json(await client.post(f"{BASE}/khong-co.json"), 404)
    assert (await client.get(f"{BASE}/discovery.json")).status_code == 200
