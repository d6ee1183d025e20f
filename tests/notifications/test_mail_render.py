"""Every kind of mail renders in Vietnamese, as text and HTML, with the tracking code in the subject."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html import unescape

import pytest

from notifications.render import KINDS, parse_when, render
from tests.notifications.support import HANOI

ITEM = {
    "code": "PAKN.20261121.0007",
    "title": "Đèn đường hỏng <ở> ngõ 5 & ngách 2",
    "unit_name": "UBND phường Hà Đông",
    "category_name": "Hạ tầng đô thị",
    "received_at": "2026-11-21 05:00:00+00:00",  # as SQLite's json_object writes it
    "due_at": "2026-12-04T09:59:59+00:00",  # as PostgreSQL's jsonb_build_object writes it
}
CITIZEN = {**ITEM, "citizen_name": "Trần Thị Bình"}
STAFF = {**ITEM, "staff_url": "https://pakn.test/staff/feedback/PAKN.20261121.0007"}

# kind, context, subject, phrases of the text, a phrase of the HTML as a reader sees it
CASES = [
    (
        "ack",
        {
            **CITIZEN,
            "channel": "desk",
            "channel_name": "Trực tiếp tại Bộ phận Một cửa",
            "secret_track_url": "https://pakn.test/track/PAKN.20261121.0007?token=t0k3n",
        },
        "[PAKN.20261121.0007] Xác nhận đã tiếp nhận phản ánh, kiến nghị",
        ["Kính gửi: Ông/Bà Trần Thị Bình", "Trực tiếp tại Bộ phận Một cửa", "token=t0k3n", "giữ bí mật"],
        "Đề nghị Ông/Bà giữ bí mật, không chia sẻ đường dẫn",
    ),
    (
        "track_link",
        {**CITIZEN, "secret_track_url": "https://pakn.test/track/PAKN.20261121.0007?token=m01"},
        "[PAKN.20261121.0007] Đường dẫn tra cứu mới cho phản ánh, kiến nghị",
        ["Kính gửi: Ông/Bà Trần Thị Bình", "token=m01", "Đường dẫn gửi trước đây không còn sử dụng được"],
        "Đường dẫn gửi trước đây không còn sử dụng được",
    ),
    (
        "new_item",
        {**STAFF, "severity": "urgent", "severity_name": "Khẩn"},
        "[PAKN.20261121.0007] KHẨN: Phản ánh, kiến nghị mới giao đơn vị xử lý: Đèn đường hỏng <ở> ngõ 5 & ngách 2",
        [
            "Mức độ: Khẩn",
            "Lĩnh vực: Hạ tầng đô thị",
            "Hạn trả lời: 16 giờ 59, ngày 04/12/2026",
            "Xem và xử lý tại: https://pakn.test/staff",
        ],
        "Mức độ: Khẩn",
    ),
    (
        "reminder",
        STAFF,
        "[PAKN.20261121.0007] Nhắc việc: còn 1 ngày làm việc đến hạn trả lời",
        ["hạn trả lời là 16 giờ 59, ngày 04/12/2026, còn 1 ngày làm việc", "gia hạn"],
        "còn 1 ngày làm việc",
    ),
    (
        "progress_reminder",
        {**STAFF, "progress_since": "2026-11-21 05:00:00+00:00"},
        "[PAKN.20261121.0007] Nhắc cập nhật tiến độ xử lý phản ánh, kiến nghị: Đèn đường hỏng <ở> ngõ 5 & ngách 2",
        [
            "Kính gửi: Ủy ban nhân dân phường Hà Đông\n",
            "từ 12 giờ 00, ngày 21/11/2026 đến nay chưa có ghi nhận tiến độ xử lý",
            "Xem và cập nhật tiến độ tại: https://pakn.test/staff",
        ],
        "Nhắc cập nhật tiến độ: phản ánh, kiến nghị dưới đây",
    ),
    (
        "overdue_unit",
        STAFF,
        "[PAKN.20261121.0007] Quá hạn trả lời phản ánh, kiến nghị: Đèn đường hỏng <ở> ngõ 5 & ngách 2",
        [
            "Kính gửi: Ủy ban nhân dân phường Hà Đông\n",
            "đã quá hạn trả lời (hạn trả lời: 16 giờ 59, ngày 04/12/2026)",
        ],
        "đã quá hạn trả lời (hạn trả lời: 16 giờ 59, ngày 04/12/2026)",
    ),
    (
        "overdue_citizen",
        {
            **CITIZEN,
            "expected_at": "2026-12-11T09:59:59+00:00",
            "reason": "Cần phối hợp với Công ty Điện lực để kiểm tra hiện trường",
            "document": "apology",
        },
        "[PAKN.20261121.0007] Phiếu xin lỗi và hẹn lại ngày trả kết quả",
        [
            "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
            "Ngày 21/11/2026, Ủy ban nhân dân phường Hà Đông đã tiếp nhận",
            "thuộc lĩnh vực Hạ tầng đô thị",
            "Mã số phản ánh: PAKN.20261121.0007.",
            "Thời hạn trả lời theo quy định: 16 giờ 59, ngày 04/12/2026.",
            "Lý do: Cần phối hợp với Công ty Điện lực để kiểm tra hiện trường.",
            "(Mẫu số 04) được gửi kèm thư này dưới dạng tệp PDF",
            "thành thật xin lỗi Ông/Bà và sẽ trả kết quả cho Ông/Bà vào ngày 11/12/2026",
        ],
        "sẽ trả kết quả cho Ông/Bà vào ngày 11/12/2026",
    ),
    (
        "escalate_parent",
        {
            **STAFF,
            "days_late": 2,
            "parent_unit_name": "UBND thành phố Hà Nội",
            "recipient": "parent_head",
            "recipient_name": "",
            "recipient_unit": "UBND Thành phố Hà Nội",
        },
        "[PAKN.20261121.0007] Đơn vị trực thuộc chậm trả lời từ 2 ngày làm việc trở lên: Đèn đường hỏng <ở> ngõ 5 & ngách 2",
        ["Kính gửi: Chủ tịch Ủy ban nhân dân thành phố Hà Nội\n", "đã quá hạn trả lời 2 ngày làm việc"],
        "đã quá hạn trả lời 2 ngày làm việc",
    ),
    (
        "escalate_coordinator",
        {**STAFF, "days_late": 5},
        "[PAKN.20261121.0007] Quá hạn từ 5 ngày làm việc trở lên, đề nghị theo dõi, đôn đốc: Đèn đường hỏng <ở> ngõ 5 & ngách 2",
        ["đã quá hạn trả lời 5 ngày làm việc", "xem xét giao xử lý lại theo thẩm quyền"],
        "đã quá hạn trả lời 5 ngày làm việc",
    ),
    (
        "answer",
        {
            **CITIZEN,
            "answer": "Đơn vị đã thay bóng đèn.\nĐề nghị Ông/Bà phản hồi nếu còn hỏng.",
            "answered_at": "2026-11-25T03:00:00+00:00",
        },
        "[PAKN.20261121.0007] Kết quả trả lời phản ánh, kiến nghị",
        [
            "Ngày 25/11/2026, Ủy ban nhân dân phường Hà Đông trả lời",
            "Đơn vị đã thay bóng đèn.\nĐề nghị Ông/Bà phản hồi",
        ],
        "Đơn vị đã thay bóng đèn. Đề nghị Ông/Bà phản hồi",
    ),
    (
        "extension",
        {
            **CITIZEN,
            "reason": "cần khảo sát hiện trường cùng đơn vị điện lực",
            "new_due_at": "2026-12-18T09:59:59+00:00",
        },
        "[PAKN.20261121.0007] Gia hạn trả lời: phiếu xin lỗi và hẹn lại ngày trả kết quả",
        [
            "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
            "không thể trả kết quả giải quyết phản ánh, kiến nghị của Ông/Bà đúng thời hạn nêu trên",
            "Lý do: cần khảo sát hiện trường cùng đơn vị điện lực.",
            "vào ngày 18/12/2026",
        ],
        "Lý do: cần khảo sát hiện trường cùng đơn vị điện lực.",
    ),
    (
        "reopen",
        {**STAFF, "reason": "Người dân chưa hài lòng: đèn vẫn hỏng"},
        "[PAKN.20261121.0007] Phản ánh, kiến nghị được mở lại để xử lý tiếp: Đèn đường hỏng <ở> ngõ 5 & ngách 2",
        ["được mở lại", "Lý do đề nghị xem xét lại: Người dân chưa hài lòng: đèn vẫn hỏng"],
        "Lý do đề nghị xem xét lại: Người dân chưa hài lòng: đèn vẫn hỏng",
    ),
    (
        "digest",
        {
            "unit_name": "UBND phường Hà Đông",
            "items": [
                {
                    "code": "PAKN.20261101.0001",
                    "title": "Ngập úng đường Quang Trung",
                    "due_at": "2026-11-14T09:59:59+00:00",
                    "days_late": 6,
                },
                {
                    "code": "PAKN.20261105.0002",
                    "title": "Lấn chiếm vỉa hè",
                    "due_at": "2026-11-19 09:59:59+00:00",
                    "days_late": 3,
                },
            ],
        },
        "Tổng hợp phản ánh, kiến nghị quá hạn của Ủy ban nhân dân phường Hà Đông: 2 hồ sơ",
        [
            "Ủy ban nhân dân phường Hà Đông hiện có 2 phản ánh, kiến nghị đã quá hạn",
            "1. PAKN.20261101.0001 - Ngập úng đường Quang Trung",
            "quá hạn 6 ngày làm việc",
        ],
        "PAKN.20261101.0001 Ngập úng đường Quang Trung 16 giờ 59, ngày 14/11/2026 6",
    ),
]


PROMISE = {**STAFF, "promise_day": "2026-12-11", "promise_reason": "Cần xác minh thực địa"}
CASES += [
    (
        "promise_reminder",
        {
            **PROMISE,
            "recipient": "officer",
            "recipient_name": "Lê Văn Cường",
            "recipient_unit": "UBND Phường Hà Đông",
        },
        "[PAKN.20261121.0007] Nhắc việc: còn 1 ngày làm việc đến ngày hẹn trả kết quả: Đèn đường hỏng <ở> ngõ 5 & ngách 2",
        [
            "Kính gửi: Ông/Bà Lê Văn Cường, Ủy ban nhân dân phường Hà Đông",
            "hẹn trả kết quả vào ngày 11/12/2026",
            "Lý do đã nêu trong phiếu xin lỗi: Cần xác minh thực địa.",
        ],
        "Còn 1 ngày làm việc là đến ngày hẹn này",
    ),
    (
        "promise_missed",
        {
            **PROMISE,
            "recipient": "coordinator",
            "recipient_name": "Văn phòng UBND Thành phố",
            "recipient_unit": "Văn phòng UBND Thành phố",
        },
        "[PAKN.20261121.0007] Lỡ hẹn trả kết quả cho người dân: Đèn đường hỏng <ở> ngõ 5 & ngách 2",
        ["Kính gửi: Văn phòng Ủy ban nhân dân Thành phố", "vào ngày 11/12/2026", "theo dõi, đôn đốc đơn vị"],
        "đã hết ngày hẹn mà chưa có kết quả trả lời",
    ),
    (
        "apology_task",
        {**STAFF, "expected_at": "2026-12-11T16:59:59+00:00", "delivery_mode": "post"},
        "[PAKN.20261121.0007] Gửi qua bưu chính phiếu xin lỗi và hẹn lại ngày trả kết quả: Đèn đường hỏng <ở> ngõ 5 & ngách 2",
        ["Ngày hẹn trả kết quả: 11/12/2026", "gửi cho người dân qua bưu chính", "/apology.pdf"],
        "In phiếu tại",
    ),
    (
        "monthly_report",
        {
            "month": "10/2026",
            "period_from": "2026-10-01",
            "period_to": "2026-10-31",
            "report_url": "https://pakn.test/staff/reports?from=2026-10-01&to=2026-10-31",
            "sender_unit": "Văn phòng UBND Thành phố",
            "scope": "unit",
            "unit_name": "Phòng Kinh tế Phường Hà Đông",
            "unit_code": "P-09556-KT",
            "recipient": "head",
            "recipient_name": "Trưởng Phòng Kinh tế Phường Hà Đông",
            "recipient_unit": "Phòng Kinh tế Phường Hà Đông",
            "figures": [
                {
                    "figure": "total",
                    "name": "Tổng số nhận giải quyết",
                    "indent": 0,
                    "kind": "count",
                    "unit": 1322,
                    "city": 14322,
                },
                {
                    "figure": "on_time_rate",
                    "name": "Tỷ lệ đúng hạn",
                    "indent": 0,
                    "kind": "percent",
                    "unit": 0.9537,
                    "city": None,
                },
                {
                    "figure": "rating_avg",
                    "name": "Điểm đánh giá trung bình",
                    "indent": 0,
                    "kind": "number",
                    "unit": 4.5,
                    "city": 4.25,
                },
            ],  # fmt: skip
            "units": [],
            "units_without_figures": 0,
            "overdue_count": 1,
            "overdue": [
                {
                    "code": "PAKN.20261001.0004",
                    "category_name": "",
                    "unit_code": "P-09556-KT",
                    "unit_name": "Phòng Kinh tế Phường Hà Đông",
                    "due_at": "2026-10-15 16:59:59+00:00",
                    "days_late": 12,
                    "staff_url": "https://pakn.test/staff/feedback/PAKN.20261001.0004",
                }
            ],
        },
        "Báo cáo kết quả tiếp nhận, giải quyết phản ánh, kiến nghị tháng 10/2026 của Phòng Kinh tế phường Hà Đông",
        [
            "Kính gửi: Trưởng phòng Kinh tế phường Hà Đông\n",
            "Tổng số nhận giải quyết: 1.322 (toàn thành phố: 14.322)",
            "Tỷ lệ đúng hạn: 95,4% (toàn thành phố: —)",
            "Điểm đánh giá trung bình: 4,5 (toàn thành phố: 4,25)",
            "1. PAKN.20261001.0004; lĩnh vực: chưa xác định\n",
            "Hạn trả lời: hết ngày 15/10/2026; đến hết tháng đã quá hạn 12 ngày làm việc.",
            "Kính đề nghị Ông/Bà chỉ đạo khẩn trương giải quyết",
            "Trân trọng./.\n\nVăn phòng Ủy ban nhân dân Thành phố",
        ],
        "Tổng số nhận giải quyết 1.322 14.322",
    ),
]


def test_the_tables_cover_every_kind() -> None:
    from tests.notifications.test_mail_render_casework import CASEWORK_KINDS
    from tests.notifications.test_mail_render_conferences import CONFERENCE_KINDS

    assert {case[0] for case in CASES} | CASEWORK_KINDS | CONFERENCE_KINDS == KINDS


def visible(html: str) -> str:
    """What a reader of the HTML sees: tags gone, entities decoded, white space collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.mark.parametrize(
    ("kind", "context", "subject", "phrases", "in_html"), CASES, ids=[c[0] for c in CASES]
)
def test_each_kind_renders_vietnamese_text_and_html(kind, context, subject, phrases, in_html) -> None:
    rendered = render(kind, context, HANOI)

    assert rendered.subject == subject
    for phrase in phrases:
        assert phrase in rendered.text
    assert rendered.text.rstrip().endswith("vui lòng không trả lời trực tiếp thư này.")
    assert rendered.html.startswith("<!DOCTYPE html>") and '<html lang="vi">' in rendered.html
    # The citizen's words are escaped in HTML and left alone in text.
    if "title" in context:
        assert "Đèn đường hỏng &lt;ở&gt; ngõ 5 &amp; ngách 2" in rendered.html
        assert "<ở>" not in rendered.html
    assert in_html in visible(rendered.html)


