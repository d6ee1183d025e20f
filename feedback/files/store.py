"""The file store interface, the local folder store, and `store_for(settings)`, the one way to a store.

A file is received into the upload folder first (`attachments.storage.StagedFile`: hashed, sniffed,
checked while it arrives); once the whole request was read, `put` hands it to the store. For the
local store that is a rename in the same folder, as it always was; the database and S3 stores copy
the bytes and remove the local copy, so the upload folder only ever holds files being received.

Downloads stream: `open` checks that the file is there (so a missing file is a 404 before the response
starts) and gives its size and an async iterator of chunks.
"""

from __future__ import annotations

import abc
import contextlib
import os
import re
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import anyio

from feedback.errors import DomainError

if TYPE_CHECKING:
    from feedback.settings import Settings

# 32 hex digits + an extension of the accepted kinds: all a stored name can be (≤ 64, the column).
STORED_NAME = re.compile(r"[0-9a-f]{32}\.[a-z]{3,4}")
# A file still being received in the upload folder (`attachments.storage.StagedFile`).
PARTIAL_NAME = re.compile(r"[0-9a-f]{32}\.part")
T = TypeVar("T")
CHUNK = 256 * 1024  # bytes per chunk of a streamed download
STORES = ("local", "database", "s3")


class FileMissing(LookupError):
    """The store has no file of that name (or the name is not one a store can hold)."""


class StoreUnavailable(DomainError):
    """The store did not answer or refused (S3 down, wrong credentials): the request can be tried again
    later, and the operator reads the cause in the log."""

    status_code = 503

    def __init__(self, *, field: str | None = None) -> None:
        super().__init__(
            "Hệ thống chưa lưu trữ được tệp đính kèm lúc này. Xin vui lòng thử lại sau ít phút.", field=field
        )


def check_name(name: str) -> str:
    """A stored name as the store may use it: anything else never meets a path, a row or a key."""
    if not STORED_NAME.fullmatch(name):
        raise FileMissing(name)
    return name


@dataclass
class Opened:
    """A stored file ready to be streamed: its size and its bytes, chunk by chunk."""

    size: int
    chunks: AsyncIterator[bytes]

    async def read(self) -> bytes:
        return b"".join([chunk async for chunk in self.chunks])


class FileStore(abc.ABC):
    """Where attachment files are kept. Every method takes stored names (`STORED_NAME`)."""

    kind: str

    @abc.abstractmethod
    async def put(self, name: str, source: Path) -> None:
        """Store the complete local file `source` under `name`, replacing any file of that name; the
        local file is gone afterwards (moved, or copied and removed)."""

    @abc.abstractmethod
    async def open(self, name: str) -> Opened:
        """The file, for streaming; `FileMissing` if there is none."""

    @abc.abstractmethod
    async def exists(self, name: str) -> bool: ...

    @abc.abstractmethod
    async def delete(self, names: Iterable[str]) -> None:
        """Remove files; missing ones are fine (this runs on error paths, possibly twice)."""

    @abc.abstractmethod
    async def names_older_than(self, timestamp: float) -> list[str]:
        """The names of the files stored before `timestamp` (for the orphan sweep)."""

    async def read(self, name: str) -> bytes:
        return await (await self.open(name)).read()

    async def close(self) -> None:  # noqa: B027 - most stores hold nothing to close
        """Release what the store holds (connections); it may be used again afterwards."""


class LocalStore(FileStore):
    """Files in the upload folder (PAKN_UPLOAD_DIR), private to the service's user: one machine only."""

    kind = "local"

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, name: str) -> Path:
        return self.root / check_name(name)

    async def put(self, name: str, source: Path) -> None:
        target = self.path(name)
        if source != target:
            ensure_folder(self.root)
            os.replace(source, target)  # same folder as the staged file: an atomic rename

    async def open(self, name: str) -> Opened:
        path = self.path(name)
        try:
            handle = await anyio.open_file(path, "rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise FileMissing(name) from None
        size = os.fstat(handle.wrapped.fileno()).st_size

        async def chunks() -> AsyncIterator[bytes]:
            async with handle:
                while chunk := await handle.read(CHUNK):
                    yield chunk

        return Opened(size, chunks())

    async def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    async def delete(self, names: Iterable[str]) -> None:
        for name in names:
            if STORED_NAME.fullmatch(name) or PARTIAL_NAME.fullmatch(name):
                with contextlib.suppress(FileNotFoundError):
                    (self.root / name).unlink()

    async def names_older_than(self, timestamp: float) -> list[str]:
        """Stored files and files left half-received by a crash, both by name."""
        if not self.root.is_dir():
            return []
        return sorted(
            p.name
            for p in self.root.iterdir()
            if (STORED_NAME.fullmatch(p.name) or PARTIAL_NAME.fullmatch(p.name))
            and p.is_file()
            and p.stat().st_mtime < timestamp
        )


def remove_local(path: Path) -> None:
    """Remove a file of the upload folder, if it is still there (a microsecond: no thread needed)."""
    path.unlink(missing_ok=True)


def ensure_folder(root: Path) -> Path:
    """The upload folder, created private to the service's user (0700) when missing."""
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    return root


def make_store(settings: Settings, kind: str | None = None) -> FileStore:
    """A new store of `kind` (the configured one by default), for the migration command and tests."""
    kind = kind or settings.file_store
    if kind == "local":
        return LocalStore(settings.upload_dir)
    if kind == "database":
        from feedback.files.database import DatabaseStore

        return DatabaseStore()
    if kind == "s3":
        from feedback.files.s3 import S3Store
        from feedback.settings import SettingsError

        if not settings.s3.bucket:
            raise SettingsError("PAKN_S3_BUCKET is missing: the s3 file store needs the bucket's name")

        return S3Store(settings.s3)
    raise ValueError(f"unknown file store {kind!r}: one of {', '.join(STORES)}")


_stores: dict[tuple[object, ...], FileStore] = {}


def store_for(settings: Settings) -> FileStore:
    """The configured store, made once per configuration (an S3 client is worth keeping)."""
    key = (settings.file_store, settings.upload_dir, settings.s3)
    if key not in _stores:
        _stores[key] = make_store(settings)
    return _stores[key]


async def run_sync(call: Callable[[], T]) -> T:
    """A blocking call (a boto3 request) in a worker thread, off the event loop."""
    return await anyio.to_thread.run_sync(call)
