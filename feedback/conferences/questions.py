"""A conference's questions (SPEC §6): asked online, on the floor or imported from a file, assigned to a
unit, answered. The only code that changes questions; each function is one transaction. Who may do what
is asked of `conferences.access`; when a question falls due, of `conferences.steps`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from tortoise.transactions import in_transaction

from feedback import clock
from feedback.accounts.models import StaffUser
from feedback.conferences import access, checks
from feedback.conferences.models import Conference, ConferenceStep, Question
from feedback.conferences.question_file import read_questions
from feedback.conferences.schemas import QuestionAnswerIn, QuestionIn
from feedback.conferences.steps import _question_steps, default_due
from feedback.conferences.vocabulary import (
    ANSWERING_STATUSES,
    AnswerMode,
    ConferenceStatus,
    QuestionChannel,
    QuestionStatus,
)
from feedback.directory.reference import Reference, reference
from feedback.errors import Conflict, DomainError, Forbidden, NotFound
from feedback.settings import Settings
from notifications.outbox import NewMessage, new_message, queue

# The questions one assignment e-mail lists.
MAILED_QUESTIONS = 200


def _assigned_mail(
    conference: Conference, unit_id: int, questions: Sequence[Question], ref: Reference, settings: Settings,
    key: str, now: datetime,
) -> list[NewMessage]:  # fmt: skip
    unit = ref.units.get(unit_id)
    if unit is None or not unit.email:
        return []
    host = ref.units.get(conference.host_unit_id)
    context = {
        "conference_title": conference.title,
        "starts_at": conference.starts_at,
        "place": conference.place,
        # The unit answers on its questions page (not the organiser's page of the conference).
        "staff_url": f"{settings.base_url}/staff/questions#q-{conference.id}-{questions[0].number}",
        "unit_name": unit.name,
        "host_unit_name": host.name if host else "",
        "questions": [
            {"number": q.number, "text": q.text, "due_at": q.due_at} for q in questions[:MAILED_QUESTIONS]
        ],
        "count": len(questions),
    }
    return [new_message(kind="question_assigned", key=key, to_addr=unit.email, to_name=unit.name,
                        thread=f"HNDT.{conference.id}", context=context, now=now)]  # fmt: skip


async def _next_number(conference_id: int) -> int:
    rows = (
        await Question.filter(conference_id=conference_id)
        .order_by("-number")
        .limit(1)
        .values_list("number", flat=True)
    )
    return (rows[0] if rows else 0) + 1


async def _host(conference_id: int) -> int:
    """The host unit, for routing inside its area (0 for no such conference: the access check that
    follows answers that)."""
    hosts = await Conference.filter(id=conference_id).limit(1).values_list("host_unit_id", flat=True)
    return hosts[0] if hosts else 0


async def add_question(
    conference_id: int,
    data: QuestionIn,
    settings: Settings,
    *,
    channel: str,
    actor: StaffUser | None = None,
) -> Question:
    """A citizen's question (channel online, while collecting) or one asked on the floor (staff)."""
    if channel not in (QuestionChannel.ONLINE, QuestionChannel.FLOOR):
        raise DomainError(f"Kênh '{channel}' không hợp lệ", field="channel")
    if channel == QuestionChannel.FLOOR and actor is None:
        raise Forbidden("Câu hỏi tại hội nghị do cán bộ nhập")
    ref = await reference(settings)
    row = checks.question(
        data, ref, need_contact=channel == QuestionChannel.ONLINE, host_unit_id=await _host(conference_id)
    )
    now = clock.now()
    async with in_transaction():
        if actor is not None:
            conference = await access.conference_for(actor, conference_id, ref.units, lock=True)
        else:
            conference = await Conference.filter(id=conference_id).select_for_update().first()
            if conference is None:
                raise NotFound(f"Không tìm thấy hội nghị số {conference_id}")
        allowed = (ConferenceStatus.COLLECTING,) if channel == QuestionChannel.ONLINE else ANSWERING_STATUSES
        if conference.status not in allowed:
            raise Conflict("Hội nghị hiện không tiếp nhận câu hỏi")
        due_at = default_due(conference, ref, now)
        question = await Question.create(
            conference_id=conference.id, number=await _next_number(conference.id), channel=channel,
            due_at=due_at, status=QuestionStatus.OPEN, created_at=now, updated_at=now, **row,
        )  # fmt: skip
        await ConferenceStep.bulk_create(
            _question_steps(question.id, conference.id, row["unit_id"], due_at, ref, now)
        )
        await queue(_assigned_mail(conference, row["unit_id"], [question], ref, settings,
                                   f"qassign:{question.id}:{row['unit_id']}:0", now))  # fmt: skip
        return question


