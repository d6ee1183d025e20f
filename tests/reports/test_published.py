"""The monthly public report (SPEC §7, issue 11 item 6) through HTTP on the hand-built October
(tests/reports/fixture.py): a coordinator publishes; the page, the JSON, the CSV and the XLSX give what
summary() gives for the month; a re-publication is version 2; a published month stays as published;
who may publish; the 400, 404 and 422 answers."""

from __future__ import annotations

import csv
import html
import io

import pytest
import pytest_asyncio
from openpyxl import load_workbook

from feedback.directory.reference import reference
from feedback.intake.schemas import CitizenIn, StaffFeedbackCreate
from feedback.intake.services import submit
from feedback.reports import exports, periods
from feedback.reports.charts import percent
from feedback.reports.snapshot import RANKED_FROM, ranking
from feedback.reports.summary import summary
from tests.helpers import login, staff_headers
from tests.reports import fixture

OCTOBER = periods.month(2026, 10)


@pytest_asyncio.fixture
async def october(client, settings, frozen_clock):  # noqa: ANN001
    office = await fixture.build(settings, frozen_clock)
    frozen_clock.set(fixture.at(2, 11, 8))
    return office


async def publish(client, month: str = "2026-10", who: str = "coordinator"):  # noqa: ANN001, ANN201
    headers = await login(client, f"{who}@pakn.test")
    return await client.post("/api/v1/reports/publish", json={"month": month}, headers=headers)


def _rows(report) -> list[dict]:  # noqa: ANN001
    return [row.as_dict() for row in report.rows]


def _without(rows: list[dict], *keys: str) -> list[dict]:
    return [{k: v for k, v in row.items() if k not in keys} for row in rows]


