"""An item's documents from its stored data: the latest apology (the promise on the item, migration 0010)
and the answer. The staff print route, the citizen's download and the e-mail at delivery all render
through here, so they give the same document."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from feedback.accounts.models import StaffUser
from feedback.directory.reference import Reference
from feedback.documents import layout
from feedback.documents.letters import (
    Answer,
    Apology,
    Issuer,
    Receipt,
    answer_letter,
    answer_number,
    apology_letter,
    apology_number,
    receipt_letter,
    receipt_number,
)
from feedback.items.models import Event, FeedbackItem
from feedback.items.vocabulary import CHANNEL_NAMES
from notifications.official import deadline_text, name_in_text, time_text


@dataclass(frozen=True)
class Document:
    filename: str  # ASCII
    data: bytes
    content_type: str = "application/pdf"


def place_of(unit_id: int, ref: Reference) -> str:
    """Where the unit sits, for the date line: its ward or commune ("Hà Đông") for the ward's
    committee and its offices, else the city ("Hà Nội")."""
    communes = {c.unit_id: c.name for c in ref.communes.values() if c.unit_id}
    unit = ref.units.get(unit_id)
    while unit is not None:
        if unit.id in communes:
            return _without_kind(communes[unit.id])
        if unit.parent_id is None:  # the city: "UBND Thành phố Hà Nội" → "Hà Nội"
            return unit.name.rpartition("Thành phố ")[2].strip() or unit.name
        unit = ref.units.get(unit.parent_id)
    return ""


def _without_kind(name: str) -> str:
    for kind in ("Phường ", "phường ", "Xã ", "xã ", "Thị trấn ", "thị trấn "):
        if name.startswith(kind):
            return name.removeprefix(kind)
    return name


def issuer_of(unit_id: int, ref: Reference) -> Issuer:
    unit = ref.units[unit_id]
    parent = ref.units.get(unit.parent_id) if unit.parent_id else None
    return Issuer(
        name=name_in_text(unit.name),  # "Ủy ban nhân dân phường Hà Đông", as the letter's sentences say it
        kind=unit.kind,
        head_title=unit.head_name,
        parent=parent.name if parent else "",
        place=place_of(unit_id, ref),
    )


def _head_name(user: StaffUser | None) -> str:
    """A letter signs in the head's title: a head's name goes under it; anyone else's would not be
    the signer's, so the line is left for the head to sign by hand."""
    return (user.name or "") if user is not None and user.role == "head" else ""


def has_apology(item: FeedbackItem) -> bool:
    return item.promise_no > 0 and item.promise_day is not None


async def apology_pdf(item: FeedbackItem, ref: Reference) -> Document | None:
    """The item's latest apology (Mẫu 04), or None when it has none."""
    if not has_apology(item) or item.promise_at is None:
        return None
    calendar = ref.calendar
    signer = await StaffUser.get_or_none(id=item.promise_by_id) if item.promise_by_id else None
    category = ref.category_by_id(item.category_id)
    original = item.promise_original_due or item.due_at
    apology = Apology(
        issuer=issuer_of(item.unit_id, ref),
        number=apology_number(item.code, item.promise_no),
        issued_on=calendar.local_date(item.promise_at),
        citizen_name=item.citizen_name,
        code=item.code,
        received_on=calendar.local_date(item.received_at),
        category=category.name if category else "",
        title=item.title,
        original_due=calendar.local_date(original),
        reason=item.promise_reason,
        promised_day=item.promise_day,
        late=item.promise_source != "extension" and item.promise_at >= original,
        signer_name=_head_name(signer),
    )
    data = await _drawn(apology_letter(apology))
    return Document(f"phieu-xin-loi-{item.code}-{item.promise_no}.pdf", data)


async def answer_pdf(item: FeedbackItem, ref: Reference) -> Document | None:
    """The answer as a letter to print and post, or None before there is one."""
    if not item.answer or item.answered_at is None:
        return None
    signer = await StaffUser.get_or_none(id=item.answered_by_id) if item.answered_by_id else None
    answer = Answer(
        issuer=issuer_of(item.unit_id, ref),
        number=answer_number(item.code),
        issued_on=ref.calendar.local_date(item.answered_at),
        citizen_name=item.citizen_name,
        code=item.code,
        received_on=ref.calendar.local_date(item.received_at),
        title=item.title,
        answer=item.answer,
        signer_name=_head_name(signer),
    )
    return Document(f"tra-loi-{item.code}.pdf", await _drawn(answer_letter(answer)))


# How a citizen tracks without the secret link (feedback/web/tracking.py), by what they gave at filing.
def _tracked_by(item: FeedbackItem) -> str:
    if item.citizen_phone and item.citizen_email:
        return "số điện thoại hoặc thư điện tử đã khai"
    if item.citizen_phone:
        return "số điện thoại đã khai"
    if item.citizen_email:
        return "thư điện tử đã khai"
    return ""  # answered by post only


async def receipt_pdf(item: FeedbackItem, ref: Reference, base_url: str) -> Document:
    """The receipt (phiếu tiếp nhận) the desk hands over: issued by the unit of the officer who entered
    the item, signed by that officer, in the layout of Nghị định 30/2020."""
    event = await Event.filter(item_id=item.id, kind="received").order_by("id").first()
    officer = await StaffUser.get_or_none(id=event.actor_id) if event and event.actor_id else None
    desk_unit = officer.unit_id if officer and officer.unit_id in ref.units else item.unit_id
    received = item.received_at.astimezone(ref.calendar.tz)
    contact = _tracked_by(item)
    receipt = Receipt(
        issuer=issuer_of(desk_unit, ref),
        number=receipt_number(item.code),
        received_on=received.date(),
        received=time_text(received),
        citizen_name=item.citizen_name,
        code=item.code,
        channel=CHANNEL_NAMES.get(item.channel, item.channel),
        title=item.title,
        unit=name_in_text(ref.units[item.unit_id].name),
        due=deadline_text(item.due_at.astimezone(ref.calendar.tz)),
        track_at=f"{base_url}/track",
        contact=contact,
        desk_officer=(officer.name or officer.email) if officer else "",
    )
    return Document(f"phieu-tiep-nhan-{item.code}.pdf", await _drawn(receipt_letter(receipt)))


async def _drawn(letter: layout.Letter) -> bytes:
    """Drawing a page takes a few hundred milliseconds (the fonts are parsed and subset each time):
    in a thread, so that delivery and the pages keep serving meanwhile."""
    return await asyncio.to_thread(layout.render, letter)
