"""What the public sees of a published item: redacted text and nothing that identifies a person."""

from __future__ import annotations

from datetime import datetime

from msgspec import Struct

from feedback.intake.schemas import Ref


class PublicFeedback(Struct):
    code: str
    title: str
    content: str
    answer: str
    citizen_initials: str
    unit: Ref
    category: Ref | None
    commune: Ref | None
    status: str
    received_at: datetime
    answered_at: datetime
    # Answered by the deadline in force (extensions included): what the public on-time rate counts.
    on_time: bool


class PublicFeedbackPage(Struct):
    total: int
    limit: int
    offset: int
    items: list[PublicFeedback]
