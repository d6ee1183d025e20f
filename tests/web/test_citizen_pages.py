"""The citizen's web pages: filing (with the suggestion and the commune search), tracking, rating, and
the published answers, all through the HTTP client like a browser."""

from __future__ import annotations

import re
from html import unescape

from feedback.items.models import FeedbackItem
from tests.attachments.files import png
from tests.helpers import citizen_body, staff_headers

FORM = {
    "title": "Rác thải ùn ứ tại ngõ 12",
    "content": "Rác thải sinh hoạt không được thu gom ba ngày nay, bốc mùi hôi thối.",
    "category": "moi-truong",
    "q": "",
    "commune": "09556",
    "address": "Ngõ 12 Quang Trung",
    "latitude": "",
    "longitude": "",
    "severity": "normal",
    "name": "Nguyễn Văn An",
    "phone": "0912 345 678",
    "email": "an@example.vn",
    "citizen_address": "Số 5 Lê Lợi",
    "publish": "1",
}


def _multipart(fields: dict[str, str]) -> dict[str, tuple[None, str]]:
    return {name: (None, value) for name, value in fields.items()}


def _error_of(html: str, field: str) -> str:
    """The error paragraph right after the field's input."""
    match = re.search(rf'id="{field}"[^>]*>\s*<p class="field-error" id="{field}-error">([^<]*)</p>', html)
    assert match, f"no error next to {field}"
    return unescape(match.group(1))


async def _file(client, **overrides: str):  # noqa: ANN001, ANN202
    fields = {**FORM, **overrides}
    return await client.post("/feedback/new", files=_multipart(fields))


async def _answer(client, code: str, headers: dict[str, str] | None = None) -> dict[str, str]:  # noqa: ANN001
    headers = headers or await staff_headers(client, "canbo@hadong.vn", "officer", "P-09556-KT")
    text = "Kính gửi ông An: phường đã thu gom rác tại ngõ 12, gọi 0912 345 678 nếu còn tồn đọng."
    response = await client.post(
        f"/api/v1/staff/feedback/{code}/answer", json={"answer": text}, headers=headers
    )
    assert response.status_code == 200, response.text
    return headers


async def test_the_form_has_every_field_with_a_label(client) -> None:  # noqa: ANN001
    response = await client.get("/feedback/new")
    assert response.status_code == 200
    html = response.text
    for field in (
        "title",
        "content",
        "category",
        "commune",
        "address",
        "severity",
        "files",
        "name",
        "phone",
        "email",
        "citizen_address",
        "publish",
        "commune-search",
    ):
        assert f'<label for="{field}"' in html or f'for="{field}">' in html, field
        assert f'id="{field}"' in html, field
    assert 'type="file"' in html and "multiple" in html and 'enctype="multipart/form-data"' in html
    assert 'name="latitude"' in html and 'name="longitude"' in html
    assert "Nghị định 13/2023" in html and "không bao giờ được công khai" in html
    assert "Đồng ý công khai nội dung (đã ẩn thông tin cá nhân)" in html
    assert '<option value="moi-truong">Môi trường</option>' in html and "Chưa rõ" in html
    assert 'hx-get="/feedback/suggest"' in html and 'hx-get="/feedback/communes"' in html
    assert '<script src="/static/pakn.js" defer></script>' in html and "<style" not in html
    script = await client.get("/static/pakn.js")
    assert script.status_code == 200 and "geolocation" in script.text


async def test_the_suggestion_fragment_suggests_a_field(client) -> None:  # noqa: ANN001
    response = await client.get(
        "/feedback/suggest", params={"title": "Rác thải", "content": "rác thải ùn ứ đầu ngõ"}
    )
    assert response.status_code == 200 and "<html" not in response.text
    assert "Gợi ý lĩnh vực:" in response.text and 'data-category="moi-truong"' in response.text
    nothing = await client.get("/feedback/suggest", params={"title": "xin chào", "content": ""})
    assert "Gợi ý" not in nothing.text


async def test_the_commune_search_ignores_diacritics(client) -> None:  # noqa: ANN001
    response = await client.get("/feedback/communes", params={"q": "ha dong"})
    assert response.status_code == 200
    assert '<option value="09556" selected>Phường Hà Đông</option>' in response.text
    assert "Hoàn Kiếm" not in response.text
    everything = await client.get("/feedback/communes")
    assert "Hoàn Kiếm" in everything.text and "Phường Hà Đông" in everything.text


