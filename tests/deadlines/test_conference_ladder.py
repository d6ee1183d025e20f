"""The conference ladders (feedback/deadlines/ladder.py) plan what the conference code plans, and the
unique key of a conference step makes a repeated step impossible."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from tortoise.exceptions import IntegrityError

from feedback.conferences import steps as planners
from feedback.conferences.models import Conference, ConferenceStep, Question
from feedback.deadlines.ladder import (
    PUBLICATION,
    PUBLISH_ESCALATE_AFTER,
    plan_publication_steps,
    plan_question_steps,
)
from feedback.directory.models import Unit
from tests.deadlines.test_ladder import CAL, end_of

REF = SimpleNamespace(calendar=CAL, coordinator_id=99)


def _rows(steps: list) -> list[tuple]:
    return [(s.kind, s.due_at, s.expires_at, s.unit_id) for s in steps]


@pytest.mark.parametrize(
    "starts_at", [datetime(2026, 11, 20, 1, tzinfo=UTC), datetime(2026, 12, 31, 8, tzinfo=UTC)]
)
async def test_publication_steps_agree(database_clean, starts_at: datetime) -> None:
    due = planners.publish_deadline(starts_at, CAL)
    conference = Conference(id=7, host_unit_id=5, publish_due_at=due)
    ours = [
        ConferenceStep(conference_id=7, unit_id=99 if s.about == "coordinator" else 5, kind=s.kind,
                       due_at=s.due_at, expires_at=s.expires_at)
        for s in plan_publication_steps(due, CAL)
    ]  # fmt: skip
    assert _rows(ours) == _rows(planners._publish_steps(conference, REF))
    assert PUBLICATION[-1].offset == PUBLISH_ESCALATE_AFTER


@pytest.mark.parametrize(
    ("due_at", "now"),
    [
        (end_of(2026, 12, 8), datetime(2026, 11, 23, 2, tzinfo=UTC)),  # reminder on Monday 7/12
        (end_of(2026, 12, 8), datetime(2026, 12, 7, 3, tzinfo=UTC)),  # too late for a reminder
        (end_of(2026, 9, 2), datetime(2026, 8, 20, 3, tzinfo=UTC)),  # due on a holiday (2/9)
    ],
)
async def test_question_steps_agree(database_clean, due_at: datetime, now: datetime) -> None:
    ours = [
        ConferenceStep(conference_id=7, question_id=3, unit_id=5, kind=s.kind, due_at=s.due_at,
                       expires_at=s.expires_at)
        for s in plan_question_steps(due_at, CAL, now)
    ]  # fmt: skip
    assert _rows(ours) == _rows(planners._question_steps(3, 7, 5, due_at, REF, now))


async def test_a_conference_step_is_unique_per_deadline(client) -> None:
    unit = await Unit.filter(kind="commune").first()
    now = datetime(2026, 11, 23, 2, tzinfo=UTC)
    conference = await Conference.create(
        host_unit_id=unit.id, title="Đối thoại", starts_at=now + timedelta(days=9), place="Hội trường",
        created_at=now, updated_at=now,
    )  # fmt: skip
    step = {"conference_id": conference.id, "unit_id": unit.id, "kind": "publish_overdue", "due_at": now}
    first = await ConferenceStep.create(**step)
    with pytest.raises(IntegrityError):
        await ConferenceStep.create(**step)
    # A cancelled step no longer holds its deadline: planning it again is allowed.
    await ConferenceStep.filter(id=first.id).update(status="cancelled")
    await ConferenceStep.create(**step)
    # Question steps, with their question, are another deadline.
    question = await Question.create(
        conference_id=conference.id, number=1, channel="floor", asker_name="Lê Văn Cường",
        text="Cống thoát nước bị tắc.", created_at=now, updated_at=now,
    )  # fmt: skip
    await ConferenceStep.create(**step, question_id=question.id)
