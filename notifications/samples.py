"""Every letter pakn sends, rendered with sample data into one folder, for a Vietnamese reader to review.

    python -m notifications.samples [FOLDER]      (default docs/letters; `make letters`)

writes, for each template and each recipient it goes to, `<kind>.<recipient>[.<variant>].txt` (subject,
then the plain text) and `.html`, and `README.md`, the index. tests/notifications/test_letters.py renders
them again and compares, so the folder never drifts from the templates.

The sample data is what the outbox really carries: unit names as the database stores them ("UBND
Phường Hà Đông": the templates write them as running text requires), times as ISO 8601 UTC strings,
the recipient of each message (`recipient`, `recipient_name`, `recipient_unit`) as the sweep and the
casework set them. The names of people are invented.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from notifications.render import render

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FOLDER = Path(__file__).resolve().parent.parent / "docs" / "letters"  # in the source tree
BASE = "https://pakn.hanoi.gov.vn"

UNIT = "UBND Phường Hà Đông"
UNIT_HEAD = "Lê Văn Hùng"  # a person on file: "Ông/Bà Lê Văn Hùng, Chủ tịch …"
PARENT = "UBND Thành phố Hà Nội"
PARENT_HEAD = "Chủ tịch UBND Thành phố Hà Nội"  # only the position on file, as the seed data has it
COORDINATOR = "Văn phòng UBND Thành phố"
COORDINATOR_HEAD = "Chánh Văn phòng UBND Thành phố"
COOP_UNIT = "Phòng Kinh tế, Hạ tầng và Đô thị Phường Hà Đông"
OFFICER = "Trần Thị Mai"
CITIZEN = "Nguyễn Văn An"

# The item: received at 09:00 on Monday 26/10/2026, due at the end of Monday 09/11/2026 (10 working days).
ITEM: dict[str, Any] = {
    "code": "PAKN.20261026.0012",
    "title": "Đèn chiếu sáng ngõ 5 phố Lê Lợi bị hỏng",
    "unit_name": UNIT,
    "category_name": "Hạ tầng đô thị",
    "received_at": "2026-10-26T02:00:00+00:00",
    "due_at": "2026-11-09T16:59:59+00:00",
    "severity": "normal",
    "severity_name": "Thông thường",
    "channel": "online",
    "channel_name": "Trực tuyến",
    "staff_url": f"{BASE}/staff/feedback/PAKN.20261026.0012",
    "track_url": f"{BASE}/track?code=PAKN.20261026.0012",
}
CITIZEN_ITEM = {k: v for k, v in ITEM.items() if k != "staff_url"} | {"citizen_name": CITIZEN}

# Who each recipient kind is, as the messages carry it.
RECIPIENTS: dict[str, dict[str, str]] = {
    "unit": {"recipient": "unit", "recipient_name": UNIT, "recipient_unit": UNIT},
    "head": {"recipient": "head", "recipient_name": UNIT_HEAD, "recipient_unit": UNIT},
    "officer": {"recipient": "officer", "recipient_name": OFFICER, "recipient_unit": UNIT},
    "citizen": {"recipient": "citizen", "recipient_name": CITIZEN, "recipient_unit": ""},
    "parent_head": {"recipient": "parent_head", "recipient_name": PARENT_HEAD, "recipient_unit": PARENT},
    "coordinator": {"recipient": "coordinator", "recipient_name": COORDINATOR, "recipient_unit": COORDINATOR},
    "coordinator_head": {
        "recipient": "coordinator_head",
        "recipient_name": COORDINATOR_HEAD,
        "recipient_unit": COORDINATOR,
    },
    "coop_unit": {"recipient": "unit", "recipient_name": COOP_UNIT, "recipient_unit": COOP_UNIT},
    "unit_task": {"recipient": "unit_task", "recipient_name": UNIT, "recipient_unit": UNIT},
}
SIGNED_BY_HEAD = {
    "signer_name": UNIT_HEAD,
    "signer_title": "Chủ tịch Ủy ban nhân dân phường Hà Đông",
    "signer_unit": UNIT,
}
SIGNED_BY_OFFICER = {
    "signer_name": OFFICER,
    "signer_title": "Chuyên viên Ủy ban nhân dân phường Hà Đông",
    "signer_unit": UNIT,
}
CONFERENCE: dict[str, Any] = {
    "conference_title": "Hội nghị đối thoại với Nhân dân phường Hà Đông quý IV năm 2026",
    "starts_at": "2026-12-15T01:30:00+00:00",
    "place": "Hội trường Ủy ban nhân dân phường Hà Đông, số 1 phố Quang Trung",
    "host_unit_name": UNIT,
    "staff_url": f"{BASE}/staff/conferences/7",
}


@dataclass(frozen=True)
class Sample:
    kind: str
    recipient: str  # a key of RECIPIENTS
    context: dict[str, Any]
    variant: str = ""  # what tells two samples of one kind and recipient apart
    note: str = ""  # for the index: when this letter goes out
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return ".".join(part for part in (self.kind, self.recipient, self.variant) if part)

    def full_context(self) -> dict[str, Any]:
        return {**self.context, **RECIPIENTS[self.recipient], **self.extra}


def _staff(**extra: Any) -> dict[str, Any]:
    return {**ITEM, **extra}


def _citizen(**extra: Any) -> dict[str, Any]:
    return {**CITIZEN_ITEM, **extra}


_LADDER = {"parent_unit_name": PARENT, "progress_since": None}
_PROMISE = {**_LADDER, "promise_day": "2026-11-16", "promise_reason": "Cần phối hợp kiểm tra hiện trường"}
_ALL_SENT = {"sent_reminder": True, "sent_overdue": True, "sent_escalate_parent": True}
_REMINDER_SKIPPED = {"sent_reminder": False, "sent_overdue": True, "sent_escalate_parent": True}
_COOP = {**ITEM, "unit_name": COOP_UNIT, "due_at": "2026-11-04T16:59:59+00:00", "parent_unit_name": PARENT}
_QUESTION = {
    **CONFERENCE,
    "unit_name": UNIT,
    "number": 3,
    "text": "Đề nghị cho biết kế hoạch lắp đặt đèn chiếu sáng tại các ngõ trên phố Lê Lợi.",
    "due_at": "2026-12-10T16:59:59+00:00",
}
_PUBLICATION = {
    **CONFERENCE,
    "unit_name": UNIT,
    "number": 0,
    "text": "",
    "due_at": "2026-12-29T16:59:59+00:00",
}
_ESCALATED_PUBLICATION = {**_PUBLICATION, "unit_name": COORDINATOR, "days_late": 2}

# The monthly report (feedback/reports/mail.py): October 2026, phường Hà Đông with its offices beside
# the city; the labels are those of feedback/reports/figures.py.
_FIGURES = (  # figure, label, indent, kind, the ward's, the city's
    ("total", "Tổng số nhận giải quyết", 0, "count", 98, 15526),
    ("carried_over", "Kỳ trước chuyển sang", 1, "count", 12, 1204),
    ("received", "Mới tiếp nhận", 1, "count", 86, 14322),
    ("received_online", "Tiếp nhận trực tuyến", 2, "count", 64, 10517),
    ("answered_early", "Đã giải quyết trước hạn", 0, "count", 41, 8950),
    ("answered_on_time", "Đã giải quyết đúng hạn", 0, "count", 22, 3870),
    ("answered_late", "Đã giải quyết quá hạn", 0, "count", 6, 412),
    ("refused", "Không tiếp nhận", 0, "count", 3, 301),
    ("merged", "Gộp (trùng nội dung)", 0, "count", 2, 155),
    ("open_in_time", "Đang giải quyết trong hạn", 0, "count", 19, 1655),
    ("open_overdue", "Đang giải quyết quá hạn", 0, "count", 5, 183),
    ("on_time_rate", "Tỷ lệ đúng hạn", 0, "percent", 0.8878, 0.9617),
    ("transferred_twice", "Chuyển từ 2 lần trở lên", 0, "count", 1, 37),
    ("extended", "Gia hạn", 0, "count", 4, 260),
    ("apologies", "Thư xin lỗi", 0, "count", 7, 498),
    ("promises_missed", "Lỡ hẹn", 0, "count", 1, 21),
    ("reopened", "Mở lại", 0, "count", 2, 88),
    ("rating_avg", "Điểm đánh giá trung bình", 0, "number", 4.12, 4.31),
    ("satisfied", "Tỷ lệ hài lòng", 0, "percent", 0.8, 0.842),
)
_OFFICES = (
    ("P-09556-KT", "Phòng Kinh tế, Hạ tầng và Đô thị Phường Hà Đông"),
    ("P-09556-VP", "Văn phòng HĐND và UBND Phường Hà Đông"),
)
_OVERDUE = [
    {"code": code, "category_name": field, "unit_code": unit, "unit_name": name, "due_at": due, "days_late": late,
     "staff_url": f"{BASE}/staff/feedback/{code}"}
    for code, field, (unit, name), due, late in (
        ("PAKN.20260915.0004", "Môi trường", _OFFICES[0], "2026-09-29T16:59:59+00:00", 23),
        ("PAKN.20260928.0011", "Trật tự đô thị", _OFFICES[0], "2026-10-13T16:59:59+00:00", 13),
        ("PAKN.20261001.0002", "Tư pháp - Hộ tịch", _OFFICES[1], "2026-10-15T16:59:59+00:00", 11),
        ("PAKN.20261005.0017", "Hạ tầng đô thị", _OFFICES[0], "2026-10-19T16:59:59+00:00", 9),
        ("PAKN.20261012.0009", "Môi trường", _OFFICES[0], "2026-10-26T16:59:59+00:00", 4),
    )
]  # fmt: skip


def _units(*rows: tuple[str, str, int, int, int, float]) -> list[dict[str, Any]]:
    names = ("code", "name", "total", "answered_late", "open_overdue", "on_time_rate")
    return [dict(zip(names, row, strict=True)) for row in rows]


def _figures(column: int) -> list[dict[str, Any]]:
    """The monthly report's figures: the unit's (column 4) or the city's (5), beside the city's."""
    return [{"figure": row[0], "name": row[1], "indent": row[2], "kind": row[3], "unit": row[column],
             "city": row[5]} for row in _FIGURES]  # fmt: skip


_MONTHLY = {
    "month": "10/2026",
    "period_from": "2026-10-01",
    "period_to": "2026-10-31",
    "report_url": f"{BASE}/staff/reports?from=2026-10-01&to=2026-10-31",
    "sender_unit": COORDINATOR,
}
_MONTHLY_WARD = {
    **_MONTHLY, "scope": "unit", "unit_name": UNIT, "unit_code": "P-09556", "figures": _figures(4),
    "units": _units(
        ("P-09556", f"{UNIT} (trực tiếp giải quyết)", 14, 1, 0, 0.9286), (*_OFFICES[0], 52, 4, 4, 0.8462),
        (*_OFFICES[1], 21, 1, 1, 0.9048), ("P-09556-VHXH", "Phòng Văn hóa - Xã hội Phường Hà Đông", 11, 0, 0, 1.0),
    ),
    "units_without_figures": 0, "overdue_count": 5, "overdue": _OVERDUE,
}  # fmt: skip
_MONTHLY_CITY = {
    **_MONTHLY_WARD, "scope": "city", "unit_name": "", "unit_code": "", "figures": _figures(5),
    "units": _units(
        ("SO-XD", "Sở Xây dựng", 1342, 61, 22, 0.9382), ("SO-NNMT", "Sở Nông nghiệp và Môi trường", 988, 25, 9, 0.9656),
        ("P-00004", "UBND Phường Ba Đình", 402, 8, 3, 0.9726), ("P-09556", UNIT, 98, 6, 5, 0.8878),
    ),
    "units_without_figures": 139, "overdue_count": 183,
}  # fmt: skip

SAMPLES: tuple[Sample, ...] = (
    Sample("ack", "citizen", _citizen(secret_track_url=f"{BASE}/track/PAKN.20261026.0012?token=…"),
           note="tiếp nhận: xác nhận cho người dân"),
    Sample("track_link", "citizen", _citizen(secret_track_url=f"{BASE}/track/PAKN.20261026.0012?token=…"),
           note="tra cứu: gửi lại đường dẫn tra cứu mới theo đề nghị của người dân"),
    Sample("new_item", "unit", _staff(), note="tiếp nhận: giao đơn vị xử lý"),
    Sample("new_item", "unit", _staff(from_unit_name=PARENT, transfer_reason="Thuộc thẩm quyền của phường."),
           variant="transferred", note="chuyển đơn vị: báo đơn vị mới"),
    Sample("transferred", "citizen", _citizen(
        from_unit_name="Sở Xây dựng", reason="Vụ việc thuộc thẩm quyền giải quyết của Ủy ban nhân dân phường.",
        signer_name="Phạm Quốc Bảo", signer_title="Chuyên viên Sở Xây dựng", signer_unit="Sở Xây dựng",
    ), note="chuyển đơn vị: báo người dân"),
    Sample("assigned", "officer", _staff(officer_name=OFFICER, assigned_by_name=UNIT_HEAD), note="phân công"),
    Sample("approval", "head", _staff(draft_by_name=OFFICER, answer="Ủy ban nhân dân phường đã thay bóng đèn."),
           note="dự thảo trả lời chờ phê duyệt"),
    Sample("answer", "citizen", _citizen(
        answered_at="2026-11-05T03:00:00+00:00", **SIGNED_BY_HEAD,
        answer="Ngày 04/11/2026, Ủy ban nhân dân phường đã thay bóng đèn chiếu sáng tại ngõ 5 phố Lê Lợi.",
    ), note="trả lời, lãnh đạo phê duyệt"),
    Sample("answer", "citizen", _citizen(
        answered_at="2026-11-05T03:00:00+00:00", **SIGNED_BY_OFFICER,
        answer="Ngày 04/11/2026, Ủy ban nhân dân phường đã thay bóng đèn chiếu sáng tại ngõ 5 phố Lê Lợi.",
    ), variant="officer", note="trả lời, cán bộ trả lời trực tiếp"),
    Sample("refused", "citizen", _citizen(
        reason="Nội dung đơn không ghi địa chỉ nơi xảy ra vụ việc.",
        refusal_ground="Phản ánh, kiến nghị không có đủ thông tin về nội dung để xem xét, xử lý.",
        refusal_basis="Điều 7 Nghị định số 20/2008/NĐ-CP, sửa đổi bởi Nghị định số 92/2017/NĐ-CP",
        **SIGNED_BY_OFFICER,
    ), note="không tiếp nhận, có căn cứ"),
    Sample("refused", "citizen", _citizen(
        reason="Nội dung là khiếu nại quyết định hành chính.",
        refusal_ground="Nội dung là khiếu nại, không thuộc phạm vi phản ánh, kiến nghị.",
        refusal_basis="Điều 7 Nghị định số 20/2008/NĐ-CP, sửa đổi bởi Nghị định số 92/2017/NĐ-CP",
        refusal_procedure="Ông/Bà có thể khiếu nại theo quy định của Luật Khiếu nại năm 2011.",
        **SIGNED_BY_HEAD,
    ), variant="complaint", note="không tiếp nhận: khiếu nại, chỉ dẫn thủ tục"),
    Sample("refused", "citizen", _citizen(reason="Nội dung không rõ ràng.", **SIGNED_BY_OFFICER),
           variant="reason-only", note="không tiếp nhận, chỉ có ý kiến cán bộ"),
    Sample("reminder", "unit", _staff(**_LADDER), note="nhắc việc trước hạn"),
    Sample("reminder", "officer", _staff(**_LADDER), note="nhắc việc trước hạn"),
    Sample("progress_reminder", "unit", _staff(**{**_LADDER, "progress_since": "2026-11-03T16:59:59+00:00"}),
           note="nhắc cập nhật tiến độ"),
    Sample("progress_reminder", "officer", _staff(**{**_LADDER, "progress_since": "2026-10-26T02:00:00+00:00"}),
           note="nhắc cập nhật tiến độ"),
    Sample("overdue_unit", "unit", _staff(**_LADDER), note="quá hạn"),
    Sample("overdue_unit", "head", _staff(**_LADDER), note="quá hạn"),
    Sample("overdue_citizen", "citizen", _citizen(expected_at="2026-11-16T16:59:59+00:00"),
           note="quá hạn: phiếu xin lỗi"),
    Sample("promise_reminder", "unit", _staff(**_PROMISE), note="ngày hẹn trả kết quả: nhắc việc trước 1 ngày"),
    Sample("promise_reminder", "officer", _staff(**_PROMISE), note="ngày hẹn trả kết quả: nhắc việc trước 1 ngày"),
    Sample("promise_missed", "coordinator", _staff(**_PROMISE), note="lỡ hẹn trả kết quả"),
    Sample("promise_missed", "coordinator_head", _staff(**_PROMISE), note="lỡ hẹn trả kết quả"),
    Sample("promise_missed", "head", _staff(**_PROMISE), note="lỡ hẹn trả kết quả"),
    Sample("apology_task", "unit_task", _staff(expected_at="2026-11-16T16:59:59+00:00", delivery_mode="post"),
           note="quá hạn, người dân không có thư điện tử: gửi phiếu xin lỗi qua bưu chính"),
    Sample("apology_task", "unit_task", _staff(expected_at="2026-11-16T16:59:59+00:00", delivery_mode="phone"),
           variant="phone", note="quá hạn, người dân chỉ có số điện thoại: liên hệ qua điện thoại"),
    Sample("escalate_parent", "parent_head", _staff(**_LADDER, days_late=2, sent_overdue=True),
           note="quá hạn 2 ngày làm việc"),
    Sample("escalate_coordinator", "coordinator", _staff(**_LADDER, days_late=5, **_ALL_SENT),
           note="quá hạn 5 ngày làm việc"),
    Sample("escalate_coordinator", "coordinator_head", _staff(**_LADDER, days_late=5, **_ALL_SENT),
           note="quá hạn 5 ngày làm việc"),
    Sample("escalate_coordinator", "coordinator", _staff(**_LADDER, days_late=5, **_REMINDER_SKIPPED),
           variant="reminder-skipped", note="quá hạn 5 ngày làm việc, nhắc việc đã bị bỏ qua"),
    Sample("extension", "citizen", _citizen(
        due_at="2026-11-09T16:59:59+00:00", new_due_at="2026-11-16T16:59:59+00:00",
        reason="Cần khảo sát hiện trường cùng đơn vị quản lý chiếu sáng",
    ), note="gia hạn: phiếu xin lỗi"),
    Sample("extension_request", "head", _staff(
        requested_by_name=OFFICER, new_due_at="2026-11-16T16:59:59+00:00",
        reason="Cần khảo sát hiện trường.", requested_at="2026-11-05T07:15:00+00:00",
    ), note="đề nghị gia hạn"),
    Sample("extension_decided", "officer", _staff(
        requested_by_name=OFFICER, decided_by_name=UNIT_HEAD, approved=True, reason="",
        due_at="2026-11-16T16:59:59+00:00",
    ), variant="approved", note="gia hạn được phê duyệt"),
    Sample("extension_decided", "officer", _staff(
        requested_by_name=OFFICER, decided_by_name=UNIT_HEAD, approved=False, reason="Đủ thời gian xử lý.",
    ), variant="refused", note="gia hạn không được phê duyệt"),
    Sample("cooperation", "coop_unit", _staff(
        lead_unit_name=UNIT, coop_unit_name=COOP_UNIT, request="Đề nghị kiểm tra hệ thống chiếu sáng.",
        coop_due_at="2026-11-04T16:59:59+00:00",
    ), note="đề nghị phối hợp"),
    Sample("contribution", "unit", _staff(coop_unit_name=COOP_UNIT, contribution="Đã kiểm tra, cần thay bóng đèn."),
           note="ý kiến phối hợp"),
    Sample("coop_reminder", "coop_unit", dict(_COOP), note="nhắc việc phối hợp"),
    Sample("coop_overdue", "coop_unit", dict(_COOP), note="quá hạn phối hợp"),
    Sample("coop_overdue", "head", dict(_COOP), note="quá hạn phối hợp",
           extra={"recipient_name": "", "recipient_unit": COOP_UNIT}),
    Sample("reopen", "unit", _staff(reason="Đèn vẫn chưa sáng.", due_at="2026-11-24T16:59:59+00:00"),
           note="mở lại: báo đơn vị"),
    Sample("reopened_citizen", "citizen", _citizen(
        reason="Đèn vẫn chưa sáng.", due_at="2026-11-24T16:59:59+00:00", signer_unit=UNIT,
    ), note="mở lại: báo người dân"),
    Sample("digest", "head", {
        "unit_name": UNIT,
        "items": [
            {"code": "PAKN.20261012.0003", "title": "Rác thải tại chợ Hà Đông", "days_late": 3,
             "due_at": "2026-11-04T16:59:59+00:00"},
            {"code": "PAKN.20261013.0008", "title": "Lấn chiếm vỉa hè phố Quang Trung", "days_late": 1,
             "due_at": "2026-11-06T16:59:59+00:00"},
        ],
        "staff_url": f"{BASE}/staff?overdue=1",
        "calendar_warning": "",
    }, note="tổng hợp hằng ngày"),
    Sample("monthly_report", "head", _MONTHLY_WARD, note="báo cáo tháng: lãnh đạo đơn vị"),
    Sample("monthly_report", "coordinator", _MONTHLY_CITY, note="báo cáo tháng: Văn phòng (toàn thành phố)"),
    Sample("question_assigned", "unit", {**CONFERENCE, "unit_name": UNIT, "count": 1, "questions": [
        {"number": 3, "text": _QUESTION["text"], "due_at": _QUESTION["due_at"]},
    ]}, note="hội nghị: giao câu hỏi"),
    Sample("question_reminder", "unit", dict(_QUESTION), note="hội nghị: nhắc trả lời câu hỏi"),
    Sample("question_overdue", "unit", dict(_QUESTION), note="hội nghị: câu hỏi quá hạn"),
    Sample("question_overdue", "head", dict(_QUESTION), note="hội nghị: câu hỏi quá hạn"),
    Sample("publish_reminder", "unit", dict(_PUBLICATION), note="hội nghị: nhắc công bố kết quả"),
    Sample("publish_overdue", "unit", dict(_PUBLICATION), note="hội nghị: quá hạn công bố"),
    Sample("publish_overdue", "head", dict(_PUBLICATION), note="hội nghị: quá hạn công bố"),
    Sample("publish_escalate", "coordinator", dict(_ESCALATED_PUBLICATION), note="hội nghị: báo Văn phòng"),
    Sample("publish_escalate", "coordinator_head", dict(_ESCALATED_PUBLICATION), note="hội nghị: báo Văn phòng"),
)  # fmt: skip


def rendered(sample: Sample) -> tuple[str, str]:
    """The sample's .txt (subject, then the text) and .html."""
    message = render(sample.kind, sample.full_context(), TZ)
    return f"Tiêu đề: {message.subject}\n\n{message.text}", message.html


