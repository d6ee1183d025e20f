"""The reading of every figure (SPEC §7): what each number counts, and the formulas on top of the counts.

Pure. Pages, exports, the CLI, e-mails and the public report all read their numbers through here;
the SQL that counts them (feedback/reports/query.py) is built from these definitions.

For a period [from, to] and an item received before its end:

- it is **in the period's total** when it was received in it (`received`), or received before and open
  at its start, or reopened inside it (`carried_over`: it lies on the unit's desk in the period);
- it is **attributed** to the unit (and field, officer) in force at the end of the period, or at its
  merging into another item if that came first; an answered or refused item cannot change unit until it
  is reopened, so its unit at the end is the one that answered or refused it;
- at the end of the period it is in exactly one of seven buckets: answered (early: before the local day
  of its deadline; on time: on that day; late: after the deadline), refused, merged (marked a duplicate
  of another item, not reopened since), or open (in time, or overdue: past its deadline at the end);
- its deadline is the one in force when it was answered (an extension moves it; the date promised in an
  overdue apology does not: that promise is counted apart, as `promises_missed` when missed);
- every state is the one recorded on the timeline at that instant (event.status, unit_id, due_at …),
  never the item's current row: a past period's report stays the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

# --- the kinds of timeline events each figure counts: this is their one definition ----------------
TRANSFER_KINDS = ("transferred",)
EXTENSION_KINDS = ("extended",)
REOPEN_KINDS = ("reopened",)
MERGE_KINDS = ("duplicate",)
ANSWER_KINDS = ("answered",)
RATING_KINDS = ("rated",)
# Apologies to the citizen (Mẫu 04, Thông tư 01/2018/TT-VPCP): every one writes an `apology` event —
# with an extension (beside `extended`), issued by a unit's head, or sent by the sweep when an item
# becomes overdue (beside `deadline_overdue`) — so that event alone counts them, each once.
APOLOGY_KINDS = ("apology",)
# A date promised in an apology that passed without an answer ("lỡ hẹn", SPEC §4).
PROMISE_MISSED_KINDS = ("deadline_promise_missed",)
BUCKS_PASSED_AFTER = 2  # transfers from which an item counts as `transferred_twice` (đùn đẩy)
SATISFIED_FROM, DISSATISFIED_TO = 4, 2  # ratings 4–5 satisfied, 1–2 dissatisfied
P90 = 0.9

BUCKETS = (
    "answered_early",
    "answered_on_time",
    "answered_late",
    "refused",
    "merged",
    "open_in_time",
    "open_overdue",
)
# What `GET /api/v1/reports/items?bucket=` lists: the seven buckets and the item counts beside them.
ITEM_SETS = (*BUCKETS, "carried_over", "received", "received_online", "transferred_twice", "extended",
             "reopened")  # fmt: skip


@dataclass
class Figures:
    """The counts of one row (a unit, field, channel, commune, officer or month) and their formulas."""

    carried_over: int = 0
    received: int = 0
    received_online: int = 0
    answered_early: int = 0
    answered_on_time: int = 0
    answered_late: int = 0
    refused: int = 0
    merged: int = 0
    open_in_time: int = 0
    open_overdue: int = 0
    transferred_out: int = 0
    transferred_twice: int = 0
    extended: int = 0
    apologies: int = 0
    promises_missed: int = 0
    reopened: int = 0
    cooperations: int = 0
    cooperations_late: int = 0
    ratings: int = 0
    rating_sum: int = 0
    satisfied_count: int = 0
    dissatisfied_count: int = 0
    # working days from the unit's receipt to the answer → how many answers took that long
    answer_days: dict[int, int] = field(default_factory=dict)

    def add(self, other: Figures) -> None:
        for f in fields(self):
            if f.name == "answer_days":
                for days, n in other.answer_days.items():
                    self.answer_days[days] = self.answer_days.get(days, 0) + n
            else:
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @classmethod
    def sum(cls, parts: Iterable[Figures]) -> Figures:
        total = cls()
        for part in parts:
            total.add(part)
        return total

    # --- the formulas ---------------------------------------------------------------------------

    @property
    def total(self) -> int:
        return self.carried_over + self.received

    @property
    def answered(self) -> int:
        return self.answered_early + self.answered_on_time + self.answered_late

    @property
    def open(self) -> int:
        return self.open_in_time + self.open_overdue

    @property
    def received_other(self) -> int:
        """Received at the desk, by post, phone, e-mail …: everything but online."""
        return self.received - self.received_online

    @property
    def on_time_rate(self) -> float | None:
        """The portals' formula: 1 − (answered late + open overdue) / total; none without items."""
        return 1 - (self.answered_late + self.open_overdue) / self.total if self.total else None

    @property
    def rating_avg(self) -> float | None:
        return self.rating_sum / self.ratings if self.ratings else None

    @property
    def satisfied(self) -> float | None:
        return self.satisfied_count / self.ratings if self.ratings else None

    @property
    def dissatisfied(self) -> float | None:
        return self.dissatisfied_count / self.ratings if self.ratings else None

    @property
    def answer_days_avg(self) -> float | None:
        n = sum(self.answer_days.values())
        return sum(d * k for d, k in self.answer_days.items()) / n if n else None

    @property
    def answer_days_p90(self) -> int | None:
        """The 90th percentile by nearest rank: the fewest days within which 90 % of answers came."""
        n = sum(self.answer_days.values())
        if not n:
            return None
        seen = 0
        for days in sorted(self.answer_days):
            seen += self.answer_days[days]
            if seen >= P90 * n:
                return days
        return max(self.answer_days)  # pragma: no cover - the loop always returns

    def buckets(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in BUCKETS}

    def as_dict(self) -> dict[str, Any]:
        """Every figure, as the API, the exports and the CLI give it (SPEC §7's names)."""
        return {
            "carried_over": self.carried_over,
            "received": self.received,
            "received_online": self.received_online,
            "total": self.total,
            **self.buckets(),
            "on_time_rate": _rounded(self.on_time_rate),
            "transferred_out": self.transferred_out,
            "transferred_twice": self.transferred_twice,
            "extended": self.extended,
            "apologies": self.apologies,
            "promises_missed": self.promises_missed,
            "reopened": self.reopened,
            "cooperations": self.cooperations,
            "cooperations_late": self.cooperations_late,
            "answer_days_avg": _rounded(self.answer_days_avg, 2),
            "answer_days_p90": self.answer_days_p90,
            "ratings": self.ratings,
            "rating_avg": _rounded(self.rating_avg, 2),
            "satisfied": _rounded(self.satisfied),
            "dissatisfied": _rounded(self.dissatisfied),
        }

    @classmethod
    def from_counts(cls, row: Mapping[str, Any]) -> Figures:
        """From a row of query.py's counts (every count column named like its field)."""
        return cls(**{f.name: int(row.get(f.name) or 0) for f in fields(cls) if f.name != "answer_days"})


