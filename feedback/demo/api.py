"""The demo mail catcher's reader: with `pakn serve --demo`, every e-mail pakn sends lands in a local
Maildir instead of the internet, and staff read it here."""

from __future__ import annotations

from html import escape

from litestar import Controller, MediaType, Request, get
from litestar.di import NamedDependency, Provide
from msgspec import Struct

from feedback.accounts.api import current_user
from feedback.accounts.models import StaffUser
from feedback.errors import NotFound
from feedback.settings import Settings
from feedback.web.auth import staff_page_user
from feedback.web.static_files import STYLESHEET
from notifications.catcher import read_caught


class CaughtOut(Struct):
    id: str
    date: str
    sender: str
    to: str
    subject: str
    text: str


def _caught(settings: Settings, limit: int = 200) -> list[CaughtOut]:
    if not settings.demo:
        raise NotFound("Hộp thư thử nghiệm chỉ có khi chạy với --demo")
    return [
        CaughtOut(m.id, m.date.isoformat(), m.sender, m.to, m.subject, m.text)
        for m in read_caught(settings.demo_maildir, limit=limit)
    ]


class DemoMailController(Controller):
    path = "/"
    tags = ["demo"]

    @get("/api/v1/demo/mail", dependencies={"user": Provide(current_user)})
    async def mail_json(
        self, settings: NamedDependency[Settings], user: NamedDependency[StaffUser]
    ) -> list[CaughtOut]:
        return _caught(settings)

    @get("/demo/mail", media_type=MediaType.HTML, include_in_schema=False)
    async def mail_page(self, request: Request, settings: NamedDependency[Settings]) -> str:
        """Staff only: the caught mail holds citizens' personal data (404 outside demo mode)."""
        if not settings.demo:
            raise NotFound("Hộp thư thử nghiệm chỉ có khi chạy với --demo")
        await staff_page_user(request)
        rows = "".join(
            f"<article><h2>{escape(m.subject)}</h2><p><b>Đến:</b> {escape(m.to)} · {escape(m.date)}</p>"
            f"<pre>{escape(m.text)}</pre></article>"
            for m in _caught(settings)
        )
        return (
            "<!doctype html><html lang='vi'><meta charset='utf-8'><title>Thư đã gửi (demo)</title>"
            f"<link rel='stylesheet' href='{STYLESHEET}'>"
            f"<h1>Thư pakn đã gửi (chế độ demo)</h1>{rows or '<p>Chưa có thư nào.</p>'}</html>"
        )
