"""The checks of a conference's and a question's fields against the reference data (SPEC §6). Pure:
each returns the clean value or raises a DomainError naming the field."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from feedback.conferences.schemas import QuestionIn
from feedback.directory.reference import Reference
from feedback.errors import DomainError
from feedback.intake.services import checked_contact
from feedback.text import fold, suggest_category


def host(ref: Reference, code: str) -> int:
    unit = ref.unit_by_code(code)
    if unit is None:
        raise DomainError(f"Đơn vị có mã '{code}' không tồn tại", field="host_unit")
    return unit.id


def categories(ref: Reference, codes: Iterable[str]) -> list[str]:
    result: list[str] = []
    for code in codes:
        if code not in ref.categories:
            raise DomainError(f"Lĩnh vực có mã '{code}' không tồn tại", field="categories")
        if code not in result:
            result.append(code)
    return result


def title(text: str) -> str:
    text = " ".join(text.split())
    if len(text) < 3:
        raise DomainError("Tên hội nghị cần ít nhất 3 ký tự", field="title")
    return text


def place(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise DomainError("Cần địa điểm tổ chức hội nghị", field="place")
    return text


def question(data: QuestionIn, ref: Reference, *, need_contact: bool, host_unit_id: int) -> dict[str, Any]:
    """The question's columns, validated like a feedback item, with the unit routing suggests: inside
    the host's area first (a ward's conference asks the ward's offices), so a question that names no
    place of its own is routed as if it named the host's commune."""
    name = " ".join(data.asker_name.split())
    if not name:
        raise DomainError("Cần họ và tên người hỏi", field="asker_name")
    text = data.text.strip()
    if len(text) < 10:
        raise DomainError("Nội dung câu hỏi cần ít nhất 10 ký tự", field="text")
    phone, email = checked_contact(
        data.asker_phone,
        data.asker_email,
        fields=("asker_phone", "asker_email"),
        missing="Cần số điện thoại hoặc thư điện tử của người hỏi" if need_contact else None,
    )
    category = None
    if data.category:
        category = ref.categories.get(data.category)
        if category is None:
            raise DomainError(f"Lĩnh vực có mã '{data.category}' không tồn tại", field="category")
    commune = None
    if data.commune:
        commune = ref.communes.get(data.commune)
        if commune is None:
            raise DomainError(f"Xã/phường có mã '{data.commune}' không tồn tại", field="commune")
    if category is None:
        code = suggest_category(text, [(c.code, c.keywords) for c in ref.categories.values()])
        category = ref.categories.get(code) if code else None
    category_id = category.id if category else None
    place_id = commune.id if commune else ref.area_commune(host_unit_id)
    suggested = ref.route(category_id, place_id, "normal")
    return {
        "asker_name": name,
        "asker_place": " ".join(data.asker_place.split()),
        "asker_phone": phone,
        "asker_email": email,
        "category_id": category_id,
        "commune_id": commune.id if commune else None,
        "text": text,
        "search_text": fold(text),
        "suggested_unit_id": suggested,
        "unit_id": suggested,
    }
