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
from markupsafe import Markup

from feedback.accounts.models import StaffUser
from feedback.edge import edge_refusal
from feedback.items.grounds import CLASSIFICATION_NAMES
from feedback.items.vocabulary import CHANNEL_NAMES, SEVERITY_NAMES
from feedback.items.vocabulary import STATUS_NAMES as STATUS_WORDS
from feedback.security.client import app_settings
from feedback.security.sessions import SESSION_COOKIE, csrf_token
from feedback.settings import Settings
from feedback.web.i18n import LANG_COOKIE, language, translator
from notifications.official import deadline_text

TEMPLATES = Path(__file__).parent / "templates"
HTMX = "/static/vendor/htmx-2.0.11.min.js"
# The maps (only with PAKN_MAP_TILES set): Leaflet and pakn's own map script, both served by pakn.
LEAFLET = "/static/vendor/leaflet-1.9.4"
MAP_ASSETS = {"css": f"{LEAFLET}/leaflet.css", "js": f"{LEAFLET}/leaflet.js", "pakn": "/static/pakn-map.js"}
# Where a map without a pin opens: Hà Nội, around Hoàn Kiếm lake, showing the inner districts.
MAP_CENTRE = "21.0285,105.8542"
MAP_ZOOM = 12
# The names the e-mails and the casework rules already use, so a page never says it differently.
STATUS_NAMES = {status: name.capitalize() for status, name in STATUS_WORDS.items()}
# The timeline's `changes` name fields as the code does; people read these.
FIELD_NAMES = {
    "status": "Trạng thái",
    "unit": "Đơn vị",
    "officer": "Cán bộ xử lý",
    "due_at": "Hạn trả lời",
    "accept_due_at": "Hạn tiếp nhận",
    "unit_received_at": "Đơn vị nhận lúc",
    "deadline_no": "Lần đặt hạn",
    "transfer_count": "Số lần chuyển",
    "extension_count": "Số lần gia hạn",
    "reopen_count": "Số lần mở lại",
    "classification": "Phân loại",
    "category": "Lĩnh vực",
    "severity": "Mức độ",
    "answer": "Trả lời",
    "answered_at": "Trả lời lúc",
    "answered_by": "Người trả lời",
    "draft_answer": "Dự thảo",
    "draft_by": "Người dự thảo",
    "draft_at": "Dự thảo lúc",
    "extension_request_day": "Ngày hẹn đề nghị gia hạn",
    "extension_request_reason": "Lý do đề nghị gia hạn",
    "extension_request_by": "Người đề nghị gia hạn",
    "extension_request_at": "Đề nghị gia hạn lúc",
    "refuse_ground": "Căn cứ không tiếp nhận",
    "refuse_reason": "Lý do không tiếp nhận",
    "rating": "Đánh giá",
    "rating_comment": "Ý kiến",
    "rated_at": "Đánh giá lúc",
    "closed_at": "Đóng lúc",
    "duplicate_of": "Trùng với",
    "duplicates": "Bản trùng",
    "cooperating_unit": "Đơn vị phối hợp",
    "cooperation": "Phối hợp",
    "citizen_reopened": "Người dân đã đề nghị mở lại",
}

# The coded values of those fields, by field: "authority" reads "thuộc thẩm quyền".
VALUE_NAMES: dict[str, dict[str, str]] = {
    "status": STATUS_NAMES,
    "severity": {code: name.capitalize() for code, name in SEVERITY_NAMES.items()},
    "channel": {code: name.capitalize() for code, name in CHANNEL_NAMES.items()},
    "classification": {code: name.capitalize() for code, name in CLASSIFICATION_NAMES.items()},
}

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
        "map": _map(settings),
        "stylesheet": "/static/pakn.css",
        "path": request.url.path,
        "status_name": lambda s: STATUS_NAMES.get(s, s),
        "severity_name": lambda s: SEVERITY_NAMES.get(s, s),
        "local": lambda v: _local(v, tz, "%H:%M %d/%m/%Y"),
        "local_date": lambda v: _local(v, tz, "%d/%m/%Y"),
        # A deadline as the letters write it ("hết ngày 09/11/2026", notifications/official.py).
        "deadline": lambda v: _deadline(v, tz) if lang == "vi" else _local(v, tz, "%H:%M %d/%m/%Y"),
        "channel_name": lambda c: CHANNEL_NAMES.get(c, c),
        "field_name": lambda f: FIELD_NAMES.get(f, f),
        "shown": lambda v, field="": _shown(v, tz, field),
        # A value the edge refused (feedback/edge.py shows the form's page again): base.html says why,
        # unless the page puts it next to its field itself (then its context sets `refusal` to None).
        "refusal": edge_refusal(request.scope),
    }
    html = _env.get_template(template).render({**shared, **(context or {})})
    cookies = list(cookies or [])
    if request.query_params.get("lang") in ("vi", "en"):
        cookies.append(Cookie(key=LANG_COOKIE, value=lang, max_age=365 * 24 * 3600, samesite="lax", path="/"))
    return Response(html, media_type=MediaType.HTML, status_code=status_code, cookies=cookies)


def _map(settings: Settings) -> dict[str, Any] | None:
    """What a page needs to draw a map (None without PAKN_MAP_TILES: then no page shows one)."""
    if not settings.map_tiles:
        return None
    return {
        "tiles": settings.map_tiles,
        "attribution": settings.map_attribution,
        "centre": MAP_CENTRE,
        "zoom": MAP_ZOOM,
        **MAP_ASSETS,
    }


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


def _deadline(value: Any, tz: ZoneInfo) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return deadline_text(value.astimezone(tz) if isinstance(value, datetime) else value)


def _shown(value: Any, tz: ZoneInfo, field: str = "") -> str:
    """A value of the timeline's changes, as people read it: local times, the names of coded values
    (statuses, severities, channels, classifications), — for none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str) and value in VALUE_NAMES.get(field, {}):
        return VALUE_NAMES[field][value]
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, str):
        if value in STATUS_NAMES:
            return STATUS_NAMES[value]
        if len(value) >= 19 and value[4] == "-" and value[10] == "T":
            try:
                return _local(value, tz, "%H:%M %d/%m/%Y")
            except ValueError:
                return value
    return str(value)


def fragment(request: Request, template: str, context: dict[str, Any]) -> Markup:
    """A part of a page rendered on its own, for a page that keeps it (the published monthly report):
    the language, the translator and the local-time filters, no user, no CSRF token."""
    tz, lang = app_settings(request).tz, language(request)
    shared = {
        "lang": lang,
        "_": translator(lang),
        "local": lambda v: _local(v, tz, "%H:%M %d/%m/%Y"),
        "local_date": lambda v: _local(v, tz, "%d/%m/%Y"),
    }
    return Markup(_env.get_template(template).render({**shared, **context}))  # noqa: S704 - autoescaped
