"""The deadline steps of a conference (SPEC §6): when a question is due and when the results must be
published, and the reminders and escalations planned for each. Pure functions of the calendar: the
rungs are the one planner's (feedback/deadlines/ladder.py); the services save the steps they return.

- a question is due at the end of the working day before the conference (a question entered when
  that day has passed — on the floor — is due 3 working days after it is entered); its steps are a
  reminder at the start of office hours one working day before its due day and an overdue notice at
  the deadline;
- the results must be published within "10 ngày" of the conference: 10 *calendar* days, the day of
  the conference not counted, ending at the end of the 10th day; if that day is not a working day
  the deadline moves to the end of the next working day (Civil Code Art. 148). Steps: a reminder
  one working day before, an overdue notice at the deadline (host unit and its head), an escalation
  to the coordinator office 2 working days late.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from feedback.conferences.models import Conference, ConferenceStep
from feedback.deadlines.ladder import plan_publication_steps, plan_question_steps
from feedback.directory.calendar import WorkCalendar
from feedback.directory.reference import Reference

PUBLISH_WITHIN_DAYS = 10  # calendar days after the conference
FLOOR_DUE_WORKING_DAYS = 3


def publish_deadline(starts_at: datetime, calendar: WorkCalendar) -> datetime:
    """End of the 10th calendar day after the conference, moved to the next working day if it is off."""
    last = calendar.local_date(starts_at) + timedelta(days=PUBLISH_WITHIN_DAYS)
    if not calendar.is_working_day(last):
        last = calendar.shift_working_days(last, 1)
    return calendar.end_of_day(last)


def _publish_steps(conference: Conference, ref: Reference) -> list[ConferenceStep]:
    """The publication ladder of the one planner (deadlines.ladder.PUBLICATION)."""
    due = conference.publish_due_at
    assert due is not None
    host = conference.host_unit_id
    return [
        ConferenceStep(
            conference_id=conference.id,
            unit_id=ref.coordinator_id if step.about == "coordinator" else host,
            kind=step.kind,
            due_at=step.due_at,
            expires_at=step.expires_at,
        )
        for step in plan_publication_steps(due, ref.calendar)
    ]


def default_due(conference: Conference, ref: Reference, now: datetime) -> datetime:
    calendar = ref.calendar
    due = calendar.end_of_day(calendar.shift_working_days(calendar.local_date(conference.starts_at), -1))
    if due <= now:
        due = calendar.end_of_day(
            calendar.shift_working_days(calendar.local_date(now), FLOOR_DUE_WORKING_DAYS)
        )
    return due


def _question_steps(
    question_id: int, conference_id: int, unit_id: int, due_at: datetime, ref: Reference, now: datetime
) -> list[ConferenceStep]:
    """The question ladder of the one planner (deadlines.ladder.QUESTION)."""
    return [
        ConferenceStep(
            conference_id=conference_id,
            question_id=question_id,
            unit_id=unit_id,
            kind=step.kind,
            due_at=step.due_at,
            expires_at=step.expires_at,
        )
        for step in plan_question_steps(due_at, ref.calendar, now)
    ]
