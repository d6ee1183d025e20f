"""Downloading an item's documents as PDF: the citizen's apology with the tracking token (like the
attachments), and the staff API's apology and answer. Nothing (no apology yet, a wrong token, another
unit's item) is a plain 404. The staff pages' print routes are in feedback/web/documents.py."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, Response, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, QueryParameter

from feedback.accounts.api import current_user
from feedback.accounts.models import StaffUser
from feedback.directory.reference import reference
from feedback.documents.services import Document, answer_pdf, apology_pdf
from feedback.errors import NotFound
from feedback.items.access import get_by_token, get_for
from feedback.items.models import FeedbackItem
from feedback.settings import Settings

NO_APOLOGY = "Phản ánh chưa có phiếu xin lỗi và hẹn lại ngày trả kết quả"
NO_ANSWER = "Phản ánh chưa có văn bản trả lời"


def pdf_response(document: Document | None, missing: str) -> Response[bytes]:
    if document is None:
        raise NotFound(missing)
    return Response(
        document.data,
        media_type=document.content_type,
        headers={
            "content-disposition": f'inline; filename="{document.filename}"',
            "x-content-type-options": "nosniff",
            "cache-control": "private, no-store",  # a citizen's name is in it
        },
    )


async def apology_of(item: FeedbackItem, settings: Settings) -> Response[bytes]:
    return pdf_response(await apology_pdf(item, await reference(settings)), NO_APOLOGY)


async def answer_of(item: FeedbackItem, settings: Settings) -> Response[bytes]:
    return pdf_response(await answer_pdf(item, await reference(settings)), NO_ANSWER)


@get("/api/v1/feedback/{code:str}/apology.pdf", tags=["public"])
async def citizen_apology(
    code: FromPath[str],
    request: Request,
    settings: NamedDependency[Settings],
    token: Annotated[str | None, QueryParameter(required=False)] = None,
) -> Response[bytes]:
    """The latest apology (Mẫu 04) of the item, with its secret token (`X-Access-Token` or `?token=`)."""
    item = await get_by_token(code, request.headers.get("x-access-token") or token or "")
    return await apology_of(item, settings)


@get(
    "/api/v1/staff/feedback/{code:str}/apology.pdf",
    tags=["staff"],
    dependencies={"user": Provide(current_user)},
)
async def staff_apology(
    code: FromPath[str], user: NamedDependency[StaffUser], settings: NamedDependency[Settings]
) -> Response[bytes]:
    """The latest apology (Mẫu 04) of an item the caller may see, to print."""
    return await apology_of(await get_for(user, code), settings)


@get(
    "/api/v1/staff/feedback/{code:str}/answer.pdf",
    tags=["staff"],
    dependencies={"user": Provide(current_user)},
)
async def staff_answer(
    code: FromPath[str], user: NamedDependency[StaffUser], settings: NamedDependency[Settings]
) -> Response[bytes]:
    """The answer as a letter (Nghị định 30/2020 layout), to print and post to the citizen."""
    return await answer_of(await get_for(user, code), settings)


DOCUMENT_ROUTES = [citizen_apology, staff_apology, staff_answer]
