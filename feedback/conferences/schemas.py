"""Request and response shapes of dialogue conferences (SPEC §6); msgspec checks types and sizes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from msgspec import UNSET, Meta, Struct, UnsetType

from feedback.conferences.vocabulary import AnswerMode, ConferenceStatus, PublicationChannel
from feedback.intake.schemas import AwareDatetime

Title = Annotated[str, Meta(min_length=3, max_length=300)]
Place = Annotated[str, Meta(min_length=1, max_length=300)]
UnitCode = Annotated[str, Meta(min_length=1, max_length=40)]
Codes = Annotated[list[Annotated[str, Meta(max_length=40)]], Meta(max_length=50)]
Description = Annotated[str, Meta(max_length=10_000)]


class ConferenceIn(Struct, forbid_unknown_fields=True):
    host_unit: UnitCode
    title: Title
    starts_at: AwareDatetime
    place: Place
    categories: Codes = []
    description: Description = ""
    # When it was announced (Điều 43 Luật Tổ chức chính quyền địa phương 2025: at least 7 days ahead);
    # if not given, the moment collecting questions opens.
    announced_at: AwareDatetime | None = None


class ConferencePatch(Struct, forbid_unknown_fields=True, omit_defaults=True):
    host_unit: UnitCode | UnsetType = UNSET
    title: Title | UnsetType = UNSET
    starts_at: AwareDatetime | UnsetType = UNSET
    place: Place | UnsetType = UNSET
    categories: Codes | UnsetType = UNSET
    description: Description | UnsetType = UNSET
    announced_at: AwareDatetime | UnsetType = UNSET


class PublicationIn(Struct, forbid_unknown_fields=True):
    """One channel the results went out through, and its date (Điều 43 Luật Tổ chức chính quyền địa
    phương 2025); recording a channel again corrects it."""

    channel: PublicationChannel
    date: date
    note: Annotated[str, Meta(max_length=300, description="Ví dụ: tên báo, đài; số thông báo")] = ""


class StatusIn(Struct, forbid_unknown_fields=True):
    status: ConferenceStatus


class QuestionIn(Struct, forbid_unknown_fields=True):
    asker_name: Annotated[str, Meta(min_length=1, max_length=120)]
    text: Annotated[str, Meta(min_length=1, max_length=10_000)]
    asker_place: Annotated[str, Meta(max_length=300)] = ""
    asker_phone: Annotated[str, Meta(max_length=30)] = ""
    asker_email: Annotated[str, Meta(max_length=254)] = ""
    category: Annotated[str, Meta(max_length=40)] | None = None
    commune: Annotated[str, Meta(max_length=10)] | None = None


class AssignIn(Struct, forbid_unknown_fields=True):
    unit: UnitCode
    due_date: date


class QuestionAnswerIn(Struct, forbid_unknown_fields=True):
    answer: Annotated[str, Meta(min_length=1, max_length=20_000)]
    answer_mode: AnswerMode
    official_name: Annotated[str, Meta(min_length=1, max_length=200)]
    official_position: Annotated[str, Meta(min_length=1, max_length=200)]
    document_number: Annotated[str, Meta(max_length=60)] = ""
    document_date: date | None = None


class RefOut(Struct):
    code: str
    name: str


class PublicationOut(Struct):
    channel: str
    name: str
    date: date
    note: str


class PublicPublicationOut(Struct):
    channel: str
    name: str
    date: date


class ConferenceOut(Struct):
    id: int
    host_unit: RefOut
    title: str
    starts_at: datetime
    place: str
    categories: list[RefOut]
    description: str
    status: str
    publish_due_at: datetime | None
    published_at: datetime | None
    questions: int = 0
    answered: int = 0
    announced_at: datetime | None = None
    publication: list[PublicationOut] = []
    # What the law asks that is not (yet) met: a late announcement, a channel missing or late. Warnings,
    # not refusals: the organiser may have good reasons, and the record stays true.
    warnings: list[str] = []


class QuestionOut(Struct):
    """The staff view of a question, asker included."""

    number: int
    channel: str
    asker_name: str
    asker_place: str
    asker_phone: str
    asker_email: str
    category: RefOut | None
    commune: RefOut | None
    text: str
    suggested_unit: RefOut | None
    unit: RefOut | None
    due_at: datetime | None
    status: str
    answer: str
    answer_mode: str
    official_name: str
    official_position: str
    document_number: str
    document_date: date | None
    feedback_code: str | None
    answered_at: datetime | None
    created_at: datetime


class RowErrorOut(Struct):
    row: int
    field: str
    column: str  # the column in Vietnamese, as the file's header may name it
    message: str


class PublicQuestionOut(Struct):
    number: int
    asker: str  # initials
    category: str | None
    text: str
    answer: str
    answer_mode: str
    official_name: str
    official_position: str
    document_number: str
    document_date: date | None


class PublicConferenceOut(Struct):
    id: int
    host_unit: str
    title: str
    starts_at: datetime
    place: str
    published_at: datetime | None
    questions: list[PublicQuestionOut]
    publication: list[PublicPublicationOut] = []  # channels and dates, no notes


class PublicQuestionCreated(Struct):
    conference: int
    number: int
    unit: str | None
