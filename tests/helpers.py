"""Small helpers shared by the API tests."""

from __future__ import annotations

from typing import Any

import httpx

from feedback.accounts.services import create_user
from feedback.deadlines.models import DeadlineStep
from feedback.intake.models import Event, FeedbackItem
from notifications.models import OutboxMessage

PASSWORD = "mat-khau-thu-nghiem"


def citizen_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Rác thải ùn ứ tại ngõ 12",
        "content": "Rác thải sinh hoạt không được thu gom ba ngày nay, bốc mùi hôi thối.",
        "category": "moi-truong",
        "commune": "09556",
        "address": "Ngõ 12 Quang Trung, Hà Đông",
        "citizen": {"name": "Nguyễn Văn An", "phone": "0912 345 678", "email": "an@example.vn"},
    }
    body.update(overrides)
    return body


async def staff_headers(client: httpx.AsyncClient, email: str, role: str, unit: str | None) -> dict[str, str]:
    await create_user(email=email, role=role, unit_code=unit, password=PASSWORD, name=email.split("@")[0])
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def counts() -> dict[str, int]:
    return {
        "items": await FeedbackItem.all().count(),
        "events": await Event.all().count(),
        "steps": await DeadlineStep.all().count(),
        "outbox": await OutboxMessage.all().count(),
    }
