"""The words of a dialogue conference (SPEC §6): its statuses, a question's channels, statuses and answer
modes, with their Vietnamese names. Pure; pages, API, services and exports all read them from here.
"""

from __future__ import annotations

from enum import StrEnum


class ConferenceStatus(StrEnum):
    PLANNING = "planning"
    COLLECTING = "collecting"
    HELD = "held"
    PUBLISHED = "published"


class QuestionChannel(StrEnum):
    ONLINE = "online"  # a citizen's question through the public form, before the conference
    FLOOR = "floor"  # asked at the conference, entered by staff
    IMPORT = "import"  # a row of a CSV or XLSX file


class QuestionStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"


class AnswerMode(StrEnum):
    AT_CONFERENCE = "at_conference"
    IN_WRITING = "in_writing"  # with the document's number and date
    FORWARDED = "forwarded"  # filed as a feedback item


# A conference moves forward one status at a time, in this order.
CONFERENCE_STATUSES: tuple[str, ...] = tuple(ConferenceStatus)
NEXT_STATUS: dict[str, str] = dict(zip(CONFERENCE_STATUSES, CONFERENCE_STATUSES[1:], strict=False))
# Staff may still add, import and assign questions until the results are published.
ANSWERING_STATUSES: tuple[str, ...] = (ConferenceStatus.COLLECTING, ConferenceStatus.HELD)
ANSWER_MODES: tuple[str, ...] = tuple(AnswerMode)

# Lower case, for running text ("Không chuyển được hội nghị từ trạng thái 'đã tổ chức'"); pages and
# exports capitalise them.
STATUS_NAMES: dict[str, str] = {
    ConferenceStatus.PLANNING: "đang chuẩn bị",
    ConferenceStatus.COLLECTING: "đang tiếp nhận câu hỏi",
    ConferenceStatus.HELD: "đã tổ chức",
    ConferenceStatus.PUBLISHED: "đã công bố kết quả",
}
CHANNEL_NAMES: dict[str, str] = {
    QuestionChannel.ONLINE: "Trực tuyến",
    QuestionChannel.FLOOR: "Tại hội nghị",
    QuestionChannel.IMPORT: "Nhập từ tệp",
}
QUESTION_STATUS_NAMES: dict[str, str] = {
    QuestionStatus.OPEN: "Chưa trả lời",
    QuestionStatus.ANSWERED: "Đã trả lời",
}
MODE_NAMES: dict[str, str] = {
    AnswerMode.AT_CONFERENCE: "Trả lời trực tiếp tại hội nghị",
    AnswerMode.IN_WRITING: "Trả lời bằng văn bản",
    AnswerMode.FORWARDED: "Chuyển xử lý như phản ánh, kiến nghị",
}
NOT_ANSWERED = "Chưa trả lời"  # the answer mode of an open question, as counted in the booklet


def status_title(status: str) -> str:
    """ "held" -> "Đã tổ chức": the status as a page or an export shows it."""
    return STATUS_NAMES.get(status, status).capitalize()
