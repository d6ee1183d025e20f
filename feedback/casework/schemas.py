"""Request and response shapes of casework: one body per action, and the full item staff see."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from msgspec import Meta, Struct

from feedback.attachments.schemas import AttachmentOut
from feedback.intake.schemas import Ref
from feedback.items.grounds import Classification, Ground
from feedback.items.vocabulary import Severity

Reason = Annotated[str, Meta(min_length=5, max_length=2000, description="Lý do (bắt buộc)")]
UnitCode = Annotated[str, Meta(min_length=1, max_length=40)]
ItemCode = Annotated[str, Meta(min_length=1, max_length=20)]


class AcceptIn(Struct, forbid_unknown_fields=True):
    # "complaint" and "denunciation" are recognised, and answered with the refusal ground that applies.
    classification: Classification = Classification.AUTHORITY
    category: UnitCode | None = None
    severity: Severity | None = None


class RefuseIn(Struct, forbid_unknown_fields=True):
    """A refusal names its legal ground (`GET /api/v1/refusal-grounds`) and the officer's own words."""

    ground: Annotated[Ground, Meta(description="Căn cứ không tiếp nhận (mã trong /api/v1/refusal-grounds)")]
    reason: Reason


class TransferIn(Struct, forbid_unknown_fields=True):
    unit: UnitCode
    reason: Reason


class ExtendIn(Struct, forbid_unknown_fields=True):
    due_date: date
    reason: Reason


class ApproveExtensionIn(Struct, forbid_unknown_fields=True):
    """The head approves the officer's pending extension request as it is."""


class RefuseExtensionIn(Struct, forbid_unknown_fields=True):
    reason: Reason  # the officer is told


class ApologiseIn(Struct, forbid_unknown_fields=True):
    """The head's apology (Mẫu 04): the unit's reason and the new date, a working day after today."""

    reason: Reason
    promised_date: date


class AssignIn(Struct, forbid_unknown_fields=True):
    officer: Annotated[str, Meta(min_length=3, max_length=254, description="E-mail of the officer")]


class NoteIn(Struct, forbid_unknown_fields=True):
    text: Annotated[str, Meta(min_length=1, max_length=10_000)]


class AnswerIn(Struct, forbid_unknown_fields=True):
    answer: Annotated[str, Meta(min_length=10, max_length=20_000)]


class ApproveIn(Struct, forbid_unknown_fields=True):
    answer: Annotated[str, Meta(min_length=10, max_length=20_000)] | None = None


class ReopenIn(Struct, forbid_unknown_fields=True):
    reason: Reason


class CooperateIn(Struct, forbid_unknown_fields=True):
    unit: UnitCode
    due_date: date
    request: Annotated[str, Meta(min_length=5, max_length=5000)]


class DuplicateIn(Struct, forbid_unknown_fields=True):
    of: ItemCode


class Transferred(Struct):
    code: str
    status: str
    unit: Ref
    transfer_count: int
    due_at: datetime


class EventOut(Struct):
    at: datetime
    kind: str
    actor: str
    public: bool
    message: str
    reason: str
    changes: dict


class CitizenOut(Struct):
    name: str
    phone: str
    email: str
    address: str


class CooperationOut(Struct):
    unit: Ref
    request: str
    due_at: datetime
    status: str
    answer: str | None
    answered_at: datetime | None


class ExtensionRequestOut(Struct):
    """An officer's extension request waiting for the head's decision."""

    due_date: date
    reason: str
    requested_by: str | None
    requested_at: datetime | None


class PromiseOut(Struct):
    """The date promised in the latest apology (SPEC §4), and how it reached the citizen."""

    day: date
    reason: str
    source: str  # automatic | head | extension
    issued_at: datetime | None
    issued_by: str | None
    delivery: str  # email | post | phone | none
    tracked: bool  # its own reminder and "lỡ hẹn" steps hold (not an extension's, not replaced)


class RatingOut(Struct):
    rating: int
    comment: str
    at: datetime


class ItemOut(Struct):
    code: str
    title: str
    content: str
    status: str
    severity: str
    channel: str
    classification: str
    unit: Ref
    category: Ref | None
    suggested_category: Ref | None
    commune: Ref | None
    address: str
    citizen: CitizenOut
    publish: bool
    officer: str | None
    received_at: datetime
    unit_received_at: datetime
    accept_due_at: datetime
    due_at: datetime
    overdue: bool
    transfer_count: int
    extension_count: int
    extension_request: ExtensionRequestOut | None
    promise: PromiseOut | None
    reopen_count: int
    refuse_ground: str | None  # a code of /api/v1/refusal-grounds
    refuse_reason: str | None
    draft_answer: str | None
    answer: str | None
    answered_at: datetime | None
    rating: RatingOut | None
    duplicate_of: str | None
    duplicates: list[str]
    cooperations: list[CooperationOut]
    attachments: list[AttachmentOut]
    timeline: list[EventOut]
    # What the caller may do now, so pages can show only the forms that will work.
    actions: list[str]
