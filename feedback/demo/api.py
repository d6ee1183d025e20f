"""The demo mail catcher's reader: with `pakn serve --demo`, every e-mail pakn sends lands in a local
Maildir instead of the internet, and staff read it here (the page: feedback/web/demo.py)."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from msgspec import Struct

from feedback.accounts.api import current_user
from feedback.accounts.models import StaffUser
from feedback.errors import NotFound
from feedback.settings import Settings
from notifications.catcher import read_caught


class CaughtOut(Struct):
    id: str
    date: str
    sender: str
    to: str
    subject: str
    text: str


def caught_mail(settings: Settings, limit: int = 200) -> list[CaughtOut]:
    """The latest caught messages; 404 outside demo mode (the caught mail holds personal data)."""
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
        return caught_mail(settings)
