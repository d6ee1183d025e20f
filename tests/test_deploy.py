"""The deployment kit in deploy/ names commands, settings and limits that exist (docs/operations.md)."""

from __future__ import annotations

import importlib
import re
import shlex
from pathlib import Path

import pytest

from feedback.attachments.uploads import MAX_BODY
from feedback.cli import _parser
from feedback.security.client import _trusted
from feedback.settings import Settings

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def _exec_start(unit: Path) -> list[str]:
    text = unit.read_text(encoding="utf-8").replace("\\\n", " ")
    (line,) = re.findall(r"^ExecStart=(.+)$", text, flags=re.MULTILINE)
    return shlex.split(line)


def _env_example() -> dict[str, str]:
    lines = (DEPLOY / "pakn.env.example").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_each_unit_runs_a_command_that_exists(unit: Path) -> None:
    command = _exec_start(unit)
    program = Path(command[0]).name
    if program == "pakn":
        _parser().parse_args(command[1:])  # exits (SystemExit) on an unknown command or option
    else:
        assert program == "uvicorn"
        assert {"--factory", "--no-access-log", "--no-proxy-headers"} <= set(command)
        module, _, name = command[command.index("--factory") + 1].partition(":")
        assert callable(getattr(importlib.import_module(module), name))
    assert "EnvironmentFile=/etc/pakn/pakn.env" in unit.read_text(encoding="utf-8")


def test_web_processes_leave_the_scheduler_to_its_own_unit() -> None:
    web = (DEPLOY / "systemd" / "pakn-web.service").read_text(encoding="utf-8")
    assert "Environment=PAKN_SCHEDULER=off" in web
    assert _exec_start(DEPLOY / "systemd" / "pakn-scheduler.service")[1:] == ["scheduler"]
    assert _exec_start(DEPLOY / "systemd" / "pakn-upgrade.service")[1:] == ["db", "upgrade"]
    assert "Type=oneshot" in (DEPLOY / "systemd" / "pakn-upgrade.service").read_text(encoding="utf-8")


def test_the_example_settings_are_real_settings() -> None:
    env = _env_example()
    source = Path(importlib.import_module("feedback.settings").__file__).read_text(encoding="utf-8")
    for key in env:
        assert f'"{key}"' in source, key
    settings = Settings.from_env(environ=env, require=("PAKN_SECRET_KEY", "PAKN_SMTP_HOST"))
    assert settings.database_url.startswith("postgres://")


def test_nginx_forwards_what_pakn_reads_and_lets_the_biggest_filing_through() -> None:
    conf = (DEPLOY / "nginx" / "pakn.conf").read_text(encoding="utf-8")
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in conf
    (upstream,) = re.findall(r"^\s*server (\d+\.\d+\.\d+\.\d+):(\d+);", conf, flags=re.MULTILINE)
    # nginx connects from the address it proxies to (same machine): pakn must trust that one.
    settings = Settings.from_env(environ=_env_example())
    assert _trusted(upstream[0], settings)
    (size,) = re.findall(r"client_max_body_size (\d+)m;", conf)
    assert int(size) * 2**20 >= MAX_BODY
    assert "$request_uri" not in conf.split("log_format", 1)[1].split(";", 1)[0]  # no ?token= in logs


def test_the_container_image_runs_unprivileged_and_upgrades_apart() -> None:
    image = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    assert image.startswith("#") and "\nFROM python:3.11-slim\n" in image
    assert re.search(r"^USER pakn$", image, flags=re.MULTILINE)
    assert "PAKN_SCHEDULER=off" in image and '"feedback.asgi:create"' in image
    assert "db upgrade" not in image.split("\nCMD", 1)[1]
