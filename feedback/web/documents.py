"""The staff pages' print routes: `/staff/feedback/{code}/apology.pdf` and `…/answer.pdf`, for staff
who may see the item (a login first, as every staff page), through the same documents as the API."""

from __future__ import annotations

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from feedback.documents.api import answer_of, apology_of
from feedback.items.access import get_for
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


DOCUMENT_PAGES = [apology_print, answer_print]
