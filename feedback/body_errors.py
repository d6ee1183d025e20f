"""A request body of the wrong shape, explained in Vietnamese.

Litestar decodes bodies with msgspec and answers 400 with msgspec's English ("Object contains unknown
field `channel`"). Citizens and officers calling the API deserve words they read: `explain` turns each
of msgspec's messages into Vietnamese naming the field; the English stays beside it for developers.
Pure; feedback/app.py applies it to every 400 of body validation.
"""

from __future__ import annotations

import re

_TYPES = {
    "str": "chuỗi ký tự",
    "int": "số nguyên",
    "float": "số",
    "bool": "giá trị true/false",
    "array": "danh sách",
    "object": "đối tượng JSON",
    "null": "null",
    "datetime": "ngày giờ (ví dụ 2026-11-30T08:00:00+07:00)",
    "date": "ngày (năm-tháng-ngày, ví dụ 2026-11-30)",
    "uuid": "mã UUID",
}
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"Object contains unknown field `([^`]+)`"),
        "Trường `{0}` không thuộc yêu cầu này; hãy bỏ trường đó",
    ),
    (re.compile(r"Object missing required field `([^`]+)`"), "Thiếu trường bắt buộc `{0}`"),
    (re.compile(r"Expected `(\w+)`, got `(\w+)`"), "cần {0}, nhưng nhận được {1}"),
    (re.compile(r"Expected `\w+` of length <= (\d+)"), "tối đa {0} ký tự"),
    (re.compile(r"Expected `\w+` of length >= (\d+)"), "cần ít nhất {0} ký tự"),
    (re.compile(r"Expected `array` of length <= (\d+)"), "tối đa {0} phần tử"),
    (re.compile(r"Expected `\w+` <= (-?[\d.]+)"), "không được lớn hơn {0}"),
    (re.compile(r"Expected `\w+` >= (-?[\d.]+)"), "không được nhỏ hơn {0}"),
    (re.compile(r"Expected `\w+` < (-?[\d.]+)"), "phải nhỏ hơn {0}"),
    (re.compile(r"Expected `\w+` > (-?[\d.]+)"), "phải lớn hơn {0}"),
    (re.compile(r"Expected `str` matching regex"), "sai định dạng"),
    (re.compile(r"Invalid enum value (.+)"), "giá trị {0} không nằm trong danh sách cho phép"),
    (re.compile(r"Invalid RFC3339 encoded datetime"), "cần ngày giờ dạng 2026-11-30T08:00:00+07:00"),
    (re.compile(r"Invalid RFC3339 encoded date"), "cần ngày dạng năm-tháng-ngày, ví dụ 2026-11-30"),
    (re.compile(r"JSON is malformed"), "Nội dung JSON sai cú pháp"),
    (re.compile(r"Input data was truncated"), "Nội dung JSON bị cắt cụt"),
)
_LITESTAR = "Validation failed for "
_NAMED = re.compile(r"field `([^`]+)`")
# Messages about the whole body, not one field: they stand alone.
_WHOLE = ("Trường `", "Thiếu trường", "Nội dung JSON")


def explain(key: str, message: str) -> str:
    """msgspec's `message` about `key` (Litestar's name of the field, "data" for the body), in Vietnamese."""
    for pattern, words in _PATTERNS:
        if match := pattern.search(message):
            groups = [_TYPES.get(g, g) for g in match.groups()]
            text = words.format(*groups)
            if text.startswith(_WHOLE) or key in ("", "data"):
                return text
            return f"Trường `{key}`: {text}"
    return (
        f"Trường `{key}`: giá trị không hợp lệ"
        if key not in ("", "data")
        else "Nội dung yêu cầu không hợp lệ"
    )


def explained(detail: str, extra: object) -> tuple[str, str | None, list[dict[str, object]]]:
    """Litestar's 400 (its `detail` and `extra`, a list of {message, key, source}) as (detail, field,
    extra in Vietnamese). A detail pakn wrote itself (not Litestar's "Validation failed for …") stays."""
    errors = [e for e in extra if isinstance(e, dict)] if isinstance(extra, list) else []
    out: list[dict[str, object]] = []
    for error in errors:
        key, message = str(error.get("key") or ""), str(error.get("message") or "")
        if any(pattern.search(message) for pattern, _ in _PATTERNS) or detail.startswith(_LITESTAR):
            error = {**error, "message": explain(key, message), "message_en": message}
        out.append(error)
    if not out:
        return (detail if not detail.startswith(_LITESTAR) else "Nội dung yêu cầu không hợp lệ"), None, []
    key = str(errors[0].get("key") or "")
    named = _NAMED.search(str(errors[0].get("message") or ""))
    field = named.group(1) if key in ("", "data") and named else (key if key not in ("", "data") else None)
    if not detail.startswith(_LITESTAR):
        return detail, field, out
    return "; ".join(str(e["message"]) for e in out), field, out
