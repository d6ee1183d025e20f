"""The pages on a phone-sized screen, and with the keyboard alone."""

from __future__ import annotations

import re
import uuid

import pytest

PASSWORD = "mat-khau-trinh-duyet-2026"


@pytest.mark.parametrize("path", ["/", "/feedback/new", "/track", "/public", "/staff/login"])
async def test_no_sideways_scrolling_on_a_phone(browser, base_url, path: str) -> None:  # noqa: ANN001
    context = await browser.new_context(
        base_url=base_url, locale="vi-VN", viewport={"width": 360, "height": 740}
    )
    page = await context.new_page()
    try:
        response = await page.goto(path)
        assert response is not None and response.status == 200
        overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than a 360px screen"
    finally:
        await context.close()


async def test_the_filing_form_works_from_the_keyboard(page) -> None:  # noqa: ANN001
    await page.goto("/feedback/new")
    await page.keyboard.press("Tab")  # the first stop skips the menu
    assert await page.evaluate("document.activeElement.className") == "skip"
    await page.keyboard.press("Enter")
    await page.keyboard.press("Tab")
    # Every field has a label: the focused control is named by it.
    focused = await page.evaluate(
        "(() => { const e = document.activeElement; return e.labels && e.labels.length ? e.labels[0].innerText : e.tagName })()"
    )
    assert "Tiêu đề" in focused


# Every control a finger must hit, and the navigation links: at least 44 × 44 CSS px (WCAG 2.2, 2.5.5).
_TOO_SMALL = """(() => {
  const small = [];
  for (const e of document.querySelectorAll(
      'header.site nav a, header.site nav button, button, select, input:not([type=hidden]), label.check')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;  // not shown
    if (e.matches('input[type=radio], input[type=checkbox]')) continue;  // its label.check is the target
    if (r.height < 44 || r.width < 44) small.push(`${e.tagName} ${e.name || e.textContent.trim()}: ${Math.round(r.width)}×${Math.round(r.height)}`);
  }
  return small;
})()"""


@pytest.mark.parametrize("path", ["/", "/feedback/new", "/track", "/staff/login"])
async def test_tap_targets_are_big_enough_on_a_phone(browser, base_url, path: str) -> None:  # noqa: ANN001
    context = await browser.new_context(
        base_url=base_url, locale="vi-VN", viewport={"width": 390, "height": 844}
    )
    page = await context.new_page()
    try:
        await page.goto(path)
        assert await page.evaluate(_TOO_SMALL) == []
    finally:
        await context.close()


async def test_a_long_unbroken_word_does_not_widen_the_staff_pages(browser, base_url, live_server) -> None:  # noqa: ANN001
    """A pasted URL or code without spaces wraps on the item page and the demo mail page."""
    context = await browser.new_context(
        base_url=base_url, locale="vi-VN", viewport={"width": 390, "height": 844}
    )
    page = await context.new_page()
    try:
        await page.goto("/feedback/new")
        await page.fill("#title", "Phản ánh " + "x" * 150)
        await page.fill("#content", "https://example.vn/" + "a" * 400)
        await page.fill("#name", "Nguyễn Văn An")
        await page.fill("#phone", "0912345678")
        for selector, value in (("#citizen_address", "Số 1 phố Quang Trung"),):
            if await page.query_selector(selector):
                await page.fill(selector, value)
        await page.click("button[type=submit]")
        await page.wait_for_load_state()
        overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the confirmation is {overflow}px too wide"
        code = re.search(r"PAKN\.\d{8}\.\d{4}", await page.content()).group(0)
        email = f"dieuphoi.{uuid.uuid4().hex[:6]}@e2e.vn"
        live_server.pakn("users", "create", "--email", email, "--role", "coordinator", "--password-stdin",
                         input=PASSWORD)  # fmt: skip
        await page.goto("/staff/login")
        await page.get_by_label("Thư điện tử").fill(email)
        await page.get_by_label("Mật khẩu").fill(PASSWORD)
        await page.get_by_role("button", name="Đăng nhập").click()
        await page.wait_for_load_state()
        for path in (f"/staff/feedback/{code}", "/demo/mail"):
            response = await page.goto(path)
            if path == "/demo/mail" and response is not None and response.status == 404:
                continue  # /demo/mail exists only in demo mode
            assert response is not None and response.status == 200, path
            overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} is {overflow}px too wide"
    finally:
        await context.close()


async def test_tracking_by_code_and_phone_on_a_phone(browser, base_url, screenshots) -> None:  # noqa: ANN001
    """A citizen who lost the link finds the item with the code and the phone number, on a 390 px screen."""
    context = await browser.new_context(
        base_url=base_url, locale="vi-VN", viewport={"width": 390, "height": 844}
    )
    page = await context.new_page()
    try:
        await page.goto("/feedback/new")
        await page.fill("#title", "Đèn đường hỏng ở ngõ 7")
        await page.fill(
            "#content", "Cả dãy đèn đường ngõ 7 không sáng từ tuần trước, đi lại ban đêm nguy hiểm."
        )
        await page.fill("#name", "Trần Thị Bình")
        await page.fill("#phone", "0987 654 321")
        await page.fill("#citizen_address", "Số 7 ngõ 7 Quang Trung, phường Hà Đông")
        await page.click("button[type=submit]")
        await page.wait_for_load_state()
        code = re.search(r"PAKN\.\d{8}\.\d{4}", await page.content()).group(0)
        await page.goto("/track")
        await page.fill("#contact-code", code)
        await page.fill("#contact", "0987654321")
        await page.screenshot(path=str(screenshots / "track-by-phone.png"), full_page=True)
        await page.locator("form[action='/track/contact'] button[type=submit]").click()
        await page.wait_for_load_state()
        assert code in await page.content() and "Đèn đường hỏng ở ngõ 7" in await page.content()
        overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
    finally:
        await context.close()


async def test_a_long_paste_is_counted_and_its_cut_is_said(page) -> None:  # noqa: ANN001
    """The browser cuts pasted text at the field's limit without a word: the form says so."""
    await page.goto("/feedback/new")
    counter = page.locator("#content-count")
    assert "0/10.000" in await counter.inner_text()
    await page.fill("#content", "Rác thải ùn ứ.")
    assert "14/10.000 ký tự" in await counter.inner_text()
    await page.evaluate(
        """() => { const t = document.getElementById('content'); t.value = ''; t.focus();
                   const data = new DataTransfer(); data.setData('text/plain', 'a'.repeat(10050));
                   t.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
                   t.value = 'a'.repeat(10000); t.dispatchEvent(new Event('input', {bubbles: true})); }"""
    )
    await page.wait_for_timeout(50)
    text = await counter.inner_text()
    assert "10.000/10.000" in text and "phần cuối đã bị cắt" in text
