"""The staff inbox: the items a user may see, sorted by deadline, with filters and search.

The search box (`q`) takes what an officer has at hand: a tracking code, the citizen's phone number or
e-mail, or words of the title or content with or without diacritics. Every filter narrows
`items.access.visible_items(user)`, so a phone number or a code never finds another unit's item.
Speed on a million items: bench/search.py and bench/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from litestar import get
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter
from msgspec import Struct
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet, ValuesListQuery
from tortoise.transactions import in_transaction

from feedback import clock, db
from feedback.accounts.api import current_user
from feedback.accounts.models import StaffUser
from feedback.directory.models import Category, Commune, Unit
from feedback.edge import MAX_OFFSET, TRACKING_CODE
from feedback.errors import DomainError
from feedback.intake.schemas import AwareDatetime
from feedback.items.access import visible_items
from feedback.items.models import FeedbackItem
from feedback.items.vocabulary import (
    SEVERITIES,
    STATUSES,
    awaiting_approval,
    awaiting_approval_filter,
    is_overdue,
    overdue_filter,
)
from feedback.text import fold, is_email, normalize_phone

# pg_trgm indexes runs of 3 characters: a shorter query cannot use the index and reads every item.
MIN_TEXT = 3
# Counting every match is the slow part of a big inbox (bench/README.md: 0.1 s for a coordinator's
# million items, 0.4 s for a word in 66,000 of them); beyond this many the answer says "at least"
# (total_exact = false), which is all a pager needs.
COUNT_LIMIT = 10_000
# Words are counted to a smaller limit, in deadline order: PostgreSQL then reads the (due_at, id)
# index until it has found them when the words are common (a trigram bitmap of "nguyen trai", 30,000
# items, took 90 ms to build whole before the count could stop), and the trigram index when they are
# rare (its estimate decides). bench/README.md, "Inbox search".
TEXT_COUNT_LIMIT = 1_000
# Nobody pages a million items 50 at a time; the bound also keeps `offset` inside the database's range.


class InboxRow(Struct):
    code: str
    title: str
    status: str
    severity: str
    unit: str
    received_at: datetime
    due_at: datetime
    overdue: bool
    awaiting_approval: bool = False  # a draft answer or an extension request waits for the head


class Inbox(Struct):
    total: int  # matching items, counted up to COUNT_LIMIT (TEXT_COUNT_LIMIT for words)
    items: list[InboxRow]
    total_exact: bool = True  # false: there are more than `total`


@dataclass(frozen=True)
class Filters:
    """Validated, normalised filters: codes as given, phone as 0XXXXXXXXX, e-mail and text folded."""

    status: str | None = None
    severity: str | None = None
    category: str | None = None
    commune: str | None = None
    unit: str | None = None
    overdue: bool | None = None
    awaiting_approval: bool | None = None
    due_before: datetime | None = None
    code: str | None = None
    phone: str | None = None
    email: str | None = None
    text: str | None = None


def tracking_code(raw: str) -> str:
    code = raw.strip().upper()
    if not TRACKING_CODE.fullmatch(code):
        raise DomainError(f"Mã phản ánh {raw!r} không đúng dạng PAKN.YYYYMMDD.NNNN", field="code")
    return code


def one_of(raw: str, allowed: tuple[str, ...], field: str) -> str:
    """A filter value from the vocabulary; an unknown one is an error, not an ignored filter."""
    if raw not in allowed:
        raise DomainError(
            f"Giá trị của '{field}' không hợp lệ: chọn một trong {', '.join(allowed)}", field=field
        )
    return raw


def phone_number(raw: str) -> str:
    phone = normalize_phone(raw)
    if phone is None:
        raise DomainError(
            f"Số điện thoại {raw!r} không hợp lệ: nhập 10 chữ số, ví dụ 0912 345 678", field="phone"
        )
    return phone


def email_address(raw: str) -> str:
    # Intake stores e-mails in lower case, so an exact comparison (through the index) ignores case.
    email = raw.strip().lower()
    if not is_email(email):
        raise DomainError(f"Địa chỉ thư điện tử {raw!r} không hợp lệ", field="email")
    return email


def search_box(raw: str) -> dict[str, str]:
    """What was typed into the search box: a tracking code, a phone number, an e-mail, or words."""
    typed = raw.strip()
    if not typed:
        return {}
    if typed.upper().startswith("PAKN."):
        return {"code": tracking_code(typed)}
    if is_email(typed):
        return {"email": email_address(typed)}
    if phone := normalize_phone(typed):
        return {"phone": phone}
    text = fold(typed)
    if len(text) < MIN_TEXT:
        raise DomainError(f"Từ khóa tìm kiếm cần ít nhất {MIN_TEXT} ký tự", field="q")
    return {"text": text}


def read_filters(
    *,
    code: str | None,
    phone: str | None,
    email: str | None,
    q: str | None,
    due_before: datetime | None,
    status: str | None = None,
    severity: str | None = None,
    **rest: Any,
) -> Filters:
    """The filters of a request, checked and normalised; what `q` holds joins the matching filter."""
    vocabulary = {
        "status": one_of(status, STATUSES, "status") if status else None,
        "severity": one_of(severity, SEVERITIES, "severity") if severity else None,
    }
    exact = {
        "code": tracking_code(code) if code else None,
        "phone": phone_number(phone) if phone else None,
        "email": email_address(email) if email else None,
    }
    for key, value in (search_box(q) if q else {}).items():
        if exact.get(key) not in (None, value):
            raise DomainError(
                f"Ô tìm kiếm và tham số '{key}' mâu thuẫn nhau: hãy dùng một trong hai", field="q"
            )
        exact[key] = value
    if due_before and due_before.tzinfo is None:
        raise DomainError("due_before cần có múi giờ, ví dụ 2026-12-01T17:00:00+07:00", field="due_before")
    return Filters(due_before=due_before, **vocabulary, **exact, **rest)


async def _id_of(model: type[Model], code: str, label: str, field: str) -> int:
    if len(code) > model._meta.fields_map["code"].max_length:  # the page's box has no limit of its own
        raise DomainError(f"Mã {label} quá dài: không có {label} nào như vậy", field=field)
    found = await model.filter(code=code).values_list("id", flat=True)
    if not found:
        raise DomainError(f"Không có {label} mã {code!r}", field=field)
    return found[0]


async def items_query(user: StaffUser, f: Filters, now: datetime) -> QuerySet[FeedbackItem]:
    """The items `user` may see that match every filter (unsorted, unpaged)."""
    query = await visible_items(user)
    # Codes become ids first: the filters then hit feedback_item's own indexes, and a mistyped code
    # is an error rather than an empty inbox.
    if f.category:
        query = query.filter(category_id=await _id_of(Category, f.category, "lĩnh vực", "category"))
    if f.commune:
        query = query.filter(commune_id=await _id_of(Commune, f.commune, "xã/phường", "commune"))
    if f.unit:
        query = query.filter(unit_id=await _id_of(Unit, f.unit, "đơn vị", "unit"))
    if f.status:
        query = query.filter(status=f.status)
    if f.severity:
        query = query.filter(severity=f.severity)
    if f.overdue is not None:
        # One Q: Tortoise's exclude(a=…, b=…) would negate each condition apart (NOT a AND NOT b).
        late = Q(**overdue_filter(now))
        query = query.filter(late if f.overdue else ~late)
    if f.awaiting_approval is not None:
        waiting = awaiting_approval_filter()
        query = query.filter(waiting if f.awaiting_approval else ~waiting)
    if f.due_before:
        query = query.filter(due_at__lt=f.due_before)
    if f.code:
        query = query.filter(code=f.code)
    if f.phone:
        query = query.filter(citizen_phone=f.phone)
    if f.email:
        query = query.filter(citizen_email=f.email)
    if f.text:
        # search_text is folded at intake; on PostgreSQL a trigram index serves this LIKE '%…%' for a
        # coordinator. A unit's few thousand items are faster read through the unit's index than
        # intersected with the trigram bitmap of a common phrase (32 ms for "ngap nuoc", 67,000 items):
        # the same test written as UPPER(…) LIKE, which no index serves (search_text is lower case).
        if user.role == "coordinator":
            query = query.filter(search_text__contains=f.text)
        else:
            query = query.filter(search_text__icontains=f.text)
    return query


def count_limit(f: Filters) -> int:
    return TEXT_COUNT_LIMIT if f.text else COUNT_LIMIT


def counting(query: QuerySet[FeedbackItem], f: Filters | None = None) -> ValuesListQuery:
    """Only ids, and no more than one past the limit: the count stays cheap whatever the inbox's size."""
    if f is not None and f.text:
        query = query.order_by("due_at", "id")  # see TEXT_COUNT_LIMIT
    return query.limit(count_limit(f or Filters()) + 1).values_list("id", flat=True)


