"""The web foundation: the layout, the language switch, the assets pakn serves itself."""

from __future__ import annotations


async def test_home_in_vietnamese_then_english(client) -> None:  # noqa: ANN001
    page = await client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<html lang="vi">' in page.text and "Gửi phản ánh" in page.text
    english = await client.get("/", params={"lang": "en"})
    assert '<html lang="en">' in english.text and "File feedback" in english.text
    assert english.cookies.get("pakn_lang") == "en"
    again = await client.get("/")  # the choice is remembered
    assert '<html lang="en">' in again.text


async def test_assets_are_local(client) -> None:  # noqa: ANN001
    page = (await client.get("/")).text
    assert "http://" not in page.replace('xmlns="http://', "") and "https://" not in page
    htmx = await client.get("/static/vendor/htmx-2.0.11.min.js")
    assert htmx.status_code == 200 and "htmx" in htmx.text[:500]


async def test_staff_pages_send_the_browser_to_login(client) -> None:  # noqa: ANN001
    response = await client.get("/staff", follow_redirects=False)
    assert response.status_code in (303, 404)
