"""`/staff/reports` in Chromium (issue 11): a coordinator answers "which units were late last month, with
which items" in three clicks (the menu → a unit's overdue number → the item), on a desktop and on a
phone (no sideways scrolling of the page), and the pictures go to build/screenshots/."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx
from playwright.async_api import expect

from tests.helpers import citizen_body

PASSWORD = "mat-khau-bao-cao-2026"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
WARD = "P-09556"  # phường Hà Đông: the item goes to its economic office, which rolls up to the ward


def account(live_server, role: str, unit: str | None) -> str:  # noqa: ANN001
    email = f"{role}.{uuid.uuid4().hex[:6]}@baocao.vn"
    unit_args = ("--unit", unit) if unit else ()
    live_server.pakn("users", "create", "--email", email, "--role", role, *unit_args, "--password-stdin",
                     input=PASSWORD)  # fmt: skip
    return email


def last_month_end() -> datetime:
    """Noon three days before this month began (Hà Nội time), in last month whatever today is."""
    today = datetime.now(HANOI).date().replace(day=1)
    return datetime.combine(today - timedelta(days=3), time(12), HANOI)


async def last_months_items(live_server) -> tuple[str, str]:  # noqa: ANN001
    """Letters the desk entered with their receipt times: one received 60 days ago and never answered
    (open and overdue at the end of last month whatever today is: 10 working days are at most about
    3 weeks, even around Tết), and a few received late last month (open in time then), in two wards.
    Returns the overdue one's code and title."""
    desk = account(live_server, "desk", "P-09556-HCC")
    title = f"Báo cáo: cống thoát nước tắc {uuid.uuid4().hex[:4]}"
    old, recent = datetime.now(UTC) - timedelta(days=60), last_month_end()
    letters = [
        (title, "moi-truong", "09556", old),
        ("Đèn chiếu sáng ngõ 5 không sáng", "ha-tang-do-thi", "09556", recent),
        ("Xe tải đỗ chắn lối vào chợ", "giao-thong", "09556", recent),
        ("Chậm cấp bản sao trích lục khai sinh", "tu-phap-ho-tich", "09556", recent),
        ("Quán ăn lấn chiếm vỉa hè phố Hàng Bông", "trat-tu-do-thi", "00070", old),
        ("Cửa hàng bán thực phẩm không rõ nguồn gốc", "an-toan-thuc-pham", "00070", recent),
        ("Biển báo giao thông bị che khuất", "giao-thong", "00070", recent),
    ]
    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as api:
        login = await api.post("/api/v1/auth/login", json={"email": desk, "password": PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        codes = []
        for heading, category, commune, received in letters:
            body = citizen_body(title=heading, category=category, commune=commune, channel="postal",
                                received_at=received.isoformat())  # fmt: skip
            made = await api.post("/api/v1/staff/feedback", json=body, headers=headers)
            assert made.status_code == 201, made.text
            codes.append(made.json()["code"])
    return codes[0], title


async def log_in(page, email: str) -> None:  # noqa: ANN001
    await page.goto("/staff/login")
    await page.get_by_label("Thư điện tử").fill(email)
    await page.get_by_label("Mật khẩu").fill(PASSWORD)
    await page.get_by_role("button", name="Đăng nhập").click()
    await expect(page).to_have_url(re.compile(r"/staff$"))


async def test_late_units_and_their_items_in_three_clicks(
    page, page_log, browser, base_url, live_server, screenshots
) -> None:  # noqa: ANN001
    code, title = await last_months_items(live_server)
    coordinator = account(live_server, "coordinator", None)
    await log_in(page, coordinator)
    # 1: the menu. The page opens on last month, by unit, with the charts beside their tables.
    await page.get_by_role("link", name="Báo cáo", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Báo cáo kết quả")
    ward = page.locator(f'#report-table tr[data-code="{WARD}"]')
    overdue = ward.locator('td[data-figure="open_overdue"] a')
    await expect(overdue).to_be_visible()
    # The 12-month trend (twelve reports) is drawn on its own request once its section is in view.
    await page.locator("#chart-trend").scroll_into_view_if_needed()
    for chart in ("chart-rate", "chart-trend", "chart-fields", "chart-ratings"):
        await expect(page.locator(f"#{chart} svg[role=img]").first).to_be_visible()
        await expect(page.locator(f"#{chart} table.chart-table")).to_be_visible()
    await page.screenshot(path=screenshots / "staff_reports.png", full_page=True)
    # 2: the ward's number of items still open past their deadline at the end of last month.
    await overdue.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Đang giải quyết quá hạn")
    row = page.locator(f'#report-items tr[data-code="{code}"]')
    await expect(row).to_contain_text(title)
    await page.screenshot(path=screenshots / "staff_report_items.png", full_page=True)
    # 3: the item.
    await row.get_by_role("link", name=code).click()
    await expect(page).to_have_url(re.compile(rf"/staff/feedback/{re.escape(code)}$"))
    await expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    assert page_log.problems == []


async def test_the_report_fits_a_phone(page, page_log, live_server, screenshots) -> None:  # noqa: ANN001
    coordinator = account(live_server, "coordinator", None)
    await page.set_viewport_size({"width": 360, "height": 740})
    await log_in(page, coordinator)
    await page.goto("/staff/reports")
    await expect(page.locator("#report-table")).to_be_attached()
    sideways = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert sideways <= 0, f"the page scrolls {sideways}px sideways on a phone"
    # The table scrolls inside its own box; the charts scale to the screen.
    rights = await page.locator("svg.chart").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().right)"
    )
    assert rights and max(rights) <= 360
    await page.locator("#chart-rate").scroll_into_view_if_needed()
    await page.screenshot(path=screenshots / "staff_reports_phone.png")
    # Printed (A4), the page keeps the table and the charts and drops the menu and the forms.
    await page.emulate_media(media="print")
    assert not await page.locator("header.site").is_visible()
    assert not await page.locator("section.picker").is_visible()
    assert (
        await page.locator("#report-table").is_visible()
        and await page.locator("svg.chart").first.is_visible()
    )
    assert page_log.problems == []
