"""Dialogue conferences (SPEC §6): the only code that changes conferences, questions and their steps.

Each function is one transaction. The deadlines and their steps are planned in `steps.py`.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import msgspec
from tortoise.transactions import in_transaction

from feedback import clock
from feedback.accounts.models import StaffUser
from feedback.conferences.models import Conference, ConferenceStep, Question
from feedback.conferences.schemas import ConferenceIn, ConferencePatch, QuestionAnswerIn, QuestionIn
from feedback.conferences.steps import _publish_steps, _question_steps, default_due, publish_deadline
from feedback.directory.reference import Reference, reference
from feedback.errors import Conflict, DomainError, Forbidden, NotFound
from feedback.intake.services import checked_contact
from feedback.items.access import ORGANISER_ROLES
from feedback.settings import Settings
from feedback.text import fold, suggest_category
from notifications.outbox import NewMessage, new_message, queue

STATUS_ORDER = ("planning", "collecting", "held", "published")
STATUS_LABELS = {
    "planning": "đang chuẩn bị",
    "collecting": "đang tiếp nhận câu hỏi",
    "held": "đã tổ chức",
    "published": "đã công bố kết quả",
}
MAX_IMPORT_ROWS = 10_000


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str


class ImportRejected(DomainError):
    """An import file with bad rows: nothing was saved; `errors` says which row and field."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"Tệp có {len(errors)} lỗi; chưa câu hỏi nào được lưu", field="file")
        self.errors = errors


# --- access ---------------------------------------------------------------------------------------


def _organiser(user: StaffUser) -> None:
    if user.role not in ORGANISER_ROLES:
        raise Forbidden("Chỉ cán bộ tổ chức hội nghị hoặc Văn phòng điều phối được thực hiện thao tác này")


async def conference_for(user: StaffUser, conference_id: int, *, lock: bool = False) -> Conference:
    query = Conference.filter(id=conference_id)
    if user.role not in ORGANISER_ROLES:
        query = query.filter(host_unit_id=user.unit_id)  # type: ignore[attr-defined]
    conference = await (query.select_for_update() if lock else query).first()
    if conference is None:
        raise NotFound(f"Không tìm thấy hội nghị số {conference_id}")
    return conference


async def questions_for(user: StaffUser, conference_id: int) -> tuple[Conference, list[Question]]:
    """Organisers and the host unit see every question; other units only those assigned to them."""
    conference = await Conference.get_or_none(id=conference_id)
    if conference is None:
        raise NotFound(f"Không tìm thấy hội nghị số {conference_id}")
    query = Question.filter(conference_id=conference_id)
    unit_id = user.unit_id  # type: ignore[attr-defined]
    if user.role not in ORGANISER_ROLES and conference.host_unit_id != unit_id:  # type: ignore[attr-defined]
        query = query.filter(unit_id=unit_id)
        if not await query.exists():
            raise NotFound(f"Không tìm thấy hội nghị số {conference_id}")
    return conference, await query.order_by("number").prefetch_related("feedback_item")


# --- conferences ----------------------------------------------------------------------------------


def _host(ref: Reference, code: str) -> int:
    unit = ref.unit_by_code(code)
    if unit is None:
        raise DomainError(f"Đơn vị có mã '{code}' không tồn tại", field="host_unit")
    return unit.id


def _categories(ref: Reference, codes: Iterable[str]) -> list[str]:
    result: list[str] = []
    for code in codes:
        if code not in ref.categories:
            raise DomainError(f"Lĩnh vực có mã '{code}' không tồn tại", field="categories")
        if code not in result:
            result.append(code)
    return result


def _title(text: str) -> str:
    text = " ".join(text.split())
    if len(text) < 3:
        raise DomainError("Tên hội nghị cần ít nhất 3 ký tự", field="title")
    return text


