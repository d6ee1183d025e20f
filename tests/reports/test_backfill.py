"""Migration 0013 fills the state columns of events written before it from their `changes`: on the
hand-built month, wiping the columns and filling them again gives back what the services wrote."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from feedback import db
from feedback.items.models import Event
from feedback.items.timeline import STATE_FIELDS
from tests.reports import fixture

migration = importlib.import_module("feedback.migrations.0014_event_state")


@dataclass
class Editor:
    client: Any


async def _states() -> dict[int, tuple]:
    rows = await Event.all().order_by("id").values("id", "kind", *STATE_FIELDS)
    return {r["id"]: tuple(r[f] for f in STATE_FIELDS) for r in rows}


async def test_the_backfill_rebuilds_every_state(database_clean, settings, frozen_clock) -> None:  # noqa: ANN001
    office = await fixture.build(settings, frozen_clock)
    await fixture.after_october(office)
    written = await _states()
    assert any(state[0] == "refused" for state in written.values())  # the month did it all
    await db.execute(f"UPDATE event SET {', '.join(f'{f} = NULL' for f in STATE_FIELDS)}")
    assert all(state == (None,) * len(STATE_FIELDS) for state in (await _states()).values())
    await migration.fill(None, Editor(db.conn()))
    assert await _states() == written
