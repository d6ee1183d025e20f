"""Pages for dialogue conferences: organisers run them; citizens send questions and read the results.

The pages read through `conferences.access` and `conferences.public` and change things only through the
services (`lifecycle`, `questions`); a refused change shows the page again with the service's message
(and, for an import, every bad row with its number).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from feedback.accounts import services as accounts
from feedback.accounts.api import current_user
from feedback.accounts.models import StaffUser
from feedback.conferences import access, lifecycle, public, questions
from feedback.conferences.models import Conference, Question
from feedback.conferences.question_file import ImportRejected
from feedback.conferences.schemas import (
    AssignIn,
    ConferenceIn,
    ConferencePatch,
    PublicationIn,
    QuestionAnswerIn,
    QuestionIn,
)
from feedback.conferences.vocabulary import (
    ANNOUNCE_DAYS_AHEAD,
    ART43,
    CONFERENCE_STATUSES,
    MODE_NAMES,
    NEXT_STATUS,
    PUBLICATION_CHANNEL_NAMES,
    status_title,
)
from feedback.directory.reference import reference
from feedback.errors import DomainError, Forbidden, NotFound, Unauthorized
from feedback.items.access import ORGANISER_ROLES
from feedback.security import sessions
from feedback.security.throttle import rate_limited
from feedback.settings import Settings
from feedback.web.auth import optional_user, staff_page_user
from feedback.web.forms import form_struct
from feedback.web.rendering import page

Config = NamedDependency[Settings]
STATUS_TITLES = {status: status_title(status) for status in CONFERENCE_STATUSES}


def _organiser(user: StaffUser) -> StaffUser:
    access.require_organiser(user)
    return user


def _text_fields(form: Any) -> dict[str, Any]:
    return {k: v for k, v in form.items() if isinstance(v, str)}


@get("/conferences/manage", include_in_schema=False)
async def manage_list(request: Request, settings: Config) -> Response[str]:
    user = _organiser(await staff_page_user(request))
    return await _list_page(request, user, settings)


async def _list_page(request: Request, user: StaffUser, settings: Settings, **extra: Any) -> Response[str]:
    ref = await reference(settings)
    conferences = (
        await access.visible_conferences(user, ref.units).order_by("-starts_at").select_related("host_unit")
    )
    context = {
        "conferences": conferences,
        "status_names": STATUS_TITLES,
        "categories": sorted(ref.categories.values(), key=lambda c: c.name),
        "values": {},
        "error": None,
        "field": None,
        **extra,
    }
    return page(
        request, "conference_list.html", context, user=user, status_code=422 if extra.get("error") else 200
    )


def _conference_body(form_data: Any, settings: Settings) -> dict[str, Any]:
    """The conference form as the API's body; <input type=datetime-local> sends local time without a zone."""
    body: dict[str, Any] = {**_text_fields(form_data)}
    body["categories"] = form_data.getall("categories") if "categories" in form_data else []
    for name in ("starts_at", "announced_at"):
        if body.get(name) and len(body[name]) == 16:
            body[name] = datetime.fromisoformat(body[name]).replace(tzinfo=settings.tz).isoformat()
    return body


@post("/conferences/manage", include_in_schema=False)
async def manage_create(request: Request, settings: Config) -> Response:
    user = _organiser(await current_user(request))
    form_data = await request.form()
    values = {
        **_text_fields(form_data),
        "categories": form_data.getall("categories") if "categories" in form_data else [],
    }
    try:
        data = form_struct(_conference_body(form_data, settings), ConferenceIn)
        conference = await lifecycle.create_conference(user, data, settings)
    except DomainError as exc:
        return await _list_page(request, user, settings, values=values, error=exc.message, field=exc.field)
    return Redirect(f"/conferences/manage/{conference.id}", status_code=303)


@post("/conferences/manage/{conference_id:int}/edit", include_in_schema=False)
async def manage_edit(request: Request, conference_id: FromPath[int], settings: Config) -> Response:
    form_data = await request.form()

    async def run(user: StaffUser) -> None:
        data = form_struct(_conference_body(form_data, settings), ConferencePatch)
        await lifecycle.update_conference(user, conference_id, data, settings)

    return await _act(request, conference_id, settings, "edit", run)


@get("/conferences/manage/{conference_id:int}", include_in_schema=False)
async def manage_one(request: Request, conference_id: FromPath[int], settings: Config) -> Response[str]:
    user = _organiser(await staff_page_user(request))
    return await _conference_page(request, user, conference_id, settings)


