"""A month of casework built through the real services on a moving clock: October 2026 in phường Hà
Đông (unit P-09556 with its offices), a department, and what happened before and after.

Every item's story is written beside it with the bucket SPEC §7 gives it for October; the expected
report in test_figures.py is counted by hand from these comments. Deadlines (10 working days, the day
of receipt not counted; no holiday in September–October 2026 after 2/9):
received 21/9 → 5/10 · 30/9 → 14/10 · 1/10 → 15/10 · 5/10 → 19/10 · 12/10 → 26/10 · 19/10 → 2/11 ·
26/10 → 9/11.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from feedback import clock
from feedback.accounts.models import StaffUser
from feedback.accounts.services import create_user
from feedback.casework import answers, cooperation, extensions, rating, routing
from feedback.deadlines.sweep import sweep
from feedback.intake.schemas import CitizenIn, FeedbackCreate, StaffFeedbackCreate
from feedback.intake.services import submit
from feedback.settings import Settings

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
WARD, KT, VP, VHXH = "P-09556", "P-09556-KT", "P-09556-VP", "P-09556-VHXH"
CATEGORY = {KT: "moi-truong", VP: "tu-phap-ho-tich", VHXH: "an-toan-thuc-pham", "SO-GDDT": "giao-duc"}


def at(day: int, month: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=HANOI)


@dataclass
class Office:
    """The casework of one test: who acts, and each item's code and citizen token by name."""

    settings: Settings
    frozen: clock.FrozenClock
    users: dict[str, StaffUser] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def when(self, moment: datetime) -> None:
        self.frozen.set(moment)

    async def staff(self) -> None:
        for key, role, unit in (
            ("coordinator", "coordinator", None), ("desk", "desk", WARD), ("kt_head", "head", KT),
            ("kt_officer", "officer", KT), ("vp_head", "head", VP), ("vhxh_head", "head", VHXH),
            ("yt_head", "head", "SO-YT"), ("gd_head", "head", "SO-GDDT"), ("ward_head", "head", WARD),
        ):  # fmt: skip
            self.users[key] = await create_user(
                email=f"{key}@pakn.test", role=role, unit_code=unit, password="mat-khau-thu-nghiem", name=key
            )

    async def file(self, name: str, moment: datetime, unit: str = KT, *, channel: str = "online",
                   entered: datetime | None = None) -> str:  # fmt: skip
        """Received at `moment` (online), or entered at the desk at `entered` with that receipt time."""
        body = {
            "title": f"Phản ánh {name}",
            "content": f"Nội dung phản ánh {name} về môi trường khu dân cư.",
            "category": CATEGORY[unit],
            "commune": "09556",
            "citizen": CitizenIn(
                name="Nguyễn Văn An",
                phone="0912345678",
                email=f"{name.lower()}@example.vn",
                address="Số 12 ngõ 5 Quang Trung, phường Hà Đông",
            ),
        }
        if channel == "online":
            self.when(moment)
            made = await submit(FeedbackCreate(**body), self.settings)
        else:
            self.when(entered or moment)
            data = StaffFeedbackCreate(**body, channel=channel, received_at=moment)
            made = await submit(data, self.settings, actor=self.users["desk"])
        self.codes[name], self.tokens[name] = made.item.code, made.token
        return made.item.code

    async def do(self, moment: datetime, who: str, action: str, name: str, **args: object) -> None:
        self.when(moment)
        user, code = self.users[who], self.codes[name]
        service = {
            "accept": routing.accept, "refuse": routing.refuse, "transfer": routing.transfer,
            "assign": routing.assign, "extend": extensions.extend, "answer": answers.answer,
            "duplicate": answers.duplicate, "reopen": rating.reopen, "cooperate": cooperation.cooperate,
        }[action]  # fmt: skip
        if action == "duplicate":
            args = {"of": self.codes[str(args["of"])]}
        await service(user, code, self.settings, **args)

    async def rate(self, moment: datetime, name: str, stars: int, *, reopen: bool = False) -> None:
        self.when(moment)
        await rating.rate(self.codes[name], self.tokens[name], self.settings, rating=stars, comment="",
                          reopen=reopen)  # fmt: skip

    async def sweep(self, moment: datetime) -> None:
        self.when(moment)
        await sweep(self.settings, now=clock.now())


TEXT = {"text": "Đơn vị đã kiểm tra và xử lý theo quy định."}


