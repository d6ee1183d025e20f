"""The delivering process's children log as their parent does (SPEC §11: one line per event, with time
and level, as text or JSON): notifications/child.py hands the parent's formatter over."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys

import pytest

from feedback.logs import TEXT_FORMAT, JsonFormatter
from notifications import child

LOG_A_LINE = (
    "import logging; from notifications import child; child.configure_logging();"
    " logging.getLogger('notifications.witness').info('delivery witness: its sender died')"
)


def child_line(monkeypatch: pytest.MonkeyPatch, formatter: logging.Formatter) -> str:
    handler = logging.StreamHandler()
    handler.setFormatter(formatter)
    monkeypatch.setattr(logging.getLogger(), "handlers", [handler])
    env = {**os.environ, "PAKN_CHILD_LOGGING": json.dumps(child._parent_formatter())}
    done = subprocess.run(
        [sys.executable, "-c", LOG_A_LINE], env=env, capture_output=True, text=True, check=True, timeout=30
    )
    [line] = done.stderr.splitlines()
    return line


def test_a_child_of_a_json_logging_parent_logs_json(monkeypatch: pytest.MonkeyPatch) -> None:
    line = json.loads(child_line(monkeypatch, JsonFormatter()))
    assert line["level"] == "INFO" and line["logger"] == "notifications.witness"
    assert line["message"] == "delivery witness: its sender died" and line["time"]


def test_a_child_of_a_text_logging_parent_logs_time_and_level(monkeypatch: pytest.MonkeyPatch) -> None:
    line = child_line(monkeypatch, logging.Formatter(TEXT_FORMAT))
    assert " INFO notifications.witness: delivery witness: its sender died" in line
    assert line[:4].isdigit()  # the time first


def test_the_witness_starts_with_the_parents_formatter(monkeypatch: pytest.MonkeyPatch) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    monkeypatch.setattr(logging.getLogger(), "handlers", [handler])
    seen: list[dict[str, str]] = []
    real = subprocess.Popen

    def popen(args, **kwargs):  # noqa: ANN001, ANN003, ANN202
        seen.append(json.loads(kwargs["env"]["PAKN_CHILD_LOGGING"]))
        return real(args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", popen)
    mine, process = child.start("notifications.witness", socket.SOCK_SEQPACKET)
    mine.close()  # the witness reads the end of its socket and, told of no database, exits
    assert process.wait(30) == 0
    assert seen == [{"()": "feedback.logs.JsonFormatter"}]
