"""Staff casework endpoints: desk intake, one item with its timeline, and the actions of SPEC §9.

Each action handler parses its body, calls its one service function and answers with the item as
the caller now sees it.
"""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from feedback import clock
from feedback.accounts.api import current_user
from feedback.accounts.models import StaffUser
from feedback.attachments import uploads
from feedback.attachments.openapi import WithFiles
from feedback.attachments.services import attachments_of
from feedback.casework import rules
from feedback.casework.actions import perform
from feedback.casework.schemas import (
    AcceptIn,
    AnswerIn,
    ApologiseIn,
    ApproveExtensionIn,
    ApproveIn,
    AssignIn,
    CitizenOut,
    CooperateIn,
    CooperationOut,
    DuplicateIn,
    EventOut,
    ExtendIn,
    ExtensionRequestOut,
    ItemOut,
    NoteIn,
    PromiseOut,
    RatingOut,
    RefuseExtensionIn,
    RefuseIn,
    ReopenIn,
    TransferIn,
    Transferred,
)
from feedback.deadlines import promises
from feedback.intake import services as intake
from feedback.intake.api import MAX_JSON_BODY, created_out
from feedback.intake.schemas import FeedbackCreated, Ref, StaffFeedbackCreate
from feedback.items.access import get_for, relation_of, require_intake
from feedback.items.models import Cooperation, FeedbackItem
from feedback.items.vocabulary import is_overdue
from feedback.settings import Settings

Code = FromPath[str]
User = NamedDependency[StaffUser]
Config = NamedDependency[Settings]


def _documented_intake(data: JSONBody[StaffFeedbackCreate]) -> None:
    """Never called: shows OpenAPI the body `create` reads itself (see feedback/attachments/openapi.py)."""


def _documented_answer(data: JSONBody[AnswerIn]) -> None:
    """Never called: shows OpenAPI the body `answer` reads itself."""


