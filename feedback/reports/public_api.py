"""The published monthly reports over HTTP (SPEC §7, §9): a coordinator publishes a month
(`POST /api/v1/reports/publish`); anyone reads what was published (`GET /api/v1/public/reports` and
`…/reports/{YYYY-MM}`), from the stored snapshots only (feedback/reports/publish.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, QueryParameter
from msgspec import Meta, Struct, field

from feedback.accounts.api import current_user
from feedback.accounts.models import StaffUser
from feedback.edge import MAX_ID
from feedback.reports import publish
from feedback.reports.schemas import Counted, Figures, Key
from feedback.reports.snapshot import MONTH_PATTERN
from feedback.settings import Settings

Month = Annotated[
    str, Meta(pattern=MONTH_PATTERN, description='a closed calendar month, "YYYY-MM"', examples=["2026-10"])
]
Version = Annotated[
    int | None, QueryParameter(ge=1, le=MAX_ID, description="an earlier version (default: the latest)")
]


class PublishIn(Struct):
    month: Month


class PublishedOut(Struct):
    month: str
    version: int
    published_at: datetime
    url: str  # the public page


class PublishedList(Struct):
    reports: list[PublishedOut]  # newest month first, each at its latest version


class Counts(Counted):
    """The raw counts the figures come from (figures.Figures), so exports rebuild the same table."""

    rating_sum: int
    satisfied_count: int
    dissatisfied_count: int
    answer_days: dict[str, int]  # working days from the unit's receipt to the answer → answers


class CityOut(Figures):
    counts: Counts


class FieldRow(Figures):
    key: Key
    counts: Counts


class UnitRow(Figures):
    key: Key
    counts: Counts
    rank: int | None  # among the units directly under the city with ≥ ranking.min_total items


class Placed(Struct):
    code: str | None
    name: str
    rank: int | None
    total: int
    on_time_rate: float | None


class Ranking(Struct):
    min_total: int
    ranked: int
    best: list[Placed]
    worst: list[Placed]


class UnitName(Struct):
    code: str | None
    name: str


class Apology(Struct):
    code: str  # the tracking code
    unit: UnitName  # the unit that issued it
    at: datetime
    reason: str  # as public text: names as initials, contacts masked


class PublicReport(Struct):
    """A published month as stored: what the public page shows."""

    month: str
    version: int
    from_: date = field(name="from")
    to: date
    published_at: datetime
    city: CityOut
    units: list[UnitRow]
    fields: list[FieldRow]
    ranking: Ranking
    apologies: list[Apology]


def _out(found: publish.Published) -> PublishedOut:
    return PublishedOut(found.month, found.version, found.published_at, f"/reports/{found.month}")


class PublishController(Controller):
    path = "/api/v1/reports"
    tags = ["reports"]
    dependencies = {"user": Provide(current_user)}

    @post("/publish", status_code=201)
    async def publish_month(
        self, user: NamedDependency[StaffUser], settings: NamedDependency[Settings], data: JSONBody[PublishIn]
    ) -> PublishedOut:
        """Publish a closed month's public report (coordinators): its figures are frozen as a new version
        (1, then 2 when the month is published again); the public page shows the latest."""
        made = await publish.publish(user, data.month, settings)
        return _out(publish.Published(made.month, made.version, made.published_at))


class PublicReportsController(Controller):
    path = "/api/v1/public/reports"
    tags = ["public"]

    @get("/")
    async def index(self) -> PublishedList:
        """The published months, newest first, each with its latest version and its publication time."""
        return PublishedList([_out(found) for found in await publish.listing()])

    @get("/{month:str}")
    async def one(self, month: FromPath[str], version: Version = None) -> PublicReport:
        """One published month as it was stored at its publication (the latest version, or `version`);
        a month not published (or not a month) is "not found"."""
        key, stored = await publish.stored(month, version)
        return publish.derived("json", key) or publish.keep(
            "json", key, msgspec.convert(stored, PublicReport)
        )
