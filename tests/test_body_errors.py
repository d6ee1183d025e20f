"""A body of the wrong shape is explained in Vietnamese, naming the field (issue 13: the English-only
"Object contains unknown field `channel`" answered a natural mistake)."""

import pytest

from feedback.body_errors import explain
from tests.helpers import citizen_body


@pytest.mark.parametrize(
    ("key", "message", "vietnamese"),
    [
        (
            "data",
            "Object contains unknown field `channel`",
            "Trường `channel` không thuộc yêu cầu này; hãy bỏ trường đó",
        ),
        ("data", "Object missing required field `title`", "Thiếu trường bắt buộc `title`"),
        (
            "severity",
            "Expected `str`, got `int`",
            "Trường `severity`: cần chuỗi ký tự, nhưng nhận được số nguyên",
        ),
        ("title", "Expected `str` of length <= 200", "Trường `title`: tối đa 200 ký tự"),
        ("rating", "Expected `int` >= 1", "Trường `rating`: không được nhỏ hơn 1"),
        ("rating", "Expected `int` <= 5", "Trường `rating`: không được lớn hơn 5"),
        (
            "starts_at",
            "Invalid RFC3339 encoded datetime",
            "Trường `starts_at`: cần ngày giờ dạng 2026-11-30T08:00:00+07:00",
        ),
        (
            "severity",
            "Invalid enum value 'x'",
            "Trường `severity`: giá trị 'x' không nằm trong danh sách cho phép",
        ),
        ("data", "JSON is malformed: trailing characters (byte 3)", "Nội dung JSON sai cú pháp"),
        ("title", "something msgspec says one day", "Trường `title`: giá trị không hợp lệ"),
    ],
)
def test_explain(key: str, message: str, vietnamese: str) -> None:
    assert explain(key, message) == vietnamese


async def test_a_citizen_who_sends_a_channel_is_told_in_vietnamese(client) -> None:
    response = await client.post("/api/v1/feedback", json={**citizen_body(), "channel": "online"})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Trường `channel` không thuộc yêu cầu này; hãy bỏ trường đó"
    assert body["field"] == "channel"
    assert body["extra"][0]["message_en"] == "Object contains unknown field `channel`"
    malformed = await client.post(
        "/api/v1/feedback", content=b'{"title": ', headers={"content-type": "application/json"}
    )
    assert malformed.status_code == 400 and "JSON" in malformed.json()["detail"]