async def import_questions(
    user: StaffUser, conference_id: int, content: bytes, settings: Settings
) -> list[Question]:
    """Every row of a CSV or XLSX file (header in row 1), all saved or none (ImportRejected)."""
    access.require_organiser(user)
    ref = await reference(settings)
    checked = read_questions(content, ref, await _host(conference_id))
    now = clock.now()
    async with in_transaction():
        conference = await access.run_by(user, conference_id, ref.units, lock=True)
        if conference.status == ConferenceStatus.PUBLISHED:
            raise Conflict("Hội nghị đã công bố kết quả, không nhập thêm câu hỏi được")
        due_at = default_due(conference, ref, now)
        first = await _next_number(conference.id)
        await Question.bulk_create(
            [
                Question(conference_id=conference.id, number=first + n, channel=QuestionChannel.IMPORT,
                         due_at=due_at, status=QuestionStatus.OPEN, created_at=now, updated_at=now, **row)
                for n, row in enumerate(checked)
            ],
            batch_size=500,
        )  # fmt: skip
        questions = await Question.filter(conference_id=conference.id, number__gte=first).order_by("number")
        steps = [
            step
            for q in questions
            for step in _question_steps(q.id, conference.id, q.unit_id, due_at, ref, now)
        ]
        await ConferenceStep.bulk_create(steps, batch_size=1000)
        by_unit: dict[int, list[Question]] = {}
        for q in questions:
            by_unit.setdefault(q.unit_id, []).append(q)
        key = f"qimport:{conference.id}:{{unit}}:{first}"
        await queue(
            [
                message
                for unit_id, group in by_unit.items()
                for message in _assigned_mail(
                    conference, unit_id, group, ref, settings, key.format(unit=unit_id), now
                )
            ]
        )
        return list(questions)


async def _question(conference_id: int, number: int) -> Question:
    question = await Question.filter(conference_id=conference_id, number=number).select_for_update().first()
    if question is None:
        raise NotFound(f"Không tìm thấy câu hỏi số {number}")
    return question


async def assign(
    user: StaffUser, conference_id: int, number: int, settings: Settings, *, unit: str, due_date: date
) -> Question:
    access.require_organiser(user)
    ref = await reference(settings)
    target = ref.unit_by_code(unit)
    if target is None:
        raise DomainError(f"Đơn vị có mã '{unit}' không tồn tại", field="unit")
    now = clock.now()
    if due_date < ref.calendar.local_date(now):
        raise DomainError("Hạn trả lời không được ở quá khứ", field="due_date")
    async with in_transaction():
        conference = await access.run_by(user, conference_id, ref.units, lock=True)
        if conference.status == ConferenceStatus.PUBLISHED:
            raise Conflict("Hội nghị đã công bố kết quả")
        question = await _question(conference.id, number)
        if question.status == QuestionStatus.ANSWERED:
            raise Conflict(f"Câu hỏi số {number} đã được trả lời")
        due_at = ref.calendar.end_of_day(due_date)
        question.unit_id = target.id
        question.due_at = due_at
        question.updated_at = now
        await question.save(update_fields=["unit_id", "due_at", "updated_at"])
        await ConferenceStep.filter(question_id=question.id, status="pending").update(
            status="cancelled", done_at=now
        )
        await ConferenceStep.bulk_create(
            _question_steps(question.id, conference.id, target.id, due_at, ref, now)
        )
        await queue(_assigned_mail(conference, target.id, [question], ref, settings,
                                   f"qassign:{question.id}:{target.id}:{due_date.isoformat()}", now))  # fmt: skip
        return question


