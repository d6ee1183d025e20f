"""The coordinators' page for Open311 API keys: `/admin/api-keys` lists them, issues one (showing the key
this once) and revokes one. The same services as `/api/v1/admin/api-keys` (feedback/open311/keys.py)."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from feedback.accounts.api import current_user
from feedback.admin.common import require_coordinator
from feedback.errors import DomainError
from feedback.open311 import keys
from feedback.web.admin.framework import page_coordinator
from feedback.web.rendering import page

BASE = "/admin/api-keys"


async def _show(request: Request, user, **context) -> Response[str]:  # noqa: ANN001, ANN003
    status_code = context.pop("status_code", 200)
    context = {"keys": await keys.listed(), "issued": None, "error": "", "name": "", **context}
    context["revoked"] = request.query_params.get("saved") == "revoked"
    return page(request, "admin_api_keys.html", context, user=user, status_code=status_code)


@get(BASE, include_in_schema=False, name="admin_api_keys")
async def api_keys_page(request: Request) -> Response[str]:
    return await _show(request, await page_coordinator(request))


@post(BASE, include_in_schema=False, status_code=200)
async def issue_key(request: Request) -> Response[str]:
    user = require_coordinator(await current_user(request))  # the session cookie and the csrf_token
    name = str((await request.form()).get("name", ""))
    try:
        row, key = await keys.issue(name, by=user.email)
    except DomainError as exc:
        return await _show(request, user, error=exc.message, name=name, status_code=422)
    return await _show(request, user, issued={"name": row.name, "key": key})


@post(f"{BASE}/{{key_id:int}}/revoke", include_in_schema=False, status_code=303)
async def revoke_key(request: Request, key_id: FromPath[int]) -> Response:
    require_coordinator(await current_user(request))
    await keys.revoke(key_id)
    return Redirect(f"{BASE}?saved=revoked", status_code=303)


API_KEY_ROUTES = [api_keys_page, issue_key, revoke_key]
