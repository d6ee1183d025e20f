"""One way from an action's body to its service, shared by the API and the item page's forms.

`BODIES` says which msgspec Struct each action takes (the schema checks types and sizes); `perform`
checks what a schema cannot (text of spaces alone says nothing) and calls the action's service (routing, extensions, answers, cooperation, rating, apologies).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from msgspec import Struct

from feedback.accounts.models import StaffUser
from feedback.attachments.uploads import Upload
from feedback.casework import answers, apologies, cooperation, extensions, rating, routing
from feedback.casework.rules import Action
from feedback.casework.schemas import (
    AcceptIn,
    AnswerIn,
    ApologiseIn,
    ApproveExtensionIn,
    ApproveIn,
    AssignIn,
    CooperateIn,
    DuplicateIn,
    ExtendIn,
    NoteIn,
    RefuseExtensionIn,
    RefuseIn,
    ReopenIn,
    TransferIn,
)
from feedback.errors import DomainError
from feedback.settings import Settings

BODIES: dict[Action, type[Struct]] = {
    "accept": AcceptIn,
    "refuse": RefuseIn,
    "transfer": TransferIn,
    "extend": ExtendIn,
    "assign": AssignIn,
    "note": NoteIn,
    "answer": AnswerIn,
    "approve": ApproveIn,
    "reopen": ReopenIn,
    "cooperate": CooperateIn,
    "duplicate": DuplicateIn,
    "approve_extension": ApproveExtensionIn,
    "refuse_extension": RefuseExtensionIn,
    "apologise": ApologiseIn,
}


def said(text: str, field: str, minimum: int = 5) -> str:
    """Spaces pass the schema's length limits but say nothing: a reason must say something."""
    text = text.strip()
    if len(text) < minimum:
        raise DomainError(f"Cần nhập nội dung ít nhất {minimum} ký tự", field=field)
    return text


async def perform(
    user: StaffUser,
    code: str,
    action: Action,
    data: Any,
    settings: Settings,
    *,
    uploads: Sequence[Upload] = (),
) -> Any:
    """Run one action with its body (an instance of BODIES[action]); returns what its service returns."""
    if action == "accept":
        return await routing.accept(
            user,
            code,
            settings,
            classification=data.classification,
            category=data.category,
            severity=data.severity,
        )
    if action == "refuse":
        return await routing.refuse(
            user, code, settings, ground=data.ground, reason=said(data.reason, "reason")
        )
    if action == "transfer":
        return await routing.transfer(
            user, code, settings, unit=data.unit.strip(), reason=said(data.reason, "reason")
        )
    if action == "extend":
        return await extensions.extend(
            user, code, settings, reason=said(data.reason, "reason"), due_date=data.due_date
        )
    if action == "approve_extension":
        return await extensions.approve_extension(user, code, settings)
    if action == "refuse_extension":
        return await extensions.refuse_extension(user, code, settings, reason=said(data.reason, "reason"))
    if action == "apologise":
        return await apologies.apologise(
            user, code, settings, reason=said(data.reason, "reason"), day=data.promised_date
        )
    if action == "assign":
        return await routing.assign(user, code, settings, officer=data.officer)
    if action == "note":
        return await routing.note(user, code, settings, text=said(data.text, "text", 1))
    if action == "answer":
        return await answers.answer(
            user, code, settings, text=said(data.answer, "answer", 10), uploads=uploads
        )
    if action == "approve":
        text = said(data.answer, "answer", 10) if data.answer is not None else None
        return await answers.approve(user, code, settings, text=text)
    if action == "reopen":
        return await rating.reopen(user, code, settings, reason=said(data.reason, "reason"))
    if action == "cooperate":
        return await cooperation.cooperate(
            user,
            code,
            settings,
            unit=data.unit.strip(),
            request=said(data.request, "request"),
            due_date=data.due_date,
        )
    if action == "duplicate":
        return await answers.duplicate(user, code, settings, of=data.of.strip().upper())
    raise DomainError(f"Không có thao tác '{action}'", field="action")
