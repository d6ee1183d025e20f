"""Filing with attachments and downloading them, through the HTTP API."""

from __future__ import annotations

import hashlib
import json
import re
import stat
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from feedback.attachments import uploads
from feedback.items.models import Attachment
from tests.attachments import files
from tests.helpers import citizen_body, counts, staff_headers

ZERO = {"items": 0, "events": 0, "steps": 0, "outbox": 0}
PNG_NAME = "Ảnh hiện trường.png"
DOCX_NAME = "Biên bản làm việc.docx"
STORED_NAME = re.compile(r"[0-9a-f]{32}\.(png|jpg|pdf|docx|xlsx)")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def file_with(
    client: httpx.AsyncClient, attached: list[tuple[str, bytes]], **body: Any
) -> httpx.Response:
    """POST /api/v1/feedback as multipart: the JSON in `data`, the files as `files` parts.

    Each file is sent as application/octet-stream: the service must not need the client's type.
    """
    return await client.post(
        "/api/v1/feedback",
        data={"data": json.dumps(citizen_body(**body))},
        files=[("files", (name, content, "application/octet-stream")) for name, content in attached],
    )


def stored(settings) -> list[Path]:  # noqa: ANN001
    root = settings.upload_dir
    return sorted(root.iterdir()) if root.exists() else []


async def nothing_saved(settings) -> None:  # noqa: ANN001
    assert await counts() == ZERO
    assert await Attachment.all().count() == 0
    assert stored(settings) == []


async def test_file_with_attachments_and_download_them(client, settings) -> None:
    png, docx = files.png(), files.docx()
    response = await file_with(client, [(PNG_NAME, png), (DOCX_NAME, docx)])
    assert response.status_code == 201, response.text
    created = response.json()
    code, token = created["code"], created["token"]
    assert [(a["filename"], a["content_type"], a["size"], a["kind"]) for a in created["attachments"]] == [
        (PNG_NAME, "image/png", len(png), "submission"),
        (DOCX_NAME, DOCX_TYPE, len(docx), "submission"),
    ]

    # The citizen's tracking view lists them, with their download paths.
    tracked = (await client.get(f"/api/v1/feedback/{code}", headers={"X-Access-Token": token})).json()
    listed = tracked["attachments"]
    assert listed == created["attachments"]
    assert listed[0]["url"] == f"/api/v1/feedback/{code}/attachments/{listed[0]['id']}"

    # Downloaded back byte for byte, by the citizen (header or query token)…
    for attachment, content, name in zip(listed, (png, docx), (PNG_NAME, DOCX_NAME), strict=True):
        download = await client.get(attachment["url"], headers={"X-Access-Token": token})
        assert download.status_code == 200
        assert download.content == content
        assert download.headers["content-type"] == attachment["content_type"]
        assert download.headers["x-content-type-options"] == "nosniff"
        disposition = download.headers["content-disposition"]
        assert disposition.startswith("attachment;")
        assert f"filename*=UTF-8''{quote(name, safe='')}" in disposition
    by_query = await client.get(listed[0]["url"], params={"token": token})
    assert by_query.status_code == 200 and by_query.content == png

    # …and by staff of the unit that handles the item.
    hadong = await staff_headers(client, "canbo@hadong.vn", "officer", "P-09556-KT")
    staff_url = f"/api/v1/staff/feedback/{code}/attachments/{listed[1]['id']}"
    download = await client.get(staff_url, headers=hadong)
    assert download.status_code == 200 and download.content == docx
    assert download.headers["content-type"] == DOCX_TYPE

    # On disk: under upload_dir, random names with the detected extension, private, hashes recorded.
    on_disk = stored(settings)
    assert [p.suffix for p in sorted(on_disk, key=lambda p: p.suffix)] == [".docx", ".png"]
    for path in on_disk:
        assert STORED_NAME.fullmatch(path.name), path.name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(settings.upload_dir.stat().st_mode) == 0o700
    rows = {a.storage_name: a for a in await Attachment.all()}
    assert set(rows) == {p.name for p in on_disk}
    for path in on_disk:
        assert rows[path.name].sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert rows[path.name].uploaded_by_id is None  # filed by a citizen


