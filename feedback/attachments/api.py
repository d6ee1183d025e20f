"""Downloading attachments: the citizen with the item's token, staff who may see the item.

Every other case (another item's attachment, a wrong token, another unit's item, a draft answer's file
for the citizen) is a plain 404, so nothing tells an outsider what exists.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.di import NamedDependency, Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, QueryParameter
from litestar.response import Stream

from feedback.accounts.api import current_user
from feedback.accounts.models import StaffUser
from feedback.attachments import services, storage
from feedback.files.store import store_for
from feedback.items.access import get_by_token, get_for
from feedback.items.models import FeedbackItem
from feedback.settings import Settings

# A streamed file, documented as the download it is (the route's own media_type would override the
# type detected on upload, so the 200 is described here instead).
DOWNLOAD: dict[str, Any] = {
    "responses": {
        200: ResponseSpec(
            data_container=bytes,
            generate_examples=False,
            media_type="application/octet-stream",
            description="The file's bytes, typed as detected on upload, with Content-Length",
        )
    }
}


@get("/api/v1/feedback/{code:str}/attachments/{attachment_id:int}", tags=["public"], **DOWNLOAD)
async def citizen_download(
    code: FromPath[str],
    attachment_id: FromPath[int],
    request: Request,
    settings: NamedDependency[Settings],
    token: Annotated[str | None, QueryParameter(required=False)] = None,
) -> Stream:
    """A file of the item, with its secret token (`X-Access-Token` header or `?token=`)."""
    item = await get_by_token(code, request.headers.get("x-access-token") or token or "")
    return await _download(item, attachment_id, settings, staff=False)


@get(
    "/api/v1/staff/feedback/{code:str}/attachments/{attachment_id:int}",
    tags=["staff"],
    dependencies={"user": Provide(current_user)},
    **DOWNLOAD,
)
async def staff_download(
    code: FromPath[str],
    attachment_id: FromPath[int],
    user: NamedDependency[StaffUser],
    settings: NamedDependency[Settings],
) -> Stream:
    """A file of an item the caller's unit handles or cooperates on (any item for a coordinator)."""
    return await _download(await get_for(user, code), attachment_id, settings, staff=True)


async def _download(item: FeedbackItem, attachment_id: int, settings: Settings, *, staff: bool) -> Stream:
    store = store_for(settings)
    attachment, opened = await services.stored_file(item, attachment_id, store, staff=staff)
    return Stream(
        opened.chunks,
        media_type=attachment.content_type,  # what the bytes are, detected on upload
        headers={
            "content-length": str(opened.size),
            "content-disposition": storage.content_disposition(attachment.filename),
            # Never let a browser second-guess the type, run anything in the file, or keep a copy of
            # a citizen's documents in a shared cache.
            "x-content-type-options": "nosniff",
            "content-security-policy": "default-src 'none'; sandbox",
            "cache-control": "private, no-store",
        },
    )
