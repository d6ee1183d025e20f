"""`pakn files migrate`: copy every attachment's file from one file store to another, verified.

The attachment rows say which files exist and what they are (size and SHA-256, recorded on upload),
so each file is checked three times: read from the source (it must match its row, or it is not
copied), written to the target, and read back from the target (it must match again). A file the
target already holds, verified, is left as it is: running the command again — after a crash, an
interrupted run, or once more to be sure — copies only what is still missing. The source is kept
unless `delete_source` is given, and then a file leaves the source only once the target's copy is
verified. Files no row names (orphans) are not copied: `remove_orphans` clears them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from feedback.files.store import FileMissing, FileStore, ensure_folder, remove_local
from feedback.items.models import Attachment

log = logging.getLogger("pakn")
BATCH = 200  # attachment rows per query


@dataclass
class TransferReport:
    source: str
    target: str
    total: int = 0  # attachment rows
    copied: int = 0  # copied and verified in this run
    present: int = 0  # already in the target, verified
    missing: int = 0  # in neither store
    failed: int = 0  # the source's or the target's bytes do not match the row
    deleted: int = 0  # removed from the source (with delete_source)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.failed)

    def __str__(self) -> str:
        text = (
            f"files {self.source} -> {self.target}: {self.total} attachments, {self.copied} copied,"
            f" {self.present} already there, {self.missing} missing, {self.failed} failed"
        )
        return text + (f", {self.deleted} removed from {self.source}" if self.deleted else "")


@dataclass(frozen=True)
class _Row:
    name: str
    size: int
    sha256: str


async def transfer(
    source: FileStore, target: FileStore, staging: Path, *, delete_source: bool = False
) -> TransferReport:
    """Copy every attachment's file from `source` to `target` (through a temporary file in `staging`,
    the upload folder), verifying each; see the module's text."""
    if source.kind == target.kind:
        raise ValueError(f"the source and the target are the same store ({source.kind})")
    report = TransferReport(source.kind, target.kind)
    last = 0
    while True:
        rows = (
            await Attachment.filter(id__gt=last)
            .order_by("id")
            .limit(BATCH)
            .values("id", "storage_name", "size", "sha256")
        )
        if not rows:
            return report
        last = rows[-1]["id"]
        for found in rows:
            report.total += 1
            row = _Row(found["storage_name"], found["size"], found["sha256"])
            verified = await _one(row, source, target, staging, report)
            if verified and delete_source and await source.exists(row.name):
                await source.delete([row.name])
                report.deleted += 1


async def _one(
    row: _Row, source: FileStore, target: FileStore, staging: Path, report: TransferReport
) -> bool:
    """Make sure the target holds the row's file, verified; False when it could not."""
    if await _verified(target, row):
        report.present += 1
        return True
    temporary = await _copy_out(source, row, staging)
    if temporary is None:
        report.missing += 1
        log.error("file %s is in neither the %s nor the %s store", row.name, source.kind, target.kind)
        return False
    if temporary is False:
        report.failed += 1
        log.error("file %s in the %s store does not match its row: not copied", row.name, source.kind)
        return False
    try:
        await target.put(row.name, temporary)
    finally:
        remove_local(temporary)  # already gone when the target took it
    if not await _verified(target, row):
        report.failed += 1
        log.error("file %s does not read back from the %s store as written", row.name, target.kind)
        return False
    report.copied += 1
    return True


async def _verified(store: FileStore, row: _Row) -> bool:
    """The store holds the file, with the size and the SHA-256 of its row."""
    try:
        opened = await store.open(row.name)
    except FileMissing:
        return False
    digest, size = hashlib.sha256(), 0
    async for chunk in opened.chunks:
        digest.update(chunk)
        size += len(chunk)
    return size == row.size and digest.hexdigest() == row.sha256


async def _copy_out(source: FileStore, row: _Row, staging: Path) -> Path | None | bool:
    """The source's file in a temporary file of `staging`, checked against its row; None when the
    source has no such file, False when its bytes do not match."""
    try:
        opened = await source.open(row.name)
    except FileMissing:
        return None
    path = ensure_folder(staging) / f"{secrets.token_hex(16)}.part"
    digest, size = hashlib.sha256(), 0
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            async for chunk in opened.chunks:
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
    except BaseException:
        remove_local(path)
        raise
    if size != row.size or digest.hexdigest() != row.sha256:
        remove_local(path)
        return False
    return path
