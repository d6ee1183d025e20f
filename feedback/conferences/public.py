"""What the public sees of a conference (SPEC §6, §8): the conference while it is announced, and, once its
results are published, each question and answer through the one redaction policy
(`feedback.publication.policy`). Read-only; the public API and the public page both read it here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from feedback.conferences.models import Conference, Question
from feedback.conferences.vocabulary import MODE_NAMES, ConferenceStatus
from feedback.errors import NotFound
from feedback.publication.policy import public_question


@dataclass(frozen=True, slots=True)
class PublicAnswer:
    number: int
    asker: str  # initials
    commune: str
    category: str
    text: str
    answer: str
    answer_mode: str
    mode_name: str
    official_name: str
    official_position: str
    document_number: str
    document_date: date | None
    unit: str


async def announced(conference_id: int) -> Conference:
    """A conference the public may see (with its host unit): any but one still being planned."""
    conference = await Conference.get_or_none(id=conference_id).select_related("host_unit")
    if conference is None or conference.status == ConferenceStatus.PLANNING:
        raise NotFound(f"Không tìm thấy hội nghị số {conference_id}")
    return conference


async def published(conference_id: int) -> Conference:
    """A conference whose results are published (with its host unit)."""
    conference = await announced(conference_id)
    if conference.status != ConferenceStatus.PUBLISHED:
        raise NotFound(f"Không tìm thấy hội nghị số {conference_id}")
    return conference


async def answers(conference: Conference) -> list[PublicAnswer]:
    """The redacted questions and answers of a published conference, by number."""
    if conference.status != ConferenceStatus.PUBLISHED:
        return []
    rows = (
        await Question.filter(conference_id=conference.id)
        .order_by("number")
        .select_related("category", "commune", "unit")
    )
    result = []
    for q in rows:
        shown = public_question(q.text, q.answer, asker_name=q.asker_name, asker_place=q.asker_place)
        result.append(
            PublicAnswer(
                number=q.number,
                asker=shown.asker,
                commune=q.commune.name if q.commune else "",
                category=q.category.name if q.category else "",
                text=shown.text,
                answer=shown.answer,
                answer_mode=q.answer_mode,
                mode_name=MODE_NAMES.get(q.answer_mode, ""),
                official_name=q.official_name,
                official_position=q.official_position,
                document_number=q.document_number,
                document_date=q.document_date,
                unit=q.unit.name if q.unit else "",
            )
        )
    return result
