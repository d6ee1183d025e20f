"""A bounded schemathesis run against pakn in a uvicorn process (`make fuzz`, run by .ci/run).

Every operation of /schema/openapi.json, anonymous and with a coordinator's token, a few generated
requests each; fails on any 5xx, any status the document does not list, or a body that does not match
the document. Then the Open311 community's GeoReport v2 swagger (tests/open311/schemas/
swagger.patched.json) against /open311/v2 with an API key issued for the run: no 5xx, and every answer
the swagger documents matches its schema (the swagger lists only its 200s, so pakn's 400/403/404 are
not held against it). On SQLite unless PAKN_FUZZ_DATABASE_URL names a PostgreSQL server's database URL (a
database of its own is created there and dropped).

    python tests/edge/fuzz.py [--examples 5] [--only open311]
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
GEOREPORT = Path(__file__).parents[1] / "open311" / "schemas" / "swagger.patched.json"
GEOREPORT_CHECKS = "not_a_server_error,response_schema_conformance"


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


def api_key(url: str, bearer: str) -> str:
    """A key for the GeoReport run, issued through the admin API like a coordinator would."""
    request = urllib.request.Request(
        url + "/api/v1/admin/api-keys",
        data=json.dumps({"name": "schemathesis"}).encode(),
        headers={"content-type": "application/json", "authorization": f"Bearer {bearer}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())["key"]


def georeport(url: str, examples: int, cwd: str, key: str) -> int:
    """The GeoReport v2 swagger against /open311/v2, the swagger's `api_key` scheme given the run's key."""
    config = Path(cwd) / "schemathesis.toml"
    # A real field for the paths that name one, so that generated requests reach past the 404.
    config.write_text(
        f'[auth.openapi.api_key]\napi_key = "{key}"\n\n[parameters]\n"path.service_code" = "moi-truong"\n'
    )
    command = [
        str(BIN / "schemathesis"), "--config-file", str(config), "run", str(GEOREPORT),
        f"--url={url}/open311/v2", f"--checks={GEOREPORT_CHECKS}", f"--max-examples={examples}",
        "--phases=examples,fuzzing", "--workers=2", "--request-timeout=20", "--generation-deterministic",
        "--no-color", "--suppress-health-check=all", "--mode=all",
    ]  # fmt: skip
    return subprocess.run(command, check=False, cwd=cwd).returncode


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
    parser.add_argument("--only", choices=("open311",), help="only the GeoReport v2 swagger's run")
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
            bearer = token(url, "fuzz@hanoi.gov.vn")
            key = api_key(url, bearer)  # before the staff run, which logs the token out at some point
            anonymous = staff = 0
            if args.only is None:
                anonymous = schemathesis(url, args.examples, tmp)
                staff = schemathesis(url, args.examples, tmp, f"Authorization: Bearer {bearer}")
            open311 = georeport(url, args.examples, tmp, key)
            print(
                f"fuzz: anonymous rc={anonymous}, staff rc={staff}, open311 rc={open311},"
                f" {time.monotonic() - started:.0f} s"
            )
            return anonymous or staff or open311
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
