"""The pages on a phone-sized screen, and with the keyboard alone."""

from __future__ import annotations

import pytest


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
