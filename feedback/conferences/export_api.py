"""`GET /api/v1/conferences/{id}/export.docx|.xlsx|.csv`: the exports of one conference, for whoever runs it
(its unit's organisers, coordinators); the XLSX and CSV carry askers' names and contacts, hence no other
role. `GET /api/v1/public/conferences/{id}/booklet.docx`: the booklet of a published conference, the
public record, for anyone (it is redacted like the public page)."""

from __future__ import annotations

from collections.abc import Callable

import anyio.to_thread
from litestar import Response, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from feedback.accounts.api import current_user
from feedback.accounts.models import StaffUser
from feedback.attachments.storage import content_disposition
from feedback.conferences import access, booklet, exports, public, sheets
from feedback.directory.reference import reference
from feedback.settings import Settings

User = NamedDependency[StaffUser]
Config = NamedDependency[Settings]
ConferenceId = FromPath[int]

MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",  # Litestar adds "; charset=utf-8" to text types itself
}
WRITERS: dict[str, Callable[[exports.ExportData], bytes]] = {
    "docx": booklet.to_docx,
    "xlsx": sheets.to_xlsx,
    "csv": sheets.to_csv,
}


async def _written(conference_id: int, kind: str) -> Response:
    data = await exports.load_export(conference_id)
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


async def _export(user: StaffUser, conference_id: int, kind: str, settings: Settings) -> Response:
    ref = await reference(settings)
    await access.run_by(
        user, conference_id, ref.units
    )  # 403 for other roles, 404 outside the organiser's units
    return await _written(conference_id, kind)


_DEPENDENCIES = {"user": Provide(current_user)}


@get(
    "/api/v1/conferences/{conference_id:int}/export.docx",
    tags=["conferences"],
    dependencies=_DEPENDENCIES,
    summary="Booklet of a conference (DOCX, askers redacted)",
)
async def export_docx(user: User, conference_id: ConferenceId, settings: Config) -> Response:
    return await _export(user, conference_id, "docx", settings)


@get(
    "/api/v1/conferences/{conference_id:int}/export.xlsx",
    tags=["conferences"],
    dependencies=_DEPENDENCIES,
    summary="Questions of a conference, one row each (XLSX, with askers' contacts)",
)
async def export_xlsx(user: User, conference_id: ConferenceId, settings: Config) -> Response:
    return await _export(user, conference_id, "xlsx", settings)


@get(
    "/api/v1/conferences/{conference_id:int}/export.csv",
    tags=["conferences"],
    dependencies=_DEPENDENCIES,
    summary="Questions of a conference, one row each (CSV UTF-8 with BOM, with askers' contacts)",
)
async def export_csv(user: User, conference_id: ConferenceId, settings: Config) -> Response:
    return await _export(user, conference_id, "csv", settings)


@get(
    "/api/v1/public/conferences/{conference_id:int}/booklet.docx",
    tags=["public"],
    summary="Booklet of a published conference (DOCX, redacted like the public page)",
)
async def public_booklet(conference_id: ConferenceId) -> Response:
    await public.published(conference_id)
    return await _written(conference_id, "docx")


EXPORT_ROUTES = [export_docx, export_xlsx, export_csv, public_booklet]
