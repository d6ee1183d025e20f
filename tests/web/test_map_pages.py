"""The maps (PAKN_MAP_TILES): the setting, the Content-Security-Policy it opens, the pages with and
without it, and the public map's GeoJSON, which carries positions (rounded) and nothing personal.

What the maps do in a browser (tiles shown, a click placing the pin, the published marker) is
tests/browser/test_map_browser.py."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from html import unescape
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from feedback.items.models import FeedbackItem
from feedback.security.http import PAGE_CSP
from feedback.settings import Settings, SettingsError
from feedback.web.i18n import EN
from tests.publication.support import answer, file, head_of

TILES = "https://tile.bando.hanoi.vn/{z}/{x}/{y}.png"
ATTRIBUTION = "© Sở Xây dựng Hà Nội <b>bản đồ</b>"
LEAFLET = "/static/vendor/leaflet-1.9.4/leaflet.js"
TEMPLATES = Path(__file__).resolve().parents[2] / "feedback" / "web" / "templates"

Connect = Callable[..., httpx.AsyncClient]


@pytest_asyncio.fixture
async def connect(database_clean, settings, frozen_clock) -> AsyncIterator[Connect]:  # noqa: ANN001
    """`connect(**setting_overrides)`: an HTTP client for a fresh app with those settings."""
    from feedback.app import create_app

    async with AsyncExitStack() as stack:

        def open_client(**overrides: Any) -> httpx.AsyncClient:
            app = create_app(dataclasses.replace(settings, **overrides), init_db=False, background=False)
            client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
            stack.push_async_callback(client.aclose)
            return client

        yield open_client


# --- the setting -------------------------------------------------------------------------------------


def _parse(tiles: str, **more: str) -> Settings:
    return Settings.from_env({"PAKN_MAP_TILES": tiles, **more}, env_file=None)


@pytest.mark.parametrize(
    ("tiles", "origin"),
    [
        ("", ""),
        ("   ", ""),
        (TILES, "https://tile.bando.hanoi.vn"),
        ("http://127.0.0.1:8088/{z}/{x}/{y}.png", "http://127.0.0.1:8088"),
        ("https://{s}.Tile.Example.vn/tiles/{z}/{x}/{y}{r}.png?key=abc", "https://*.tile.example.vn"),
    ],
)
def test_the_tile_setting_and_its_origin(tiles: str, origin: str) -> None:
    settings = _parse(tiles)
    assert settings.map_tiles == tiles.strip()
    assert settings.map_tile_origin == origin


@pytest.mark.parametrize(
    ("tiles", "message"),
    [
        ("tile.example.vn/{z}/{x}/{y}.png", "must be an http:// or https:// URL"),
        ("ftp://tile.example.vn/{z}/{x}/{y}.png", "must be an http:// or https:// URL"),
        ("https://tile.example.vn", "must be an http:// or https:// URL"),
        ("https://user@tile.example.vn/{z}/{x}/{y}.png", "must be an http:// or https:// URL"),
        ("https://tile.example.vn/{z}/{x}/{y}.png; script-src *", "must be an http:// or https:// URL"),
        ("https://tile.example.vn/{z}/{x}.png", "must contain {z}, {x} and {y}"),
        ("https://tile.example.vn/{z}/{x}/{y}/{layer}.png", "not {layer}"),
    ],
)
def test_a_malformed_tile_setting_stops_the_start(tiles: str, message: str) -> None:
    with pytest.raises(SettingsError, match="PAKN_MAP_TILES") as refused:
        _parse(tiles)
    assert message in str(refused.value)


def test_the_attribution_is_one_line_of_limited_length() -> None:
    settings = _parse(TILES, PAKN_MAP_ATTRIBUTION="  © Bản đồ\n Hà Nội ")
    assert settings.map_attribution == "© Bản đồ Hà Nội"
    with pytest.raises(SettingsError, match="PAKN_MAP_ATTRIBUTION"):
        _parse(TILES, PAKN_MAP_ATTRIBUTION="x" * 301)


# --- the Content-Security-Policy and the pages ---------------------------------------------------------


async def _published_with_place(client: httpx.AsyncClient, **overrides: Any) -> str:
    filed = await file(client, publish=True, **overrides)
    headers = await head_of(client, "P-09556-KT", "Đỗ Quang Vinh", f"vinh.{filed['code'][-4:]}@hadong.vn")
    await answer(client, filed["code"], "Phường đã thu gom rác tại ngõ 12.", headers)
    return filed["code"]


async def test_without_tiles_the_pages_are_as_before(connect) -> None:  # noqa: ANN001
    client = connect()
    code = await _published_with_place(client, latitude=20.9712345, longitude=105.7765432)
    for path in ("/feedback/new", "/public", f"/public/{code}", "/"):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-security-policy"] == PAGE_CSP
        assert "leaflet" not in response.text.lower() and "data-map" not in response.text, path
        assert "pakn-map.js" not in response.text


async def test_with_tiles_the_pages_may_load_tiles_from_that_origin_only(connect) -> None:  # noqa: ANN001
    client = connect(map_tiles=TILES, map_attribution=ATTRIBUTION)
    for path in ("/feedback/new", "/public", "/health", "/khong-co-trang-nay"):
        csp = (await client.get(path)).headers["content-security-policy"]
        assert "img-src 'self' data: https://tile.bando.hanoi.vn;" in csp
        # Everything else as strict as without a map.
        assert csp.replace(" https://tile.bando.hanoi.vn", "") == PAGE_CSP
    schema = await client.get("/schema/swagger")
    assert "tile.bando.hanoi.vn" not in schema.headers["content-security-policy"]


async def test_the_form_shows_a_map_and_keeps_the_pin_after_an_error(connect) -> None:  # noqa: ANN001
    client = connect(map_tiles=TILES, map_attribution=ATTRIBUTION)
    form = await client.get("/feedback/new")
    assert f'<script src="{LEAFLET}" defer></script>' in form.text
    assert '<script src="/static/pakn-map.js" defer></script>' in form.text
    assert 'href="/static/vendor/leaflet-1.9.4/leaflet.css"' in form.text
    tag = re.search(r"<div id=\"place-map\"[^>]*>", form.text).group(0)
    assert f'data-tiles="{TILES}"' in tag and 'data-map="pick"' in tag
    # The attribution is text: escaped here, and pakn-map.js hands it to Leaflet as text.
    assert "&lt;b&gt;bản đồ&lt;/b&gt;" in tag and "<b>" not in tag
    assert re.search(r'<div class="js-map-box" hidden>', form.text)  # shown by the script only

    # A refusal (the title is too short) shows the form again with the pin where it was.
    fields = {"title": "ab", "content": "Rác thải ùn ứ ba ngày nay ở đầu ngõ.", "name": "Nguyễn Văn An",
              "phone": "0912345678", "citizen_address": "Số 5 ngõ 12 Quang Trung", "latitude": "20.971234", "longitude": "105.776543", "severity": "normal"}  # fmt: skip
    refused = await client.post("/feedback/new", files={k: (None, v) for k, v in fields.items()})
    assert refused.status_code == 422
    assert 'id="latitude" name="latitude" value="20.971234"' in refused.text
    assert 'id="longitude" name="longitude" value="105.776543"' in refused.text
    assert 'id="place-map"' in refused.text

    fields["title"] = "Rác thải ùn ứ ở đầu ngõ 12"
    filed = await client.post("/feedback/new", files={k: (None, v) for k, v in fields.items()})
    assert filed.status_code in (201, 303), filed.text
    item = await FeedbackItem.get(title=fields["title"])
    assert (item.latitude, item.longitude) == (20.971234, 105.776543)


async def test_the_public_pages_show_published_places_rounded(connect) -> None:  # noqa: ANN001
    client = connect(map_tiles=TILES)
    code = await _published_with_place(client, latitude=20.9712345, longitude=105.7765432)
    without = await _published_with_place(client, title="Đèn đường hỏng ở ngõ 5")

    listing = await client.get("/public", params={"category": "moi-truong", "q": "rac"})
    tag = re.search(r'<div id="public-map"[^>]*>', listing.text).group(0)
    assert 'data-source="/api/v1/public/feedback.geojson?q=rac&amp;category=moi-truong"' in tag
    statuses = json.loads(unescape(re.search(r"data-statuses='([^']*)'", tag).group(1)))
    assert statuses == {"answered": "Đã trả lời", "closed": "Đã đóng"}
    english = await client.get("/public", params={"lang": "en"})
    assert "Answered" in unescape(re.search(r"data-statuses='([^']*)'", english.text).group(1))

    item = await client.get(f"/public/{code}")
    tag = re.search(r'<div id="item-map"[^>]*>', item.text).group(0)
    assert 'data-lat="20.971" data-lon="105.777"' in tag
    assert "20.9712" not in item.text and "105.7765" not in item.text
    # An item without a place has no map and loads no map script.
    plain = await client.get(f"/public/{without}")
    assert "data-map" not in plain.text and LEAFLET not in plain.text
    # The public API says the same, rounded.
    api = (await client.get(f"/api/v1/public/feedback/{code}")).json()
    assert (api["latitude"], api["longitude"]) == (20.971, 105.777)
    assert (await client.get(f"/api/v1/public/feedback/{without}")).json()["latitude"] is None


async def test_the_geojson_has_published_places_and_nothing_personal(client) -> None:  # noqa: ANN001
    place = {"latitude": 21.0301234, "longitude": 105.8509876}
    title = "Rác thải trước nhà Nguyễn Văn An, gọi 0912 345 678"
    published = await _published_with_place(client, title=title, **place)
    await _published_with_place(client, title="Cống tắc ở ngõ 7")  # no place: not on the map
    private = await file(client, **place)  # no consent: never public
    unanswered = await file(client, publish=True, **place)  # not answered yet

    response = await client.get("/api/v1/public/feedback.geojson")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/geo+json")
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in data["features"]] == [published]
    feature = data["features"][0]
    assert feature == {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [105.851, 21.03]},
        "properties": {
            "code": published,
            "title": "Rác thải trước nhà N.V.A., gọi [số điện thoại đã ẩn]",
            "status": "answered",
            "url": f"/public/{published}",
        },
    }
    for secret in ("Nguyễn", "0912", "an@example.vn", "Quang Trung", "21.0301", "105.8509", private["code"]):
        assert secret not in response.text
    assert unanswered["code"] not in response.text

    # The list's filters apply; a search matches the redacted text only.
    assert (
        len(
            (await client.get("/api/v1/public/feedback.geojson", params={"q": "rac thai"})).json()["features"]
        )
        == 1
    )
    for query in ({"q": "Nguyen Van An"}, {"q": "0912"}, {"commune": "00070"}, {"q": "cong tac"}):
        found = await client.get("/api/v1/public/feedback.geojson", params=query)
        assert found.json()["features"] == [], query
    by_code = await client.get("/api/v1/public/feedback.geojson", params={"q": published.lower()})
    assert [f["properties"]["code"] for f in by_code.json()["features"]] == [published]
    for bad in ({"limit": "0"}, {"limit": "1001"}, {"q": "x" * 201}):
        assert (await client.get("/api/v1/public/feedback.geojson", params=bad)).status_code == 400, bad


def test_every_string_of_the_citizen_pages_is_translated() -> None:
    """The filing form, the published pages and the layout (the map's words included) read in English."""
    for name in ("base", "feedback_new", "public_list", "public_item", "_map_assets", "reports_list",
                 "report_month", "_report_body", "report_not_found"):  # fmt: skip
        text = (TEMPLATES / f"{name}.html").read_text(encoding="utf-8")
        strings = [a or b for a, b in re.findall(r"_\(\s*\"([^\"]+)\"\s*\)|_\(\s*'([^']+)'\s*\)", text)]
        missing = [s for s in strings if s not in EN]
        assert missing == [], name
