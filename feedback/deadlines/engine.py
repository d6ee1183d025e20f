"""The one claim-and-fire sweep of planned steps, for every table of steps (items' and cooperations'
in `deadline_step`, conferences' in `conference_step`), in a fixed handful of statements.

Steps are rows planned when a deadline is set (feedback/deadlines/ladder.py). A sweep takes every
pending step of a table that has come due and gives it one outcome, an SQL CASE of the table's:

- skipped: stale — a reminder for a deadline already passed (after downtime an item weeks late gets
  its overdue notice and escalations, not a "due tomorrow" reminder) — or needless: a progress
  checkpoint of an item with progress recorded in its window;
- cancelled: its deadline no longer holds (answered, closed, replaced, reassigned, published);
- done: the step fires — its outbox messages (one INSERT … SELECT through notifications.outbox; the
  key `<prefix>:<step id>:<role>` makes any repeat a no-op) and, for items, its timeline event.

Who gets what comes from the ladder's rungs (their `sends`), mapped to addresses by the table's
`parties`; `days_late` from the rungs' offsets. A step belongs to a rung by its kind (`Rung.matches`:
a numbered rung's steps are `<kind>_1`, `<kind>_2`, …, reported and recorded as `<kind>`). On PostgreSQL the whole sweep is one statement: the due
steps are locked with FOR UPDATE SKIP LOCKED (so concurrent sweepers never take the same row), marked,
and feed the inserts through CTEs; each step and item is read once. SQLite, which serialises writers
anyway, runs the same parts as separate statements in one transaction. The number of statements never
depends on the number of steps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from feedback import db
from feedback.deadlines.ladder import Rung, Send, days_late_sql
from notifications.outbox import insert_rows_sql


@dataclass(frozen=True)
class StepTable:
    """A table of steps and how its sweep reads it. SQL is over `s`, the step row; parameters are
    $1 now, $2 the sweep's token, $3 the base URL, then the table's own."""

    table: str
    key_prefix: str  # outbox keys `<prefix>:<step id>:<role>`
    rungs: tuple[Rung, ...]  # every rung whose steps live in the table
    columns: str  # what the messages need of a claimed step: s.id, s.kind and the keys of `joins`
    outcome: str  # CASE … 'skipped' | 'done' | 'cancelled' over s and `claim`
    claim: tuple[str, str] | None  # a table joined while claiming (alias included) and its ON
    joins: str  # after `FROM <steps> s`: the rows the messages read
    thread: str
    # role → (address, name, the name of the unit it is a mailbox or a head of: '' for a citizen)
    parties: Mapping[str, tuple[str, str, str]]
    # audience → key → expression; an expression may name FIRED, this sweep's fired steps (ids)
    contexts: Mapping[str, Mapping[str, str]]
    events: bool = False  # write the rungs' timeline events (`s.item_id`)


# In a context's expression: the ids of the steps this sweep fires, as a subquery. On PostgreSQL the
# sweep is one statement, whose reads do not see its own UPDATE: the steps it fires are the CTE `fired`.
# On SQLite they are already marked done by the sweep's token ($2).
FIRED = "{fired}"


@dataclass
class SweepReport:
    skipped: int = 0
    cancelled: int = 0
    fired: dict[str, int] = field(default_factory=dict)
    messages: int = 0
    preview: list[dict[str, Any]] = field(default_factory=list)


async def fire_due(
    steps: StepTable, params: tuple[Any, ...], *, preview: bool, connection: BaseDBAsyncClient
) -> SweepReport:
    """Claim and fire the due steps of `steps` in the caller's transaction."""
    if db.is_postgres(connection):
        # For this transaction only: the due steps reach their items by primary key, but with default
        # costs the planner hashes all of deadline_step and feedback_item instead (measured: 1–1.5 s
        # of a 100,000-step sweep); JIT compiling the statement costs more than it saves.
        await db.fetch(
            "SELECT set_config('enable_hashjoin', 'off', true), set_config('jit', 'off', true)",
            connection=connection,
        )
        rows = await db.fetch(_postgres_statement(steps, preview=preview), *params, connection=connection)
    else:
        rows = await _sqlite_statements(steps, params, preview=preview, connection=connection)
    report = SweepReport()
    numbered = [r.kind for r in steps.rungs if r.numbered]
    for row in rows:
        if row["what"] == "step":
            outcome, kind, n = row["a"], row["b"], int(row["n"])
            # `progress_1`, `progress_2`, … are counted as their rung, `progress`.
            kind = next((k for k in numbered if kind.startswith(f"{k}_")), kind)
            if outcome == "done":
                report.fired[kind] = report.fired.get(kind, 0) + n
            elif outcome == "skipped":
                report.skipped += n
            else:
                report.cancelled += n
        elif row["what"] == "messages":
            report.messages = int(row["n"])
        else:
            report.preview.append({"thread": row["a"], "kind": row["b"], "to_addr": row["c"]})
    report.preview.sort(key=lambda m: (m["thread"], m["kind"], m["to_addr"]))
    return report


