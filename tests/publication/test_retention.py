"""`pakn retention` (Nghị định 13/2023/NĐ-CP): items finished longer than the retention period lose the
citizen's personal data, their texts, timeline details, attachments and mail addresses; what the reports
need stays; newer and open items are untouched; a second run and a dry run change nothing. A published
conference's askers become initials and its texts their public form. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import httpx

from feedback import clock
from feedback.items.models import Attachment, Event, FeedbackItem
from feedback.publication.retention import ERASED, run
from notifications.models import OutboxMessage
from tests.attachments import files
from tests.helpers import citizen_body, deliver_all, login
from tests.publication.support import answer, head_of
from tests.publication.test_no_personal_data import ASKER, ASKER_PHONE, ASKER_PLACE, published_conference

DAYS = 30
NEIGHBOUR = "Phùng Văn Đức"
OLD_CITIZEN = {
    "name": "Hoàng Thị Xuyến",
    "phone": "0388 246 135",
    "email": "xuyen@example.vn",
    "address": "Số 9 ngõ 4",
}
# What the reports read: none of it may change.
KEPT = (
    "code", "unit_id", "officer_id", "category_id", "commune_id", "channel", "severity", "status",
    "classification", "received_at", "unit_received_at", "accept_due_at", "due_at", "deadline_no",
    "transfer_count", "extension_count", "reopen_count", "answered_at", "answered_by_id", "rating",
    "rated_at", "closed_at", "duplicate_of_id", "created_at",
)  # fmt: skip


async def _file(client: httpx.AsyncClient, *, attach: bool = False, **overrides: Any) -> dict[str, Any]:
    body = citizen_body(**overrides)
    if attach:
        response = await client.post(
            "/api/v1/feedback",
            data={"data": json.dumps(body)},
            files=[("files", ("anh-nha-toi.png", files.png(), "application/octet-stream"))],
        )
    else:
        response = await client.post("/api/v1/feedback", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def _snapshot() -> list[tuple]:
    """Every row retention may touch, to prove a dry run or a second run leaves them alone."""
    items = await FeedbackItem.all().order_by("id").values()
    events = await Event.all().order_by("id").values_list("id", "message", "reason", "changes")
    messages = await OutboxMessage.all().order_by("id").values_list("id", "to_addr", "context")
    attachments = await Attachment.all().order_by("id").values_list("id", "storage_name")
    from feedback.conferences.models import Question

    questions = await Question.all().order_by("id").values_list("id", "asker_name", "text", "answer")
    return [tuple(sorted(i.items())) for i in items] + events + messages + attachments + questions


async def test_retention_clears_old_finished_items_and_keeps_the_statistics(
    client, settings, frozen_clock
) -> None:
    settings = dataclasses.replace(settings, retention_days=DAYS)
    head = await head_of(client, "P-09556-KT", "Đỗ Quang Vinh", "vinh.do.pakn@hadong.vn")
    content = f"Ông {NEIGHBOUR} ở số 5 đổ rác; gọi tôi 0388 246 135."
    old = await _file(client, attach=True, citizen=OLD_CITIZEN, content=content, publish=True)
    refused = await _file(client, citizen=OLD_CITIZEN)
    still_open = await _file(client, citizen=OLD_CITIZEN)
    await answer(client, old["code"], f"Kính gửi bà Hoàng Thị Xuyến: đã nhắc hộ ông {NEIGHBOUR}.", head)
    rated = await client.post(
        f"/api/v1/feedback/{old['code']}/rating", json={"rating": 4, "comment": "Cảm ơn, nhà tôi đã sạch"},
        headers={"X-Access-Token": old["token"]},
    )  # fmt: skip
    assert rated.status_code == 200, rated.text
    refusal = await client.post(
        f"/api/v1/staff/feedback/{refused['code']}/refuse", json={"ground": "not_regulation", "reason": "Nội dung không thuộc thẩm quyền"},
        headers=head,
    )  # fmt: skip
    assert refusal.status_code == 200, refusal.text
    cid, _ = await published_conference(client)

    frozen_clock.advance(days=DAYS - 5)
    newer = await _file(client, citizen=OLD_CITIZEN)
    await answer(
        client, newer["code"], "Phường đã xử lý xong việc này.", await login(client, "vinh.do.pakn@hadong.vn")
    )
    frozen_clock.advance(days=10)  # the first ones are now finished for 35 days, `newer` for 10
    assert await deliver_all(settings) > 0  # sent mail is what retention clears; pending mail waits

    before = {i["code"]: i for i in await FeedbackItem.all().values()}
    stored = await Attachment.filter(item__code=old["code"]).values_list("storage_name", flat=True)
    assert len(stored) == 1 and (settings.upload_dir / stored[0]).is_file()
    events_before = await Event.filter(item__code=old["code"]).order_by("id").values_list("kind", "at")

    # A dry run counts and changes nothing.
    snapshot = await _snapshot()
    preview = await run(settings, now=clock.now(), dry_run=True)
    assert (preview.items, preview.attachments, preview.questions) == (2, 1, 2) and preview.dry_run
    assert "would clear 2 items" in str(preview)
    assert await _snapshot() == snapshot

    report = await run(settings, now=clock.now())
    assert (report.items, report.attachments, report.questions) == (2, 1, 2) and report.messages > 0
    assert "cleared 2 items (1 attachments), 2 conference questions" in str(report)

    after = {i["code"]: i for i in await FeedbackItem.all().values()}
    for code in (old["code"], refused["code"]):
        item = after[code]
        assert item["anonymised_at"] == clock.now()
        assert {k: item[k] for k in KEPT} == {k: before[code][k] for k in KEPT}
        for field in ("citizen_name", "citizen_phone", "citizen_email", "citizen_address", "address",
                      "rating_comment", "search_text", "token_hash", "draft_answer"):  # fmt: skip
            assert item[field] == "", (code, field)
        assert item["title"] == item["content"] == ERASED and item["publish"] is False
        assert item["latitude"] is None
    assert after[old["code"]]["answer"] == ERASED and after[old["code"]]["rating"] == 4
    assert after[refused["code"]]["refuse_reason"] == ERASED and after[refused["code"]]["status"] == "refused"
    # Newer and unfinished items keep everything.
    for code in (newer["code"], still_open["code"]):
        assert after[code] == before[code]
    # The timeline keeps its kinds and times, not its words; the files are gone, rows and bytes.
    events = (
        await Event.filter(item__code=old["code"])
        .order_by("id")
        .values_list("kind", "at", "message", "reason", "changes")
    )
    assert [(kind, at) for kind, at, *_ in events] == events_before
    assert all(message == reason == "" and changes == {} for *_, message, reason, changes in events)
    assert await Attachment.filter(item__code=old["code"]).count() == 0
    assert not (settings.upload_dir / stored[0]).exists()
    # Its mails keep kind, thread and status, not addresses or contexts; the newer item's are untouched.
    for message in await OutboxMessage.filter(thread=old["code"], status__in=("sent", "failed")):
        assert (message.to_addr, message.to_name, message.context) == ("", "", {})
    assert await OutboxMessage.filter(thread=newer["code"], to_addr="xuyen@example.vn").exists()
    # The citizen's link no longer opens it, and it left the public list.
    tracked = await client.get(f"/api/v1/feedback/{old['code']}", headers={"X-Access-Token": old["token"]})
    assert tracked.status_code == 404
    assert (await client.get(f"/api/v1/public/feedback/{old['code']}")).status_code == 404

    # The conference: askers as initials, the texts in their public form, the public page unchanged in substance.
    from feedback.conferences.models import Question

    questions = await Question.filter(conference_id=cid).order_by("number")
    assert [q.asker_name for q in questions] == ["T.V.K.", "L.T.N."]
    assert all(q.asker_phone == q.asker_email == q.asker_place == "" and q.anonymised_at for q in questions)
    stored_texts = " ".join(f"{q.text} {q.answer}" for q in questions)
    for personal in (ASKER, ASKER_PHONE, ASKER_PLACE, "0356 222 918"):
        assert personal not in stored_texts
    shown = (await client.get(f"/api/v1/public/conferences/{cid}")).json()["questions"]
    assert [q["asker"] for q in shown] == ["T.V.K.", "L.T.N."] and "cống ngõ 71 tắc" in shown[0]["text"]

    # Idempotent: a second run finds nothing and changes nothing.
    snapshot = await _snapshot()
    again = await run(settings, now=clock.now())
    assert (again.items, again.attachments, again.questions, again.messages) == (0, 0, 0, 0)
    assert await _snapshot() == snapshot


async def test_the_default_period_is_five_years_and_leaves_recent_items(
    client, settings, frozen_clock
) -> None:
    assert settings.retention_days == 1826
    head = await head_of(client, "P-09556-KT", "Đỗ Quang Vinh", "vinh.do.pakn@hadong.vn")
    item = await _file(client)
    await answer(client, item["code"], "Phường đã xử lý xong việc này.", head)
    frozen_clock.advance(days=1825)
    assert (await run(settings, now=clock.now())).items == 0
    frozen_clock.advance(days=2)
    assert (await run(settings, now=clock.now())).items == 1
