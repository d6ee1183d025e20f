"""Raw SQL on Tortoise's connection, for the set-based statements the ORM cannot express.

pakn writes raw SQL once, with PostgreSQL's numbered placeholders $1, $2 …; SQLite takes the same
numbers as ?1, ?2 … (which also lets a statement use one parameter twice).
"""

from __future__ import annotations

import re

from tortoise.backends.base.client import BaseDBAsyncClient

_PARAM = re.compile(r"\$(\d+)")


def is_postgres(conn: BaseDBAsyncClient) -> bool:
    return conn.capabilities.dialect == "postgres"


def dialect_sql(conn: BaseDBAsyncClient, sql: str) -> str:
    return sql if is_postgres(conn) else _PARAM.sub(r"?\1", sql)


def marks(count: int, first: int = 1) -> str:
    """`$first, $first+1, …` for a VALUES row or an IN (…) list of `count` parameters."""
    return ", ".join(f"${n}" for n in range(first, first + count))
