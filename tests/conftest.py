"""Shared fixtures: one database per test session (SQLite in memory, or PostgreSQL when
PAKN_TEST_DATABASE_URL is set), built by the real migrations and cleaned between tests."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import pytest_asyncio
from tortoise import Tortoise

from feedback import clock, db
from tests.helpers import clean_case_tables

REFERENCE_TABLES = ["routing_rule", "deadline_policy", "commune", "category", "unit"]


def _test_url(tmp_dir: str) -> str:
    url = os.environ.get("PAKN_TEST_DATABASE_URL", "").strip()
    if not url:
        return f"sqlite://{tmp_dir}/pakn-test.sqlite3"
    # A database of our own per session, so two runs (or a developer and CI) never collide.
    base, _, _name = url.rpartition("/")
    return f"{base}/pakn_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"


@pytest_asyncio.fixture(scope="session")
async def database(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    url = _test_url(str(tmp_path_factory.mktemp("db")))
    # The schema comes from the real migrations, so they are tested on both databases.
    await db.init(url, create_db=True)
    try:
        await db.close()
        await db.upgrade(url)
        await db.close()
        await db.init(url)
        from feedback.directory.seed import seed

        await seed()
        yield url
    finally:
        # Drop the session's database even when set-up failed, so no run leaves one behind.
        if not url.startswith("sqlite"):
            await db.close()
            await db.init(url)
            await Tortoise._drop_databases()
        else:
            await db.close()


@pytest_asyncio.fixture
async def database_clean(database: str) -> AsyncIterator[str]:
    from feedback.directory import reference

    await clean_case_tables()
    reference.invalidate()
    yield database


@pytest.fixture
def frozen_clock() -> clock.FrozenClock:
    """A clock standing at Monday 2026-11-23 09:00 in Hanoi unless a test moves it."""
    frozen = clock.FrozenClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    previous = clock.use(frozen)
    yield frozen
    clock.use(previous)


# --- the application, its settings and a real SMTP server -------------------------------------------

import httpx  # noqa: E402

from feedback.settings import RateLimit, Settings  # noqa: E402
from notifications.delivery import SmtpConfig  # noqa: E402
from tests.notifications.support import SmtpHandler, SmtpServer, pick_port  # noqa: E402


@pytest.fixture(scope="session")
def smtp_server() -> SmtpServer:
    """A real SMTP server (aiosmtpd) for the whole session; `mailbox` gives each test an empty one."""
    server = SmtpServer(port=pick_port(), handler=SmtpHandler())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(smtp_server: SmtpServer) -> SmtpHandler:
    smtp_server.handler.clear()
    return smtp_server.handler


@pytest.fixture
def settings(smtp_server, tmp_path) -> Settings:  # noqa: ANN001
    return Settings(
        database_url="unused-in-tests",
        smtp=SmtpConfig(
            host="127.0.0.1", port=smtp_server.port, mail_from="PAKN Hà Nội <pakn@hanoi.pakn.localhost>"
        ),
        base_url="https://pakn.test",
        secret_key="test-secret-key-0123456789",
        upload_dir=tmp_path / "uploads",
        # The suite files many items from one address; tests of the limit itself lower it.
        rate_limit=RateLimit(10_000, 60),
    )


@pytest_asyncio.fixture
async def client(database_clean, settings, frozen_clock):  # noqa: ANN001
    from feedback.app import create_app

    app = create_app(settings, init_db=False, background=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield http