async def test_filing_through_the_form_with_a_picture(client) -> None:  # noqa: ANN001
    fields = {**FORM, "latitude": "20.97", "longitude": "105.77"}
    files = [*_multipart(fields).items(), ("files", ("anh-rac.png", png(), "image/png"))]
    posted = await client.post("/feedback/new", files=files)
    # Post/Redirect/Get: the confirmation is a page of its own, so a reload files nothing again.
    assert posted.status_code == 303 and posted.headers["location"].startswith("/feedback/sent/PAKN.")
    response = await client.get(posted.headers["location"])
    assert response.status_code == 200, response.text
    again = await client.get(posted.headers["location"])
    assert again.status_code == 200 and await FeedbackItem.all().count() == 1
    item = await FeedbackItem.get()
    assert item.title == FORM["title"] and item.citizen_phone == "0912345678" and item.publish
    assert item.latitude == 20.97 and item.category_id is not None
    html = unescape(response.text)
    assert item.code in html and f"/track/{item.code}?token=" in html
    assert "Hãy giữ bí mật đường dẫn này." in html and "Phường Hà Đông" in html
    token = re.search(r"/track/[^?]+\?token=([\w-]+)", html).group(1)
    page = await client.get(f"/track/{item.code}", params={"token": token})
    assert page.status_code == 200 and "anh-rac.png" in page.text
    link = re.search(r'href="(/api/v1/feedback/[^"]+/attachments/\d+\?token=[^"]+)"', page.text).group(1)
    download = await client.get(unescape(link))
    assert download.status_code == 200 and download.content == png()


async def test_a_bad_phone_keeps_the_values_and_saves_nothing(client) -> None:  # noqa: ANN001
    response = await _file(client, phone="12345")
    assert response.status_code == 422
    assert "Số điện thoại không hợp lệ" in _error_of(response.text, "phone")
    assert 'value="12345"' in response.text and 'value="Nguyễn Văn An"' in response.text
    assert "Rác thải sinh hoạt không được thu gom" in response.text
    assert '<option value="09556" selected>' in response.text
    assert await FeedbackItem.all().count() == 0


async def test_a_refused_file_keeps_every_typed_value(client) -> None:  # noqa: ANN001
    """Issue 13: a wrong file type lost the whole form; now only the file must be chosen again."""
    files = [*_multipart(FORM).items()]
    at = [name for name, _ in files].index("title") + 3  # the file input sits before the citizen's fields
    files.insert(at, ("files", ("virus.exe", b"MZ\x90\x00 not a picture", "application/octet-stream")))
    response = await client.post("/feedback/new", files=files)
    assert response.status_code == 422
    html = unescape(response.text)
    assert "virus.exe" in html and "chọn lại tệp" in html
    for value in (FORM["title"], FORM["name"], FORM["phone"], FORM["email"], FORM["citizen_address"]):
        assert value in html, value
    assert await FeedbackItem.all().count() == 0


async def test_the_form_asks_for_the_address_and_takes_a_postal_only_filing(client) -> None:  # noqa: ANN001
    """Điều 7 Nghị định 20/2008: the contact address is required (the refusal stands next to it, in
    Vietnamese, with its basis); a phone or an e-mail is not, and the confirmation says the answer
    comes by post."""
    form = (await client.get("/feedback/new")).text
    assert 'id="citizen_address" name="citizen_address" required' in form
    assert "Điều 7 Nghị định 20/2008/NĐ-CP" in form
    missing = await _file(client, citizen_address="")
    assert missing.status_code == 422
    assert "Cần địa chỉ liên hệ" in _error_of(missing.text, "citizen_address")
    assert await FeedbackItem.all().count() == 0
    posted = await _file(client, phone="", email="")
    assert posted.status_code == 303, posted.text
    postal = await client.get(posted.headers["location"])
    assert "gửi qua đường bưu chính đến địa chỉ liên hệ" in unescape(postal.text)
    item = await FeedbackItem.get()
    assert (item.citizen_phone, item.citizen_email, item.citizen_address) == ("", "", "Số 5 Lê Lợi")


async def test_a_too_short_title_is_shown_next_to_the_title(client) -> None:  # noqa: ANN001
    response = await _file(client, title="ab")
    assert response.status_code == 422 and "Tiêu đề cần" in _error_of(response.text, "title")
    assert await FeedbackItem.all().count() == 0


async def test_the_tracking_form_goes_to_the_tracking_page(client) -> None:  # noqa: ANN001
    form = await client.get("/track")
    assert form.status_code == 200 and 'for="code"' in form.text and 'for="token"' in form.text
    created = (await client.post("/api/v1/feedback", json=citizen_body())).json()
    found = await client.get("/track", params={"code": created["code"], "token": created["token"]})
    assert found.status_code == 303
    assert found.headers["location"] == f"/track/{created['code']}?token={created['token']}"
    pasted = await client.get("/track", params={"code": created["track_url"]})
    assert pasted.headers["location"] == found.headers["location"]


