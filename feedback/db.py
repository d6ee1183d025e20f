"""Database set-up: one Tortoise config for the service, the CLI, migrations and the tests."""

from __future__ import annotations

import os
from typing import Any

from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.config_generator import expand_db_url

from notifications import sql

MODEL_MODULES = [
    "feedback.directory.models",
    "feedback.deadlines.models",
    "feedback.items.models",
    "feedback.accounts.models",
    "feedback.security.models",
    "feedback.conferences.models",
    "feedback.open311.models",
    "feedback.files.models",
    "feedback.reports.models",
    "notifications.models",
]


def tortoise_config(url: str) -> dict[str, Any]:
    return {
        "connections": {"default": _connection(url)},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "feedback.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _connection(url: str) -> str | dict[str, Any]:
    if url.startswith("sqlite://") and url != "sqlite://:memory:":
        # WAL lets the web process read while the scheduler writes; busy_timeout waits for a writer
        # instead of failing at once with "database is locked".
        return {
            "engine": "tortoise.backends.sqlite",
            "credentials": {
                "file_path": url.removeprefix("sqlite://"),
                "journal_mode": "WAL",
                "journal_size_limit": 16384,
                "foreign_keys": "ON",
                "busy_timeout": 10000,
            },
        }
    if url.startswith("sqlite://"):
        return url
    config = expand_db_url(url)
    credentials = config["credentials"]
    credentials.setdefault("maxsize", 10)
    credentials["reset"] = _end_open_transaction
    return config


async def _end_open_transaction(connection: Any) -> None:
    """What asyncpg's pool runs when a connection is released.

    asyncpg's default sends "SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL" after
    every query: one more round trip each time, for session features pakn never uses. Only a
    transaction left open (which Tortoise never does) would need ending.
    """
    if connection.is_in_transaction():
        await connection.execute("ROLLBACK")


# For Tortoise's own CLI: `tortoise -c feedback.db.TORTOISE_ORM makemigrations`.
TORTOISE_ORM = tortoise_config(os.environ.get("PAKN_DATABASE_URL", "sqlite://pakn.sqlite3"))


async def init(url: str, *, create_db: bool = False) -> None:
    await Tortoise.init(config=tortoise_config(url), _create_db=create_db, _enable_global_fallback=True)


async def close() -> None:
    await Tortoise.close_connections()


def conn() -> BaseDBAsyncClient:
    return connections.get("default")


def is_postgres(connection: BaseDBAsyncClient | None = None) -> bool:
    return sql.is_postgres(connection or conn())


async def upgrade(url: str) -> None:
    """Create or migrate the schema (`pakn db upgrade`). Run it once per deploy, not per process."""
    from tortoise.migrations.api.migrate import migrate

    await migrate(config=tortoise_config(url), direction="forward")


async def fetch(
    statement: str, *params: Any, connection: BaseDBAsyncClient | None = None
) -> list[dict[str, Any]]:
    connection = connection or conn()
    return list(await connection.execute_query_dict(sql.dialect_sql(connection, statement), list(params)))


async def execute(statement: str, *params: Any, connection: BaseDBAsyncClient | None = None) -> int:
    """Run one statement; returns the number of rows it touched.

    Not for counting an INSERT's rows on PostgreSQL: Tortoise reads the OID field of asyncpg's
    "INSERT 0 n" status and returns 0. Count those with RETURNING through fetch().
    """
    connection = connection or conn()
    count, _ = await connection.execute_query(sql.dialect_sql(connection, statement), list(params))
    return count
