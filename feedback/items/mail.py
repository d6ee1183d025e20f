"""The mail context of an item: what every e-mail about it gives its template, defined ONCE.

Two places build it: Python, for the e-mails of a change (intake, casework: `feedback/intake/mail.py`),
and SQL, for the messages the step sweep queues set-based (`feedback/deadlines/sweep.py`). Both are
derived from ITEM_CONTEXT below, and tests/deadlines/test_item_context.py checks that for one item they
agree. Times are ISO 8601 text (Python's isoformat, the database's CAST AS TEXT; the templates parse
either). Names of codes (severity, channel) come from the vocabulary, so notifications/ needs no copy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from feedback.items.vocabulary import CHANNEL_NAMES, SEVERITY_NAMES

Source = Literal["column", "time", "name", "unit", "category", "staff_url", "track_url"]


@dataclass(frozen=True)
class Key:
    key: str
    source: Source
    column: str = ""  # the item's column ("column", "time", "name")
    names: Mapping[str, str] | None = None  # code → name ("name")


ITEM_CONTEXT: tuple[Key, ...] = (
    Key("code", "column", "code"),
    Key("title", "column", "title"),
    Key("unit_name", "unit"),
    Key("category_name", "category"),
    Key("received_at", "time", "received_at"),
    Key("due_at", "time", "due_at"),
    Key("severity", "column", "severity"),
    Key("severity_name", "name", "severity", SEVERITY_NAMES),
    Key("channel", "column", "channel"),
    Key("channel_name", "name", "channel", CHANNEL_NAMES),
    Key("staff_url", "staff_url"),
    # The tracking page with the code filled in: the citizen adds the secret token of the
    # acknowledgement (only its hash is stored, so no later mail can carry the private link).
    Key("track_url", "track_url"),
)
# What a citizen's message leaves out: the staff pages are no business of theirs.
STAFF_ONLY = frozenset({"staff_url"})


def staff_url(base_url: str, code: str) -> str:
    return f"{base_url}/staff/feedback/{code}"


def track_url(base_url: str, code: str) -> str:
    return f"{base_url}/track?code={code}"


def context_of(item: Any, *, unit_name: str, category_name: str, base_url: str) -> dict[str, Any]:
    """The context in Python, for `item` (a FeedbackItem) of the named unit and category."""
    values: dict[str, Callable[[Key], Any]] = {
        "column": lambda k: getattr(item, k.column),
        "time": lambda k: getattr(item, k.column).isoformat(),
        "name": lambda k: (k.names or {}).get(getattr(item, k.column), getattr(item, k.column)),
        "unit": lambda k: unit_name,
        "category": lambda k: category_name,
        "staff_url": lambda k: staff_url(base_url, item.code),
        "track_url": lambda k: track_url(base_url, item.code),
    }
    return {k.key: values[k.source](k) for k in ITEM_CONTEXT}


def context_sql(
    *, item: str = "i", unit: str = "u", category: str = "c", base_url: str = "$3", staff: bool = True
) -> dict[str, str]:
    """The context as SQL expressions over the aliases of the item, its unit and its category (both
    LEFT JOINed) and the base URL parameter; `staff=False` leaves out what a citizen does not get."""

    def name(k: Key) -> str:
        cases = " ".join(f"WHEN {_text(code)} THEN {_text(label)}" for code, label in (k.names or {}).items())
        return f"CASE {item}.{k.column} {cases} ELSE {item}.{k.column} END"

    forms: dict[str, Callable[[Key], str]] = {
        "column": lambda k: f"{item}.{k.column}",
        "time": lambda k: f"CAST({item}.{k.column} AS TEXT)",
        "name": name,
        "unit": lambda k: f"COALESCE({unit}.name, '')",
        "category": lambda k: f"COALESCE({category}.name, '')",
        "staff_url": lambda k: f"CAST({base_url} AS TEXT) || {_text(staff_url('', ''))} || {item}.code",
        "track_url": lambda k: f"CAST({base_url} AS TEXT) || {_text(track_url('', ''))} || {item}.code",
    }
    return {k.key: forms[k.source](k) for k in ITEM_CONTEXT if staff or k.key not in STAFF_ONLY}


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
