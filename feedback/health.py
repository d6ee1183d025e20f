"""What `/health` says, so that a load balancer or a monitor can act on it.

Three facts, no personal data:

- the database: `SELECT 1` within DATABASE_TIMEOUT seconds;
- the scheduler's last completed sweep: every scheduler process records the time of each sweep it
  completes in the shared store in the database (`store_entry`, key `health:last_sweep`), so a web
  process started with PAKN_SCHEDULER=off reads the sweeps of the `pakn scheduler` beside it;
- the outbox backlog: messages waiting to be sent and the age of the oldest (notifications/backlog.py).

The answer is 503 when the database does not answer, when the last sweep is older than SWEEP_STALE,
or when a message has waited longer than MAIL_STUCK. A sweep runs at a scheduler's start and then
every minute, so 5 minutes is several missed ticks. When no sweep has ever been recorded (a new
database, or no scheduler ever ran against it), the web process allows SWEEP_STALE from its own start
before it reports the sweep as missing: a fresh deploy is not unhealthy for the minute its scheduler
needs to start, but one that runs no scheduler at all is.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from feedback import db
from feedback.security.store import DatabaseStore
from notifications.backlog import Backlog, backlog

log = logging.getLogger("pakn.health")

DATABASE_TIMEOUT = 2.0  # seconds
SWEEP_STALE = timedelta(minutes=5)
MAIL_STUCK = timedelta(hours=1)

_STORE = DatabaseStore(namespace="health")
_LAST_SWEEP = "last_sweep"


async def record_sweep(at: datetime) -> None:
    """Remember that a sweep completed at `at` (the scheduler calls this after each one)."""
    await _STORE.set(_LAST_SWEEP, at.astimezone(UTC).isoformat())


async def last_sweep() -> datetime | None:
    """When the last sweep of any scheduler process completed, or None if none ever did."""
    value = await _STORE.get(_LAST_SWEEP)
    return datetime.fromisoformat(value.decode("utf-8")).astimezone(UTC) if value else None


@dataclass(frozen=True)
class Facts:
    database: bool
    last_sweep: datetime | None
    backlog: Backlog | None


def problems(facts: Facts, *, now: datetime, started_at: datetime) -> list[str]:
    """Why the service is unhealthy (empty when it is healthy): the rules of the module docstring."""
    if not facts.database:
        return ["database"]
    found = []
    if facts.last_sweep is None:
        if now - started_at > SWEEP_STALE:
            found.append("sweep")
    elif now - facts.last_sweep > SWEEP_STALE:
        found.append("sweep")
    oldest = facts.backlog.oldest_pending_seconds if facts.backlog else None
    if oldest is not None and oldest > MAIL_STUCK.total_seconds():
        found.append("outbox")
    return found


async def gather(now: datetime) -> Facts:
    """Read the three facts; a database that does not answer in time answers nothing else."""
    try:
        await asyncio.wait_for(db.fetch("SELECT 1 AS ok"), timeout=DATABASE_TIMEOUT)
        return Facts(True, await last_sweep(), await backlog(now))
    except Exception as exc:  # noqa: BLE001 - any failure (timeout, lost connection) means "not healthy"
        log.warning("health check: the database did not answer: %s", type(exc).__name__)
        return Facts(False, None, None)


def body(facts: Facts, found: list[str], *, now: datetime) -> dict[str, Any]:
    """The JSON of /health: status, each fact, and which rules failed."""
    answer: dict[str, Any] = {
        "status": "error" if found else "ok",
        "database": "ok" if facts.database else "unreachable",
    }
    if facts.database:
        answer["scheduler"] = {
            "last_sweep": facts.last_sweep.isoformat() if facts.last_sweep else None,
            "seconds_since_last_sweep": (
                round((now - facts.last_sweep).total_seconds()) if facts.last_sweep else None
            ),
        }
        pending = facts.backlog or Backlog(0, None)
        answer["outbox"] = {
            "pending": pending.pending,
            "oldest_pending_seconds": (
                round(pending.oldest_pending_seconds) if pending.oldest_pending_seconds is not None else None
            ),
        }
    if found:
        answer["problems"] = found
    return answer
