"""The OpenAPI browser under /schema: Swagger UI from pakn's own static files, nothing from other hosts."""

from __future__ import annotations

import re

from feedback.security.http import SCHEMA_CSP

SWAGGER = "/static/vendor/swagger-ui"


def _references(html: str) -> list[str]:
    return re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", html)


async def test_the_schema_pages_load_only_local_assets(client) -> None:  # noqa: ANN001
    for path in ("/schema", "/schema/swagger"):
        page = await client.get(path)
        assert page.status_code == 200, path
        assert page.headers["content-type"].startswith("text/html")
        assert page.headers["content-security-policy"] == SCHEMA_CSP
        html = page.text
        assert "SwaggerUIBundle(" in html
        # No host anywhere in the page (scripts, styles, favicon, fonts): only pakn's own paths.
        assert re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]", html, re.IGNORECASE) is None, path
        assert "googleapis" not in html and "jsdelivr" not in html and "unpkg" not in html
        references = _references(html)
        assert {f"{SWAGGER}/swagger-ui-bundle.js", f"{SWAGGER}/swagger-ui.css"} <= set(references)
        for url in references:
            assert url.startswith("/") or url.startswith("data:"), url


async def test_the_swagger_assets_are_served(client) -> None:  # noqa: ANN001
    html = (await client.get("/schema")).text
    assets = [url for url in _references(html) if url.startswith("/")]
    assert len(assets) == 3  # the bundle, the standalone preset and the stylesheet
    for url in assets:
        response = await client.get(url)
        assert response.status_code == 200, url
        assert len(response.content) > 10_000, url
        kind = "text/css" if url.endswith(".css") else "javascript"
        assert kind in response.headers["content-type"], (url, response.headers["content-type"])
    # Swagger UI's license goes with it.
    license_text = await client.get(f"{SWAGGER}/LICENSE.txt")
    assert license_text.status_code == 200 and "Apache License" in license_text.text


async def test_the_openapi_document_still_works(client) -> None:  # noqa: ANN001
    document = await client.get("/schema/openapi.json")
    assert document.status_code == 200
    assert document.json()["info"]["title"] == "pakn"
    assert "/api/v1/feedback" in document.json()["paths"]
