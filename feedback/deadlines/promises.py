"""Promised dates and how an apology reaches the citizen (SPEC §4), defined once. Pure: no database.

An apology (Mẫu 04, "Phiếu xin lỗi và hẹn lại ngày trả kết quả", Thông tư 01/2018/TT-VPCP) gives the
citizen a new date. The latest promise is stored on the item (`promise_*` columns, migration 0010):

- `automatic`: the sweep's apology when the deadline passes and the head has not issued one for that
  deadline; a neutral reason (DEFAULT_REASON) and the default date (ladder.AUTOMATIC_PROMISE_DAYS);
- `head`: the unit's head (or a coordinator) issues the apology with the unit's own reason and date
  (feedback/casework/apologies.py); then the sweep sends no second one for the same deadline;
- `extension`: the extension's apology; its new date is the item's deadline itself.

A promise that is not a deadline (automatic, head) is tracked by its own steps (ladder.PROMISE), planned
with deadline_no = promise_deadline(promise_no): negative, so that they never meet an item deadline's
(1, 2, …) or a cooperating unit's (0). They fire while the item is open, the promise is the item's
latest and its deadline still holds (`promise_holds_sql`, in the sweep's one CASE).

The citizen gets the apology by e-mail when there is an address; otherwise the unit gets the task to
post it or phone (`delivery_mode`), and the timeline says which (`APOLOGY_HOW`).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

Source = Literal["automatic", "head", "extension"]
SOURCE_NAMES: dict[str, str] = {
    "automatic": "Tự động khi quá hạn",
    "head": "Lãnh đạo đơn vị",
    "extension": "Gia hạn",
}
# Sources whose date is tracked by the promise's own steps (an extension's is the deadline itself).
TRACKED_SOURCES = frozenset({"automatic", "head"})

# The automatic apology's reason: neutral, and not the circular "no answer yet".
DEFAULT_REASON = (
    "Nội dung phản ánh, kiến nghị cần được xem xét, xác minh thêm để trả lời đầy đủ, đúng quy định"
)

Mode = Literal["email", "post", "phone", "none"]
# What the public timeline says was done with the apology: only what really was (SPEC §4).
APOLOGY_HOW: dict[str, str] = {
    "email": "Đã gửi thư điện tử kèm phiếu xin lỗi và hẹn lại ngày trả kết quả.",
    "post": "Đơn vị sẽ gửi phiếu xin lỗi và hẹn lại ngày trả kết quả qua bưu chính.",
    "phone": "Đơn vị sẽ liên hệ qua điện thoại để thông báo ngày hẹn trả kết quả.",
    "none": "Phiếu xin lỗi và hẹn lại ngày trả kết quả được đăng trên trang tra cứu này.",
}
# Modes in which the unit must act itself (print and post, or phone): it gets the task by e-mail and
# the item page shows it.
UNIT_TASK_MODES = frozenset({"post", "phone"})


def promise_deadline(promise_no: int) -> int:
    """The deadline_no of the steps of the item's `promise_no`-th promise."""
    return -promise_no


def delivery_mode(*, email: str, phone: str, address: str, channel: str) -> Mode:
    """How a letter reaches the citizen: e-mail when given; a citizen who called is called back; else
    by post to the address; else by phone; else only on the tracking page."""
    if email.strip():
        return "email"
    if channel == "phone" and phone.strip():
        return "phone"
    if address.strip():
        return "post"
    if phone.strip():
        return "phone"
    return "none"


def delivery_mode_sql(item: str = "i") -> str:
    """`delivery_mode` over the item row `item` (tests/deadlines/test_promises.py: they agree)."""
    return (
        f"CASE WHEN TRIM(COALESCE({item}.citizen_email, '')) <> '' THEN 'email'"
        f" WHEN {item}.channel = 'phone' AND TRIM({item}.citizen_phone) <> '' THEN 'phone'"
        f" WHEN TRIM({item}.citizen_address) <> '' THEN 'post'"
        f" WHEN TRIM({item}.citizen_phone) <> '' THEN 'phone' ELSE 'none' END"
    )


def head_promised(*, source: str, promise_deadline_no: int, deadline_no: int) -> bool:
    """The head has issued the apology for the current deadline: the automatic one is not sent."""
    return source == "head" and promise_deadline_no == deadline_no


def head_promised_sql(item: str = "i") -> str:
    return f"({item}.promise_source = 'head' AND {item}.promise_deadline_no = {item}.deadline_no)"


def promise_holds_sql(step: str = "s", item: str = "i") -> str:
    """A promise step still means something: its promise is the item's latest and about the current
    deadline (a transfer or an extension replaces the deadline, a new apology the promise)."""
    return (
        f"({step}.deadline_no < 0 AND {item}.promise_no = 0 - {step}.deadline_no"
        f" AND {item}.promise_deadline_no = {item}.deadline_no)"
    )


def apology_message(day: date, mode: str) -> str:
    """The public event of an apology: the new date and what was done to tell the citizen."""
    return (
        f"Xin lỗi vì chậm trả lời; hẹn trả kết quả vào ngày {day.strftime('%d/%m/%Y')}. {APOLOGY_HOW[mode]}"
    )


def apology_message_sql(day: date, item: str = "i") -> str:
    """`apology_message` for the item row `item`, the day being the same for the whole statement."""
    cases = " ".join(f"WHEN '{mode}' THEN '{apology_message(day, mode)}'" for mode in APOLOGY_HOW)
    return f"CASE {delivery_mode_sql(item)} {cases} END"