def page(query: QuerySet[FeedbackItem], *, limit: int, offset: int) -> QuerySet[FeedbackItem]:
    """Sorted by deadline; the id breaks ties so that pages never overlap or skip an item."""
    return query.order_by("due_at", "id").offset(offset).limit(limit).select_related("unit")


async def search(user: StaffUser, f: Filters, *, limit: int = 50, offset: int = 0) -> Inbox:
    """One page of the inbox, sorted by deadline, with the number of matching items."""
    if not 0 <= offset <= MAX_OFFSET:
        raise DomainError(f"offset cần trong khoảng 0..{MAX_OFFSET}", field="offset")
    now = clock.now()
    query = await items_query(user, f, now)
    async with in_transaction() as connection:
        if db.is_postgres(connection):
            # asyncpg prepares statements, and after five runs PostgreSQL may settle on a generic plan
            # that ignores the values: the overdue count then read the whole table (measured 200 ms,
            # against 20 ms through the (status, due_at) index). Plan each search for its own values.
            await connection.execute_script("SET LOCAL plan_cache_mode = force_custom_plan")
        query = query.using_db(connection)
        most = count_limit(f)
        counted = len(await counting(query, f))
        rows = await page(query, limit=limit, offset=offset)
    return Inbox(
        total=min(counted, most),
        total_exact=counted <= most,
        items=[
            InboxRow(
                code=i.code,
                title=i.title,
                status=i.status,
                severity=i.severity,
                unit=i.unit.code,
                received_at=i.received_at,
                due_at=i.due_at,
                overdue=is_overdue(i.status, i.due_at, now),
                awaiting_approval=awaiting_approval(i.draft_answer, i.extension_request_day),
            )
            for i in rows
        ],
    )


