"""The figures of feedback/reports/figures.py as set-based SQL (PostgreSQL and SQLite): three statements
per period whatever the number of items — the items' counts (with the histogram of answer times), the
transfers out of each unit, and the cooperating units' parts. Parameters: $1 the period's first instant,
$2 the instant after its last (feedback/reports/periods.py `bounds`).

How it reads the past: every event keeps the item's state right after it (status, unit, officer,
field, deadline, the unit's receipt; feedback/items/timeline.py). An item's events are written one
at a time under its row lock, so its event with the greatest id before an instant holds its state at
that instant. The item's first event counts from the item's receipt time even when it was entered later
(a paper submission typed in afterwards), which is how late entries reach the periods they belong to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from feedback.directory.calendar import WorkCalendar
from feedback.items.vocabulary import Channel, answered_on_time_sql, open_sql, overdue_sql, sql_list
from feedback.reports import figures as fig

GROUPS = ("unit", "category", "channel", "commune", "officer", "none")
# The key of a row, on the per-item table `c` (attribution at the end, or at the merge).
_ITEM_KEYS = {
    "unit": "c.unit_id",
    "category": "c.category_id",
    "officer": "c.officer_id",
    "channel": "c.channel",
    "commune": "c.commune_id",
    "none": "CAST(NULL AS INTEGER)",
}
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


# The item's own columns that hold its state (the same as an event's, feedback/items/timeline.py).
_STATE = "status, due_at, unit_received_at, unit_id, officer_id, category_id"
_COUNTED_KINDS = tuple(dict.fromkeys((*fig.EXTENSION_KINDS, *fig.APOLOGY_KINDS, *fig.PROMISE_MISSED_KINDS,
                                      *fig.REOPEN_KINDS, *fig.RATING_KINDS)))  # fmt: skip


def items_cte(d: Dialect, worked: Callable[[str], str] | None = None) -> str:
    """One row per item that counts (`c`): its keys, whether it is in the total, its bucket at the end
    and its counts inside the period.

    `cand`: items received before the end that may count. An item whose state has not changed since an
    instant is, at that instant, as it is now: every change of state sets `updated_at` with the event
    that records it. So the state at the end is read from the item's own row when it has not changed
    since (`settled`), and replayed from the timeline (`f`) only for the others — items changed after
    the end, or after the start when received before it, and merged items (a merge can be undone by a
    reopening). Both readings give the same figures (tests/reports: the as-of test runs both); the
    first is what keeps a year over a million items under two seconds (bench/reports.py).
    `k`: the events counted inside the period, through the (kind, at) index.
    """
    rating = d.rating("e")
    is_rating = _kinds(fig.RATING_KINDS)
    merged_end = "(f.merged_id IS NOT NULL AND f.merged_id > COALESCE(f.reopened_id, 0))"
    merged_start = "(f.merged_before IS NOT NULL AND f.merged_before > COALESCE(f.reopened_before, 0))"
    state = ", ".join(f"i.{c}" for c in _STATE.split(", "))
    days = "NULL"
    if worked is not None:  # working days from the unit's receipt to the answer, answered items only
        days = (
            "CASE WHEN s.merged = 0 AND s.status IN ('answered', 'closed')"
            f" THEN {worked('s.answered_at')} - {worked('s.unit_received_at')} END"
        )
    return f"""