async def test_downloads_need_the_right_token_or_unit(client) -> None:
    created = (await file_with(client, [(PNG_NAME, files.png())])).json()
    other = (await file_with(client, [("khac.pdf", files.pdf())])).json()
    code, token = created["code"], created["token"]
    own = created["attachments"][0]["id"]
    foreign = other["attachments"][0]["id"]
    assert (
        await client.get(f"/api/v1/feedback/{code}/attachments/{own}", params={"token": token})
    ).status_code == 200

    for wrong in ("", "wrong-token", other["token"]):
        response = await client.get(
            f"/api/v1/feedback/{code}/attachments/{own}", headers={"X-Access-Token": wrong}
        )
        assert response.status_code == 404
    # Another item's attachment through this item's code and token, or an id that does not exist.
    for attachment_id in (foreign, own + foreign + 100):
        response = await client.get(
            f"/api/v1/feedback/{code}/attachments/{attachment_id}", params={"token": token}
        )
        assert response.status_code == 404

    hoankiem = await staff_headers(client, "canbo@hoankiem.vn", "officer", "P-00070-KT")
    staff_url = f"/api/v1/staff/feedback/{code}/attachments/{own}"
    assert (await client.get(staff_url, headers=hoankiem)).status_code == 404
    assert (await client.get(staff_url)).status_code == 401
    coordinator = await staff_headers(client, "dieuphoi@hanoi.vn", "coordinator", "VP-UBND")
    assert (await client.get(staff_url, headers=coordinator)).status_code == 200
    hadong = await staff_headers(client, "canbo@hadong.vn", "officer", "P-09556-KT")
    assert (
        await client.get(f"/api/v1/staff/feedback/{code}/attachments/{foreign}", headers=hadong)
    ).status_code == 404


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("don-kien-nghi.pdf", files.EXE),  # a program renamed
        ("anh-hien-truong.jpg", files.HTML),  # a web page renamed
        ("ban-ve.png", files.SVG),
        ("ho-so.docx", files.zip_of("ho-so.txt")),  # a plain ZIP
        ("van-ban.doc", files.OLD_DOC),
        ("bang-tinh.xlsx", files.with_entry(files.xlsx(), "xl/vbaProject.bin")),  # macros
    ],
    ids=["exe-as-pdf", "html-as-jpg", "svg-as-png", "zip-as-docx", "old-doc", "xlsm-as-xlsx"],
)
async def test_a_bad_fourth_file_saves_nothing(client, settings, name, content) -> None:
    good = [("a.png", files.png()), ("b.pdf", files.pdf()), ("c.xlsx", files.xlsx())]
    response = await file_with(client, [*good, (name, content)])
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["field"] == "files"
    assert name in body["detail"] and "JPEG" in body["detail"]
    await nothing_saved(settings)


async def test_at_most_five_files(client, settings) -> None:
    six = [(f"anh-{n}.png", files.png()) for n in range(1, 7)]
    response = await file_with(client, six)
    assert response.status_code == 422
    assert response.json()["field"] == "files" and "tối đa 5 tệp" in response.json()["detail"]
    await nothing_saved(settings)
    assert (await file_with(client, six[:5])).status_code == 201


async def test_a_file_over_10_mb_is_refused(client, settings) -> None:
    big = files.png() + b"\x00" * uploads.MAX_FILE_SIZE
    response = await file_with(client, [("a.pdf", files.pdf()), ("anh-lon.png", big)])
    assert response.status_code == 413
    assert response.json()["field"] == "files" and "anh-lon.png" in response.json()["detail"]
    await nothing_saved(settings)
    exactly = big[: uploads.MAX_FILE_SIZE]
    assert (await file_with(client, [("anh-vua.png", exactly)])).status_code == 201


async def test_a_body_over_the_route_limit_is_413(client, settings) -> None:
    response = await client.post(
        "/api/v1/feedback",
        content=b"x" * (uploads.MAX_BODY + 1),
        headers={"content-type": "multipart/form-data; boundary=abc"},
    )
    assert response.status_code == 413
    await nothing_saved(settings)


async def test_an_empty_file_is_refused_but_an_empty_file_input_is_not(client, settings) -> None:
    response = await file_with(client, [("a.png", files.png()), ("rong.pdf", b"")])
    assert response.status_code == 422 and "rong.pdf" in response.json()["detail"]
    await nothing_saved(settings)
    # A form whose file input was left empty sends one part with no name and no bytes.
    response = await file_with(client, [("", b"")])
    assert response.status_code == 201, response.text
    assert response.json()["attachments"] == [] and stored(settings) == []


async def test_bad_data_part_gives_the_json_errors_and_saves_nothing(client, settings) -> None:
    as_json = await client.post("/api/v1/feedback", json=citizen_body(title=5))
    as_form = await file_with(client, [("a.png", files.png())], title=5)
    assert as_json.status_code == as_form.status_code == 400
    assert as_form.json() == as_json.json()
    assert as_form.json()["extra"] == [
        {
            "message": "Trường `title`: cần chuỗi ký tự, nhưng nhận được số nguyên",
            "key": "title",
            "source": "body",
            "message_en": "Expected `str`, got `int`",
        }
    ]

    # A rule of the service (not of the schema) fails after the files are stored: they go too.
    refused = await file_with(client, [("a.png", files.png())], category="khong-co")
    assert refused.status_code == 422 and refused.json()["field"] == "category"

    missing = await client.post("/api/v1/feedback", files=[("files", ("a.png", files.png(), "image/png"))])
    assert missing.status_code == 400 and "data" in missing.json()["detail"]
    unknown = await client.post(
        "/api/v1/feedback",
        data={"data": json.dumps(citizen_body()), "extra": "x"},
        files=[("files", ("a.png", files.png()))],
    )
    assert unknown.status_code == 422 and unknown.json()["field"] == "extra"
    await nothing_saved(settings)


