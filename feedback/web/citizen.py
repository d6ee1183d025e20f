"""Pages for citizens: home, filing, confirmation, tracking, published answers."""

from __future__ import annotations

from litestar import Request, Response, get

from feedback.web.auth import optional_user
from feedback.web.rendering import page


@get("/", include_in_schema=False)
async def home(request: Request) -> Response[str]:
    return page(request, "home.html", user=await optional_user(request))
