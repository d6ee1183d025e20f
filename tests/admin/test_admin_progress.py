"""A coordinator edits a policy's progress period (`progress_days`); items filed afterwards follow it."""

from __future__ import annotations

from datetime import UTC, datetime

from feedback.deadlines.models import DeadlineStep
from feedback.deadlines.sweep import sweep
from notifications.models import OutboxMessage
from tests.helpers import citizen_body

API = "/api/v1/admin"


async def progress_kinds(code: str) -> list[str]:
    rows = await DeadlineStep.filter(item__code=code, kind__startswith="progress_").order_by("due_at")
    return [s.kind for s in rows]


async def test_an_edited_progress_period_applies_to_new_items(client, coordinator, settings) -> None:  # noqa: ANN001
    policies = (await client.get(f"{API}/policies", headers=coordinator)).json()
    complex_ = next(p for p in policies if p["category"] is None and p["severity"] == "complex")
    assert complex_["progress_days"] == 7
    before = (await client.post("/api/v1/feedback", json=citizen_body(severity="complex"))).json()
    assert await progress_kinds(before["code"]) == ["progress_1", "progress_2"]

    # Every 3 working days instead of 7: filed Monday 23/11, the first checkpoint ends Thursday 26/11.
    patched = await client.patch(
        f"{API}/policies/{complex_['id']}", json={"progress_days": 3}, headers=coordinator
    )
    assert patched.status_code == 200 and patched.json()["progress_days"] == 3, patched.text
    after = (await client.post("/api/v1/feedback", json=citizen_body(severity="complex"))).json()
    assert await progress_kinds(after["code"]) == [f"progress_{k}" for k in range(1, 7)]  # 3, 6, …, 18
    assert await progress_kinds(before["code"]) == ["progress_1", "progress_2"]  # planned as it was

    report = await sweep(settings, now=datetime(2026, 11, 27, 1, 0, tzinfo=UTC))  # Friday 08:00
    assert report.fired == {"progress": 1}
    [message] = await OutboxMessage.filter(kind="progress_reminder")
    assert message.thread == after["code"]

    # No period: new items have no checkpoints.
    cleared = await client.patch(
        f"{API}/policies/{complex_['id']}", json={"progress_days": None}, headers=coordinator
    )
    assert cleared.status_code == 200 and cleared.json()["progress_days"] is None, cleared.text
    none = (await client.post("/api/v1/feedback", json=citizen_body(severity="complex"))).json()
    assert await progress_kinds(none["code"]) == []
