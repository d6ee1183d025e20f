"""Who may see which item (SPEC §8): the role sets, the one query every staff read goes through, and
the citizen's check (the tracking code with its secret token).

An item of another unit, or a code with a wrong token, is "not found", never "forbidden", so nothing
leaks about it; a role that may never see items is refused before any item is looked up.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Literal

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from feedback.accounts.models import StaffUser
from feedback.errors import Forbidden, NotFound
from feedback.items.models import Cooperation, Event, FeedbackItem
from feedback.text import normalize_phone

# How the acting user's unit stands to the item: it leads it (the item's unit), it cooperates on it
# (liên thông), or the user is a coordinator, who may act on every item.
Relation = Literal["lead", "cooperating", "coordinator"]

# Conference organisers run conferences; they do not handle feedback items.
ROLES_THAT_SEE_ITEMS = frozenset({"desk", "officer", "head", "coordinator"})
# Who enters an item received on paper, by post, by phone or in person, with its real receipt time.
ENTERS_RECEIVED_ITEMS = frozenset({"desk", "coordinator"})


def require_intake(user: StaffUser) -> None:
    if user.role not in ENTERS_RECEIVED_ITEMS:
        raise Forbidden("Chỉ Bộ phận Một cửa hoặc điều phối viên được nhập phản ánh")


# Who handles an item: accepts, refuses, transfers, answers.
HANDLERS = frozenset({"officer", "head", "coordinator"})
# Who decides for a unit: assigns officers, approves answers and extensions.
HEADS = frozenset({"head", "coordinator"})
# Who runs dialogue conferences (SPEC §6): organisers for their unit and its sub-units, coordinators all.
ORGANISER_ROLES = frozenset({"organiser", "coordinator"})

# Up to this many cooperating items are sent as a list of ids (see visible_items).
COOPERATION_IDS_INLINE = 2_000


async def visible_items(user: StaffUser) -> QuerySet[FeedbackItem]:
    """The items a user may see: a coordinator sees all; others their unit's and those it cooperates on.

    The cooperating items' ids go into the query as a list: PostgreSQL combines "own unit OR id in
    (list)" from two index scans, whereas for "OR id IN (subquery)" it reads the whole table (0.2–0.7 s
    at a million items, bench/search.py). A unit cooperating on very many items gets the subquery.
    """
    if user.role not in ROLES_THAT_SEE_ITEMS:
        raise Forbidden("Vai trò của bạn không xử lý phản ánh, kiến nghị")
    query = FeedbackItem.all()
    if user.role == "coordinator":
        return query
    unit_id = user.unit_id
    cooperating = Cooperation.filter(unit_id=unit_id)
    ids = await cooperating.limit(COOPERATION_IDS_INLINE + 1).values_list("item_id", flat=True)
    if len(ids) > COOPERATION_IDS_INLINE:
        return query.filter(Q(unit_id=unit_id) | Q(id__in=Subquery(cooperating.values("item_id"))))
    return query.filter(Q(unit_id=unit_id) | Q(id__in=ids)) if ids else query.filter(unit_id=unit_id)


async def get_for(user: StaffUser, code: str, *, lock: bool = False) -> FeedbackItem:
    """An item the user may see; otherwise 'not found', so nothing leaks about other units' items."""
    query = (await visible_items(user)).filter(code=code)
    item = await (query.select_for_update() if lock else query).first()
    if item is None:
        raise NotFound(f"Không tìm thấy phản ánh {code}")
    return item


async def entered_by(user: StaffUser, code: str) -> FeedbackItem:
    """An item this desk officer (or coordinator) entered: the desk hands its receipt over even when the
    item went to another unit, which the desk may not otherwise see. 'Not found' for any other."""
    item = await FeedbackItem.filter(code=code).first()
    if item is None or not await Event.filter(item_id=item.id, kind="received", actor_id=user.id).exists():
        raise NotFound(f"Không tìm thấy phản ánh {code}")
    return item


def relation_of(user: StaffUser, item: FeedbackItem) -> Relation:
    if user.role == "coordinator":
        return "coordinator"
    return "lead" if item.unit_id == user.unit_id else "cooperating"


def hash_token(token: str) -> str:
    """What the item stores of the citizen's token: its hash, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()


NOT_FOUND = "Không tìm thấy phản ánh với mã và khóa tra cứu này"


async def get_by_contact(code: str, contact: str, *, lock: bool = False) -> FeedbackItem:
    """The item behind a code, for the citizen who gives the phone number or e-mail given at filing
    (a citizen who lost the secret link, or never had one: no e-mail). Any mismatch is the same 'not
    found' as a wrong token; callers rate-limit the attempts (security.throttle.contact_attempt)."""
    given = contact.strip()
    query = FeedbackItem.filter(code=code)
    item = await (query.select_for_update() if lock else query).first()
    if "@" in given:
        wanted, held = given.lower(), (item.citizen_email if item else "")
    else:
        wanted, held = normalize_phone(given) or "", (item.citizen_phone if item else "")
    if item is None or not wanted or not held or not hmac.compare_digest(held.encode(), wanted.encode()):
        raise NotFound(NOT_FOUND)
    return item


async def get_by_token(code: str, token: str, *, lock: bool = False) -> FeedbackItem:
    """The item behind a code, for the citizen who holds its token; anything else is 'not found'.
    With `lock` (inside a transaction), the row stays locked until it ends."""
    query = FeedbackItem.filter(code=code)
    item = await (query.select_for_update() if lock else query).first()
    if item is None or not token or not hmac.compare_digest(item.token_hash, hash_token(token)):
        raise NotFound(NOT_FOUND)
    return item
