"""Administration pages for coordinators: `/admin` and, per kind of row, a list page (with a create
form) and an edit page. The framework (`framework.py`) makes the pages from each kind's description
(`kinds.py`); forms post url-encoded bodies (with the `csrf_token` field) that become the API's Structs
and go to `feedback.admin`'s services."""

from __future__ import annotations

from litestar import Request, Response, get

from feedback.admin.common import counts
from feedback.web.admin.api_keys import API_KEY_ROUTES
from feedback.web.admin.framework import page_coordinator, routes_for
from feedback.web.admin.kinds import KINDS
from feedback.web.rendering import page


@get("/admin", include_in_schema=False)
async def admin_index(request: Request) -> Response[str]:
    user = await page_coordinator(request)
    context = {"kinds": KINDS, "counts": await counts()}
    return page(request, "admin_index.html", context, user=user)


ADMIN_ROUTES = [admin_index, *(handler for kind in KINDS for handler in routes_for(kind)), *API_KEY_ROUTES]
