"""Fixtures for the security tests: apps built with their own settings, reached from chosen addresses."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest_asyncio

Connect = Callable[..., httpx.AsyncClient]


@pytest_asyncio.fixture
async def connect(database_clean, settings, frozen_clock) -> AsyncIterator[Connect]:
    """`connect(address="10.0.0.7", app=None, **setting_overrides)`: an HTTP client for a fresh app.

    The client speaks https so the browser-like cookie jar sends Secure cookies back.
    """
    from feedback.app import create_app

    async with AsyncExitStack() as stack:

        def open_client(address: str = "127.0.0.1", app: Any = None, **overrides: Any) -> httpx.AsyncClient:
            if app is None:
                app = create_app(dataclasses.replace(settings, **overrides), init_db=False, background=False)
            transport = httpx.ASGITransport(app=app, client=(address, 40000))
            client = httpx.AsyncClient(transport=transport, base_url="https://pakn.test")
            stack.push_async_callback(client.aclose)
            return client

        yield open_client
