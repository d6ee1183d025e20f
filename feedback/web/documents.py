"""The staff pages' print routes: `/staff/feedback/{code}/apology.pdf` and `…/answer.pdf`, for staff
who may see the item (a login first, as every staff page), through the same documents as the API."""

from __future__ import annotations

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from feedback.directory.reference import reference
from feedback.documents.api import answer_of, apology_of, pdf_response
from feedback.documents.services import receipt_pdf
from feedback.errors import Forbidden, NotFound
from feedback.items.access import entered_by, get_for
from feedback.settings import Settings
from feedback.web.auth import staff_page_user


@get("/staff/feedback/{code:str}/apology.pdf", include_in_schema=False)
async def apology_print(
    request: Request, code: FromPath[str], settings: NamedDependency[Settings]
) -> Response[bytes]:
    user = await staff_page_user(request)
    return await apology_of(await get_for(user, code), settings)


@get("/staff/feedback/{code:str}/answer.pdf", include_in_schema=False)
async def answer_print(
    request: Request, code: FromPath[str], settings: NamedDependency[Settings]
) -> Response[bytes]:
    user = await staff_page_user(request)
    return await answer_of(await get_for(user, code), settings)


@get("/staff/feedback/{code:str}/receipt.pdf", include_in_schema=False)
async def receipt_print(
    request: Request, code: FromPath[str], settings: NamedDependency[Settings]
) -> Response[bytes]:
    """The receipt (phiếu tiếp nhận): for staff who may see the item, and for the desk officer who
    entered it, who hands it over even when the item went to a unit the desk cannot otherwise see."""
    user = await staff_page_user(request)
    try:
        item = await get_for(user, code)
    except (NotFound, Forbidden):
        item = await entered_by(user, code)
    ref = await reference(settings)
    return pdf_response(await receipt_pdf(item, ref, settings.base_url), "")


DOCUMENT_PAGES = [apology_print, answer_print, receipt_print]
