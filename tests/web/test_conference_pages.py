"""Conference pages: an organiser runs a conference through the forms; citizens ask and read the results."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest_asyncio

from feedback.accounts.services import create_user
from notifications.models import OutboxMessage
from tests.helpers import PASSWORD


@pytest_asyncio.fixture
async def web(database_clean, settings, frozen_clock) -> AsyncIterator[httpx.AsyncClient]:  # noqa: ANN001
    """A browser-like client over https (the session cookies are Secure), logged in as an organiser."""
    from feedback.app import create_app

    app = create_app(settings, init_db=False, background=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://test") as http:
        await create_user(email="tochuc@test.vn", role="organiser", unit_code="P-09556", password=PASSWORD)
        login = {"email": "tochuc@test.vn", "password": PASSWORD, "next": ""}
        assert (await http.post("/staff/login", data=login)).status_code in (200, 303)
        yield http


def with_csrf(web: httpx.AsyncClient, **form: str) -> dict[str, str]:
    return {"csrf_token": web.cookies["pakn_csrf"], **form}


async def test_a_conference_through_the_pages(web) -> None:  # noqa: ANN001
    listing = await web.get("/conferences/manage")
    assert listing.status_code == 200 and "Tạo hội nghị" in listing.text
    bad = await web.post("/conferences/manage", data=with_csrf(web, title="Đối thoại", host_unit="NOPE",
                         starts_at="2026-12-10T08:00", place="Hội trường"))  # fmt: skip
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.text
    created = await web.post(
        "/conferences/manage",
        data=with_csrf(
            web,
            title="Hội nghị đối thoại với Nhân dân phường Hà Đông",
            host_unit="P-09556",
            starts_at="2026-12-10T08:00",
            place="Hội trường UBND phường Hà Đông",
        ),  # fmt: skip
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    manage = created.headers["location"]
    conference_id = manage.rsplit("/", 1)[-1]
    moved = await web.post(
        f"{manage}/status", data=with_csrf(web, status="collecting"), follow_redirects=False
    )
    assert moved.status_code == 303, moved.text

    # A citizen asks through the public form (no login needed).
    async with httpx.AsyncClient(transport=web._transport, base_url="https://test") as citizen:  # noqa: SLF001
        public = await citizen.get(f"/conferences/{conference_id}")
        assert public.status_code == 200 and "Gửi câu hỏi" in public.text
        asked = await citizen.post(
            f"/conferences/{conference_id}/ask",
            data={
                "asker_name": "Trần Thị Bình",
                "asker_phone": "0987 654 321",
                "text": "Bao giờ phường nạo vét cống thoát nước đường Quang Trung để hết ngập úng?",
            },  # fmt: skip
            follow_redirects=False,
        )
        assert asked.status_code == 303, asked.text

    # The organiser imports a bad file: refused with its row numbers, nothing saved.
    bad_csv = (
        "asker_name,asker_place,asker_phone,asker_email,category,commune,text\nLê Văn C,,12,,,,\n".encode()
    )
    imported = await web.post(
        f"{manage}/import", data={"csrf_token": web.cookies["pakn_csrf"]},
        files={"file": ("cau-hoi.csv", bad_csv, "text/csv")},
    )  # fmt: skip
    assert imported.status_code == 422 and "Dòng 2" in imported.text
    page = await web.get(manage)
    assert "Trần Thị Bình" in page.text and "Lê Văn C" not in page.text

    answered = await web.post(
        f"{manage}/questions/1/answer",
        data=with_csrf(
            web,
            answer="Phường sẽ nạo vét cống trong tháng 12/2026.",
            answer_mode="at_conference",
            official_name="Nguyễn Văn Dũng",
            official_position="Chủ tịch UBND phường",
        ),  # fmt: skip
        follow_redirects=False,
    )
    assert answered.status_code == 303, answered.text
    for status in ("held", "published"):
        step = await web.post(f"{manage}/status", data=with_csrf(web, status=status), follow_redirects=False)
        assert step.status_code == 303, step.text

    published = await web.get(f"/conferences/{conference_id}")
    assert "nạo vét cống" in published.text and "T.T.B." in published.text
    assert "Trần Thị Bình" not in published.text and "0987" not in published.text


async def test_a_unit_answers_its_questions_on_its_page(web, settings) -> None:  # noqa: ANN001
    from feedback.conferences.models import Question

    created = await web.post(
        "/conferences/manage",
        data=with_csrf(
            web,
            title="Đối thoại về môi trường",
            host_unit="P-09556",
            starts_at="2026-12-10T08:00",
            place="Hội trường",
        ),  # fmt: skip
        follow_redirects=False,
    )
    manage = created.headers["location"]
    await web.post(f"{manage}/status", data=with_csrf(web, status="collecting"))
    await web.post(f"{manage}/questions", data=with_csrf(web, asker_name="Lê Văn Cường", category="moi-truong",
                   text="Rác thải tồn đọng ở đầu ngõ 5 Quang Trung, bao giờ được thu gom?"))  # fmt: skip
    question = await Question.get(number=1).select_related("unit")
    async with httpx.AsyncClient(transport=web._transport, base_url="https://test") as unit:  # noqa: SLF001
        await create_user(
            email="canbo@kt.vn", role="officer", unit_code=question.unit.code, password=PASSWORD
        )
        await unit.post("/staff/login", data={"email": "canbo@kt.vn", "password": PASSWORD, "next": ""})
        # The assignment e-mail's link opens the unit's questions page at this question.
        mail = await OutboxMessage.get(kind="question_assigned", to_addr=question.unit.email)
        link = mail.context["staff_url"].removeprefix(settings.base_url)
        assert link == f"/staff/questions#q-{manage.rsplit('/', 1)[-1]}-1"
        listing = await unit.get(link.split("#")[0])
        assert listing.status_code == 200 and "Rác thải tồn đọng" in listing.text
        assert f'id="{link.split("#")[1]}"' in listing.text
        conference_id = manage.rsplit("/", 1)[-1]
        answered = await unit.post(
            f"/conferences/manage/{conference_id}/questions/1/answer",
            data={"csrf_token": unit.cookies["pakn_csrf"], "answer": "Phường sẽ thu gom trong tuần này.",
                  "answer_mode": "in_writing", "official_name": "Hoàng Văn Em", "official_position": "Trưởng phòng"},
        )  # fmt: skip
        assert answered.status_code == 422 and "văn bản" in answered.text  # in writing needs its number
        answered = await unit.post(
            f"/conferences/manage/{conference_id}/questions/1/answer",
            data={"csrf_token": unit.cookies["pakn_csrf"], "answer": "Phường sẽ thu gom trong tuần này.",
                  "answer_mode": "at_conference", "official_name": "Hoàng Văn Em", "official_position": "Trưởng phòng"},
            follow_redirects=False,
        )  # fmt: skip
        assert answered.status_code == 303, answered.text
    assert (await Question.get(number=1)).status == "answered"


async def test_an_organiser_edits_a_conference(web) -> None:  # noqa: ANN001
    from feedback.conferences.models import Conference

    created = await web.post(
        "/conferences/manage",
        data=with_csrf(
            web,
            title="Đối thoại quý IV",
            host_unit="P-09556",
            starts_at="2026-12-10T08:00",
            place="Hội trường",
        ),  # fmt: skip
        follow_redirects=False,
    )
    manage = created.headers["location"]
    form = with_csrf(web, title="Đối thoại quý IV năm 2026", host_unit="P-09556", starts_at="2026-12-11T14:00",
                     place="Nhà văn hóa tổ dân phố 5", categories="moi-truong")  # fmt: skip
    assert (await web.post(f"{manage}/edit", data=form, follow_redirects=False)).status_code == 303
    conference = await Conference.get(id=int(manage.rsplit("/", 1)[-1]))
    assert conference.title == "Đối thoại quý IV năm 2026" and conference.place == "Nhà văn hóa tổ dân phố 5"
    assert conference.categories == ["moi-truong"] and conference.starts_at.hour == 7  # 14:00 in Hanoi
    bad = await web.post(f"{manage}/edit", data={**form, "host_unit": "NOPE"})
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.text


async def test_a_desk_officer_may_not_answer_and_another_units_organiser_sees_nothing(web) -> None:  # noqa: ANN001
    from feedback.conferences.models import Question

    created = await web.post(
        "/conferences/manage",
        data=with_csrf(web, title="Đối thoại về môi trường", host_unit="P-09556",
                       starts_at="2026-12-10T08:00", place="Hội trường"),
        follow_redirects=False,
    )  # fmt: skip
    manage = created.headers["location"]
    await web.post(f"{manage}/status", data=with_csrf(web, status="collecting"))
    await web.post(f"{manage}/questions", data=with_csrf(web, asker_name="Lê Văn Cường", category="moi-truong",
                   text="Rác thải tồn đọng ở đầu ngõ 5 Quang Trung, bao giờ được thu gom?"))  # fmt: skip
    question = await Question.get(number=1).select_related("unit")
    answer = {"answer": "Phường sẽ thu gom trong tuần này.", "answer_mode": "at_conference",
              "official_name": "Hoàng Văn Em", "official_position": "Trưởng phòng"}  # fmt: skip
    async with httpx.AsyncClient(transport=web._transport, base_url="https://test") as other:  # noqa: SLF001
        await create_user(email="motcua@kt.vn", role="desk", unit_code=question.unit.code, password=PASSWORD)
        await other.post("/staff/login", data={"email": "motcua@kt.vn", "password": PASSWORD, "next": ""})
        refused = await other.post(
            f"{manage}/questions/1/answer", data={"csrf_token": other.cookies["pakn_csrf"], **answer}
        )
        assert refused.status_code == 403
    async with httpx.AsyncClient(transport=web._transport, base_url="https://test") as other:  # noqa: SLF001
        await create_user(email="tochuc@badinh.vn", role="organiser", unit_code="P-00004", password=PASSWORD)
        await other.post("/staff/login", data={"email": "tochuc@badinh.vn", "password": PASSWORD, "next": ""})
        assert (await other.get(manage)).status_code == 404
        listing = await other.get("/conferences/manage")
        assert listing.status_code == 200 and "Đối thoại về môi trường" not in listing.text
        refused = await other.post(
            f"{manage}/questions/1/answer", data={"csrf_token": other.cookies["pakn_csrf"], **answer}
        )
        assert refused.status_code == 404
    assert (await Question.get(number=1)).status == "open"


async def test_the_announcement_warning_and_the_publication_channels(web, frozen_clock) -> None:  # noqa: ANN001
    """Điều 43 Luật Tổ chức chính quyền địa phương 2025 on the organiser's page: collecting opened fewer
    than 7 days ahead shows a warning (the conference still collects); once held, the organiser records
    each channel with its date, and the public page shows the channels and dates, not the notes."""
    from datetime import UTC, datetime
    from html import unescape

    created = await web.post(
        "/conferences/manage",
        data=with_csrf(
            web,
            title="Đối thoại về trật tự đô thị",
            host_unit="P-09556",
            starts_at="2026-11-27T08:00",
            place="Hội trường UBND phường",
        ),  # fmt: skip
        follow_redirects=False,
    )
    manage = created.headers["location"]
    conference_id = manage.rsplit("/", 1)[-1]
    await web.post(f"{manage}/status", data=with_csrf(web, status="collecting"))
    page = unescape((await web.get(manage)).text)
    assert 'id="legal-warnings"' in page and "chỉ 4 ngày trước ngày tổ chức 27/11/2026" in page
    assert "09:00 23/11/2026" in page  # when it was announced: collecting opened
    assert 'action="/conferences/manage/' not in page.split('id="publication"')[1].split("</section>")[0]

    frozen_clock.set(datetime(2026, 11, 30, 2, 0, tzinfo=UTC))
    login = {"email": "tochuc@test.vn", "password": PASSWORD, "next": ""}
    await web.post("/staff/login", data=login)  # a session lasts 12 hours
    await web.post(f"{manage}/status", data=with_csrf(web, status="held"))
    future = await web.post(
        f"{manage}/publication", data=with_csrf(web, channel="seat", date="2026-12-01", note="")
    )
    assert future.status_code == 422 and "không được ở tương lai" in unescape(future.text)
    saved = await web.post(
        f"{manage}/publication",
        data=with_csrf(web, channel="seat", date="2026-11-28", note="Bảng tin UBND phường"),
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    page = unescape((await web.get(manage)).text)
    assert "<td>Niêm yết tại trụ sở</td><td>28/11/2026</td><td>Bảng tin UBND phường</td>" in page

    async with httpx.AsyncClient(transport=web._transport, base_url="https://test") as citizen:  # noqa: SLF001
        public = unescape((await citizen.get(f"/conferences/{conference_id}")).text)
    assert "<li>Niêm yết tại trụ sở: 28/11/2026</li>" in public and "Bảng tin" not in public
