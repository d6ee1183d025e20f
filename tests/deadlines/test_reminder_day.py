"""SPEC §4 and §6: the reminder comes on the working day before the deadline's last day, so that the
unit can still act on it: an extension asked that day is accepted (the extension rule agrees), and the
conference ladders remind on the same day."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest

from feedback.casework import rules
from feedback.deadlines.ladder import (
    plan_cooperation_steps,
    plan_publication_steps,
    plan_question_steps,
    plan_steps,
)
from feedback.deadlines.sweep import sweep
from feedback.errors import DomainError
from notifications.models import OutboxMessage
from tests.deadlines.test_ladder import CAL, at, end_of
from tests.deadlines.test_sweep import at as hanoi
from tests.helpers import citizen_body, login, staff_headers

HADONG = "P-09556-KT"


@pytest.mark.parametrize(
    ("due", "reminder_day"),
    [
        (end_of(2026, 12, 7), date(2026, 12, 4)),  # Monday: the Friday before
        (end_of(2026, 2, 23), date(2026, 2, 13)),  # after Tết: the last working day before it
        (end_of(2025, 4, 28), date(2025, 4, 26)),  # the swapped working Saturday
    ],
)
def test_every_ladder_reminds_on_the_working_day_before_the_last_day(
    due: datetime, reminder_day: date
) -> None:
    expected = at(reminder_day.year, reminder_day.month, reminder_day.day, 8).astimezone(UTC)
    long_before = datetime(2020, 1, 1, tzinfo=UTC)
    reminders = {
        "item": plan_steps(due, CAL)[0],
        "cooperation": plan_cooperation_steps(due, CAL)[0],
        "question": plan_question_steps(due, CAL, long_before)[0],
        "publication": plan_publication_steps(due, CAL)[0],
    }
    assert {name: step.due_at for name, step in reminders.items()} == dict.fromkeys(reminders, expected)
    assert all(step.kind.endswith("reminder") for step in reminders.values())
    # The extension rule agrees: asked on the reminder's day it is in time, on the last day too late.
    new_day = CAL.shift_working_days(CAL.local_date(due), 3)
    for now, accepted in ((expected, True), (at(due.year, due.month, due.day, 8), False)):
        try:
            rules.check_extension(
                now=now, due_at=due, new_day=new_day, extensions=0, answer_days=10, calendar=CAL
            )
        except DomainError:
            assert not accepted, now
        else:
            assert accepted, now


async def test_on_the_reminder_day_the_reminder_arrives_and_an_extension_is_accepted(
    client, frozen_clock, settings
) -> None:
    frozen_clock.set(hanoi(2026, 11, 23))
    created = (await client.post("/api/v1/feedback", json=citizen_body())).json()
    assert created["due_at"].startswith("2026-12-07T16:59")  # the end of Monday 7/12
    await staff_headers(client, "lanhdao@hadong.vn", "head", HADONG)

    assert (await sweep(settings, now=hanoi(2026, 12, 3, 17))).fired == {}
    reminder_day = hanoi(2026, 12, 4, 8)  # Friday 4/12, start of office hours
    frozen_clock.set(reminder_day)
    assert (await sweep(settings, now=reminder_day)).fired == {"reminder": 1}
    [reminder] = await OutboxMessage.filter(kind="reminder", key__endswith=":unit")
    assert reminder.thread == created["code"]

    frozen_clock.set(hanoi(2026, 12, 4, 15))  # later that day, prompted by the reminder
    head = await login(client, "lanhdao@hadong.vn")
    response = await client.post(
        f"/api/v1/staff/feedback/{created['code']}/extend",
        json={"due_date": "2026-12-14", "reason": "Cần xác minh thực địa với các hộ dân liên quan."},
        headers=head,
    )
    assert response.status_code == 200, response.text
    assert response.json()["due_at"].startswith("2026-12-14T16:59")
    # The old deadline's steps never fire; the new deadline's reminder comes on Friday 11/12.
    await sweep(settings, now=hanoi(2026, 12, 8, 9))
    assert Counter(m.kind for m in await OutboxMessage.filter(key__startswith="step:")) == Counter(
        {"reminder": 1}
    )
    assert (await sweep(settings, now=hanoi(2026, 12, 11, 8))).fired == {"reminder": 1}