async def test_tracking_shows_the_timeline_and_the_answer_and_takes_a_rating(client) -> None:  # noqa: ANN001
    created = (await client.post("/api/v1/feedback", json=citizen_body())).json()
    code, token = created["code"], created["token"]
    page = await client.get(f"/track/{code}", params={"token": token})
    assert "Quá trình xử lý" in page.text and "Đã tiếp nhận" in page.text and "Mới tiếp nhận" in page.text
    assert 'name="rating"' not in page.text  # nothing to rate yet
    wrong = await client.get(f"/track/{code}", params={"token": "sai"})
    assert wrong.status_code == 404 and "Không tìm thấy" in wrong.text

    await _answer(client, code)
    page = await client.get(f"/track/{code}", params={"token": token})
    assert "Kết quả trả lời" in page.text and "phường đã thu gom rác" in page.text
    assert page.text.count('type="radio" id="rating-') == 5 and "Đề nghị xem xét lại" in page.text

    # Review asked with a good rating: refused, next to the checkbox, nothing changes.
    refused = await client.post(
        f"/track/{code}/rating", data={"token": token, "rating": "5", "reopen": "1", "comment": ""}
    )
    assert refused.status_code == 422 and "1 hoặc 2 sao" in refused.text
    assert (await FeedbackItem.get(code=code)).status == "answered"

    rated = await client.post(
        f"/track/{code}/rating", data={"token": token, "rating": "4", "comment": "Cảm ơn phường"}
    )
    assert rated.status_code == 303 and rated.headers["location"].startswith(f"/track/{code}?token=")
    after = await client.get(rated.headers["location"])
    assert "Cảm ơn Ông/Bà đã đánh giá" in after.text and "4/5" in after.text and "Đã đóng" in after.text
    assert 'name="rating"' not in after.text
    item = await FeedbackItem.get(code=code)
    assert item.rating == 4 and item.status == "closed"

    stranger = await client.post(f"/track/{code}/rating", data={"token": "sai", "rating": "1"})
    assert stranger.status_code == 404


async def test_a_low_rating_can_ask_for_a_review(client) -> None:  # noqa: ANN001
    created = (await client.post("/api/v1/feedback", json=citizen_body())).json()
    await _answer(client, created["code"])
    rated = await client.post(
        f"/track/{created['code']}/rating",
        data={"token": created["token"], "rating": "1", "reopen": "1", "comment": "Rác vẫn còn"},
    )
    assert rated.status_code == 303
    assert (await FeedbackItem.get(code=created["code"])).status == "in_progress"


async def test_published_answers_are_listed_redacted(client) -> None:  # noqa: ANN001
    consenting = (await client.post("/api/v1/feedback", json=citizen_body(publish=True))).json()
    private = (await client.post("/api/v1/feedback", json=citizen_body(title="Việc riêng tư của tôi"))).json()
    headers = await _answer(client, consenting["code"])
    await _answer(client, private["code"], headers)

    listing = await client.get("/public")
    assert listing.status_code == 200
    assert consenting["code"] in listing.text and private["code"] not in listing.text
    for query in ({"q": "rac thai"}, {"q": "Rác thải"}, {"category": "moi-truong", "commune": "09556"}):
        found = await client.get("/public", params=query)
        assert consenting["code"] in found.text, query
    none = await client.get("/public", params={"q": "khong co gi ca"})
    assert consenting["code"] not in none.text and "Không có kết quả phù hợp." in none.text

    one = await client.get(f"/public/{consenting['code']}")
    assert one.status_code == 200 and "phường đã thu gom rác" in one.text
    assert "N.V.A." in one.text and "Nguyễn Văn An" not in one.text
    assert "0912 345 678" not in one.text and "an@example.vn" not in one.text
    assert (await client.get(f"/public/{private['code']}")).status_code == 404


async def test_public_pages_are_paged(client, monkeypatch) -> None:  # noqa: ANN001
    from feedback.web import citizen

    monkeypatch.setattr(citizen, "PUBLIC_PAGE_SIZE", 1)
    headers = None
    for _ in range(2):
        created = (await client.post("/api/v1/feedback", json=citizen_body(publish=True))).json()
        headers = await _answer(client, created["code"], headers)
    first = await client.get("/public", params={"q": "rac"})
    assert "Trang 1/2" in first.text and 'href="/public?q=rac&amp;page=2"' in first.text
    second = await client.get("/public", params={"q": "rac", "page": "2"})
    assert "Trang 2/2" in second.text and 'rel="prev"' in second.text


async def test_citizen_pages_in_english(client) -> None:  # noqa: ANN001
    form = await client.get("/feedback/new", params={"lang": "en"})
    assert "<h1>File feedback</h1>" in form.text and "Full name" in form.text
    assert "Personal data protection" in form.text
    assert "<h1>Track feedback</h1>" in (await client.get("/track")).text
    assert "<h1>Published answers</h1>" in (await client.get("/public")).text


async def test_an_empty_form_shows_every_problem_at_once(client) -> None:  # noqa: ANN001
    """Issue 13: an empty form took four round trips, one error each; now one shows them all."""
    empty = {name: "" for name in FORM} | {"severity": "normal"}
    response = await client.post("/feedback/new", files=_multipart(empty))
    assert response.status_code == 422
    html = unescape(response.text)
    for field in ("title", "content", "name", "citizen_address"):
        assert f'id="{field}-error"' in response.text, field
    bad = await client.post(
        "/feedback/new", files=_multipart({**FORM, "title": "ab", "phone": "123", "email": "x@"})
    )
    assert bad.status_code == 422
    for field in ("title", "phone", "email"):
        assert f'id="{field}-error"' in bad.text, field
    assert "Chưa gửi được phản ánh" in html and await FeedbackItem.all().count() == 0