cand AS (
    -- An item received before the period and unchanged since its start is in the state it is in now:
    -- it counts only if open.
    SELECT i.id, i.received_at, i.channel, i.commune_id, {state}, i.answered_at, i.transfer_count,
        CASE WHEN i.updated_at >= $2 OR i.duplicate_of_id IS NOT NULL
                  OR (i.received_at < $1 AND i.updated_at >= $1) THEN 1 ELSE 0 END AS replay
    FROM feedback_item i
    WHERE i.received_at < $2 AND (i.received_at >= $1 OR i.updated_at >= $1 OR {open_sql("i")})
), k AS (
    SELECT e.item_id,
        SUM(CASE WHEN {_kinds(fig.EXTENSION_KINDS)} THEN 1 ELSE 0 END) AS extended,
        SUM(CASE WHEN {_kinds(fig.APOLOGY_KINDS)} THEN 1 ELSE 0 END) AS apologies,
        SUM(CASE WHEN {_kinds(fig.PROMISE_MISSED_KINDS)} THEN 1 ELSE 0 END) AS promises_missed,
        SUM(CASE WHEN {_kinds(fig.REOPEN_KINDS)} THEN 1 ELSE 0 END) AS reopened,
        SUM(CASE WHEN {is_rating} THEN 1 ELSE 0 END) AS ratings,
        SUM(CASE WHEN {is_rating} THEN {rating} ELSE 0 END) AS rating_sum,
        SUM(CASE WHEN {is_rating} AND {rating} >= {fig.SATISFIED_FROM} THEN 1 ELSE 0 END) AS satisfied_count,
        SUM(CASE WHEN {is_rating} AND {rating} <= {fig.DISSATISFIED_TO} THEN 1 ELSE 0 END) AS dissatisfied_count
    FROM event e
    WHERE e.kind IN ({sql_list(_COUNTED_KINDS)}) AND e.at >= $1 AND e.at < $2
    GROUP BY e.item_id
), f AS (
    SELECT e.item_id,
        MAX(CASE WHEN e.status IS NOT NULL AND (e.at < $1 OR e.kind = 'received') THEN e.id END) AS start_id,
        MAX(CASE WHEN e.status IS NOT NULL AND (e.at < $2 OR e.kind = 'received') THEN e.id END) AS end_id,
        MAX(CASE WHEN e.at < $1 AND {_kinds(fig.MERGE_KINDS)} THEN e.id END) AS merged_before,
        MAX(CASE WHEN e.at < $1 AND {_kinds(fig.REOPEN_KINDS)} THEN e.id END) AS reopened_before,
        MAX(CASE WHEN e.at < $2 AND {_kinds(fig.MERGE_KINDS)} THEN e.id END) AS merged_id,
        MAX(CASE WHEN e.at < $2 AND {_kinds(fig.REOPEN_KINDS)} THEN e.id END) AS reopened_id,
        MAX(CASE WHEN e.at < $2 AND {_kinds(fig.ANSWER_KINDS)} THEN e.at END) AS last_answer_at,
        SUM(CASE WHEN e.at < $2 AND {_kinds(fig.TRANSFER_KINDS)} THEN 1 ELSE 0 END) AS transfers
    FROM cand JOIN event e ON e.item_id = cand.id
    WHERE cand.replay = 1
    GROUP BY e.item_id
), s AS (
    SELECT cand.id AS item_id, cand.received_at, cand.channel, cand.commune_id,
        cand.status, cand.due_at, cand.unit_received_at, cand.answered_at,
        0 AS merged, CASE WHEN {open_sql("cand")} THEN 1 ELSE 0 END AS open_at_start,
        cand.unit_id, cand.officer_id, cand.category_id, cand.transfer_count AS transfers
    FROM cand WHERE cand.replay = 0
    UNION ALL
    SELECT f.item_id, cand.received_at, cand.channel, cand.commune_id,
        en.status, en.due_at, en.unit_received_at, COALESCE(f.last_answer_at, en.at),
        CASE WHEN {merged_end} THEN 1 ELSE 0 END,
        CASE WHEN {open_sql("st")} AND NOT {merged_start} THEN 1 ELSE 0 END,
        a.unit_id, a.officer_id, a.category_id, f.transfers
    FROM f JOIN cand ON cand.id = f.item_id
    JOIN event en ON en.id = f.end_id
    LEFT JOIN event st ON st.id = f.start_id
    JOIN event a ON a.id = CASE WHEN {merged_end} THEN f.merged_id ELSE f.end_id END
), c AS MATERIALIZED (
    -- Materialized: each row's bucket is computed once, not once per SUM that reads it.
    SELECT s.*, COALESCE(k.extended, 0) AS extended, COALESCE(k.apologies, 0) AS apologies,
        COALESCE(k.promises_missed, 0) AS promises_missed, COALESCE(k.reopened, 0) AS reopened,
        COALESCE(k.ratings, 0) AS ratings, COALESCE(k.rating_sum, 0) AS rating_sum,
        COALESCE(k.satisfied_count, 0) AS satisfied_count, COALESCE(k.dissatisfied_count, 0) AS dissatisfied_count,
        CASE WHEN s.received_at >= $1 THEN 1 ELSE 0 END AS is_received,
        CASE WHEN s.received_at < $1 AND (s.open_at_start = 1 OR COALESCE(k.reopened, 0) > 0)
             THEN 1 ELSE 0 END AS is_carried,
        CASE WHEN s.received_at >= $1 OR s.open_at_start = 1 OR COALESCE(k.reopened, 0) > 0
             THEN 1 ELSE 0 END AS in_total,
        CASE WHEN s.merged = 1 THEN 'merged'
             WHEN s.status = 'refused' THEN 'refused'
             WHEN s.status IN ('answered', 'closed') THEN
                 CASE WHEN NOT {answered_on_time_sql("s")} THEN 'answered_late'
                      WHEN {d.day_number("s.answered_at")} < {d.day_number("s.due_at")} THEN 'answered_early'
                      ELSE 'answered_on_time' END
             WHEN {overdue_sql("$2", "s")} THEN 'open_overdue'
             ELSE 'open_in_time' END AS bucket,
        {days} AS days
    FROM s LEFT JOIN k ON k.item_id = s.item_id
)"""


def _bucket_sums() -> str:
    return ",\n    ".join(
        f"SUM(CASE WHEN c.in_total = 1 AND c.bucket = '{b}' THEN 1 ELSE 0 END) AS {b}" for b in fig.BUCKETS
    )


def counts_sql(d: Dialect, group: str, worked: Callable[[str], str], scope: tuple[int, ...] | None) -> str:
    """One row per (key, answer days): every count of figures.Figures but the two below."""
    key = _ITEM_KEYS[group]
    where = _scope("c.unit_id", scope)
    days = "CASE WHEN c.in_total = 1 THEN c.days END"
    online = sql_list([Channel.ONLINE])
    return f"""WITH {items_cte(d, worked)}
