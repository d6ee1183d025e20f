"""`/api/v1/reports/…` through HTTP on the hand-built October (tests/reports/fixture.py): who may read
what, the items behind a number, clear 4xx for bad parameters, and the CSV and XLSX read back."""

from __future__ import annotations

import csv
import io

import pytest_asyncio
from openpyxl import load_workbook

from tests.helpers import login, staff_headers
from tests.reports import fixture
from tests.reports.test_figures import KT, _city, _ward, same

OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}


@pytest_asyncio.fixture
async def october(client, settings, frozen_clock):  # noqa: ANN001
    office = await fixture.build(settings, frozen_clock)
    frozen_clock.set(fixture.at(2, 11, 8))
    return office


async def get(client, who: str, path: str = "/api/v1/reports/summary", **params):  # noqa: ANN001, ANN201
    headers = await login(client, f"{who}@pakn.test")
    return await client.get(path, params={**OCTOBER, **params}, headers=headers)


async def test_coordinator_sees_the_city_and_any_unit(client, october) -> None:  # noqa: ANN001
    city = await get(client, "coordinator")
    assert city.status_code == 200, city.text
    body = city.json()
    assert body["from"] == "2026-10-01" and body["by"] == "unit" and body["unit"] is None
    same(body["total"], _city())
    ward = (await get(client, "coordinator", unit=fixture.WARD)).json()
    same(ward["total"], _ward())
    assert {r["key"]["code"] for r in ward["rows"]} >= {fixture.KT, fixture.VP, fixture.VHXH}
    deep = (await get(client, "coordinator", depth=2)).json()
    assert any(r["key"]["code"] == fixture.KT and r["key"]["level"] == 2 for r in deep["rows"])


async def test_a_head_sees_the_own_unit_and_below(client, october) -> None:  # noqa: ANN001
    own = await get(client, "ward_head")
    assert own.status_code == 200 and own.json()["unit"]["code"] == fixture.WARD
    same(own.json()["total"], _ward())
    below = await get(client, "ward_head", unit=fixture.KT, by="officer")
    assert below.status_code == 200
    assert {r["key"]["code"] for r in below.json()["rows"]} == {"kt_officer@pakn.test", None}
    assert (await get(client, "kt_head", unit=fixture.WARD)).status_code == 403  # above the own unit
    assert (await get(client, "kt_head", unit="SO-YT")).status_code == 403
    assert (await get(client, "kt_head", by="officer")).status_code == 200


async def test_an_officer_sees_the_own_unit_only(client, october) -> None:  # noqa: ANN001
    own = await get(client, "kt_officer")
    assert own.status_code == 200 and own.json()["unit"]["code"] == fixture.KT
    same(own.json()["total"], KT)
    assert (await get(client, "kt_officer", unit=fixture.WARD)).status_code == 403
    assert (await get(client, "kt_officer", by="officer")).status_code == 403
    items = await get(client, "kt_officer", "/api/v1/reports/items", bucket="open_overdue")
    assert items.status_code == 200


async def test_others_are_refused(client, october) -> None:  # noqa: ANN001
    assert (await get(client, "desk")).status_code == 403
    organiser = await staff_headers(client, "btc@pakn.test", "organiser", fixture.WARD)
    assert (await client.get("/api/v1/reports/summary", headers=organiser)).status_code == 403
    assert (await client.get("/api/v1/reports/summary")).status_code == 401


async def test_bad_parameters_are_named(client, october) -> None:  # noqa: ANN001
    for params, status, word in (
        ({"from": "2026-10-31", "to": "2026-10-01"}, 422, "kết thúc"),
        ({"from": "2026-13-01"}, 400, "from"),
        ({"by": "weather"}, 400, "by"),
        ({"unit": "KHONG-CO"}, 422, "KHONG-CO"),
        ({"from": "1800-01-01"}, 400, "from"),
        ({"from": "2000-01-01", "to": "2026-10-31"}, 422, "5 năm"),
        ({"depth": "9"}, 400, "depth"),
        ({"to": "9999-01-01"}, 400, "to"),
        ({"unit": "P\x00"}, 400, "unit"),
        ({"unit": "U" * 300}, 400, "unit"),
    ):
        response = await get(client, "coordinator", **params)
        assert response.status_code == status, (params, response.text)
        assert word in response.text, (params, response.text)
    only_from = await client.get(
        "/api/v1/reports/summary",
        params={"from": "2026-10-01"},
        headers=await login(client, "coordinator@pakn.test"),
    )
    assert only_from.status_code == 422 and "to" in only_from.text
    bad_bucket = await get(client, "coordinator", "/api/v1/reports/items", bucket="everything")
    assert bad_bucket.status_code == 400 and "bucket" in bad_bucket.text
    no_bucket = await get(client, "coordinator", "/api/v1/reports/items")
    assert no_bucket.status_code == 422 and "open_overdue" in no_bucket.text
    far = await get(client, "coordinator", "/api/v1/reports/items", bucket="received", offset=str(10**12))
    assert far.status_code == 400 and "offset" in far.text