async def _conference_page(
    request: Request, user: StaffUser, conference_id: int, settings: Settings, **extra: Any
) -> Response[str]:
    ref = await reference(settings)
    conference = await access.run_by(user, conference_id, ref.units)
    await conference.fetch_related("host_unit")
    rows = (
        await Question.filter(conference_id=conference.id)
        .order_by("number")
        .select_related("unit", "category", "suggested_unit", "feedback_item")
    )
    published = await lifecycle.publications(conference)
    context = {
        "conference": conference,
        # Điều 43 Luật Tổ chức chính quyền địa phương 2025: the announcement and the publication.
        "publication": published,
        "warnings": lifecycle.warnings(conference, published, ref.calendar),
        "channel_names": PUBLICATION_CHANNEL_NAMES,
        "art43": ART43,
        "announce_days": ANNOUNCE_DAYS_AHEAD,
        "announced_local": conference.announced_at.astimezone(settings.tz).strftime("%Y-%m-%dT%H:%M")
        if conference.announced_at
        else "",
        "questions": rows,
        "status_names": STATUS_TITLES,
        "mode_names": MODE_NAMES,
        "next_status": NEXT_STATUS.get(conference.status),
        "starts_local": conference.starts_at.astimezone(settings.tz).strftime("%Y-%m-%dT%H:%M"),
        "units": sorted(ref.units.values(), key=lambda u: u.code),
        "categories": sorted(ref.categories.values(), key=lambda c: c.name),
        "error": None,
        "field": None,
        "failed": None,
        "row_errors": [],
        "done": request.query_params.get("done", ""),
        **extra,
    }
    status = 422 if extra.get("error") else 200
    return page(request, "conference_manage.html", context, user=user, status_code=status)


async def _act(  # noqa: ANN001
    request: Request, conference_id: int, settings: Settings, what: str, action, user: StaffUser | None = None
) -> Response:
    user = _organiser(user or await current_user(request))
    try:
        await action(user)
    except ImportRejected as exc:
        return await _conference_page(
            request, user, conference_id, settings, error=exc.message, failed=what, row_errors=exc.errors
        )
    except DomainError as exc:
        return await _conference_page(
            request, user, conference_id, settings, error=exc.message, field=exc.field, failed=what
        )
    return Redirect(f"/conferences/manage/{conference_id}?done={what}", status_code=303)


@post("/conferences/manage/{conference_id:int}/status", include_in_schema=False)
async def manage_status(request: Request, conference_id: FromPath[int], settings: Config) -> Response:
    form = _text_fields(await request.form())
    return await _act(
        request, conference_id, settings, "status",
        lambda user: lifecycle.move(user, conference_id, form.get("status", ""), settings),
    )  # fmt: skip


@post("/conferences/manage/{conference_id:int}/publication", include_in_schema=False)
async def manage_publication(request: Request, conference_id: FromPath[int], settings: Config) -> Response:
    """One channel the results were published through, with its date (Điều 43)."""
    form = _text_fields(await request.form())
    return await _act(
        request, conference_id, settings, "publication",
        lambda user: lifecycle.record_publication(user, conference_id, form_struct(form, PublicationIn), settings),
    )  # fmt: skip


@post("/conferences/manage/{conference_id:int}/questions", include_in_schema=False)
async def manage_add_question(request: Request, conference_id: FromPath[int], settings: Config) -> Response:
    form = _text_fields(await request.form())

    async def add(user: StaffUser) -> None:
        await questions.add_question(
            conference_id, form_struct(form, QuestionIn), settings, channel="floor", actor=user
        )

    return await _act(request, conference_id, settings, "question", add)


@post("/conferences/manage/{conference_id:int}/import", include_in_schema=False)
async def manage_import(request: Request, conference_id: FromPath[int], settings: Config) -> Response:
    form = await request.form()
    upload = form.get("file")
    # A multipart form carries its CSRF token as a field, which the API's cookie check does not read.
    token = request.cookies.get(sessions.SESSION_COOKIE, "")
    user = await accounts.user_for_token(token) if token else None
    if user is None:
        raise Unauthorized("Cần đăng nhập lại")
    sent = request.headers.get(sessions.CSRF_HEADER) or str(form.get(sessions.CSRF_FIELD) or "")
    sessions.require_csrf(settings, token, sent)

    async def run(user: StaffUser) -> None:
        if upload is None or isinstance(upload, str):
            raise DomainError("Chọn tệp CSV hoặc XLSX để nhập", field="file")
        await questions.import_questions(user, conference_id, await upload.read(), settings)

    return await _act(request, conference_id, settings, "import", run, user=user)


