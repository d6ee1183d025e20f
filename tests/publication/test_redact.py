"""Redaction tables: what must be hidden in every common written form, and what must survive."""

from __future__ import annotations

import unicodedata

import pytest

from feedback.publication.redact import ADDRESS_MASK, EMAIL_MASK, ID_MASK, PHONE_MASK, initials, mask_text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Nguyễn Văn An", "N.V.A."),
        ("  nguyễn   văn  an ", "N.V.A."),  # extra spaces, lower case
        ("An", "A."),
        ("", ""),
        ("   ", ""),
        ("Đặng Thị Hồng", "Đ.T.H."),  # Đ is a letter of its own
        ("Lê Ánh", "L.A."),  # tone marks go
        ("Ứng Văn Ân", "Ư.V.Â."),  # letter marks stay
        ("H'Hen Niê", "H.N."),  # an Ê Đê name: the apostrophe belongs to the word
        (unicodedata.normalize("NFD", "Ông Thị Ẩn"), "Ô.T.Â."),  # decomposed input
        ("Nguyễn Văn An 2", "N.V.A."),  # digits are not part of a name
    ],
)
def test_initials(name: str, expected: str) -> None:
    assert initials(name) == expected


PHONES = [
    "0912345678",
    "0912 345 678",
    "0912.345.678",
    "0912-345-678",
    "091-234-5678",
    "091 234 5678",
    "+84 912 345 678",
    "+84912345678",
    "+84-912-345-678",
    "(+84) 912 345 678",
    "+84 (0) 912 345 678",
    "+84 0912 345 678",
    "0084 912 345 678",
    "84912345678",
    "0387654321",  # Viettel 03x
    "024 3825 3536",  # Hà Nội landline
    "(024) 38253536",
    "(024) 3825 3536",
    "024.3825.3536",
    "02438253536",
    "+84 24 3825 3536",
    "0203 3825 353",  # four-digit area code (Quảng Ninh)
]


@pytest.mark.parametrize("phone", PHONES)
def test_phone_numbers_are_masked_in_every_written_form(phone: str) -> None:
    assert mask_text(f"Liên hệ {phone} để biết thêm.") == f"Liên hệ {PHONE_MASK} để biết thêm."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SĐT:0912345678.", f"SĐT:{PHONE_MASK}."),
        ("(0912345678)", f"({PHONE_MASK})"),
        ("gọi 0912 345 678 2 lần", f"gọi {PHONE_MASK} 2 lần"),
        ("0912345678/0987654321", f"{PHONE_MASK}/{PHONE_MASK}"),
        ("0912345678, 024 3825 3536", f"{PHONE_MASK}, {PHONE_MASK}"),
    ],
)
def test_phone_numbers_in_context(text: str, expected: str) -> None:
    assert mask_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gửi an@example.vn nhé", f"Gửi {EMAIL_MASK} nhé"),
        ("Thư: An.Nguyen+pakn@Mail.Example.com.vn.", f"Thư: {EMAIL_MASK}."),
        ("an0912345678@gmail.com", EMAIL_MASK),  # the digits are part of the address, not a phone
        ("an [at] gmail.com", EMAIL_MASK),
        ("nguyễn.an@hanoi.gov.vn", EMAIL_MASK),
    ],
)
def test_email_addresses_are_masked(text: str, expected: str) -> None:
    assert mask_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CCCD 001099012345", f"CCCD {ID_MASK}"),
        ("CCCD số 001 099 012 345 cấp ngày 12/11/2021", f"CCCD số {ID_MASK} cấp ngày 12/11/2021"),
        ("CCCD 0010.9901.2345", f"CCCD {ID_MASK}"),
        ("CMND 012345678", f"CMND {ID_MASK}"),
        ("hộ chiếu B1234567.", f"hộ chiếu {ID_MASK}."),
        ("hộ chiếu số c7654321", f"hộ chiếu số {ID_MASK}"),
        ("STK 19034567890123 tại ngân hàng", f"STK {ID_MASK} tại ngân hàng"),
    ],
)
def test_id_numbers_are_masked(text: str, expected: str) -> None:
    assert mask_text(text) == expected


