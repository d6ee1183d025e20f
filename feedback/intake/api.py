"""Public intake endpoints: what a filing form needs, filing, and tracking by code and token."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, QueryParameter

from feedback.attachments import uploads
from feedback.attachments.openapi import WithFiles
from feedback.attachments.services import attachments_of
from feedback.directory.models import Category
from feedback.directory.reference import CategoryRef, reference
from feedback.intake import mail, services
from feedback.intake.schemas import (
    FeedbackCreate,
    FeedbackCreated,
    FeedbackTracked,
    PublicEvent,
    PublicPromise,
    Ref,
)
from feedback.items import timeline
from feedback.items.access import get_by_contact, get_by_token
from feedback.items.models import FeedbackItem
from feedback.security.client import client_address
from feedback.security.throttle import contact_attempt, rate_limited
from feedback.settings import Settings

MAX_JSON_BODY = 256 * 1024


def _documented_body(data: JSONBody[FeedbackCreate]) -> None:
    """Never called: shows OpenAPI the body `create` reads itself (see feedback/attachments/openapi.py)."""


class FeedbackController(Controller):
    path = "/api/v1/feedback"
    tags = ["public"]

    @post(
        "/",
        request_max_body_size=uploads.MAX_BODY,
        guards=[rate_limited("submit")],
        dependencies={"documented_body": Provide(_documented_body, sync_to_thread=False)},
        operation_class=WithFiles,
    )
    async def create(self, request: Request, settings: NamedDependency[Settings]) -> FeedbackCreated:
        """File feedback: a JSON body, or multipart/form-data with that JSON in a part `data` and up to
        5 parts `files` (JPEG, PNG, PDF, DOCX, XLSX; 10 MB each)."""
        if not uploads.is_multipart(request):
            data = await uploads.read_json(request, FeedbackCreate, MAX_JSON_BODY)
            return await created_out(await services.submit(data, settings), settings)
        form = await uploads.read_form(request, settings)
        async with form.discard_on_error():
            data = form.decode("data", FeedbackCreate, request)
            submitted = await services.submit(data, settings, uploads=form.uploads)
        return await created_out(submitted, settings)

    @get("/{code:str}")
    async def track(
        self,
        code: FromPath[str],
        request: Request,
        settings: NamedDependency[Settings],
        token: Annotated[str | None, QueryParameter(required=False)] = None,
        contact: Annotated[
            str | None,
            QueryParameter(
                required=False,
                max_length=254,
                description="instead of the token: the phone number or e-mail given at filing "
                "(wrong ones are limited per item and per address)",
            ),
        ] = None,
    ) -> FeedbackTracked:
        given = request.headers.get("x-access-token") or token or ""
        if not given and contact:
            return await tracked(await track_by_contact(code, contact, request, settings))
        return await tracked(await get_by_token(code, given))


async def track_by_contact(code: str, contact: str, request: Request, settings: Settings) -> FeedbackItem:
    """The item for a citizen who gives the code and the phone or e-mail given at filing, rate-limited."""
    async with contact_attempt(code, client_address(request, settings), settings):
        return await get_by_contact(code, contact)


def _ref(obj: CategoryRef | Category | None) -> Ref | None:
    return Ref(obj.code, obj.name) if obj else None


async def created_out(submitted: services.Submitted, settings: Settings) -> FeedbackCreated:
    item = submitted.item
    ref = await reference(settings)
    unit = ref.units[item.unit_id]
    return FeedbackCreated(
        code=item.code,
        token=submitted.token,
        status=item.status,
        unit=Ref(unit.code, unit.name),
        category=_ref(ref.category_by_id(item.category_id)),
        suggested_category=_ref(submitted.suggested),
        received_at=item.received_at,
        due_at=item.due_at,
        track_url=mail.track_url(settings, item.code, submitted.token),
        attachments=await attachments_of(item) if submitted.attachments else [],
    )


async def tracked(item: FeedbackItem) -> FeedbackTracked:
    await item.fetch_related("unit", "category")
    events = await timeline.public_events(item)
    return FeedbackTracked(
        code=item.code,
        title=item.title,
        status=item.status,
        unit=Ref(item.unit.code, item.unit.name),
        category=_ref(item.category),
        received_at=item.received_at,
        due_at=item.due_at,
        answer=item.answer or None,
        answered_at=item.answered_at,
        timeline=[PublicEvent(e.at, e.kind, e.message, e.reason) for e in events],
        attachments=await attachments_of(item),
        rating=item.rating,
        can_rate=item.status == "answered",
        can_reopen=item.status == "answered" and not item.citizen_reopened,
        promise=PublicPromise(
            item.promise_day,
            item.promise_reason,
            item.promise_at,
            f"/api/v1/feedback/{item.code}/apology.pdf",
        )
        if item.promise_day
        else None,
    )
