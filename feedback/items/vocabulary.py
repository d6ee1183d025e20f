"""The words of an item's life (SPEC §2): statuses, severities, channels, with their Vietnamese names,
and the rules every output reads them by ("open", "overdue", "answered on time").

Pure, and imported by everything that shows or counts items: pages, API, exports, e-mails, sweeps and
reports. Each rule has its SQL form beside it; tests/items/test_vocabulary.py checks that they agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

from tortoise.expressions import Q


class Status(StrEnum):
    RECEIVED = "received"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    CLOSED = "closed"
    REFUSED = "refused"


class Severity(StrEnum):
    URGENT = "urgent"
    NORMAL = "normal"
    COMPLEX = "complex"


class Channel(StrEnum):
    ONLINE = "online"
    DESK = "desk"
    POSTAL = "postal"
    PHONE = "phone"
    EMAIL = "email"
    CONFERENCE = "conference"
    OPEN311 = "open311"


STATUSES: tuple[str, ...] = tuple(Status)
# An open item still waits for its answer: its deadline runs and its steps may fire.
OPEN_STATUSES: tuple[str, ...] = (Status.RECEIVED, Status.ASSIGNED, Status.IN_PROGRESS)
SEVERITIES: tuple[str, ...] = tuple(Severity)
CHANNELS: tuple[str, ...] = tuple(Channel)

# Lower case, for running text ("Phản ánh đang ở trạng thái 'đang xử lý'"); pages capitalise them.
STATUS_NAMES: dict[str, str] = {
    Status.RECEIVED: "mới tiếp nhận",
    Status.ASSIGNED: "đã phân công",
    Status.IN_PROGRESS: "đang xử lý",
    Status.ANSWERED: "đã trả lời",
    Status.CLOSED: "đã đóng",
    Status.REFUSED: "không tiếp nhận",
}
SEVERITY_NAMES: dict[str, str] = {
    Severity.URGENT: "Khẩn",
    Severity.NORMAL: "Thông thường",
    Severity.COMPLEX: "Phức tạp",
}
CHANNEL_NAMES: dict[str, str] = {
    Channel.ONLINE: "Trực tuyến",
    Channel.DESK: "Trực tiếp tại Bộ phận Một cửa",
    Channel.POSTAL: "Bưu chính",
    Channel.PHONE: "Điện thoại",
    Channel.EMAIL: "Thư điện tử",
    Channel.CONFERENCE: "Hội nghị đối thoại",
    Channel.OPEN311: "Ứng dụng kết nối (Open311)",
}


def in_running_text(name: str) -> str:
    """A name inside a sentence: "Trực tuyến" → "qua kênh trực tuyến" (proper names keep their capitals)."""
    return name[:1].lower() + name[1:]


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES


def is_overdue(status: str, due_at: datetime, now: datetime) -> bool:
    """Open and past the end of its deadline's last working day."""
    return is_open(status) and due_at < now


def awaiting_approval(draft_answer: str, extension_request_day: object) -> bool:
    """Waiting for the unit head: an officer's draft answer or extension request (SPEC §4)."""
    return bool(draft_answer) or extension_request_day is not None


def answered_on_time(answered_at: datetime, due_at: datetime) -> bool:
    """Answered no later than the deadline in force (the end of its last working day)."""
    return answered_at <= due_at


# --- the same rules as SQL (PostgreSQL and SQLite), for sweeps, digests, dashboards and reports -------


def sql_list(values: Iterable[str]) -> str:
    """Constant strings as an SQL list: `'a', 'b'` (only for the vocabulary's own words, never input)."""
    return ", ".join("'" + value.replace("'", "''") + "'" for value in values)


def open_sql(alias: str = "i") -> str:
    return f"{alias}.status IN ({sql_list(OPEN_STATUSES)})"


def overdue_sql(now: str, alias: str = "i") -> str:
    """`now` is the placeholder of the current time, e.g. "$1"."""
    return f"({open_sql(alias)} AND {alias}.due_at < {now})"


def answered_on_time_sql(alias: str = "i") -> str:
    return f"({alias}.answered_at <= {alias}.due_at)"


def overdue_filter(now: datetime) -> dict[str, object]:
    """The ORM form: `Q(**overdue_filter(now))`."""
    return {"status__in": OPEN_STATUSES, "due_at__lt": now}


def awaiting_approval_filter() -> Q:
    """The ORM form of `awaiting_approval`."""
    return ~Q(draft_answer="") | Q(extension_request_day__isnull=False)
