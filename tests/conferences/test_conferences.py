"""Dialogue conferences end to end through the API (SPEC §6): questions, routing, answers, steps, publication."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from feedback.conferences.models import Conference, ConferenceStep, Question
from feedback.conferences.sweep import sweep_conferences
from feedback.items.models import FeedbackItem
from notifications.models import OutboxMessage
from tests.helpers import body_text, deliver_all, login, staff_headers, unit_addresses

pytestmark = pytest.mark.asyncio

CONFERENCE = {
    "host_unit": "P-09556",
    "title": "Hội nghị đối thoại với Nhân dân phường Hà Đông năm 2026",
    "starts_at": "2026-12-03T08:00:00+07:00",
    "place": "Hội trường UBND phường Hà Đông",
    "categories": ["moi-truong", "giao-thong"],
}
PUBLIC_QUESTION = {
    "asker_name": "Nguyễn Văn An",
    "asker_place": "Số 12 ngõ 5 Quang Trung, Hà Đông",
    "asker_phone": "0912 345 678",
    "asker_email": "an@example.vn",
    "category": "moi-truong",
    "commune": "09556",
    "text": "Rác thải ở ngõ 5 không được thu gom, ông Nguyễn Văn An gọi 0912345678 nhưng không ai nghe.",
}


async def _setup(client):
    organiser = await staff_headers(client, "tochuc@hanoi.gov.vn", "organiser", "P-09556")
    response = await client.post("/api/v1/conferences/", json=CONFERENCE, headers=organiser)
    assert response.status_code == 201, response.text
    conference = response.json()
    assert conference["status"] == "planning" and conference["host_unit"]["code"] == "P-09556"
    return organiser, conference["id"]


def _csv(rows: list[list[str]], *, bom: bool = True) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode()


def _xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_a_conference_end_to_end(client, settings, frozen_clock, mailbox) -> None:
    organiser, cid = await _setup(client)
    base = f"/api/v1/conferences/{cid}"

    # Not collecting yet: the public form refuses.
    refused = await client.post(f"{base}/public-questions", json=PUBLIC_QUESTION)
    assert refused.status_code == 409
    assert (
        await client.post(f"{base}/status", json={"status": "collecting"}, headers=organiser)
    ).status_code == 200

    public = await client.post(f"{base}/public-questions", json=PUBLIC_QUESTION)
    assert public.status_code == 201, public.text
    assert public.json()["number"] == 1
    bad = await client.post(f"{base}/public-questions", json={**PUBLIC_QUESTION, "asker_phone": "12345"})
    assert bad.status_code == 422 and bad.json()["field"] == "asker_phone"

    floor = await client.post(
        f"{base}/questions",
        json={
            "asker_name": "Trần Thị Bình",
            "text": "Đường Quang Trung ùn tắc giao thông giờ cao điểm, xin giải pháp.",
        },
        headers=organiser,
    )
    assert floor.status_code == 201, floor.text
    assert floor.json()["number"] == 2 and floor.json()["category"]["code"] == "giao-thong"

    content = _csv(
        [
            ["Họ và tên", "Địa chỉ", "Số điện thoại", "Email", "Lĩnh vực", "Xã/phường", "Nội dung"],
            [
                "Lê Văn Cường",
                "Tổ 3 Hà Đông",
                "0987654321",
                "",
                "moi-truong",
                "09556",
                "Cống thoát nước bị tắc gây ngập úng.",
            ],
            [
                "Phạm Thị Dung",
                "",
                "",
                "dung@example.vn",
                "",
                "",
                "Vỉa hè bị lấn chiếm làm bãi gửi xe trái phép.",
            ],
        ]
    )
    imported = await client.post(
        f"{base}/questions/import", files={"file": ("cau-hoi.csv", content, "text/csv")}, headers=organiser
    )
    assert imported.status_code == 201, imported.text
    assert [q["number"] for q in imported.json()] == [3, 4]
    assert imported.json()[0]["asker_name"] == "Lê Văn Cường" and imported.json()[0]["channel"] == "import"

    questions = (await client.get(f"{base}/questions", headers=organiser)).json()
    assert len(questions) == 4 and all(q["unit"] and q["due_at"] for q in questions)
    # Due at the end of the working day before the conference (Wed 2 December).
    assert questions[0]["due_at"].startswith("2026-12-02T16:59:59")
    assert questions[0]["asker_phone"] == "0912345678"
    assert await ConferenceStep.filter(question_id__not_isnull=True).count() == 8

    # Reassign question 4 to the economic office, which answers it itself.
    assigned = await client.post(
        f"{base}/questions/4/assign", json={"unit": "P-09556-KT", "due_date": "2026-12-01"}, headers=organiser
    )
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["unit"]["code"] == "P-09556-KT"
    assert await ConferenceStep.filter(question__number=4, status="pending").count() == 2
    officer = await staff_headers(client, "kt@hanoi.gov.vn", "officer", "P-09556-KT")
    answer = {
        "answer": "Phường sẽ ra quân xử lý lấn chiếm vỉa hè.",
        "official_name": "Hoàng Văn Em",
        "official_position": "Trưởng phòng Kinh tế",
    }
    in_writing = await client.post(
        f"{base}/questions/4/answer", json={**answer, "answer_mode": "in_writing"}, headers=officer
    )
    assert in_writing.status_code == 422 and in_writing.json()["field"] == "document_number"
    in_writing = await client.post(
        f"{base}/questions/4/answer",
        json={
            **answer,
            "answer_mode": "in_writing",
            "document_number": "125/UBND-KT",
            "document_date": "2026-11-30",
        },
        headers=officer,
    )
    assert in_writing.status_code == 200, in_writing.text
    assert in_writing.json()["status"] == "answered" and in_writing.json()["document_number"] == "125/UBND-KT"
    # An officer of another unit may not answer it.
    stranger = await staff_headers(client, "so@hanoi.gov.vn", "officer", "P-09556")
    assert (await client.post(f"{base}/questions/4/answer", json={**answer, "answer_mode": "at_conference"},
                              headers=stranger)).status_code == 403  # fmt: skip

    forwarded = await client.post(
        f"{base}/questions/1/answer",
        json={"answer": "Chuyển thành phản ánh để UBND phường xử lý.", "answer_mode": "forwarded",
              "official_name": "Đỗ Văn Phúc", "official_position": "Chủ tịch UBND phường"},
        headers=organiser,
    )  # fmt: skip
    assert forwarded.status_code == 200, forwarded.text
    code = forwarded.json()["feedback_code"]
    item = await FeedbackItem.get(code=code)
    assert item.channel == "conference" and item.citizen_name == "Nguyễn Văn An"

    # Held with questions 2 and 3 open: publishing is refused, naming them.
    held = await client.post(f"{base}/status", json={"status": "held"}, headers=organiser)
    assert held.status_code == 200, held.text
    # 10 calendar days after Thursday 3 December: Sunday 13, moved to Monday 14 December.
    assert held.json()["publish_due_at"].startswith("2026-12-14T16:59:59")
    assert await ConferenceStep.filter(question_id=None).count() == 3
    early = await client.post(f"{base}/status", json={"status": "published"}, headers=organiser)
    assert early.status_code == 422 and "số 2, 3" in early.json()["detail"]
    for number in (2, 3):
        done = await client.post(
            f"{base}/questions/{number}/answer",
            json={"answer": "Đã trả lời trực tiếp tại hội nghị.", "answer_mode": "at_conference",
                  "official_name": "Đỗ Văn Phúc", "official_position": "Chủ tịch UBND phường"},
            headers=organiser,
        )  # fmt: skip
        assert done.status_code == 200
    # Not published: the public page does not show it.
    assert (await client.get(f"/api/v1/public/conferences/{cid}")).status_code == 404
    published = await client.post(f"{base}/status", json={"status": "published"}, headers=organiser)
    assert published.status_code == 200 and published.json()["published_at"]
    assert await ConferenceStep.filter(status="pending").count() == 0
    again = await client.post(f"{base}/status", json={"status": "held"}, headers=organiser)
    assert again.status_code == 409

    page = await client.get(f"/api/v1/public/conferences/{cid}")
    assert page.status_code == 200
    first = page.json()["questions"][0]
    assert first["asker"] == "N.V.A."
    assert (
        "Nguyễn Văn An" not in page.text
        and "0912345678" not in page.text
        and "an@example.vn" not in page.text
    )
    assert "Rác thải ở ngõ 5" in first["text"]
    assert page.json()["questions"][3]["document_number"] == "125/UBND-KT"

    # The units were told of their questions.
    await deliver_all(settings)
    subjects = [m["Subject"] for m in mailbox.messages]
    assert any("Giao chuẩn bị trả lời câu hỏi hội nghị đối thoại" in s for s in subjects)


async def test_the_sweep_reminds_and_escalates_once(client, settings, frozen_clock, mailbox) -> None:
    organiser, cid = await _setup(client)
    base = f"/api/v1/conferences/{cid}"
    await client.post(f"{base}/status", json={"status": "collecting"}, headers=organiser)
    assert (await client.post(f"{base}/public-questions", json=PUBLIC_QUESTION)).status_code == 201
    question = await Question.get(conference_id=cid, number=1)
    unit_mail, head_mail = await unit_addresses((await question.unit).code)
    await deliver_all(settings)
    mailbox.clear()

    # Tuesday 1 December, 09:00: one working day before the due day (Wed 2).
    frozen_clock.advance(days=8)
    assert await sweep_conferences(settings, now=frozen_clock.now()) == 1
    assert await sweep_conferences(settings, now=frozen_clock.now()) == 0
    assert await deliver_all(settings) == 1
    [reminder] = mailbox.messages
    assert reminder["To"].addresses[0].addr_spec == unit_mail
    assert "còn 1 ngày làm việc đến hạn trả lời câu hỏi số 1" in reminder["Subject"]
    assert "Rác thải ở ngõ 5" in body_text(reminder)
    mailbox.clear()

    # Thursday 3 December: overdue, to the unit and its head, once.
    frozen_clock.advance(days=2)
    await sweep_conferences(settings, now=frozen_clock.now())
    await sweep_conferences(settings, now=frozen_clock.now())
    await deliver_all(settings)
    overdue = sorted(m["To"].addresses[0].addr_spec for m in mailbox.messages)
    assert overdue == sorted(a for a in (unit_mail, head_mail) if a)
    assert all("Quá hạn trả lời câu hỏi số 1" in m["Subject"] for m in mailbox.messages)
    mailbox.clear()

    # Held on the 3rd, publication due Monday 14; answered, but not published.
    organiser = await login(client, "tochuc@hanoi.gov.vn")
    assert (
        await client.post(f"{base}/status", json={"status": "held"}, headers=organiser)
    ).status_code == 200
    answered = await client.post(
        f"{base}/questions/1/answer",
        json={"answer": "Đã trả lời tại hội nghị.", "answer_mode": "at_conference",
              "official_name": "Đỗ Văn Phúc", "official_position": "Chủ tịch UBND phường"},
        headers=organiser,
    )  # fmt: skip
    assert answered.status_code == 200
    # A week and a half later, after downtime: the stale reminder is skipped; overdue and escalation fire.
    frozen_clock.advance(days=14)
    assert await sweep_conferences(settings, now=frozen_clock.now()) == 2
    assert await sweep_conferences(settings, now=frozen_clock.now()) == 0
    await deliver_all(settings)
    subjects = sorted(m["Subject"] for m in mailbox.messages)
    assert any(s.startswith("Quá hạn công bố kết quả hội nghị đối thoại:") for s in subjects)
    assert any("từ 2 ngày làm việc trở lên" in s for s in subjects)
    assert not any("Nhắc việc" in s for s in subjects)
    assert await ConferenceStep.filter(kind="publish_reminder", status="skipped").count() == 1
    keys = await OutboxMessage.filter(key__startswith="cstep:").values_list("key", flat=True)
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
async def test_a_bad_import_is_refused_with_row_numbers_and_saves_nothing(client, kind) -> None:
    organiser, cid = await _setup(client)
    rows = [
        ["asker_name", "asker_place", "asker_phone", "asker_email", "category", "commune", "text"],
        ["Lê Văn Cường", "", "0987654321", "", "moi-truong", "", "Cống thoát nước bị tắc gây ngập úng."],
        ["", "", "", "", "", "", "Thiếu tên người hỏi nhưng có nội dung đủ dài."],
        ["Phạm Thị Dung", "", "12345", "", "", "", "Vỉa hè bị lấn chiếm làm bãi gửi xe."],
        ["Vũ Văn Giang", "", "", "", "khong-co", "", "Nội dung hợp lệ về môi trường."],
    ]
    content = _csv(rows) if kind == "csv" else _xlsx(rows)
    response = await client.post(
        f"/api/v1/conferences/{cid}/questions/import",
        files={"file": (f"cau-hoi.{kind}", content, "application/octet-stream")},
        headers=organiser,
    )
    assert response.status_code == 422, response.text
    errors = [(e["row"], e["field"]) for e in response.json()["errors"]]
    assert errors == [(3, "asker_name"), (4, "asker_phone"), (5, "category")]
    # Named in the file's own words, not the code's.
    assert [e["column"] for e in response.json()["errors"]] == ["Họ và tên", "Số điện thoại", "Lĩnh vực"]
    assert "Số điện thoại không hợp lệ" in response.json()["errors"][1]["message"]
    assert await Question.all().count() == 0 and await ConferenceStep.all().count() == 0


async def test_an_xlsx_import_saves_every_row(client) -> None:
    organiser, cid = await _setup(client)
    rows = [
        ["Họ và tên", "Số điện thoại", "Nội dung"],
        ["Lê Văn Cường", 987654321, "Cống thoát nước bị tắc gây ngập úng."],
    ]
    response = await client.post(
        f"/api/v1/conferences/{cid}/questions/import",
        files={"file": ("cau-hoi.xlsx", _xlsx(rows), "application/octet-stream")},
        headers=organiser,
    )
    assert response.status_code == 201, response.text
    assert response.json()[0]["asker_phone"] == "0987654321"


async def test_roles(client) -> None:
    officer = await staff_headers(client, "cb@hanoi.gov.vn", "officer", "P-09556")
    assert (await client.post("/api/v1/conferences/", json=CONFERENCE, headers=officer)).status_code == 403
    organiser, cid = await _setup(client)
    assert (await client.post(f"/api/v1/conferences/{cid}/status", json={"status": "collecting"},
                              headers=officer)).status_code == 403  # fmt: skip
    # Host unit staff see their unit's conference; another unit's staff do not.
    assert (await client.get(f"/api/v1/conferences/{cid}", headers=officer)).status_code == 200
    other = await staff_headers(client, "so@hanoi.gov.vn", "officer", "P-09556-KT")
    assert (await client.get(f"/api/v1/conferences/{cid}", headers=other)).status_code == 404
    assert (await client.get("/api/v1/conferences/", headers=other)).json() == []
    missing = await client.post(
        "/api/v1/conferences/", json={**CONFERENCE, "host_unit": "KHONG-CO"}, headers=organiser
    )
    assert missing.status_code == 422 and missing.json()["field"] == "host_unit"
    assert await Conference.all().count() == 1


async def test_the_conference_built_through_the_api_exports_in_every_format(client, frozen_clock) -> None:
    """The same API flow, then the booklet and the working files, read back with their own libraries."""
    import csv
    import io

    import openpyxl
    from docx import Document

    organiser, cid = await _setup(client)
    base = f"/api/v1/conferences/{cid}"
    await client.post(f"{base}/status", json={"status": "collecting"}, headers=organiser)
    assert (await client.post(f"{base}/public-questions", json=PUBLIC_QUESTION)).status_code == 201
    floor = {
        "asker_name": "Trần Thị Bình",
        "text": "Đường Quang Trung ùn tắc giao thông giờ cao điểm, xin giải pháp.",
    }
    assert (await client.post(f"{base}/questions", json=floor, headers=organiser)).status_code == 201
    for number in (1, 2):
        answered = await client.post(
            f"{base}/questions/{number}/answer",
            json={"answer": "Phường đã có kế hoạch xử lý dứt điểm trong tháng 12.", "answer_mode": "at_conference",
                  "official_name": "Đỗ Văn Phúc", "official_position": "Chủ tịch UBND phường"},
            headers=organiser,
        )  # fmt: skip
        assert answered.status_code == 200, answered.text

    booklet = await client.get(f"{base}/export.docx", headers=organiser)
    assert booklet.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(booklet.content)).paragraphs)
    assert "Câu hỏi số 1" in text and "Câu hỏi số 2" in text and "Đỗ Văn Phúc" in text
    assert "Nguyễn Văn An" not in text and "Trần Thị Bình" not in text  # askers redacted in the booklet

    sheet = openpyxl.load_workbook(
        io.BytesIO((await client.get(f"{base}/export.xlsx", headers=organiser)).content)
    )
    rows = list(sheet.active.iter_rows(values_only=True))
    assert len(rows) == 3 and any("Trần Thị Bình" in str(cell) for cell in rows[2] + rows[1])

    raw = (await client.get(f"{base}/export.csv", headers=organiser)).content
    assert raw.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(table) == 3 and any("ùn tắc giao thông" in cell for row in table for cell in row)


async def test_a_wards_questions_are_routed_inside_the_ward_first(client) -> None:
    """SPEC §6: a ward's conference asks the ward's offices; only what no office of the ward handles
    goes to the city's departments."""
    organiser, cid = await _setup(client)
    base = f"/api/v1/conferences/{cid}/questions"
    opened = await client.post(
        f"/api/v1/conferences/{cid}/status", json={"status": "collecting"}, headers=organiser
    )
    assert opened.status_code == 200

    async def routed(category: str | None, commune: str | None = None) -> str:
        body = {"asker_name": "Lê Văn Cường", "category": category, "commune": commune,
                "text": "Xin hỏi về việc giải quyết phản ánh tại địa phương."}  # fmt: skip
        response = await client.post(base, json=body, headers=organiser)
        assert response.status_code == 201, response.text
        return response.json()["unit"]["code"]

    assert await routed("moi-truong") == "P-09556-KT"  # no place given: the host ward's office
    assert await routed(None) == "P-09556-VP"  # no field: the ward's general office classifies it
    assert await routed("thue-phi") == "SO-TC"  # no office of the ward handles taxes
    assert await routed("moi-truong", "00004") == "P-00004-KT"  # a place of its own elsewhere
    imported = await client.post(
        f"{base}/import",
        files={"file": ("q.csv", _csv([["Họ và tên", "Lĩnh vực", "Nội dung"],
                                       ["Phạm Thị Dung", "moi-truong", "Cống thoát nước bị tắc gây ngập."]]),
                        "text/csv")},
        headers=organiser,
    )  # fmt: skip
    assert imported.status_code == 201, imported.text
    assert imported.json()[0]["unit"]["code"] == "P-09556-KT"