class CaseworkController(Controller):
    path = "/api/v1/staff/feedback"
    tags = ["staff"]
    dependencies = {"user": Provide(current_user)}

    @post(
        "/",
        request_max_body_size=uploads.MAX_BODY,
        dependencies={"documented_body": Provide(_documented_intake, sync_to_thread=False)},
        operation_class=WithFiles,
    )
    async def create(self, request: Request, settings: Config, user: User) -> FeedbackCreated:
        """A one-stop desk officer (or coordinator) enters an item received on paper, by post, phone…
        JSON, or multipart with that JSON in a part `data` and up to 5 parts `files`."""
        require_intake(user)
        if not uploads.is_multipart(request):
            data = await uploads.read_json(request, StaffFeedbackCreate, MAX_JSON_BODY)
            return await created_out(await intake.submit(data, settings, actor=user), settings)
        form = await uploads.read_form(request, settings)
        async with form.discard_on_error():
            data = form.decode("data", StaffFeedbackCreate, request)
            submitted = await intake.submit(data, settings, actor=user, uploads=form.uploads)
        return await created_out(submitted, settings)

    @get("/{code:str}")
    async def item(self, user: User, code: Code) -> ItemOut:
        return await item_out(user, code)

    @post("/{code:str}/accept", status_code=200)
    async def accept(self, user: User, code: Code, data: JSONBody[AcceptIn], settings: Config) -> ItemOut:
        """Tiếp nhận xử lý: classify the item (and correct its field or severity)."""
        await perform(user, code, "accept", data, settings)
        return await item_out(user, code)

    @post("/{code:str}/refuse", status_code=200)
    async def refuse(self, user: User, code: Code, data: JSONBody[RefuseIn], settings: Config) -> ItemOut:
        """Không tiếp nhận, with the reason the citizen is told."""
        await perform(user, code, "refuse", data, settings)
        return await item_out(user, code)

    @post("/{code:str}/transfer", status_code=200)
    async def transfer(
        self, user: User, code: Code, data: JSONBody[TransferIn], settings: Config
    ) -> Transferred:
        """Chuyển đơn vị, with a reason; the new unit's deadline counts from now. (The item usually
        leaves the caller's inbox, so the answer is where it went, not the full item.)"""
        item = await perform(user, code, "transfer", data, settings)
        await item.fetch_related("unit")
        return Transferred(
            item.code, item.status, Ref(item.unit.code, item.unit.name), item.transfer_count, item.due_at
        )

    @post("/{code:str}/extend", status_code=200)
    async def extend(self, user: User, code: Code, data: JSONBody[ExtendIn], settings: Config) -> ItemOut:
        """Gia hạn, once, at least one working day before the deadline: a head's or coordinator's takes
        effect at once, an officer's waits for the head's approval (`extension_request`)."""
        await perform(user, code, "extend", data, settings)
        return await item_out(user, code)

    @post("/{code:str}/approve_extension", status_code=200)
    async def approve_extension(
        self, user: User, code: Code, data: JSONBody[ApproveExtensionIn], settings: Config
    ) -> ItemOut:
        """The head approves the officer's extension request: new deadline, apology to the citizen."""
        await perform(user, code, "approve_extension", data, settings)
        return await item_out(user, code)

    @post("/{code:str}/refuse_extension", status_code=200)
    async def refuse_extension(
        self, user: User, code: Code, data: JSONBody[RefuseExtensionIn], settings: Config
    ) -> ItemOut:
        """The head refuses the officer's extension request, with a reason the officer is told."""
        await perform(user, code, "refuse_extension", data, settings)
        return await item_out(user, code)

    @post("/{code:str}/apologise", status_code=200)
    async def apologise(
        self, user: User, code: Code, data: JSONBody[ApologiseIn], settings: Config
    ) -> ItemOut:
        """The unit's head (or a coordinator) issues the apology (Mẫu 04) with the unit's reason and a
        new date, a working day after today and after the deadline: the promise is tracked (reminder,
        "lỡ hẹn"), the citizen gets it (e-mail with the PDF, or the unit the task to post or phone),
        and the automatic apology at the deadline is not sent."""
        await perform(user, code, "apologise", data, settings)
        return await item_out(user, code)

    @post("/{code:str}/assign", status_code=200)
    async def assign(self, user: User, code: Code, data: JSONBody[AssignIn], settings: Config) -> ItemOut:
        """Phân công: a head puts an officer of the unit in charge."""
        await perform(user, code, "assign", data, settings)
        return await item_out(user, code)

    @post("/{code:str}/note", status_code=200)
    async def note(self, user: User, code: Code, data: JSONBody[NoteIn], settings: Config) -> ItemOut:
        """An internal note, never shown to the citizen."""
        await perform(user, code, "note", data, settings)
        return await item_out(user, code)

    @post(
        "/{code:str}/answer",
        status_code=200,
        request_max_body_size=uploads.MAX_BODY,
        dependencies={"documented_body": Provide(_documented_answer, sync_to_thread=False)},
        operation_class=WithFiles,
    )
    async def answer(self, request: Request, user: User, code: Code, settings: Config) -> ItemOut:
        """The answer (a draft where the unit requires approval; a contribution from a cooperating unit):
        JSON, or multipart with that JSON in a part `data` and up to 5 parts `files`."""
        if not uploads.is_multipart(request):
            data = await uploads.read_json(request, AnswerIn, MAX_JSON_BODY)
            await perform(user, code, "answer", data, settings)
            return await item_out(user, code)
        form = await uploads.read_form(request, settings)
        async with form.discard_on_error():
            data = form.decode("data", AnswerIn, request)
            await perform(user, code, "answer", data, settings, uploads=form.uploads)
        return await item_out(user, code)

    @post("/{code:str}/approve", status_code=200)
    async def approve(self, user: User, code: Code, data: JSONBody[ApproveIn], settings: Config) -> ItemOut:
        """The head approves the officer's draft answer (as it is, or edited) and it goes out."""
        await perform(user, code, "approve", data, settings)
        return await item_out(user, code)

    @post("/{code:str}/reopen", status_code=200)
    async def reopen(self, user: User, code: Code, data: JSONBody[ReopenIn], settings: Config) -> ItemOut:
        """A coordinator reopens an answered or closed item, with a new deadline."""
        await perform(user, code, "reopen", data, settings)
        return await item_out(user, code)

    @post("/{code:str}/cooperate", status_code=200)
    async def cooperate(
        self, user: User, code: Code, data: JSONBody[CooperateIn], settings: Config
    ) -> ItemOut:
        """Liên thông: ask another unit for its part by a sub-deadline."""
        await perform(user, code, "cooperate", data, settings)
        return await item_out(user, code)

    @post("/{code:str}/duplicate", status_code=200)
    async def duplicate(
        self, user: User, code: Code, data: JSONBody[DuplicateIn], settings: Config
    ) -> ItemOut:
        """Mark the item as a duplicate of another; the other's answer will answer this one."""
        await perform(user, code, "duplicate", data, settings)
        return await item_out(user, code)


