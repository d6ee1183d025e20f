"""Fixtures of the file store tests: the S3 server process and a store of each kind."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from feedback.files.store import FileStore, make_store
from feedback.settings import Settings
from tests.files import s3server
from tests.files.stores import KINDS, settings_for


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


@pytest_asyncio.fixture(params=KINDS)
async def store(
    request: pytest.FixtureRequest, settings: Settings, database_clean: str
) -> AsyncIterator[FileStore]:
    made = make_store(settings_for(request.param, settings, request))
    yield made
    await made.close()
