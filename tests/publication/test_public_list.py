"""The public list of answered feedback, through the HTTP API: consent, answered, redacted, searchable."""

from __future__ import annotations

from datetime import datetime, timedelta

from feedback import clock
from feedback.items.models import FeedbackItem
from feedback.publication.redact import PHONE_MASK
from tests.publication.support import answer, file, head_of

HADONG, HOANKIEM = "P-09556-KT", "P-00070-KT"
CONTENT = "Ông Nguyễn Văn An (0912 345 678) báo rác thải ùn ứ ba ngày nay tại ngõ 12."
ANSWER = "Kính gửi ông Nguyễn Văn An: phường đã thu gom rác. Cán bộ xử lý: Phạm Minh Cường, 0243 825 3536."
FIELDS = {
    "code", "title", "content", "answer", "citizen_initials", "unit", "category", "commune", "status",
    "received_at", "answered_at", "on_time", "latitude", "longitude",  # the place, rounded (policy.py)
}  # fmt: skip


async def _codes(client, **params) -> tuple[int, list[str]]:  # noqa: ANN001
    response = await client.get("/api/v1/public/feedback", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    return body["total"], [entry["code"] for entry in body["items"]]


async def test_only_answered_items_with_consent_are_public_and_redacted(client) -> None:
    head = await head_of(client, HADONG, "Phạm Minh Cường", "truong@hadong.vn")
    public = await file(client, publish=True, content=CONTENT)
    private = await file(client, publish=False, content=CONTENT)
    waiting = await file(client, publish=True, content=CONTENT)
    closed = await file(client, publish=True, content=CONTENT)
    for item in (public, private, closed):
        await answer(client, item["code"], ANSWER, head)
    await FeedbackItem.filter(code=closed["code"]).update(status="closed", closed_at=clock.now())

    total, codes = await _codes(client)
    assert total == 2 and set(codes) == {public["code"], closed["code"]}
    entry = (await client.get(f"/api/v1/public/feedback/{public['code']}")).json()
    assert set(entry) == FIELDS  # nothing else: no citizen, contact, address, officer or token
    assert entry["title"] == "Rác thải ùn ứ tại ngõ 12"
    assert entry["content"] == f"Ông N.V.A. ({PHONE_MASK}) báo rác thải ùn ứ ba ngày nay tại ngõ 12."
    assert (
        entry["answer"] == f"Kính gửi ông N.V.A.: phường đã thu gom rác. Cán bộ xử lý: P.M.C., {PHONE_MASK}."
    )
    assert entry["citizen_initials"] == "N.V.A."
    assert entry["unit"]["code"] == HADONG and entry["unit"]["name"]
    assert entry["category"]["code"] == "moi-truong" and entry["commune"]["code"] == "09556"
    assert entry["status"] == "answered" and entry["on_time"] is True
    assert entry["received_at"] == public["received_at"]
    assert datetime.fromisoformat(entry["answered_at"]) == clock.now()
    listed = (await client.get("/api/v1/public/feedback")).json()["items"]
    assert next(e for e in listed if e["code"] == public["code"]) == entry

    for hidden in (private, waiting, {"code": "PAKN.20991231.0001"}):
        assert (await client.get(f"/api/v1/public/feedback/{hidden['code']}")).status_code == 404


async def test_filters_pagination_and_newest_answers_first(client, frozen_clock) -> None:
    hadong = await head_of(client, HADONG, "Phạm Minh Cường", "truong@hadong.vn")
    hoankiem = await head_of(client, HOANKIEM, "Lê Thu Hà", "truong@hoankiem.vn")
    rubbish = await file(client, publish=True)
    lamp = await file(
        client,
        publish=True,
        title="Đèn đường hỏng ở ngõ 5",
        content="Đèn đường hỏng nhiều ngày, buổi tối đi lại rất nguy hiểm.",
        category="giao-thong",
    )
    elsewhere = await file(client, publish=True, commune="00070")
    for item, head in ((rubbish, hadong), (lamp, hadong), (elsewhere, hoankiem)):
        await answer(client, item["code"], "Đơn vị đã kiểm tra và xử lý xong.", head)
        frozen_clock.advance(hours=1)
    newest_first = [elsewhere["code"], lamp["code"], rubbish["code"]]

    assert await _codes(client) == (3, newest_first)
    assert await _codes(client, limit=2) == (3, newest_first[:2])
    assert await _codes(client, limit=2, offset=2) == (3, newest_first[2:])
    for q in ("den duong", "Đèn đường", "ĐÈN ĐƯỜNG", "  đèn   đường "):
        assert await _codes(client, q=q) == (1, [lamp["code"]]), q
    assert await _codes(client, q=rubbish["code"]) == (1, [rubbish["code"]])
    assert await _codes(client, category="giao-thong") == (1, [lamp["code"]])
    assert await _codes(client, commune="00070") == (1, [elsewhere["code"]])
    assert await _codes(client, unit=HOANKIEM) == (1, [elsewhere["code"]])
    assert await _codes(client, unit=HADONG, category="moi-truong") == (1, [rubbish["code"]])
    assert await _codes(client, category="khong-co") == (0, [])
    for bad in ({"limit": 0}, {"limit": 101}, {"offset": -1}):
        assert (await client.get("/api/v1/public/feedback", params=bad)).status_code == 400


async def test_search_never_finds_an_item_by_its_personal_data(client) -> None:
    """The stored search text is not redacted; searching it for a phone number or a name must not
    reveal that some published item contains it."""
    head = await head_of(client, HADONG, "Phạm Minh Cường", "truong@hadong.vn")
    content = "Tôi là Nguyễn Văn An, CCCD 001099012345, gọi 0912 345 678 hoặc an@example.vn; rác thải ùn ứ."
    item = await file(client, publish=True, content=content)
    await answer(client, item["code"], "Phường đã thu gom rác thải.", head)

    assert await _codes(client, q="rác thải") == (1, [item["code"]])
    for q in ("0912 345 678", "345 678", "001099012345", "an@example.vn", "Nguyễn Văn An", "nguyen van an"):
        assert await _codes(client, q=q) == (0, []), q


async def test_a_late_answer_is_shown_as_late(client, frozen_clock) -> None:
    item = await file(client, publish=True)
    frozen_clock.set(datetime.fromisoformat(item["due_at"]) + timedelta(days=1))
    head = await head_of(client, HADONG, "Phạm Minh Cường", "truong@hadong.vn")  # logs in after the jump
    await answer(client, item["code"], "Xin lỗi vì trả lời muộn; phường đã thu gom rác.", head)
    entry = (await client.get(f"/api/v1/public/feedback/{item['code']}")).json()
    assert entry["on_time"] is False


async def test_a_duplicate_is_listed_once_under_its_main_item(client) -> None:
    head = await head_of(client, HADONG, "Phạm Minh Cường", "truong@hadong.vn")
    main = await file(client, publish=True)
    copy = await file(
        client,
        publish=True,
        citizen={"name": "Trần Thị Bích", "phone": "0987654321", "address": "Số 1 Lê Lợi, Hà Đông"},
    )
    await answer(client, main["code"], ANSWER, head)
    # Set up as the duplicate action leaves it: the main item's answer, naming the main item's citizen.
    main_row = await FeedbackItem.get(code=main["code"])
    await FeedbackItem.filter(code=copy["code"]).update(
        duplicate_of_id=main_row.id, status="answered", answer=main_row.answer, answered_at=clock.now()
    )
    assert await _codes(client) == (1, [main["code"]])
    assert (await client.get(f"/api/v1/public/feedback/{copy['code']}")).status_code == 404
