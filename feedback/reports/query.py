"""The figures of feedback/reports/figures.py as set-based SQL (PostgreSQL and SQLite): five statements
per period whatever the number of items. Parameters: $1 the period's first instant, $2 the instant after
its last (feedback/reports/periods.py `bounds`).

How it reads the past: every event keeps the item's state right after it (status, unit, officer,
field, deadline, the unit's receipt; feedback/items/timeline.py). An item's events are written one
at a time under its row lock, so its event with the greatest id before an instant holds its state at
that instant. The item's first event counts from the item's receipt time even when it was entered later
(a paper submission typed in afterwards), which is how late entries reach the periods they belong to.

Most items have not changed since the period ended: their own row is their state at its end
(`settled_sql`, one pass over the items, and `settled_events_sql`, the period's counted events through
the (kind, at) index). The others are replayed from the timeline (`replayed_sql`). Then the transfers
out (`transfers_sql`) and the cooperating units' parts (`cooperations_sql`). Each statement returns
rows of (key, classification, count) or (key, counts); feedback/reports/summary.py adds them up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from feedback.directory.calendar import WorkCalendar
from feedback.items.vocabulary import Channel, answered_on_time_sql, open_sql, overdue_sql, sql_list
from feedback.reports import figures as fig

GROUPS = ("unit", "category", "channel", "commune", "officer", "none")
# A cooperating unit's part counts for that unit (and the officer who sent it).
_COOPERATION_KEYS = {"unit": "co.unit_id", "category": "i.category_id", "officer": "co.answered_by_id",
                     "channel": "i.channel", "commune": "i.commune_id", "none": "CAST(NULL AS INTEGER)"}  # fmt: skip


@dataclass(frozen=True)
class Dialect:
    postgres: bool
    tz: ZoneInfo

    def local_date(self, expr: str) -> str:
        """The local date of an instant (a date on PostgreSQL, 'YYYY-MM-DD' text on SQLite)."""
        if self.postgres:
            zone = str(self.tz).replace("'", "''")
            return f"(({expr}) AT TIME ZONE '{zone}')::date"
        # SQLite knows no zones: the zone's offset (Vietnam has had one, +07:00, since 1975).
        offset = datetime(2000, 1, 1, tzinfo=self.tz).utcoffset() or timedelta(0)
        return f"date({expr}, '{int(offset.total_seconds() // 60):+d} minutes')"

    def day_number(self, expr: str) -> str:
        """Days from 1/1/2000 to the local date of an instant."""
        fixed = _fixed_offset(self.tz)
        if self.postgres and fixed is not None:
            # A zone without daylight saving time (Vietnam's): arithmetic on the epoch is a third of the
            # cost of AT TIME ZONE, which a year's report pays a few million times.
            return f"(floor((date_part('epoch', {expr}) + {fixed}) / 86400)::int - {_EPOCH_DAY})"
        if self.postgres:
            return f"({self.local_date(expr)} - DATE '{_EPOCH.isoformat()}')"
        return f"CAST(julianday({self.local_date(expr)}) - julianday('{_EPOCH.isoformat()}') AS INTEGER)"

    def rating(self, alias: str) -> str:
        """The rating given at a `rated` event: the `after` of its changes.rating [before, after]."""
        if self.postgres:
            return f"(({alias}.changes -> 'rating') ->> 1)::int"
        return f"CAST(json_extract({alias}.changes, '$.rating[1]') AS INTEGER)"


_EPOCH = date(2000, 1, 1)
_EPOCH_DAY = (_EPOCH - date(1970, 1, 1)).days


def _fixed_offset(tz: ZoneInfo) -> int | None:
    """The zone's offset in seconds if it is the same all year in every year reports cover."""
    offsets = {datetime(y, m, 1, tzinfo=tz).utcoffset() for y in range(2000, 2041) for m in (1, 4, 7, 10)}
    if len(offsets) != 1:
        return None
    only = offsets.pop()
    return int(only.total_seconds()) if only is not None else None


