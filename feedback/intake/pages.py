"""The tracking page behind the secret link in the citizen's e-mails (`/track/{code}?token=…`).

A plain, self-contained page so the link works from the first e-mail on; the full web pages build on
the same data (feedback/intake/api.py `tracked`).
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Annotated

from litestar import MediaType, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from feedback.errors import NotFound
from feedback.intake import services
from feedback.intake.api import tracked
from feedback.settings import Settings
from feedback.web.static_files import STYLESHEET

STATUS_NAMES = {
    "received": "Đã tiếp nhận",
    "assigned": "Đã giao xử lý",
    "in_progress": "Đang xử lý",
    "answered": "Đã trả lời",
    "closed": "Đã kết thúc",
    "refused": "Không tiếp nhận",
}
def _page(title: str, body: str, status_code: int = 200) -> Response[str]:
    html = (
        f"<!doctype html><html lang='vi'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title><link rel='stylesheet' href='{STYLESHEET}'></head><body>{body}</body></html>"
    )
    return Response(html, media_type=MediaType.HTML, status_code=status_code)


@get("/track/{code:str}", include_in_schema=False)
async def track_page(
    code: FromPath[str],
    settings: NamedDependency[Settings],
    token: Annotated[str, QueryParameter(required=False)] = "",
) -> Response[str]:
    try:
        item = await services.track(code, token)
    except NotFound as exc:
        return _page("Không tìm thấy", f"<h1>Không tìm thấy phản ánh</h1><p>{escape(exc.message)}</p>", 404)
    data = await tracked(item)

    def when(value: datetime) -> str:
        return value.astimezone(settings.tz).strftime("%H:%M %d/%m/%Y")

    timeline = "".join(f"<li>{when(e.at)}: {escape(e.message)}</li>" for e in data.timeline)
    answer = f"<h2>Trả lời</h2><div class='answer'>{escape(data.answer)}</div>" if data.answer else ""
    body = (
        f"<h1>Phản ánh {escape(data.code)}</h1><dl>"
        f"<dt>Nội dung</dt><dd>{escape(data.title)}</dd>"
        f"<dt>Trạng thái</dt><dd>{STATUS_NAMES.get(data.status, data.status)}</dd>"
        f"<dt>Đơn vị xử lý</dt><dd>{escape(data.unit.name)}</dd>"
        f"<dt>Ngày tiếp nhận</dt><dd>{when(data.received_at)}</dd>"
        f"<dt>Hạn trả lời</dt><dd>{data.due_at.astimezone(settings.tz):%d/%m/%Y}</dd></dl>"
        f"{answer}<h2>Quá trình xử lý</h2><ul>{timeline}</ul>"
    )
    return _page(f"Phản ánh {data.code}", body)
