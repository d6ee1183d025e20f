"""The text of an item's official documents. Pure: plain data in, a layout.Letter out.

- The apology: Mẫu số 04 "Phiếu xin lỗi và hẹn lại ngày trả kết quả" of Thông tư 01/2018/TT-VPCP
  (23/11/2018, hướng dẫn Nghị định 61/2018/NĐ-CP on the one-stop mechanism): the unit apologises to
  the citizen, names the receipt (code and date), the field, the date that was due, the reason, and
  gives the new date.
- The answer to a citizen who wrote by post or gave no e-mail: a công văn "V/v trả lời phản ánh, kiến
  nghị" carrying the unit's answer.

Both in the layout of Nghị định 30/2020/NĐ-CP, Phụ lục I (layout.py). An Ủy ban nhân dân heads its
documents with its own name alone, without a superior body (Phụ lục I, mục III.3); other units name
their superior body above their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from feedback.documents.layout import Letter, Signature, long_date

APOLOGY_TITLE = "Phiếu xin lỗi và hẹn lại ngày trả kết quả"
ANSWER_SUMMARY = "V/v trả lời phản ánh, kiến nghị"
# Units led collectively (Ủy ban nhân dân): the head signs "TM." (thay mặt) the committee.
COLLECTIVE_KINDS = frozenset({"city", "commune"})
# Heads' titles as they start the unit's `head_name` ("Giám đốc Sở Nội vụ"); longest first.
POSITIONS = ("Chánh Văn phòng", "Chánh Thanh tra", "Trưởng phòng", "Chủ tịch", "Giám đốc", "Trưởng ban")


@dataclass(frozen=True)
class Issuer:
    """The unit that issues the document, and what its header needs."""

    name: str  # as in running text: "UBND phường Hà Đông"
    kind: str  # directory.models.UnitKind
    head_title: str  # the unit's `head_name`: "Chủ tịch UBND phường Hà Đông"
    parent: str = ""  # the superior unit's name
    place: str = ""  # "Hà Đông": the date line's place


@dataclass(frozen=True)
class Apology:
    issuer: Issuer
    number: str
    issued_on: date
    citizen_name: str
    code: str
    received_on: date
    category: str  # '' when the item has no field yet
    title: str
    original_due: date  # the date that was due
    reason: str
    promised_day: date
    late: bool  # the date has passed (overdue) rather than will not be met (extension)
    signer_name: str = ""


@dataclass(frozen=True)
class Answer:
    issuer: Issuer
    number: str
    issued_on: date
    citizen_name: str
    code: str
    received_on: date
    title: str
    answer: str
    signer_name: str = ""


@dataclass(frozen=True)
class Receipt:
    """The receipt a one-stop desk hands to a citizen who brought, posted or phoned in an item."""

    issuer: Issuer  # the desk's unit
    number: str
    received_on: date
    received: str  # "09 giờ 30, ngày 20/11/2026"
    citizen_name: str
    code: str
    channel: str  # "Bưu chính"
    title: str
    unit: str  # the unit the item went to, in running text
    due: str  # "hết ngày 04/12/2026"
    track_at: str  # the tracking page's address
    contact: str  # what the citizen tracks with besides the code ("số điện thoại đã khai"); '' by post only
    desk_officer: str


RECEIPT_TITLE = "Phiếu tiếp nhận phản ánh, kiến nghị"


def receipt_letter(r: Receipt) -> Letter:
    return Letter(
        issuer=_header(r.issuer)["issuer"],
        parent=_header(r.issuer)["parent"],
        number=r.number,
        place=r.issuer.place,
        day=r.received_on,
        title=RECEIPT_TITLE,
        addressee=f"Ông/Bà {r.citizen_name}".strip(),
        paragraphs=(
            f"{r.issuer.name} đã tiếp nhận phản ánh, kiến nghị của Ông/Bà như sau:",
            f"Mã số phản ánh, kiến nghị: {r.code}\n"
            f"Thời điểm tiếp nhận: {r.received}\n"
            f"Hình thức tiếp nhận: {r.channel}\n"
            f"Nội dung: “{_sentence(r.title)}”\n"
            f"Đơn vị xử lý: {r.unit}\n"
            f"Hạn trả lời: {r.due}",
            f"Ông/Bà theo dõi tình hình xử lý tại {r.track_at} bằng mã số phản ánh, kiến nghị trên và "
            f"{r.contact}."
            if r.contact
            else f"Văn bản trả lời được gửi qua đường bưu chính đến địa chỉ Ông/Bà đã khai; Ông/Bà cũng có thể "
            f"liên hệ {r.issuer.name} và nêu mã số phản ánh, kiến nghị trên để biết tình hình xử lý.",
            "Đề nghị Ông/Bà giữ phiếu này để tra cứu và đối chiếu khi cần thiết./.",
        ),
        signature=Signature(title="Người tiếp nhận", name=r.desk_officer, note="(Ký, ghi rõ họ tên)"),
        recipients=("Người phản ánh, kiến nghị;", "Lưu: Bộ phận Một cửa."),
    )


def receipt_number(code: str) -> str:
    """The receipt's number and symbol: the item's receipt number, "PTN" (phiếu tiếp nhận)."""
    return f"{code.removeprefix('PAKN.')}/PTN"


def official_name(name: str) -> str:
    """The body's name as a header writes it: "UBND" in full, the committee on its own line."""
    name = " ".join(name.split())
    for committee in ("UBND ", "Ủy ban nhân dân "):
        if name.startswith(committee):
            return "Ủy ban nhân dân\n" + name.removeprefix(committee)
    return name.replace("UBND", "Ủy ban nhân dân")