def workdays(calendar: WorkCalendar, first: date, last: date, d: Dialect) -> Callable[[str], str]:
    """SQL of the working days from `first` up to an instant's local day (from `first` to `last`): the
    working days between two instants are the difference, the day of receipt not counted (as
    WorkCalendar.working_days_between). A constant array looked up by day number, so no join."""
    counts, n, day = [], 0, first
    while day <= last:
        n += calendar.is_working_day(day)
        counts.append(n)
        day += timedelta(days=1)
    offset = (first - _EPOCH).days
    if d.postgres:
        array = "'{" + ",".join(map(str, counts)) + "}'::int[]"
        return lambda expr: f"({array})[{d.day_number(expr)} - {offset - 1}]"
    array = "'[" + ",".join(map(str, counts)) + "]'"
    return lambda expr: f"json_extract({array}, '$[' || ({d.day_number(expr)} - {offset}) || ']')"


def _kinds(kinds: tuple[str, ...]) -> str:
    return f"e.kind IN ({sql_list(kinds)})"


_COUNTED_KINDS = tuple(dict.fromkeys((*fig.EXTENSION_KINDS, *fig.APOLOGY_KINDS, *fig.PROMISE_MISSED_KINDS,
                                      *fig.REOPEN_KINDS, *fig.RATING_KINDS)))  # fmt: skip
_ANSWERED = "IN ('answered', 'closed')"

# --- which items count, and which are read from their own row -------------------------------------
# Items received before the end that may count: received in the period, changed since its start, or
# open (an item unchanged since the start is as it is now, and counts only if open).
_CANDIDATE = f"i.received_at < $2 AND (i.received_at >= $1 OR i.updated_at >= $1 OR {open_sql('i')})"
# Every change of an item's state sets `updated_at` with the event that records it, so an item unchanged
# since the end of the period is, at the end, as it is now: its own row is its state there ("settled").
# The others are replayed from the timeline: items changed after the end, and merged items (a merge is
# undone by a reopening, which their row cannot tell).
_REPLAY = "(i.updated_at >= $2 OR i.duplicate_of_id IS NOT NULL)"
# A settled item received before the period was open at its start (or reopened inside it, which leaves
# it open, or answered again, inside it) when: it is open now; or it was refused inside the period (a
# refusal is final and is the item's last change); or its last answer came inside the period (an answer
# needs an open item).
_CARRIED = (
    f"i.received_at < $1 AND ({open_sql('i')} OR (i.status = 'refused' AND i.updated_at >= $1)"
    f" OR (i.status {_ANSWERED} AND i.answered_at >= $1))"
)
# The key of a row: the state at the end (or at the merge) of a settled item `i` or a replayed one `s`.
_KEYS = {"unit": "{a}.unit_id", "category": "{a}.category_id", "officer": "{a}.officer_id",
         "channel": "{a}.channel", "commune": "{a}.commune_id", "none": "CAST(NULL AS INTEGER)"}  # fmt: skip


def _key(group: str, alias: str) -> str:
    return _KEYS[group].format(a=alias)


def _bucket(d: Dialect, alias: str, merged: str = "0") -> str:
    """The bucket at the end of the period of the item state `alias` (status, due_at, answered_at)."""
    return f"""CASE WHEN {merged} = 1 THEN 'merged'
         WHEN {alias}.status = 'refused' THEN 'refused'
         WHEN {alias}.status {_ANSWERED} THEN
             CASE WHEN NOT {answered_on_time_sql(alias)} THEN 'answered_late'
                  WHEN {d.day_number(f"{alias}.answered_at")} < {d.day_number(f"{alias}.due_at")}
                      THEN 'answered_early'
                  ELSE 'answered_on_time' END
         WHEN {overdue_sql("$2", alias)} THEN 'open_overdue'
         ELSE 'open_in_time' END"""


def _days(worked: Callable[[str], str] | None, alias: str, merged: str = "0") -> str:
    """Working days from the unit's receipt to the answer (answered items only)."""
    if worked is None:
        return "CAST(NULL AS INTEGER)"
    return (
        f"CASE WHEN {merged} = 0 AND {alias}.status {_ANSWERED}"
        f" THEN {worked(f'{alias}.answered_at')} - {worked(f'{alias}.unit_received_at')} END"
    )


def _flags(d: Dialect, alias: str, worked: Callable[[str], str] | None, merged: str = "0") -> str:
    """A row's classification: bucket, received (or carried over), online, transferred twice, days."""
    online = sql_list([Channel.ONLINE])
    return f"""{_bucket(d, alias, merged)} AS bucket,
    CASE WHEN {alias}.received_at >= $1 THEN 1 ELSE 0 END AS received,
    CASE WHEN {alias}.channel = {online} THEN 1 ELSE 0 END AS online,
    CASE WHEN {alias}.transfers >= {fig.BUCKS_PASSED_AFTER} THEN 1 ELSE 0 END AS twice,
    {_days(worked, alias, merged)} AS days"""