async def build(settings: Settings, frozen: clock.FrozenClock) -> Office:
    """The casework up to the end of October 2026."""
    o = Office(settings, frozen)
    await o.staff()
    # --- received in September ------------------------------------------------------------------
    for name in ("A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8"):
        await o.file(name, at(21, 9))
    await o.do(at(25, 9), "kt_head", "answer", "A1", **TEXT)  # answered before October: not counted
    await o.do(at(24, 9), "kt_head", "answer", "A6", **TEXT)
    await o.rate(at(28, 9), "A6", 1, reopen=True)  # new deadline 12/10, counted from 28/9
    await o.do(at(25, 9), "kt_head", "answer", "A7", **TEXT)
    await o.do(at(25, 9), "kt_head", "answer", "A8", **TEXT)
    # desk entry on 3/10 of a letter received on 30/9 (post): a late entry, carried over
    await o.file("A9", at(30, 9, 15), channel="postal", entered=at(3, 10, 10))
    # --- October ----------------------------------------------------------------------------------
    for name in ("B1", "B2", "B3", "B4", "B5"):  # B4 is never touched: open, overdue from 16/10
        await o.file(name, at(1, 10))
    await o.file("B4P", at(1, 10), channel="phone", entered=at(1, 10, 10))
    await o.file("G1", at(1, 10), "SO-GDDT")
    await o.do(at(1, 10, 14), "kt_officer", "accept", "B1", classification="authority")  # B1: officer's
    await o.do(at(2, 10), "kt_head", "answer", "A2", **TEXT)  # A2: carried, early (due 5/10)
    await o.do(
        at(2, 10),
        "kt_head",
        "refuse",
        "B4P",
        ground="unclear",
        reason="Nội dung không rõ ràng, không có địa chỉ.",
    )
    await o.do(at(2, 10), "kt_head", "duplicate", "B5", of="B1")  # B5: merged
    await o.do(at(2, 10), "gd_head", "answer", "G1", **TEXT)  # G1: SO-GDDT, early
    await o.rate(at(2, 10, 15), "A8", 5)  # A8: not in the total; one rating of 5
    for name in ("B9", "B10", "B11", "B13", "B14"):
        await o.file(name, at(5, 10), VP if name == "B9" else KT)
    await o.do(at(5, 10, 10), "kt_head", "answer", "A3", **TEXT)  # A3: carried, on the day (5/10)
    await o.sweep(at(6, 10))  # A4, A5 overdue: the automatic apology
    await o.do(at(6, 10, 10), "coordinator", "transfer", "B9", unit=KT, reason="Thuộc lĩnh vực môi trường.")
    await o.do(at(6, 10, 11), "coordinator", "reopen", "A7", reason="Trả lời chưa đầy đủ.")  # due 20/10
    await o.do(at(6, 10, 14), "kt_head", "cooperate", "B13", unit=VHXH, request="Cho ý kiến.",
               due_date=date(2026, 10, 9))  # fmt: skip
    await o.do(at(6, 10, 14), "kt_head", "cooperate", "B14", unit="SO-YT", request="Cho ý kiến.",
               due_date=date(2026, 10, 14))  # fmt: skip
    await o.do(at(7, 10), "kt_head", "answer", "A4", **TEXT)  # A4: carried, late
    await o.do(at(8, 10), "kt_head", "transfer", "B9", unit="SO-YT", reason="Thuộc ngành y tế.")  # due 22/10
    await o.do(at(9, 10), "kt_head", "answer", "A6", **TEXT)  # A6: carried, early (due 12/10)
    await o.file("B6", at(12, 10))
    await o.do(at(12, 10, 10), "vhxh_head", "answer", "B13", **TEXT)  # its part, after 9/10: late
    await o.do(at(13, 10), "yt_head", "answer", "B14", **TEXT)  # its part, in time
    await o.do(at(13, 10, 10), "kt_head", "answer", "B13", **TEXT)  # B13: early
    await o.file("B12", at(12, 10))
    await o.do(at(14, 10), "kt_officer", "answer", "B1", **TEXT)  # B1 early (B5 answered with it)
    await o.do(at(14, 10), "kt_head", "answer", "A9", **TEXT)  # A9: carried, on the day (14/10)
    await o.do(
        at(14, 10, 10), "kt_head", "extend", "B10", reason="Cần xác minh.", due_date=date(2026, 10, 23)
    )
    await o.do(
        at(14, 10, 10), "kt_head", "extend", "B11", reason="Cần xác minh.", due_date=date(2026, 10, 21)
    )
    await o.do(at(15, 10), "kt_head", "answer", "B2", **TEXT)  # B2: on the day
    await o.do(at(15, 10, 10), "kt_head", "answer", "B14", **TEXT)  # B14: early (due 19/10)
    await o.rate(at(16, 10, 8), "B1", 2)  # rating 2, closed
    await o.do(at(16, 10), "kt_head", "answer", "B3", **TEXT)  # late (due 15/10) ...
    await o.rate(at(19, 10, 8), "B3", 1, reopen=True)  # ... reopened: due 2/11, open in time at the end
    await o.file("B7", at(19, 10))  # open in time (due 2/11)
    await o.do(at(21, 10), "yt_head", "answer", "B9", **TEXT)  # B9 at SO-YT: early (due 22/10)
    await o.do(at(22, 10), "kt_head", "answer", "A7", **TEXT)  # A7: reopened 6/10, due 20/10: late
    await o.do(at(22, 10, 10), "kt_head", "answer", "B10", **TEXT)  # early against 23/10 (extended)
    await o.file("B8", at(26, 10))
    await o.do(at(26, 10, 10), "kt_head", "answer", "B11", **TEXT)  # late against 21/10 (extended)
    await o.sweep(at(27, 10))  # B6, B12 overdue: the automatic apology
    await o.do(at(27, 10, 10), "kt_head", "assign", "B8", officer="kt_officer@pakn.test")
    await o.do(at(28, 10), "kt_head", "answer", "B12", **TEXT)  # late (due 26/10)
    await o.file("B20", at(31, 10, 23, 30))  # still October: open in time
    await o.file("C1", at(1, 11, 0, 30))  # November: not in October
    return o


async def after_october(o: Office) -> None:
    """November: answers, a transfer, a reopening, ratings — none of which may change October."""
    await o.do(at(2, 11), "kt_head", "answer", "B6", **TEXT)
    await o.do(at(2, 11, 10), "kt_head", "answer", "A5", **TEXT)
    await o.do(at(3, 11), "kt_head", "transfer", "B7", unit=VP, reason="Thuộc lĩnh vực tư pháp.")
    await o.do(at(3, 11), "coordinator", "reopen", "A2", reason="Xem xét lại.")
    await o.do(at(3, 11, 10), "coordinator", "reopen", "B10", reason="Xem xét lại.")
    await o.do(at(4, 11), "kt_head", "answer", "B3", **TEXT)
    await o.rate(at(4, 11, 10), "B2", 4)
    await o.do(
        at(5, 11), "kt_head", "refuse", "B8", ground="not_regulation", reason="Không thuộc thẩm quyền."
    )
    await o.sweep(at(20, 11))