def index() -> str:
    lines = [
        "# Thư điện tử của pakn (mẫu)",
        "",
        "Every letter pakn sends, rendered from `notifications/templates/` with sample data by",
        "`python -m notifications.samples` (`make letters`); `tests/notifications/test_letters.py` checks",
        "that these files match the templates. One line per template and recipient: the text (`.txt`, the",
        "subject first) and the HTML part of the same e-mail.",
        "",
        "| thư | người nhận | khi nào | tiêu đề | |",
        "| --- | --- | --- | --- | --- |",
    ]
    for sample in SAMPLES:
        subject = render(sample.kind, sample.full_context(), TZ).subject.replace("|", "\\|")
        lines.append(
            f"| `{sample.kind}` | {sample.recipient}{f' ({sample.variant})' if sample.variant else ''}"
            f" | {sample.note} | {subject} | [txt]({sample.name}.txt) · [html]({sample.name}.html) |"
        )
    return "\n".join(lines) + "\n"


def files() -> dict[str, str]:
    """Every file of the folder, by name."""
    out = {"README.md": index()}
    for sample in SAMPLES:
        text, html = rendered(sample)
        out[f"{sample.name}.txt"], out[f"{sample.name}.html"] = text, html
    return out


def write(folder: Path = FOLDER) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    wanted = files()
    for old in folder.iterdir():
        if old.is_file() and old.name not in wanted:
            old.unlink()  # a sample that no longer exists
    for name, content in wanted.items():
        (folder / name).write_text(content, encoding="utf-8")
    return len(wanted)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER
    print(f"wrote {write(target)} files to {target}")
