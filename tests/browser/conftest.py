"""Browser tests: pakn running for real (uvicorn in a subprocess) and Debian's Chromium driven by Playwright.

Fixtures (see docs/browser-tests.md):

- `live_server` (session): a `LiveServer`; `.url` is its base URL ("http://127.0.0.1:PORT"), `.mail` the
  SMTP catcher's handler (`.messages`, `.to(address)`, `.clear()`), `await .wait_for_mail(address)`,
  `.pakn(*args)` runs the pakn CLI against the same database (e.g. `users create`), `.log()` its output.
- `base_url` (session): `live_server.url`.
- `browser` (session): a Playwright `Browser` (Chromium from /usr/bin/chromium).
- `page` (per test): a `Page` in a fresh context (own cookies), with `base_url` set, so `page.goto("/")`
  works; `page_log` (per test, the same one the page writes to) holds its console errors, page errors,
  failed requests and 4xx/5xx responses (`page_log.problems`: all of them).
- `screenshots` (session): build/screenshots/ (`make screenshots` copies them to docs/screenshots/).
- `tile_server` (session): a map tile server in a thread (`.template` for PAKN_MAP_TILES, `.requests`);
  `map_server` (session): a second pakn whose maps use it; `open_page(browser, url, page_log)` opens a
  page on it.

They skip (with the reason) when Chromium is missing outside CI; in CI (`CI` set) they fail instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import struct
import subprocess
import sys
import threading
import time
import uuid
import zlib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from tests.notifications.support import SmtpHandler, SmtpServer, pick_port

CHROMIUM = os.environ.get("PAKN_TEST_CHROMIUM", "/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 30


@pytest.fixture(scope="session", autouse=True)
def _chromium_available() -> None:
    """Every test here needs Chromium: skip without it, except in CI where it must be installed."""
    if Path(CHROMIUM).is_file():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing; CI must install it (apt-get install -y chromium)", pytrace=False)
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); browser tests run only with it")


# --- pakn for real -----------------------------------------------------------------------------------


@dataclass
class LiveServer:
    url: str
    database_url: str
    mail: SmtpHandler
    env: dict[str, str]
    workdir: Path
    log_path: Path
    process: subprocess.Popen | None = field(default=None, repr=False)

    def pakn(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess:  # noqa: A002
        """Run `python -m feedback ARGS` with the server's settings (same database); fails on error."""
        return _run_cli(self, list(args), input=input)

    def log(self) -> str:
        """What the server printed so far (uvicorn's and pakn's logs)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    async def wait_for_mail(
        self, address: str, *, count: int = 1, within: float = 20.0
    ) -> list[EmailMessage]:
        """The mails to `address` once at least `count` arrived (pakn delivers every 5 seconds)."""
        deadline = time.monotonic() + within
        while True:
            found = self.mail.to(address)
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(found)} of {count} mails to {address} after {within}s")
            await asyncio.sleep(0.25)


def _run_cli(server: LiveServer, args: list[str], *, input: str | None = None) -> subprocess.CompletedProcess:  # noqa: A002
    done = subprocess.run(
        [sys.executable, "-m", "feedback", *args],
        env=server.env,
        cwd=server.workdir,
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise AssertionError(
            f"pakn {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    return done


async def _create_postgres_database(url: str) -> str:
    """A database of its own next to PAKN_TEST_DATABASE_URL's (the suite's own is in use)."""
    import asyncpg

    base, _, _name = url.rpartition("/")
    name = f"pakn_browser_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return f"{base}/{name}"


async def _drop_postgres_database(admin_url: str, url: str) -> None:
    import asyncpg

    name = url.rpartition("/")[2]
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def live_smtp() -> Iterator[SmtpServer]:
    """The real SMTP server (aiosmtpd, in a thread) the live pakn sends its mail to."""
    server = SmtpServer(port=pick_port(), handler=SmtpHandler())
    server.start()
    yield server
    server.stop()


@pytest_asyncio.fixture(scope="session")
async def live_server(
    live_smtp: SmtpServer, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LiveServer]:
    async with running_pakn(live_smtp, tmp_path_factory.mktemp("live")) as server:
        yield server


@asynccontextmanager
async def running_pakn(live_smtp: SmtpServer, workdir: Path, **settings: str) -> AsyncIterator[LiveServer]:
    """pakn in a subprocess with a database of its own; `settings` are further PAKN_* variables.

    `workdir` is also its cwd, so no developer's .env is read."""
    pg_url = os.environ.get("PAKN_TEST_DATABASE_URL", "").strip()
    database_url = await _create_postgres_database(pg_url) if pg_url else f"sqlite://{workdir}/pakn.sqlite3"
    port = pick_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAKN_")}
    env.update(
        PAKN_DATABASE_URL=database_url,
        PAKN_SECRET_KEY="browser-test-secret-key-0123456789",
        PAKN_SMTP_HOST="127.0.0.1",
        PAKN_SMTP_PORT=str(live_smtp.port),
        PAKN_MAIL_FROM="PAKN Hà Nội <pakn@hanoi.pakn.localhost>",
        PAKN_BASE_URL=url,
        PAKN_RATE_LIMIT="off",
        PAKN_UPLOAD_DIR=str(workdir / "uploads"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        PYTHONUNBUFFERED="1",
    )
    env.update(settings)
    server = LiveServer(
        url=url, database_url=database_url, mail=live_smtp.handler, env=env, workdir=workdir,
        log_path=workdir / "server.log",
    )  # fmt: skip
    try:
        server.pakn("db", "upgrade")
        server.pakn("seed")
        server.process = _start(server, port)
        await _wait_until_healthy(server)
        yield server
    finally:
        _stop(server.process)
        if pg_url:
            await _drop_postgres_database(pg_url, database_url)


# --- a map tile server, and pakn with a map --------------------------------------------------------


@dataclass
class TileServer:
    """A tile server for the maps: one 256×256 PNG for every /{z}/{x}/{y}.png, each request counted."""

    template: str  # what PAKN_MAP_TILES gets: "http://127.0.0.1:PORT/{z}/{x}/{y}.png"
    requests: list[str] = field(default_factory=list)  # the paths asked for, in order


def tile_png(size: int = 256) -> bytes:
    """A pale tile with a darker 1-pixel grid line along its top and left edges (so tiles show as a grid)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    paper, line = b"\xee\xf0\xe6", b"\xc8\xcc\xbe"
    rows = [b"\x00" + line * size] + [b"\x00" + line + paper * (size - 1)] * (size - 1)
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="session")
def tile_server() -> Iterator[TileServer]:
    tile = tile_png()
    requests: list[str] = []

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            found = re.fullmatch(r"/\d{1,2}/-?\d{1,7}/-?\d{1,7}\.png", self.path)
            if found:
                requests.append(self.path)
            self.send_response(200 if found else 404)
            self.send_header("content-type", "image/png" if found else "text/plain")
            self.send_header("content-length", str(len(tile) if found else 0))
            self.end_headers()
            if found:
                # A map that moves on cancels the tiles it no longer needs: the browser hangs up.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(tile)

        def log_message(self, *args: Any) -> None:  # quiet: the test reads `requests`
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    thread = threading.Thread(target=server.serve_forever, name="tile-server", daemon=True)
    thread.start()
    try:
        yield TileServer(f"http://127.0.0.1:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png", requests)
    finally:
        server.shutdown()
        server.server_close()


@pytest_asyncio.fixture(scope="session")
async def map_server(
    live_smtp: SmtpServer, tile_server: TileServer, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LiveServer]:
    """A second pakn with PAKN_MAP_TILES set to `tile_server` (`live_server` has no map, as by default).

    Started only by the tests that ask for it; it shares the SMTP catcher with `live_server`."""
    tiles = {"PAKN_MAP_TILES": tile_server.template, "PAKN_MAP_ATTRIBUTION": "© Bản đồ thử nghiệm"}
    async with running_pakn(live_smtp, tmp_path_factory.mktemp("map"), **tiles) as server:
        yield server


def _start(server: LiveServer, port: int) -> subprocess.Popen:
    with server.log_path.open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "feedback.asgi:create",
             "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
            env=server.env, cwd=server.workdir, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip


async def _wait_until_healthy(server: LiveServer) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    async with httpx.AsyncClient(base_url=server.url, timeout=2.0) as client:
        while True:
            if server.process.poll() is not None:
                raise RuntimeError(f"pakn exited with {server.process.returncode}:\n{server.log()}")
            try:
                if (await client.get("/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"pakn did not answer /health in {STARTUP_SECONDS}s:\n{server.log()}")
            await asyncio.sleep(0.2)


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    return live_server.url


# --- Chromium ----------------------------------------------------------------------------------------


@pytest_asyncio.fixture(scope="session")
async def browser() -> AsyncIterator:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            yield chromium
        finally:
            await chromium.close()


@dataclass
class PageLog:
    """What went wrong in the page: each entry is a short line fit for an assertion message."""

    console_errors: list[str] = field(default_factory=list)  # CSP violations show up here
    page_errors: list[str] = field(default_factory=list)  # uncaught JavaScript exceptions
    failed_requests: list[str] = field(default_factory=list)  # network failures, blocked requests
    error_responses: list[str] = field(default_factory=list)  # answers with status 400 or more

    @property
    def problems(self) -> list[str]:
        # A field suggestion still on its way when the form is sent is cancelled by the browser as the
        # page leaves ("aborted"): on a slow machine that happens, and it is no failure.
        failed = [
            r
            for r in self.failed_requests
            if not ("/feedback/suggest?" in r and r.endswith("net::ERR_ABORTED"))
        ]
        return self.console_errors + self.page_errors + failed + self.error_responses


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest_asyncio.fixture
async def page(browser, base_url: str, page_log: PageLog) -> AsyncIterator:  # noqa: ANN001
    async with open_page(browser, base_url, page_log) as tab:
        yield tab


@asynccontextmanager
async def open_page(browser, base_url: str, page_log: PageLog, **context_options: Any) -> AsyncIterator:  # noqa: ANN001
    """A `Page` in a fresh context on `base_url` whose problems go to `page_log` (the `page` fixture)."""
    context = await browser.new_context(
        base_url=base_url, locale="vi-VN", viewport={"width": 1280, "height": 900}, **context_options
    )
    try:
        tab = await context.new_page()
        tab.on(
            "console",
            lambda message: (
                page_log.console_errors.append(f"{message.text} ({message.location.get('url')})")
                if message.type == "error"
                else None
            ),
        )
        tab.on("pageerror", lambda error: page_log.page_errors.append(str(error)))
        tab.on(
            "requestfailed",
            lambda request: page_log.failed_requests.append(f"{request.url}: {request.failure}"),
        )
        tab.on(
            "response",
            lambda response: (
                page_log.error_responses.append(f"{response.status} {response.url}")
                if response.status >= 400
                else None
            ),
        )
        yield tab
    finally:
        await context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """build/screenshots/, where tests save the pictures the docs show (`screenshots / "home.png"`).

    Not docs/screenshots/ itself, so that running the tests leaves the work tree clean: `make
    screenshots` copies them there when the pages change.
    """
    folder = REPO / "build" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