def _postgres_statement(steps: StepTable, *, preview: bool) -> str:
    listing = " UNION ALL SELECT 'preview', thread, kind, to_addr, 1 FROM mail" if preview else ""
    branches = " UNION ALL ".join(
        f"SELECT {_message_columns(steps, rung, send, postgres=True)} WHERE {rung.matches('s')}"
        for rung, send in _sends(steps)
    )
    claim = f" JOIN {steps.claim[0]} ON {steps.claim[1]}" if steps.claim else ""
    events = f", events AS ({_events_insert(steps, 'fired', postgres=True)})" if steps.events else ""
    mail = insert_rows_sql(f"FROM fired s{steps.joins} CROSS JOIN LATERAL ({branches}) AS m")
    return (
        "WITH due AS ("
        f" SELECT {steps.columns}, {steps.outcome} AS outcome FROM {steps.table} s{claim}"
        " WHERE s.status = 'pending' AND s.due_at <= $1"
        " FOR UPDATE OF s SKIP LOCKED"
        "), marked AS ("
        f" UPDATE {steps.table} s SET status = due.outcome, done_at = $1,"
        " sweep = CASE WHEN due.outcome = 'done' THEN $2 END"
        " FROM due WHERE s.id = due.id"
        f"), fired AS (SELECT * FROM due WHERE outcome = 'done'){events}"
        f", mail AS ({mail} RETURNING thread, kind, to_addr)"
        " SELECT 'step' AS what, outcome AS a, kind AS b, '' AS c, COUNT(*) AS n FROM due GROUP BY outcome, kind"
        f" UNION ALL SELECT 'messages', '', '', '', COUNT(*) FROM mail{listing}"
    )


async def _sqlite_statements(
    steps: StepTable, params: tuple[Any, ...], *, preview: bool, connection: BaseDBAsyncClient
) -> list[dict[str, Any]]:
    now, token = params[0], params[1]
    claim = f" FROM {steps.claim[0]} WHERE {steps.claim[1]} AND" if steps.claim else " WHERE"
    marked = await db.fetch(
        f"UPDATE {steps.table} AS s SET status = {steps.outcome}, done_at = $1,"
        f" sweep = CASE WHEN {steps.outcome} = 'done' THEN $2 END"
        f"{claim} s.status = 'pending' AND s.due_at <= $1"
        " RETURNING status, kind",  # SQLite: the updated table only, unqualified
        now,
        token,
        connection=connection,
    )
    messages = " UNION ALL ".join(
        f"SELECT {_message_columns(steps, rung, send, postgres=False)} FROM {steps.table} s{steps.joins}"
        f" WHERE s.sweep = $2 AND {rung.matches('s')}"
        for rung, send in _sends(steps)
    )
    rows = []
    if preview:
        rows = await db.fetch(
            f"SELECT 'preview' AS what, m.thread AS a, m.kind AS b, m.to_addr AS c, 1 AS n FROM ({messages}) AS m"
            " WHERE m.to_addr IS NOT NULL AND m.to_addr <> ''"
            " AND NOT EXISTS (SELECT 1 FROM outbox_message o WHERE o.key = m.key)",
            *params,
            connection=connection,
        )
    queued = await db.execute(insert_rows_sql(f"FROM ({messages}) AS m"), *params, connection=connection)
    if steps.events:
        await db.execute(
            _events_insert(steps, steps.table, postgres=False) + " WHERE s.sweep = $2",
            now,
            token,
            connection=connection,
        )
    counts = Counter((m["status"], m["kind"]) for m in marked)
    listed = [
        {"what": "step", "a": status, "b": kind, "c": "", "n": n} for (status, kind), n in counts.items()
    ]
    return [*listed, {"what": "messages", "a": "", "b": "", "c": "", "n": queued}, *rows]


def _sends(steps: StepTable) -> list[tuple[Rung, Send]]:
    return [(rung, send) for rung in steps.rungs for send in rung.sends]


def _message_columns(steps: StepTable, rung: Rung, send: Send, *, postgres: bool) -> str:
    """key, kind, to_addr, to_name, thread, context of one recipient's message for step row `s`."""
    addr, name, unit = steps.parties[send.role]
    # Who the message greets travels with it: the role (SPEC §5: the salutation names the recipient).
    context = {
        **steps.contexts[send.audience],
        "days_late": days_late_sql(steps.rungs),
        "recipient": f"'{send.role}'",
        "recipient_name": f"COALESCE({name}, '')",
        "recipient_unit": f"COALESCE({unit}, '')",
    }
    function = "jsonb_build_object" if postgres else "json_object"
    fired = "(SELECT id FROM fired)" if postgres else f"(SELECT id FROM {steps.table} WHERE sweep = $2)"
    pairs = ", ".join(f"'{key}', {value.replace(FIRED, fired)}" for key, value in context.items())
    return (
        f"'{steps.key_prefix}:' || CAST(s.id AS TEXT) || ':{send.role}' AS key, '{send.template}' AS kind,"
        f" {addr} AS to_addr, COALESCE({name}, '') AS to_name, {steps.thread} AS thread,"
        f" {function}({pairs}) AS context"
    )


def _events_insert(steps: StepTable, source: str, *, postgres: bool) -> str:
    told = [r for r in steps.rungs if r.event]
    public = " ".join(f"WHEN {r.matches('s')} THEN {'TRUE' if r.public else 'FALSE'}" for r in told)
    message = " ".join(f"WHEN {r.matches('s')} THEN '{r.event}'" for r in told)
    # A numbered rung's events are all of one kind (`deadline_progress`, not `deadline_progress_2`).
    numbered = " ".join(f"WHEN {r.matches('s')} THEN '{r.kind}'" for r in steps.rungs if r.numbered)
    kind = f"CASE {numbered} ELSE s.kind END" if numbered else "s.kind"
    empty = "'{}'::jsonb" if postgres else "'{}'"
    return (
        "INSERT INTO event (item_id, at, kind, actor_label, public, message, changes)"
        f" SELECT s.item_id, $1, 'deadline_' || {kind}, 'Hệ thống', CASE {public} ELSE FALSE END,"
        f" CASE {message} ELSE '' END, {empty} FROM {source} s"
    )
