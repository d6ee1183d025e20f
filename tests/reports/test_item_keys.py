"""Every number of every row is its items: on the hand-built October (tests/reports/fixture.py, with
November's changes replayed), for each grouping and each number that counts items, `items(by=, key=)`
lists exactly as many items as `summary(by=)` counts in that row (and in the total), on SQLite and
PostgreSQL. A key that names no row is a 400 (reports/keys.py)."""

from __future__ import annotations

import pytest
import pytest_asyncio

from feedback.directory.reference import reference
from feedback.reports import keys
from feedback.reports.figures import ITEM_SETS
from feedback.reports.summary import items, summary
from tests.reports import fixture
from tests.reports.test_figures import OCTOBER

# extended and reopened count events (an item extended twice counts twice); the others count items.
COUNTED = tuple(s for s in ITEM_SETS if s not in ("extended", "reopened"))
ALL = 10_000


@pytest_asyncio.fixture
async def october(database_clean, settings, frozen_clock):  # noqa: ANN001
    office = await fixture.build(settings, frozen_clock)
    frozen_clock.set(fixture.at(2, 11, 8))
    return office


async def test_every_rows_numbers_are_its_items(october, settings) -> None:  # noqa: ANN001
    ref = await reference(settings)
    checked = 0
    for by in keys.GROUPS:
        for scope_code in (None, fixture.KT):
            scope = ref.unit_by_code(scope_code) if scope_code else None
            report = await summary(OCTOBER, by=by, scope=scope, ref=ref)
            for row in report.rows:
                own = by == "unit" and row.key.parent == row.key.code
                key = keys.of_row(by, row.key.code, row.key.ident)
                assert key is not None, (by, row.key)
                values = row.figures.as_dict()
                # A row with nothing to list (most units of the city): one look that it lists nothing.
                for item_set in ITEM_SETS if any(values[s] for s in ITEM_SETS) else ("received",):
                    if own:
                        found = await items(OCTOBER, item_set, scope=ref.unit_by_code(key), ref=ref,
                                            alone=True, limit=ALL)  # fmt: skip
                    else:
                        found = await items(
                            OCTOBER, item_set, scope=scope, ref=ref, by=by, key=key, limit=ALL
                        )
                    got = len(found)
                    if item_set in COUNTED:
                        assert got == values[item_set], (by, scope_code, row.key, item_set, got)
                    else:  # each item listed has at least one such event
                        assert (got == 0) == (values[item_set] == 0) and got <= values[item_set]
                    checked += values[item_set]
            for item_set in COUNTED:
                everything = await items(OCTOBER, item_set, scope=scope, ref=ref, limit=ALL)
                assert len(everything) == report.total.as_dict()[item_set], (by, scope_code, item_set)
    assert checked > 100  # the month has something in most of these numbers


async def test_rows_list_their_own_items(october, settings) -> None:  # noqa: ANN001
    ref = await reference(settings)
    by_field = await summary(OCTOBER, by="category", ref=ref)
    late = {r.key.code: r.figures.answered_late for r in by_field.rows}
    assert late[fixture.CATEGORY[fixture.KT]] == 4
    listed = await items(OCTOBER, "answered_late", scope=None, ref=ref, by="category",
                         key=fixture.CATEGORY[fixture.KT])  # fmt: skip
    assert {i["code"] for i in listed} == {october.codes[n] for n in ("A4", "A7", "B11", "B12")}
    assert all(i["category"]["code"] == fixture.CATEGORY[fixture.KT] for i in listed)


BAD_KEYS = (
    ("category", "khong-co", "lĩnh vực"),
    ("category", None, "Cần chọn"),
    ("channel", "fax", "kênh"),
    ("channel", "-", "kênh"),
    ("commune", "00000", "xã, phường"),
    ("officer", "x", "cán bộ"),
    ("officer", "99999", "cán bộ"),
    ("officer", "9" * 30, "cán bộ"),
    ("unit", "KHONG-CO", "đơn vị"),
    ("unit", "-", "đơn vị"),
    ("month", "2026-10", "theo"),
    ("category", "x" * 81, "quá dài"),
)


async def test_a_key_that_names_no_row_is_a_400(october, settings) -> None:  # noqa: ANN001
    ref = await reference(settings)
    for by, key, words in BAD_KEYS:
        with pytest.raises(keys.BadKey) as refused:
            await items(OCTOBER, "received", scope=None, ref=ref, by=by, key=key)
        assert refused.value.status_code == 400 and words in refused.value.message, (by, key)
