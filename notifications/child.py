"""The delivering process's children (the witness): how one starts, and how it logs.

A child is `python -m <module> <fd>`, holding one end of a Unix socket pair; it ends when it reads that
the parent's end closed. It logs the way its parent does (SPEC §11: one line per event with time and
level, as text or JSON): the parent hands over its log formatter in PAKN_CHILD_LOGGING, a dictConfig
formatter in JSON, so that notifications need not know where the service's logging is set up.
"""

from __future__ import annotations

import json
import logging
import logging.config
import os
import socket
import subprocess
import sys

_ENV = "PAKN_CHILD_LOGGING"
_TEXT = {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}  # when the parent set up none


def start(
    module: str, kind: int, *, own_session: bool = False
) -> tuple[socket.socket, subprocess.Popen[bytes]]:
    """Start `module` with the other end of a new socket pair of `kind`; OSError when it cannot be.
    `own_session`: out of the parent's process group, so that a group kill spares it."""
    mine, theirs = socket.socketpair(socket.AF_UNIX, kind)
    try:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", module, str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            start_new_session=own_session,
            stdin=subprocess.DEVNULL,
            env={**os.environ, _ENV: json.dumps(_parent_formatter())},
        )
    except BaseException:
        mine.close()
        raise
    finally:
        theirs.close()
    return mine, process


def _parent_formatter() -> dict[str, str]:
    """This process's log formatter as a dictConfig formatter: its format string, or its class."""
    for handler in logging.getLogger().handlers:
        formatter = handler.formatter
        if formatter is None:
            continue
        if type(formatter) is logging.Formatter:
            return {"format": formatter._fmt or _TEXT["format"]}  # noqa: SLF001 (the format it was given)
        return {"()": f"{type(formatter).__module__}.{type(formatter).__qualname__}"}
    return dict(_TEXT)


def configure_logging() -> None:
    """In the child: log to stderr (the parent's) as the parent does."""
    try:
        _configure(json.loads(os.environ.get(_ENV) or "null") or _TEXT)
    except (ValueError, TypeError, ImportError):  # a formatter this child cannot build: text, then
        _configure(_TEXT)


def _configure(formatter: dict[str, str]) -> None:
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"parent": formatter},
            "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "parent"}},
            "root": {"handlers": ["stderr"], "level": "INFO"},
        }
    )