SELECT {key} AS key, {days} AS days,
    SUM(c.is_carried) AS carried_over,
    SUM(c.is_received) AS received,
    SUM(CASE WHEN c.is_received = 1 AND c.channel = {online} THEN 1 ELSE 0 END) AS received_online,
    {_bucket_sums()},
    SUM(CASE WHEN c.in_total = 1 AND c.transfers >= {fig.BUCKS_PASSED_AFTER} THEN 1 ELSE 0 END)
        AS transferred_twice,
    SUM(CASE WHEN c.in_total = 1 AND c.extended > 0 THEN 1 ELSE 0 END) AS extended,
    SUM(CASE WHEN c.in_total = 1 THEN c.apologies ELSE 0 END) AS apologies,
    SUM(CASE WHEN c.in_total = 1 THEN c.promises_missed ELSE 0 END) AS promises_missed,
    SUM(CASE WHEN c.in_total = 1 THEN c.reopened ELSE 0 END) AS reopened,
    SUM(c.ratings) AS ratings, SUM(c.rating_sum) AS rating_sum,
    SUM(c.satisfied_count) AS satisfied_count, SUM(c.dissatisfied_count) AS dissatisfied_count
FROM c
WHERE (c.in_total = 1 OR c.ratings > 0){where}
GROUP BY {key}, {days}"""


def transfers_sql(group: str, scope: tuple[int, ...] | None) -> str:
    """Transfers inside the period, counted for the unit each left: the state before the transfer, read
    from the item's event before it (one lookup by the item's index per transfer; transfers are few)."""

    def before(column: str) -> str:
        return (
            f"(SELECT q.{column} FROM event q WHERE q.item_id = e.item_id AND q.id < e.id"
            " AND q.status IS NOT NULL ORDER BY q.id DESC LIMIT 1)"
        )

    keys = {"unit": before("unit_id"), "category": before("category_id"), "officer": before("officer_id"),
            "channel": "i.channel", "commune": "i.commune_id", "none": "CAST(NULL AS INTEGER)"}  # fmt: skip
    return f"""SELECT t.key, COUNT(*) AS transferred_out
FROM (SELECT {keys[group]} AS key, {"NULL" if group == "unit" else before("unit_id")} AS unit_id
      FROM event e JOIN feedback_item i ON i.id = e.item_id
      WHERE {_kinds(fig.TRANSFER_KINDS)} AND e.at >= $1 AND e.at < $2) t
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
    "carried_over": "c.is_carried = 1",
    "received": "c.is_received = 1",
    "received_online": f"c.is_received = 1 AND c.channel = {sql_list([Channel.ONLINE])}",
    "transferred_twice": f"c.in_total = 1 AND c.transfers >= {fig.BUCKS_PASSED_AFTER}",
    "extended": "c.in_total = 1 AND c.extended > 0",
    "reopened": "c.in_total = 1 AND c.reopened > 0",
}


def items_sql(d: Dialect, item_set: str, scope: tuple[int, ...] | None, limit: int, offset: int) -> str:
    """The items behind one number: code, title, unit, bucket and dates, oldest receipt first."""
    return f"""WITH {items_cte(d)}
SELECT i.code, i.title, u.code AS unit_code, u.name AS unit_name, c.bucket, c.in_total,
    c.received_at, c.due_at, CASE WHEN c.bucket LIKE 'answered%' THEN c.answered_at END AS answered_at,
    c.transfers, c.status
FROM c JOIN feedback_item i ON i.id = c.item_id LEFT JOIN unit u ON u.id = c.unit_id
WHERE {ITEM_FLAGS[item_set]}{_scope("c.unit_id", scope)}
ORDER BY c.received_at, i.id
LIMIT {int(limit)} OFFSET {int(offset)}"""


def _scope(column: str, scope: tuple[int, ...] | None) -> str:
    if scope is None:
        return ""
    return f" AND {column} IN ({', '.join(str(int(u)) for u in scope) or 'NULL'})"