def _place(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise DomainError("Cần địa điểm tổ chức hội nghị", field="place")
    return text


async def create_conference(user: StaffUser, data: ConferenceIn, settings: Settings) -> Conference:
    _organiser(user)
    ref = await reference(settings)
    now = clock.now()
    async with in_transaction():
        return await Conference.create(
            host_unit_id=_host(ref, data.host_unit),
            title=_title(data.title),
            starts_at=data.starts_at.astimezone(UTC),
            place=_place(data.place),
            categories=_categories(ref, data.categories),
            description=data.description.strip(),
            status="planning",
            created_by_id=user.id,
            created_at=now,
            updated_at=now,
        )


async def update_conference(
    user: StaffUser, conference_id: int, data: ConferencePatch, settings: Settings
) -> Conference:
    _organiser(user)
    ref = await reference(settings)
    async with in_transaction():
        conference = await conference_for(user, conference_id, lock=True)
        if conference.status == "published":
            raise Conflict("Hội nghị đã công bố kết quả, không sửa được nữa")
        if data.host_unit is not msgspec.UNSET:
            conference.host_unit_id = _host(ref, data.host_unit)  # type: ignore[attr-defined]
        if data.title is not msgspec.UNSET:
            conference.title = _title(data.title)
        if data.starts_at is not msgspec.UNSET:
            if conference.status == "held":
                raise Conflict("Hội nghị đã tổ chức, không đổi được thời gian")
            conference.starts_at = data.starts_at.astimezone(UTC)
        if data.place is not msgspec.UNSET:
            conference.place = _place(data.place)
        if data.categories is not msgspec.UNSET:
            conference.categories = _categories(ref, data.categories)
        if data.description is not msgspec.UNSET:
            conference.description = data.description.strip()
        conference.updated_at = clock.now()
        await conference.save()
        return conference


async def move(user: StaffUser, conference_id: int, status: str, settings: Settings) -> Conference:
    """planning → collecting → held → published, one step forward at a time."""
    _organiser(user)
    if status not in STATUS_ORDER:
        raise DomainError(f"Trạng thái '{status}' không hợp lệ", field="status")
    ref = await reference(settings)
    now = clock.now()
    async with in_transaction():
        conference = await conference_for(user, conference_id, lock=True)
        current = STATUS_ORDER.index(conference.status)
        if STATUS_ORDER.index(status) != current + 1:
            raise Conflict(
                f"Không chuyển được hội nghị từ trạng thái '{STATUS_LABELS[conference.status]}'"
                f" sang '{STATUS_LABELS[status]}'"
            )
        if status == "held":
            conference.publish_due_at = publish_deadline(conference.starts_at, ref.calendar)
            await ConferenceStep.bulk_create(_publish_steps(conference, ref))
        elif status == "published":
            open_numbers = (
                await Question.filter(conference_id=conference.id, status="open")
                .order_by("number")
                .values_list("number", flat=True)
            )
            if open_numbers:
                listed = ", ".join(str(n) for n in open_numbers[:50]) + (
                    "…" if len(open_numbers) > 50 else ""
                )
                raise DomainError(
                    f"Chưa công bố được: còn {len(open_numbers)} câu hỏi chưa trả lời (số {listed})",
                    field="status",
                )
            conference.published_at = now
            await ConferenceStep.filter(conference_id=conference.id, status="pending").update(
                status="cancelled", done_at=now
            )
        conference.status = status
        conference.updated_at = now
        await conference.save()
        return conference


# --- questions ------------------------------------------------------------------------------------


def _check_question(data: QuestionIn, ref: Reference, *, need_contact: bool) -> dict[str, Any]:
    """The question's columns, validated like a feedback item; raises DomainError naming the field."""
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
    suggested = ref.route(category_id, commune.id if commune else None, "normal")
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


def _assigned_mail(
    conference: Conference, unit_id: int, questions: Sequence[Question], ref: Reference, settings: Settings,
    key: str, now: datetime,
) -> list[NewMessage]:  # fmt: skip
    unit = ref.units.get(unit_id)
    if unit is None or not unit.email:
        return []
    host = ref.units.get(conference.host_unit_id)  # type: ignore[attr-defined]
    context = {
        **_conference_context(conference, ref, settings),
        "unit_name": unit.name,
        "host_unit_name": host.name if host else "",
        "questions": [{"number": q.number, "text": q.text, "due_at": q.due_at} for q in questions[:200]],
        "count": len(questions),
    }
    return [new_message(kind="question_assigned", key=key, to_addr=unit.email, to_name=unit.name,
                        thread=f"HNDT.{conference.id}", context=context, now=now)]  # fmt: skip


def _conference_context(conference: Conference, ref: Reference, settings: Settings) -> dict[str, Any]:
    return {
        "conference_title": conference.title,
        "starts_at": conference.starts_at,
        "place": conference.place,
        "staff_url": f"{settings.base_url}/staff/conferences/{conference.id}",
    }


async def _next_number(conference_id: int) -> int:
    rows = (
        await Question.filter(conference_id=conference_id)
        .order_by("-number")
        .limit(1)
        .values_list("number", flat=True)
    )
    return (rows[0] if rows else 0) + 1


async def add_question(
    conference_id: int,
    data: QuestionIn,
    settings: Settings,
    *,
    channel: str,
    actor: StaffUser | None = None,
) -> Question:
    """A citizen's question (channel online, while collecting) or one asked on the floor (staff)."""
    if channel not in ("online", "floor"):
        raise DomainError(f"Kênh '{channel}' không hợp lệ", field="channel")
    if channel == "floor" and actor is None:
        raise Forbidden("Câu hỏi tại hội nghị do cán bộ nhập")
    ref = await reference(settings)
    row = _check_question(data, ref, need_contact=channel == "online")
    now = clock.now()
    async with in_transaction():
        if actor is not None:
            conference = await conference_for(actor, conference_id, lock=True)
        else:
            conference = await Conference.filter(id=conference_id).select_for_update().first()
            if conference is None:
                raise NotFound(f"Không tìm thấy hội nghị số {conference_id}")
        allowed = ("collecting",) if channel == "online" else ("collecting", "held")
        if conference.status not in allowed:
            raise Conflict("Hội nghị hiện không tiếp nhận câu hỏi")
        due_at = default_due(conference, ref, now)
        question = await Question.create(
            conference_id=conference.id, number=await _next_number(conference.id), channel=channel,
            due_at=due_at, status="open", created_at=now, updated_at=now, **row,
        )  # fmt: skip
        await ConferenceStep.bulk_create(
            _question_steps(question.id, conference.id, row["unit_id"], due_at, ref, now)
        )
        await queue(_assigned_mail(conference, row["unit_id"], [question], ref, settings,
                                   f"qassign:{question.id}:{row['unit_id']}:0", now))  # fmt: skip
        return question


# --- import ---------------------------------------------------------------------------------------

COLUMNS = ("asker_name", "asker_place", "asker_phone", "asker_email", "category", "commune", "text")
_ALIASES = {
    "asker_name": ("ho va ten", "ho ten", "nguoi hoi", "ten nguoi hoi", "name"),
    "asker_place": ("dia chi", "noi o", "dia chi nguoi hoi", "place", "address"),
    "asker_phone": ("so dien thoai", "dien thoai", "sdt", "phone"),
    "asker_email": ("email", "thu dien tu", "e-mail"),
    "category": ("linh vuc", "ma linh vuc"),
    "commune": ("xa/phuong", "xa phuong", "ma xa/phuong", "ma xa", "phuong/xa"),
    "text": ("noi dung", "noi dung cau hoi", "cau hoi", "question"),
}
_HEADER = {fold(alias): column for column, aliases in _ALIASES.items() for alias in aliases} | {
    c: c for c in COLUMNS
}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and len(str(value)) == 9:  # a phone number whose leading 0 a spreadsheet ate
        return f"0{value}"
    return str(value).strip()


def _read_rows(filename: str, content: bytes) -> list[list[str]]:
    if content[:4] == b"PK\x03\x04":
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise ImportRejected([RowError(0, "file", "Không đọc được tệp XLSX")]) from exc
        try:
            sheet = book.worksheets[0]
            return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected([RowError(0, "file", "Tệp CSV phải dùng bảng mã UTF-8")]) from exc
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]


