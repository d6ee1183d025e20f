"""The page of the demo mail catcher (`pakn serve --demo`): what pakn sent, for staff only."""

from __future__ import annotations

from html import escape

from litestar import MediaType, Request, get
from litestar.di import NamedDependency

from feedback.demo.api import caught_mail
from feedback.errors import NotFound
from feedback.settings import Settings
from feedback.web.auth import staff_page_user
from feedback.web.static_files import STYLESHEET


@get("/demo/mail", media_type=MediaType.HTML, include_in_schema=False)
async def demo_mail_page(request: Request, settings: NamedDependency[Settings]) -> str:
    """Staff only: the caught mail holds citizens' personal data (404 outside demo mode)."""
    if not settings.demo:
        raise NotFound("Hộp thư thử nghiệm chỉ có khi chạy với --demo")
    await staff_page_user(request)
    rows = "".join(
        f"<article><h2>{escape(m.subject)}</h2><p><b>Đến:</b> {escape(m.to)} · {escape(m.date)}</p>"
        f"<pre>{escape(m.text)}</pre></article>"
        for m in caught_mail(settings)
    )
    return (
        "<!doctype html><html lang='vi'><meta charset='utf-8'><title>Thư đã gửi (demo)</title>"
        f"<link rel='stylesheet' href='{STYLESHEET}'>"
        f"<h1>Thư pakn đã gửi (chế độ demo)</h1>{rows or '<p>Chưa có thư nào.</p>'}</html>"
    )
