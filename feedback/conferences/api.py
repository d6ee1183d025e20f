"""Dialogue conference endpoints (SPEC §6): organisers run conferences, units answer, citizens ask."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get, patch, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, JSONBody

from feedback.accounts.api import current_user
from feedback.accounts.models import StaffUser
from feedback.conferences import access, lifecycle, public, questions
from feedback.conferences.models import Conference, Question
from feedback.conferences.question_file import ImportRejected
from feedback.conferences.schemas import (
    AssignIn,
    ConferenceIn,
    ConferenceOut,
    ConferencePatch,
    PublicationIn,
    PublicationOut,
    PublicConferenceOut,
    PublicPublicationOut,
    PublicQuestionCreated,
    PublicQuestionOut,
    QuestionAnswerIn,
    QuestionIn,
    QuestionOut,
    RefOut,
    StatusIn,
)
from feedback.conferences.vocabulary import PUBLICATION_CHANNEL_NAMES
from feedback.directory.reference import Reference, reference
from feedback.security.throttle import rate_limited
from feedback.settings import Settings

User = NamedDependency[StaffUser]
Config = NamedDependency[Settings]
MAX_IMPORT_BODY = 10 * 1024 * 1024


def _import_rejected(_: Request, exc: ImportRejected) -> Response:
    return Response(
        {
            "status_code": 422,
            "detail": exc.message,
            "errors": [
                {"row": e.row, "field": e.field, "column": e.column, "message": e.message} for e in exc.errors
            ],
        },
        status_code=422,
    )


def _unit(ref: Reference, unit_id: int | None) -> RefOut | None:
    unit = ref.units.get(unit_id) if unit_id is not None else None
    return RefOut(unit.code, unit.name) if unit else None


async def conference_out(conference: Conference, ref: Reference) -> ConferenceOut:
    questions = await Question.filter(conference_id=conference.id).count()
    answered = await Question.filter(conference_id=conference.id, status="answered").count()
    published = await lifecycle.publications(conference)
    return ConferenceOut(
        id=conference.id,
        host_unit=_unit(ref, conference.host_unit_id) or RefOut("", ""),
        title=conference.title,
        starts_at=conference.starts_at,
        place=conference.place,
        categories=[
            RefOut(c, ref.categories[c].name if c in ref.categories else c) for c in conference.categories
        ],
        description=conference.description,
        status=conference.status,
        publish_due_at=conference.publish_due_at,
        published_at=conference.published_at,
        questions=questions,
        answered=answered,
        announced_at=conference.announced_at,
        publication=[
            PublicationOut(p.channel, PUBLICATION_CHANNEL_NAMES[p.channel], p.published_on, p.note)
            for p in published
        ],
        warnings=lifecycle.warnings(conference, published, ref.calendar),
    )


def question_out(q: Question, ref: Reference, feedback_code: str | None = None) -> QuestionOut:
    category = ref.category_by_id(q.category_id)
    commune = next((c for c in ref.communes.values() if c.id == q.commune_id), None)
    if feedback_code is None and q.feedback_item_id is not None:
        item = q.__dict__.get("_feedback_item")
        feedback_code = getattr(item, "code", None)
    return QuestionOut(
        number=q.number,
        channel=q.channel,
        asker_name=q.asker_name,
        asker_place=q.asker_place,
        asker_phone=q.asker_phone,
        asker_email=q.asker_email,
        category=RefOut(category.code, category.name) if category else None,
        commune=RefOut(commune.code, commune.name) if commune else None,
        text=q.text,
        suggested_unit=_unit(ref, q.suggested_unit_id),
        unit=_unit(ref, q.unit_id),
        due_at=q.due_at,
        status=q.status,
        answer=q.answer,
        answer_mode=q.answer_mode,
        official_name=q.official_name,
        official_position=q.official_position,
        document_number=q.document_number,
        document_date=q.document_date,
        feedback_code=feedback_code,
        answered_at=q.answered_at,
        created_at=q.created_at,
    )


async def _question_out(q: Question, settings: Settings) -> QuestionOut:
    ref = await reference(settings)
    code = None
    if q.feedback_item_id is not None:
        await q.fetch_related("feedback_item")
        code = q.feedback_item.code
    return question_out(q, ref, code)


class ConferenceController(Controller):
    path = "/api/v1/conferences"
    tags = ["conferences"]
    dependencies = {"user": Provide(current_user)}
    exception_handlers = {ImportRejected: _import_rejected}

    @get("/")
    async def index(self, settings: Config, user: User) -> list[ConferenceOut]:
        """Conferences the user may see, newest first."""
        ref = await reference(settings)
        query = access.visible_conferences(user, ref.units).order_by("-starts_at", "-id").limit(500)
        return [await conference_out(c, ref) for c in await query]

    @post("/")
    async def create(self, data: JSONBody[ConferenceIn], settings: Config, user: User) -> ConferenceOut:
        conference = await lifecycle.create_conference(user, data, settings)
        return await conference_out(conference, await reference(settings))

    @get("/{conference_id:int}")
    async def one(self, conference_id: FromPath[int], settings: Config, user: User) -> ConferenceOut:
        ref = await reference(settings)
        return await conference_out(await access.conference_for(user, conference_id, ref.units), ref)

    @patch("/{conference_id:int}")
    async def edit(
        self, conference_id: FromPath[int], data: JSONBody[ConferencePatch], settings: Config, user: User
    ) -> ConferenceOut:
        conference = await lifecycle.update_conference(user, conference_id, data, settings)
        return await conference_out(conference, await reference(settings))

    @post("/{conference_id:int}/status", status_code=200)
    async def status(
        self, conference_id: FromPath[int], data: JSONBody[StatusIn], settings: Config, user: User
    ) -> ConferenceOut:
        conference = await lifecycle.move(user, conference_id, data.status, settings)
        return await conference_out(conference, await reference(settings))

    @post("/{conference_id:int}/publication", status_code=200)
    async def publication(
        self, conference_id: FromPath[int], data: JSONBody[PublicationIn], settings: Config, user: User
    ) -> ConferenceOut:
        """Record (or correct) one channel the results were published through, with its date (Điều 43
        Luật Tổ chức chính quyền địa phương 2025); the answer's `warnings` name what is still missing."""
        conference = await lifecycle.record_publication(user, conference_id, data, settings)
        return await conference_out(conference, await reference(settings))

    @get("/{conference_id:int}/questions")
    async def questions(
        self, conference_id: FromPath[int], settings: Config, user: User
    ) -> list[QuestionOut]:
        ref = await reference(settings)
        _, rows = await access.questions_for(user, conference_id, ref.units)
        return [question_out(q, ref, q.feedback_item.code if q.feedback_item_id else None) for q in rows]

    @post("/{conference_id:int}/questions")
    async def floor_question(
        self, conference_id: FromPath[int], data: JSONBody[QuestionIn], settings: Config, user: User
    ) -> QuestionOut:
        """A question asked on the floor, entered by staff."""
        question = await questions.add_question(conference_id, data, settings, channel="floor", actor=user)
        return await _question_out(question, settings)

    @post("/{conference_id:int}/questions/import", request_max_body_size=MAX_IMPORT_BODY)
    async def import_file(
        self,
        conference_id: FromPath[int],
        data: Annotated[UploadFile, Body(media_type=RequestEncodingType.MULTI_PART)],
        settings: Config,
        user: User,
    ) -> list[QuestionOut]:
        """A CSV (UTF-8) or XLSX file in the multipart field `file`; all rows are saved or none (422 with
        `errors`: row, field, message; the header is row 1)."""
        saved = await questions.import_questions(user, conference_id, await data.read(), settings)
        ref = await reference(settings)
        return [question_out(q, ref) for q in saved]

    @post("/{conference_id:int}/questions/{number:int}/assign", status_code=200)
    async def assign(
        self,
        conference_id: FromPath[int],
        number: FromPath[int],
        data: JSONBody[AssignIn],
        settings: Config,
        user: User,
    ) -> QuestionOut:
        question = await questions.assign(
            user, conference_id, number, settings, unit=data.unit, due_date=data.due_date
        )
        return await _question_out(question, settings)

    @post("/{conference_id:int}/questions/{number:int}/answer", status_code=200)
    async def answer(
        self,
        conference_id: FromPath[int],
        number: FromPath[int],
        data: JSONBody[QuestionAnswerIn],
        settings: Config,
        user: User,
    ) -> QuestionOut:
        question = await questions.answer_question(user, conference_id, number, data, settings)
        return await _question_out(question, settings)