def _validation_field(exc: msgspec.ValidationError) -> str:
    match = re.search(r"\$\.(\w+)", str(exc))
    return match.group(1) if match else "text"


async def import_questions(
    user: StaffUser, conference_id: int, filename: str, content: bytes, settings: Settings
) -> list[Question]:
    """Every row of a CSV or XLSX file (header in row 1), all saved or none."""
    _organiser(user)
    ref = await reference(settings)
    rows = _read_rows(filename, content)
    if not rows or not any(rows[0]):
        raise ImportRejected([RowError(1, "file", "Tệp không có dòng tiêu đề")])
    columns: list[str | None] = [_HEADER.get(fold(h)) for h in rows[0]]
    errors: list[RowError] = []
    for required in ("asker_name", "text"):
        if required not in columns:
            errors.append(RowError(1, required, f"Thiếu cột '{required}'"))
    if errors:
        raise ImportRejected(errors)
    checked: list[dict[str, Any]] = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cells):
            continue
        values = {c: "" for c in COLUMNS}
        for column, value in zip(columns, cells, strict=False):
            if column:
                values[column] = value
        payload: dict[str, Any] = {**values, "category": values["category"] or None,
                                   "commune": values["commune"] or None}  # fmt: skip
        try:
            data = msgspec.convert(payload, QuestionIn)
            checked.append(_check_question(data, ref, need_contact=False))
        except msgspec.ValidationError as exc:
            field = _validation_field(exc)
            if field == "text" and not values["text"]:
                message = "Nội dung câu hỏi cần ít nhất 10 ký tự"
            elif field == "asker_name" and not values["asker_name"]:
                message = "Cần họ và tên người hỏi"
            else:
                message = f"Giá trị không hợp lệ ({exc})"
            errors.append(RowError(number, field, message))
        except DomainError as exc:
            errors.append(RowError(number, exc.field or "", exc.message))
    if not checked and not errors:
        errors.append(RowError(2, "file", "Tệp không có câu hỏi nào"))
    if len(checked) > MAX_IMPORT_ROWS:
        errors.append(RowError(MAX_IMPORT_ROWS + 2, "file", f"Tối đa {MAX_IMPORT_ROWS} câu hỏi mỗi tệp"))
    if errors:
        raise ImportRejected(errors)
    now = clock.now()
    async with in_transaction():
        conference = await conference_for(user, conference_id, lock=True)
        if conference.status not in ("planning", "collecting", "held"):
            raise Conflict("Hội nghị đã công bố kết quả, không nhập thêm câu hỏi được")
        due_at = default_due(conference, ref, now)
        first = await _next_number(conference.id)
        await Question.bulk_create(
            [
                Question(
                    conference_id=conference.id,
                    number=first + n,
                    channel="import",
                    due_at=due_at,
                    status="open",
                    created_at=now,
                    updated_at=now,
                    **row,
                )  # fmt: skip
                for n, row in enumerate(checked)
            ],
            batch_size=500,
        )
        questions = await Question.filter(conference_id=conference.id, number__gte=first).order_by("number")
        steps = [
            step
            for q in questions
            for step in _question_steps(q.id, conference.id, q.unit_id, due_at, ref, now)  # type: ignore[attr-defined]
        ]
        await ConferenceStep.bulk_create(steps, batch_size=1000)
        by_unit: dict[int, list[Question]] = {}
        for q in questions:
            by_unit.setdefault(q.unit_id, []).append(q)  # type: ignore[attr-defined]
        await queue(
            [
                message
                for unit_id, group in by_unit.items()
                for message in _assigned_mail(
                    conference,
                    unit_id,
                    group,
                    ref,
                    settings,
                    f"qimport:{conference.id}:{unit_id}:{first}",
                    now,
                )  # fmt: skip
            ]
        )
        return list(questions)