async def test_an_import_names_fields_and_communes_as_people_write_them(client) -> None:
    """Organisers' files name the field and the ward in words, with or without diacritics."""
    organiser, cid = await _setup(client)
    rows = [
        ["Họ và tên", "Lĩnh vực", "Xã/phường", "Nội dung"],
        ["Lê Văn Cường", "Môi trường", "Phường Hà Đông", "Cống thoát nước bị tắc gây ngập úng."],
        ["Phạm Thị Dung", "giao thong", "ha dong", "Vỉa hè bị lấn chiếm làm bãi gửi xe trái phép."],
        ["Trần Văn Em", "moi-truong", "09556", "Rác thải tồn đọng ở đầu ngõ 5 Quang Trung."],
    ]
    response = await client.post(
        f"/api/v1/conferences/{cid}/questions/import",
        files={"file": ("cau-hoi.xlsx", _xlsx(rows), "application/octet-stream")},
        headers=organiser,
    )
    assert response.status_code == 201, response.text
    assert [
        (q["category"]["code"], q["commune"]["code"] if q.get("commune") else None) for q in response.json()
    ] == [
        ("moi-truong", "09556"),
        ("giao-thong", "09556"),
        ("moi-truong", "09556"),
    ]
    unknown = await client.post(
        f"/api/v1/conferences/{cid}/questions/import",
        files={"file": ("x.xlsx", _xlsx([rows[0], ["Lê Văn Cường", "Thiên văn", "", "Câu hỏi về thiên văn học."]]),
                        "application/octet-stream")},
        headers=organiser,
    )  # fmt: skip
    assert unknown.status_code == 422
    [error] = unknown.json()["errors"]
    assert error["column"] == "Lĩnh vực" and "Thiên văn" in error["message"]
