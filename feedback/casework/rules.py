"""Who may do which casework action, from which state (SPEC §1–4). Pure: no database, no I/O.

The services ask `check()` before they change anything; the role × unit × action test matrix reads
the same tables' meaning from the outside, through the HTTP API.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from feedback.directory.calendar import WorkCalendar
from feedback.errors import Conflict, DomainError, Forbidden
from feedback.items.access import HANDLERS, HEADS, Relation
from feedback.items.grounds import ACCEPTED_CLASSIFICATIONS, CLASSIFICATION_NAMES, REFUSAL_GROUNDS
from feedback.items.vocabulary import OPEN_STATUSES, STATUS_NAMES, STATUSES

Action = Literal[
    "accept", "refuse", "transfer", "extend", "assign", "note", "answer", "approve", "reopen",
    "cooperate", "duplicate", "approve_extension", "refuse_extension", "apologise",
]  # fmt: skip

ROLES: dict[Action, frozenset[str]] = {
    "accept": HANDLERS,
    "refuse": HANDLERS,
    "transfer": HANDLERS,
    "extend": HANDLERS,
    "assign": HEADS,
    "note": HANDLERS | {"desk"},
    "answer": HANDLERS,
    "approve": HEADS,
    "reopen": frozenset({"coordinator"}),
    "cooperate": HANDLERS,
    "duplicate": HANDLERS,
    # SPEC §4: the head decides the extension; an officer's `extend` is a request (EXTENDS_AT_ONCE).
    "approve_extension": HEADS,
    "refuse_extension": HEADS,
    # SPEC §4: the unit's head issues the apology (Mẫu 04) with the unit's reason and date.
    "apologise": HEADS,
}
# Whose `extend` takes effect at once; anyone else's waits for a head's approve_extension.
EXTENDS_AT_ONCE = HEADS
# A cooperating unit sends its part (an "answer" to the lead) and notes; the rest is the lead's.
COOPERATING_ACTIONS: frozenset[Action] = frozenset({"note", "answer"})
_OPEN = frozenset(OPEN_STATUSES)
FROM_STATUSES: dict[Action, frozenset[str]] = {
    "accept": frozenset({"received", "assigned"}),
    "refuse": frozenset({"received", "assigned"}),
    "transfer": _OPEN,
    "extend": _OPEN,
    "assign": _OPEN,
    "note": frozenset(STATUSES),
    "answer": _OPEN,
    "approve": _OPEN,
    "reopen": frozenset({"answered", "closed"}),
    "cooperate": _OPEN,
    "duplicate": _OPEN,
    "approve_extension": _OPEN,
    "refuse_extension": _OPEN,
    "apologise": _OPEN,
}
ACTION_NAMES: dict[Action, str] = {
    "accept": "tiếp nhận xử lý",
    "refuse": "từ chối tiếp nhận",
    "transfer": "chuyển đơn vị",
    "extend": "gia hạn",
    "assign": "phân công",
    "note": "ghi chú",
    "answer": "trả lời",
    "approve": "phê duyệt trả lời",
    "reopen": "mở lại",
    "cooperate": "mời phối hợp",
    "duplicate": "đánh dấu trùng",
    "approve_extension": "phê duyệt gia hạn",
    "refuse_extension": "từ chối gia hạn",
    "apologise": "gửi phiếu xin lỗi và hẹn lại ngày trả kết quả",
}
# After this many transfers only a coordinator routes the item again ("đùn đẩy trách nhiệm").
MAX_TRANSFERS_BY_UNITS = 2


def check_role(action: Action, role: str) -> None:
    """Checked before the item is even looked up, so a refusal says nothing about the item."""
    if role not in ROLES[action]:
        raise Forbidden(f"Vai trò của bạn không được {ACTION_NAMES[action]} phản ánh")


def check(action: Action, relation: Relation, status: str) -> None:
    if relation == "cooperating" and action not in COOPERATING_ACTIONS:
        raise Forbidden(f"Đơn vị phối hợp không được {ACTION_NAMES[action]}; việc này do đơn vị chủ trì")
    if status not in FROM_STATUSES[action]:
        raise Conflict(
            f"Phản ánh đang ở trạng thái '{STATUS_NAMES.get(status, status)}', không thể {ACTION_NAMES[action]}"
        )


def allowed(role: str, relation: Relation, status: str) -> list[str]:
    """The actions this user may take on an item now (the web pages show only these forms)."""
    return [
        action
        for action in ROLES
        if role in ROLES[action]
        and status in FROM_STATUSES[action]
        and (relation != "cooperating" or action in COOPERATING_ACTIONS)
    ]


def check_classification(classification: str) -> None:
    """Nghị định 20/2008 (Điều 1) does not cover complaints and denunciations: such an item is refused
    with its ground, which tells the citizen the procedure that applies, rather than taken on."""
    if classification not in ACCEPTED_CLASSIFICATIONS:
        ground = REFUSAL_GROUNDS.get(classification)
        basis = f" ({ground.basis})" if ground else ""
        raise DomainError(
            f"Đơn có nội dung {CLASSIFICATION_NAMES.get(classification, classification)} không tiếp nhận"
            f" xử lý như phản ánh, kiến nghị{basis}: hãy chọn “Không tiếp nhận” với căn cứ này để hướng"
            " dẫn người dân thủ tục áp dụng",
            field="classification",
        )


def check_transfer(transfer_count: int, role: str) -> None:
    if transfer_count >= MAX_TRANSFERS_BY_UNITS and role != "coordinator":
        raise Forbidden(
            f"Phản ánh đã được chuyển {transfer_count} lần; chỉ Văn phòng UBND (điều phối) được chuyển tiếp"
        )


def check_extension(
    *,
    now: datetime,
    due_at: datetime,
    new_day: date,
    extensions: int,
    answer_days: int,
    calendar: WorkCalendar,
) -> datetime:
    """SPEC §4: one extension, asked at least one working day before the deadline (so at the latest on
    the working day before its last day, the day of the reminder), to a working day after it and no
    further than the original period again. Returns the new deadline. For an officer's request that a
    head approves later, `now` is when it was asked (`check_extension_decision` adds the head's rule)."""
    if extensions >= 1:
        raise Conflict("Mỗi phản ánh chỉ được gia hạn một lần")
    last_day = calendar.local_date(due_at)
    if calendar.shift_working_days(calendar.local_date(now), 1) > last_day:
        raise DomainError(
            "Phải đề nghị gia hạn chậm nhất một ngày làm việc trước hạn trả lời", field="due_date"
        )
    if new_day <= last_day:
        raise DomainError("Ngày hẹn mới phải sau hạn trả lời hiện tại", field="due_date")
    if not calendar.is_working_day(new_day):
        raise DomainError("Ngày hẹn mới phải là ngày làm việc", field="due_date")
    if new_day > calendar.shift_working_days(last_day, answer_days):
        raise DomainError(
            f"Thời gian gia hạn không được quá {answer_days} ngày làm việc (bằng thời hạn ban đầu)",
            field="due_date",
        )
    return calendar.end_of_day(new_day)


def check_extension_decision(*, now: datetime, due_at: datetime, pending: bool) -> None:
    """The head decides an officer's request while it is pending and the deadline still holds: after
    it the item is late, its apology has gone out, and only a refusal closes the request."""
    if not pending:
        raise Conflict("Không có đề nghị gia hạn nào chờ phê duyệt")
    if now >= due_at:
        raise Conflict("Đã quá hạn trả lời; không thể phê duyệt gia hạn, chỉ có thể từ chối đề nghị")


def check_sub_deadline(*, now: datetime, due_at: datetime, day: date, calendar: WorkCalendar) -> datetime:
    """A cooperating unit's sub-deadline: a working day after today, no later than the item's deadline."""
    if day <= calendar.local_date(now):
        raise DomainError("Hạn gửi ý kiến phối hợp phải sau hôm nay", field="due_date")
    if not calendar.is_working_day(day):
        raise DomainError("Hạn gửi ý kiến phối hợp phải là ngày làm việc", field="due_date")
    if day > calendar.local_date(due_at):
        raise DomainError("Hạn gửi ý kiến phối hợp không được sau hạn trả lời của phản ánh", field="due_date")
    return calendar.end_of_day(day)


def check_promise(*, now: datetime, due_at: datetime, day: date, calendar: WorkCalendar) -> None:
    """The new date of an apology (SPEC §4): a working day after today and after the deadline's last
    day (an apology is for an answer that is, or will be, late; the deadline itself does not move)."""
    if day <= calendar.local_date(now):
        raise DomainError("Ngày hẹn trả kết quả phải sau ngày hôm nay", field="promised_date")
    if day <= calendar.local_date(due_at):
        raise DomainError(
            "Ngày hẹn trả kết quả phải sau hạn trả lời hiện tại; nếu còn kịp, hãy gia hạn",
            field="promised_date",
        )
    if not calendar.is_working_day(day):
        raise DomainError("Ngày hẹn trả kết quả phải là ngày làm việc", field="promised_date")
