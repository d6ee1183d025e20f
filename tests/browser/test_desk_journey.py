"""The one-stop desk's journey in Chromium (issue 13): a desk officer logs in, lands on the intake page,
enters a postal letter with its real receipt time, and prints the receipt (read back as a PDF)."""

from __future__ import annotations

import asyncio
import io
import re
import shutil
import subprocess
import uuid

from playwright.async_api import expect
from pypdf import PdfReader

PASSWORD = "mat-khau-trinh-duyet-2026"


async def test_the_desk_enters_a_letter_and_prints_the_receipt(
    browser, base_url, live_server, screenshots
) -> None:  # noqa: ANN001
    email = f"motcua.{uuid.uuid4().hex[:6]}@e2e.vn"
    live_server.pakn("users", "create", "--email", email, "--role", "desk", "--unit", "P-09556-HCC",
                     "--password-stdin", input=PASSWORD)  # fmt: skip
    context = await browser.new_context(
        base_url=base_url, locale="vi-VN", viewport={"width": 1280, "height": 900}
    )
    page = await context.new_page()
    try:
        await page.goto("/staff/login")
        await page.get_by_label("Thư điện tử").fill(email)
        await page.get_by_label("Mật khẩu").fill(PASSWORD)
        await page.get_by_role("button", name="Đăng nhập").click()
        await expect(page).to_have_url(re.compile(r"/staff/intake$"))  # the desk lands on its own work
        await page.locator("#channel").select_option("postal")
        await page.locator("#received_at").fill("2026-11-20T09:30")
        await page.locator("#title").fill("Đơn phản ánh về lấn chiếm vỉa hè")
        await page.locator("#content").fill(
            "Hộ kinh doanh số 15 phố Quang Trung lấn chiếm toàn bộ vỉa hè làm nơi để xe."
        )
        await page.locator("#category").select_option("giao-thong")
        await page.locator("#name").fill("Lê Thị Hoa")
        await page.locator("#citizen_address").fill("Số 3 ngõ 9 Quang Trung, phường Hà Đông")
        await page.screenshot(path=screenshots / "staff_intake.png", full_page=True)
        await page.get_by_role("button", name="Lưu và in phiếu tiếp nhận").click()
        saved = page.locator("#saved")
        await expect(saved).to_contain_text("Đã lưu phản ánh PAKN.20261120.")
        code = re.search(r"PAKN\.\d{8}\.\d{4}", await saved.inner_text()).group(0)
        link = page.get_by_role("link", name="In phiếu tiếp nhận")
        assert await link.get_attribute("href") == f"/staff/feedback/{code}/receipt.pdf"
        response = await context.request.get(f"/staff/feedback/{code}/receipt.pdf")
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        pdf = await response.body()
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
        assert "PHIẾU TIẾP NHẬN PHẢN ÁNH, KIẾN NGHỊ" in text and f"Mã số phản ánh, kiến nghị: {code}" in text
        assert (
            "Thời điểm tiếp nhận: 09 giờ 30, ngày 20/11/2026" in text
            and "Kính gửi: Ông/Bà Lê Thị Hoa" in text
        )
        if shutil.which("pdftoppm"):  # a picture of the receipt for the README, where poppler is installed
            (screenshots / "receipt.pdf").write_bytes(pdf)
            args = ["pdftoppm", "-png", "-r", "60", "-singlefile", str(screenshots / "receipt.pdf"),
                    str(screenshots / "receipt")]  # fmt: skip
            await asyncio.to_thread(subprocess.run, args, check=True)
            (screenshots / "receipt.pdf").unlink()
    finally:
        await context.close()