def _rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


FIGURE_NAMES = tuple(Figures().as_dict())

# Vietnamese column names, as the result reports of the seed documents write them (CSV, XLSX, CLI).
LABELS: dict[str, str] = {
    "carried_over": "Kỳ trước chuyển sang",
    "received": "Mới tiếp nhận",
    "received_online": "Tiếp nhận trực tuyến",
    "total": "Tổng số nhận giải quyết",
    "answered_early": "Đã giải quyết trước hạn",
    "answered_on_time": "Đã giải quyết đúng hạn",
    "answered_late": "Đã giải quyết quá hạn",
    "refused": "Không tiếp nhận",
    "merged": "Gộp (trùng nội dung)",
    "open_in_time": "Đang giải quyết trong hạn",
    "open_overdue": "Đang giải quyết quá hạn",
    "on_time_rate": "Tỷ lệ đúng hạn",
    "transferred_out": "Chuyển đơn vị khác",
    "transferred_twice": "Chuyển từ 2 lần trở lên",
    "extended": "Gia hạn",
    "apologies": "Thư xin lỗi",
    "promises_missed": "Lỡ hẹn",
    "reopened": "Mở lại",
    "cooperations": "Phối hợp (liên thông)",
    "cooperations_late": "Phối hợp quá hạn",
    "answer_days_avg": "Số ngày làm việc trung bình",
    "answer_days_p90": "Số ngày làm việc (90%)",
    "ratings": "Lượt đánh giá",
    "rating_avg": "Điểm đánh giá trung bình",
    "satisfied": "Tỷ lệ hài lòng",
    "dissatisfied": "Tỷ lệ không hài lòng",
}
PERCENTS = frozenset({"on_time_rate", "satisfied", "dissatisfied"})
