"""How a unit classifies an item it receives, and the grounds on which it may refuse one (SPEC §2), as
data with their legal basis. Pure; the casework actions, the API's reference list, the staff page's
selects and the refusal letter all read them from here.

Sources (checked against the published texts):
- Nghị định số 20/2008/NĐ-CP ngày 14/02/2008 của Chính phủ về tiếp nhận, xử lý phản ánh, kiến nghị của
  cá nhân, tổ chức về quy định hành chính: Điều 1 (phạm vi: "Nghị định này không quy định về khiếu nại,
  tố cáo và giải quyết khiếu nại, tố cáo"), khoản 1 Điều 3 (quy định hành chính là gì), Điều 7 (yêu cầu
  đối với phản ánh, kiến nghị: bằng văn bản — khoản 1, bằng điện thoại — khoản 2: sử dụng tiếng Việt
  (điểm b), thể hiện rõ nội dung (điểm c), ghi rõ tên, địa chỉ, số điện thoại hoặc địa chỉ thư tín
  (điểm d));
- Nghị định số 92/2017/NĐ-CP ngày 07/8/2017, khoản 3 Điều 2: sửa đổi, bổ sung Điều 7, thêm yêu cầu đối
  với phản ánh, kiến nghị bằng thông điệp dữ liệu (khoản 4: tiếng Việt có dấu theo TCVN 6909:2001, rõ
  nội dung, tên, địa chỉ, số điện thoại, địa chỉ thư điện tử hoặc địa chỉ thư tín);
- Luật Khiếu nại số 02/2011/QH13: khoản 1 Điều 2 (khiếu nại là gì), Điều 7 (khiếu nại lần đầu đến
  người đã ra quyết định hành chính hoặc cơ quan có người có hành vi hành chính, hoặc khởi kiện vụ án
  hành chính tại Tòa án);
- Luật Tố cáo số 25/2018/QH14: khoản 1 Điều 2 (tố cáo là gì), Điều 22 (tố cáo bằng đơn hoặc trình bày
  trực tiếp tại cơ quan, tổ chức có thẩm quyền).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

ND20 = "Nghị định số 20/2008/NĐ-CP"
ND92 = "Nghị định số 92/2017/NĐ-CP"
# Điều 7 in force: the decree's own clauses 1–2 and clause 4 that Nghị định 92/2017 added.
ART7 = f"Điều 7 {ND20}, được sửa đổi, bổ sung bởi khoản 3 Điều 2 {ND92}"


class Classification(StrEnum):
    AUTHORITY = "authority"  # about administrative regulations, within the receiving unit's authority
    CONDUCT = "conduct"  # about officials' conduct in applying them (delay, trouble, not applying)
    COMPLAINT = "complaint"  # khiếu nại: another procedure (Luật Khiếu nại)
    DENUNCIATION = "denunciation"  # tố cáo: another procedure (Luật Tố cáo)


CLASSIFICATION_NAMES: dict[str, str] = {
    Classification.AUTHORITY: "thuộc thẩm quyền",
    Classification.CONDUCT: "hành vi hành chính của cán bộ, công chức",
    Classification.COMPLAINT: "khiếu nại",
    Classification.DENUNCIATION: "tố cáo",
}
# What a unit may take on under Nghị định 20/2008; a complaint or denunciation is refused with its ground,
# which tells the citizen the procedure that applies.
ACCEPTED_CLASSIFICATIONS: tuple[str, ...] = (Classification.AUTHORITY, Classification.CONDUCT)
# The owner's contact, as Điều 7 asks it: the address is required; a phone or an e-mail is optional, and
# without them the answer goes by post to that address.
CONTACT_BASIS = f"điểm d khoản 1, điểm d khoản 2 và khoản 4 {ART7}"


class Ground(StrEnum):
    NOT_VIETNAMESE = "not_vietnamese"
    UNCLEAR = "unclear"
    NO_CONTACT = "no_contact"
    NOT_REGULATION = "not_regulation"
    COMPLAINT = "complaint"
    DENUNCIATION = "denunciation"


@dataclass(frozen=True)
class RefusalGround:
    code: str
    text: str  # what the citizen reads: "the item is not taken on because …"
    basis: str  # the citation
    procedure: str = ""  # for a complaint or denunciation: which procedure applies and where to file
    classification: str = ""  # what the refusal classifies the item as ("" leaves it unset)


REFUSAL_GROUNDS: dict[str, RefusalGround] = {
    g.code: g
    for g in (
        RefusalGround(
            Ground.NOT_VIETNAMESE,
            "Phản ánh, kiến nghị không sử dụng ngôn ngữ tiếng Việt",
            f"điểm b khoản 1, điểm b khoản 2 và khoản 4 {ART7}",
        ),
        RefusalGround(
            Ground.UNCLEAR,
            "Nội dung phản ánh, kiến nghị không rõ ràng",
            f"điểm c khoản 1, điểm c khoản 2 và khoản 4 {ART7}",
        ),
        RefusalGround(
            Ground.NO_CONTACT,
            "Phản ánh, kiến nghị không ghi rõ tên, địa chỉ, số điện thoại hoặc địa chỉ thư tín của cá nhân,"
            " tổ chức phản ánh, kiến nghị",
            CONTACT_BASIS,
        ),
        RefusalGround(
            Ground.NOT_REGULATION,
            "Nội dung không phải là phản ánh, kiến nghị về quy định hành chính (cơ chế, chính sách, thủ tục"
            " hành chính liên quan đến hoạt động kinh doanh, đời sống nhân dân)",
            f"Điều 1 và khoản 1 Điều 3 {ND20}",
        ),
        RefusalGround(
            Ground.COMPLAINT,
            "Nội dung là khiếu nại, được giải quyết theo thủ tục của Luật Khiếu nại, không thuộc phạm vi"
            f" tiếp nhận, xử lý phản ánh, kiến nghị theo {ND20}",
            f"Điều 1 {ND20}; khoản 1 Điều 2 và Điều 7 Luật Khiếu nại số 02/2011/QH13",
            "Theo Điều 7 Luật Khiếu nại số 02/2011/QH13, Ông/Bà khiếu nại lần đầu đến người đã ban hành"
            " quyết định hành chính hoặc cơ quan có người có hành vi hành chính bị khiếu nại, hoặc khởi"
            " kiện vụ án hành chính tại Tòa án theo quy định của Luật Tố tụng hành chính.",
            Classification.COMPLAINT,
        ),
        RefusalGround(
            Ground.DENUNCIATION,
            "Nội dung là tố cáo, được giải quyết theo thủ tục của Luật Tố cáo, không thuộc phạm vi tiếp"
            f" nhận, xử lý phản ánh, kiến nghị theo {ND20}",
            f"Điều 1 {ND20}; khoản 1 Điều 2 và Điều 22 Luật Tố cáo số 25/2018/QH14",
            "Theo Điều 22 Luật Tố cáo số 25/2018/QH14, Ông/Bà gửi đơn tố cáo hoặc trình bày trực tiếp"
            " tại cơ quan, tổ chức có thẩm quyền giải quyết tố cáo đối với hành vi vi phạm pháp luật"
            " bị tố cáo.",
            Classification.DENUNCIATION,
        ),
    )
}


def refusal_context(code: str) -> dict[str, str]:
    """The refusal letter's words for a ground: its text, its basis and, for a complaint or a
    denunciation, the procedure that applies (empty otherwise). An unknown code (a refusal from before
    grounds were recorded) gives empty words: the letter then shows only the officer's reason."""
    ground = REFUSAL_GROUNDS.get(code)
    if ground is None:
        return {"refusal_ground": "", "refusal_basis": "", "refusal_procedure": ""}
    return {
        "refusal_ground": ground.text,
        "refusal_basis": ground.basis,
        "refusal_procedure": ground.procedure,
    }
