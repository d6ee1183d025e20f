"""Operations endpoints and the OpenAPI document."""

from __future__ import annotations

from feedback import db


async def test_health_checks_the_database(client) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["database"] == "ok"


async def test_openapi_document_lists_the_api(client) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/feedback",
        "/api/v1/feedback/{code}",
        "/api/v1/staff/feedback",
        "/api/v1/auth/login",
        "/api/v1/staff/feedback/{code}/answer",
        "/api/v1/communes",
        "/health",
    ):
        assert path in paths, path


async def test_login_refuses_wrong_password(client) -> None:
    from tests.helpers import staff_headers

    await staff_headers(client, "canbo@test.vn", "officer", "P-09556-KT")
    wrong = await client.post(
        "/api/v1/auth/login", json={"email": "canbo@test.vn", "password": "sai-mat-khau"}
    )
    assert wrong.status_code == 401
    unknown = await client.post(
        "/api/v1/auth/login", json={"email": "ai@test.vn", "password": "sai-mat-khau"}
    )
    assert unknown.status_code == 401 and unknown.json()["detail"] == wrong.json()["detail"]
    expired = await client.get("/api/v1/staff/feedback", headers={"Authorization": "Bearer not-a-token"})
    assert expired.status_code == 401
    assert db.conn() is not None


async def test_pages_use_the_stylesheet_pakn_serves_itself(client) -> None:  # noqa: ANN001
    """The policy forbids inline styles and there is no CDN on an intranet: CSS comes from /static."""
    from tests.helpers import citizen_body

    css = await client.get("/static/pakn.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    created = (await client.post("/api/v1/feedback", json=citizen_body())).json()
    page = await client.get(f"/track/{created['code']}", params={"token": created["token"]})
    assert "<style" not in page.text and 'href="/static/pakn.css"' in page.text
    assert "style-src 'self'" in page.headers["content-security-policy"]
