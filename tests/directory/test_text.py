import json
from importlib.resources import files

import pytest

from feedback.text import fold, normalize_phone, suggest_category

# The project's own category list; suggest_category folds the keywords, so raw ones work too.
CATEGORIES_JSON = files("feedback.directory") / "data" / "categories.json"
CATEGORIES = [(c["code"], "|".join(c["keywords"])) for c in json.loads(CATEGORIES_JSON.read_text("utf-8"))]


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Hà Đông", "ha dong"),
        ("ha dong", "ha dong"),
        ("  HÀ   ĐÔNG\t\n", "ha dong"),
        ("đường Nguyễn Trãi", "duong nguyen trai"),
        ("Ứng Hòa, Ứng Thiên", "ung hoa, ung thien"),
        ("Phường Văn Miếu - Quốc Tử Giám", "phuong van mieu - quoc tu giam"),
        ("Hòa", "hoa"),
        ("Hoà", "hoa"),  # old-style tone placement folds the same
        ("", ""),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


COMPLAINTS = [
    ("Rác thải ùn ứ nhiều ngày ở đầu ngõ 20 phố Trần Phú, bốc mùi hôi thối", "moi-truong"),
    ("Xưởng sản xuất xả nước thải thẳng ra mương, cá chết hàng loạt", "moi-truong"),
    ("Đường Quang Trung có nhiều ổ gà rất nguy hiểm cho người đi xe máy", "giao-thong"),
    ("Đèn đường trong ngõ 45 bị hỏng cả tuần nay, buổi tối rất tối", "ha-tang-do-thi"),
    ("Cứ mưa to là ngập úng, nắp hố ga bị vỡ", "ha-tang-do-thi"),
    ("Quán nước lấn chiếm vỉa hè, người đi bộ phải đi xuống lòng đường", "trat-tu-do-thi"),
    ("Nhà số 12 xây dựng trái phép thêm 2 tầng, cơi nới ra ngoài", "xay-dung-quy-hoach"),
    ("Tôi đi làm giấy khai sinh cho con đã 5 ngày chưa được cấp", "tu-phap-ho-tich"),
    ("Đăng ký tạm trú cho người thuê trọ phải làm thế nào?", "cu-tru-can-cuoc"),
    ("Công ty nợ bảo hiểm xã hội của người lao động 6 tháng nay", "lao-dong-bhxh"),
    ("Xin hướng dẫn quyết toán thuế thu nhập cá nhân năm 2025", "thue-phi"),
    ("Hồ sơ đăng ký kinh doanh hộ kinh doanh nộp 2 tuần chưa có kết quả", "dang-ky-kinh-doanh"),
    ("Cán bộ bộ phận một cửa có thái độ hách dịch, gây khó dễ cho người dân", "thu-tuc-hanh-chinh"),
    ("Nhà hàng xóm hát karaoke đến 1 giờ sáng", "an-ninh-trat-tu"),  # "nhà hàng" here is no restaurant
    ("Trường mầm non lạm thu nhiều khoản ngoài quy định", "giao-duc"),
    ("Cửa hàng bán thực phẩm không rõ nguồn gốc, nhiều người bị ngộ độc", "an-toan-thuc-pham"),
    ("Tranh chấp đất với hàng xóm, xin cấp sổ đỏ mãi chưa được", "dat-dai"),
    ("Mất điện liên tục 3 ngày, điện chập chờn làm hỏng đồ", "cong-thuong"),
    ("Dịch tả lợn châu Phi xuất hiện ở thôn, chưa thấy tiêu hủy", "nong-nghiep"),
    ("Trạm y tế phường thiếu vắc xin tiêm chủng cho trẻ", "y-te"),
]


@pytest.mark.parametrize(("text", "code"), COMPLAINTS)
def test_suggest_category_with_diacritics(text: str, code: str) -> None:
    assert suggest_category(text, CATEGORIES) == code


@pytest.mark.parametrize(("text", "code"), COMPLAINTS)
def test_suggest_category_without_diacritics(text: str, code: str) -> None:
    assert suggest_category(fold(text), CATEGORIES) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("rac thai un u o dau ngo", "moi-truong"),
        ("RAC THAI UN U", "moi-truong"),
        ("duong co nhieu o ga", "giao-thong"),
        ("lan chiem via he", "trat-tu-do-thi"),
        ("xay dung trai phep", "xay-dung-quy-hoach"),
        ("can bo thai do hach dich", "thu-tuc-hanh-chinh"),
    ],
)
def test_suggest_category_typed_without_diacritics(text: str, code: str) -> None:
    assert suggest_category(text, CATEGORIES) == code


@pytest.mark.parametrize("text", ["", "Xin chào, cảm ơn quý cơ quan", "abc xyz 123"])
def test_suggest_category_none_when_nothing_matches(text: str) -> None:
    assert suggest_category(text, CATEGORIES) is None


def test_suggest_category_matches_whole_words_and_prefers_longer_phrases() -> None:
    categories = [("a", "rac"), ("b", "rac thai|thai do"), ("c", "")]
    assert suggest_category("Racthai", categories) is None  # no partial words
    assert suggest_category("rác", categories) == "a"  # tie on score: the first listed wins
    assert suggest_category("rác thải", categories) == "b"  # a 2-word phrase outweighs 1 word
    assert suggest_category("rác", [("x", "rác\nbụi")]) == "x"  # newline-separated keywords


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("091.234.5678", "0912345678"),
        ("091-234-5678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0084 912 345 678", "0912345678"),
        ("(+84) (0)912-345-678", "0912345678"),
        ("0356789012", "0356789012"),
        ("0587654321", "0587654321"),
        ("0701234567", "0701234567"),
        ("0861234567", "0861234567"),
        ("(024) 3825 3536", "02438253536"),
        ("+84 24 3825 3536", "02438253536"),
        ("0220 3851234", "02203851234"),
        ("0243825353", "0243825353"),
        ("", None),
        (None, None),
        ("091234567", None),  # too short
        ("09123456789", None),  # too long for a mobile
        ("0112345678", None),  # no such prefix
        ("0612345678", None),
        ("0412345678", None),
        ("021234567", None),  # landline too short
        ("+1 212 555 0100", None),
        ("0912abc678", None),
        ("số 0912345678", None),
    ],
)
def test_normalize_phone(raw: str | None, phone: str | None) -> None:
    assert normalize_phone(raw) == phone
