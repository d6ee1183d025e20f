"""Request and response shapes of intake; msgspec checks types and sizes before any code runs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from msgspec import Meta, Struct

from feedback.attachments.schemas import AttachmentOut
from feedback.edge import YEARS
from feedback.items.vocabulary import Channel, Severity

# The years are enforced for every date at the edge (feedback/edge.py), before any Struct decodes one.
AwareDatetime = Annotated[
    datetime, Meta(tz=True, description=f"ISO 8601 with an offset, years {YEARS[0]}–{YEARS[1]}")
]


class CitizenIn(Struct, forbid_unknown_fields=True):
    """Điều 7 Nghị định 20/2008/NĐ-CP: a name and an address; a phone or an e-mail if the citizen has one
    (without them the answer goes by post to the address)."""

    name: Annotated[str, Meta(min_length=1, max_length=120)]
    phone: Annotated[str, Meta(max_length=30)] = ""
    email: Annotated[str, Meta(max_length=254)] = ""
    # Required (422 when empty, with the reason in Vietnamese); a default only so that the refusal names it.
    address: Annotated[
        str,
        Meta(
            max_length=300,
            description="Địa chỉ liên hệ (bắt buộc), cũng là địa chỉ nhận văn bản trả lời qua bưu chính",
        ),
    ] = ""


class FeedbackCreate(Struct, forbid_unknown_fields=True):
    title: Annotated[str, Meta(min_length=3, max_length=200)]
    content: Annotated[str, Meta(min_length=10, max_length=10_000)]
    citizen: CitizenIn
    category: Annotated[str, Meta(max_length=40)] | None = None
    commune: Annotated[str, Meta(max_length=10)] | None = None
    address: Annotated[str, Meta(max_length=300)] = ""
    latitude: Annotated[float, Meta(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Meta(ge=-180, le=180)] | None = None
    severity: Severity = Severity.NORMAL
    publish: bool = False


class StaffFeedbackCreate(FeedbackCreate, forbid_unknown_fields=True):
    channel: Channel = Channel.DESK
    received_at: AwareDatetime | None = None


class Ref(Struct):
    code: str
    name: str


class FeedbackCreated(Struct):
    code: str
    token: str
    status: str
    unit: Ref
    category: Ref | None
    suggested_category: Ref | None
    received_at: datetime
    due_at: datetime
    track_url: str
    attachments: list[AttachmentOut] = []


class PublicEvent(Struct):
    at: datetime
    kind: str
    message: str
    reason: str = ""


class PublicPromise(Struct):
    """The date promised to the citizen in the latest apology, and its document (Mẫu 04), which the
    citizen downloads with the token like an attachment."""

    day: date
    reason: str
    issued_at: datetime | None
    apology_url: str


class FeedbackTracked(Struct):
    code: str
    title: str
    status: str
    unit: Ref
    category: Ref | None
    received_at: datetime
    due_at: datetime
    answer: str | None
    answered_at: datetime | None
    timeline: list[PublicEvent]
    attachments: list[AttachmentOut] = []  # of the submission, and of the answer once it is sent
    rating: int | None = None
    # Whether the citizen may rate the answer now, and may still ask once to reopen it.
    can_rate: bool = False
    can_reopen: bool = False
    promise: PublicPromise | None = None
