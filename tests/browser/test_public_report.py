"""The monthly public report in Chromium: a coordinator publishes last month from the menu's page; a
citizen on a phone opens it from the home page and downloads its XLSX (read back)."""

from __future__ import annotations

import io
import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from playwright.async_api import expect

PASSWORD = "mat-khau-trinh-duyet-2026"


async def test_a_coordinator_publishes_and_a_citizen_reads_it(
    browser, base_url, live_server, screenshots
) -> None:  # noqa: ANN001
    email = f"vanphong.{uuid.uuid4().hex[:6]}@e2e.vn"
    live_server.pakn("users", "create", "--email", email, "--role", "coordinator", "--password-stdin",
                     input=PASSWORD)  # fmt: skip
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()  # the live server's real clock
    last_day = today.replace(day=1) - timedelta(days=1)
    month = last_day.strftime("%Y-%m")
    label = f"tháng {month[5:]}/{month[:4]}"
    staff = await browser.new_context(
        base_url=base_url, locale="vi-VN", viewport={"width": 1280, "height": 900}
    )
    await _letters_of_last_month(live_server, staff, last_day)
    page = await staff.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        await page.goto("/staff/login")
        await page.get_by_label("Thư điện tử").fill(email)
        await page.get_by_label("Mật khẩu").fill(PASSWORD)
        await page.get_by_role("button", name="Đăng nhập").click()
        await page.get_by_role("link", name="Công bố báo cáo").click()
        await expect(page).to_have_url(re.compile(r"/staff/public-reports$"))
        await expect(page.locator("#month")).to_have_value(month)  # last month, ready to publish
        await page.get_by_role("button", name="Công bố").click()
        await expect(page.locator("#published-done")).to_contain_text(f"Đã công bố báo cáo {label}")
        await page.screenshot(path=screenshots / "staff_public_reports.png", full_page=True)
        await page.goto(f"/reports/{month}")
        await expect(page.locator("#chart-units-title")).to_have_count(1)
        await page.screenshot(path=screenshots / "public_report.png", full_page=True)
    finally:
        await staff.close()

    phone = await browser.new_context(
        base_url=base_url, locale="vi-VN", viewport={"width": 390, "height": 844}
    )
    citizen = await phone.new_page()
    citizen.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        await citizen.goto("/")
        await citizen.get_by_role("link", name="Báo cáo công khai hằng tháng").click()
        await expect(citizen).to_have_url(re.compile(r"/reports$"))
        await citizen.get_by_role("link", name=f"Báo cáo {label}").click()
        await expect(citizen.get_by_role("heading", level=1)).to_contain_text(label)
        for section in (
            "Toàn thành phố",
            "Tỷ lệ đúng hạn của từng đơn vị",
            "Theo lĩnh vực",
            "Công khai xin lỗi",
        ):
            await expect(citizen.get_by_role("heading", name=section)).to_be_visible()
        await expect(citizen.locator("#units")).to_contain_text("Sở Giáo dục và Đào tạo")
        await citizen.screenshot(path=screenshots / "public_report_phone.png", full_page=True)
        href = await citizen.get_by_role("link", name="theo đơn vị (XLSX)").get_attribute("href")
        response = await phone.request.get(href)
        assert response.status == 200
        sheet = load_workbook(io.BytesIO(await response.body())).active
        assert sheet["A1"].value == "BÁO CÁO KẾT QUẢ TIẾP NHẬN, GIẢI QUYẾT PHẢN ÁNH, KIẾN NGHỊ"
        assert errors == []
    finally:
        await phone.close()


# Letters entered at the desk last month (the desk gives their real receipt time): each ward's and
# field's unit has items, some still open past their deadline at the month's end, so the page has figures.
LETTERS = [
    ("00004", "moi-truong", 2),
    ("00070", "giao-thong", 3),
    ("09556", "trat-tu-do-thi", 20),
    ("00008", "y-te", 24),
]


async def _letters_of_last_month(live_server, context, last_day) -> None:  # noqa: ANN001
    desk = f"motcua.{uuid.uuid4().hex[:6]}@e2e.vn"
    live_server.pakn("users", "create", "--email", desk, "--role", "desk", "--unit", "TT-HCC", "--password-stdin",
                     input=PASSWORD)  # fmt: skip
    login = await context.request.post("/api/v1/auth/login", data={"email": desk, "password": PASSWORD})
    assert login.status == 200, await login.text()
    headers = {"Authorization": f"Bearer {(await login.json())['token']}"}
    for n, (commune, category, day) in enumerate(LETTERS * 3):
        received = datetime(
            last_day.year,
            last_day.month,
            min(day + n // 4, last_day.day),
            9,
            tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"),
        )
        body = {
            "title": f"Thư phản ánh số {n + 1}",
            "content": "Đề nghị cơ quan có thẩm quyền xem xét, giải quyết kiến nghị của người dân.",
            "category": category,
            "commune": commune,
            "channel": "postal",
            "received_at": received.isoformat(),
            "citizen": {"name": "Trần Thị Bình", "address": "Số 3 phố Hàng Bông, Hoàn Kiếm"},
        }
        made = await context.request.post("/api/v1/staff/feedback", data=body, headers=headers)
        assert made.status == 201, await made.text()