async def test_the_items_behind_a_number(client, october) -> None:  # noqa: ANN001
    codes = {name: code for name, code in october.codes.items()}
    late = (
        await get(client, "coordinator", "/api/v1/reports/items", bucket="answered_late", unit=fixture.KT)
    ).json()
    assert {i["code"] for i in late["items"]} == {codes[n] for n in ("A4", "A7", "B11", "B12")}
    assert all(i["bucket"] == "answered_late" and i["unit"]["code"] == fixture.KT for i in late["items"])
    # the field as of the period, beside the unit (the monthly e-mail lists it)
    assert {(i["category"]["code"], i["category"]["name"]) for i in late["items"]} == {
        ("moi-truong", "Môi trường")
    }
    carried = (await get(client, "coordinator", "/api/v1/reports/items", bucket="carried_over")).json()
    assert {i["code"] for i in carried["items"]} == {
        codes[n] for n in ("A2", "A3", "A4", "A5", "A6", "A7", "A9")
    }
    twice = (await get(client, "coordinator", "/api/v1/reports/items", bucket="transferred_twice")).json()
    assert [i["code"] for i in twice["items"]] == [codes["B9"]] and twice["items"][0]["unit"][
        "code"
    ] == "SO-YT"
    page = (
        await get(client, "coordinator", "/api/v1/reports/items", bucket="received", limit=2, offset=1)
    ).json()
    assert len(page["items"]) == 2


async def test_csv_and_xlsx_read_back(client, october) -> None:  # noqa: ANN001
    response = await get(client, "coordinator", "/api/v1/reports/summary.csv", unit=fixture.WARD)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:3] == ["Mã", "Đơn vị", "Số nhận giải quyết - Tổng số"]
    kt = next(r for r in rows if r[0] == fixture.KT)
    assert int(kt[header.index("Đã giải quyết - Quá hạn")]) == KT["answered_late"]
    assert float(kt[header.index("Tỷ lệ đúng hạn")]) == round(KT["on_time_rate"] * 100, 2)
    assert rows[-1][1] == "Tổng cộng" and int(rows[-1][2]) == _ward()["total"]

    response = await get(client, "coordinator", "/api/v1/reports/summary.xlsx", unit=fixture.WARD)
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "BÁO CÁO KẾT QUẢ" in sheet["A1"].value and "Hà Đông" in sheet["A2"].value
    assert sheet["A3"].value == "Kỳ báo cáo: từ ngày 01/10/2026 đến ngày 31/10/2026"
    groups = [sheet.cell(row=5, column=c).value for c in range(1, sheet.max_column + 1)]
    assert {"Số nhận giải quyết", "Đã giải quyết", "Đang giải quyết", "Tỷ lệ đúng hạn"} <= set(groups)
    labels = [sheet.cell(row=6, column=c).value for c in range(1, sheet.max_column + 1)]
    assert "Mới tiếp nhận trực tuyến" in labels and "Trong hạn" in labels
    late_col = groups.index("Đã giải quyết") + 4  # Tổng số, Trước hạn, Đúng hạn, Quá hạn
    rate_col = groups.index("Tỷ lệ đúng hạn") + 1
    kt_row = next(r for r in range(7, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == fixture.KT)
    assert sheet.cell(row=kt_row, column=late_col).value == KT["answered_late"]
    rate = sheet.cell(row=kt_row, column=rate_col)
    assert rate.value == KT["on_time_rate"] and rate.number_format == "0.0%"
    total = sheet.max_row
    assert sheet.cell(row=total, column=2).value == "Tổng cộng" and sheet.cell(row=total, column=2).font.bold
    assert sheet.cell(row=total, column=3).value == _ward()["total"]
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4


async def test_the_items_of_one_row_by_field_channel_commune_or_officer(client, october) -> None:  # noqa: ANN001
    codes = october.codes
    path = "/api/v1/reports/items"
    field = fixture.CATEGORY[fixture.KT]
    by_field = (await get(client, "coordinator", by="category")).json()
    [row] = [r for r in by_field["rows"] if r["key"]["code"] == field]
    late = (await get(client, "coordinator", path, bucket="answered_late", by="category", key=field)).json()
    assert late["by"] == "category" and late["key"] == field
    assert {i["code"] for i in late["items"]} == {codes[n] for n in ("A4", "A7", "B11", "B12")}
    assert len(late["items"]) == row["answered_late"]
    # The same access rules: an officer lists the own unit's items only, and none by officer.
    own = await get(client, "kt_officer", path, bucket="received", by="channel", key="online")
    assert own.status_code == 200 and all(i["unit"]["code"] == fixture.KT for i in own.json()["items"])
    assert (
        await get(client, "kt_officer", path, bucket="received", by="officer", key="1")
    ).status_code == 403
    officer = october.users["kt_officer"]
    mine = await get(client, "kt_head", path, bucket="received", by="officer", key=str(officer.id))
    assert mine.status_code == 200 and mine.json()["items"]
    for params, word in (
        ({"by": "category", "key": "khong-co"}, "khong-co"),
        ({"by": "category"}, "key"),
        ({"key": field}, "by"),
        ({"by": "month", "key": "2026-10"}, "by"),
        ({"by": "channel", "key": "fax"}, "fax"),
        ({"by": "commune", "key": "-1"}, "-1"),
        ({"by": "officer", "key": "12a"}, "12a"),
        ({"by": "unit", "key": "KHONG-CO"}, "KHONG-CO"),
        ({"by": "category", "key": "x" * 81}, "key"),
    ):
        refused = await get(client, "coordinator", path, bucket="received", **params)
        assert refused.status_code == 400 and word in refused.text, (
            params,
            refused.status_code,
            refused.text,
        )
