"""Exports of one conference (SPEC §6): the data every export is written from, and how it is loaded.

`load_export` is the only function that touches the database: one query for the conference and its host
unit, then the questions read in pages by id with `values()` (no ORM objects), into plain dataclasses.
The writers (`booklet.to_docx`, the public record, redacted; `sheets.to_xlsx` and `sheets.to_csv`, the
organisers' working files, everything included) are pure functions of that data, so the handlers can run
them in a worker thread and the benchmark can time them apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from feedback.conferences.models import Conference, Question
from feedback.conferences.vocabulary import ANSWER_MODES

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PAGE = 1000  # questions per query
# The answer modes as the booklet counts them, "" (not answered yet) last.
MODE_ORDER = (*ANSWER_MODES, "")
NO_FIELD = "Chưa phân loại lĩnh vực"
# Control characters XML 1.0 cannot hold: dropped from text written into DOCX and XLSX.
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True, slots=True)
class ExportConference:
    id: int
    title: str
    host_unit_code: str
    host_unit_name: str
    host_parent_name: str  # the unit above the host, first line of the document's header (ND 30/2020)
    starts_at: datetime
    place: str
    categories: list[str]
    status: str
    published_at: datetime | None


@dataclass(frozen=True, slots=True)
class ExportQuestion:
    id: int
    number: int
    channel: str
    asker_name: str
    asker_place: str
    asker_phone: str
    asker_email: str
    category_code: str
    category_name: str
    commune_name: str
    text: str
    suggested_unit_name: str
    unit_code: str
    unit_name: str
    due_at: datetime | None
    status: str
    answer: str
    answer_mode: str
    official_name: str
    official_position: str
    document_number: str
    document_date: date | None
    feedback_code: str
    answered_at: datetime | None


@dataclass(frozen=True, slots=True)
class ExportData:
    conference: ExportConference
    questions: list[ExportQuestion] = field(default_factory=list)  # by field, then number

    def by_field(self) -> list[tuple[str, list[ExportQuestion]]]:
        """(field name, its questions) in the order of the export."""
        groups: dict[str, list[ExportQuestion]] = {}
        for q in self.questions:
            groups.setdefault(q.category_name or NO_FIELD, []).append(q)
        return list(groups.items())

    def mode_counts(self) -> dict[str, int]:
        counts = Counter(q.answer_mode for q in self.questions)
        return {mode: counts.get(mode, 0) for mode in MODE_ORDER}


# --- loading -------------------------------------------------------------------------------------------

_QUESTION_VALUES = {
    "id": "id",
    "number": "number",
    "channel": "channel",
    "asker_name": "asker_name",
    "asker_place": "asker_place",
    "asker_phone": "asker_phone",
    "asker_email": "asker_email",
    "category_code": "category__code",
    "category_name": "category__name",
    "commune_name": "commune__name",
    "text": "text",
    "suggested_unit_name": "suggested_unit__name",
    "unit_code": "unit__code",
    "unit_name": "unit__name",
    "due_at": "due_at",
    "status": "status",
    "answer": "answer",
    "answer_mode": "answer_mode",
    "official_name": "official_name",
    "official_position": "official_position",
    "document_number": "document_number",
    "document_date": "document_date",
    "feedback_code": "feedback_item__code",
    "answered_at": "answered_at",
}
_TEXT_FIELDS = {
    k for k in _QUESTION_VALUES if k not in {"id", "number", "due_at", "document_date", "answered_at"}
}


async def load_export(conference_id: int) -> ExportData:
    """The conference and all its questions; `DoesNotExist` (a 404 in the API) when there is none."""
    conference = await Conference.get(id=conference_id).select_related("host_unit", "host_unit__parent")
    head = ExportConference(
        id=conference.id,
        title=_nfc(conference.title),
        host_unit_code=conference.host_unit.code,
        host_unit_name=_nfc(conference.host_unit.name),
        host_parent_name=_nfc(conference.host_unit.parent.name) if conference.host_unit.parent else "",
        starts_at=conference.starts_at,
        place=_nfc(conference.place),
        categories=list(conference.categories or []),
        status=conference.status,
        published_at=conference.published_at,
    )
    questions: list[ExportQuestion] = []
    last_id = 0
    while True:
        rows = (
            await Question.filter(conference_id=conference_id, id__gt=last_id)
            .order_by("id")
            .limit(PAGE)
            .values(**_QUESTION_VALUES)
        )
        for row in rows:
            for key in _TEXT_FIELDS:
                row[key] = _nfc(row[key] or "")
            questions.append(ExportQuestion(**row))
        if len(rows) < PAGE:
            break
        last_id = rows[-1]["id"]
    # The conference's own fields first, in its order; then any other field by name; unfiled last.
    rank = {code: i for i, code in enumerate(head.categories)}
    questions.sort(
        key=lambda q: (
            not q.category_code,
            rank.get(q.category_code, len(rank)),
            q.category_name,
            q.number,
        )
    )
    return ExportData(conference=head, questions=questions)


# --- formatting helpers ----------------------------------------------------------------------------------


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def local(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(TZ)


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return value.strftime("%d/%m/%Y")


def filename(conference_id: int, extension: str) -> str:
    return f"hoi-nghi-{conference_id}.{extension}"
