"""The citizen's side of casework: rating the answer, and asking once to reopen it."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from msgspec import Meta, Struct

from feedback.casework import rating
from feedback.intake.api import tracked
from feedback.intake.schemas import FeedbackTracked
from feedback.security.throttle import rate_limited
from feedback.settings import Settings


class RatingIn(Struct, forbid_unknown_fields=True):
    rating: Annotated[int, Meta(ge=1, le=5, description="1 (không hài lòng) … 5 (rất hài lòng)")]
    comment: Annotated[str, Meta(max_length=2000)] = ""
    # With a rating of 1 or 2: ask the unit to look at it again (once).
    reopen: bool = False


@post("/api/v1/feedback/{code:str}/rating", status_code=200, tags=["public"], guards=[rate_limited("rating")])
async def rate(
    code: FromPath[str],
    data: JSONBody[RatingIn],
    request: Request,
    settings: NamedDependency[Settings],
    token: Annotated[str | None, QueryParameter(required=False)] = None,
) -> FeedbackTracked:
    """Rate the answer with the secret token (`X-Access-Token` header or `?token=`)."""
    item = await rating.rate(
        code,
        request.headers.get("x-access-token") or token or "",
        settings,
        rating=data.rating,
        comment=data.comment.strip(),
        reopen=data.reopen,
    )
    return await tracked(item)
