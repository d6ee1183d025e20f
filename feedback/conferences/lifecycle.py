"""A conference's life (SPEC §6): created by an organiser, edited, and moved planning → collecting → held
→ published, one step forward at a time. The only code that creates, edits or moves a conference; each
function is one transaction."""

from __future__ import annotations

from datetime import UTC

import msgspec
from tortoise.transactions import in_transaction

from feedback import clock
from feedback.accounts.models import StaffUser
from feedback.conferences import access, checks
from feedback.conferences.models import Conference, ConferenceStep, Question
from feedback.conferences.schemas import ConferenceIn, ConferencePatch
from feedback.conferences.steps import _publish_steps, publish_deadline
from feedback.conferences.vocabulary import (
    CONFERENCE_STATUSES,
    NEXT_STATUS,
    STATUS_NAMES,
    ConferenceStatus,
    QuestionStatus,
)
from feedback.directory.reference import reference
from feedback.errors import Conflict, DomainError
from feedback.settings import Settings

# How many open questions a refused publication lists by number.
LISTED_OPEN = 50


async def create_conference(user: StaffUser, data: ConferenceIn, settings: Settings) -> Conference:
    access.require_organiser(user)
    ref = await reference(settings)
    host = checks.host(ref, data.host_unit)
    access.require_host(user, host, ref.units)
    now = clock.now()
    async with in_transaction():
        return await Conference.create(
            host_unit_id=host,
            title=checks.title(data.title),
            starts_at=data.starts_at.astimezone(UTC),
            place=checks.place(data.place),
            categories=checks.categories(ref, data.categories),
            description=data.description.strip(),
            status=ConferenceStatus.PLANNING,
            created_by_id=user.id,
            created_at=now,
            updated_at=now,
        )


async def update_conference(
    user: StaffUser, conference_id: int, data: ConferencePatch, settings: Settings
) -> Conference:
    access.require_organiser(user)
    ref = await reference(settings)
    async with in_transaction():
        conference = await access.run_by(user, conference_id, ref.units, lock=True)
        if conference.status == ConferenceStatus.PUBLISHED:
            raise Conflict("Hội nghị đã công bố kết quả, không sửa được nữa")
        if data.host_unit is not msgspec.UNSET:
            host = checks.host(ref, data.host_unit)
            access.require_host(user, host, ref.units)
            conference.host_unit_id = host
        if data.title is not msgspec.UNSET:
            conference.title = checks.title(data.title)
        if data.starts_at is not msgspec.UNSET:
            if conference.status == ConferenceStatus.HELD:
                raise Conflict("Hội nghị đã tổ chức, không đổi được thời gian")
            conference.starts_at = data.starts_at.astimezone(UTC)
        if data.place is not msgspec.UNSET:
            conference.place = checks.place(data.place)
        if data.categories is not msgspec.UNSET:
            conference.categories = checks.categories(ref, data.categories)
        if data.description is not msgspec.UNSET:
            conference.description = data.description.strip()
        conference.updated_at = clock.now()
        await conference.save()
        return conference


async def move(user: StaffUser, conference_id: int, status: str, settings: Settings) -> Conference:
    """planning → collecting → held → published, one step forward at a time."""
    access.require_organiser(user)
    if status not in CONFERENCE_STATUSES:
        raise DomainError(f"Trạng thái '{status}' không hợp lệ", field="status")
    ref = await reference(settings)
    now = clock.now()
    async with in_transaction():
        conference = await access.run_by(user, conference_id, ref.units, lock=True)
        if NEXT_STATUS.get(conference.status) != status:
            raise Conflict(
                f"Không chuyển được hội nghị từ trạng thái '{STATUS_NAMES[conference.status]}'"
                f" sang '{STATUS_NAMES[status]}'"
            )
        if status == ConferenceStatus.HELD:
            conference.publish_due_at = publish_deadline(conference.starts_at, ref.calendar)
            await ConferenceStep.bulk_create(_publish_steps(conference, ref))
        elif status == ConferenceStatus.PUBLISHED:
            open_numbers = (
                await Question.filter(conference_id=conference.id, status=QuestionStatus.OPEN)
                .order_by("number")
                .values_list("number", flat=True)
            )
            if open_numbers:
                listed = ", ".join(str(n) for n in open_numbers[:LISTED_OPEN])
                more = "…" if len(open_numbers) > LISTED_OPEN else ""
                raise DomainError(
                    f"Chưa công bố được: còn {len(open_numbers)} câu hỏi chưa trả lời (số {listed}{more})",
                    field="status",
                )
            conference.published_at = now
            await ConferenceStep.filter(conference_id=conference.id, status="pending").update(
                status="cancelled", done_at=now
            )
        conference.status = status
        conference.updated_at = now
        await conference.save()
        return conference
