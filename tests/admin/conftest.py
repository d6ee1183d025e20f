"""Fixtures for the administration tests.

Units, categories, routing rules and deadline policies are seeded once per test session and shared by
every test; `restore_reference` puts them back as they were after each test that changes them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio
from tortoise.models import Model

from feedback.directory import reference
from feedback.directory.models import Category, DeadlinePolicy, RoutingRule, Unit
from tests.helpers import clean_case_tables, staff_headers

# Children before parents: rows are deleted in this order.
MODELS: list[type[Model]] = [RoutingRule, DeadlinePolicy, Category, Unit]


async def _snapshot() -> dict[type[Model], dict[int, dict[str, Any]]]:
    return {model: {row["id"]: row for row in await model.all().values()} for model in MODELS}


@pytest_asyncio.fixture
async def restore_reference(database_clean) -> AsyncIterator[None]:  # noqa: ANN001
    before = await _snapshot()
    try:
        yield
    finally:
        await clean_case_tables()  # items and accounts may point at units a test created
        after = await _snapshot()
        for model in MODELS:
            new = set(after[model]) - set(before[model])
            if model is Unit:
                # Units form a tree: detach the new ones first so they can go in any order.
                await Unit.filter(id__in=new).update(parent_id=None)
            if new:
                await model.filter(id__in=new).delete()
        for model in reversed(MODELS):
            for row_id, row in before[model].items():
                if row_id not in after[model]:
                    await model.create(**row)
                elif after[model][row_id] != row:
                    await model.filter(id=row_id).update(**{k: v for k, v in row.items() if k != "id"})
        reference.invalidate()


@pytest_asyncio.fixture
async def coordinator(client, restore_reference) -> dict[str, str]:  # noqa: ANN001
    return await staff_headers(client, "dieuphoi@hanoi.gov.vn", "coordinator", "VP-UBND")


@pytest_asyncio.fixture
async def browser(restore_reference, settings, frozen_clock) -> AsyncIterator[httpx.AsyncClient]:  # noqa: ANN001
    """Like `client`, over https, so the browser keeps the (Secure) session cookies."""
    from feedback.app import create_app

    app = create_app(settings, init_db=False, background=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://test") as http:
        yield http
