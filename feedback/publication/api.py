"""The public list of answered feedback (SPEC §9 `GET /api/v1/public/feedback`) and its map: no login,
redacted."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import FromPath, QueryParameter

from feedback.publication import published
from feedback.publication.schemas import PlaceCollection, PublicFeedback, PublicFeedbackPage

MAX_PLACES = 1000


class PublicFeedbackController(Controller):
    path = "/api/v1/public"
    tags = ["public"]

    @get("/feedback")
    async def index(
        self,
        q: Annotated[
            str | None, QueryParameter(max_length=200, description="with or without diacritics")
        ] = None,
        category: Annotated[str | None, QueryParameter(max_length=40)] = None,
        commune: Annotated[str | None, QueryParameter(max_length=10)] = None,
        unit: Annotated[str | None, QueryParameter(max_length=40)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> PublicFeedbackPage:
        """Published items (the citizen consented, the unit answered), newest answers first."""
        filters = published.Filters(q=q, category=category, commune=commune, unit=unit)
        total, items = await published.search(filters, limit=limit, offset=offset)
        return PublicFeedbackPage(total=total, limit=limit, offset=offset, items=items)

    @get("/feedback.geojson", media_type="application/geo+json")
    async def places(
        self,
        q: Annotated[
            str | None, QueryParameter(max_length=200, description="with or without diacritics")
        ] = None,
        category: Annotated[str | None, QueryParameter(max_length=40)] = None,
        commune: Annotated[str | None, QueryParameter(max_length=10)] = None,
        unit: Annotated[str | None, QueryParameter(max_length=40)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_PLACES)] = MAX_PLACES,
    ) -> PlaceCollection:
        """The public map: published items that have a place, newest answers first, as GeoJSON points
        (longitude, latitude, rounded to about 100 m) with the code, the redacted title, the status and
        the public page's address only."""
        filters = published.Filters(q=q, category=category, commune=commune, unit=unit)
        return await published.places(filters, limit=limit)

    @get("/feedback/{code:str}")
    async def item(self, code: FromPath[str]) -> PublicFeedback:
        """One published item; an item that is not published is "not found"."""
        return await published.one(code)
