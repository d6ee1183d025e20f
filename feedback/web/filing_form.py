"""The filing form's reading, shared by the citizen's form (citizen.py) and the desk's (desk.py): its
fields, where each error belongs, the body it makes, and every problem of it at once."""

from __future__ import annotations

from typing import Any

from feedback.directory.reference import reference
from feedback.errors import DomainError
from feedback.intake import services as intake
from feedback.settings import Settings
from feedback.web.forms import form_struct

# The filing form's text fields, as the browser sends them (`q` is the commune search box: ignored).
FORM_FIELDS = (
    "title",
    "content",
    "category",
    "q",
    "commune",
    "address",
    "latitude",
    "longitude",
    "severity",
    "name",
    "phone",
    "email",
    "citizen_address",
    "publish",
)
# Where a service or schema error belongs on the form.
FIELD_OF = {
    "citizen.name": "name",
    "citizen.phone": "phone",
    "citizen.email": "email",
    "citizen.address": "citizen_address",
}
# Friendlier words than msgspec's for the limits of FeedbackCreate.
LIMIT_MESSAGES = {
    "title": "Tiêu đề cần từ 3 đến 200 ký tự",
    "content": "Nội dung phản ánh cần từ 10 đến 10.000 ký tự",
    "name": "Cần họ và tên người phản ánh (tối đa 120 ký tự)",
    "phone": "Số điện thoại quá dài",
    "email": "Địa chỉ thư điện tử quá dài",
    "citizen_address": "Địa chỉ liên hệ quá dài (tối đa 300 ký tự)",
    "address": "Địa chỉ nơi xảy ra quá dài (tối đa 300 ký tự)",
    "category": "Lĩnh vực không hợp lệ",
    "commune": "Xã/phường không hợp lệ",
    "latitude": "Vị trí không hợp lệ",
    "longitude": "Vị trí không hợp lệ",
    "severity": "Mức độ không hợp lệ",
}
# A valid stand-in for each field of a filing body, so that the schema's checks go on past a refused
# field and the form can show every problem at once (`every_problem`); the values are never saved.
_STAND_INS: dict[str, Any] = {
    "title": "Tiêu đề",
    "content": "Nội dung đủ mười ký tự",
    "category": None,
    "commune": None,
    "address": "",
    "latitude": None,
    "longitude": None,
    "severity": "normal",
    "publish": False,
    "citizen.name": "Họ tên",
    "citizen.phone": "",
    "citizen.email": "",
    "citizen.address": "Địa chỉ",
    "channel": "desk",
    "received_at": None,
}


async def every_problem(body: dict[str, Any], kind: type[Any], settings: Settings) -> dict[str, str]:
    """Every problem of a filing form, by the form's field: the schema's, then the service's rules
    (`intake.problems`), so that a citizen fixes them all in one round trip."""
    errors: dict[str, str] = {}
    body = {**body, "citizen": dict(body.get("citizen") or {})}
    for _ in range(len(_STAND_INS)):
        try:
            data = form_struct(body, kind, messages=LIMIT_MESSAGES, fields=FIELD_OF)
            break
        except DomainError as exc:
            path = next((p for p, f in FIELD_OF.items() if f == exc.field), exc.field or "")
            if path not in _STAND_INS or FIELD_OF.get(path, path) in errors:
                errors.setdefault(FIELD_OF.get(path, path) or "form", exc.message)
                return errors
            errors[FIELD_OF.get(path, path)] = exc.message
            if path.startswith("citizen."):
                body["citizen"][path.removeprefix("citizen.")] = _STAND_INS[path]
            else:
                body[path] = _STAND_INS[path]
    else:
        return errors
    for problem in intake.problems(data, await reference(settings)):
        field = FIELD_OF.get(problem.field or "", problem.field or "form")
        errors.setdefault(field, problem.message)
    return errors


def form_body(fields: dict[str, str]) -> dict[str, Any]:
    """The form's fields as a FeedbackCreate body (msgspec then checks types and sizes)."""

    def optional(name: str) -> str | None:
        value = fields.get(name, "").strip()
        return value or None

    return {
        "title": fields.get("title", ""),
        "content": fields.get("content", ""),
        "category": optional("category"),
        "commune": optional("commune"),
        "address": fields.get("address", ""),
        "latitude": optional("latitude"),
        "longitude": optional("longitude"),
        "severity": fields.get("severity") or "normal",
        "publish": bool(fields.get("publish")),
        "citizen": {
            "name": fields.get("name", ""),
            "phone": fields.get("phone", ""),
            "email": fields.get("email", ""),
            "address": fields.get("citizen_address", ""),
        },
    }
