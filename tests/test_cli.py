"""The `pakn` command line, run as a real process against its own SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def pakn(tmp_path: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PAKN_")}
    environ.update({"PAKN_DATABASE_URL": f"sqlite://{tmp_path}/cli.sqlite3", **env})
    return subprocess.run(
        [sys.executable, "-m", "feedback", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environ,
        cwd=tmp_path,
        timeout=120,
    )


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory) -> Path:  # noqa: ANN001
    path = tmp_path_factory.mktemp("cli")
    assert pakn(path, "db", "upgrade").returncode == 0
    return path


def test_seed_is_idempotent(cli_db) -> None:
    first = pakn(cli_db, "seed")
    assert first.returncode == 0, first.stderr
    second = pakn(cli_db, "seed")
    assert second.returncode == 0 and "added 0 units" in second.stdout, second.stdout


def test_users_create_reads_password_from_stdin(cli_db) -> None:
    pakn(cli_db, "seed")

    def create(email: str, unit: str) -> subprocess.CompletedProcess:
        args = ("users", "create", "--email", email, "--role", "officer", "--unit", unit, "--password-stdin")
        return pakn(cli_db, *args, stdin="mot-mat-khau-dai\n")

    created = create("canbo@hadong.vn", "P-09556-KT")
    assert created.returncode == 0, created.stderr
    assert "officer canbo@hadong.vn" in created.stdout
    again = create("canbo@hadong.vn", "P-09556-KT")
    assert again.returncode != 0 and "canbo@hadong.vn" in again.stderr
    unknown_unit = create("x@hadong.vn", "KHONG-CO")
    assert unknown_unit.returncode != 0 and "KHONG-CO" in unknown_unit.stderr


def test_sweep_and_deliver(cli_db, smtp_server) -> None:  # noqa: ANN001
    pakn(cli_db, "seed")
    dry = pakn(cli_db, "sweep", "--dry-run")
    assert dry.returncode == 0 and "would send" in dry.stdout, dry.stderr
    assert pakn(cli_db, "sweep").returncode == 0
    delivered = pakn(cli_db, "deliver", PAKN_SMTP_HOST="127.0.0.1", PAKN_SMTP_PORT=str(smtp_server.port))
    assert delivered.returncode == 0, delivered.stderr
    assert delivered.stdout.startswith("sent ")


@pytest.mark.parametrize(
    ("args", "env", "named"),
    [
        (("sweep",), {"PAKN_TIMEZONE": "Mars/Olympus"}, "PAKN_TIMEZONE"),
        (("deliver",), {}, "PAKN_SMTP_HOST"),
        (("deliver",), {"PAKN_SMTP_HOST": "mail", "PAKN_SMTP_PORT": "port"}, "PAKN_SMTP_PORT"),
        (("serve",), {"PAKN_SMTP_HOST": "mail"}, "PAKN_SECRET_KEY"),
    ],
)
def test_bad_settings_stop_with_a_message(cli_db, args, env, named) -> None:
    result = pakn(cli_db, *args, **env)
    assert result.returncode != 0
    assert named in result.stderr
    assert "Traceback" not in result.stderr