async def item_out(user: StaffUser, code: str) -> ItemOut:
    item = await get_for(user, code)
    await item.fetch_related(
        "unit", "category", "suggested_category", "commune", "officer", "duplicate_of", "extension_request_by",
        "promise_by",
    )  # fmt: skip
    events = await item.events.all().order_by("at", "id").select_related("actor")
    cooperations = await Cooperation.filter(item_id=item.id).order_by("id").select_related("unit")
    duplicates = (
        await FeedbackItem.filter(duplicate_of_id=item.id).order_by("id").values_list("code", flat=True)
    )
    relation = relation_of(user, item)
    return ItemOut(
        code=item.code,
        title=item.title,
        content=item.content,
        status=item.status,
        severity=item.severity,
        channel=item.channel,
        classification=item.classification,
        unit=Ref(item.unit.code, item.unit.name),
        category=_ref(item.category),
        suggested_category=_ref(item.suggested_category),
        commune=_ref(item.commune),
        address=item.address,
        citizen=CitizenOut(item.citizen_name, item.citizen_phone, item.citizen_email, item.citizen_address),
        publish=item.publish,
        officer=(item.officer.name or item.officer.email) if item.officer else None,
        received_at=item.received_at,
        unit_received_at=item.unit_received_at,
        accept_due_at=item.accept_due_at,
        due_at=item.due_at,
        overdue=is_overdue(item.status, item.due_at, clock.now()),
        transfer_count=item.transfer_count,
        extension_count=item.extension_count,
        extension_request=ExtensionRequestOut(
            item.extension_request_day,
            item.extension_request_reason,
            (item.extension_request_by.name or item.extension_request_by.email)
            if item.extension_request_by
            else None,
            item.extension_request_at,
        )
        if item.extension_request_day
        else None,
        promise=promise_out(item),
        reopen_count=item.reopen_count,
        refuse_ground=item.refuse_ground or None,
        refuse_reason=item.refuse_reason or None,
        draft_answer=item.draft_answer or None,
        answer=item.answer or None,
        answered_at=item.answered_at,
        rating=RatingOut(item.rating, item.rating_comment, item.rated_at)
        if item.rating and item.rated_at
        else None,
        duplicate_of=item.duplicate_of.code if item.duplicate_of else None,
        duplicates=list(duplicates),
        cooperations=[
            CooperationOut(
                Ref(c.unit.code, c.unit.name), c.request, c.due_at, c.status, c.answer or None, c.answered_at
            )
            for c in cooperations
        ],
        attachments=await attachments_of(item, staff=True),
        timeline=[
            EventOut(e.at, e.kind, e.actor_label, e.public, e.message, e.reason, e.changes) for e in events
        ],
        actions=rules.allowed(user.role, relation, item.status),
    )


def promise_out(item: FeedbackItem) -> PromiseOut | None:
    """The latest promise (`promise_by` fetched), for staff; the citizen's view leaves out who."""
    if item.promise_day is None:
        return None
    by = item.promise_by
    return PromiseOut(
        day=item.promise_day,
        reason=item.promise_reason,
        source=item.promise_source,
        issued_at=item.promise_at,
        issued_by=(by.name or by.email) if by else None,
        delivery=promises.delivery_mode(
            email=item.citizen_email,
            phone=item.citizen_phone,
            address=item.citizen_address,
            channel=item.channel,
        ),  # fmt: skip
        tracked=item.promise_source in promises.TRACKED_SOURCES
        and item.promise_deadline_no == item.deadline_no,
    )


def _ref(row: object) -> Ref | None:
    return Ref(row.code, row.name) if row is not None else None
