"""Intake: the one place where a feedback item comes into being."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from feedback import clock, db
from feedback.accounts.models import StaffUser
from feedback.attachments.uploads import Upload
from feedback.deadlines.ladder import plan_item_steps
from feedback.directory.reference import CategoryRef, Reference, reference
from feedback.errors import DomainError
from feedback.intake import mail, store
from feedback.intake.schemas import FeedbackCreate, StaffFeedbackCreate
from feedback.items import timeline
from feedback.items.access import hash_token
from feedback.items.models import FeedbackItem
from feedback.items.vocabulary import CHANNEL_NAMES, in_running_text
from feedback.settings import Settings
from feedback.text import fold, is_email, normalize_phone, suggest_category

Found = TypeVar("Found")
# Staff may enter old paper submissions, but not ones dated in the future or absurdly old.
_MAX_BACKDATE = timedelta(days=366)
ADDRESS_REQUIRED = (
    "Cần địa chỉ liên hệ của người phản ánh (Điều 7 Nghị định 20/2008/NĐ-CP): nếu không có số điện thoại"
    " hoặc thư điện tử, cơ quan gửi văn bản trả lời qua đường bưu chính đến địa chỉ này"
)


@dataclass(frozen=True)
class Submitted:
    item: FeedbackItem
    token: str
    suggested: CategoryRef | None
    attachments: int = 0  # how many files came with it


async def submit(
    data: FeedbackCreate,
    settings: Settings,
    *,
    actor: StaffUser | None = None,
    uploads: Sequence[Upload] = (),
) -> Submitted:
    """File one item: validate, classify, route, set its deadline and queue its e-mails atomically.

    `uploads` (from `attachments.uploads.read_form`) get their rows in the same transaction; if this
    raises, the caller removes their files.
    """
    now = clock.now()
    ref = await reference(settings)
    received_at, channel = now, "online"
    if isinstance(data, StaffFeedbackCreate):
        channel = data.channel
        if data.received_at is not None:
            received_at = data.received_at.astimezone(UTC)

    if found := problems(data, ref):
        raise found[0]
    phone, email = _citizen_contact(data.citizen.address, data.citizen.phone, data.citizen.email)
    category = _lookup(ref.categories, data.category, "category", "Lĩnh vực")
    commune = _lookup(ref.communes, data.commune, "commune", "Xã/phường")
    suggested = None
    if category is None:
        code = suggest_category(
            f"{data.title} {data.content}",
            [(c.code, c.keywords) for c in ref.categories.values()],
        )
        suggested = ref.categories.get(code) if code else None

    category_id = category.id if category else None
    unit_id = ref.route(category_id, commune.id if commune else None, data.severity)
    policy = ref.policy(category_id, data.severity)
    due_at = ref.calendar.answer_deadline(received_at, policy.answer_days)
    accept_due_at = ref.calendar.add_working_hours(received_at, policy.accept_hours)
    token = secrets.token_urlsafe(24)

    day = received_at.astimezone(settings.tz).strftime("%Y%m%d")
    code = f"PAKN.{day}.{await _next_number(day):04d}"
    row = {
        "code": code,
        "token_hash": hash_token(token),
        "title": data.title.strip(),
        "content": data.content.strip(),
        "search_text": fold(f"{data.title} {data.content}"),
        "category_id": category_id,
        "suggested_category_id": suggested.id if suggested else None,
        "commune_id": commune.id if commune else None,
        "address": data.address.strip(),
        "latitude": data.latitude,
        "longitude": data.longitude,
        "severity": data.severity,
        "channel": channel,
        "status": "received",
        "unit_id": unit_id,
        "citizen_name": data.citizen.name.strip(),
        "citizen_phone": phone,
        "citizen_email": email,
        "citizen_address": data.citizen.address.strip(),
        "publish": data.publish,
        "received_at": received_at,
        "unit_received_at": received_at,
        "accept_due_at": accept_due_at,
        "due_at": due_at,
        "deadline_no": store.FIRST_DEADLINE,
        "transfer_count": 0,
        "answer": "",
        "created_at": now,
        "updated_at": now,
    }
    item = FeedbackItem(**row)  # unsaved: the mail context and the response read it
    event = store.FirstEvent(
        at=now,
        kind="received",
        actor_id=actor.id if actor else None,
        actor_label=timeline.actor_label(actor),
        public=True,
        message=f"Đã tiếp nhận qua kênh {in_running_text(CHANNEL_NAMES[channel])}; chuyển {ref.units[unit_id].name}.",
        changes={"unit": ref.units[unit_id].code, "due_at": due_at.isoformat()},
    )
    context = mail.item_context(item, ref, settings)
    messages = mail.to_citizen(
        "ack", item, context, now, f"ack:{code}", secret_track_url=mail.track_url(settings, code, token)
    ) + mail.to_unit("new_item", item, ref, context, now, f"new:{code}:{unit_id}")
    steps = plan_item_steps(
        due_at, ref.calendar, start=received_at, progress_days=policy.progress_days, now=now
    )
    item.id = await store.insert_new_item(row, event, steps, messages, uploads)
    return Submitted(item, token, suggested, len(uploads))


def problems(data: FeedbackCreate, ref: Reference) -> list[DomainError]:
    """Every rule of a filing that fails, not only the first: a form shows them all at once (an empty
    form is one round trip, not four). `submit` refuses with the first."""
    checks = (
        lambda: _check_received_at(data, clock.now()),
        *_text_checks(data),
        lambda: _citizen_contact(data.citizen.address, "", ""),  # the address (Điều 7)
        # The phone and the e-mail each on its own, so that both can be named at once.
        lambda: checked_contact(data.citizen.phone, "", fields=CONTACT_FIELDS, missing=None),
        lambda: checked_contact("", data.citizen.email, fields=CONTACT_FIELDS, missing=None),
        lambda: _lookup(ref.categories, data.category, "category", "Lĩnh vực"),
        lambda: _lookup(ref.communes, data.commune, "commune", "Xã/phường"),
    )
    found: list[DomainError] = []
    for check in checks:
        try:
            check()
        except DomainError as exc:
            found.append(exc)
    return found


# A desk's clock may run a little ahead of the server's; a receipt more than a year back is a typing slip.
FUTURE_SLACK = timedelta(minutes=5)


def _check_received_at(data: FeedbackCreate, now: datetime) -> None:
    """The real receipt time a desk enters: not in the future, not more than a year back."""
    if not isinstance(data, StaffFeedbackCreate) or data.received_at is None:
        return
    if data.received_at > now + FUTURE_SLACK:
        raise DomainError("Thời điểm tiếp nhận không được sau thời điểm hiện tại", field="received_at")
    if data.received_at < now - _MAX_BACKDATE:
        raise DomainError("Thời điểm tiếp nhận quá một năm trước", field="received_at")


def _text_checks(data: FeedbackCreate) -> tuple[Callable[[], None], ...]:
    """Spaces alone pass the length limits of the schema but say nothing."""

    def least(text: str, length: int, message: str, field: str) -> Callable[[], None]:
        def check() -> None:
            if len(text.strip()) < length:
                raise DomainError(message, field=field)

        return check

    return (
        least(data.title, 3, "Tiêu đề cần ít nhất 3 ký tự", "title"),
        least(data.content, 10, "Nội dung phản ánh cần ít nhất 10 ký tự", "content"),
        least(data.citizen.name, 1, "Cần họ và tên người phản ánh", "citizen.name"),
    )


def _citizen_contact(address: str, phone: str, email: str) -> tuple[str, str]:
    """Điều 7 Nghị định 20/2008 (feedback/items/grounds.py): a name and an address are required; a phone
    or an e-mail is optional, and without them the unit answers by post to the address."""
    if not address.strip():
        raise DomainError(ADDRESS_REQUIRED, field="citizen.address")
    return checked_contact(phone, email, fields=CONTACT_FIELDS, missing=None)


CONTACT_FIELDS = ("citizen.phone", "citizen.email")


def checked_contact(
    phone: str, email: str, *, fields: tuple[str, str], missing: str | None
) -> tuple[str, str]:
    """A citizen's phone (normalised to 10 digits) and e-mail (lower case: compared exactly, through
    the inbox's index); `missing` is the message when neither is given, or None if none is needed."""
    phone_field, email_field = fields
    normalized = ""
    if phone.strip():
        normalized = normalize_phone(phone) or ""
        if not normalized:
            raise DomainError(
                "Số điện thoại không hợp lệ: nhập 10 chữ số, ví dụ 0912 345 678", field=phone_field
            )
    email = email.strip().lower()
    if email and not is_email(email):
        raise DomainError("Địa chỉ thư điện tử không hợp lệ", field=email_field)
    if missing and not normalized and not email:
        raise DomainError(missing, field=phone_field)
    return normalized, email


def _lookup(table: dict[str, Found], code: str | None, field: str, label: str) -> Found | None:
    if code is None or code == "":
        return None
    found = table.get(code)
    if found is None:
        raise DomainError(f"{label} có mã '{code}' không tồn tại", field=field)
    return found


async def _next_number(day: str) -> int:
    """The day's next sequence number, from a counter row updated atomically.

    It runs in its own short transaction, not the item's: holding the counter's row lock for the
    whole submission would serialise all submissions of the day. A failed submission leaves a gap
    in the numbering, which is harmless; a duplicate code is impossible.
    """
    rows = await db.fetch(
        "INSERT INTO daily_counter (day, value) VALUES ($1, 1) "
        "ON CONFLICT (day) DO UPDATE SET value = daily_counter.value + 1 RETURNING value",
        day,
    )
    return int(rows[0]["value"])
