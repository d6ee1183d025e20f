"""The conference sweep: the step engine (feedback/deadlines/engine.py) over `conference_step`, with
the ladders of a question's answer and of the publication of the results (feedback/deadlines/ladder.py).

A question's step fires while the question is open, still with the step's unit, and the conference
takes answers (collecting or held); a publication step while the conference is held and unpublished.
Outbox keys are `cstep:<id>:<role>`, so each step mails each recipient at most once.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from tortoise.transactions import in_transaction

from feedback.deadlines.engine import StepTable, fire_due
from feedback.deadlines.ladder import PUBLICATION, QUESTION
from feedback.settings import Settings

CONFERENCE_STEPS = StepTable(
    table="conference_step",
    key_prefix="cstep",
    rungs=(*QUESTION, *PUBLICATION),
    columns="s.id, s.kind, s.conference_id, s.question_id, s.unit_id",
    outcome=(
        "CASE WHEN s.expires_at IS NOT NULL AND s.expires_at <= $1 THEN 'skipped'"
        " WHEN s.question_id IS NOT NULL AND EXISTS (SELECT 1 FROM question q JOIN conference c"
        " ON c.id = q.conference_id WHERE q.id = s.question_id AND q.status = 'open' AND q.unit_id = s.unit_id"
        " AND c.status IN ('collecting', 'held')) THEN 'done'"
        " WHEN s.question_id IS NULL AND EXISTS (SELECT 1 FROM conference c WHERE c.id = s.conference_id"
        " AND c.status = 'held') THEN 'done'"
        " ELSE 'cancelled' END"
    ),
    claim=None,
    # `u` is the step's unit: the question's, the host unit, or the coordinator office for an escalation.
    joins=(
        " JOIN conference c ON c.id = s.conference_id"
        " JOIN unit u ON u.id = s.unit_id JOIN unit h ON h.id = c.host_unit_id"
        " LEFT JOIN question q ON q.id = s.question_id"
    ),
    thread="'HNDT.' || CAST(c.id AS TEXT)",
    parties={
        "unit": ("u.email", "u.name", "u.name"),
        "head": ("u.head_email", "u.head_name", "u.name"),
        "coordinator": ("u.email", "u.name", "u.name"),
        "coordinator_head": ("u.head_email", "u.head_name", "u.name"),
    },
    contexts={
        "staff": {
            "conference_title": "c.title",
            "starts_at": "CAST(c.starts_at AS TEXT)",
            "place": "c.place",
            "unit_name": "u.name",
            "host_unit_name": "h.name",
            "number": "COALESCE(q.number, 0)",
            "text": "COALESCE(q.text, '')",
            "due_at": "CAST(COALESCE(q.due_at, c.publish_due_at) AS TEXT)",
            "staff_url": "CAST($3 AS TEXT) || '/staff/conferences/' || CAST(c.id AS TEXT)",
        }
    },
)


async def sweep_conferences(settings: Settings, *, now: datetime) -> int:
    """Fire the due conference steps; the number of steps fired."""
    async with in_transaction() as connection:
        report = await fire_due(
            CONFERENCE_STEPS, (now, uuid.uuid4().hex, settings.base_url), preview=False, connection=connection
        )
    return sum(report.fired.values())