def _answer_fields(data: QuestionAnswerIn) -> dict[str, Any]:
    """The answer's columns, checked: who answered, and the document of an answer in writing."""
    answer = data.answer.strip()
    if not answer:
        raise DomainError("Cần nội dung trả lời", field="answer")
    official, position = " ".join(data.official_name.split()), " ".join(data.official_position.split())
    if not official:
        raise DomainError("Cần họ tên người trả lời", field="official_name")
    if not position:
        raise DomainError("Cần chức vụ người trả lời", field="official_position")
    in_writing = data.answer_mode == AnswerMode.IN_WRITING
    document_number = data.document_number.strip()
    if in_writing and not document_number:
        raise DomainError("Trả lời bằng văn bản cần số văn bản", field="document_number")
    if in_writing and data.document_date is None:
        raise DomainError("Trả lời bằng văn bản cần ngày văn bản", field="document_date")
    return {
        "answer": answer,
        "answer_mode": data.answer_mode,
        "official_name": official,
        "official_position": position,
        "document_number": document_number if in_writing else "",
        "document_date": data.document_date if in_writing else None,
    }


async def _forward(question: Question, ref: Reference, user: StaffUser, settings: Settings) -> int:
    """File the question as a feedback item of the channel "conference"; its id."""
    from feedback.intake.schemas import CitizenIn, StaffFeedbackCreate
    from feedback.intake.services import submit

    if not question.asker_place.strip():  # a feedback item needs its citizen's address (Điều 7 NĐ 20/2008)
        raise DomainError(
            "Cần địa chỉ của người hỏi để chuyển xử lý như phản ánh, kiến nghị (Điều 7 Nghị định"
            " 20/2008/NĐ-CP); hãy trả lời bằng văn bản hoặc trực tiếp",
            field="answer_mode",
        )
    category = ref.category_by_id(question.category_id)
    commune = next((c for c in ref.communes.values() if c.id == question.commune_id), None)
    title = question.text if len(question.text) <= 120 else question.text[:117].rstrip() + "…"
    submitted = await submit(
        StaffFeedbackCreate(
            title=f"Câu hỏi hội nghị đối thoại: {title}"[:200],
            content=question.text,
            citizen=CitizenIn(name=question.asker_name, phone=question.asker_phone,
                              email=question.asker_email, address=question.asker_place),
            category=category.code if category else None,
            commune=commune.code if commune else None,
            channel="conference",
        ),
        settings,
        actor=user,
    )  # fmt: skip
    return submitted.item.id


async def answer_question(
    user: StaffUser, conference_id: int, number: int, data: QuestionAnswerIn, settings: Settings
) -> Question:
    fields = _answer_fields(data)
    ref = await reference(settings)
    now = clock.now()
    async with in_transaction():
        conference = await Conference.filter(id=conference_id).select_for_update().first()
        if conference is None:
            raise NotFound(f"Không tìm thấy hội nghị số {conference_id}")
        question = await _question(conference.id, number)
        await access.require_answerer(user, conference, question, ref.units)
        if conference.status not in ANSWERING_STATUSES:
            raise Conflict("Hội nghị không ở trạng thái trả lời câu hỏi")
        if data.answer_mode == AnswerMode.FORWARDED and question.feedback_item_id is None:
            question.feedback_item_id = await _forward(question, ref, user, settings)
        for name, value in fields.items():
            setattr(question, name, value)
        question.status = QuestionStatus.ANSWERED
        question.answered_at = now
        question.answered_by_id = user.id
        question.updated_at = now
        await question.save()
        await ConferenceStep.filter(question_id=question.id, status="pending").update(
            status="cancelled", done_at=now
        )
        return question
