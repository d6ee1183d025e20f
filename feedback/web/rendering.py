"""Rendering server-side pages: one Jinja environment, one `page()` helper that every page uses.

Each page gets the language, the translator `_`, the logged-in staff user (if any), the CSRF token for
its forms, and the paths of pakn's own static files (no CDN: government intranets have no internet).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.enums import MediaType

from feedback.accounts.models import StaffUser
from feedback.security.client import app_settings
from feedback.security.sessions import SESSION_COOKIE, csrf_token
from feedback.web.i18n import LANG_COOKIE, language, translator

TEMPLATES = Path(__file__).parent / "templates"
HTMX = "/static/vendor/htmx-2.0.11.min.js"
STATUS_NAMES = {
    "received": "Mới tiếp nhận",
    "assigned": "Đã phân công",
    "in_progress": "Đang xử lý",
    "answered": "Đã trả lời",
    "closed": "Đã đóng",
    "refused": "Không tiếp nhận",
}
SEVERITY_NAMES = {"urgent": "Khẩn", "normal": "Thông thường", "complex": "Phức tạp"}

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def page(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    user: StaffUser | None = None,
    status_code: int = 200,
    cookies: list[Cookie] | None = None,
) -> Response[str]:
    """Render `template` with the shared context; `?lang=` also remembers the choice in a cookie."""
    settings = app_settings(request)
    lang = language(request)
    session = request.cookies.get(SESSION_COOKIE, "")
    tz = settings.tz
    shared = {
        "lang": lang,
        "_": translator(lang),
        "user": user,
        "csrf": csrf_token(settings.secret_key, session) if session else "",
        "htmx": HTMX,
        "stylesheet": "/static/pakn.css",
        "path": request.url.path,
        "status_name": lambda s: STATUS_NAMES.get(s, s),
        "severity_name": lambda s: SEVERITY_NAMES.get(s, s),
        "local": lambda v: _local(v, tz, "%H:%M %d/%m/%Y"),
        "local_date": lambda v: _local(v, tz, "%d/%m/%Y"),
    }
    html = _env.get_template(template).render({**shared, **(context or {})})
    cookies = list(cookies or [])
    if request.query_params.get("lang") in ("vi", "en"):
        cookies.append(Cookie(key=LANG_COOKIE, value=lang, max_age=365 * 24 * 3600, samesite="lax", path="/"))
    return Response(html, media_type=MediaType.HTML, status_code=status_code, cookies=cookies)


def _local(value: Any, tz: ZoneInfo, pattern: str) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value.astimezone(tz).strftime(pattern)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)
