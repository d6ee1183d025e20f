"""HTML forms into the API's bodies: the same msgspec Structs check a form and a JSON body alike, and a
refusal names the field so the page can show the message next to it."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import msgspec

from feedback.errors import DomainError

T = TypeVar("T")
_AT = re.compile(r" - at `\$\.?(.*)`$")
_MISSING = re.compile(r"missing required field `(\w+)`")
_LONGER = re.compile(r"length <= (\d+)")
_SHORTER = re.compile(r"length >= (\d+)")


def form_struct(
    values: Mapping[str, Any],
    kind: type[T],
    *,
    messages: Mapping[str, str] | None = None,
    fields: Mapping[str, str] | None = None,
    explain: Callable[[str, str], str] | None = None,
    keep_empty: bool = False,
) -> T:
    """Convert a form's values into `kind`. An empty input counts as not given (the Struct's default);
    one of spaces is kept, so the length limits refuse it as they refuse it in a JSON body.

    A refusal raises DomainError with the form's field name (`fields` maps a body path such as
    `citizen.phone` to it) and a Vietnamese message (`messages` per field, else `explain(field, what
    msgspec said)` when given, else a general one). With `keep_empty`, the caller has decided what an
    empty input means (the administration's edit forms clear a field with it).
    """
    known = getattr(kind, "__struct_fields__", None)
    body = {k: v for k, v in values.items() if (known is None or k in known) and (keep_empty or v != "")}
    try:
        return msgspec.convert(body, kind, strict=False)
    except msgspec.ValidationError as exc:
        raise _refusal(str(exc), messages or {}, fields or {}, explain) from None


def _refusal(
    text: str,
    messages: Mapping[str, str],
    fields: Mapping[str, str],
    explain: Callable[[str, str], str] | None,
) -> DomainError:
    if missing := _MISSING.search(text):
        key, said, detail = missing.group(1), text, "Cần nhập mục này"
    elif at := _AT.search(text):
        said = text[: at.start()]
        key, detail = at.group(1).split("[", 1)[0], _in_vietnamese(said)
    else:
        key, said, detail = "", text, _in_vietnamese(text)
    field = fields.get(key, key) or None
    if explain is not None and field:
        detail = explain(field, said)
    return DomainError(messages.get(field or "", detail), field=field)


def _in_vietnamese(message: str) -> str:
    if longer := _LONGER.search(message):
        return f"Dài quá {longer.group(1)} ký tự"
    if shorter := _SHORTER.search(message):
        return f"Cần nhập nội dung ít nhất {shorter.group(1)} ký tự"
    if "date" in message.lower():
        return "Chọn ngày theo dạng năm-tháng-ngày"
    return "Giá trị không hợp lệ"
