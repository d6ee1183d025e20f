"""Small helpers shared by the API tests."""

from __future__ import annotations

from typing import Any

import httpx

from feedback import clock, db
from feedback.accounts.services import create_user
from feedback.deadlines.models import DeadlineStep
from feedback.directory.models import Unit
from feedback.documents.mail import documents
from feedback.items.models import Event, FeedbackItem
from notifications.delivery import deliver_pending
from notifications.models import OutboxMessage

PASSWORD = "mat-khau-thu-nghiem"


def citizen_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Rác thải ùn ứ tại ngõ 12",
        "content": "Rác thải sinh hoạt không được thu gom ba ngày nay, bốc mùi hôi thối.",
        "category": "moi-truong",
        "commune": "09556",
        "address": "Ngõ 12 Quang Trung, Hà Đông",
        "citizen": {
            "name": "Nguyễn Văn An",
            "phone": "0912 345 678",
            "email": "an@example.vn",
            "address": "Số 8 ngõ 12 Quang Trung, Hà Đông",
        },
    }
    body.update(overrides)
    return body


async def staff_headers(client: httpx.AsyncClient, email: str, role: str, unit: str | None) -> dict[str, str]:
    await create_user(email=email, role=role, unit_code=unit, password=PASSWORD, name=email.split("@")[0])
    return await login(client, email)


async def login(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    """Log in again (a session lasts 12 hours; tests that move the clock by days need a new one)."""
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


async def deliver_all(settings) -> int:  # noqa: ANN001
    """Deliver everything the outbox holds to the test SMTP server; the number sent."""
    sent = 0
    renderers = documents(settings)  # the apology's Mẫu 04 PDF, rendered at delivery
    while batch := (
        await deliver_pending(settings.smtp, now=clock.now(), tz=settings.tz, documents=renderers)
    ).sent:
        sent += batch
    return sent


async def unit_addresses(code: str) -> tuple[str, str]:
    """A unit's mailbox and its head's."""
    unit = await Unit.get(code=code)
    return unit.email, unit.head_email


def body_text(message) -> str:  # noqa: ANN001
    return message.get_body(preferencelist=("plain",)).get_content()


# Tables that tests fill; reference tables (units, communes, categories, rules, policies) are seeded
# once per session and tests add rows to them only through the `reference_rows` fixture.
CASE_TABLES = [
    "published_report",
    "conference_step",
    "question",
    "conference",
    "attachment",
    "file_blob",
    "cooperation",
    "outbox_message",
    "deadline_step",
    "event",
    "feedback_item",
    "daily_counter",
    "staff_session",
    "staff_user",
    "calendar_exception",
    "store_entry",
    "api_key",
]


async def clean_case_tables() -> None:
    """Empty every case table (reference rows stay): what each test starts from."""
    connection = db.conn()
    if db.is_postgres():
        await connection.execute_script(f"TRUNCATE {', '.join(CASE_TABLES)} RESTART IDENTITY CASCADE")
    else:
        for table in CASE_TABLES:
            await connection.execute_script(f"DELETE FROM {table}")
