"""No public endpoint returns a citizen's personal data (SPEC §6, §8).

One item is filed with distinctive personal data, with consent to publish, and answered; a dialogue
conference is held and published whose questions and answers repeat their askers' names, phone numbers,
e-mail addresses and addresses; then every public GET route of the app is called (a DOCX is read back
with python-docx), the tracking ones without the token and with a wrong one, and
no response body or header may contain any of the personal values in any written form (case,
diacritics, spacing and punctuation of phone and ID numbers), nor the names of the neighbours the texts
mention (Nghị định 13/2023: a third person's name is personal data too), while the streets named after
people stay readable. Every other GET route must refuse a
caller without a login, so a new public route fails here until this test covers it.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import re
from collections.abc import AsyncIterator

import docx
import httpx
import openpyxl
import pytest_asyncio
from litestar import Litestar

from feedback.text import fold
from tests.helpers import login, staff_headers
from tests.publication.support import answer, head_of

NAME = "Hoàng Thị Xuyến"
PHONE = "0388 246 135"
EMAIL = "Xuyen.Hoang.Pakn@example.vn"
ADDRESS = "Số 47 ngách 215/9 Trần Khát Chân"
CCCD = "079186004321"
CONTENT_PHONE = "0977.531.864"
# Other people the texts name: a neighbour in the item and its answer, one in a conference question.
NEIGHBOUR, NEIGHBOUR_PLAIN, FLOOR_NEIGHBOUR = "Phùng Văn Đức", "PHUNG VAN DUC", "Quách Thị Lụa"
HEAD_NAME, HEAD_EMAIL = "Đỗ Quang Vinh", "vinh.do.pakn@hadong.vn"
BODY = {
    "title": "Rác thải ùn ứ trước cửa nhà",
    "content": (
        f"Tôi là {NAME.upper()}, CCCD {CCCD}, ở {ADDRESS.lower()}. Rác thải ùn ứ nhiều ngày nay; "
        f"cần thì gọi {CONTENT_PHONE} hoặc +84 388 246 135, hoặc viết thư {EMAIL.lower()}. "
        f"Ông {NEIGHBOUR} ở số 5 phố Lê Lợi đổ rác ra đây; {NEIGHBOUR_PLAIN} biết mà không nói."
    ),
    "category": "moi-truong",
    "commune": "09556",
    "address": "Ngõ 12 Quang Trung, Hà Đông",
    # Filed from home with "use my location": the public map shows the place only rounded.
    "latitude": 20.9713579,
    "longitude": 105.7792468,
    "citizen": {"name": NAME, "phone": PHONE, "email": EMAIL, "address": ADDRESS},
    "publish": True,
}
# The head's apology (Mẫu 04) is listed on the month's public report ("công khai xin lỗi") with its reason,
# which here names the citizen, the neighbour, the phone number, the ID number and the address.
APOLOGY_REASON = (
    f"Bà {NAME} (CCCD {CCCD}, điện thoại {PHONE}, nhà {ADDRESS}) cần được trả lời sau khi phường xác minh"
    f" với ông {NEIGHBOUR}."
)
ANSWER = (
    f"Kính gửi bà {NAME}: phường đã thu gom rác và nhắc nhở hộ ông {NEIGHBOUR}. "
    f"Người trả lời: {HEAD_NAME}, điện thoại 024 3825 3536."
)

# A dialogue conference's askers: one asks online with a phone and an e-mail, one on the floor; both
# questions and both answers repeat what identifies them.
ASKER, ASKER_PHONE, ASKER_EMAIL = "Trịnh Văn Khải", "0912 468 579", "khai.trinh.hoinghi@example.vn"
ASKER_PLACE = "Số 38 ngõ 71 Nguyễn Trãi"
TEXT_PHONE, TEXT_EMAIL = "0983.112.457", "khaitv.dan@gmail.com"
FLOOR_ASKER = "Lưu Thị Nguyệt"
QUESTIONS = [
    {
        "asker_name": ASKER,
        "asker_phone": ASKER_PHONE,
        "asker_email": ASKER_EMAIL,
        "asker_place": ASKER_PLACE,
        "category": "moi-truong",
        "commune": "09556",
        "text": f"Tôi là {ASKER.upper()} ở {ASKER_PLACE.lower()}: cống ngõ 71 tắc, gọi {TEXT_PHONE} hoặc viết {TEXT_EMAIL}.",
    },
    {
        "asker_name": FLOOR_ASKER,
        "text": (
            f"Bà {FLOOR_ASKER} hỏi: đường Nguyễn Trãi ùn tắc giờ cao điểm vì bà {FLOOR_NEIGHBOUR} bày hàng, "
            "xin giải pháp; số của bà 0356 222 918."
        ),
    },
]
ANSWERS = [
    f"Kính gửi ông {ASKER}: phường đã nạo vét cống; cán bộ đã gọi {ASKER_PHONE.replace(' ', '')} và gửi thư "
    f"tới {ASKER_EMAIL} cùng {TEXT_EMAIL}, địa chỉ {ASKER_PLACE}.",
    f"Trả lời bà {fold(FLOOR_ASKER)}: phường sẽ phân luồng; đã nhắn tin tới số 0356.222.918.",
]

# Each personal value as the checks below see it: folded text, letters and digits only, or digits only.
FOLDED = {
    "name": fold(NAME), "email": fold(EMAIL), "address": fold(ADDRESS), "house": "215/9",
    "asker": fold(ASKER), "asker e-mail": fold(ASKER_EMAIL), "asker address": fold(ASKER_PLACE),
    "e-mail in a question": fold(TEXT_EMAIL), "floor asker": fold(FLOOR_ASKER),
    "neighbour": fold(NEIGHBOUR), "floor neighbour": fold(FLOOR_NEIGHBOUR),
}  # fmt: skip
SQUASHED = {
    "name": "hoangthixuyen", "email": "xuyenhoangpakn", "address": "ngach2159", "asker": "trinhvankhai",
    "asker e-mail": "khaitrinhhoinghi", "asker address": "so38ngo71", "e-mail in a question": "khaitvdan",
    "floor asker": "luuthinguyet", "neighbour": "phungvanduc", "floor neighbour": "quachthilua",
}  # fmt: skip
DIGITS = {
    "exact place": "209713579", "exact place (longitude)": "1057792468",
    "phone": "388246135", "content phone": "977531864", "id number": CCCD, "asker phone": "912468579",
    "phone in a question": "983112457", "floor asker phone": "356222918",
}  # fmt: skip
OFFICER = {"officer name": fold(HEAD_NAME), "officer e-mail": fold(HEAD_EMAIL)}


def docx_text(content: bytes) -> str:
    """Every paragraph and table cell of a DOCX."""
    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def xlsx_text(content: bytes) -> str:
    """Every cell of every sheet of an XLSX."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    return "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v)


