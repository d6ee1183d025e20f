"""A citizen who lost the secret link (or never had one: no e-mail) tracks with the code and the phone
number or e-mail given at filing, and can have a new link mailed; wrong guesses are limited per item and
per address, and every mismatch answers the same 404 (issue 13, SPEC §9)."""

from __future__ import annotations

import pytest

from feedback.items.models import Event
from tests.helpers import body_text, citizen_body, deliver_all

pytestmark = pytest.mark.asyncio


async def test_the_api_tracks_by_phone_or_email_and_answers_any_mismatch_alike(client) -> None:
    created = (await client.post("/api/v1/feedback", json=citizen_body())).json()
    code = created["code"]
    for contact in ("0912345678", "0912 345 678", "+84 912 345 678", "AN@example.vn"):
        response = await client.get(f"/api/v1/feedback/{code}", params={"contact": contact})
        assert response.status_code == 200, contact
        assert response.json()["code"] == code
    wrong_phone = await client.get(f"/api/v1/feedback/{code}", params={"contact": "0987654321"})
    wrong_code = await client.get("/api/v1/feedback/PAKN.20200101.0001", params={"contact": "0912345678"})
    assert wrong_phone.status_code == wrong_code.status_code == 404
    assert wrong_phone.json() == wrong_code.json()


async def test_wrong_contacts_are_limited_per_item(client) -> None:
    code = (await client.post("/api/v1/feedback", json=citizen_body())).json()["code"]
    statuses = [
        (await client.get(f"/api/v1/feedback/{code}", params={"contact": f"09{n:08d}"})).status_code
        for n in range(6)
    ]
    assert statuses == [404] * 5 + [429]
    # Even the right number waits now: a guesser cannot go on until the hour is over.
    right = await client.get(f"/api/v1/feedback/{code}", params={"contact": "0912345678"})
    assert right.status_code == 429 and "Retry-After" in right.headers
    # The token still works: the limit is on guessing contacts, not on the citizen's link.
    assert (await client.get(f"/api/v1/feedback/{code}", params={"token": "x"})).status_code == 404


async def test_the_page_tracks_by_phone_without_the_link(client) -> None:
    created = (await client.post("/api/v1/feedback", json=citizen_body())).json()
    page = await client.post(
        "/track/contact", data={"code": created["code"].lower(), "contact": "0912 345 678"}
    )
    assert page.status_code == 200 and created["code"] in page.text and "Rác thải ùn ứ" in page.text
    assert 'name="rating"' not in page.text  # rating needs the secret link
    missing = await client.post("/track/contact", data={"code": created["code"], "contact": "0900000000"})
    assert missing.status_code == 404 and "Không tìm thấy" in missing.text
    empty = await client.post("/track/contact", data={"code": "", "contact": ""})
    assert empty.status_code == 422 and "Nhập mã số phản ánh" in empty.text


async def test_a_new_link_is_mailed_and_the_old_one_stops_working(client, settings, mailbox) -> None:
    created = (await client.post("/api/v1/feedback", json=citizen_body())).json()
    code, old = created["code"], created["token"]
    await deliver_all(settings)
    mailbox.clear()
    wrong = await client.post("/track/resend", data={"code": code, "email": "khac@example.vn"})
    right = await client.post("/track/resend", data={"code": code, "email": "An@Example.vn"})
    assert wrong.status_code == right.status_code == 200
    assert (
        "đường dẫn tra cứu mới đã được gửi" in wrong.text
        and "đường dẫn tra cứu mới đã được gửi" in right.text
    )
    await deliver_all(settings)
    [mail] = mailbox.to("an@example.vn")
    assert "Đường dẫn tra cứu mới" in str(mail["Subject"])
    new = body_text(mail).split("token=")[1].split()[0]
    assert (await client.get(f"/api/v1/feedback/{code}", params={"token": new})).status_code == 200
    assert (await client.get(f"/api/v1/feedback/{code}", params={"token": old})).status_code == 404
    assert await Event.filter(kind="link_resent", public=True).count() == 1
    assert mailbox.to("khac@example.vn") == []
