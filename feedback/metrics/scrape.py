"""The metrics read from the database at scrape time, the same whichever process answers.

The deadline steps fired and the mail sent or failed happen in the scheduler, which may be another
process (`pakn scheduler`), even on another machine, and has no HTTP port; so their counters are not
counted in memory but read from the rows that record them, which every process sees alike:

- `pakn_deadline_steps_fired_total{kind}`: steps the sweep fired (deadline_step and conference_step
  rows with `sweep` set: the engine sets it only on the steps it fires; the partial index
  `deadline_step_sweep` holds exactly those). Numbered rungs count as their rung (`progress`).
- `pakn_mail_sent_total`, `pakn_mail_failures_total{kind}`: the outbox's totals
  (notifications/backlog.py): `permanent`, messages given up; `temporary`, tries put back for later.

A count of rows is a valid counter because no such row is ever deleted (`pakn retention` clears
personal data in place and keeps the rows, their status and attempts). The gauges come from the same
homes as /health: the outbox backlog, the last sweep (feedback/health.py), and the open items split
by the one "overdue" rule (items/vocabulary.py).

Four aggregate statements per scrape; measured on a million items in bench/README.md (Metrics).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from feedback import db
from feedback.deadlines import ladder
from feedback.health import last_sweep
from feedback.items.vocabulary import open_sql, overdue_sql
from notifications.backlog import Totals, totals

# Every step kind a ladder can plan, so each series exists (at 0) before its first step fires.
_RUNGS = (*ladder.ITEM, *ladder.PROMISE, *ladder.COOPERATION, *ladder.QUESTION, *ladder.PUBLICATION)
STEP_KINDS = tuple(dict.fromkeys(r.kind for r in _RUNGS))
_NUMBERED = tuple(r.kind for r in _RUNGS if r.numbered)

_FIRED = (
    "SELECT kind, COUNT(*) AS n FROM deadline_step WHERE sweep IS NOT NULL GROUP BY kind"
    " UNION ALL SELECT kind, COUNT(*) AS n FROM conference_step WHERE sweep IS NOT NULL GROUP BY kind"
)
_OPEN = (
    f"SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN {overdue_sql('$1')} THEN 1 ELSE 0 END), 0) AS overdue"
    f" FROM feedback_item i WHERE {open_sql()}"
)


@dataclass(frozen=True)
class Readings:
    outbox: Totals
    open_items: int
    overdue_items: int
    last_sweep: datetime | None
    steps_fired: dict[str, int]


def step_label(kind: str) -> str:
    """`progress_3` → `progress`: one series per rung, however many checkpoints a policy plans."""
    return next((k for k in _NUMBERED if kind.startswith(f"{k}_")), kind)


async def read(now: datetime) -> Readings:
    fired = dict.fromkeys(STEP_KINDS, 0)
    for row in await db.fetch(_FIRED):
        label = step_label(row["kind"])
        fired[label] = fired.get(label, 0) + int(row["n"])
    items = (await db.fetch(_OPEN, now))[0]
    return Readings(
        outbox=await totals(),
        open_items=int(items["n"]),
        overdue_items=int(items["overdue"]),
        last_sweep=await last_sweep(),
        steps_fired=fired,
    )