# --- assignment and answers -----------------------------------------------------------------------


async def _question(conference_id: int, number: int) -> Question:
    question = await Question.filter(conference_id=conference_id, number=number).select_for_update().first()
    if question is None:
        raise NotFound(f"Không tìm thấy câu hỏi số {number}")
    return question


async def assign(
    user: StaffUser, conference_id: int, number: int, settings: Settings, *, unit: str, due_date: date
) -> Question:
    _organiser(user)
    ref = await reference(settings)
    target = ref.unit_by_code(unit)
    if target is None:
        raise DomainError(f"Đơn vị có mã '{unit}' không tồn tại", field="unit")
    now = clock.now()
    if due_date < ref.calendar.local_date(now):
        raise DomainError("Hạn trả lời không được ở quá khứ", field="due_date")
    async with in_transaction():
        conference = await conference_for(user, conference_id, lock=True)
        if conference.status == "published":
            raise Conflict("Hội nghị đã công bố kết quả")
        question = await _question(conference.id, number)
        if question.status == "answered":
            raise Conflict(f"Câu hỏi số {number} đã được trả lời")
        due_at = ref.calendar.end_of_day(due_date)
        question.unit_id = target.id  # type: ignore[attr-defined]
        question.due_at = due_at
        question.updated_at = now
        await question.save(update_fields=["unit_id", "due_at", "updated_at"])
        await ConferenceStep.filter(question_id=question.id, status="pending").update(
            status="cancelled", done_at=now
        )
        await ConferenceStep.bulk_create(
            _question_steps(question.id, conference.id, target.id, due_at, ref, now)
        )
        await queue(_assigned_mail(conference, target.id, [question], ref, settings,
                                   f"qassign:{question.id}:{target.id}:{due_date.isoformat()}", now))  # fmt: skip
        return question


