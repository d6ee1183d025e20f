"""The checks of a conference's and a question's fields against the reference data (SPEC §6). Pure:
each returns the clean value or raises a DomainError naming the field."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from feedback.conferences.schemas import QuestionIn
from feedback.conferences.vocabulary import (
    ANNOUNCE_DAYS_AHEAD,
    ART43,
    PUBLICATION_CHANNEL_NAMES,
    PUBLICATION_CHANNELS,
    ConferenceStatus,
)
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


# --- Điều 43 Luật Tổ chức chính quyền địa phương 2025 (conferences/vocabulary.py) ---------------------


def announcement_warning(announced_on: date | None, conference_day: date) -> str | None:
    """A warning when the conference was announced fewer than 7 days before its day (or not yet)."""
    if announced_on is None:
        return None
    ahead = (conference_day - announced_on).days
    if ahead >= ANNOUNCE_DAYS_AHEAD:
        return None
    return (
        f"Hội nghị được thông báo ngày {announced_on:%d/%m/%Y}, chỉ {max(ahead, 0)} ngày trước ngày tổ chức"
        f" {conference_day:%d/%m/%Y}; {ART43} yêu cầu thông báo ít nhất {ANNOUNCE_DAYS_AHEAD:02d} ngày"
        " trước ngày tổ chức"
    )


def announced_at(moment: datetime, now: datetime) -> datetime:
    if moment > now + timedelta(minutes=5):
        raise DomainError("Thời điểm thông báo hội nghị không được ở tương lai", field="announced_at")
    return moment.astimezone(UTC)


def publication_day(day: date, conference_day: date, today: date) -> date:
    """A channel's date: from the conference's day (results exist only after it) up to today."""
    if day < conference_day:
        raise DomainError("Ngày công khai kết quả không được trước ngày tổ chức hội nghị", field="date")
    if day > today:
        raise DomainError("Ngày công khai kết quả không được ở tương lai", field="date")
    return day


def publication_warnings(status: str, published: dict[str, date], due_day: date | None) -> list[str]:
    """A channel recorded after the 10-day deadline; once the results are published, a channel missing."""
    warnings = [
        f"{PUBLICATION_CHANNEL_NAMES[channel]} ngày {day:%d/%m/%Y}, sau hạn công khai {due_day:%d/%m/%Y}"
        f" ({ART43}: chậm nhất 10 ngày sau hội nghị)"
        for channel, day in published.items()
        if due_day is not None and day > due_day
    ]
    if status == ConferenceStatus.PUBLISHED:
        missing = [PUBLICATION_CHANNEL_NAMES[c].lower() for c in PUBLICATION_CHANNELS if c not in published]
        if missing:
            warnings.append(f"Chưa ghi nhận việc công khai kết quả: {'; '.join(missing)} ({ART43})")
    return warnings
