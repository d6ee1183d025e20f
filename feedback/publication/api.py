"""The public list of answered feedback (SPEC §9 `GET /api/v1/public/feedback`): no login, redacted."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import FromPath, QueryParameter

from feedback.publication import published
from feedback.publication.schemas import PublicFeedback, PublicFeedbackPage


class PublicFeedbackController(Controller):
    path = "/api/v1/public/feedback"
    tags = ["public"]

    @get("/")
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

    @get("/{code:str}")
    async def item(self, code: FromPath[str]) -> PublicFeedback:
        """One published item; an item that is not published is "not found"."""
        return await published.one(code)
