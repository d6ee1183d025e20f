"""Filing and answering items through the HTTP API, for the publication tests."""

from __future__ import annotations

from typing import Any

import httpx

from feedback.accounts.services import create_user
from tests.helpers import PASSWORD, citizen_body


async def head_of(client: httpx.AsyncClient, unit: str, name: str, email: str) -> dict[str, str]:
    """A unit head with a real name (heads answer without an approval step)."""
    await create_user(email=email, role="head", unit_code=unit, password=PASSWORD, name=name)
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def file(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/feedback", json=citizen_body(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


async def answer(client: httpx.AsyncClient, code: str, text: str, headers: dict[str, str]) -> None:
    response = await client.post(
        f"/api/v1/staff/feedback/{code}/answer", json={"answer": text}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "answered"
