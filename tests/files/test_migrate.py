"""`pakn files migrate`: every attachment's file copied to another store, verified, resumable, and the
source kept unless asked — between every pair of stores, in process and as the real command."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from feedback.attachments.transfer import transfer
from feedback.files.store import FileStore, make_store
from feedback.items.models import Attachment
from feedback.settings import Settings
from tests.attachments import files
from tests.files.stores import KINDS, settings_for
from tests.helpers import citizen_body

PAIRS = [(a, b) for a in KINDS for b in KINDS if a != b]


async def file_three(client: httpx.AsyncClient) -> dict[str, bytes]:
    """Two items with three files between them, filed through the API into the local store."""
    sent = [("anh.png", files.png(3, 3)), ("don.pdf", files.pdf()), ("bang.xlsx", files.xlsx())]
    for batch in (sent[:2], sent[2:]):
        response = await client.post(
            "/api/v1/feedback",
            data={"data": json.dumps(citizen_body())},
            files=[("files", (n, c, "application/octet-stream")) for n, c in batch],
        )
        assert response.status_code == 201, response.text
    rows = await Attachment.all().order_by("id")
    return {row.storage_name: content for row, (_, content) in zip(rows, sent, strict=True)}


async def contents(store: FileStore, names: list[str]) -> dict[str, bytes | None]:
    return {name: (await store.read(name) if await store.exists(name) else None) for name in names}


@pytest.mark.parametrize(("source_kind", "target_kind"), PAIRS, ids=[f"{a}-to-{b}" for a, b in PAIRS])
async def test_migrate_between_stores(client, settings: Settings, request, source_kind, target_kind) -> None:  # noqa: ANN001
    expected = await file_three(client)
    names = sorted(expected)
    configured = settings_for("s3", settings, request) if "s3" in (source_kind, target_kind) else settings
    local = make_store(configured, "local")
    source, target = make_store(configured, source_kind), make_store(configured, target_kind)
    if source_kind != "local":  # put the files where this case starts from
        moved = await transfer(local, source, settings.upload_dir, delete_source=True)
        assert (moved.copied, moved.deleted) == (3, 3)

    first = await transfer(source, target, settings.upload_dir)
    assert (first.total, first.copied, first.present, first.missing, first.failed) == (3, 3, 0, 0, 0)
    assert first.ok and "3 copied" in str(first)
    assert await contents(target, names) == expected
    assert await contents(source, names) == expected  # the source is kept

    again = await transfer(source, target, settings.upload_dir)  # idempotent: nothing to copy
    assert (again.copied, again.present, again.deleted) == (0, 3, 0)

    cleared = await transfer(source, target, settings.upload_dir, delete_source=True)
    assert (cleared.copied, cleared.present, cleared.deleted) == (0, 3, 3)
    assert await contents(source, names) == dict.fromkeys(names)
    assert await contents(target, names) == expected
    # Nothing half-received is left in the upload folder (the local store's own files aside).
    assert not [p for p in settings.upload_dir.iterdir() if p.suffix == ".part"]
    for store in (source, target):
        await store.close()


async def test_migrate_verifies_and_resumes(client, settings: Settings) -> None:
    expected = await file_three(client)
    good, stale, corrupt = sorted(expected)
    source, target = make_store(settings, "local"), make_store(settings, "database")
    staged = settings.upload_dir / ("f" * 32 + ".part")
    # An earlier, interrupted run copied one file, and left another one wrong in the target.
    staged.write_bytes(expected[good])
    await target.put(good, staged)
    staged.write_bytes(b"half of it")
    await target.put(stale, staged)
    # One file went bad in the source; one row's file is in neither store.
    (settings.upload_dir / corrupt).write_bytes(b"not what was uploaded")
    ghost = await Attachment.create(
        item_id=(await Attachment.first()).item_id, kind="submission", filename="mat.pdf",
        content_type="application/pdf", size=3, sha256=hashlib.sha256(b"abc").hexdigest(),
        storage_name="e" * 32 + ".pdf", created_at=(await Attachment.first()).created_at,
    )  # fmt: skip

    report = await transfer(source, target, settings.upload_dir, delete_source=True)
    assert (report.total, report.copied, report.present, report.missing, report.failed) == (4, 1, 1, 1, 1)
    assert not report.ok
    assert await target.read(stale) == expected[stale]  # copied again, right this time
    assert not await target.exists(corrupt)  # a file that does not match its row is not copied…
    assert (settings.upload_dir / corrupt).read_bytes() == b"not what was uploaded"  # …nor removed
    assert not await target.exists(ghost.storage_name)
    assert report.deleted == 2  # only the verified copies left the source
    assert not (settings.upload_dir / good).exists() and not (settings.upload_dir / stale).exists()


def pakn(settings: Settings, database_url: str, *args: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PAKN_", "AWS_"))}
    environ |= {"PAKN_DATABASE_URL": database_url, "PAKN_UPLOAD_DIR": str(settings.upload_dir)}
    if settings.s3.bucket:
        s3 = settings.s3
        environ |= {
            "PAKN_S3_BUCKET": s3.bucket, "PAKN_S3_ENDPOINT_URL": s3.endpoint_url, "PAKN_S3_REGION": s3.region,
            "PAKN_S3_ACCESS_KEY": s3.access_key, "PAKN_S3_SECRET_KEY": s3.secret_key, "PAKN_S3_PREFIX": s3.prefix,
        }  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "feedback", "files", "migrate", *args],
        capture_output=True, text=True, env=environ, cwd=settings.upload_dir.parent, timeout=120,
    )  # fmt: skip


async def test_the_migrate_command(client, settings: Settings, database: str, request) -> None:  # noqa: ANN001
    expected = await file_three(client)
    names = sorted(expected)
    with_s3 = settings_for("s3", settings, request)

    to_db = pakn(with_s3, database, "--from", "local", "--to", "database")
    assert to_db.returncode == 0, to_db.stderr
    assert (
        "files local -> database: 3 attachments, 3 copied, 0 already there, 0 missing, 0 failed"
        in to_db.stdout
    )
    to_s3 = pakn(with_s3, database, "--from", "database", "--to", "s3", "--delete-source")
    assert to_s3.returncode == 0, to_s3.stderr
    assert "3 copied" in to_s3.stdout and "3 removed from database" in to_s3.stdout
    rerun = pakn(with_s3, database, "--from", "database", "--to", "s3")
    assert rerun.returncode == 0 and "0 copied, 3 already there" in rerun.stdout, rerun.stdout

    s3 = make_store(with_s3, "s3")
    assert await contents(s3, names) == expected
    assert await contents(make_store(with_s3, "database"), names) == dict.fromkeys(names)
    await s3.close()

    # Files lost from both stores: reported, and the command fails so that a script notices.
    for name in names:
        (settings.upload_dir / name).unlink()
    lost = pakn(with_s3, database, "--from", "local", "--to", "database")
    assert lost.returncode == 1 and "3 missing" in lost.stdout and "not copied" in lost.stderr

    same = pakn(with_s3, database, "--from", "s3", "--to", "s3")
    assert same.returncode != 0 and "two different stores" in same.stderr
    no_bucket = pakn(dataclasses.replace(settings), database, "--from", "local", "--to", "s3")
    assert no_bucket.returncode != 0 and "PAKN_S3_BUCKET is missing" in no_bucket.stderr


def test_files_migrate_is_documented() -> None:
    operations = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text(encoding="utf-8")
    assert "pakn files migrate --from local --to database" in operations
    assert "PAKN_FILE_STORE" in operations and "PAKN_S3_BUCKET" in operations
