"""`/staff/reports` and `/staff/reports/items` through a browser-like client on the hand-built October
(tests/reports/fixture.py): who sees what, the drill-down of the unit tree, every number's link listing
exactly its items, the charts beside their tables, and a 400 page for every bad query value."""

from __future__ import annotations

import re
from html import unescape

import httpx
import pytest_asyncio

from tests.reports import fixture
from tests.web.test_staff_pages import browser, log_in  # noqa: F401 - the fixture

CHART_IDS = ("chart-rate", "chart-trend", "chart-fields", "chart-ratings")


@pytest_asyncio.fixture
async def october(browser, settings, frozen_clock):  # noqa: ANN001, F811
    """The October casework; today is 2 November, so the page opens on October (the last month)."""
    office = await fixture.build(settings, frozen_clock)
    frozen_clock.set(fixture.at(2, 11, 8))
    return office


async def as_user(web: httpx.AsyncClient, who: str) -> None:
    await log_in(web, f"{who}@pakn.test")


def row(html: str, code: str) -> str:
    found = re.search(rf'<tr[^>]* data-code="{re.escape(code)}"[^>]*>(.*?)</tr>', html, re.S)
    assert found, f"no row {code}"
    return found.group(1)


def figure(html: str, code: str, name: str) -> tuple[str, str | None]:
    """The text of one number in a row and the address it links to (None: not a link)."""
    cell = re.search(rf'<td class="num" data-figure="{name}">(.*?)</td>', row(html, code), re.S).group(1)
    link = re.search(r'<a href="([^"]+)">', cell)
    return re.sub(r"<[^>]+>", "", cell), unescape(link.group(1)) if link else None


def listed(html: str) -> set[str]:
    return set(re.findall(r'<tr data-code="([^"]+)">\s*<td[^>]*><a href="/staff/feedback/\1">', html))


async def test_a_coordinator_drills_down_to_the_late_items(browser, october) -> None:  # noqa: ANN001, F811
    await as_user(browser, "coordinator")
    page = await browser.get("/staff/reports")
    assert page.status_code == 200, page.text
    html = page.text
    assert "Toàn thành phố" in html and "từ ngày 01/10/2026 đến ngày 31/10/2026" in html
    assert figure(html, "", "total")[0] == "24" and figure(html, "", "on_time_rate")[0] == "70,8%"
    # The city's units with items; the other communes are hidden (with a link to show them).
    assert {fixture.WARD, "SO-YT", "SO-GDDT"} <= set(
        re.findall(r'<tr data-code="([^"]+)" class="level-1">', html)
    )
    assert 'data-code="P-00070"' not in html and "Hiện tất cả" in html
    assert 'data-code="P-00070"' in (await browser.get("/staff/reports", params={"all": "1"})).text
    # The ward's name leads to its offices.
    drill = unescape(re.search(r'<a href="([^"]+)" class="drill">', row(html, fixture.WARD)).group(1))
    assert drill == f"/staff/reports?from=2026-10-01&to=2026-10-31&unit={fixture.WARD}"
    ward = (await browser.get(drill)).text
    assert (
        figure(ward, fixture.KT, "answered_late")[0] == "4"
        and figure(ward, fixture.KT, "open_overdue")[0] == "3"
    )
    assert '<a href="/staff/reports?from=2026-10-01&amp;to=2026-10-31">Toàn thành phố</a>' in ward
    codes = october.codes
    for bucket, names in (("answered_late", "A4 A7 B11 B12"), ("open_overdue", "A5 B4 B6"),
                          ("answered_on_time", "A3 A9 B2"), ("merged", "B5")):  # fmt: skip
        text, link = figure(ward, fixture.KT, bucket)
        assert link == f"/staff/reports/items?from=2026-10-01&to=2026-10-31&unit={fixture.KT}&bucket={bucket}"
        items = await browser.get(link)
        assert items.status_code == 200
        assert listed(items.text) == {codes[n] for n in names.split()} and int(text) == len(names.split())
    # A zero is not a link; the total row's numbers list the whole scope's items.
    assert figure(ward, fixture.KT, "refused") == ("1", figure(ward, fixture.KT, "refused")[1])
    assert figure(ward, fixture.VP, "answered_late")[1] is None
    _, city_late = figure(html, "", "answered_late")
    assert listed((await browser.get(city_late)).text) == {codes[n] for n in ("A4", "A7", "B11", "B12")}
    # The ward's own items (without its offices') are none: it handled nothing itself.
    own = await browser.get(
        "/staff/reports/items",
        params={
            "from": "2026-10-01",
            "to": "2026-10-31",
            "unit": fixture.WARD,
            "bucket": "answered_late",
            "own": "1",
        },
    )
    assert own.status_code == 200 and listed(own.text) == set() and "Không có phản ánh nào" in own.text
    # An item's page is one click on.
    assert (await browser.get(f"/staff/feedback/{codes['A4']}")).status_code == 200


