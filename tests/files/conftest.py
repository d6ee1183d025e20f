"""Fixtures of the file store tests: the S3 server process and a store of each kind."""

from __future__ import annotations

import dataclasses
import os
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from feedback.files.store import FileStore, make_store
from feedback.settings import Settings
from tests.files import s3server

KINDS = ("local", "database", "s3")


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[s3server.S3Server]:
    command = s3server.moto_server_command()
    if command is None:
        if os.environ.get("CI"):
            pytest.fail("moto_server is missing: `make install` installs it with the test extras")
        pytest.skip("no S3 server on this machine: moto_server (pip install 'moto[server]') is not installed")
    server = s3server.start(command, tmp_path_factory.mktemp("s3") / "moto.log")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def s3_bucket(s3_server: s3server.S3Server) -> str:
    return s3_server.new_bucket()


def settings_for(kind: str, settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """The test's settings with the file store `kind`; for s3, the test server (started only when an s3
    test runs) and a prefix of its own in the session's bucket."""
    if kind != "s3":
        return dataclasses.replace(settings, file_store=kind)
    server = request.getfixturevalue("s3_server")
    bucket = request.getfixturevalue("s3_bucket")
    config = server.config(bucket, prefix=f"t-{uuid.uuid4().hex[:8]}/")
    return dataclasses.replace(settings, file_store="s3", s3=config)


@pytest_asyncio.fixture(params=KINDS)
async def store(
    request: pytest.FixtureRequest, settings: Settings, database_clean: str
) -> AsyncIterator[FileStore]:
    made = make_store(settings_for(request.param, settings, request))
    yield made
    await made.close()