def _event_counts(rating: str, prefix: str = "") -> str:
    """The events counted inside the period (as aggregates over `e` already limited to it)."""
    is_rating = _kinds(fig.RATING_KINDS)
    return f"""SUM(CASE WHEN {prefix}{_kinds(fig.EXTENSION_KINDS)} THEN 1 ELSE 0 END) AS extended,
    SUM(CASE WHEN {prefix}{_kinds(fig.APOLOGY_KINDS)} THEN 1 ELSE 0 END) AS apologies,
    SUM(CASE WHEN {prefix}{_kinds(fig.PROMISE_MISSED_KINDS)} THEN 1 ELSE 0 END) AS promises_missed,
    SUM(CASE WHEN {prefix}{_kinds(fig.REOPEN_KINDS)} THEN 1 ELSE 0 END) AS reopened,
    SUM(CASE WHEN {prefix}{is_rating} THEN 1 ELSE 0 END) AS ratings,
    SUM(CASE WHEN {prefix}{is_rating} THEN {rating} ELSE 0 END) AS rating_sum,
    SUM(CASE WHEN {prefix}{is_rating} AND {rating} >= {fig.SATISFIED_FROM} THEN 1 ELSE 0 END) AS satisfied_count,
    SUM(CASE WHEN {prefix}{is_rating} AND {rating} <= {fig.DISSATISFIED_TO} THEN 1 ELSE 0 END)
        AS dissatisfied_count"""


def settled_sql(d: Dialect, group: str, worked: Callable[[str], str], scope: tuple[int, ...] | None) -> str:
    """Settled items in the total, counted by (key, classification): one pass over the items."""
    settled = "(SELECT i.*, i.transfer_count AS transfers FROM feedback_item i"
    return f"""SELECT {_key(group, "i")} AS key, {_flags(d, "i", worked)}, 1 AS in_total, COUNT(*) AS n
FROM {settled} WHERE {_CANDIDATE} AND NOT {_REPLAY}
      AND (i.received_at >= $1 OR {_CARRIED}){_scope("i.unit_id", scope)}) i
GROUP BY 1, 2, 3, 4, 5, 6"""


def settled_events_sql(d: Dialect, group: str, scope: tuple[int, ...] | None) -> str:
    """The period's counted events of settled items, by the items' keys (the (kind, at) index)."""
    return f"""SELECT {_key(group, "i")} AS key, {_event_counts(d.rating("e"))}
FROM event e JOIN feedback_item i ON i.id = e.item_id
WHERE e.kind IN ({sql_list(_COUNTED_KINDS)}) AND e.at >= $1 AND e.at < $2 AND NOT {_REPLAY}{_scope("i.unit_id", scope)}
GROUP BY 1"""


def _replayed(d: Dialect) -> str:
    """`cand` (the items to replay) and `s`: one row each with its state at the end (or at its merge),
    whether it was open at the start, and its counted events inside the period."""
    merged_end = "(f.merged_id IS NOT NULL AND f.merged_id > COALESCE(f.reopened_id, 0))"
    merged_start = "(f.merged_before IS NOT NULL AND f.merged_before > COALESCE(f.reopened_before, 0))"
    in_period = "e.at >= $1 AND e.at < $2 AND "
    return f"""cand AS (
    SELECT i.id, i.received_at, i.channel, i.commune_id FROM feedback_item i WHERE {_CANDIDATE} AND {_REPLAY}
), f AS (
    SELECT e.item_id, cand.received_at, cand.channel, cand.commune_id,
        MAX(CASE WHEN e.status IS NOT NULL AND (e.at < $1 OR e.kind = 'received') THEN e.id END) AS start_id,
        MAX(CASE WHEN e.status IS NOT NULL AND (e.at < $2 OR e.kind = 'received') THEN e.id END) AS end_id,
        MAX(CASE WHEN e.at < $1 AND {_kinds(fig.MERGE_KINDS)} THEN e.id END) AS merged_before,
        MAX(CASE WHEN e.at < $1 AND {_kinds(fig.REOPEN_KINDS)} THEN e.id END) AS reopened_before,
        MAX(CASE WHEN e.at < $2 AND {_kinds(fig.MERGE_KINDS)} THEN e.id END) AS merged_id,
        MAX(CASE WHEN e.at < $2 AND {_kinds(fig.REOPEN_KINDS)} THEN e.id END) AS reopened_id,
        MAX(CASE WHEN e.at < $2 AND {_kinds(fig.ANSWER_KINDS)} THEN e.at END) AS last_answer_at,
        SUM(CASE WHEN e.at < $2 AND {_kinds(fig.TRANSFER_KINDS)} THEN 1 ELSE 0 END) AS transfers,
        {_event_counts(d.rating("e"), in_period)}
    FROM cand JOIN event e ON e.item_id = cand.id
    GROUP BY e.item_id, cand.received_at, cand.channel, cand.commune_id
), s AS (
    SELECT f.*, en.status, en.due_at, en.unit_received_at, COALESCE(f.last_answer_at, en.at) AS answered_at,
        CASE WHEN {merged_end} THEN 1 ELSE 0 END AS merged,
        CASE WHEN f.received_at >= $1 OR ({open_sql("st")} AND NOT {merged_start}) OR f.reopened > 0
             THEN 1 ELSE 0 END AS in_total,
        a.unit_id, a.officer_id, a.category_id
    FROM f
    JOIN event en ON en.id = f.end_id
    LEFT JOIN event st ON st.id = f.start_id
    JOIN event a ON a.id = CASE WHEN {merged_end} THEN f.merged_id ELSE f.end_id END
)"""


