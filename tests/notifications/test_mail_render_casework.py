"""The casework mails (refusal, transfer, assignment, approval, cooperation, review) render in Vietnamese."""

from __future__ import annotations

import re
from html import unescape

import pytest
from jinja2 import UndefinedError

from notifications.render import KINDS, render
from tests.notifications.support import HANOI

CODE = "PAKN.20261121.0007"
TITLE = "Đèn đường hỏng <ở> ngõ 5 & ngách 2"
ITEM = {
    "code": CODE,
    "title": TITLE,
    "unit_name": "UBND phường Hà Đông",
    "category_name": "Hạ tầng đô thị",
    "received_at": "2026-11-21 05:00:00+00:00",  # 12:00 21/11/2026 in Hanoi
    "due_at": "2026-12-04T09:59:59+00:00",  # 16:59 04/12/2026 in Hanoi
    "severity": "normal",
    "severity_name": "Thông thường",
    "channel": "online",
    "channel_name": "Trực tuyến",
}
CITIZEN = {**ITEM, "citizen_name": "Trần Thị Bình"}
STAFF = {**ITEM, "staff_url": f"https://pakn.test/staff/feedback/{CODE}"}
# What the sweep writes for a cooperating unit's sub-deadline: unit_name is the cooperating unit.
COOP_STEP = {
    **STAFF,
    "unit_name": "Công ty Điện lực Hà Đông",
    "due_at": "2026-11-27T09:59:59+00:00",  # 16:59 27/11/2026 in Hanoi
    "parent_unit_name": "",
    "days_late": 0,
}

CONTEXTS = {
    "refused": {
        **CITIZEN,
        "reason": "Nội dung không thuộc phạm vi phản ánh, kiến nghị về quy định hành chính",
    },
    "transferred": {
        **CITIZEN,
        "unit_name": "Sở Xây dựng Hà Nội",
        "due_at": "2026-12-11T09:59:59+00:00",
        "from_unit_name": "UBND phường Hà Đông",
        "reason": "Tuyến đường do Sở Xây dựng quản lý",
    },
    "assigned": {**STAFF, "officer_name": "Nguyễn Văn An", "assigned_by_name": "Phạm Minh Cường"},
    "approval": {
        **STAFF,
        "draft_by_name": "Nguyễn Văn An",
        "answer": "Đơn vị đã thay bóng đèn ngày 25/11/2026.\nĐề nghị Ông/Bà phản hồi nếu còn hỏng.",
    },
    "cooperation": {
        **STAFF,
        "lead_unit_name": "UBND phường Hà Đông",
        "coop_unit_name": "Công ty Điện lực Hà Đông",
        "request": "Kiểm tra nguồn điện cấp cho tuyến đèn.\nCho biết thời gian sửa chữa dự kiến.",
        "coop_due_at": "2026-11-27T09:59:59+00:00",
    },
    "contribution": {
        **STAFF,
        "coop_unit_name": "Công ty Điện lực Hà Đông",
        "contribution": "Đã kiểm tra, nguồn điện bình thường.\nHỏng do bóng đèn, đề nghị phường thay thế.",
    },
    "coop_reminder": COOP_STEP,
    "coop_overdue": COOP_STEP,
    "extension_request": {
        **STAFF,
        "requested_by_name": "Nguyễn Văn An",
        "new_due_at": "2026-12-11T16:59:59+00:00",  # hết ngày 11/12/2026 in Hanoi
        "requested_at": "2026-12-03T03:00:00+00:00",  # 10:00 03/12/2026 in Hanoi
        "reason": "Cần xác minh thực địa với Công ty Điện lực",
    },
    "extension_decided": {
        **STAFF,
        "due_at": "2026-12-11T16:59:59+00:00",  # the new deadline
        "requested_by_name": "Nguyễn Văn An",
        "decided_by_name": "Phạm Minh Cường",
        "approved": True,
        "reason": "Cần xác minh thực địa với Công ty Điện lực",
    },
    "reopened_citizen": {
        **CITIZEN,
        "due_at": "2026-12-18T09:59:59+00:00",
        "reason": "Người dân chưa đồng ý với kết quả trả lời: đèn vẫn hỏng",
    },
}

