"""The maps in a real browser, against pakn started with PAKN_MAP_TILES pointing at a tile server the test
runs (`map_server`, `tile_server` in conftest.py):

the filing form shows tiles from that server; Enter on the focused map pins its centre, "use my location"
moves the pin, a click places it, and the hidden latitude/longitude carry it into the filed item; once
the item is answered, the public map shows its marker (rounded), whose popup links to its page, where a
small map shows it again. No Content-Security-Policy violation or failed request on the way.
"""

from __future__ import annotations

import re
import sqlite3
import uuid

import httpx
import pytest_asyncio
from playwright.async_api import expect

from tests.browser.conftest import open_page

PASSWORD = "mat-khau-ban-do-2026"
HERE = {"latitude": 21.012345, "longitude": 105.812345}  # what the browser's geolocation answers


@pytest_asyncio.fixture
async def map_page(browser, map_server, page_log):  # noqa: ANN001, ANN201
    async with open_page(
        browser, map_server.url, page_log, geolocation=HERE, permissions=["geolocation"]
    ) as tab:
        yield tab


async def _coordinates(page) -> tuple[float, float]:  # noqa: ANN001
    latitude = await page.locator("#latitude").input_value()
    longitude = await page.locator("#longitude").input_value()
    return float(latitude), float(longitude)


async def _stored_place(server, code: str) -> tuple[float, float]:  # noqa: ANN001
    """The filed item's latitude and longitude, read from pakn's database."""
    query = "SELECT latitude, longitude FROM feedback_item WHERE code = $1"
    if server.database_url.startswith("sqlite://"):
        with sqlite3.connect(server.database_url.removeprefix("sqlite://")) as connection:
            return connection.execute(query.replace("$1", "?"), (code,)).fetchone()
    import asyncpg

    connection = await asyncpg.connect(server.database_url)
    try:
        return tuple(await connection.fetchrow(query, code))
    finally:
        await connection.close()


async def _publish(server, code: str, run: str) -> None:  # noqa: ANN001
    """A head of the ward's office answers the item, which the citizen agreed to publish."""
    email = f"truongphong.{run}@bando.vn"
    server.pakn("users", "create", "--email", email, "--role", "head", "--unit", "P-09556-KT",
                "--password-stdin", input=PASSWORD)  # fmt: skip
    async with httpx.AsyncClient(base_url=server.url) as api:
        login = await api.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        answered = await api.post(
            f"/api/v1/staff/feedback/{code}/answer",
            json={"answer": "Phường đã cho thu gom rác tại điểm Ông/Bà phản ánh."},
            headers=headers,
        )
        assert answered.status_code == 200, answered.text


