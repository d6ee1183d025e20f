"""The words of a dialogue conference (SPEC §6): its statuses, a question's channels, statuses and answer
modes, the channels its results are published through, with their Vietnamese names and the law they
come from. Pure; pages, API, services and exports all read them from here.

Luật Tổ chức chính quyền địa phương số 72/2025/QH15 (ngày 16/6/2025), Điều 43: the commune's people's
committee announces the conference's time, place, content and way of attending through the media at
least 07 days before it, and announces its results to the people through the media, by posting at the
seat of the commune-level government, and by sending them to the heads of villages and residential
groups, no later than 10 days after it (the 10 days: `steps.PUBLISH_WITHIN_DAYS`).
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


# --- Điều 43 Luật Tổ chức chính quyền địa phương 2025 -------------------------------------------------

ART43 = "Điều 43 Luật Tổ chức chính quyền địa phương số 72/2025/QH15"
# The conference is announced at least this many (calendar) days before its day.
ANNOUNCE_DAYS_AHEAD = 7


class PublicationChannel(StrEnum):
    MEDIA = "media"  # phương tiện thông tin đại chúng
    SEAT = "seat"  # niêm yết tại trụ sở
    VILLAGE_HEADS = "village_heads"  # gửi trưởng thôn, tổ trưởng tổ dân phố


PUBLICATION_CHANNELS: tuple[str, ...] = tuple(PublicationChannel)
PUBLICATION_CHANNEL_NAMES: dict[str, str] = {
    PublicationChannel.MEDIA: "Thông báo trên phương tiện thông tin đại chúng",
    PublicationChannel.SEAT: "Niêm yết tại trụ sở",
    PublicationChannel.VILLAGE_HEADS: "Gửi trưởng thôn, tổ trưởng tổ dân phố",
}
