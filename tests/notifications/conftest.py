"""Fixtures for the notifications tests: real SMTP servers (aiosmtpd) that a test can take down and up."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.notifications.support import SmtpHandler, SmtpServer, pick_port


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
