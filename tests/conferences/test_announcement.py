"""Điều 43 Luật Tổ chức chính quyền địa phương 2025 through the API: a conference is announced at least 7
days ahead (a warning, not a refusal, when it is not), and its results are published through the media,
posted at the unit's seat and sent to the heads of villages and residential groups, each with its date."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from feedback.conferences.checks import announcement_warning, publication_warnings
from feedback.conferences.models import Conference, ConferencePublication
from feedback.conferences.vocabulary import PUBLICATION_CHANNELS
from tests.helpers import login, staff_headers

CONFERENCE = {
    "host_unit": "P-09556",
    "title": "Hội nghị đối thoại với Nhân dân phường Hà Đông năm 2026",
    "starts_at": "2026-12-03T08:00:00+07:00",  # ten days after the frozen clock's Monday 23/11
    "place": "Hội trường UBND phường Hà Đông",
}
HELD_DAY = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)  # the day after, 09:00 in Hanoi


async def create(client, headers, **changes):  # noqa: ANN001, ANN003, ANN201
    response = await client.post("/api/v1/conferences/", json={**CONFERENCE, **changes}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def move(client, headers, cid: int, status: str) -> dict:  # noqa: ANN001
    response = await client.post(
        f"/api/v1/conferences/{cid}/status", json={"status": status}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
async def organiser(client):  # noqa: ANN001, ANN201
    return await staff_headers(client, "tochuc@hanoi.gov.vn", "organiser", "P-09556")


@pytest.mark.parametrize(
    ("announced", "day", "warned"),
    [
        (date(2026, 11, 26), date(2026, 12, 3), False),  # exactly 7 days ahead
        (date(2026, 11, 27), date(2026, 12, 3), True),  # 6 days
        (date(2026, 12, 3), date(2026, 12, 3), True),  # on the day
        (None, date(2026, 12, 3), False),  # not announced yet: nothing to judge
    ],
)
def test_the_seven_days_rule(announced, day, warned) -> None:  # noqa: ANN001
    warning = announcement_warning(announced, day)
    assert (warning is not None) == warned
    if warned:
        assert "ít nhất 07 ngày" in warning and "Điều 43 Luật Tổ chức chính quyền địa phương" in warning


async def test_collecting_opened_in_time_records_the_announcement(client, organiser, frozen_clock) -> None:
    conference = await create(client, organiser)
    assert conference["announced_at"] is None and conference["warnings"] == []
    opened = await move(client, organiser, conference["id"], "collecting")
    assert opened["announced_at"].startswith("2026-11-23T02:00:00")  # the moment collecting opened
    assert opened["warnings"] == []


async def test_collecting_opened_late_is_warned_not_refused(client, organiser, frozen_clock) -> None:
    conference = await create(client, organiser, starts_at="2026-11-28T08:00:00+07:00")
    opened = await move(client, organiser, conference["id"], "collecting")
    assert opened["status"] == "collecting"
    [warning] = opened["warnings"]
    assert "23/11/2026, chỉ 5 ngày trước ngày tổ chức 28/11/2026" in warning
    # The organiser records the real announcement (on the radio a week earlier): the warning goes.
    fixed = await client.patch(
        f"/api/v1/conferences/{conference['id']}",
        json={"announced_at": "2026-11-20T08:00:00+07:00"},
        headers=organiser,
    )
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["announced_at"].startswith("2026-11-20T01:00:00") and fixed.json()["warnings"] == []
    # An explicit date stays when collecting opens later.
    other = await create(client, organiser, announced_at="2026-11-16T08:00:00+07:00")
    assert (await move(client, organiser, other["id"], "collecting"))["announced_at"].startswith("2026-11-16")


async def test_an_announcement_in_the_future_is_refused(client, organiser, frozen_clock) -> None:
    response = await client.post(
        "/api/v1/conferences/",
        json={**CONFERENCE, "announced_at": "2026-11-30T08:00:00+07:00"},
        headers=organiser,
    )
    assert response.status_code == 422 and response.json()["field"] == "announced_at"
    assert await Conference.all().count() == 0


async def test_publication_channels_with_their_dates(client, organiser, frozen_clock) -> None:
    conference = await create(client, organiser)
    cid = conference["id"]
    url = f"/api/v1/conferences/{cid}/publication"
    media = {"channel": "media", "date": "2026-12-05", "note": "Đài truyền thanh phường"}
    await move(client, organiser, cid, "collecting")
    # Before the conference is held there are no results to publish.
    assert (await client.post(url, json=media, headers=organiser)).status_code == 409

    frozen_clock.set(HELD_DAY)
    organiser = await login(client, "tochuc@hanoi.gov.vn")  # a session lasts 12 hours
    await move(client, organiser, cid, "held")
    frozen_clock.set(datetime(2026, 12, 16, 2, 0, tzinfo=UTC))
    organiser = await login(client, "tochuc@hanoi.gov.vn")
    for body, status, field in [
        ({**media, "channel": "radio"}, 400, "channel"),
        ({**media, "date": "2026-12-02"}, 422, "date"),  # before the conference
        ({**media, "date": "2026-12-17"}, 422, "date"),  # in the future
        ({"channel": "media"}, 400, "date"),
    ]:
        refused = await client.post(url, json=body, headers=organiser)
        assert refused.status_code == status and field in refused.text, refused.text
    assert await ConferencePublication.all().count() == 0

    recorded = await client.post(url, json={**media, "date": "2026-12-04"}, headers=organiser)
    assert recorded.status_code == 200, recorded.text
    corrected = await client.post(url, json=media, headers=organiser)  # recording again corrects
    assert corrected.json()["publication"] == [
        {"channel": "media", "name": "Thông báo trên phương tiện thông tin đại chúng", "date": "2026-12-05",
         "note": "Đài truyền thanh phường"},
    ]  # fmt: skip
    seat = {"channel": "seat", "date": "2026-12-15"}  # after the deadline (Monday 14/12)
    late = await client.post(url, json=seat, headers=organiser)
    assert any(
        "Niêm yết tại trụ sở ngày 15/12/2026, sau hạn công khai 14/12/2026" in w
        for w in late.json()["warnings"]
    )

    published = await move(client, organiser, cid, "published")
    assert any("Chưa ghi nhận việc công khai kết quả: gửi trưởng thôn" in w for w in published["warnings"])
    heads = {"channel": "village_heads", "date": "2026-12-07", "note": "Công văn số 12/UBND"}
    done = (await client.post(url, json=heads, headers=organiser)).json()
    assert [p["channel"] for p in done["publication"]] == list(PUBLICATION_CHANNELS)
    assert not any("Chưa ghi nhận" in w for w in done["warnings"])

    # The public API shows the channels and their dates, never the notes.
    public = await client.get(f"/api/v1/public/conferences/{cid}")
    assert public.status_code == 200
    assert public.json()["publication"][2] == {
        "channel": "village_heads", "name": "Gửi trưởng thôn, tổ trưởng tổ dân phố", "date": "2026-12-07",
    }  # fmt: skip
    assert "Công văn số 12" not in public.text and "Đài truyền thanh" not in public.text


async def test_only_the_organisers_record_the_publication(client, organiser, frozen_clock) -> None:
    conference = await create(client, organiser)
    officer = await staff_headers(client, "canbo@hadong.vn", "officer", "P-09556-KT")
    response = await client.post(
        f"/api/v1/conferences/{conference['id']}/publication",
        json={"channel": "media", "date": "2026-12-05"},
        headers=officer,
    )
    assert response.status_code == 403


def test_a_missing_channel_is_named_only_once_published() -> None:
    days = {"media": date(2026, 12, 5)}
    assert publication_warnings("held", days, date(2026, 12, 14)) == []
    [missing] = publication_warnings("published", days, date(2026, 12, 14))
    assert "niêm yết tại trụ sở" in missing and "gửi trưởng thôn, tổ trưởng tổ dân phố" in missing


async def test_a_question_without_an_address_is_not_forwarded_as_feedback(client, organiser) -> None:
    """A feedback item needs its citizen's address (Điều 7 Nghị định 20/2008/NĐ-CP): a floor question
    without one is answered at the conference or in writing, and forwarding it says so."""
    conference = await create(client, organiser)
    base = f"/api/v1/conferences/{conference['id']}"
    await move(client, organiser, conference["id"], "collecting")
    asked = await client.post(
        f"{base}/questions", json={"asker_name": "Lê Văn C", "text": "Khi nào sửa đường Quang Trung?"},
        headers=organiser,
    )  # fmt: skip
    assert asked.status_code == 201, asked.text
    number = asked.json()["number"]
    answer = {"answer": "Chuyển xử lý.", "answer_mode": "forwarded", "official_name": "Phạm Văn D",
              "official_position": "Chủ tịch UBND phường"}  # fmt: skip
    response = await client.post(f"{base}/questions/{number}/answer", json=answer, headers=organiser)
    assert response.status_code == 422, response.text
    assert (
        response.json()["field"] == "answer_mode" and "Cần địa chỉ của người hỏi" in response.json()["detail"]
    )
