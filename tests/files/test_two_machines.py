"""Two machines behind one load balancer: two real `pakn serve` processes on one database, each with
its own upload folder (its own disk), PAKN_FILE_STORE=database. A file uploaded through one is served
by the other. On PostgreSQL when the session runs on it, otherwise on the session's SQLite file."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.attachments import files
from tests.helpers import PASSWORD, citizen_body
from tests.notifications.support import SmtpServer


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Machine:
    def __init__(self, name: str, folder: Path, database: str, smtp_port: int) -> None:
        self.port = free_port()
        self.upload_dir = folder / name / "uploads"
        self.log = folder / f"{name}.log"
        environ = {k: v for k, v in os.environ.items() if not k.startswith("PAKN_")}
        environ |= {
            "PAKN_DATABASE_URL": database,
            "PAKN_FILE_STORE": "database",
            "PAKN_UPLOAD_DIR": str(self.upload_dir),
            "PAKN_SECRET_KEY": "two-machines-secret-0123456789",
            "PAKN_SMTP_HOST": "127.0.0.1",
            "PAKN_SMTP_PORT": str(smtp_port),
            "PAKN_SCHEDULER": "off",
            "PAKN_RATE_LIMIT": "off",
            "PAKN_BASE_URL": f"http://127.0.0.1:{self.port}",
        }
        (folder / name).mkdir(parents=True)
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "feedback", "serve", "--port", str(self.port)],
                stdout=out, stderr=subprocess.STDOUT, env=environ, cwd=folder / name,
            )  # fmt: skip

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            try:
                # /health answers (200, or 503 with no scheduler here) once the app is up.
                httpx.get(f"{self.url}/health", timeout=2)
                return
            except httpx.TransportError:
                time.sleep(0.2)
        raise AssertionError(f"pakn serve did not answer within 60 s: {self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def machines(
    database_clean: str, smtp_server: SmtpServer, tmp_path: Path
) -> Iterator[tuple[Machine, Machine]]:
    pair = (
        Machine("may-1", tmp_path, database_clean, smtp_server.port),
        Machine("may-2", tmp_path, database_clean, smtp_server.port),
    )
    try:
        for machine in pair:
            machine.wait_ready()
        yield pair
    finally:
        for machine in pair:
            machine.stop()


async def test_a_second_machine_serves_the_first_ones_files(machines: tuple[Machine, Machine]) -> None:
    from feedback.accounts.services import create_user

    first, second = machines
    png, docx = files.png(4, 4), files.docx()
    async with (
        httpx.AsyncClient(base_url=first.url, timeout=30) as one,
        httpx.AsyncClient(base_url=second.url, timeout=30) as two,
    ):
        created = await one.post(
            "/api/v1/feedback",
            data={"data": json.dumps(citizen_body())},
            files=[
                ("files", ("Ảnh hiện trường.png", png, "application/octet-stream")),
                ("files", ("Biên bản.docx", docx, "application/octet-stream")),
            ],
        )
        assert created.status_code == 201, created.text
        body = created.json()
        # The citizen's download through the other machine, byte for byte.
        for attachment, content in zip(body["attachments"], (png, docx), strict=True):
            download = await two.get(attachment["url"], headers={"X-Access-Token": body["token"]})
            assert download.status_code == 200, download.text
            assert download.content == content
            assert download.headers["content-type"] == attachment["content_type"]
        # Staff of the unit, logged in on the second machine.
        await create_user(
            email="canbo@hadong.vn", role="officer", unit_code="P-09556-KT", password=PASSWORD, name="Cán bộ"
        )
        login = await two.post("/api/v1/auth/login", json={"email": "canbo@hadong.vn", "password": PASSWORD})
        assert login.status_code == 200, login.text
        staff = {"Authorization": f"Bearer {login.json()['token']}"}
        staff_url = f"/api/v1/staff/feedback/{body['code']}/attachments/{body['attachments'][1]['id']}"
        download = await two.get(staff_url, headers=staff)
        assert download.status_code == 200 and download.content == docx

        # The other way round: a file sent to the second machine, served by the first.
        again = await two.post(
            "/api/v1/feedback",
            data={"data": json.dumps(citizen_body(title="Đèn đường hỏng tại ngõ 5"))},
            files=[("files", ("don.pdf", files.pdf(), "application/octet-stream"))],
        )
        assert again.status_code == 201, again.text
        other = again.json()
        back = await one.get(other["attachments"][0]["url"], params={"token": other["token"]})
        assert back.status_code == 200 and back.content == files.pdf()

    # Neither machine kept a file on its own disk: the upload folders only received them.
    for machine in machines:
        assert list(machine.upload_dir.iterdir()) == []