def signature(issuer: Issuer, signer_name: str) -> Signature:
    """The signature block: "TM. Ủy ban nhân dân" over the title for a committee, else the title."""
    title = next(
        (p for p in POSITIONS if issuer.head_title.lower().startswith(p.lower())),
        issuer.head_title or "Thủ trưởng đơn vị",
    )
    authority = "TM. Ủy ban nhân dân" if issuer.kind in COLLECTIVE_KINDS else ""
    return Signature(title=title, name=signer_name, authority=authority)


def _header(issuer: Issuer) -> dict[str, str]:
    collective = issuer.kind in COLLECTIVE_KINDS
    return {
        "issuer": official_name(issuer.name),
        "parent": "" if collective or not issuer.parent else official_name(issuer.parent).replace("\n", " "),
        "place": issuer.place,
    }


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _sentence(text: str) -> str:
    """The officer's words as one sentence: trimmed, without a doubled final stop."""
    return " ".join(text.split()).rstrip(" .;")


def apology_letter(a: Apology) -> Letter:
    unit = a.issuer.name
    field = f" thuộc lĩnh vực {a.category}" if a.category else ""
    facts = (
        f"Ngày {_d(a.received_on)}, {unit} đã tiếp nhận phản ánh, kiến nghị của Ông/Bà{field}, "
        f"mã số {a.code}, nội dung: “{_sentence(a.title)}”. Thời hạn trả lời theo quy định là ngày "
        f"{_d(a.original_due)}."
    )
    if a.late:
        delay = f"Đến nay, {unit} chưa trả kết quả giải quyết phản ánh, kiến nghị của Ông/Bà đúng thời hạn nêu trên."
    else:
        delay = (
            f"{unit} không thể trả kết quả giải quyết phản ánh, kiến nghị của Ông/Bà đúng thời hạn nêu trên."
        )
    return Letter(
        issuer=_header(a.issuer)["issuer"],
        parent=_header(a.issuer)["parent"],
        number=a.number,
        place=a.issuer.place,
        day=a.issued_on,
        title=APOLOGY_TITLE,
        addressee=f"Ông/Bà {a.citizen_name}".strip(),
        paragraphs=(
            facts,
            f"{delay} Lý do: {_sentence(a.reason)}.",
            f"Sự chậm trễ này đã gây phiền hà cho Ông/Bà. {unit} thành thật xin lỗi Ông/Bà và hẹn trả kết "
            f"quả giải quyết vào {long_date(a.promised_day)}.",
            "Rất mong nhận được sự thông cảm của Ông/Bà./.",
        ),
        signature=signature(a.issuer, a.signer_name),
    )


def answer_letter(a: Answer) -> Letter:
    unit = a.issuer.name
    # The officer's paragraphs as written; blank lines and single breaks both end a paragraph.
    answer = tuple(p.strip() for p in re.split(r"\n\s*\n|\n", a.answer) if p.strip())
    return Letter(
        issuer=_header(a.issuer)["issuer"],
        parent=_header(a.issuer)["parent"],
        number=a.number,
        place=a.issuer.place,
        day=a.issued_on,
        title="",
        summary=ANSWER_SUMMARY,
        addressee=f"Ông/Bà {a.citizen_name}".strip(),
        paragraphs=(
            f"Ngày {_d(a.received_on)}, {unit} nhận được phản ánh, kiến nghị của Ông/Bà, mã số {a.code}, "
            f"nội dung: “{_sentence(a.title)}”. Sau khi xem xét, {unit} trả lời như sau:",
            *answer,
            f"{unit} trân trọng thông báo để Ông/Bà được biết./.",
        ),
        signature=signature(a.issuer, a.signer_name),
    )


def apology_number(code: str, promise_no: int) -> str:
    """The apology's number and symbol: the item's receipt number and the apology's order, "PXL"
    (phiếu xin lỗi) as its kind: "20261105.0001-1/PXL"."""
    return f"{code.removeprefix('PAKN.')}-{promise_no}/PXL"


def answer_number(code: str) -> str:
    """The answer's number and symbol: the item's receipt number, "TL-PAKN" as its kind."""
    return f"{code.removeprefix('PAKN.')}/TL-PAKN"
