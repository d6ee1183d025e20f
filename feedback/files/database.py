"""PAKN_FILE_STORE=database: files as rows of `file_blob`, reachable from every machine of the database.

A file is at most 10 MB (`attachments.uploads.MAX_FILE_SIZE`), so it is written in one statement, and
read back in slices of 1 MB (`substr`, which both SQLite and PostgreSQL apply to bytes): a download
never holds more than a slice in memory. The rows are in pg_dump with the rest of the data.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from pathlib import Path

import anyio
from tortoise.transactions import in_transaction

from feedback import clock, db
from feedback.files.models import FileBlob
from feedback.files.store import FileMissing, FileStore, Opened, check_name, remove_local

SLICE = 1024 * 1024  # bytes per query of a streamed download
BATCH = 500  # names per DELETE


class DatabaseStore(FileStore):
    kind = "database"

    async def put(self, name: str, source: Path) -> None:
        check_name(name)
        data = await anyio.Path(source).read_bytes()
        async with in_transaction() as connection:  # a file copied again replaces the first copy
            await FileBlob.filter(name=name).using_db(connection).delete()
            await FileBlob.create(
                name=name, size=len(data), data=data, created_at=clock.now(), using_db=connection
            )
        remove_local(source)

    async def open(self, name: str) -> Opened:
        rows = await db.fetch("SELECT size FROM file_blob WHERE name = $1", check_name(name))
        if not rows:
            raise FileMissing(name)
        size = int(rows[0]["size"])

        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, size, SLICE):
                # substr counts from 1, in bytes for a blob (SQLite) and for bytea (PostgreSQL).
                part = await db.fetch(
                    "SELECT substr(data, $1, $2) AS part FROM file_blob WHERE name = $3",
                    start + 1,
                    SLICE,
                    name,
                )
                if not part or part[0]["part"] is None:
                    return  # removed while it was being read: the response ends short
                yield bytes(part[0]["part"])

        return Opened(size, chunks())

    async def exists(self, name: str) -> bool:
        return bool(await db.fetch("SELECT 1 AS found FROM file_blob WHERE name = $1", check_name(name)))

    async def delete(self, names: Iterable[str]) -> None:
        wanted = sorted({n for n in names if _valid(n)})
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start : start + BATCH]
            await FileBlob.filter(name__in=batch).delete()

    async def names_older_than(self, timestamp: float) -> list[str]:
        before = datetime.fromtimestamp(timestamp, UTC)
        return list(
            await FileBlob.filter(created_at__lt=before).order_by("name").values_list("name", flat=True)
        )


def _valid(name: str) -> bool:
    try:
        check_name(name)
    except FileMissing:
        return False
    return True
