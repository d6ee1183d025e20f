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


def test_calendar_prints_each_day_with_its_source(cli_db) -> None:
    import sqlite3

    with sqlite3.connect(cli_db / "cli.sqlite3") as conn:  # a coordinator's exception, as the admin stores it
        conn.execute(
            "INSERT INTO calendar_exception (day, working, note, created_at) VALUES (?, ?, ?, ?)",
            ("2026-12-24", False, "Nghỉ theo chỉ đạo của UBND Thành phố", "2026-11-23 02:00:00+00:00"),
        )
    try:
        result = pakn(cli_db, "calendar", "2026")
    finally:
        with sqlite3.connect(cli_db / "cli.sqlite3") as conn:
            conn.execute("DELETE FROM calendar_exception WHERE day = '2026-12-24'")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    off, _, rest = out.partition("Ngày làm việc vào thứ Bảy, Chủ nhật")
    worked, _, kept = rest.partition("Ngày vẫn làm việc")
    assert "Thứ Năm 01/01/2026  Tết Dương lịch" in off and "Điều 112 khoản 1 điểm a" in off
    assert "Thứ Sáu 02/01/2026" in off and "Công văn số 12729/VPCP-KGVX ngày 25/12/2025" in off
    assert "Thông báo số 9441/TB-BNV ngày 16/10/2025" in off  # Tết and 2/9 2026
    assert "Thứ Hai 27/04/2026" in off and "Điều 111 khoản 3" in off
    assert "Thứ Năm 24/12/2026" in off and "ngoại lệ của điều phối viên" in off
    assert "Thứ Bảy 10/01/2026" in worked and "Thứ Bảy 22/08/2026" in worked
    assert "Thứ Ba 24/11/2026  Ngày Văn hóa Việt Nam" in kept and "chưa có căn cứ" in kept
    assert "Thứ Tư 25/11/2026" not in out  # an ordinary day is not listed


def test_calendar_refuses_a_year_out_of_range(cli_db) -> None:
    result = pakn(cli_db, "calendar", "1800")
    assert result.returncode != 0 and "Năm phải từ 2000 đến 2100" in result.stderr
    assert "Traceback" not in result.stderr
