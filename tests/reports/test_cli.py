"""`pakn report` as a real process on its own SQLite file: a table, CSV, XLSX and JSON of one period,
after two items were filed (one answered) through the real intake and casework services."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.test_cli import pakn

# Filed in a process of its own (the CLI's database is not the test session's): two items received on
# Thursday 1/10/2026 at phường Hà Đông's economic office, one answered on 2/10.
FILE_TWO = """
import asyncio, sys
from datetime import datetime
from zoneinfo import ZoneInfo
from feedback import clock, db
from feedback.accounts.services import create_user
from feedback.casework.answers import answer
from feedback.intake.schemas import CitizenIn, FeedbackCreate
from feedback.intake.services import submit
from feedback.settings import Settings

async def main():
    settings = Settings.from_env(env_file=None)
    await db.init(settings.database_url)
    hanoi = ZoneInfo("Asia/Ho_Chi_Minh")
    clock.use(clock.FrozenClock(datetime(2026, 10, 1, 9, tzinfo=hanoi)))
    body = dict(title="Rác thải ùn ứ", content="Rác thải không được thu gom ba ngày nay.",
                category="moi-truong", commune="09556", citizen=CitizenIn(name="Nguyễn Văn An", phone="0912345678", address="Số 12 ngõ 5 Quang Trung"))
    first = await submit(FeedbackCreate(**body), settings)
    await submit(FeedbackCreate(**body), settings)
    head = await create_user(email="kt@pakn.test", role="head", unit_code="P-09556-KT", password="mat-khau-dai-1", name="KT")
    clock.use(clock.FrozenClock(datetime(2026, 10, 2, 9, tzinfo=hanoi)))
    await answer(head, first.item.code, settings, text="Đã thu gom.")
    await db.close()

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def cli_reports(tmp_path_factory) -> Path:  # noqa: ANN001
    path = tmp_path_factory.mktemp("cli-reports")
    assert pakn(path, "db", "upgrade").returncode == 0
    assert pakn(path, "seed").returncode == 0
    env = {"PAKN_DATABASE_URL": f"sqlite://{path}/cli.sqlite3", "PAKN_SECRET_KEY": "cli-secret-key-0123456789",
           "PATH": "/usr/bin:/bin"}  # fmt: skip
    filed = subprocess.run([sys.executable, "-c", FILE_TWO], capture_output=True, text=True, env=env, cwd=path,
                           timeout=120)  # fmt: skip
    assert filed.returncode == 0, filed.stderr
    return path


OCTOBER = ("report", "--from", "2026-10-01", "--to", "2026-10-31")


def test_table_json_csv_xlsx(cli_reports) -> None:  # noqa: ANN001
    table = pakn(cli_reports, *OCTOBER, "--unit", "P-09556")
    assert table.returncode == 0, table.stderr
    assert "BÁO CÁO KẾT QUẢ" in table.stdout and "từ ngày 01/10/2026 đến ngày 31/10/2026" in table.stdout
    kt_line = next(line for line in table.stdout.splitlines() if "Phòng Kinh tế" in line)
    assert kt_line.split()[-11:] == [
        "2",
        "0",
        "2",
        "1",
        "0",
        "0",
        "0",
        "0",
        "0",
        "1",
        "50.0%",
    ]  # the other is overdue (15/10)

    data = json.loads(pakn(cli_reports, *OCTOBER, "--format", "json").stdout)
    assert data["total"]["total"] == 2 and data["total"]["answered_early"] == 1 and data["unit"] is None

    out = pakn(cli_reports, *OCTOBER, "--by", "category", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out.stdout.lstrip("\ufeff"))))
    assert rows[0][1] == "Lĩnh vực" and rows[1][0] == "moi-truong" and rows[-1][1] == "Tổng cộng"

    target = cli_reports / "thang10.xlsx"
    written = pakn(cli_reports, *OCTOBER, "--format", "xlsx", "--output", str(target))
    assert written.returncode == 0 and target.exists(), written.stderr
    sheet = load_workbook(target).active
    assert sheet["A2"].value == "UBND Thành phố Hà Nội" or "Toàn thành phố" in sheet["A2"].value
    assert sheet.cell(row=sheet.max_row, column=3).value == 2


def test_bad_arguments(cli_reports) -> None:  # noqa: ANN001
    assert "needs --output" in pakn(cli_reports, *OCTOBER, "--format", "xlsx").stderr
    assert "not a date" in pakn(cli_reports, "report", "--from", "2026-13-01", "--to", "2026-10-31").stderr
    backwards = pakn(cli_reports, "report", "--from", "2026-10-31", "--to", "2026-10-01")
    assert backwards.returncode != 0 and "kết thúc" in backwards.stderr
    unknown = pakn(cli_reports, *OCTOBER, "--unit", "KHONG-CO")
    assert unknown.returncode != 0 and "KHONG-CO" in unknown.stderr


def test_report_mail_queues_a_month_once_per_recipient(cli_reports) -> None:  # noqa: ANN001
    """`pakn report-mail`: an operator resends a month the scheduler missed; a second run queues nothing."""
    first = pakn(cli_reports, "report-mail", "--month", "2026-10")
    assert first.returncode == 0, first.stderr
    assert "monthly report 10/2026: queued 4 new messages" in first.stdout
    again = pakn(cli_reports, "report-mail", "--month", "2026-10")
    assert again.returncode == 0 and "queued 0 new messages" in again.stdout
    with sqlite3.connect(cli_reports / "cli.sqlite3") as connection:
        rows = connection.execute(
            "SELECT o.key, o.to_addr FROM outbox_message o WHERE o.kind = 'monthly_report' ORDER BY o.key"
        ).fetchall()
        heads = dict(
            connection.execute(
                "SELECT code, head_email FROM unit WHERE code IN ('HN', 'P-09556', 'P-09556-KT')"
            )
        )
        office = connection.execute("SELECT email FROM unit WHERE kind = 'coordinator'").fetchone()[0]
    # the economic office that had the items, the ward and the city above it, and the coordinator office
    assert sorted(addr for _, addr in rows) == sorted([*heads.values(), office])
    assert all(key.startswith("report:2026-10:") for key, _ in rows)

    not_closed = pakn(cli_reports, "report-mail", "--month", "2099-01")
    assert not_closed.returncode == 1 and "chưa kết thúc" in not_closed.stderr
    assert "not a month" in pakn(cli_reports, "report-mail", "--month", "2026-13").stderr