async def answer_question(
    user: StaffUser, conference_id: int, number: int, data: QuestionAnswerIn, settings: Settings
) -> Question:
    from feedback.intake.schemas import CitizenIn, StaffFeedbackCreate
    from feedback.intake.services import submit

    answer = data.answer.strip()
    if not answer:
        raise DomainError("Cần nội dung trả lời", field="answer")
    official, position = " ".join(data.official_name.split()), " ".join(data.official_position.split())
    if not official:
        raise DomainError("Cần họ tên người trả lời", field="official_name")
    if not position:
        raise DomainError("Cần chức vụ người trả lời", field="official_position")
    document_number = data.document_number.strip()
    if data.answer_mode == "in_writing":
        if not document_number:
            raise DomainError("Trả lời bằng văn bản cần số văn bản", field="document_number")
        if data.document_date is None:
            raise DomainError("Trả lời bằng văn bản cần ngày văn bản", field="document_date")
    ref = await reference(settings)
    now = clock.now()
    async with in_transaction():
        conference = await Conference.filter(id=conference_id).select_for_update().first()
        if conference is None:
            raise NotFound(f"Không tìm thấy hội nghị số {conference_id}")
        question = await _question(conference.id, number)
        if user.role not in ORGANISER_ROLES and question.unit_id != user.unit_id:  # type: ignore[attr-defined]
            raise Forbidden("Chỉ đơn vị được giao hoặc cán bộ tổ chức hội nghị được trả lời câu hỏi này")
        if conference.status not in ("collecting", "held"):
            raise Conflict("Hội nghị không ở trạng thái trả lời câu hỏi")
        if data.answer_mode == "forwarded" and question.feedback_item_id is None:  # type: ignore[attr-defined]
            category = ref.category_by_id(question.category_id)  # type: ignore[attr-defined]
            commune = next((c for c in ref.communes.values() if c.id == question.commune_id), None)  # type: ignore[attr-defined]
            title = question.text if len(question.text) <= 120 else question.text[:117].rstrip() + "…"
            submitted = await submit(
                StaffFeedbackCreate(
                    title=f"Câu hỏi hội nghị đối thoại: {title}"[:200],
                    content=question.text,
                    citizen=CitizenIn(
                        name=question.asker_name,
                        phone=question.asker_phone,
                        email=question.asker_email,
                        address=question.asker_place,
                    ),  # fmt: skip
                    category=category.code if category else None,
                    commune=commune.code if commune else None,
                    channel="conference",
                ),
                settings,
                actor=user,
            )
            question.feedback_item_id = submitted.item.id  # type: ignore[attr-defined]
        question.answer = answer
        question.answer_mode = data.answer_mode
        question.official_name = official
        question.official_position = position
        question.document_number = document_number if data.answer_mode == "in_writing" else ""
        question.document_date = data.document_date if data.answer_mode == "in_writing" else None
        question.status = "answered"
        question.answered_at = now
        question.answered_by_id = user.id  # type: ignore[attr-defined]
        question.updated_at = now
        await question.save()
        await ConferenceStep.filter(question_id=question.id, status="pending").update(
            status="cancelled", done_at=now
        )
        return question
