"""A conference's life (SPEC §6): created by an organiser, edited, and moved planning → collecting → held
→ published, one step forward at a time, with when it was announced and the channels its results were
published through (Điều 43 Luật Tổ chức chính quyền địa phương 2025). The only code that creates, edits
or moves a conference; each function is one transaction."""

from __future__ import annotations

from datetime import UTC

import msgspec
from tortoise.transactions import in_transaction

from feedback import clock
from feedback.accounts.models import StaffUser
from feedback.conferences import access, checks
from feedback.conferences.models import Conference, ConferencePublication, ConferenceStep, Question
from feedback.conferences.schemas import ConferenceIn, ConferencePatch, PublicationIn
from feedback.conferences.steps import _publish_steps, publish_deadline
from feedback.conferences.vocabulary import (
    CONFERENCE_STATUSES,
    NEXT_STATUS,
    PUBLICATION_CHANNELS,
    STATUS_NAMES,
    ConferenceStatus,
    QuestionStatus,
)
from feedback.directory.calendar import WorkCalendar
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
            announced_at=checks.announced_at(data.announced_at, now) if data.announced_at else None,
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
        if data.announced_at is not msgspec.UNSET:
            conference.announced_at = checks.announced_at(data.announced_at, clock.now())
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
        if status == ConferenceStatus.COLLECTING and conference.announced_at is None:
            conference.announced_at = now  # collecting opens: the conference is announced now
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


async def record_publication(
    user: StaffUser, conference_id: int, data: PublicationIn, settings: Settings
) -> Conference:
    """Record (or correct) one channel the results went out through, with its date (Điều 43: the
    media, posting at the unit's seat, sending to the heads of villages and residential groups)."""
    access.require_organiser(user)
    ref = await reference(settings)
    now = clock.now()
    calendar = ref.calendar
    async with in_transaction():
        conference = await access.run_by(user, conference_id, ref.units, lock=True)
        if conference.status not in (ConferenceStatus.HELD, ConferenceStatus.PUBLISHED):
            raise Conflict("Chỉ ghi nhận việc công khai kết quả sau khi hội nghị đã tổ chức")
        day = checks.publication_day(
            data.date, calendar.local_date(conference.starts_at), calendar.local_date(now)
        )
        await ConferencePublication.update_or_create(
            conference_id=conference.id,
            channel=data.channel,
            defaults={
                "published_on": day,
                "note": " ".join(data.note.split()),
                "recorded_by_id": user.id,
                "recorded_at": now,
            },
        )
        conference.updated_at = now
        await conference.save(update_fields=["updated_at"])
        return conference


async def publications(conference: Conference) -> list[ConferencePublication]:
    """The channels recorded, in the law's order."""
    rows = {p.channel: p for p in await ConferencePublication.filter(conference_id=conference.id)}
    return [rows[c] for c in PUBLICATION_CHANNELS if c in rows]


def warnings(
    conference: Conference, published: list[ConferencePublication], calendar: WorkCalendar
) -> list[str]:
    """What Điều 43 asks that is not met: announced fewer than 7 days ahead, a channel late or missing."""
    announced = calendar.local_date(conference.announced_at) if conference.announced_at else None
    late = checks.announcement_warning(announced, calendar.local_date(conference.starts_at))
    due = calendar.local_date(conference.publish_due_at) if conference.publish_due_at else None
    days = {p.channel: p.published_on for p in published}
    return ([late] if late else []) + checks.publication_warnings(conference.status, days, due)
