"""The staff side of the spine: each unit sees its own inbox, sorted by deadline, and answers its own items."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.helpers import PASSWORD, citizen_body, staff_headers


async def test_inbox_is_per_unit_and_sorted_by_deadline(client, frozen_clock) -> None:
    urgent = (await client.post("/api/v1/feedback", json=citizen_body(severity="urgent"))).json()
    normal = (await client.post("/api/v1/feedback", json=citizen_body())).json()
    elsewhere = (await client.post("/api/v1/feedback", json=citizen_body(commune="00070"))).json()
    hadong = await staff_headers(client, "canbo@hadong.vn", "officer", "P-09556-KT")
    hoankiem = await staff_headers(client, "canbo@hoankiem.vn", "officer", "P-00070-KT")

    inbox = (await client.get("/api/v1/staff/feedback", headers=hadong)).json()
    assert [row["code"] for row in inbox["items"]] == [urgent["code"], normal["code"]]
    assert inbox["total"] == 2
    other = (await client.get("/api/v1/staff/feedback", headers=hoankiem)).json()
    assert [row["code"] for row in other["items"]] == [elsewhere["code"]]

    # Another unit's item is "not found", for reading and for answering alike.
    assert (await client.get(f"/api/v1/staff/feedback/{normal['code']}", headers=hoankiem)).status_code == 404
    answer = {"answer": "Đơn vị không phụ trách địa bàn này nhưng vẫn trả lời."}
    response = await client.post(
        f"/api/v1/staff/feedback/{normal['code']}/answer", json=answer, headers=hoankiem
    )
    assert response.status_code == 404


async def test_inbox_filters(client, frozen_clock) -> None:
    officer = await staff_headers(client, "canbo@hadong.vn", "officer", "P-09556-KT")
    first = (await client.post("/api/v1/feedback", json=citizen_body(title="Đèn đường hỏng ở ngõ 5"))).json()
    await client.post("/api/v1/feedback", json=citizen_body())
    found = (await client.get("/api/v1/staff/feedback", params={"q": "den duong"}, headers=officer)).json()
    assert [row["code"] for row in found["items"]] == [first["code"]]
    by_code = (
        await client.get("/api/v1/staff/feedback", params={"q": first["code"]}, headers=officer)
    ).json()
    assert by_code["total"] == 1
    frozen_clock.set(datetime(2027, 1, 4, 2, tzinfo=UTC))
    login = {"email": "canbo@hadong.vn", "password": PASSWORD}  # the old session has expired
    officer = {
        "Authorization": f"Bearer {(await client.post('/api/v1/auth/login', json=login)).json()['token']}"
    }
    overdue = (await client.get("/api/v1/staff/feedback", params={"overdue": "true"}, headers=officer)).json()
    assert overdue["total"] == 2 and all(row["overdue"] for row in overdue["items"])
    assert (
        await client.get("/api/v1/staff/feedback", params={"status": "nonsense"}, headers=officer)
    ).status_code == 422  # issue 12: an unknown filter value is a 422 naming the filter


async def test_answer_needs_a_real_answer(client) -> None:
    created = (await client.post("/api/v1/feedback", json=citizen_body())).json()
    officer = await staff_headers(client, "canbo@hadong.vn", "officer", "P-09556-KT")
    short = await client.post(
        f"/api/v1/staff/feedback/{created['code']}/answer", json={"answer": "ok"}, headers=officer
    )
    assert short.status_code == 400
    desk = await staff_headers(client, "motcua@test.vn", "desk", "TT-HCC")
    answer = {"answer": "Bộ phận Một cửa không trả lời thay đơn vị."}
    assert (
        await client.post(f"/api/v1/staff/feedback/{created['code']}/answer", json=answer, headers=desk)
    ).status_code in (403, 404)