@get("/api/v1/staff/feedback", tags=["staff"], dependencies={"user": Provide(current_user)})
async def inbox(
    user: NamedDependency[StaffUser],
    status: Annotated[
        str | None, QueryParameter(max_length=20, description="one of " + ", ".join(STATUSES))
    ] = None,
    severity: Annotated[
        str | None, QueryParameter(max_length=20, description="one of " + ", ".join(SEVERITIES))
    ] = None,
    category: Annotated[str | None, QueryParameter(max_length=40)] = None,
    commune: Annotated[str | None, QueryParameter(max_length=10)] = None,
    unit: Annotated[str | None, QueryParameter(max_length=40)] = None,
    overdue: Annotated[bool | None, QueryParameter()] = None,
    awaiting_approval: Annotated[
        bool | None, QueryParameter(description="a draft answer or an extension request waits for the head")
    ] = None,
    due_before: Annotated[AwareDatetime | None, QueryParameter()] = None,
    code: Annotated[str | None, QueryParameter(max_length=30)] = None,
    phone: Annotated[str | None, QueryParameter(max_length=30)] = None,
    email: Annotated[str | None, QueryParameter(max_length=254)] = None,
    q: Annotated[str | None, QueryParameter(max_length=200)] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)] = 0,
) -> Inbox:
    """Filters combine with AND, inside what the user may see; `q` is a tracking code, a phone number,
    an e-mail or words (3 characters or more). `total` counts up to 10,000, 1,000 for words
    (`total_exact`)."""
    filters = read_filters(
        status=status,
        severity=severity,
        category=category,
        commune=commune,
        unit=unit,
        overdue=overdue,
        awaiting_approval=awaiting_approval,
        due_before=due_before,
        code=code,
        phone=phone,
        email=email,
        q=q,
    )
    return await search(user, filters, limit=limit, offset=offset)