KEPT = [
    "ngày 12/11/2026",
    "ngày 05-11-2026 08:30",
    "lúc 09 giờ ngày 05.11.2026",
    "1.500.000 đồng",
    "2.090.000.000 đồng",
    "1.093.456.789 đồng",
    "150000000 đồng",
    "150000000đ",
    "3000000000 VNĐ",
    "số 12 ngõ 34",
    "nhà số 5, ngách 12/34, ngõ 56",
    "mã PAKN.20261123.0001",
    "mã PAKN.20260912.3456",
    "Nghị định 13/2023/NĐ-CP",
    "Luật 91/2025/QH15",
    "Quyết định 0912/QĐ-UBND",
    "biển số 29A-123.45",
    "năm 2020-2025, 120 hộ dân, 35 m2",
    "diện tích 12.345,6 m2",
    "email, điện thoại",
]


@pytest.mark.parametrize("text", KEPT)
def test_what_is_not_personal_is_kept(text: str) -> None:
    assert mask_text(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tôi là Nguyễn Văn An, ở Hà Đông.", "Tôi là N.V.A., ở Hà Đông."),
        ("ông NGUYỄN VĂN AN", "ông N.V.A."),
        ("ông nguyen van an và bà Nguyen  Van\nAn", "ông N.V.A. và bà N.V.A."),
        ("ông Nguyễn Văn Anh", "ông N.V.A."),  # another person: masked as a third person's name
        ("an toàn, an ninh", "an toàn, an ninh"),
        (unicodedata.normalize("NFD", "Tôi là Nguyễn Văn An"), "Tôi là N.V.A."),
    ],
)
def test_the_citizens_name_becomes_initials(text: str, expected: str) -> None:
    assert mask_text(text, names=["Nguyễn Văn An"]) == expected


def test_the_citizens_name_is_matched_as_whole_words() -> None:
    # Without the masking of other people's names, only the citizen's own name goes.
    assert mask_text("ông Nguyễn Văn Anh", names=["Nguyễn Văn An"], others=False) == "ông Nguyễn Văn Anh"
    assert mask_text("ông Nguyễn Văn An", names=["Nguyễn Văn An"], others=False) == "ông N.V.A."


def test_a_one_word_name_is_masked_only_where_capitalised() -> None:
    assert mask_text("Bà Hoa nói: hoa nở đẹp.", names=["Hoa"]) == "Bà H. nói: hoa nở đẹp."


def test_several_names_longest_first() -> None:
    text = "Nguyễn Văn An và An gửi chung."
    assert mask_text(text, names=["An", "Nguyễn Văn An"]) == "N.V.A. và A. gửi chung."


@pytest.mark.parametrize(
    ("address", "text", "expected"),
    [
        ("Số 7 ngõ 89 Lê Trọng Tấn", "Nhà tôi ở số 7, ngõ 89 Lê Trọng Tấn.", f"Nhà tôi ở {ADDRESS_MASK}."),
        ("Số 7 ngõ 89 Lê Trọng Tấn", "so 7 ngo 89 le trong tan", ADDRESS_MASK),
        ("Hà Đông", "Rác ở Hà Đông", "Rác ở Hà Đông"),  # too vague to identify anyone
        ("", "Rác ở Hà Đông", "Rác ở Hà Đông"),
    ],
)
def test_the_citizens_own_address_is_masked(address: str, text: str, expected: str) -> None:
    assert mask_text(text, addresses=[address]) == expected


def test_everything_at_once() -> None:
    text = (
        "Tôi là Trần Thị Bích (CCCD 001199012345), điện thoại 0987.654.321, email bich@example.vn. "
        "Ngày 12/11/2026 tôi đã nộp 1.500.000 đồng theo Nghị định 13/2023/NĐ-CP, mã PAKN.20261123.0001."
    )
    assert mask_text(text, names=["Trần Thị Bích"]) == (
        f"Tôi là T.T.B. (CCCD {ID_MASK}), điện thoại {PHONE_MASK}, email {EMAIL_MASK}. "
        "Ngày 12/11/2026 tôi đã nộp 1.500.000 đồng theo Nghị định 13/2023/NĐ-CP, mã PAKN.20261123.0001."
    )


def test_masking_is_idempotent() -> None:
    once = mask_text("Nguyễn Văn An, 0912345678, an@example.vn, 001099012345", names=["Nguyễn Văn An"])
    assert mask_text(once, names=["Nguyễn Văn An"]) == once
