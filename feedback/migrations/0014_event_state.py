import json
from datetime import datetime
from typing import Any

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from notifications.sql import dialect_sql

STATE = ("status", "unit_id", "officer_id", "category_id", "due_at", "unit_received_at")
BATCH = 500  # items per round trip


def _when(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _changes(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        value = json.loads(value or "{}")
    return value if isinstance(value, dict) else {}


def replay(item: dict[str, Any], events: list[dict[str, Any]], ids: dict[str, dict[str, int]]) -> list:
    """The state after each of an item's events (oldest first), rebuilt from their `changes`.

    Events show units and fields by code and officers by name (`[before, after]`); the first event
    holds the receiving unit and the first deadline. What cannot be read back (an officer whose name is
    not unique) stays as far as known; the sweep's deadline_* events keep no state, as they do now.
    """
    first = _changes(events[0]["changes"]) if events else {}
    category = item["category_id"]
    for event in events:  # the field before its first correction is the one it was received with
        change = _changes(event["changes"]).get("category")
        if isinstance(change, list) and len(change) == 2:
            category = ids["category"].get(change[0]) if change[0] else None
            break
    state: dict[str, Any] = {
        "status": "received",
        "unit_id": ids["unit"].get(first.get("unit"), item["unit_id"])
        if isinstance(first.get("unit"), str)
        else item["unit_id"],
        "officer_id": None,
        "category_id": category,
        "due_at": _when(first.get("due_at"))
        if isinstance(first.get("due_at"), str)
        else _when(item["due_at"]),
        "unit_received_at": _when(item["received_at"]),
    }
    rows = []
    for event in events:
        for name, change in _changes(event["changes"]).items():
            if not (isinstance(change, list) and len(change) == 2):
                continue
            after = change[1]
            if name == "status" and after:
                state["status"] = after
            elif name == "unit" and after in ids["unit"]:
                state["unit_id"] = ids["unit"][after]
            elif name == "officer":
                state["officer_id"] = ids["officer"].get(after) if after else None
            elif name == "category":
                state["category_id"] = ids["category"].get(after) if after else None
            elif name in ("due_at", "unit_received_at") and after:
                state[name] = _when(after)
        if str(event["kind"]).startswith("deadline_"):
            continue
        rows.append((event["id"], dict(state)))
    return rows


async def fill(apps: Any, editor: Any) -> None:
    client = editor.client

    async def fetch(sql: str, *params: Any) -> list[dict[str, Any]]:
        return list(await client.execute_query_dict(dialect_sql(client, sql), list(params)))

    ids = {
        "unit": {r["code"]: r["id"] for r in await fetch("SELECT id, code FROM unit")},
        "category": {r["code"]: r["id"] for r in await fetch("SELECT id, code FROM category")},
        "officer": {},
    }
    labels: dict[str, list[int]] = {}
    for r in await fetch("SELECT id, name, email FROM staff_user"):
        labels.setdefault(r["name"] or r["email"], []).append(r["id"])
    ids["officer"] = {label: found[0] for label, found in labels.items() if len(found) == 1}
    update = dialect_sql(
        client,
        "UPDATE event SET status = $1, unit_id = $2, officer_id = $3, category_id = $4, due_at = $5,"
        " unit_received_at = $6 WHERE id = $7",
    )
    last = 0
    while True:
        items = await fetch(
            "SELECT id, received_at, category_id, unit_id, due_at FROM feedback_item WHERE id > $1"
            f" ORDER BY id LIMIT {BATCH}",
            last,
        )
        if not items:
            return
        last = items[-1]["id"]
        events = await fetch(
            "SELECT id, item_id, kind, changes FROM event WHERE item_id >= $1 AND item_id <= $2"
            " ORDER BY item_id, id",
            items[0]["id"],
            last,
        )
        by_item: dict[int, list[dict[str, Any]]] = {}
        for event in events:
            by_item.setdefault(event["item_id"], []).append(event)
        for item in items:
            for event_id, state in replay(item, by_item.get(item["id"], []), ids):
                await client.execute_query(update, [*(state[name] for name in STATE), event_id])


class Migration(migrations.Migration):
    """Every event keeps the item's state right after it — status, unit, officer, field, the deadline in
    force and the unit's receipt — so that reports read a past period as it was (SPEC §7 "as of, not as
    now"). New nullable columns (no row rewritten); then existing rows are filled by replaying each
    item's `changes` from its receipt, as far as they tell (units and fields by code, officers by a
    unique name). The sweep's deadline_* events keep none, as new ones do."""

    dependencies = [("models", "0013_retention")]

    initial = False

    operations = [
        ops.AddField(model_name="Event", name="status", field=fields.CharField(null=True, max_length=12)),
        ops.AddField(model_name="Event", name="unit_id", field=fields.IntField(null=True)),
        ops.AddField(model_name="Event", name="officer_id", field=fields.IntField(null=True)),
        ops.AddField(model_name="Event", name="category_id", field=fields.IntField(null=True)),
        ops.AddField(
            model_name="Event",
            name="due_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="Event",
            name="unit_received_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(model_name="Event", index=Index(fields=["kind", "at"])),
        ops.AddIndex(model_name="FeedbackItem", index=Index(fields=["received_at"])),
        ops.AddIndex(model_name="FeedbackItem", index=Index(fields=["updated_at"])),
        ops.RunPython(fill, reverse_code=None),
    ]