# kind, subject (after "[code] "), phrases of the text, phrases of the HTML as a reader sees it
CASES = [
    (
        "refused",
        "Thông báo không tiếp nhận xử lý phản ánh, kiến nghị",
        [
            "Kính gửi: Ông/Bà Trần Thị Bình\n",
            "Ngày 21/11/2026, Ủy ban nhân dân phường Hà Đông đã nhận được phản ánh, kiến nghị của Ông/Bà",
            "Ủy ban nhân dân phường Hà Đông thông báo không tiếp nhận xử lý phản ánh, kiến nghị",
            "Lý do: Nội dung không thuộc phạm vi phản ánh, kiến nghị về quy định hành chính",
            "gửi lại phản ánh, kiến nghị với đầy đủ thông tin",
            "liên hệ trực tiếp Ủy ban nhân dân phường Hà Đông",
        ],
        [
            "không tiếp nhận xử lý phản ánh, kiến nghị nêu trên",
            "Lý do: Nội dung không thuộc phạm vi",
            "gửi lại phản ánh, kiến nghị với đầy đủ thông tin",
        ],
    ),
    (
        "transferred",
        "Phản ánh, kiến nghị đã được chuyển đơn vị xử lý",
        [
            "đã được chuyển từ Ủy ban nhân dân phường Hà Đông đến Sở Xây dựng Hà Nội",
            "Lý do chuyển: Tuyến đường do Sở Xây dựng quản lý",
            "Đơn vị xử lý: Sở Xây dựng Hà Nội",
            "được xác định lại là 16 giờ 59, ngày 11/12/2026.",
        ],
        [
            "đến Sở Xây dựng Hà Nội",
            "Lý do chuyển: Tuyến đường do Sở Xây dựng quản lý",
            "Đơn vị xử lý Sở Xây dựng Hà Nội",
            "được xác định lại là 16 giờ 59, ngày 11/12/2026",
        ],
    ),
    (
        "assigned",
        f"Phân công xử lý phản ánh, kiến nghị: {TITLE}",
        [
            "Kính gửi: Ông/Bà Nguyễn Văn An, Ủy ban nhân dân phường Hà Đông\n",
            "Phạm Minh Cường đã phân công Ông/Bà chủ trì xử lý",
            "Mức độ: Thông thường",
            "Hạn trả lời: 16 giờ 59, ngày 04/12/2026",
            f"Xem và xử lý tại: https://pakn.test/staff/feedback/{CODE}",
        ],
        ["Phạm Minh Cường đã phân công Ông/Bà chủ trì xử lý", "Hạn trả lời 16 giờ 59, ngày 04/12/2026"],
    ),
    (
        "approval",
        f"Dự thảo trả lời chờ phê duyệt: {TITLE}",
        [
            "Kính gửi: Chủ tịch Ủy ban nhân dân phường Hà Đông\n",
            "Nguyễn Văn An đã trình dự thảo văn bản trả lời",
            "Đơn vị đã thay bóng đèn ngày 25/11/2026.\nĐề nghị Ông/Bà phản hồi nếu còn hỏng.",
            "Hạn trả lời: 16 giờ 59, ngày 04/12/2026",
        ],
        ["Nguyễn Văn An đã trình dự thảo văn bản trả lời", "Xem và phê duyệt"],
    ),
    (
        "cooperation",
        f"Đề nghị phối hợp xử lý phản ánh, kiến nghị: {TITLE}",
        [
            "Kính gửi: Công ty Điện lực Hà Đông\n",
            "Ủy ban nhân dân phường Hà Đông là đơn vị chủ trì",
            "Kiểm tra nguồn điện cấp cho tuyến đèn.\nCho biết thời gian sửa chữa dự kiến.",
            "gửi Ủy ban nhân dân phường Hà Đông chậm nhất 16 giờ 59, ngày 27/11/2026",
            "Hạn trả lời: 16 giờ 59, ngày 04/12/2026",
        ],
        ["đề nghị Công ty Điện lực Hà Đông phối hợp xử lý", "chậm nhất 16 giờ 59, ngày 27/11/2026"],
    ),
    (
        "contribution",
        f"Ý kiến phối hợp của Công ty Điện lực Hà Đông: {TITLE}",
        [
            "Kính gửi: Ủy ban nhân dân phường Hà Đông\n",
            "Công ty Điện lực Hà Đông đã gửi ý kiến phối hợp",
            "Đã kiểm tra, nguồn điện bình thường.\nHỏng do bóng đèn, đề nghị phường thay thế.",
            "Hạn trả lời: 16 giờ 59, ngày 04/12/2026",
        ],
        ["Công ty Điện lực Hà Đông đã gửi ý kiến phối hợp", "Đã kiểm tra, nguồn điện bình thường."],
    ),
    (
        "coop_reminder",
        f"Nhắc việc phối hợp: còn 1 ngày làm việc đến hạn gửi ý kiến: {TITLE}",
        [
            "Kính gửi: Công ty Điện lực Hà Đông\n",
            "Hạn gửi ý kiến phối hợp là 16 giờ 59, ngày 27/11/2026 (ngày làm việc tiếp theo)",
            "Đơn vị phối hợp: Công ty Điện lực Hà Đông",
            "Hạn gửi ý kiến phối hợp: 16 giờ 59, ngày 27/11/2026",
        ],
        ["Hạn gửi ý kiến phối hợp là 16 giờ 59, ngày 27/11/2026"],
    ),
    (
        "extension_request",
        f"Đề nghị gia hạn chờ phê duyệt: {TITLE}",
        [
            "Kính gửi: Chủ tịch Ủy ban nhân dân phường Hà Đông\n",
            "Nguyễn Văn An đề nghị gia hạn thời hạn trả lời phản ánh, kiến nghị dưới đây đến hết ngày"
            " 11/12/2026 (đề nghị vào 10 giờ 00, ngày 03/12/2026)",
            "Lý do đề nghị gia hạn: Cần xác minh thực địa với Công ty Điện lực",
            "Hạn trả lời: 16 giờ 59, ngày 04/12/2026",
            "Mỗi phản ánh, kiến nghị chỉ được gia hạn một lần.",
        ],
        ["đề nghị gia hạn thời hạn trả lời", "đến hết ngày 11/12/2026", "Xem và phê duyệt"],
    ),
    (
        "extension_decided",
        f"Đề nghị gia hạn đã được phê duyệt: {TITLE}",
        [
            "Kính gửi: Ông/Bà Nguyễn Văn An, Ủy ban nhân dân phường Hà Đông\n",
            "Phạm Minh Cường đã phê duyệt đề nghị gia hạn",
            "Hạn trả lời mới: hết ngày 11/12/2026; người dân đã được gửi Phiếu xin lỗi",
        ],
        ["Phạm Minh Cường đã phê duyệt đề nghị gia hạn", "Hạn trả lời mới: hết ngày 11/12/2026"],
    ),
    (
        "coop_overdue",
        f"Quá hạn gửi ý kiến phối hợp: {TITLE}",
        [
            "Kính gửi: Công ty Điện lực Hà Đông\n",
            "hạn gửi ý kiến phối hợp (16 giờ 59, ngày 27/11/2026) đã qua mà đơn vị chưa gửi ý kiến",
            "Hạn gửi ý kiến phối hợp: 16 giờ 59, ngày 27/11/2026",
        ],
        ["hạn gửi ý kiến phối hợp (16 giờ 59, ngày 27/11/2026) đã qua"],
    ),
    (
        "reopened_citizen",
        "Phản ánh, kiến nghị được xem xét lại",
        [
            "Kính gửi: Ông/Bà Trần Thị Bình\n",
            "Ủy ban nhân dân phường Hà Đông đã nhận được đề nghị xem xét lại của Ông/Bà",
            "Lý do Ông/Bà đề nghị xem xét lại: Người dân chưa đồng ý với kết quả trả lời: đèn vẫn hỏng",
            "Thời hạn trả lời mới: 16 giờ 59, ngày 18/12/2026.",
        ],
        [
            "Lý do Ông/Bà đề nghị xem xét lại: Người dân chưa đồng ý",
            "Thời hạn trả lời mới: 16 giờ 59, ngày 18/12/2026",
        ],
    ),
]
CASEWORK_KINDS = {case[0] for case in CASES}
# The texts written by people, shown in a box in HTML with their line breaks kept.
MULTILINE = {"approval": "answer", "cooperation": "request", "contribution": "contribution"}
REASON_KINDS = ("refused", "transferred", "reopened_citizen", "extension_request")


