"""A bounded schemathesis run against pakn in a uvicorn process (`make fuzz`, run by .ci/run).

Every operation of /schema/openapi.json, anonymous and with a coordinator's token, a few generated
requests each; fails on any 5xx, any status the document does not list, or a body that does not match
the document. On SQLite unless PAKN_FUZZ_DATABASE_URL names a PostgreSQL server's database URL (a
database of its own is created there and dropped).

    python tests/edge/fuzz.py [--examples 5]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

BIN = Path(sys.executable).parent
PASSWORD = "mat-khau-kiem-thu-fuzz"
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pakn(env: dict[str, str], *args: str, stdin: str | None = None) -> None:
    subprocess.run(
        [str(BIN / "pakn"), *args], env=env, input=stdin, text=True, check=True, capture_output=True
    )


def wait_up(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/health", timeout=1)  # noqa: S310 - our own server
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"pakn did not start at {url}")


def token(url: str, email: str) -> str:
    request = urllib.request.Request(
        url + "/api/v1/auth/login",
        data=json.dumps({"email": email, "password": PASSWORD}).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())["token"]


def schemathesis(url: str, examples: int, cwd: str, *headers: str) -> int:
    command = [
        str(BIN / "schemathesis"), "run", f"{url}/schema/openapi.json",
        f"--checks={CHECKS}", f"--max-examples={examples}", "--phases=examples,fuzzing",
        "--workers=2", "--request-timeout=20", "--generation-deterministic", "--no-color",
        "--suppress-health-check=all", "--mode=all",
    ]  # fmt: skip
    for header in headers:
        command += ["-H", header]
    # In the temporary directory: schemathesis keeps a cache of crashes in ./.schemathesis.
    return subprocess.run(command, check=False, cwd=cwd).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pakn-fuzz-") as tmp:
        base = os.environ.get("PAKN_FUZZ_DATABASE_URL", "").strip()
        database = (
            f"{base.rpartition('/')[0]}/pakn_fuzz_{uuid.uuid4().hex[:6]}"
            if base
            else f"sqlite://{tmp}/fuzz.sqlite3"
        )
        port = free_port()
        env = {
            **os.environ,
            "PAKN_DATABASE_URL": database,
            "PAKN_SECRET_KEY": "fuzz-secret-key-0123456789abcdef",
            "PAKN_SCHEDULER": "off",
            "PAKN_UPLOAD_DIR": f"{tmp}/uploads",
            "PAKN_BASE_URL": f"http://127.0.0.1:{port}",
            "PAKN_SMTP_HOST": "127.0.0.1",
            "PAKN_SMTP_PORT": str(free_port()),  # nothing listens: mail waits in the outbox
        }
        admin = f"{base.rpartition('/')[0]}/postgres"  # the server's maintenance database
        if base:
            subprocess.run(
                ["psql", admin, "-qc", f'CREATE DATABASE "{database.rpartition("/")[2]}"'], check=True
            )
        server = None
        try:
            pakn(env, "db", "upgrade")
            pakn(env, "seed")
            pakn(env, "users", "create", "--email", "fuzz@hanoi.gov.vn", "--role", "coordinator",
                 "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
            url = f"http://127.0.0.1:{port}"
            server = subprocess.Popen(
                [
                    str(BIN / "uvicorn"),
                    "--factory",
                    "feedback.asgi:create",
                    "--port",
                    str(port),
                    "--no-access-log",
                ],
                env=env,
            )
            wait_up(url)
            started = time.monotonic()
            anonymous = schemathesis(url, args.examples, tmp)
            staff = schemathesis(
                url, args.examples, tmp, f"Authorization: Bearer {token(url, 'fuzz@hanoi.gov.vn')}"
            )
            print(f"fuzz: anonymous rc={anonymous}, staff rc={staff}, {time.monotonic() - started:.0f} s")
            return anonymous or staff
        finally:
            if server is not None:
                server.terminate()
                server.wait(10)
            if base:
                subprocess.run(
                    [
                        "psql",
                        admin,
                        "-qc",
                        f'DROP DATABASE IF EXISTS "{database.rpartition("/")[2]}" WITH (FORCE)',
                    ],
                    check=False,
                )


if __name__ == "__main__":
    sys.exit(main())