@post("/conferences/manage/{conference_id:int}/questions/{number:int}/assign", include_in_schema=False)
async def manage_assign(
    request: Request, conference_id: FromPath[int], number: FromPath[int], settings: Config
) -> Response:
    form = _text_fields(await request.form())

    async def run(user: StaffUser) -> None:
        data = form_struct(form, AssignIn)
        await questions.assign(user, conference_id, number, settings, unit=data.unit, due_date=data.due_date)

    return await _act(request, conference_id, settings, f"assign-{number}", run)


@post("/conferences/manage/{conference_id:int}/questions/{number:int}/answer", include_in_schema=False)
async def manage_answer(
    request: Request, conference_id: FromPath[int], number: FromPath[int], settings: Config
) -> Response:
    """Organisers record answers here; so do the units a question is assigned to (from /staff/questions)."""
    form = _text_fields(await request.form())
    user = await current_user(request)
    if user.role not in ORGANISER_ROLES:
        try:  # conferences.access decides whether this user may answer this question
            await questions.answer_question(
                user, conference_id, number, form_struct(form, QuestionAnswerIn), settings
            )
        except (Forbidden, NotFound):
            raise  # the error page, with its status; the form cannot fix it
        except DomainError as exc:
            return await _unit_page(request, user, error=exc.message, failed=f"{conference_id}-{number}")
        return Redirect(f"/staff/questions?done={conference_id}-{number}", status_code=303)

    async def run(user: StaffUser) -> None:
        await questions.answer_question(
            user, conference_id, number, form_struct(form, QuestionAnswerIn), settings
        )

    return await _act(request, conference_id, settings, f"answer-{number}", run, user=user)


@get("/staff/questions", include_in_schema=False)
async def unit_questions(request: Request) -> Response[str]:
    """A unit's conference questions: what it must answer before which conference."""
    return await _unit_page(request, await staff_page_user(request))


async def _unit_page(request: Request, user: StaffUser, **extra: Any) -> Response[str]:
    questions = (
        await Question.filter(unit_id=user.unit_id)
        .order_by("status", "due_at", "id")
        .select_related("conference", "category")
    )
    context = {
        "questions": questions,
        "mode_names": MODE_NAMES,
        "error": None,
        "failed": None,
        "done": request.query_params.get("done", ""),
        **extra,
    }
    return page(
        request,
        "conference_unit_questions.html",
        context,
        user=user,
        status_code=422 if extra.get("error") else 200,
    )


# --- the public side ---------------------------------------------------------------------------


@get("/conferences/{conference_id:int}", include_in_schema=False)
async def public_conference(request: Request, conference_id: FromPath[int]) -> Response[str]:
    """Before the results: the conference and (while collecting) the question form; after: the Q&A,
    through the public redaction policy (`conferences.public`)."""
    try:
        conference = await public.announced(conference_id)
    except NotFound:
        return page(
            request, "citizen_not_found.html", {"message": "Không tìm thấy hội nghị"}, status_code=404
        )
    context = {
        "conference": conference,
        "status_names": STATUS_TITLES,
        "answers": await public.answers(conference),
        "publication": await lifecycle.publications(conference),  # channels and dates; notes stay inside
        "channel_names": PUBLICATION_CHANNEL_NAMES,
        "values": {},
        "error": None,
        "field": None,
        "sent": request.query_params.get("sent", ""),
    }
    return page(request, "conference_public.html", context, user=await optional_user(request))


@post("/conferences/{conference_id:int}/ask", include_in_schema=False, guards=[rate_limited("question")])
async def public_ask(request: Request, conference_id: FromPath[int], settings: Config) -> Response:
    form = _text_fields(await request.form())
    try:
        await public.announced(conference_id)
        question = await questions.add_question(
            conference_id, form_struct(form, QuestionIn), settings, channel="online"
        )
    except DomainError as exc:
        conference = await Conference.get_or_none(id=conference_id).select_related("host_unit")
        if conference is None:
            return page(request, "citizen_not_found.html", {"message": exc.message}, status_code=404)
        context = {
            "conference": conference,
            "status_names": STATUS_TITLES,
            "answers": [],
            "publication": [],  # still collecting questions: nothing published yet
            "channel_names": PUBLICATION_CHANNEL_NAMES,
            "values": form,
            "error": exc.message,
            "field": exc.field,
            "sent": "",
        }
        return page(request, "conference_public.html", context, status_code=422)
    return Redirect(f"/conferences/{conference_id}?sent={question.number}", status_code=303)


CONFERENCE_ROUTES = [
    manage_list, manage_create, manage_edit, manage_one, manage_status, manage_publication, manage_add_question,
    manage_import, manage_assign,
    manage_answer, unit_questions, public_conference, public_ask,
]  # fmt: skip