def visible(html: str) -> str:
    """What a reader of the HTML sees: tags gone, entities decoded, white space collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_every_casework_kind_is_known_and_has_a_context() -> None:
    assert CASEWORK_KINDS <= KINDS
    assert set(CONTEXTS) == CASEWORK_KINDS


@pytest.mark.parametrize(("kind", "subject", "phrases", "in_html"), CASES, ids=[c[0] for c in CASES])
def test_each_casework_kind_renders_text_and_html(kind, subject, phrases, in_html) -> None:
    rendered = render(kind, CONTEXTS[kind], HANOI)

    assert rendered.subject == f"[{CODE}] {subject}"
    for phrase in phrases:
        assert phrase in rendered.text
    assert rendered.text.rstrip().endswith("vui lòng không trả lời trực tiếp thư này.")
    assert "\n\n\n" not in rendered.text
    assert rendered.html.startswith("<!DOCTYPE html>") and '<html lang="vi">' in rendered.html
    # The title is escaped in HTML and left alone in text.
    assert TITLE in rendered.text
    assert "Đèn đường hỏng &lt;ở&gt; ngõ 5 &amp; ngách 2" in rendered.html
    assert "<ở>" not in rendered.html
    seen = visible(rendered.html)
    for phrase in in_html:
        assert phrase in seen


@pytest.mark.parametrize("kind", sorted(MULTILINE))
def test_people_s_text_keeps_its_line_breaks_in_html(kind) -> None:
    key = MULTILINE[kind]
    first, second = CONTEXTS[kind][key].split("\n")
    assert f"{first}<br>\n{second}" in render(kind, CONTEXTS[kind], HANOI).html


def test_staff_mails_link_to_the_item() -> None:
    for kind in (
        "assigned", "approval", "cooperation", "contribution", "coop_reminder", "coop_overdue",
        "extension_request", "extension_decided",
    ):  # fmt: skip
        rendered = render(kind, CONTEXTS[kind], HANOI)
        assert f'href="https://pakn.test/staff/feedback/{CODE}"' in rendered.html
        assert f"https://pakn.test/staff/feedback/{CODE}" in rendered.text


@pytest.mark.parametrize("kind", REASON_KINDS)
def test_a_reason_is_escaped_in_html_and_plain_in_text(kind) -> None:
    context = {**CONTEXTS[kind], "reason": "Thiếu địa chỉ\n<script>alert(1)</script>"}
    rendered = render(kind, context, HANOI)
    assert "Thiếu địa chỉ<br>\n&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
    assert "<script>" not in rendered.html
    assert "<script>alert(1)</script>" in rendered.text


def test_cooperation_request_and_draft_are_escaped_in_html() -> None:
    for kind, key in MULTILINE.items():
        html = render(kind, {**CONTEXTS[kind], key: "<script>alert(1)</script>"}, HANOI).html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html


def test_citizen_mails_without_a_name_address_ong_ba() -> None:
    for kind in ("refused", "transferred", "reopened_citizen"):
        text = render(kind, {**CONTEXTS[kind], "citizen_name": ""}, HANOI).text
        assert "Kính gửi: Ông/Bà\n" in text


def test_dates_are_shown_in_the_service_time_zone() -> None:
    # 17:30 UTC on the 26th is already the 27th in Hanoi.
    context = {**CONTEXTS["cooperation"], "coop_due_at": "2026-11-26 17:30:00+00:00"}
    assert "chậm nhất 00 giờ 30, ngày 27/11/2026" in render("cooperation", context, HANOI).text
    context = {**CONTEXTS["transferred"], "due_at": "2026-12-10T17:30:00+00:00"}
    assert "được xác định lại là 00 giờ 30, ngày 11/12/2026." in render("transferred", context, HANOI).text


@pytest.mark.parametrize(
    ("kind", "missing"),
    [
        ("refused", "reason"),
        ("transferred", "from_unit_name"),
        ("transferred", "reason"),
        ("assigned", "assigned_by_name"),
        ("approval", "draft_by_name"),
        ("approval", "answer"),
        ("cooperation", "lead_unit_name"),
        ("cooperation", "coop_unit_name"),
        ("cooperation", "request"),
        ("cooperation", "coop_due_at"),
        ("contribution", "coop_unit_name"),
        ("contribution", "contribution"),
        ("coop_reminder", "staff_url"),
        ("coop_overdue", "staff_url"),
        ("reopened_citizen", "reason"),
    ],
)
def test_a_missing_key_is_an_error(kind, missing) -> None:
    context = {key: value for key, value in CONTEXTS[kind].items() if key != missing}
    with pytest.raises(UndefinedError, match=missing):
        render(kind, context, HANOI)


def test_coop_steps_need_no_parent_unit_nor_days_late() -> None:
    context = {k: v for k, v in COOP_STEP.items() if k not in ("parent_unit_name", "days_late")}
    for kind in ("coop_reminder", "coop_overdue"):
        assert "Hạn gửi ý kiến phối hợp: 16 giờ 59, ngày 27/11/2026" in render(kind, context, HANOI).text


NEW_ITEM = {**STAFF, "severity": "urgent", "severity_name": "Khẩn"}


def test_new_item_without_transfer_is_unchanged() -> None:
    rendered = render("new_item", NEW_ITEM, HANOI)
    assert rendered.subject == f"[{CODE}] KHẨN: Phản ánh, kiến nghị mới giao đơn vị xử lý: {TITLE}"
    assert "chuyển đến từ" not in rendered.text and "chuyển đến từ" not in rendered.html
    assert "Lý do chuyển" not in rendered.text and "Lý do chuyển" not in rendered.html
    assert "được giao tiếp nhận, xử lý phản ánh, kiến nghị mới dưới đây.\nMức độ: Khẩn" in rendered.text
    # An empty from_unit_name (a SQL COALESCE) counts as no transfer.
    empty = render("new_item", {**NEW_ITEM, "from_unit_name": "", "transfer_reason": ""}, HANOI)
    assert empty.text == rendered.text and empty.html == rendered.html


def test_new_item_after_a_transfer_says_where_from_and_why() -> None:
    context = {
        **NEW_ITEM,
        "unit_name": "Sở Xây dựng Hà Nội",
        "from_unit_name": "UBND phường Hà Đông",
        "transfer_reason": "Tuyến đường do Sở <Xây dựng> quản lý",
    }
    rendered = render("new_item", context, HANOI)
    assert (
        "Ủy ban nhân dân phường Hà Đông đã chuyển đến Sở Xây dựng Hà Nội phản ánh, kiến nghị" in rendered.text
    )
    assert "Lý do chuyển: Tuyến đường do Sở <Xây dựng> quản lý" in rendered.text
    assert "Đơn vị xử lý: Sở Xây dựng Hà Nội" in rendered.text
    assert "Mức độ: Khẩn" in rendered.text
    seen = visible(rendered.html)
    assert "Ủy ban nhân dân phường Hà Đông đã chuyển đến Sở Xây dựng Hà Nội" in seen
    assert "Lý do chuyển: Tuyến đường do Sở <Xây dựng> quản lý" in seen
    assert "Sở &lt;Xây dựng&gt;" in rendered.html
    # Without a reason only the origin is shown.
    no_reason = render("new_item", {**NEW_ITEM, "from_unit_name": "UBND phường Hà Đông"}, HANOI)
    assert "Ủy ban nhân dân phường Hà Đông đã chuyển đến" in no_reason.text
    assert "Lý do chuyển" not in no_reason.text and "Lý do chuyển" not in no_reason.html


def test_a_refused_extension_tells_the_officer_why_and_keeps_the_deadline() -> None:
    context = {**CONTEXTS["extension_decided"], "approved": False, "due_at": ITEM["due_at"],
               "reason": "Đủ thông tin để trả lời\n<b>đúng hạn</b>"}  # fmt: skip
    rendered = render("extension_decided", context, HANOI)
    assert rendered.subject == f"[{CODE}] Đề nghị gia hạn không được phê duyệt: {TITLE}"
    assert "Phạm Minh Cường không phê duyệt đề nghị gia hạn" in rendered.text
    assert (
        "thời hạn trả lời giữ nguyên" in rendered.text
        and "Hạn trả lời: 16 giờ 59, ngày 04/12/2026" in rendered.text
    )
    assert "Lý do: Đủ thông tin để trả lời\n<b>đúng hạn</b>" in rendered.text
    assert "Đủ thông tin để trả lời<br>\n&lt;b&gt;đúng hạn&lt;/b&gt;" in rendered.html
    assert "Hạn trả lời mới" not in rendered.text and "Phiếu xin lỗi" not in rendered.text


def test_the_reminder_says_an_extension_must_be_asked_today() -> None:
    """Sent on the working day before the deadline's last day (SPEC §4): that day and the last day are
    left, and an extension may still be asked, at the latest that day."""
    rendered = render("reminder", {**STAFF, "officer_name": "Nguyễn Văn An", "days_late": 0}, HANOI)
    assert rendered.subject == f"[{CODE}] Nhắc việc: còn 1 ngày làm việc đến hạn trả lời"
    text = " ".join(rendered.text.split())
    assert "hạn trả lời là 16 giờ 59, ngày 04/12/2026, còn 1 ngày làm việc" in text
    assert "Nếu cần gia hạn, hôm nay là ngày cuối cùng có thể gia hạn" in text
    assert "Nếu cần gia hạn, hôm nay là ngày cuối cùng có thể gia hạn" in visible(rendered.html)
