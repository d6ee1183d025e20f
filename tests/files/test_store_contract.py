"""The one contract every file store keeps, run against each: the local folder, the database (SQLite or
PostgreSQL, whichever the session runs on) and a real S3 server process."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from feedback.files.store import CHUNK, FileMissing, FileStore

NAME = "0123456789abcdef0123456789abcdef.pdf"
OTHER = "fedcba9876543210fedcba9876543210.png"


def local_file(folder: Path, data: bytes, name: str = "a" * 32 + ".part") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


async def test_put_then_read_back_byte_for_byte(store: FileStore, tmp_path: Path) -> None:
    data = b"%PDF-1.7\n" + os.urandom(5000)
    source = local_file(tmp_path / "in", data)
    assert not await store.exists(NAME)
    await store.put(NAME, source)
    assert not source.exists()  # the store took the file
    assert await store.exists(NAME)
    opened = await store.open(NAME)
    assert opened.size == len(data)
    assert await opened.read() == data
    assert await store.read(NAME) == data  # and again: reading leaves it there


async def test_a_large_file_streams_in_chunks(store: FileStore, tmp_path: Path) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)  # past every store's chunk and slice size
    await store.put(NAME, local_file(tmp_path, data))
    opened = await store.open(NAME)
    chunks = [chunk async for chunk in opened.chunks]
    assert len(chunks) > 1 and max(len(c) for c in chunks) <= max(CHUNK, 1024 * 1024)
    assert b"".join(chunks) == data
    assert hashlib.sha256(b"".join(chunks)).digest() == hashlib.sha256(data).digest()


async def test_put_again_replaces(store: FileStore, tmp_path: Path) -> None:
    await store.put(NAME, local_file(tmp_path, b"first"))
    await store.put(NAME, local_file(tmp_path, b"second, longer"))
    assert await store.read(NAME) == b"second, longer"


async def test_delete_is_quiet_about_missing_files(store: FileStore, tmp_path: Path) -> None:
    await store.put(NAME, local_file(tmp_path, b"one"))
    await store.put(OTHER, local_file(tmp_path, b"two"))
    await store.delete([NAME, NAME, "not-a-stored-name", "../" + OTHER])
    await store.delete([NAME])
    await store.delete([])
    assert not await store.exists(NAME)
    assert await store.read(OTHER) == b"two"
    with pytest.raises(FileMissing):
        await store.open(NAME)


@pytest.mark.parametrize(
    "name", ["../secret.png", "passwd", "A" * 32 + ".png", "0" * 32 + ".png/x", "", "0" * 32 + ".png"]
)
async def test_a_name_that_is_not_stored_is_missing(store: FileStore, name: str) -> None:
    with pytest.raises(FileMissing):
        await store.open(name)
    if name and "/" not in name and name == name.lower() and len(name) > 30:
        assert not await store.exists(name)


async def test_names_older_than(store: FileStore, tmp_path: Path) -> None:
    await store.put(NAME, local_file(tmp_path, b"x"))
    # The stores date a file by their own clock (file mtime, row, object's Last-Modified): real time.
    assert NAME in await store.names_older_than(time.time() + 120)
    assert NAME not in await store.names_older_than(time.time() - 3600)