async def test_charts_with_their_tables_downloads_and_the_state_now(browser, october) -> None:  # noqa: ANN001, F811
    await as_user(browser, "coordinator")
    html = (await browser.get("/staff/reports", params={"unit": fixture.WARD})).text
    # The 12-month trend is twelve reports: the page links it, and htmx draws it when it comes into view.
    placeholder = re.search(r'<section class="chart-block" id="chart-trend".*?</section>', html, re.S).group(
        0
    )
    trend_url = unescape(re.search(r'hx-get="([^"]+)"', placeholder).group(1))
    assert trend_url.startswith("/staff/reports/trend?") and "<svg" not in placeholder
    fragment = await browser.get(trend_url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and fragment.text.lstrip().startswith('<section class="chart-block"')
    whole = await browser.get(trend_url)  # without scripts: a page of its own
    assert whole.status_code == 200 and "<html" in whole.text and 'id="chart-trend"' in whole.text
    html = html.replace(placeholder, fragment.text)
    for ident in CHART_IDS:
        block = re.search(rf'<section class="chart-block" id="{ident}".*?</section>', html, re.S).group(0)
        assert '<svg class="chart" role="img"' in block and '<table class="chart-table">' in block
    rate = re.search(r'id="chart-rate".*?</section>', html, re.S).group(0)
    assert "68,2%" in rate  # KT: 1 − 7/22, in the drawing and in its table
    trend = re.search(r'id="chart-trend".*?</section>', html, re.S).group(0)
    assert trend.count('<tr><th scope="row">') == 12 and "10/2026" in trend and "11/2025" in trend
    fields = re.search(r'id="chart-fields".*?</section>', html, re.S).group(0)
    assert "Môi trường" in fields or "môi trường" in fields.lower()
    ratings = re.search(r'id="chart-ratings".*?</section>', html, re.S).group(0)
    assert "Không hài lòng (1–2 sao)" in ratings
    # The downloads are the API's, for the same period and unit.
    csv_link = unescape(re.search(r'<a href="([^"]+)" download>Bảng số liệu CSV', html).group(1))
    assert csv_link == f"/api/v1/reports/summary.csv?from=2026-10-01&to=2026-10-31&unit={fixture.WARD}"
    got = await browser.get(csv_link)
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    xlsx = await browser.get(csv_link.replace(".csv", ".xlsx"))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    # What the dashboard showed: the city as it is now, for coordinators.
    assert 'id="now"' in html and 'data-status="received"' in html
    assert 'href="/staff/reports">Báo cáo</a>' in html  # in the staff menu


async def test_groupings_and_periods(browser, october) -> None:  # noqa: ANN001, F811
    await as_user(browser, "coordinator")
    for params, label in (
        ({"period": "statutory", "year": "2026", "number": "10"}, "từ ngày 15/09/2026 đến ngày 14/10/2026"),
        ({"period": "quarter", "year": "2026", "number": "4"}, "từ ngày 01/10/2026 đến ngày 31/12/2026"),
        ({"period": "year", "year": "2026"}, "từ ngày 01/01/2026 đến ngày 31/12/2026"),
        ({"period": "month", "year": "2026", "number": "9"}, "từ ngày 01/09/2026 đến ngày 30/09/2026"),
        ({"from": "2026-10-05", "to": "2026-10-20"}, "từ ngày 05/10/2026 đến ngày 20/10/2026"),
    ):
        page = await browser.get("/staff/reports", params=params)
        assert page.status_code == 200 and label in page.text, params
    by_month = (
        await browser.get("/staff/reports", params={"from": "2026-09-01", "to": "2026-10-31", "by": "month"})
    ).text
    _, link = figure(by_month, "2026-10", "answered_late")
    assert link == "/staff/reports/items?from=2026-10-01&to=2026-10-31&bucket=answered_late"
    for by in ("category", "channel", "commune", "officer"):
        page = await browser.get("/staff/reports", params={"by": by})
        assert page.status_code == 200 and "Tổng cộng" in page.text, by
    officers = (await browser.get("/staff/reports", params={"by": "officer", "unit": fixture.KT})).text
    assert "kt_officer" in officers


async def test_access_per_role(browser, october) -> None:  # noqa: ANN001, F811
    assert (await browser.get("/staff/reports")).status_code == 303  # to the login page
    await as_user(browser, "kt_officer")
    own = await browser.get("/staff/reports")
    assert own.status_code == 200 and 'id="now"' not in own.text
    assert figure(own.text, fixture.KT, "total")[0] == "22"
    assert (await browser.get("/staff/reports", params={"unit": fixture.WARD})).status_code == 403
    assert (await browser.get("/staff/reports", params={"by": "officer"})).status_code == 403
    assert (
        await browser.get("/staff/reports/items", params={"unit": "SO-YT", "bucket": "answered_early"})
    ).status_code == 403
    by_officer = {"bucket": "received", "by": "officer", "key": str(october.users["kt_officer"].id)}
    assert (await browser.get("/staff/reports/items", params=by_officer)).status_code == 403
    await as_user(browser, "kt_head")
    assert "kt_officer" in (await browser.get("/staff/reports", params={"by": "officer"})).text
    assert (await browser.get("/staff/reports", params={"unit": fixture.WARD})).status_code == 403
    await as_user(browser, "ward_head")
    mine = await browser.get("/staff/reports")
    assert mine.status_code == 200 and figure(mine.text, fixture.KT, "total")[0] == "22"
    assert (await browser.get("/staff/reports", params={"unit": fixture.KT})).status_code == 200
    assert (await browser.get("/staff/reports", params={"unit": "SO-YT"})).status_code == 403
    await as_user(browser, "desk")
    refused = await browser.get("/staff/reports")
    assert refused.status_code == 403 and "Chỉ lãnh đạo, cán bộ đơn vị" in refused.text


async def test_bad_query_values_are_a_400_page(browser, october) -> None:  # noqa: ANN001, F811
    await as_user(browser, "coordinator")
    for path, params, words in (
        ("/staff/reports", {"by": "weather"}, "cách nhóm"),
        ("/staff/reports", {"from": "2026-13-01", "to": "2026-10-31"}, "năm-tháng-ngày"),
        ("/staff/reports", {"from": "2026-10-01"}, "ngày kết thúc"),
        ("/staff/reports", {"from": "2026-10-31", "to": "2026-10-01"}, "phải sau"),
        ("/staff/reports", {"from": "2000-01-01", "to": "2026-10-31"}, "5 năm"),
        ("/staff/reports", {"period": "week"}, "loại kỳ"),
        ("/staff/reports", {"period": "month", "number": "13"}, "Tháng phải"),
        ("/staff/reports", {"period": "quarter", "number": "5"}, "Quý phải"),
        ("/staff/reports", {"period": "year", "year": "abc"}, "Năm phải"),
        ("/staff/reports", {"unit": "KHONG-CO"}, "KHONG-CO"),
        ("/staff/reports", {"unit": "x" * 41}, "quá dài"),
        ("/staff/reports/items", {}, "con số"),
        ("/staff/reports/items", {"bucket": "total"}, "con số"),
        ("/staff/reports/items", {"bucket": "answered_late", "page": "0"}, "Số trang"),
        ("/staff/reports/items", {"bucket": "answered_late", "page": "x"}, "Số trang"),
        (
            "/staff/reports/items",
            {"bucket": "answered_late", "by": "category", "key": "khong-co"},
            "khong-co",
        ),
        ("/staff/reports/items", {"bucket": "answered_late", "by": "category"}, "Cần chọn lĩnh vực"),
        ("/staff/reports/items", {"bucket": "answered_late", "by": "channel", "key": "fax"}, "fax"),
        ("/staff/reports/items", {"bucket": "answered_late", "by": "commune", "key": "-1"}, "xã, phường"),
        ("/staff/reports/items", {"bucket": "answered_late", "by": "officer", "key": "12a"}, "cán bộ"),
        ("/staff/reports/items", {"bucket": "answered_late", "by": "weather", "key": "x"}, "cách nhóm"),
    ):
        page = await browser.get(path, params=params)
        assert page.status_code == 400, (params, page.status_code)
        assert "Yêu cầu không hợp lệ" in page.text and words.lower() in unescape(page.text).lower(), params
    # A date no page takes is refused at the edge (feedback/edge.py): the page again, with the reason.
    page = await browser.get("/staff/reports", params={"from": "1800-01-01", "to": "2026-10-31"})
    assert page.status_code == 400 and 'id="refusal"' in page.text


async def test_a_units_own_row_lists_its_own_items_and_officers_do_not_drill(
    database_clean, settings
) -> None:  # noqa: ANN001
    """The row of items a unit handled itself (beside its sub-units) links with own=1 and opens no
    sub-units; an officer's table has no drill-down links (the sub-units are not theirs to read)."""
    from feedback.directory.reference import reference
    from feedback.reports.figures import Figures
    from feedback.reports.periods import month
    from feedback.reports.summary import Key, Report, Row
    from feedback.web.report_query import Asked
    from feedback.web.report_view import table

    ref = await reference(settings)
    ward, city = ref.unit_by_code(fixture.WARD), ref.unit_by_code("HN")
    october = month(2026, 10)
    report = Report(october, "unit", city, rows=[
        Row(Key("HN", "UBND Thành phố (trực tiếp giải quyết)", 1, "HN"), Figures(received=1, answered_late=1)),
        Row(Key(ward.code, ward.name, 1, "HN"), Figures(received=2, open_overdue=2)),
    ], total=Figures(received=3, answered_late=1, open_overdue=2))  # fmt: skip
    asked = Asked(october, unit="HN")
    rows, total = table(report, asked, ref)
    own, sub = rows
    late = next(c for c in own.cells if c.key == "answered_late")
    assert (
        late.link == "/staff/reports/items?from=2026-10-01&to=2026-10-31&unit=HN&bucket=answered_late&own=1"
    )
    assert own.drill is None and sub.drill == f"/staff/reports?from=2026-10-01&to=2026-10-31&unit={ward.code}"
    overdue = next(c for c in sub.cells if c.key == "open_overdue")
    assert overdue.link.endswith(f"unit={ward.code}&bucket=open_overdue") and overdue.text == "2"
    assert next(c for c in total.cells if c.key == "on_time_rate").text == "0%"
    assert [r.drill for r in table(report, asked, ref, drill_down=False)[0]] == [None, None]


async def test_every_number_of_a_row_by_field_lists_its_items(browser, october) -> None:  # noqa: ANN001, F811
    """Rows by field (and channel, commune, officer) link their numbers to exactly their items: the
    items whose field, … at the end of October was the row's, within the unit shown."""
    await as_user(browser, "coordinator")
    codes, field = october.codes, fixture.CATEGORY[fixture.KT]
    by_field = (await browser.get("/staff/reports", params={"by": "category"})).text
    text, link = figure(by_field, field, "answered_late")
    assert (
        link
        == f"/staff/reports/items?from=2026-10-01&to=2026-10-31&by=category&key={field}&bucket=answered_late"
    )
    items = await browser.get(link)
    assert items.status_code == 200 and 'id="report-row">Lĩnh vực: ' in items.text
    assert listed(items.text) == {codes[n] for n in ("A4", "A7", "B11", "B12")} and text == "4"
    back = unescape(re.search(r'<a href="([^"]+)">← Về báo cáo', items.text).group(1))
    assert back == "/staff/reports?from=2026-10-01&to=2026-10-31&by=category"
    # Every other number of the row too, as many items as it says (extended and reopened count events).
    counted = ("carried_over", "received", "total", "answered_early", "answered_on_time",
               "refused", "merged", "open_in_time", "open_overdue", "transferred_twice")  # fmt: skip
    for name in counted:
        text, link = figure(by_field, field, name)
        if name == "total" or text == "0":
            assert link is None or name == "total", name
            continue
        assert link is not None, name
        assert len(listed((await browser.get(link)).text)) == int(text), name
    # Within a unit, by officer (a head's view): the officer's row lists the officer's items there.
    await as_user(browser, "kt_head")
    officer = october.users["kt_officer"]
    mine = (await browser.get("/staff/reports", params={"by": "officer"})).text
    text, link = figure(mine, "kt_officer@pakn.test", "received")
    assert link.endswith(f"&by=officer&unit={fixture.KT}&key={officer.id}&bucket=received")
    assert len(listed((await browser.get(link)).text)) == int(text) > 0
    # Every non-zero item number in the rows by channel and by commune is a link.
    await as_user(browser, "coordinator")
    for by in ("channel", "commune"):
        html = (await browser.get("/staff/reports", params={"by": by})).text
        cells = re.findall(r'<tr data-code="[^"]+" class="level-1">(.*?)</tr>', html, re.S)
        assert cells, by
        for cell in cells:
            for name, body in re.findall(r'data-figure="(answered_\w+|open_\w+|received)">(.*?)</td>', cell):
                assert (body != "0") == body.startswith("<a href="), (by, name, body)