def _cells(content: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


async def test_the_published_month_is_what_summary_gives(client, settings, october) -> None:  # noqa: ANN001
    made = await publish(client)
    assert made.status_code == 201, made.text
    assert made.json()["month"] == "2026-10" and made.json()["version"] == 1
    assert made.json()["url"] == "/reports/2026-10"
    ref = await reference(settings)
    units = await summary(OCTOBER, by="unit", ref=ref, depth=8)
    fields = await summary(OCTOBER, by="category", ref=ref)

    listed = (await client.get("/api/v1/public/reports")).json()["reports"]
    assert [(r["month"], r["version"]) for r in listed] == [("2026-10", 1)]
    body = (await client.get("/api/v1/public/reports/2026-10")).json()
    assert body["from"] == "2026-10-01" and body["to"] == "2026-10-31" and body["version"] == 1
    assert {k: v for k, v in body["city"].items() if k != "counts"} == units.total.as_dict()
    assert _without(body["units"], "counts", "rank") == _rows(units)
    assert _without(body["fields"], "counts") == _rows(fields)
    assert body["city"]["total"] > 20 and body["city"]["apologies"] == len(body["apologies"]) == 7

    # The CSV and XLSX of the published month are the staff exports of the same report, cell for cell.
    as_csv = await client.get("/reports/2026-10.csv")
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.content == exports.to_csv(units)
    read = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert read[-1][1] == exports.TOTAL_LABEL and int(read[-1][2]) == units.total.total
    by_field = await client.get("/reports/2026-10.csv", params={"table": "fields"})
    assert by_field.content == exports.to_csv(fields)
    as_xlsx = await client.get("/reports/2026-10.xlsx")
    assert as_xlsx.status_code == 200 and "spreadsheetml" in as_xlsx.headers["content-type"]
    assert _cells(as_xlsx.content) == _cells(exports.to_xlsx(units))
    field_xlsx = await client.get("/reports/2026-10.xlsx", params={"table": "fields"})
    assert _cells(field_xlsx.content) == _cells(exports.to_xlsx(fields))

    # The page: the city's buckets, every unit with its rate, the fields, satisfaction, the apologies.
    page = await client.get("/reports/2026-10")
    assert page.status_code == 200
    text = html.unescape(page.text)
    total = units.total
    for figure in ("total", "answered_early", "answered_on_time", "answered_late", "open_overdue"):
        assert f'data-figure="{figure}">{getattr(total, figure)}<' in text, figure
    ward = next(r for r in units.rows if r.key.code == fixture.WARD)
    assert percent(ward.figures.on_time_rate) in text
    # Each section's chart, drawn from the snapshot: the city's buckets, the units' rates, the fields,
    # satisfaction and the apologies, each an image with its title for screen readers.
    for chart in ("chart-city", "chart-units", "chart-fields", "chart-satisfaction", "chart-apologies"):
        assert f'id="{chart}-title"' in text, chart
    assert text.count('role="img"') >= 5
    start = text.index('id="chart-units-title"')
    units_chart = text[start : text.index("</svg>", start)]
    assert "Sở Giáo dục và Đào tạo" in units_chart and percent(ward.figures.on_time_rate) in text
    assert "Sở Giáo dục và Đào tạo" in text and "Môi trường" in text
    assert "lượt đánh giá" in text and "Công khai xin lỗi" in text
    for name in ("A4", "A5", "B6", "B12", "B10", "B11"):  # 2 + 2 automatic apologies, 2 extensions
        assert october.codes[name] in text, name
    assert "Cần xác minh." in text  # the extensions' reason, as public text
    listing = await client.get("/reports")
    assert listing.status_code == 200 and 'href="/reports/2026-10"' in listing.text


async def test_a_published_month_stays_as_published_and_a_new_version_says_so(
    client, settings, october, frozen_clock
) -> None:  # noqa: ANN001
    assert (await publish(client)).status_code == 201
    first = (await client.get("/api/v1/public/reports/2026-10")).json()
    first_page = (await client.get("/reports/2026-10")).text
    # A letter received on 30/10 and typed in on 3/11: October's report counts it from now on (SPEC §7).
    frozen_clock.set(fixture.at(3, 11, 10))
    office_user = october.users["desk"]
    body = StaffFeedbackCreate(
        title="Thư phản ánh gửi qua bưu điện", content="Đèn đường hỏng nhiều ngày.", category="moi-truong",
        commune="09556", channel="postal",
        citizen=CitizenIn(name="Trần Thị Bình", phone="0987654321", address="Số 3 ngõ 9 Quang Trung"),
        received_at=fixture.at(30, 10, 15),
    )  # fmt: skip
    await submit(body, settings, actor=office_user)
    now = await summary(OCTOBER, by="unit", ref=await reference(settings))
    assert now.total.received == first["city"]["received"] + 1

    # Published is frozen: the JSON, the page and the files are what they were.
    assert (await client.get("/api/v1/public/reports/2026-10")).json() == first
    assert (await client.get("/reports/2026-10")).text == first_page
    assert "phiên bản 2" not in first_page

    frozen_clock.set(fixture.at(4, 11, 9))
    again = await publish(client)
    assert again.status_code == 201 and again.json()["version"] == 2
    latest = (await client.get("/api/v1/public/reports/2026-10")).json()
    assert latest["version"] == 2 and latest["city"]["received"] == now.total.received
    page = html.unescape((await client.get("/reports/2026-10")).text)
    assert "Đã cập nhật, phiên bản 2, công bố lúc 09:00 04/11/2026" in page
    assert 'href="/reports/2026-10?version=1"' in page
    older = await client.get("/api/v1/public/reports/2026-10", params={"version": 1})
    assert older.json() == first
    old_page = html.unescape((await client.get("/reports/2026-10", params={"version": 1})).text)
    assert "Đây là phiên bản 1" in old_page and "xem phiên bản mới nhất" in old_page
    old_csv = await client.get("/reports/2026-10.csv", params={"version": 1})
    new_csv = await client.get("/reports/2026-10.csv")
    assert old_csv.content != new_csv.content and new_csv.content == exports.to_csv(
        await summary(OCTOBER, by="unit", ref=await reference(settings), depth=8)
    )
    listed = (await client.get("/api/v1/public/reports")).json()["reports"]
    assert [(r["month"], r["version"]) for r in listed] == [("2026-10", 2)]


async def test_units_with_fewer_than_ten_items_are_listed_but_not_ranked(client, october) -> None:  # noqa: ANN001
    assert (await publish(client)).status_code == 201
    body = (await client.get("/api/v1/public/reports/2026-10")).json()
    by_code = {u["key"]["code"]: u for u in body["units"]}
    assert by_code[fixture.WARD]["total"] >= RANKED_FROM and by_code[fixture.WARD]["rank"] == 1
    assert by_code["SO-GDDT"]["total"] == 1 and by_code["SO-GDDT"]["rank"] is None
    assert by_code[fixture.KT]["rank"] is None  # a ward's office: its ward is ranked
    assert [u["code"] for u in body["ranking"]["best"]] == [fixture.WARD]
    assert body["ranking"]["worst"] == [] and body["ranking"]["ranked"] == 1
    page = html.unescape((await client.get("/reports/2026-10")).text)
    row = page.split('data-unit="SO-GDDT"', 1)[1].split("</tr>", 1)[0]
    assert "chưa xếp hạng (dưới 10 hồ sơ)" in row


def _unit(code: str, total: int, rate: float | None, level: int = 1) -> dict:
    return {"key": {"code": code, "name": code, "level": level}, "total": total, "on_time_rate": rate}


@pytest.mark.parametrize(
    ("units", "best", "worst", "ranks"),
    [
        ([], [], [], {}),
        ([_unit("A", 9, 1.0), _unit("B", 10, 0.5)], ["B"], [], {"A": None, "B": 1}),
        (
            [
                _unit("A", 10, 0.9),
                _unit("B", 50, 0.9),
                _unit("C", 12, 0.7),
                _unit("D", 40, 0.95),
                _unit("E", 30, 0.2),
                _unit("F", 11, 0.6),
                _unit("G", 200, 0.8),
                _unit("H", 100, 1.0, 2),
            ],
            ["D", "B", "A"],
            ["E", "F", "C"],
            {"D": 1, "B": 2, "A": 2, "G": 4, "C": 5, "F": 6, "E": 7, "H": None},
        ),  # fmt: skip
        (
            [_unit("A", 10, 0.5), _unit("B", 10, 0.7), _unit("C", 10, 0.6), _unit("D", 10, 0.9)],
            ["D", "B", "C"],
            ["A"],
            {"D": 1, "B": 2, "C": 3, "A": 4},
        ),  # fmt: skip
    ],
)
def test_ranking_threshold_ties_and_podiums(units, best, worst, ranks) -> None:  # noqa: ANN001
    found = ranking(units)
    assert [u["code"] for u in found["best"]] == best
    assert [u["code"] for u in found["worst"]] == worst
    assert {u["key"]["code"]: u["rank"] for u in units} == ranks


async def test_only_coordinators_publish(client, october) -> None:  # noqa: ANN001
    for who in ("kt_officer", "kt_head", "ward_head", "desk"):
        refused = await publish(client, who=who)
        assert refused.status_code == 403, (who, refused.text)
        assert "Văn phòng UBND" in refused.json()["detail"]
    organiser = await staff_headers(client, "btc@pakn.test", "organiser", fixture.WARD)
    refused = await client.post("/api/v1/reports/publish", json={"month": "2026-10"}, headers=organiser)
    assert refused.status_code == 403
    anonymous = await client.post("/api/v1/reports/publish", json={"month": "2026-10"})
    assert anonymous.status_code == 401
    assert (await client.get("/api/v1/public/reports")).json() == {"reports": []}


async def test_bad_months_unclosed_months_and_unpublished_ones(client, october) -> None:  # noqa: ANN001
    for month in ("2026-13", "2026-1", "26-10", "", "2026-10-01", "tháng 10", "1999-12", "2026-00"):
        refused = await publish(client, month)
        assert refused.status_code == 400, (month, refused.text)
        assert "month" in refused.text
    headers = await login(client, "coordinator@pakn.test")
    for body in ({}, {"month": 202610}, {"month": None}):
        refused = await client.post("/api/v1/reports/publish", json=body, headers=headers)
        assert refused.status_code == 400, (body, refused.text)
    for month in ("2026-11", "2026-12", "2031-01"):  # the clock stands on 2/11/2026
        refused = await publish(client, month)
        assert refused.status_code == 422, refused.text
        assert "chưa kết thúc" in refused.json()["detail"]
    assert (await client.get("/api/v1/public/reports")).json() == {"reports": []}
    for path in ("/api/v1/public/reports/2026-10", "/api/v1/public/reports/2026-13",
                 "/api/v1/public/reports/abc"):  # fmt: skip
        missing = await client.get(path)
        assert missing.status_code == 404 and "chưa được công bố" in missing.json()["detail"]
    for path in ("/reports/2026-10", "/reports/abc", "/reports/2026-10.csv", "/reports/2026-10.pdf"):
        missing = await client.get(path)
        assert missing.status_code == 404 and "Không tìm thấy báo cáo" in missing.text, path
    assert (await publish(client)).status_code == 201
    assert (await client.get("/api/v1/public/reports/2026-10", params={"version": 2})).status_code == 404
    assert (await client.get("/reports/2026-10", params={"version": 2})).status_code == 404
    assert (await client.get("/api/v1/public/reports/2026-10", params={"version": 0})).status_code == 400
    assert (await client.get("/reports/2026-09")).status_code == 404
