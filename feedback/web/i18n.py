"""Vietnamese first, with an English switch.

Templates write their text in Vietnamese and pass it through `_()`; the English table maps that text
to English. Anything missing from the table stays Vietnamese, which is the language of record.
The choice is a cookie (`pakn_lang`), set by `?lang=en|vi` on any page.
"""

from __future__ import annotations

from litestar import Request

LANG_COOKIE = "pakn_lang"
LANGUAGES = ("vi", "en")

# Vietnamese text → English. Keep entries short; add the page's strings next to the page's name.
EN: dict[str, str] = {
    # layout
    "Hệ thống tiếp nhận, xử lý phản ánh, kiến nghị": "Citizen feedback and complaints service",
    "Trang chủ": "Home",
    "Gửi phản ánh": "File feedback",
    "Tra cứu": "Track",
    "Kết quả đã công khai": "Published answers",
    "Cán bộ": "Staff",
    "Đăng nhập": "Log in",
    "Đăng xuất": "Log out",
    "Hộp thư phản ánh": "Inbox",
    "Quản trị": "Administration",
    "Tổng quan": "Dashboard",
    "Thư đã gửi (demo)": "Sent mail (demo)",
    "Bỏ qua, tới nội dung chính": "Skip to main content",
    "Tiếng Việt": "Tiếng Việt",
    "English": "English",
    "Không tìm thấy": "Not found",
    # home
    "Gửi phản ánh, kiến nghị đến cơ quan nhà nước": "Send feedback and complaints to government units",
    "Cách gửi": "How to file",
    "Cách tra cứu": "How to track",
}


def language(request: Request) -> str:
    """The page language: `?lang=` first (the switch), then the cookie, then Vietnamese."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    saved = request.cookies.get(LANG_COOKIE)
    return saved if saved in LANGUAGES else "vi"


def translator(lang: str):  # noqa: ANN201 - a callable for templates
    if lang == "en":
        return lambda text: EN.get(text, text)
    return lambda text: text