@post(
    "/api/v1/conferences/{conference_id:int}/public-questions",
    tags=["public"],
    guards=[rate_limited("question")],
)
async def public_question(
    conference_id: FromPath[int], data: JSONBody[QuestionIn], settings: Config
) -> PublicQuestionCreated:
    """A citizen's question before the conference (while it collects questions); no login."""
    question = await questions.add_question(conference_id, data, settings, channel="online")
    ref = await reference(settings)
    unit = _unit(ref, question.unit_id)
    return PublicQuestionCreated(
        conference=conference_id, number=question.number, unit=unit.name if unit else None
    )


@get("/api/v1/public/conferences/{conference_id:int}", tags=["public"])
async def public_conference(conference_id: FromPath[int]) -> PublicConferenceOut:
    """A published conference: its questions and answers, askers as initials, personal data masked."""
    conference = await public.published(conference_id)
    return PublicConferenceOut(
        id=conference.id,
        host_unit=conference.host_unit.name,
        title=conference.title,
        starts_at=conference.starts_at,
        place=conference.place,
        published_at=conference.published_at,
        publication=[
            PublicPublicationOut(p.channel, PUBLICATION_CHANNEL_NAMES[p.channel], p.published_on)
            for p in await lifecycle.publications(conference)
        ],
        questions=[
            PublicQuestionOut(
                number=a.number,
                asker=a.asker,
                category=a.category or None,
                text=a.text,
                answer=a.answer,
                answer_mode=a.answer_mode,
                official_name=a.official_name,
                official_position=a.official_position,
                document_number=a.document_number,
                document_date=a.document_date,
            )
            for a in await public.answers(conference)
        ],
    )
