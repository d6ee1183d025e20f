"""Attachment rows: written with the item or the answer they belong to, listed and found for download.

The files themselves are stored while the request is read (`uploads.read_form`); these functions only
write and read the rows, inside the caller's transaction, so a row exists exactly when its item or
answer was committed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Literal

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from feedback import clock
from feedback.attachments.schemas import AttachmentOut
from feedback.attachments.uploads import Upload
from feedback.errors import NotFound
from feedback.files.store import FileMissing, FileStore, Opened, StoreUnavailable
from feedback.items.models import Attachment, FeedbackItem

log = logging.getLogger("pakn")

# "contribution": files a cooperating unit sends the lead with its part; staff only.
AttachmentKind = Literal["submission", "answer", "contribution"]


async def save(
    item_id: int,
    uploads: Sequence[Upload],
    *,
    kind: AttachmentKind,
    actor_id: int | None,
    at: datetime,
    connection: BaseDBAsyncClient | None = None,
) -> list[Attachment]:
    """Write the rows of stored uploads; call it inside the transaction that writes the item or answer.

    If that transaction fails, the caller removes the files (`UploadForm.discard_on_error`).
    """
    return [
        await Attachment.create(
            using_db=connection,
            item_id=item_id,
            kind=kind,
            filename=upload.filename,
            content_type=upload.kind.content_type,
            size=upload.size,
            sha256=upload.sha256,
            storage_name=upload.storage_name,
            uploaded_by_id=actor_id,
            created_at=at,
        )
        for upload in uploads
    ]


def _visible(item: FeedbackItem, *, staff: bool) -> Q:
    """Staff see every file of an item they may see. The citizen sees the files of their submission and
    those of a sent answer, not those of a draft still waiting for approval (or written after a reopen)."""
    if staff:
        return Q(item_id=item.id)
    if item.answered_at is None:
        return Q(item_id=item.id, kind="submission")
    return Q(item_id=item.id) & (Q(kind="submission") | Q(kind="answer", created_at__lte=item.answered_at))


def download_path(item: FeedbackItem, attachment_id: int, *, staff: bool) -> str:
    prefix = "/api/v1/staff/feedback" if staff else "/api/v1/feedback"
    return f"{prefix}/{item.code}/attachments/{attachment_id}"


async def attachments_of(item: FeedbackItem, *, staff: bool = False) -> list[AttachmentOut]:
    """The item's attachments that the audience may see, oldest first, with their download paths."""
    rows = await Attachment.filter(_visible(item, staff=staff)).order_by("created_at", "id")
    return [
        AttachmentOut(
            id=a.id,
            filename=a.filename,
            content_type=a.content_type,
            size=a.size,
            kind=a.kind,
            created_at=a.created_at,
            url=download_path(item, a.id, staff=staff),
        )
        for a in rows
    ]


async def stored_file(
    item: FeedbackItem, attachment_id: int, store: FileStore, *, staff: bool
) -> tuple[Attachment, Opened]:
    """An attachment of this item the audience may see, opened for streaming; anything else (a file
    the store lost included) is 'not found'."""
    found = await Attachment.filter(_visible(item, staff=staff), id=attachment_id).first()
    if found is None:
        raise NotFound("Không tìm thấy tệp đính kèm")
    try:
        return found, await store.open(found.storage_name)
    except FileMissing:
        log.error("attachment file %s is missing from the %s file store", found.storage_name, store.kind)
        raise NotFound("Không tìm thấy tệp đính kèm") from None
    except Exception as exc:
        log.exception("the %s file store did not give file %s", store.kind, found.storage_name)
        raise StoreUnavailable from exc


async def remove_orphans(store: FileStore, *, older_than: timedelta = timedelta(hours=1)) -> int:
    """Delete stored files that no row names; returns how many.

    Only a crash between storing a file and committing (or rolling back) its row leaves one behind:
    every handled failure removes its files at once. Files younger than `older_than` are left alone,
    since they may belong to a request still running. Meant for a daily job.
    """
    old = await store.names_older_than((clock.now() - older_than).timestamp())
    known: set[str] = set()
    for start in range(0, len(old), 500):
        batch = old[start : start + 500]
        known.update(await Attachment.filter(storage_name__in=batch).values_list("storage_name", flat=True))
    orphans = [name for name in old if name not in known]
    await store.delete(orphans)
    if orphans:
        log.warning("removed %d orphan upload(s) older than %s", len(orphans), older_than)
    return len(orphans)
