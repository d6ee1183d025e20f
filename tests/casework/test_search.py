"""Inbox search through the HTTP API: every filter, what the search box recognises, pages and totals,
and that a search never reaches past what the user may see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from feedback.casework import inbox
from feedback.directory.models import Unit
from feedback.items.models import Cooperation, FeedbackItem
from tests.helpers import citizen_body, login, staff_headers

HADONG = "P-09556-KT"  # handles moi-truong and giao-thong items of commune 09556
HOANKIEM = "P-00070-KT"  # the same for commune 00070
URL = "/api/v1/staff/feedback"


async def file(client, **overrides) -> str:  # noqa: ANN001, ANN003
    response = await client.post("/api/v1/feedback", json=citizen_body(**overrides))
    assert response.status_code == 201, response.text
    return response.json()["code"]


async def found(client, headers: dict, **params) -> list[str]:  # noqa: ANN001, ANN003
    response = await client.get(URL, params=params, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"]) and body["total_exact"]  # small inboxes: one page
    return [row["code"] for row in body["items"]]


@pytest.fixture
async def coordinator(client) -> dict:  # noqa: ANN001
    return await staff_headers(client, "vanphong@hanoi.vn", "coordinator", None)


@pytest.fixture
async def hadong(client) -> dict:  # noqa: ANN001
    return await staff_headers(client, "canbo@hadong.vn", "officer", HADONG)


async def test_text_with_or_without_diacritics(client, hadong) -> None:
    flood = await file(client, title="Ngập nước sau mưa ở ngõ 5", content="Cống thoát nước bị tắc lâu ngày.")
    rubbish = await file(client)  # "Rác thải ùn ứ tại ngõ 12", about rubbish not collected
    for typed in ("ngập nước", "ngap nuoc", "NGẬP NƯỚC", "  Ngap   Nuoc "):
        assert await found(client, hadong, q=typed) == [flood], typed
    assert await found(client, hadong, q="thoát nước") == [flood]  # the content counts too
    assert await found(client, hadong, q="ngõ") == [flood, rubbish]
    assert await found(client, hadong, q="ngập%nước") == []  # LIKE wildcards are plain characters
    assert await found(client, hadong, q="   ") == [flood, rubbish]  # an empty box filters nothing


async def test_phone_however_it_is_typed(client, coordinator) -> None:
    mine = await file(client)  # citizen phone "0912 345 678"
    other = await file(
        client, citizen={"name": "Trần Thị Bình", "phone": "0987 654 321", "address": "Số 1 Lê Lợi, Hà Đông"}
    )
    for typed in ("0912345678", "0912 345 678", "+84 912 345 678", "(+84) 912.345.678", "84912345678"):
        assert await found(client, coordinator, phone=typed) == [mine], typed
        assert await found(client, coordinator, q=typed) == [mine], typed
    assert await found(client, coordinator, q="0987-654-321") == [other]
    bad = await client.get(URL, params={"phone": "12345"}, headers=coordinator)
    assert bad.status_code == 422 and bad.json()["field"] == "phone"
    assert "Số điện thoại" in bad.json()["detail"]


async def test_email_in_any_case(client, coordinator) -> None:
    mine = await file(
        client,
        citizen={"name": "Nguyễn Văn An", "email": "An.Nguyen@Example.VN", "address": "Số 1 Lê Lợi, Hà Đông"},
    )
    await file(
        client,
        citizen={"name": "Trần Thị Bình", "email": "binh@example.vn", "address": "Số 1 Lê Lợi, Hà Đông"},
    )
    for typed in ("an.nguyen@example.vn", "AN.NGUYEN@EXAMPLE.VN", " An.Nguyen@example.vn "):
        assert await found(client, coordinator, email=typed) == [mine], typed
        assert await found(client, coordinator, q=typed) == [mine], typed
    assert await found(client, coordinator, email="an@example.vn") == []  # exact, not a substring
    bad = await client.get(URL, params={"email": "khong-phai-thu"}, headers=coordinator)
    assert bad.status_code == 422 and bad.json()["field"] == "email"


async def test_tracking_code(client, coordinator) -> None:
    first, second = await file(client), await file(client)
    assert await found(client, coordinator, code=second) == [second]
    assert await found(client, coordinator, code=second.lower()) == [second]
    assert await found(client, coordinator, q=f" {first.lower()} ") == [first]
    assert await found(client, coordinator, code="PAKN.20261123.9999") == []
    bad = await client.get(URL, params={"q": "PAKN.2026"}, headers=coordinator)
    assert bad.status_code == 422 and "PAKN.YYYYMMDD.NNNN" in bad.json()["detail"]
    both = await client.get(URL, params={"code": first, "q": second}, headers=coordinator)
    assert both.status_code == 422 and both.json()["field"] == "q"


async def test_category_commune_unit_status_and_deadlines(client, coordinator, frozen_clock) -> None:
    rubbish = await file(client)  # moi-truong in 09556: Hà Đông
    road = await file(client, category="giao-thong", severity="urgent", title="Ổ gà trên đường Quang Trung")
    elsewhere = await file(client, commune="00070")  # moi-truong in 00070: Hoàn Kiếm
    assert await found(client, coordinator, category="moi-truong") == [rubbish, elsewhere]
    assert await found(client, coordinator, commune="09556") == [road, rubbish]  # urgent: due first
    assert await found(client, coordinator, commune="09556", category="moi-truong") == [rubbish]
    assert await found(client, coordinator, unit=HOANKIEM) == [elsewhere]

    await FeedbackItem.filter(code=rubbish).update(status="answered")
    assert await found(client, coordinator, status="answered") == [rubbish]
    assert await found(client, coordinator, status="received", commune="09556") == [road]

    road_due = (await FeedbackItem.get(code=road)).due_at
    just_after = (road_due + timedelta(minutes=1)).isoformat()
    assert await found(client, coordinator, due_before=just_after) == [road]
    assert await found(client, coordinator, overdue="true") == []

    frozen_clock.set(road_due + timedelta(days=1))  # the urgent item is late; the answered one is not
    coordinator = await login(client, "vanphong@hanoi.vn")
    assert await found(client, coordinator, overdue="true") == [road]
    assert await found(client, coordinator, overdue="false") == [rubbish, elsewhere]
    rows = (await client.get(URL, params={"commune": "09556"}, headers=coordinator)).json()["items"]
    assert [(row["code"], row["overdue"]) for row in rows] == [(road, True), (rubbish, False)]

    for name, value in (("category", "khong-co"), ("commune", "99999"), ("unit", "KHONG-CO")):
        unknown = await client.get(URL, params={name: value}, headers=coordinator)
        assert unknown.status_code == 422 and unknown.json()["field"] == name, name


async def test_pages_are_sorted_by_deadline_and_counted(client, coordinator, monkeypatch) -> None:
    codes = [await file(client, severity="urgent" if n % 2 else "normal") for n in range(5)]
    items = await FeedbackItem.filter(code__in=codes).order_by("due_at", "id")
    expected = [i.code for i in items]
    pages = []
    for offset in (0, 2, 4):
        body = (await client.get(URL, params={"limit": 2, "offset": offset}, headers=coordinator)).json()
        assert body["total"] == 5 and body["total_exact"]
        pages.append([row["code"] for row in body["items"]])
    assert pages == [expected[0:2], expected[2:4], expected[4:]]

    # Beyond COUNT_LIMIT matches the count stops and says so.
    monkeypatch.setattr(inbox, "COUNT_LIMIT", 3)
    monkeypatch.setattr(inbox, "TEXT_COUNT_LIMIT", 3)  # words have their own, smaller limit
    body = (await client.get(URL, params={"limit": 2}, headers=coordinator)).json()
    assert (body["total"], body["total_exact"], len(body["items"])) == (3, False, 2)
    body = (await client.get(URL, params={"q": "rac thai"}, headers=coordinator)).json()
    assert (body["total"], body["total_exact"]) == (3, False)
    body = (await client.get(URL, params={"code": codes[0]}, headers=coordinator)).json()
    assert (body["total"], body["total_exact"]) == (1, True)


async def test_no_search_reaches_another_units_item(client, hadong, coordinator) -> None:
    citizen = {
        "name": "Lê Hoàng Cường",
        "phone": "0903 111 222",
        "email": "cuong@example.vn",
        "address": "Số 1 Lê Lợi, Hà Đông",
    }
    theirs = await file(client, commune="00070", title="Lấn chiếm vỉa hè phố Hàng Gai", citizen=citizen)
    searches = [
        {"phone": "0903111222"},
        {"email": "cuong@example.vn"},
        {"code": theirs},
        {"q": theirs},
        {"q": "+84 903 111 222"},
        {"q": "CUONG@example.vn"},
        {"q": "hang gai"},
        {"unit": HOANKIEM},
        {"commune": "00070"},
    ]
    for params in searches:
        assert await found(client, hadong, **params) == [], params
        assert await found(client, coordinator, **params) == [theirs], params

    # Once Hà Đông cooperates on it (liên thông), the same searches find it there too.
    item = await FeedbackItem.get(code=theirs)
    unit = await Unit.get(code=HADONG)
    await Cooperation.create(item=item, unit=unit, due_at=item.due_at, created_at=datetime.now(UTC))
    for params in searches:
        assert await found(client, hadong, **params) == [theirs], params

    organiser = await staff_headers(client, "hoinghi@hanoi.vn", "organiser", "VP-UBND")
    assert (await client.get(URL, params={"phone": "0903111222"}, headers=organiser)).status_code == 403
    assert (await client.get(URL, params={"phone": "0903111222"})).status_code == 401


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"status": "nonsense"}, 422),  # issue 12: unknown filter values are 422, named
        ({"overdue": "maybe"}, 400),
        ({"due_before": "2026-12-01T00:00:00"}, 422),  # no offset: which time zone?
        ({"due_before": "ngày mai"}, 400),
        ({"limit": 0}, 400),
        ({"limit": 201}, 400),
        ({"offset": -1}, 400),
        ({"q": "x" * 201}, 400),
        ({"q": "ồn"}, 422),  # too short to search
        ({"phone": "+1 202 555 0100"}, 422),
        ({"email": "an@"}, 422),
        ({"code": "PAKN-20261123-0001"}, 422),
    ],
)
async def test_bad_input_is_a_clear_4xx(client, hadong, params, status) -> None:
    await file(client)
    response = await client.get(URL, params=params, headers=hadong)
    assert response.status_code == status, response.text
    assert response.json()["detail"]


async def test_postgresql_has_the_trigram_index(database) -> None:  # noqa: ANN001
    """Migration 0004 on PostgreSQL: LIKE '%…%' on search_text goes through a GIN trigram index."""
    from feedback import db

    if not db.is_postgres():
        pytest.skip("SQLite has no trigram index; its search reads search_text")
    rows = await db.fetch("SELECT indexdef FROM pg_indexes WHERE indexname = 'feedback_item_search_trgm'")
    assert rows and "gin (search_text gin_trgm_ops)" in rows[0]["indexdef"]