def replayed_sql(d: Dialect, group: str, worked: Callable[[str], str], scope: tuple[int, ...] | None) -> str:
    """Replayed items, counted like settled_sql's, with their counted events (items rated inside the
    period count for their ratings even when they are not in the total)."""
    sums = ", ".join(f"SUM(s.{c}) AS {c}" for c in _EVENT_COLUMNS)
    return f"""WITH {_replayed(d)}
SELECT {_key(group, "s")} AS key, {_flags(d, "s", worked, "s.merged")}, s.in_total, COUNT(*) AS n, {sums}
FROM s WHERE (s.in_total = 1 OR s.ratings > 0){_scope("s.unit_id", scope)}
GROUP BY 1, 2, 3, 4, 5, 6, 7"""


_EVENT_COLUMNS = ("extended", "apologies", "promises_missed", "reopened", "ratings", "rating_sum",
                  "satisfied_count", "dissatisfied_count")  # fmt: skip


def transfers_sql(d: Dialect, group: str, scope: tuple[int, ...] | None) -> str:
    """Transfers inside the period, counted for the unit each left: the state before the transfer, read
    from the item's event before it (one lookup by the item's index per transfer; transfers are few).

    On PostgreSQL the lookup is a LATERAL join: one lookup gives unit, field and officer, and it runs in
    the parallel workers (a scalar subquery in the grouping key ran in the leader alone, after the
    Gather). SQLite has no LATERAL: one scalar subquery per column there. Both read the same row. The
    item's own row is joined only for the keys it holds (channel, commune): every event has its item."""
    item = "JOIN feedback_item i ON i.id = e.item_id " if group in ("channel", "commune") else ""
    before = {c: f"b.{c}" for c in ("unit_id", "category_id", "officer_id")}
    if d.postgres:
        lookup = (
            "LEFT JOIN LATERAL (SELECT q.unit_id, q.category_id, q.officer_id FROM event q"
            " WHERE q.item_id = e.item_id AND q.id < e.id AND q.status IS NOT NULL ORDER BY q.id DESC LIMIT 1)"
            " b ON TRUE "
        )
    else:
        lookup = ""
        before = {
            c: f"(SELECT q.{c} FROM event q WHERE q.item_id = e.item_id AND q.id < e.id"
            " AND q.status IS NOT NULL ORDER BY q.id DESC LIMIT 1)"
            for c in before
        }
    keys = {"unit": before["unit_id"], "category": before["category_id"], "officer": before["officer_id"],
            "channel": "i.channel", "commune": "i.commune_id", "none": "CAST(NULL AS INTEGER)"}  # fmt: skip
    return f"""SELECT t.key, COUNT(*) AS transferred_out
FROM (SELECT {keys[group]} AS key, {"NULL" if group == "unit" else before["unit_id"]} AS unit_id
      FROM event e {item}{lookup}WHERE {_kinds(fig.TRANSFER_KINDS)} AND e.at >= $1 AND e.at < $2) t
WHERE 1 = 1{_scope("t.key" if group == "unit" else "t.unit_id", scope)}
GROUP BY t.key"""


