"""The migrations describe the models exactly: a model change without its migration fails here."""

from __future__ import annotations

import subprocess
import sys

# Run apart from the test session's database context: Tortoise's autodetector opens its own.
CHECK = """
import asyncio, sys
from tortoise.cli.cli import tortoise_cli_context
from tortoise.migrations.autodetector import MigrationAutodetector
from feedback.db import tortoise_config

async def main():
    config = tortoise_config(sys.argv[1])
    apps = {label: dict(app) for label, app in config["apps"].items()}
    async with tortoise_cli_context(config) as context:
        writers = await MigrationAutodetector(context.apps, apps).changes()
    print([f"{w.app_label}.{w.name}" for w in writers])

asyncio.run(main())
"""


def test_no_model_change_lacks_a_migration(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK, f"sqlite://{tmp_path}/drift.sqlite3"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", f"models changed without a migration: {result.stdout}"
