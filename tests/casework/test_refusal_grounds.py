"""Refusing on a legal ground (Nghị định 20/2008/NĐ-CP, amended by Nghị định 92/2017/NĐ-CP): the grounds
are a reference list with their basis, the refusal stores its ground beside the officer's words, the
citizen's letter names both (and the procedure for a complaint or a denunciation), and a complaint is
classified as such."""

from __future__ import annotations

import pytest

from feedback.items.grounds import REFUSAL_GROUNDS, Ground
from feedback.items.models import FeedbackItem
from notifications.models import OutboxMessage
from tests.helpers import body_text, citizen_body, deliver_all, staff_headers

HADONG = "P-09556-KT"
REASON = "Đơn đề nghị xem xét lại quyết định xử phạt của phường, không phải phản ánh về quy định hành chính."


async def file(client) -> dict:  # noqa: ANN001
    response = await client.post("/api/v1/feedback", json=citizen_body())
    assert response.status_code == 201, response.text
    return response.json()


async def refuse(client, code: str, headers: dict, **body):  # noqa: ANN001, ANN003, ANN201
    return await client.post(f"/api/v1/staff/feedback/{code}/refuse", json=body, headers=headers)


@pytest.fixture
async def officer(client):  # noqa: ANN001, ANN201
    return await staff_headers(client, "canbo@hadong.vn", "officer", HADONG)


async def test_the_grounds_are_a_public_reference_list_with_their_basis(client) -> None:
    grounds = {g["code"]: g for g in (await client.get("/api/v1/refusal-grounds")).json()}
    assert set(grounds) == {g.value for g in Ground}
    assert all(g["name"] and g["basis"] for g in grounds.values())
    assert "Điều 7 Nghị định số 20/2008/NĐ-CP" in grounds["not_vietnamese"]["basis"]
    assert "khoản 3 Điều 2 Nghị định số 92/2017/NĐ-CP" in grounds["no_contact"]["basis"]
    assert "Luật Khiếu nại số 02/2011/QH13" in grounds["complaint"]["basis"]
    assert "Luật Tố cáo số 25/2018/QH14" in grounds["denunciation"]["basis"]
    # Only a complaint or a denunciation has another procedure, and classifies the item.
    assert {c for c, g in grounds.items() if g["procedure"]} == {"complaint", "denunciation"}
    assert grounds["complaint"]["classification"] == "complaint"
    classes = {c["code"]: c["name"] for c in (await client.get("/api/v1/classifications")).json()}
    assert classes["complaint"] == "khiếu nại" and classes["denunciation"] == "tố cáo"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"reason": REASON}, 400, "ground"),  # the ground is required
        ({"ground": "ly-do-khac", "reason": REASON}, 400, "ground"),  # unknown code
        ({"ground": "", "reason": REASON}, 400, "ground"),
        ({"ground": "complaint"}, 400, "reason"),  # the officer's words too
        ({"ground": "complaint", "reason": "     "}, 422, "reason"),
    ],
)
async def test_a_refusal_without_a_known_ground_or_words_is_refused(
    client, officer, body, status, field
) -> None:
    created = await file(client)
    response = await refuse(client, created["code"], officer, **body)
    assert response.status_code == status, response.text
    assert field in response.text
    item = await FeedbackItem.get(code=created["code"])
    assert item.status == "received" and item.refuse_ground == ""


async def test_a_complaint_is_classified_and_the_citizen_told_the_procedure(
    client, officer, settings, mailbox
) -> None:
    created = await file(client)
    response = await refuse(client, created["code"], officer, ground="complaint", reason=REASON)
    assert response.status_code == 200, response.text
    item = response.json()
    assert item["status"] == "refused" and item["classification"] == "complaint"
    assert (item["refuse_ground"], item["refuse_reason"]) == ("complaint", REASON)
    event = item["timeline"][-1]
    assert event["changes"]["refuse_ground"] == ["", "complaint"] and event["reason"] == REASON
    ground = REFUSAL_GROUNDS["complaint"]
    assert ground.text in event["message"] and ground.basis in event["message"]

    # The letter's context carries the ground, its basis and the procedure, beside the officer's words.
    [message] = await OutboxMessage.filter(kind="refused")
    context = message.context
    assert context["refusal_ground"] == ground.text and context["refusal_basis"] == ground.basis
    assert context["refusal_procedure"] == ground.procedure and context["reason"] == REASON
    await deliver_all(settings)
    [letter] = [m for m in mailbox.to("an@example.vn") if "không tiếp nhận" in str(m["Subject"]).lower()]
    text = " ".join(body_text(letter).split())
    assert ground.text in text and "Luật Khiếu nại số 02/2011/QH13" in text and REASON in text
    assert "người đã ban hành quyết định hành chính" in text  # where to file

    # The citizen's timeline says why, in the same words.
    public = (
        await client.get(f"/api/v1/feedback/{created['code']}", params={"token": created["token"]})
    ).json()
    assert ground.text in public["timeline"][-1]["message"] and public["timeline"][-1]["reason"] == REASON


async def test_an_ordinary_ground_names_no_procedure(client, officer) -> None:
    created = await file(client)
    response = await refuse(
        client, created["code"], officer, ground="not_vietnamese", reason="Đơn viết bằng tiếng Anh."
    )
    assert response.status_code == 200, response.text
    assert response.json()["classification"] == ""
    [message] = await OutboxMessage.filter(kind="refused")
    assert message.context["refusal_procedure"] == ""
    assert "tiếng Việt" in message.context["refusal_ground"]


@pytest.mark.parametrize("classification", ["complaint", "denunciation"])
async def test_accepting_a_complaint_points_to_the_refusal_ground(client, officer, classification) -> None:
    created = await file(client)
    response = await client.post(
        f"/api/v1/staff/feedback/{created['code']}/accept",
        json={"classification": classification},
        headers=officer,
    )
    assert response.status_code == 422, response.text
    refusal = response.json()
    assert refusal["field"] == "classification" and "Không tiếp nhận" in refusal["detail"]
    assert REFUSAL_GROUNDS[classification].basis in refusal["detail"]
    assert (await FeedbackItem.get(code=created["code"])).status == "received"
