"""The reports' query parameters and answers (SPEC §7), validated once at the edge: a bad date, grouping,
bucket or page gives a 400 that names the parameter; a period the reading refuses, a 422."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from litestar.params import QueryParameter
from msgspec import Struct, field

from feedback.reports.figures import ITEM_SETS

By = Literal["unit", "category", "channel", "commune", "month", "officer"]
ItemSet = Literal[ITEM_SETS]  # type: ignore[valid-type]

From = Annotated[date | None, QueryParameter(name="from", description="first day (local), inclusive")]
To = Annotated[date | None, QueryParameter(description="last day (local), inclusive")]
ByParam = Annotated[
    By, QueryParameter(description="one row per unit, field, channel, commune, month or officer")
]
UnitParam = Annotated[
    str | None, QueryParameter(max_length=40, description="a unit's code: it and its sub-units")
]
Depth = Annotated[int, QueryParameter(ge=1, le=4, description="by=unit: levels of sub-units listed")]
# Optional in the schema so that a caller without a login hears 401 first; the handler requires it.
Bucket = Annotated[ItemSet | None, QueryParameter(description="which number's items (required)")]
ItemsBy = Literal["unit", "category", "channel", "commune", "officer"]
ItemsByParam = Annotated[
    ItemsBy | None, QueryParameter(description="with `key`: only the items of one row of the summary by this")
]
KeyParam = Annotated[
    str | None,
    QueryParameter(
        max_length=80,
        description="the row: a unit's or field's code, a channel, a commune's code, an officer's id;"
        " `-`: the row without a field, commune or officer",
    ),
]
Limit = Annotated[int, QueryParameter(ge=1, le=1000)]
Offset = Annotated[int, QueryParameter(ge=0, le=1_000_000)]


class Counted(Struct):
    """The counts of figures.Figures that both the figures (below) and a published month's raw counts
    (reports/public_api.py) carry."""

    carried_over: int
    received: int
    received_online: int
    answered_early: int
    answered_on_time: int
    answered_late: int
    refused: int
    merged: int
    open_in_time: int
    open_overdue: int
    transferred_out: int
    transferred_twice: int
    extended: int
    apologies: int
    promises_missed: int
    reopened: int
    cooperations: int
    cooperations_late: int
    ratings: int


class Figures(Counted):
    total: int
    on_time_rate: float | None
    answer_days_avg: float | None
    answer_days_p90: int | None
    rating_avg: float | None
    satisfied: float | None
    dissatisfied: float | None


class Key(Struct):
    code: str | None
    name: str
    level: int = 1
    parent: str | None = None


class Row(Figures):
    key: Key


class UnitOut(Struct):
    code: str
    name: str


class SummaryOut(Struct):
    from_: date = field(name="from")
    to: date
    by: str
    unit: UnitOut | None
    rows: list[Row]
    total: Figures


class ItemOut(Struct):
    code: str
    title: str
    unit: UnitOut
    bucket: str | None
    status: str | None
    received_at: datetime
    due_at: datetime | None
    answered_at: datetime | None
    transfers: int
    category: UnitOut | None = None  # the field (code, name) at the end of the period


class ItemsOut(Struct):
    from_: date = field(name="from")
    to: date
    unit: UnitOut | None
    bucket: str
    items: list[ItemOut]
    by: str | None = None
    key: str | None = None
