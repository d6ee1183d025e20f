"""The citizen's form and the organiser's first login in Chromium (issue 13): a refused file keeps what
was typed, an empty form shows every problem at once, a reload after filing files nothing again, and an
organiser lands on the conferences."""

from __future__ import annotations

import re
import uuid

from playwright.async_api import expect

PASSWORD = "mat-khau-trinh-duyet-2026"


async def _fill(page) -> None:  # noqa: ANN001
    await page.locator("#title").fill("Cống thoát nước bị tắc ở ngõ 3")
    await page.locator("#content").fill(
        "Cống thoát nước đầu ngõ 3 Quang Trung bị tắc, nước tràn lên mặt đường."
    )
    await page.locator("#name").fill("Phạm Văn Hùng")
    await page.locator("#phone").fill("0903 111 222")
    await page.locator("#citizen_address").fill("Số 3 ngõ 3 Quang Trung, phường Hà Đông")


async def test_a_refused_file_keeps_the_form_and_an_empty_form_shows_every_problem(page, screenshots) -> None:  # noqa: ANN001
    await page.goto("/feedback/new")
    await page.get_by_role("button", name="Gửi phản ánh").click()
    summary = page.locator("#errors")
    await expect(summary).to_be_visible()
    for field in ("title", "content", "name", "citizen_address"):
        await expect(page.locator(f"#{field}-error")).to_be_visible()
    await page.screenshot(path=screenshots / "feedback_new_errors.png", full_page=True)

    await _fill(page)
    await page.locator("#files").set_input_files(
        files=[
            {"name": "chuong-trinh.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90\x00 nope"}
        ]
    )
    await page.get_by_role("button", name="Gửi phản ánh").click()
    await expect(page.locator("#files-error")).to_contain_text("chuong-trinh.exe")
    await expect(page.locator("#files-again")).to_contain_text("chọn lại tệp")
    await expect(page.locator("#title")).to_have_value("Cống thoát nước bị tắc ở ngõ 3")
    await expect(page.locator("#name")).to_have_value("Phạm Văn Hùng")
    await expect(page.locator("#citizen_address")).to_have_value("Số 3 ngõ 3 Quang Trung, phường Hà Đông")


async def test_a_reload_after_filing_files_nothing_again(page) -> None:  # noqa: ANN001
    await page.goto("/feedback/new")
    await _fill(page)
    await page.get_by_role("button", name="Gửi phản ánh").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Đã gửi phản ánh")
    assert re.search(r"/feedback/sent/PAKN\.\d{8}\.\d{4}\?token=", page.url)
    code = (await page.locator(".code").inner_text()).strip()
    await page.reload()
    # A GET page: the reload shows the same item and posts nothing (no "resend the form?" either).
    await expect(page.locator(".code")).to_have_text(code)
    assert re.search(rf"/feedback/sent/{re.escape(code)}\?token=", page.url)


async def test_an_organiser_lands_on_the_conferences(browser, base_url, live_server) -> None:  # noqa: ANN001
    email = f"tochuc.{uuid.uuid4().hex[:6]}@e2e.vn"
    live_server.pakn("users", "create", "--email", email, "--role", "organiser", "--unit", "P-09556",
                     "--password-stdin", input=PASSWORD)  # fmt: skip
    context = await browser.new_context(base_url=base_url, locale="vi-VN")
    page = await context.new_page()
    try:
        await page.goto("/staff/login")
        await page.get_by_label("Thư điện tử").fill(email)
        await page.get_by_label("Mật khẩu").fill(PASSWORD)
        await page.get_by_role("button", name="Đăng nhập").click()
        await expect(page).to_have_url(re.compile(r"/conferences/manage$"))
        await expect(page.locator("main")).to_contain_text("Tạo hội nghị")
    finally:
        await context.close()