async def test_a_database_failure_removes_the_files(client, settings, monkeypatch) -> None:
    from feedback.intake import store

    real_save = store.save_attachments

    async def save_then_fail(*args: Any, **kwargs: Any) -> None:
        await real_save(*args, **kwargs)  # the rows are written, then the transaction fails
        raise RuntimeError("the database went away")

    monkeypatch.setattr(store, "save_attachments", save_then_fail)
    response = await file_with(client, [("a.png", files.png()), ("b.docx", files.docx())])
    assert response.status_code == 500
    await nothing_saved(settings)


async def test_stored_names_are_random_and_types_follow_the_bytes(client, settings) -> None:
    response = await file_with(client, [("../../etc/passwd.jpg", files.png()), ("bao-cao.pdf", files.pdf())])
    assert response.status_code == 201, response.text
    assert [a["filename"] for a in response.json()["attachments"]] == ["passwd.png", "bao-cao.pdf"]
    assert [a["content_type"] for a in response.json()["attachments"]] == ["image/png", "application/pdf"]
    names = [p.name for p in stored(settings)]
    assert len(names) == 2 and all(STORED_NAME.fullmatch(n) for n in names)
    assert not any("passwd" in n or "bao-cao" in n for n in names)


async def test_json_filing_keeps_its_limit(client) -> None:
    assert (await client.post("/api/v1/feedback", json=citizen_body())).json()["attachments"] == []
    huge = citizen_body(address="x" * 300_000)
    assert (await client.post("/api/v1/feedback", json=huge)).status_code == 413


async def test_answer_files_reach_the_citizen_once_the_answer_is_sent(client, settings, frozen_clock) -> None:
    from feedback import clock
    from feedback.attachments.services import save
    from feedback.attachments.sniff import PDF
    from feedback.attachments.storage import StagedFile
    from feedback.attachments.uploads import Upload
    from feedback.items.models import FeedbackItem

    created = (await file_with(client, [(PNG_NAME, files.png())])).json()
    item = await FeedbackItem.get(code=created["code"])
    staged = StagedFile(settings.upload_dir)
    staged.write(files.pdf())
    path = staged.finish(PDF)
    upload = Upload("Công văn trả lời.pdf", PDF, staged.size, staged.sha256, path.name)
    frozen_clock.advance(hours=1)
    [answer_file] = await save(item.id, [upload], kind="answer", actor_id=None, at=clock.now())

    def citizen(url: str) -> Any:
        return client.get(url, headers={"X-Access-Token": created["token"]})

    answer_url = f"/api/v1/feedback/{item.code}/attachments/{answer_file.id}"
    tracked = (await citizen(f"/api/v1/feedback/{item.code}")).json()
    assert [a["kind"] for a in tracked["attachments"]] == ["submission"]  # a draft's file stays with staff
    assert (await citizen(answer_url)).status_code == 404
    hadong = await staff_headers(client, "canbo@hadong.vn", "officer", "P-09556-KT")
    staff_url = f"/api/v1/staff/feedback/{item.code}/attachments/{answer_file.id}"
    assert (await client.get(staff_url, headers=hadong)).content == files.pdf()

    await FeedbackItem.filter(id=item.id).update(
        answer="Đã thu gom.", answered_at=clock.now(), status="answered"
    )
    tracked = (await citizen(f"/api/v1/feedback/{item.code}")).json()
    assert [a["kind"] for a in tracked["attachments"]] == ["submission", "answer"]
    assert (await citizen(answer_url)).content == files.pdf()


async def test_openapi_describes_json_and_multipart(client) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    content = schema["paths"]["/api/v1/feedback"]["post"]["requestBody"]["content"]
    assert set(content) == {"application/json", "multipart/form-data"}
    json_schema = content["application/json"]["schema"]
    assert json_schema["$ref"].endswith("FeedbackCreate")
    form = content["multipart/form-data"]["schema"]
    assert form["properties"]["data"] == json_schema
    assert form["properties"]["files"]["maxItems"] == 5
    assert "/api/v1/feedback/{code}/attachments/{attachment_id}" in schema["paths"]
    assert "/api/v1/staff/feedback/{code}/attachments/{attachment_id}" in schema["paths"]
