"""Fixtures for the notifications tests."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from tortoise import Tortoise

import feedback.migrations
from feedback import db
from tests.notifications.support import SmtpHandler, SmtpServer, pick_port

# TEMPORARY: until feedback/migrations holds a migration, `db.upgrade` creates no tables on PostgreSQL
# and tests/conftest.py's `database` fails there. Build the schema from the models instead. Remove this
# block once the first migration exists (it switches itself off then anyway).
_NO_MIGRATIONS = not [
    p for p in Path(feedback.migrations.__file__).parent.glob("*.py") if p.name != "__init__.py"
]
if os.environ.get("PAKN_TEST_DATABASE_URL", "").strip() and _NO_MIGRATIONS:

    @pytest_asyncio.fixture(scope="session")
    async def database() -> AsyncIterator[str]:
        base = os.environ["PAKN_TEST_DATABASE_URL"].strip().rpartition("/")[0]
        url = f"{base}/pakn_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        await db.init(url, create_db=True)
        await Tortoise.generate_schemas()
        yield url
        await Tortoise._drop_databases()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server on its own port, running; `smtp.stop()` / `smtp.start()` take it down and up."""
    server = SmtpServer(port=pick_port(), handler=SmtpHandler())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_down() -> Iterator[SmtpServer]:
    """A port with nothing listening yet: connections are refused until the test calls start()."""
    server = SmtpServer(port=pick_port(), handler=SmtpHandler())
    yield server
    server.stop()