def cooperations_sql(group: str, scope: tuple[int, ...] | None) -> str:
    """Cooperating units' parts due inside the period; late: sent after the sub-deadline, or not yet."""
    return f"""SELECT {_COOPERATION_KEYS[group]} AS key, COUNT(*) AS cooperations,
    SUM(CASE WHEN co.answered_at IS NULL OR co.answered_at > co.due_at THEN 1 ELSE 0 END)
        AS cooperations_late
FROM cooperation co JOIN feedback_item i ON i.id = co.item_id
WHERE co.due_at >= $1 AND co.due_at < $2{_scope("co.unit_id", scope)}
GROUP BY {_COOPERATION_KEYS[group]}"""


ITEM_FLAGS = {
    **{b: f"c.in_total = 1 AND c.bucket = '{b}'" for b in fig.BUCKETS},
    "carried_over": "c.in_total = 1 AND c.received = 0",
    "received": "c.received = 1",
    "received_online": "c.received = 1 AND c.online = 1",
    "transferred_twice": "c.in_total = 1 AND c.twice = 1",
    "extended": "c.in_total = 1 AND c.extended > 0",
    "reopened": "c.in_total = 1 AND c.reopened > 0",
}


def items_sql(
    d: Dialect, item_set: str, scope: tuple[int, ...] | None, limit: int, offset: int,
    group: str = "none", keys: tuple[Any, ...] | None = None,
) -> str:  # fmt: skip
    """The items behind one number (both readings, as the counts), oldest receipt first; with `keys`,
    only those whose key of `group` at the end of the period (as the counts read it: `_KEYS`, of the
    item's own row or of its replayed state) is one of them (None: no key)."""
    k = f"""SELECT e.item_id, {_event_counts(d.rating("e"))} FROM event e
    WHERE e.kind IN ({sql_list(_COUNTED_KINDS)}) AND e.at >= $1 AND e.at < $2 GROUP BY e.item_id"""
    columns = (
        "item_id, unit_id, category_id, officer_id, channel, commune_id, status, due_at, answered_at,"
        " received_at, transfers, in_total, extended, reopened"
    )
    return f"""WITH {_replayed(d)}, k AS ({k}), c AS (
    SELECT i.id AS item_id, i.unit_id, i.category_id, i.officer_id, i.channel, i.commune_id, i.status, i.due_at, i.answered_at, i.received_at, i.transfers,
        1 AS in_total, COALESCE(k.extended, 0) AS extended, COALESCE(k.reopened, 0) AS reopened,
        {_flags(d, "i", None)}
    FROM (SELECT i.*, i.transfer_count AS transfers FROM feedback_item i
          WHERE {_CANDIDATE} AND NOT {_REPLAY} AND (i.received_at >= $1 OR {_CARRIED})) i
    LEFT JOIN k ON k.item_id = i.id
    UNION ALL
    SELECT {", ".join(f"s.{c}" for c in columns.split(", "))}, {_flags(d, "s", None, "s.merged")}
    FROM s
)
SELECT i.code, i.title, u.code AS unit_code, u.name AS unit_name, c.bucket, c.in_total, c.received_at,
    c.due_at, CASE WHEN c.bucket LIKE 'answered%' THEN c.answered_at END AS answered_at, c.transfers,
    c.status, g.code AS category_code, g.name AS category_name
FROM c JOIN feedback_item i ON i.id = c.item_id LEFT JOIN unit u ON u.id = c.unit_id
LEFT JOIN category g ON g.id = c.category_id
WHERE {ITEM_FLAGS[item_set]}{_scope("c.unit_id", scope)}{_matching(_key(group, "c"), keys)}
ORDER BY c.received_at, i.id
LIMIT {int(limit)} OFFSET {int(offset)}"""


def _matching(column: str, keys: tuple[Any, ...] | None) -> str:
    """` AND` the key is one of `keys` (ids or channels; None: no key), as literals."""
    if keys is None:
        return ""
    values = [str(int(k)) if isinstance(k, int) else sql_list([str(k)]) for k in keys if k is not None]
    tests = ([f"{column} IN ({', '.join(values)})"] if values else []) + (
        [f"{column} IS NULL"] if None in keys else []
    )
    return f" AND ({' OR '.join(tests) or '1 = 0'})"


def _scope(column: str, scope: tuple[int, ...] | None) -> str:
    if scope is None:
        return ""
    return f" AND {column} IN ({', '.join(str(int(u)) for u in scope) or 'NULL'})"