def test_answer_keeps_line_breaks_in_html_without_trusting_the_text() -> None:
    context = {
        **CITIZEN,
        "answer": "Dòng một\n<script>alert(1)</script>\r\nDòng ba",
        "answered_at": "2026-11-25T03:00:00Z",
    }
    html = render("answer", context, HANOI).html
    assert "Dòng một<br>\n&lt;script&gt;alert(1)&lt;/script&gt;<br>\nDòng ba" in html
    assert "<script>" not in html


def test_optional_parts_are_left_out_when_absent() -> None:
    answer = render(
        "answer", {**CITIZEN, "answer": "Đã xử lý.", "answered_at": "2026-11-25T03:00:00Z"}, HANOI
    )
    assert "đường dẫn riêng" not in answer.text
    apology = render("overdue_citizen", {**CITIZEN, "category_name": ""}, HANOI)
    assert "trong thời gian sớm nhất" in apology.text and "thuộc lĩnh vực" not in apology.text
    unclassified = render("reminder", {**STAFF, "category_name": ""}, HANOI)
    assert "Lĩnh vực: Chưa xác định" in unclassified.text


def test_unknown_kind_and_missing_key_are_errors() -> None:
    with pytest.raises(ValueError, match="unknown e-mail kind: 'newsletter'"):
        render("newsletter", ITEM, HANOI)
    with pytest.raises(Exception, match="staff_url"):
        render("new_item", {**ITEM, "severity": "normal"}, HANOI)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-21 05:00:00+00:00", datetime(2026, 11, 21, 5, tzinfo=UTC)),
        ("2026-11-21T05:00:00.123456+00:00", datetime(2026, 11, 21, 5, 0, 0, 123456, tzinfo=UTC)),
        ("2026-11-21T05:00:00Z", datetime(2026, 11, 21, 5, tzinfo=UTC)),
        ("2026-11-21T12:00:00+07:00", datetime(2026, 11, 21, 5, tzinfo=UTC)),
        ("2026-11-21 05:00:00", datetime(2026, 11, 21, 5, tzinfo=UTC)),  # naive: stored times are UTC
        ("2026-11-21", date(2026, 11, 21)),
        ("", None),
        (None, None),
    ],
)
def test_parse_when_reads_both_databases_iso_forms(value, expected) -> None:
    assert parse_when(value) == expected


def test_dates_are_shown_in_the_service_time_zone() -> None:
    # 17:30 UTC on the 21st is already the 22nd in Hanoi.
    context = {**STAFF, "received_at": "2026-11-21 17:30:00+00:00", "due_at": "2026-12-04"}
    text = render("reminder", context, HANOI).text
    assert "Thời điểm tiếp nhận: 00 giờ 30, ngày 22/11/2026" in text
    assert "hạn trả lời là hết ngày 04/12/2026" in text


def test_a_message_queued_before_the_names_shows_the_codes() -> None:
    """Names of codes come with the context now; a message queued before still renders."""
    old = render("new_item", {**STAFF, "severity": "complex"}, HANOI)
    assert "Mức độ: complex" in old.text
    ack = render("ack", {**CITIZEN, "channel": "postal", "secret_track_url": "https://pakn.test/t"}, HANOI)
    assert "hình thức tiếp nhận: postal" in ack.text
