"""The whole story in a real browser (Debian's Chromium), against pakn running for real:

a citizen files with an attachment and tracks it; an officer logs in and transfers it; an officer of the
other unit answers; the citizen sees the answer and rates it. Screenshots of each page go to
build/screenshots/ (`make screenshots` refreshes the README's copies in docs/screenshots/).
"""

from __future__ import annotations

import re
import uuid

from playwright.async_api import expect

from tests.attachments import files

PASSWORD = "mat-khau-trinh-duyet-2026"


def create_officer(live_server, email: str, unit: str) -> None:  # noqa: ANN001
    live_server.pakn(
        "users",
        "create",
        "--email",
        email,
        "--role",
        "officer",
        "--unit",
        unit,
        "--password-stdin",
        input=PASSWORD,
    )


async def log_in(page, email: str) -> None:  # noqa: ANN001
    await page.goto("/staff/login")
    await page.get_by_label("Thư điện tử").fill(email)
    await page.get_by_label("Mật khẩu").fill(PASSWORD)
    await page.get_by_role("button", name="Đăng nhập").click()
    await expect(page).to_have_url(re.compile(r"/staff$"))


async def test_file_transfer_answer_and_rate(
    browser, base_url, live_server, page, page_log, screenshots
) -> None:  # noqa: ANN001, PLR0915
    run = uuid.uuid4().hex[:6]
    citizen_email = f"dan.{run}@example.vn"
    hadong, hoankiem = f"canbo.hd.{run}@e2e.vn", f"canbo.hk.{run}@e2e.vn"
    create_officer(live_server, hadong, "P-09556-KT")
    create_officer(live_server, hoankiem, "P-00070-KT")

    # 1. The citizen files, with a photo, using only the form.
    await page.goto("/feedback/new")
    await page.locator("#title").fill(f"Rác thải ùn ứ ở đầu ngõ 12 ({run})")
    await page.locator("#content").fill(
        "Rác thải sinh hoạt không được thu gom ba ngày nay, bốc mùi hôi thối."
    )
    await page.locator("#category").select_option("moi-truong")
    await page.locator("#commune-search").fill("ha dong")
    await expect(page.locator("#commune option", has_text="Hà Đông").first).to_be_attached()
    await page.wait_for_load_state("networkidle")
    await page.locator("#commune").select_option("09556")
    await page.locator("#address").fill("Ngõ 12 Quang Trung")
    await page.locator("#files").set_input_files(
        files=[{"name": "ảnh hiện trường.png", "mimeType": "image/png", "buffer": files.png(8, 8)}]
    )
    await page.locator("#name").fill("Nguyễn Văn An")
    await page.locator("#phone").fill("0912 345 678")
    await page.locator("#email").fill(citizen_email)
    await page.locator("#citizen_address").fill("Số 8 ngõ 12 Quang Trung, Hà Đông")
    await page.locator("#publish").check()
    await page.screenshot(path=screenshots / "feedback_new.png", full_page=True)
    await page.get_by_role("button", name="Gửi phản ánh").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Đã gửi phản ánh")
    code = (await page.locator(".code").inner_text()).strip()
    assert re.fullmatch(r"PAKN\.\d{8}\.\d{4}", code)
    await page.screenshot(path=screenshots / "feedback_created.png", full_page=True)

    # 2. The citizen tracks it with the secret link.
    track_link = await page.locator("a.track-link").get_attribute("href")
    assert track_link and "token=" in track_link
    await page.goto(track_link)
    await expect(page.locator("main")).to_contain_text("Mới tiếp nhận")
    await expect(page.locator("#attachments")).to_contain_text("ảnh hiện trường.png")
    await page.screenshot(path=screenshots / "track.png", full_page=True)

    # 3. An officer of Hà Đông logs in, finds it in the inbox and transfers it to Hoàn Kiếm.
    staff_context = await browser.new_context(
        base_url=base_url, locale="vi-VN", viewport={"width": 1280, "height": 900}
    )
    staff = await staff_context.new_page()
    await log_in(staff, hadong)
    await expect(staff.locator("main")).to_contain_text(code)
    await staff.screenshot(path=screenshots / "staff_inbox.png", full_page=True)
    await staff.get_by_role("link", name=re.compile(re.escape(code))).first.click()
    await expect(staff.get_by_role("heading", level=1)).to_contain_text(code)
    await staff.locator("#action-transfer summary").click()
    await staff.locator("#transfer-unit").fill("P-00070-KT")
    await staff.locator("#transfer-reason").fill("Địa điểm thuộc địa bàn phường Hoàn Kiếm.")
    await staff.screenshot(path=screenshots / "staff_item.png", full_page=True)
    await staff.locator("#action-transfer").get_by_role("button", name="Chuyển").click()
    await expect(staff).to_have_url(re.compile(r"/staff\?moved="))
    await staff.get_by_role("button", name="Đăng xuất").click()
    await expect(staff).to_have_url(re.compile(r"/$"))

    # 4. An officer of Hoàn Kiếm answers it.
    await log_in(staff, hoankiem)
    await staff.get_by_role("link", name=re.compile(re.escape(code))).first.click()
    await staff.locator("#action-answer summary").click()
    answer = "Phường Hoàn Kiếm đã bố trí xe thu gom rác tại ngõ 12 vào sáng thứ Ba hằng tuần."
    await staff.locator("#answer-answer").fill(answer)
    await staff.locator("#action-answer").get_by_role("button", name="Gửi trả lời").click()
    await expect(staff.locator("main")).to_contain_text("Đã trả lời")
    await staff_context.close()

    # 5. The citizen sees the answer and rates it.
    await page.goto(track_link)
    await expect(page.locator("#answer")).to_contain_text(answer)
    await page.screenshot(path=screenshots / "track_answered.png", full_page=True)
    await page.locator("#rating-5").check()
    await page.locator("#comment").fill("Cảm ơn phường đã xử lý nhanh.")
    await page.get_by_role("button", name="Gửi đánh giá").click()
    await expect(page.locator("main")).to_contain_text("Đã đóng")

    # The citizen's mail arrived through the real SMTP catcher: acknowledgement, transfer, answer.
    mails = await live_server.wait_for_mail(citizen_email, count=3, within=30)
    subjects = " | ".join(str(m["Subject"]) for m in mails)
    assert code in subjects and "chuyển" in subjects.lower() and "Kết quả" in subjects
    # htmx cancels a commune search made stale by the next keystroke: Chromium logs it as ERR_ABORTED.
    assert [p for p in page_log.problems if not p.endswith("net::ERR_ABORTED")] == []
