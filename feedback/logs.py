"""Logging for every pakn process (web and scheduler), set up here and nowhere else (SPEC §11).

One line per event with time and level, as text or (PAKN_LOG_FORMAT=json) one JSON object a line. What
pakn logs carries no personal data by construction (ids, counts, kinds); the libraries that would log
some (aiosmtpd logs every SMTP command, recipients included) are kept at WARNING.
"""

from __future__ import annotations

import json
import logging
import logging.config
from datetime import UTC, datetime
from typing import Any

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

LEVELS = {
    "pakn": "INFO",
    "uvicorn": "INFO",
    "uvicorn.error": "INFO",
    "uvicorn.access": "WARNING",  # prints query strings, and tracking links carry the citizen's token
    "litestar": "INFO",
    "mail.log": "WARNING",  # aiosmtpd (the demo's mail catcher): every command, addresses included
    "apscheduler": "WARNING",
    "tortoise": "WARNING",
}


class JsonFormatter(logging.Formatter):
    """{"time": …, "level": …, "logger": …, "message": …} and "exception" when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class SkippedRuns(logging.Filter):
    """APScheduler warns each time a tick finds the previous run of a job still going. Delivery that
    takes longer than its 5-second tick is normal after a big sweep: the tick is skipped, not lost."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances reached" not in str(record.msg)


def logging_dict(log_format: str = "text") -> dict[str, Any]:
    """The dictConfig of every process; Litestar's LoggingConfig and uvicorn's log_config take it too."""
    formatter = {"()": JsonFormatter} if log_format == "json" else {"format": TEXT_FORMAT}
    loggers: dict[str, dict[str, Any]] = {
        name: {"level": level, "handlers": [], "propagate": True} for name, level in LEVELS.items()
    }
    loggers["apscheduler.scheduler"] = {"level": "WARNING", "filters": ["skipped_runs"], "propagate": True}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"standard": formatter},
        "filters": {"skipped_runs": {"()": SkippedRuns}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "standard"}},
        "loggers": loggers,
        "root": {"handlers": ["console"], "level": "INFO"},
    }


def configure(log_format: str = "text") -> None:
    """For the processes without Litestar (the scheduler and the one-shot commands)."""
    logging.config.dictConfig(logging_dict(log_format))