async def test_pin_on_the_form_then_the_published_marker(
    map_page, map_server, tile_server, page_log, screenshots
) -> None:  # noqa: ANN001, PLR0915
    page, run = map_page, uuid.uuid4().hex[:6]
    title = f"Rác thải ùn ứ ở bãi đất trống ({run})"

    # The form's map shows tiles, from the operator's tile server.
    await page.goto("/feedback/new")
    map_box = page.locator("#place-map")
    await expect(map_box).to_be_visible()
    await expect(page.locator("#place-map .leaflet-tile-loaded").first).to_be_visible()
    assert any(path.startswith("/12/") for path in tile_server.requests), tile_server.requests
    await expect(page.locator("#place-map .leaflet-control-attribution")).to_contain_text(
        "© Bản đồ thử nghiệm"
    )
    await expect(page.locator("#place-map .leaflet-marker-icon")).to_have_count(0)

    # Keyboard: focus the map, move it with an arrow key, Enter pins its centre (east of Hà Nội's).
    await map_box.focus()
    await page.keyboard.press("ArrowRight")
    await page.wait_for_timeout(500)  # Leaflet pans in a quarter of a second
    await page.keyboard.press("Enter")
    await expect(page.locator("#place-map .leaflet-marker-icon")).to_have_count(1)
    latitude, longitude = await _coordinates(page)
    assert abs(latitude - 21.0285) < 0.001 and 105.8542 < longitude < 105.95, (latitude, longitude)
    await expect(page.locator("#locate-status")).to_have_text("Đã ghi nhận vị trí trên bản đồ.")

    # "Use my location" moves the pin (and the map) to where the browser is.
    await page.get_by_role("button", name="Dùng vị trí hiện tại của tôi").click()
    await expect(page.locator("#latitude")).to_have_value("21.012345")
    assert await _coordinates(page) == (HERE["latitude"], HERE["longitude"])

    # A click on the map places the pin there: up and to the right of the centre is north-east.
    box = await map_box.bounding_box()
    await map_box.click(position={"x": box["width"] / 2 + 120, "y": box["height"] / 2 - 60})
    await expect(page.locator("#latitude")).not_to_have_value("21.012345")
    latitude, longitude = await _coordinates(page)
    assert HERE["latitude"] < latitude < HERE["latitude"] + 0.01, latitude
    assert HERE["longitude"] < longitude < HERE["longitude"] + 0.01, longitude
    await expect(page.locator("#place-map .leaflet-marker-icon")).to_have_count(1)

    # The rest of the form, then the picture of it with the pin, and filing.
    await page.locator("#title").fill(title)
    await page.locator("#content").fill("Rác thải sinh hoạt đổ trộm trên bãi đất trống, bốc mùi hôi thối.")
    await page.locator("#category").select_option("moi-truong")
    await page.locator("#commune-search").fill("ha dong")
    await expect(page.locator("#commune option", has_text="Hà Đông").first).to_be_attached()
    await page.wait_for_load_state("networkidle")
    await page.locator("#commune").select_option("09556")
    await page.locator("#name").fill("Trần Thị Bình")
    await page.locator("#email").fill(f"binh.{run}@example.vn")
    await page.locator("#citizen_address").fill("Số 7 ngõ 7 Quang Trung, phường Hà Đông")
    await page.locator("#publish").check()
    await map_box.scroll_into_view_if_needed()
    await page.screenshot(path=screenshots / "feedback_new_map.png", full_page=True)
    await page.get_by_role("button", name="Gửi phản ánh").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Đã gửi phản ánh")
    code = (await page.locator(".code").inner_text()).strip()
    assert re.fullmatch(r"PAKN\.\d{8}\.\d{4}", code)
    assert await _stored_place(map_server, code) == (latitude, longitude)

    # Answered and published: the public map shows its marker, rounded to about 100 m.
    await _publish(map_server, code, run)
    await page.goto(f"/public?q={run}")
    public_map = page.locator("#public-map")
    await expect(public_map).to_have_attribute("data-markers", "1")
    marker = public_map.locator(f'.leaflet-marker-icon[title="{title}"]')
    await expect(marker).to_be_visible()
    await expect(public_map.locator(".leaflet-tile-loaded").first).to_be_visible()
    await page.wait_for_timeout(500)  # the zoom to the marker ends
    await page.screenshot(path=screenshots / "public_map.png", full_page=True)
    await marker.click()
    popup = public_map.locator(".leaflet-popup-content")
    await expect(popup).to_contain_text(code)
    await expect(popup).to_contain_text("Đã trả lời")
    await popup.get_by_role("link", name=title).click()
    await expect(page).to_have_url(re.compile(re.escape(f"/public/{code}") + "$"))
    item_map = page.locator("#item-map")
    await expect(item_map).to_have_attribute("data-lat", str(round(latitude, 3)))
    await expect(item_map.locator(".leaflet-marker-icon")).to_be_visible()
    await expect(item_map.locator(".leaflet-tile-loaded").first).to_be_visible()

    # Everything came from pakn or the tile server, within the Content-Security-Policy. (Tiles that a
    # moving map no longer needs are cancelled by Leaflet: "aborted", and no problem.)
    tiles = tile_server.template.split("{z}")[0]
    cancelled = [
        p for p in page_log.failed_requests if p.startswith(tiles) and p.endswith("net::ERR_ABORTED")
    ]
    assert [p for p in page_log.problems if p not in cancelled] == []
