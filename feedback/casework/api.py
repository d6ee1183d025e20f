"""Staff casework endpoints: the unit's inbox, one item with its timeline, and the actions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody
from msgspec import Meta, Struct

from feedback.accounts.api import current_user
from feedback.accounts.models import StaffUser
from feedback.casework import services
from feedback.errors import Forbidden
from feedback.intake import services as intake
from feedback.intake.api import MAX_JSON_BODY, created_out
from feedback.intake.schemas import FeedbackCreated, Ref, StaffFeedbackCreate
from feedback.settings import Settings


class EventOut(Struct):
    at: datetime
    kind: str
    actor: str
    public: bool
    message: str
    changes: dict


class CitizenOut(Struct):
    name: str
    phone: str
    email: str
    address: str


class ItemOut(Struct):
    code: str
    title: str
    content: str
    status: str
    severity: str
    channel: str
    unit: Ref
    category: Ref | None
    commune: Ref | None
    address: str
    citizen: CitizenOut
    received_at: datetime
    accept_due_at: datetime
    due_at: datetime
    transfer_count: int
    answer: str | None
    timeline: list[EventOut]


class AnswerIn(Struct, forbid_unknown_fields=True):
    answer: Annotated[str, Meta(min_length=10, max_length=20_000)]


class CaseworkController(Controller):
    path = "/api/v1/staff/feedback"
    tags = ["staff"]
    dependencies = {"user": Provide(current_user)}

    @post("/", request_max_body_size=MAX_JSON_BODY)
    async def create(
        self,
        data: JSONBody[StaffFeedbackCreate],
        settings: NamedDependency[Settings],
        user: NamedDependency[StaffUser],
    ) -> FeedbackCreated:
        """A one-stop desk officer (or coordinator) enters an item received on paper, by post, phone…"""
        if user.role not in ("desk", "coordinator"):
            raise Forbidden("Chỉ Bộ phận Một cửa hoặc điều phối viên được nhập phản ánh")
        return await created_out(await intake.submit(data, settings, actor=user), settings)

    @get("/{code:str}")
    async def item(self, user: NamedDependency[StaffUser], code: FromPath[str]) -> ItemOut:
        return await item_out(user, code)

    @post("/{code:str}/answer", status_code=200)
    async def answer(
        self,
        user: NamedDependency[StaffUser],
        code: FromPath[str],
        data: JSONBody[AnswerIn],
        settings: NamedDependency[Settings],
    ) -> ItemOut:
        await services.answer(user, code, data.answer, settings)
        return await item_out(user, code)


async def item_out(user: StaffUser, code: str) -> ItemOut:
    item = await services.get_for(user, code)
    await item.fetch_related("unit", "category", "commune")
    events = await item.events.all().order_by("at", "id")
    return ItemOut(
        code=item.code,
        title=item.title,
        content=item.content,
        status=item.status,
        severity=item.severity,
        channel=item.channel,
        unit=Ref(item.unit.code, item.unit.name),
        category=Ref(item.category.code, item.category.name) if item.category else None,
        commune=Ref(item.commune.code, item.commune.name) if item.commune else None,
        address=item.address,
        citizen=CitizenOut(item.citizen_name, item.citizen_phone, item.citizen_email, item.citizen_address),
        received_at=item.received_at,
        accept_due_at=item.accept_due_at,
        due_at=item.due_at,
        transfer_count=item.transfer_count,
        answer=item.answer or None,
        timeline=[EventOut(e.at, e.kind, e.actor_label, e.public, e.message, e.changes) for e in events],
    )
