"""Open311 GeoReport v2 end to end, as an independent client sees it: every JSON answer against the
GeoReport v2 schemas, every XML answer read back; a request filed with an API key goes through intake
(routing, deadline, acknowledgement at the real SMTP server) and comes back without personal data."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.helpers import deliver_all, staff_headers
from tests.open311.support import errors_json, errors_xml, validate, xml_requests

BASE = "/open311/v2"
CITIZEN = {
    "first_name": "Văn An",
    "last_name": "Nguyễn",
    "email": "an@example.vn",
    "phone": "0912 345 678",
    "attribute[contact_address]": "Số 8 ngõ 12 Quang Trung, Hà Đông",
}
PERSONAL = ("Nguyễn Văn An", "Văn An", "an@example.vn", "0912345678", "0912 345 678", "Số 8 ngõ 12")


def form(key: str, **extra: str) -> dict[str, str]:
    return {
        "api_key": key,
        "service_code": "moi-truong",
        "lat": "20.9712345",
        "long": "105.7798765",
        "address_string": "Ngõ 12 Quang Trung, Hà Đông",
        "attribute[commune]": "09556",
        "description": "Rác thải ùn ứ tại ngõ 12\nRác sinh hoạt không được thu gom ba ngày nay, bốc mùi.",
        **CITIZEN,
        **extra,
    }


async def issue_key(client, headers, name: str = "Ứng dụng Hà Nội Số") -> dict:  # noqa: ANN001
    response = await client.post("/api/v1/admin/api-keys", json={"name": name}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def assert_no_personal_data(text: str) -> None:
    for value in PERSONAL:
        assert value not in text, value


async def test_a_client_files_and_follows_a_request(client, settings, mailbox, frozen_clock) -> None:
    admin = await staff_headers(client, "vp@hanoi.gov.vn", "coordinator", None)
    key = await issue_key(client, admin)
    assert set(key) == {"id", "name", "key"} and key["key"].startswith("pakn_")
    listed = (await client.get("/api/v1/admin/api-keys", headers=admin)).json()
    assert [k["name"] for k in listed] == ["Ứng dụng Hà Nội Số"] and "key" not in listed[0]
    assert key["key"] not in str(listed)

    services = (await client.get(f"{BASE}/services.json")).json()
    validate("services", services)
    assert "moi-truong" in {s["service_code"] for s in services}
    definition = (await client.get(f"{BASE}/services/moi-truong.json")).json()
    validate("service-definition", definition)
    assert {a["code"] for a in definition["attributes"]} >= {"contact_address", "commune", "publish"}

    response = await client.post(
        f"{BASE}/requests.json", data=form(key["key"], **{"attribute[publish]": "true"})
    )
    assert response.status_code == 200, response.text
    created = response.json()
    assert len(created) == 1 and set(created[0]) == {"service_request_id", "service_notice"}
    code = created[0]["service_request_id"]
    assert code.startswith("PAKN.20261123.")

    # The same intake: routed to the ward's office, a deadline, the channel, the acknowledgement.
    staff_view = (await client.get(f"/api/v1/staff/feedback/{code}", headers=admin)).json()
    assert staff_view["channel"] == "open311"
    assert staff_view["unit"]["code"] == "P-09556-KT"
    await deliver_all(settings)
    (ack,) = mailbox.to("an@example.vn")
    assert code in str(ack["Subject"]) or code in ack.get_body(preferencelist=("plain",)).get_content()

    one = (await client.get(f"{BASE}/requests/{code}.json")).json()
    validate("requests", one)
    assert len(one) == 1 and one[0]["status"] == "open"
    assert one[0]["agency_responsible"] == staff_view["unit"]["name"]
    assert one[0]["expected_datetime"].endswith("+07:00")
    assert datetime.fromisoformat(one[0]["expected_datetime"]).astimezone(UTC) == datetime.fromisoformat(
        staff_view["due_at"]
    ).astimezone(UTC)
    assert "description" not in one[0] and "lat" not in one[0]  # not public until answered
    assert all(value is not None for value in one[0].values())

    listed = await client.get(
        f"{BASE}/requests.json", params={"service_code": "moi-truong", "status": "open"}
    )
    validate("requests", listed.json())
    assert [r["service_request_id"] for r in listed.json()] == [code]
    assert (await client.get(f"{BASE}/requests.json", params={"status": "closed"})).json() == []
    by_id = await client.get(
        f"{BASE}/requests.json", params={"service_request_id": f"{code},PAKN.20200101.0001"}
    )
    assert [r["service_request_id"] for r in by_id.json()] == [code]
    window = {"start_date": "2026-11-22T00:00:00+07:00", "end_date": "2026-11-24"}
    assert len((await client.get(f"{BASE}/requests.json", params=window)).json()) == 1
    early = {"start_date": "2026-10-01T00:00:00Z", "end_date": "2026-11-01T00:00:00Z"}
    assert (await client.get(f"{BASE}/requests.json", params=early)).json() == []

    # A staff answer closes it: the published answer as status_notes, the words and place redacted.
    officer = await staff_headers(client, "canbo@hadong.vn", "officer", "P-09556-KT")
    answer = {"answer": "Đã thu gom rác tại ngõ 12. Xin cảm ơn ông Nguyễn Văn An, số 0912 345 678."}
    done = await client.post(f"/api/v1/staff/feedback/{code}/answer", json=answer, headers=officer)
    assert done.status_code == 200, done.text
    closed = (await client.get(f"{BASE}/requests/{code}.json")).json()
    validate("requests", closed)
    assert closed[0]["status"] == "closed"
    assert closed[0]["status_notes"].startswith("Đã trả lời: Đã thu gom rác")
    assert closed[0]["lat"] == 20.971 and closed[0]["long"] == 105.78
    assert "Rác thải ùn ứ" in closed[0]["description"]
    assert closed[0]["address"]  # the ward, not the street
    assert (await client.get(f"{BASE}/requests.json", params={"status": "closed"})).json() == closed

    for path in (f"/requests/{code}.json", f"/requests/{code}.xml", "/requests.json", "/requests.xml"):
        assert_no_personal_data((await client.get(BASE + path)).text)

    as_xml = xml_requests(await client.get(f"{BASE}/requests/{code}.xml"))
    assert as_xml[0]["service_request_id"] == code and as_xml[0]["status"] == "closed"
    assert as_xml[0]["lat"] == "20.971"


async def test_without_consent_nothing_but_the_progress_is_public(client, frozen_clock) -> None:
    admin = await staff_headers(client, "vp@hanoi.gov.vn", "coordinator", None)
    key = (await issue_key(client, admin))["key"]
    code = (await client.post(f"{BASE}/requests.json", data=form(key))).json()[0]["service_request_id"]
    officer = await staff_headers(client, "canbo@hadong.vn", "officer", "P-09556-KT")
    answer = {"answer": "Kính gửi ông Nguyễn Văn An: đã thu gom rác tại ngõ 12."}
    assert (
        await client.post(f"/api/v1/staff/feedback/{code}/answer", json=answer, headers=officer)
    ).is_success
    (found,) = (await client.get(f"{BASE}/requests/{code}.json")).json()
    assert found["status"] == "closed" and "đã gửi cho người phản ánh" in found["status_notes"]
    assert not {"description", "lat", "long", "address"} & set(found)
    assert_no_personal_data(str(found))


async def test_xml_answers_read_back(client) -> None:
    import xml.etree.ElementTree as ET

    services = ET.fromstring((await client.get(f"{BASE}/services.xml")).content)
    assert services.tag == "services" and services.find("service/service_code") is not None
    definition = ET.fromstring((await client.get(f"{BASE}/services/moi-truong.xml")).content)
    assert definition.tag == "service_definition"
    assert definition.find("attributes/attribute/values/value/key") is not None
    discovery = ET.fromstring((await client.get(f"{BASE}/discovery.xml")).content)
    assert discovery.findtext("endpoints/endpoint/formats/format") == "application/json"
    assert (await client.get(f"{BASE}/discovery.json")).json()["endpoints"][0]["url"].endswith("/open311/v2")
    assert xml_requests(await client.get(f"{BASE}/requests.xml")) == []


async def test_refusals_in_open311_shape(client, frozen_clock) -> None:
    admin = await staff_headers(client, "vp@hanoi.gov.vn", "coordinator", None)
    key = await issue_key(client, admin)

    assert "api_key" in errors_json(await client.post(f"{BASE}/requests.json", data=form("")), 403)
    assert "thu hồi" in errors_json(await client.post(f"{BASE}/requests.json", data=form("pakn_sai")), 403)
    errors_xml(await client.post(f"{BASE}/requests.xml", data=form("pakn_sai")), 403)
    errors_json(await client.get(f"{BASE}/requests/PAKN.20200101.0001.json"), 404)
    errors_json(await client.get(f"{BASE}/requests/khong-co.json"), 404)
    errors_xml(await client.get(f"{BASE}/requests/PAKN.20200101.0001.xml"), 404)
    errors_json(await client.get(f"{BASE}/services/khong-co.json"), 404)
    errors_json(await client.get(f"{BASE}/services/moi-truong.html"), 404)
    errors_json(await client.get(f"{BASE}/tokens/abc.json"), 404)

    bad_queries = (
        {"status": "pending"},
        {"start_date": "hôm qua"},
        {"start_date": "9999-01-01T00:00:00Z"},
        {"start_date": "2026-01-01", "end_date": "2026-11-01"},
        {"start_date": "2026-11-02", "end_date": "2026-11-01"},
        {"service_code": "a\x00b"},
    )
    for query in bad_queries:
        errors_json(await client.get(f"{BASE}/requests.json", params=query), 400)
    errors_xml(await client.get(f"{BASE}/requests.xml", params={"status": "x"}), 400)

    # Intake's rules, named by the Open311 parameter a client sets; nothing is filed.
    refused = {
        "attribute[contact_address]": {"attribute[contact_address]": ""},
        "first_name/last_name": {"first_name": "", "last_name": ""},
        "lat": {"lat": "bắc", "long": "105.7"},
        "long": {"long": "1e400"},
        "phone": {"phone": "12"},
        "email": {"email": "khong-phai-email"},
        "service_code": {"service_code": "khong-co"},
        "description": {"description": ""},
        "address_string": {"lat": "", "long": "", "address_string": ""},
        "attribute[commune]": {"attribute[commune]": "99999"},
        "media_url": {"media_url": "javascript:alert(1)"},
        "attribute[title]": {"attribute[title]": "x" * 201},
    }
    for name, change in refused.items():
        description = errors_json(
            await client.post(f"{BASE}/requests.json", data=form(key["key"], **change)), 400
        )
        assert name in description, (name, description)
    long_text = form(key["key"], description="Nội dung " * 2000)
    assert "description" in errors_json(await client.post(f"{BASE}/requests.json", data=long_text), 400)
    assert (await client.get(f"{BASE}/requests.json", params={"status": "open"})).json() == []

    # A revoked key is refused from then on.
    assert (await client.post(f"{BASE}/requests.json", data=form(key["key"]))).status_code == 200
    assert (await client.delete(f"/api/v1/admin/api-keys/{key['id']}", headers=admin)).status_code == 204
    errors_json(await client.post(f"{BASE}/requests.json", data=form(key["key"])), 403)
    assert (await client.delete("/api/v1/admin/api-keys/999999", headers=admin)).status_code == 404
    listed = (await client.get("/api/v1/admin/api-keys", headers=admin)).json()
    assert listed[0]["revoked_at"] is not None


async def test_only_coordinators_manage_keys(client) -> None:
    officer = await staff_headers(client, "canbo@hadong.vn", "officer", "P-09556-KT")
    assert (
        await client.post("/api/v1/admin/api-keys", json={"name": "x"}, headers=officer)
    ).status_code == 403
    assert (await client.get("/api/v1/admin/api-keys")).status_code == 401
    admin = await staff_headers(client, "vp@hanoi.gov.vn", "coordinator", None)
    assert (await client.post("/api/v1/admin/api-keys", json={"name": ""}, headers=admin)).status_code in (
        400,
        422,
    )
