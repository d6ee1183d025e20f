"""The service-level contract the answer action relies on: rows in the caller's transaction, and the
clean-up of files a crash could leave behind."""

from __future__ import annotations

import os
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from feedback import clock
from feedback.attachments.services import attachments_of, remove_orphans, save
from feedback.attachments.sniff import PDF
from feedback.attachments.storage import StagedFile
from feedback.attachments.uploads import Upload
from feedback.files.store import LocalStore
from feedback.items.models import Attachment, FeedbackItem
from tests.attachments import files
from tests.helpers import citizen_body


def stored_pdf(settings: Any, name: str = "Công văn.pdf") -> Upload:
    staged = StagedFile(settings.upload_dir)
    staged.write(files.pdf())
    path = staged.finish(PDF)
    return Upload(name, PDF, staged.size, staged.sha256, path.name)


async def test_save_writes_in_the_callers_transaction(client, settings) -> None:
    code = (await client.post("/api/v1/feedback", json=citizen_body())).json()["code"]
    item = await FeedbackItem.get(code=code)
    upload = stored_pdf(settings)

    with pytest.raises(RuntimeError):
        async with in_transaction():
            await save(item.id, [upload], kind="answer", actor_id=None, at=clock.now())
            raise RuntimeError("the answer could not be written")
    assert await Attachment.all().count() == 0

    async with in_transaction() as connection:
        [row] = await save(
            item.id, [upload], kind="answer", actor_id=None, at=clock.now(), connection=connection
        )
    assert (row.filename, row.content_type, row.kind, row.storage_name) == (
        "Công văn.pdf",
        "application/pdf",
        "answer",
        upload.storage_name,
    )
    [listed] = await attachments_of(item, staff=True)
    assert listed.url == f"/api/v1/staff/feedback/{code}/attachments/{row.id}"


async def test_remove_orphans_keeps_files_with_rows_and_recent_ones(client, settings, frozen_clock) -> None:
    code = (await client.post("/api/v1/feedback", json=citizen_body())).json()["code"]
    item = await FeedbackItem.get(code=code)
    kept, orphan, recent = stored_pdf(settings), stored_pdf(settings), stored_pdf(settings)
    await save(item.id, [kept], kind="submission", actor_id=None, at=clock.now())
    partial = settings.upload_dir / ("0" * 32 + ".part")
    partial.write_bytes(b"half a file")
    hour_ago = frozen_clock.now().timestamp() - 2 * 3600
    root = settings.upload_dir
    for path in (root / kept.storage_name, root / orphan.storage_name, partial):
        os.utime(path, (hour_ago, hour_ago))
    os.utime(root / recent.storage_name, (frozen_clock.now().timestamp(), frozen_clock.now().timestamp()))

    assert await remove_orphans(LocalStore(root)) == 2
    assert sorted(p.name for p in root.iterdir()) == sorted([kept.storage_name, recent.storage_name])
    assert await remove_orphans(LocalStore(root / "missing")) == 0
