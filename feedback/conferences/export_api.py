"""`GET /api/v1/conferences/{id}/export.docx|.xlsx|.csv`: the exports of one conference, for organisers
and coordinators. The XLSX and CSV carry askers' names and contacts, hence no other role."""

from __future__ import annotations

from collections.abc import Callable

import anyio.to_thread
from litestar import Response, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from feedback.accounts.api import current_user
from feedback.accounts.models import StaffUser
from feedback.attachments.storage import content_disposition
from feedback.conferences import exports
from feedback.errors import Forbidden

User = NamedDependency[StaffUser]
ConferenceId = FromPath[int]

EXPORT_ROLES = ("organiser", "coordinator")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
WRITERS: dict[str, Callable[[exports.ExportData], bytes]] = {
    "docx": exports.to_docx,
    "xlsx": exports.to_xlsx,
    "csv": exports.to_csv,
}


async def _export(user: StaffUser, conference_id: int, kind: str) -> Response:
    if user.role not in EXPORT_ROLES:
        raise Forbidden("Chỉ người tổ chức hội nghị hoặc điều phối viên được xuất dữ liệu hội nghị")
    data = await exports.load_export(conference_id)  # DoesNotExist -> 404
    # Thousands of questions take a second or so of CPU: not on the event loop.
    content = await anyio.to_thread.run_sync(WRITERS[kind], data)
    return Response(
        content,
        media_type=MEDIA_TYPES[kind],
        headers={
            "Content-Disposition": content_disposition(exports.filename(conference_id, kind)),
            "Cache-Control": "no-store",
        },
    )


_DEPENDENCIES = {"user": Provide(current_user)}


@get(
    "/api/v1/conferences/{conference_id:int}/export.docx",
    tags=["conferences"],
    dependencies=_DEPENDENCIES,
    summary="Booklet of a conference (DOCX, askers redacted)",
)
async def export_docx(user: User, conference_id: ConferenceId) -> Response:
    return await _export(user, conference_id, "docx")


@get(
    "/api/v1/conferences/{conference_id:int}/export.xlsx",
    tags=["conferences"],
    dependencies=_DEPENDENCIES,
    summary="Questions of a conference, one row each (XLSX, with askers' contacts)",
)
async def export_xlsx(user: User, conference_id: ConferenceId) -> Response:
    return await _export(user, conference_id, "xlsx")


@get(
    "/api/v1/conferences/{conference_id:int}/export.csv",
    tags=["conferences"],
    dependencies=_DEPENDENCIES,
    summary="Questions of a conference, one row each (CSV UTF-8 with BOM, with askers' contacts)",
)
async def export_csv(user: User, conference_id: ConferenceId) -> Response:
    return await _export(user, conference_id, "csv")


EXPORT_ROUTES = [export_docx, export_xlsx, export_csv]
