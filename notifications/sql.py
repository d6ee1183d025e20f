"""Raw SQL on Tortoise's connection, for the few set-based statements the ORM cannot express."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient


def is_postgres(conn: BaseDBAsyncClient) -> bool:
    return conn.capabilities.dialect == "postgres"


def sql_for(conn: BaseDBAsyncClient, sql: str) -> str:
    """Our SQL is written with `?` placeholders (SQLite); asyncpg wants $1, $2 … instead."""
    if not is_postgres(conn):
        return sql
    numbers = iter(range(1, 1_000_000))
    return re.sub(r"\?", lambda _: f"${next(numbers)}", sql)


def marks(values: Sequence[Any]) -> str:
    """`?, ?, ?` for an IN (…) list."""
    return ", ".join("?" * len(values))