def _texts(response: httpx.Response) -> str:
    """The body (JSON unescaped, HTML entities decoded, a DOCX or an XLSX read back) and the headers of a
    response, as one text."""
    body = response.text
    if "wordprocessingml" in response.headers.get("content-type", ""):
        body = docx_text(response.content)
    if "spreadsheetml" in response.headers.get("content-type", ""):
        body = xlsx_text(response.content)
    with contextlib.suppress(ValueError):  # not JSON: HTML or plain text
        body += "\n" + json.dumps(json.loads(body), ensure_ascii=False)
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers.multi_items())
    return html.unescape(f"{body}\n{headers}")


def leaks(response: httpx.Response, *, officer: bool = True, token: str | None = None) -> list[str]:
    """Which personal values appear in the response, in any written form."""
    text = _texts(response)
    folded = fold(text)
    squashed = re.sub(r"[^a-z0-9]", "", folded)
    digits = re.sub(r"\D", "", text)
    found = [label for label, value in FOLDED.items() if value in folded]
    found += [label for label, value in SQUASHED.items() if value in squashed]
    found += [label for label, value in DIGITS.items() if value in digits]
    if officer:
        found += [label for label, value in OFFICER.items() if value in folded]
    if token and token in text:
        found.append("token")
    return found


@pytest_asyncio.fixture
async def app_and_client(
    database_clean, settings, frozen_clock
) -> AsyncIterator[tuple[Litestar, httpx.AsyncClient]]:  # noqa: ANN001
    from feedback.app import create_app

    app = create_app(settings, init_db=False, background=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield app, http


async def published_conference(client: httpx.AsyncClient) -> tuple[int, dict[str, str]]:
    """A conference of Phường Hà Đông with the two questions, answered and published; its id and the
    organiser's headers."""
    organiser = await staff_headers(client, "tochuc.pakn@hadong.vn", "organiser", "P-09556")
    conference = {"host_unit": "P-09556", "title": "Đối thoại với Nhân dân phường Hà Đông quý IV",
                  "starts_at": "2026-12-03T08:00:00+07:00", "place": "Hội trường UBND phường"}  # fmt: skip
    created = await client.post("/api/v1/conferences/", json=conference, headers=organiser)
    assert created.status_code == 201, created.text
    base = f"/api/v1/conferences/{created.json()['id']}"
    assert (
        await client.post(f"{base}/status", json={"status": "collecting"}, headers=organiser)
    ).status_code == 200
    online = await client.post(f"{base}/public-questions", json=QUESTIONS[0])
    assert online.status_code == 201, online.text
    assert leaks(online) == []
    floor = await client.post(f"{base}/questions", json=QUESTIONS[1], headers=organiser)
    assert floor.status_code == 201, floor.text
    for number, text in enumerate(ANSWERS, start=1):
        answered = await client.post(
            f"{base}/questions/{number}/answer",
            json={"answer": text, "answer_mode": "at_conference", "official_name": "Đỗ Văn Phúc",
                  "official_position": "Chủ tịch UBND phường"},
            headers=organiser,
        )  # fmt: skip
        assert answered.status_code == 200, answered.text
    for status in ("held", "published"):
        moved = await client.post(f"{base}/status", json={"status": status}, headers=organiser)
        assert moved.status_code == 200, moved.text
    return created.json()["id"], organiser


async def publish_november(client: httpx.AsyncClient, frozen_clock) -> None:  # noqa: ANN001
    """November closed: a coordinator publishes it (its figures and its apologies, SPEC §7); then the
    clock goes back, so that /health still finds a fresh outbox."""
    before = frozen_clock.now()
    frozen_clock.advance(days=9)  # Wednesday 2 December
    await staff_headers(client, "vanphong.pakn@hanoi.vn", "coordinator", None)
    headers = await login(client, "vanphong.pakn@hanoi.vn")
    made = await client.post("/api/v1/reports/publish", json={"month": "2026-11"}, headers=headers)
    assert made.status_code == 201, made.text
    frozen_clock.set(before)


async def test_no_public_endpoint_returns_personal_data(app_and_client, frozen_clock) -> None:  # noqa: ANN001
    app, client = app_and_client
    filed = await client.post("/api/v1/feedback", json=BODY)
    assert filed.status_code == 201, filed.text
    # The filing response carries the secret token by design (SPEC §9), and nothing personal.
    assert leaks(filed) == []
    code, token = filed.json()["code"], filed.json()["token"]
    head = await head_of(client, "P-09556-KT", HEAD_NAME, HEAD_EMAIL)
    apologised = await client.post(
        f"/api/v1/staff/feedback/{code}/apologise",
        json={"reason": APOLOGY_REASON, "promised_date": "2026-12-11"},
        headers=head,
    )
    assert apologised.status_code == 200, apologised.text
    await answer(client, code, ANSWER, head)
    cid, organiser = await published_conference(client)

    calls = {
        "/api/v1/public/feedback": ["/api/v1/public/feedback", "/api/v1/public/feedback?q=rac+thai"],
        "/api/v1/public/feedback/{code:str}": [f"/api/v1/public/feedback/{code}"],
        # The public map's points.
        "/api/v1/public/feedback.geojson": [
            "/api/v1/public/feedback.geojson",
            "/api/v1/public/feedback.geojson?q=rac+thai&commune=09556",
        ],
        # The published dialogue conference: its Q&A, and its booklet (DOCX, read back).
        "/api/v1/public/conferences/{conference_id:int}": [
            f"/api/v1/public/conferences/{cid}",
            "/api/v1/public/conferences/999999",
        ],
        "/api/v1/public/conferences/{conference_id:int}/booklet.docx": [
            f"/api/v1/public/conferences/{cid}/booklet.docx",
            "/api/v1/public/conferences/999999/booklet.docx",
        ],
        "/api/v1/feedback/{code:str}": [
            f"/api/v1/feedback/{code}",
            f"/api/v1/feedback/{code}?token=sai-khoa",
        ],
        "/track/{code:str}": [f"/track/{code}", f"/track/{code}?token=sai-khoa"],
        "/feedback/sent/{code:str}": [f"/feedback/sent/{code}", f"/feedback/sent/{code}?token=sai-khoa"],
        # The apology (Mẫu 04) names the citizen: only with the right token.
        "/api/v1/feedback/{code:str}/apology.pdf": [
            f"/api/v1/feedback/{code}/apology.pdf",
            f"/api/v1/feedback/{code}/apology.pdf?token=sai-khoa",
        ],
        "/api/v1/feedback/{code:str}/attachments/{attachment_id:int}": [
            f"/api/v1/feedback/{code}/attachments/1",
            f"/api/v1/feedback/{code}/attachments/1?token=sai-khoa",
        ],
        "/api/v1/categories": ["/api/v1/categories"],
        "/api/v1/communes": ["/api/v1/communes", "/api/v1/communes?q=ha+dong"],
        "/api/v1/units": ["/api/v1/units"],
        # The published monthly report (SPEC §7): its JSON, its page, its files (the XLSX read back).
        "/api/v1/public/reports": ["/api/v1/public/reports"],
        "/api/v1/public/reports/{month:str}": [
            "/api/v1/public/reports/2026-11",
            "/api/v1/public/reports/2026-11?version=1",
            "/api/v1/public/reports/2026-10",
        ],
        "/reports": ["/reports"],
        # The old dashboard address only redirects to /staff/reports (which asks for a login).
        "/staff/dashboard": ["/staff/dashboard"],
        # Loopback callers (as this test client is) read the metrics without a token: counts, no persons.
        "/metrics": ["/metrics"],
        "/reports/{name:str}": [
            "/reports/2026-11",
            "/reports/2026-11?version=1",
            "/reports/2026-11.csv",
            "/reports/2026-11.csv?table=fields",
            "/reports/2026-11.xlsx",
            "/reports/2026-11.xlsx?table=fields",
            "/reports/2026-10",
        ],
        # The law's lists (feedback/items/grounds.py): constant data.
        "/api/v1/classifications": ["/api/v1/classifications"],
        "/api/v1/refusal-grounds": ["/api/v1/refusal-grounds"],
        "/health": ["/health"],
        # The public page of the published conference, and of one that does not exist.
        "/conferences/{conference_id:int}": [f"/conferences/{cid}", "/conferences/999999"],
        "/static/{file_path:path}": ["/static/pakn.css", "/static/nothing-here.css"],
        # The demo mail reader is public only in demo mode (`pakn serve --demo`, demo data only).
        "/demo/mail": ["/demo/mail"],
        # The citizen's web pages (feedback/web/citizen.py).
        "/": ["/"],
        "/feedback/new": ["/feedback/new"],
        "/feedback/suggest": ["/feedback/suggest?title=rac+thai&content=rac+thai+un+u"],
        "/feedback/communes": ["/feedback/communes", "/feedback/communes?q=ha+dong"],
        "/track": ["/track", f"/track?code={code}", f"/track?code={code}&token=sai-khoa"],
        "/public": ["/public", "/public?q=rac+thai", "/public?category=moi-truong&commune=09556"],
        "/public/{code:str}": [f"/public/{code}"],
        # Open311 GeoReport v2 (feedback/open311): every request listed, the published one's words redacted.
        "/open311/v2/requests.json": [
            "/open311/v2/requests.json",
            f"/open311/v2/requests.json?service_request_id={code}",
            "/open311/v2/requests.json?status=closed&service_code=moi-truong",
        ],
        "/open311/v2/requests.xml": ["/open311/v2/requests.xml", "/open311/v2/requests.xml?status=closed"],
        "/open311/v2/requests/{request_file:str}": [
            f"/open311/v2/requests/{code}.json",
            f"/open311/v2/requests/{code}.xml",
        ],
        "/open311/v2/services.json": ["/open311/v2/services.json"],
        "/open311/v2/services.xml": ["/open311/v2/services.xml"],
        "/open311/v2/services/{service_file:str}": ["/open311/v2/services/moi-truong.json"],
        "/open311/v2/discovery.json": ["/open311/v2/discovery.json"],
        "/open311/v2/discovery.xml": ["/open311/v2/discovery.xml"],
        "/open311/v2/tokens/{token_file:str}": [f"/open311/v2/tokens/{token}.json"],
        "/open311/v2/{rest:path}": ["/open311/v2/x.json"],
        # The staff login form (feedback/web/staff.py).
        "/staff/login": ["/staff/login", "/staff/login?next=%2Fstaff"],
    }
    published = await client.get(f"/api/v1/public/feedback/{code}")
    assert published.status_code == 200 and published.json()["citizen_initials"] == "H.T.X."
    # The neighbour is there as initials, the street named after a person as it is.
    assert "Ông P.V.Đ. ở số 5 phố Lê Lợi" in published.json()["content"]
    assert "hộ ông P.V.Đ." in published.json()["answer"]
    listed = (await client.get("/api/v1/public/feedback", params={"q": "rac thai"})).json()
    assert [entry["code"] for entry in listed["items"]] == [code]
    mapped = (await client.get("/api/v1/public/feedback.geojson")).json()["features"]
    assert [f["geometry"]["coordinates"] for f in mapped] == [[105.779, 20.971]]

    # The conference is really there, masked: askers as initials, the texts kept around the masks.
    shown = (await client.get(f"/api/v1/public/conferences/{cid}")).json()["questions"]
    assert [q["asker"] for q in shown] == ["T.V.K.", "L.T.N."]
    assert "cống ngõ 71 tắc" in shown[0]["text"] and "T.V.K." in shown[0]["answer"]
    assert "[số điện thoại đã ẩn]" in shown[0]["answer"] and "[email đã ẩn]" in shown[0]["answer"]
    assert "phường sẽ phân luồng" in shown[1]["answer"] and "L.T.N." in shown[1]["answer"]
    assert "đường Nguyễn Trãi ùn tắc giờ cao điểm vì bà Q.T.L. bày hàng" in shown[1]["text"]
    assert "T.V.K." in (await client.get(f"/conferences/{cid}")).text
    booklet = await client.get(f"/api/v1/public/conferences/{cid}/booklet.docx")
    assert booklet.status_code == 200 and "Câu hỏi số 2" in docx_text(booklet.content)
    # The booklet organisers download to publish is the same redacted record.
    staff_booklet = await client.get(f"/api/v1/conferences/{cid}/export.docx", headers=organiser)
    assert staff_booklet.status_code == 200 and leaks(staff_booklet) == []

    await publish_november(client, frozen_clock)
    report = (await client.get("/api/v1/public/reports/2026-11")).json()
    [apology] = report["apologies"]  # really there, masked: the reason kept around the masks
    assert apology["code"] == code and apology["unit"]["code"] == "P-09556-KT"
    assert apology["reason"].startswith("Bà H.T.X. (CCCD") and "với ông P.V.Đ." in apology["reason"]
    assert report["city"]["apologies"] == 1 and report["city"]["received"] >= 1
    assert code in (await client.get("/reports/2026-11")).text

    checked = 0
    for route in app.routes:
        if "GET" not in route.methods:
            continue
        if route.path.startswith("/schema"):  # the OpenAPI document and its browsable UIs
            urls = [re.sub(r"\{[^}]+\}", "anything", route.path)]
        elif route.path in calls:
            urls = calls[route.path]
        else:
            url = re.sub(r"\{code:str\}", code, route.path)
            url = re.sub(r"\{[^}]+:int\}", "1", url)
            url = re.sub(r"\{[^}]+\}", "x", url)
            response = await client.get(url)
            # Staff web pages send a browser without a login to the login page instead.
            to_login = response.status_code == 303 and response.headers["location"].startswith("/staff/login")
            assert response.status_code in (401, 403) or to_login, (
                f"GET {route.path} answers a caller without a login ({response.status_code}): if it is meant "
                "to be public, add it to `calls` in this test so it is checked for personal data"
            )
            continue
        for url in urls:
            for headers in ({}, {"X-Access-Token": "sai-khoa"}):
                response = await client.get(url, headers=headers)
                assert response.status_code < 500, (url, response.text)
                assert leaks(response, token=token) == [], (url, response.status_code)
                checked += 1
    assert checked >= 2 * sum(len(urls) for urls in calls.values())

    # Without the right token the tracking routes say "not found", the same as for a code that does not exist.
    for url in (f"/api/v1/feedback/{code}", f"/track/{code}", f"/track/{code}?token=sai-khoa"):
        assert (await client.get(url)).status_code == 404


async def test_the_citizen_with_the_token_sees_the_item_but_no_contact_data(app_and_client) -> None:  # noqa: ANN001
    _, client = app_and_client
    filed = (await client.post("/api/v1/feedback", json=BODY)).json()
    code, token = filed["code"], filed["token"]
    await answer(client, code, ANSWER, await head_of(client, "P-09556-KT", HEAD_NAME, HEAD_EMAIL))

    for response in (
        await client.get(f"/api/v1/feedback/{code}", headers={"X-Access-Token": token}),
        await client.get(f"/api/v1/feedback/{code}", params={"token": token}),
        await client.get(f"/track/{code}", params={"token": token}),
    ):
        assert response.status_code == 200
        assert "phường đã thu gom rác" in response.text  # the answer, addressed to the citizen by name
        # Phone, e-mail, address and the text with the ID number stay on the staff side.
        # The neighbour the citizen named is in the answer to them: their own page, not a public one.
        assert set(leaks(response, officer=False)) <= {"name", "neighbour"}
        assert fold(HEAD_EMAIL) not in fold(response.text)
    tracked = (await client.get(f"/api/v1/feedback/{code}", params={"token": token})).json()
    assert not {"citizen", "phone", "email", "address", "content", "token"} & set(tracked)
