"""The dialogue conference mails (questions to answer, publication of the results) render in Vietnamese."""

from __future__ import annotations

import re
from html import unescape

import pytest

from notifications.render import KINDS, render
from tests.notifications.support import HANOI

TITLE = "Hội nghị đối thoại với Nhân dân phường Hà Đông năm 2026"
CONFERENCE = {
    "conference_title": TITLE,
    "starts_at": "2026-12-03T01:00:00+00:00",  # 08:00 03/12/2026 in Hanoi
    "place": "Hội trường UBND phường Hà Đông",
    "unit_name": "UBND phường Hà Đông",
    "host_unit_name": "UBND phường Hà Đông",
    "staff_url": "https://pakn.test/staff/questions#q-7-1",
}
STEP = {
    **CONFERENCE,
    "number": 4,
    "text": "Khi nào sửa đèn đường ngõ 5?\nĐèn hỏng đã lâu.",
    "due_at": "2026-12-02T16:59:59+00:00",  # 23:59 02/12/2026 in Hanoi
    "days_late": 0,
}
PUBLISH = {**STEP, "number": 0, "text": "", "due_at": "2026-12-14T16:59:59+00:00"}

CASES = [
    (
        "question_assigned",
        {
            **CONFERENCE,
            "unit_name": "Phòng Kinh tế phường Hà Đông",
            "questions": [
                {"number": 4, "text": "Khi nào sửa đèn <đường>?", "due_at": "2026-12-02T16:59:59+00:00"}
            ],
            "count": 1,
        },
        f"Giao chuẩn bị trả lời câu hỏi hội nghị đối thoại: {TITLE}",
        [
            "Kính gửi: Phòng Kinh tế phường Hà Đông\n",
            "Câu hỏi số 4 (hạn trả lời: hết ngày 02/12/2026)",
            "Thời gian tổ chức: 08 giờ 00, ngày 03/12/2026",
        ],
        "Khi nào sửa đèn <đường>?",
    ),
    (
        "question_reminder",
        STEP,
        f"Nhắc việc: còn 1 ngày làm việc đến hạn trả lời câu hỏi số 4: {TITLE}",
        [
            "có hạn trả lời là hết ngày 02/12/2026 (còn 1 ngày làm việc)",
            "Câu hỏi số 4 của hội nghị đối thoại",
        ],
        "Khi nào sửa đèn đường ngõ 5? Đèn hỏng đã lâu.",
    ),
    (
        "question_overdue",
        STEP,
        f"Quá hạn trả lời câu hỏi số 4 của hội nghị đối thoại: {TITLE}",
        ["đã quá hạn (hạn trả lời: hết ngày 02/12/2026)", "Kính gửi: Ủy ban nhân dân phường Hà Đông\n"],
        "đã quá hạn (hạn trả lời: hết ngày 02/12/2026)",
    ),
    (
        "publish_reminder",
        PUBLISH,
        f"Nhắc việc: còn 1 ngày làm việc đến hạn công bố kết quả hội nghị đối thoại: {TITLE}",
        [
            "trong thời hạn 10 ngày kể từ ngày tổ chức hội nghị",
            "hạn công bố là hết ngày 14/12/2026 (còn 1 ngày làm việc).",
        ],
        "hạn công bố là hết ngày 14/12/2026",
    ),
    (
        "publish_overdue",
        PUBLISH,
        f"Quá hạn công bố kết quả hội nghị đối thoại: {TITLE}",
        ["đã quá hạn công bố (hạn công bố: hết ngày 14/12/2026)"],
        "đã quá hạn công bố (hạn công bố: hết ngày 14/12/2026)",
    ),
    (
        "publish_escalate",
        {**PUBLISH, "unit_name": "Văn phòng UBND Thành phố", "days_late": 2},
        f"Quá hạn công bố kết quả hội nghị đối thoại từ 2 ngày làm việc trở lên: {TITLE}",
        [
            "Kính gửi: Văn phòng Ủy ban nhân dân Thành phố\n",
            "đã quá hạn công bố 2 ngày làm việc",
            "đôn đốc Ủy ban nhân dân phường Hà Đông",
        ],
        "đã quá hạn công bố 2 ngày làm việc",
    ),
]
CONFERENCE_KINDS = {case[0] for case in CASES}


def visible(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_every_conference_kind_is_known() -> None:
    assert CONFERENCE_KINDS <= KINDS


@pytest.mark.parametrize(
    ("kind", "context", "subject", "phrases", "in_html"), CASES, ids=[c[0] for c in CASES]
)
def test_each_conference_kind_renders_text_and_html(kind, context, subject, phrases, in_html) -> None:
    rendered = render(kind, context, HANOI)

    assert rendered.subject == subject
    for phrase in phrases:
        assert phrase in rendered.text, phrase
    assert rendered.text.rstrip().endswith("vui lòng không trả lời trực tiếp thư này.")
    assert in_html in visible(rendered.html)
    assert 'href="https://pakn.test/staff/questions#q-7-1"' in rendered.html
    assert "https://pakn.test/staff/questions#q-7-1" in rendered.text


def test_question_text_is_escaped_in_html() -> None:
    html = render("question_reminder", {**STEP, "text": "<script>alert(1)</script>"}, HANOI).html
    assert "&lt;script&gt;" in html and "<script>" not in html
