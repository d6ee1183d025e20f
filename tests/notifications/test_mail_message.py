"""The wire format: what mail clients parse back (email.policy.default), line lengths, hostile input."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

import pytest

from notifications.message import Outgoing, compose, envelope_address, message_id
from tests.notifications.support import HANOI, NOW

LONG_UNIT = "Phòng Tài nguyên và Môi trường quận Hà Đông thành phố Hà Nội, bộ phận tiếp nhận phản ánh"
STAFF = {
    "code": "PAKN.20261123.0001",
    "title": "Ngập úng kéo dài trên đường Quang Trung sau mỗi trận mưa lớn, ảnh hưởng việc đi lại",
    "unit_name": LONG_UNIT,
    "category_name": "Hạ tầng đô thị",
    "received_at": "2026-11-23 02:00:00+00:00",
    "due_at": "2026-12-07T09:59:59+00:00",
    "severity": "urgent",
    "severity_name": "Khẩn",
    "staff_url": "https://pakn.test/staff/feedback/PAKN.20261123.0001",
}


def outgoing(**changes: object) -> Outgoing:
    row = Outgoing(
        id=1,
        key="step:42:unit",
        kind="new_item",
        to_addr="tiepnhan@hadong.hanoi.gov.vn",
        to_name=LONG_UNIT,
        thread="PAKN.20261123.0001",
        context=dict(STAFF),
    )
    for name, value in changes.items():
        setattr(row, name, value)
    return row


def parse(data: bytes) -> EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)


def test_long_vietnamese_headers_fold_within_78_columns_and_decode_intact() -> None:
    composed = compose(
        outgoing(), "Cổng tiếp nhận phản ánh, kiến nghị Hà Nội <no-reply@pakn.hanoi.test>", now=NOW, tz=HANOI
    )

    lines = composed.data.split(b"\r\n")
    assert max(len(line) for line in lines) <= 78
    assert b"\n" not in composed.data.replace(b"\r\n", b"")  # only CRLF line ends
    mail = parse(composed.data)
    assert (
        mail["Subject"]
        == f"[PAKN.20261123.0001] KHẨN: Phản ánh, kiến nghị mới giao đơn vị xử lý: {STAFF['title']}"
    )
    [to] = mail["To"].addresses
    # Python's parser adds a space where encoded words meet in a name; RFC 2047 readers do not.
    assert (" ".join(to.display_name.split()), to.addr_spec) == (LONG_UNIT, "tiepnhan@hadong.hanoi.gov.vn")
    assert (
        " ".join(mail["From"].addresses[0].display_name.split())
        == "Cổng tiếp nhận phản ánh, kiến nghị Hà Nội"
    )
    assert mail["Date"].datetime.utcoffset().total_seconds() == 7 * 3600
    assert mail["Auto-Submitted"] == "auto-generated"
    text = mail.get_body(("plain",)).get_content()
    assert "Mức độ: Khẩn" in text and "Hạn trả lời: 16 giờ 59, ngày 07/12/2026" in text
    assert "Mức độ: <strong" in mail.get_body(("html",)).get_content()


def test_the_message_id_is_stable_per_key_and_the_thread_per_item() -> None:
    first = parse(compose(outgoing(), "PAKN <a@pakn.test>", now=NOW, tz=HANOI).data)
    again = parse(compose(outgoing(), "PAKN <a@pakn.test>", now=NOW, tz=HANOI).data)
    other = parse(compose(outgoing(key="step:42:head"), "PAKN <a@pakn.test>", now=NOW, tz=HANOI).data)

    assert first["Message-ID"] == again["Message-ID"] == message_id("step:42:unit", "pakn.test")
    assert other["Message-ID"] != first["Message-ID"]
    assert other["References"] == first["References"] == "<thread.PAKN.20261123.0001@pakn.test>"
    unthreaded = parse(compose(outgoing(thread=""), "PAKN <a@pakn.test>", now=NOW, tz=HANOI).data)
    assert unthreaded["References"] is None and unthreaded["In-Reply-To"] is None


def test_a_line_break_in_a_name_cannot_add_headers() -> None:
    composed = compose(
        outgoing(to_name="Nguyễn Văn An\r\nBcc: ke-gian@example.com"), "PAKN <a@pakn.test>", now=NOW, tz=HANOI
    )
    mail = parse(composed.data)
    assert mail["Bcc"] is None
    assert mail["To"].addresses[0].addr_spec == "tiepnhan@hadong.hanoi.gov.vn"
    assert composed.envelope_to == "tiepnhan@hadong.hanoi.gov.vn"


@pytest.mark.parametrize(
    ("address", "envelope"),
    [
        (" an@example.vn ", "an@example.vn"),
        ("an@bưuđiện.vn", "an@xn--buin-1ua66gr30m.vn"),
    ],
)
def test_envelope_addresses_are_plain_ascii(address: str, envelope: str) -> None:
    assert envelope_address(address) == envelope


@pytest.mark.parametrize(
    "address",
    [
        "",
        "khong-phai-email",
        "an@example.vn\r\nRCPT TO:<x@y>",
        "a b@example.vn",
        "<an@example.vn>",
        "nguyễn@example.vn",
    ],
)
def test_addresses_we_cannot_send_to_are_refused(address: str) -> None:
    with pytest.raises(ValueError):
        envelope_address(address)
