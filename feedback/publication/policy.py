"""The one redaction policy of everything the public sees (SPEC §6, §8): published feedback items on the
pages, the API and the public map, and the questions and answers of published dialogue conferences on
their page, their API and their booklet (and the public reports that quote them).

A person who wrote to the authorities appears by initials only; their name and their address, wherever
the text repeats them, and every phone number, e-mail address and ID number in the texts, are masked
(`publication.redact` does the masking); an item's place is shown rounded. Every public output calls
these functions and no other masking, so one change here changes them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from feedback.publication.redact import initials, mask_text

ANONYMOUS = "Ẩn danh"  # an asker whose name has no letters left to make initials of
# A published item's place, on its page, the public API and the public map, is rounded to 3 decimals of a
# degree: about 110 m north–south and 100 m east–west in Hà Nội. Enough to see which street a problem is
# in; not which house it was filed from (a citizen who taps "use my location" at home gives their home).
POSITION_DECIMALS = 3


def public_name(name: str) -> str:
    """How the public sees a citizen or an asker: "Nguyễn Văn An" -> "N.V.A."."""
    return initials(name) or ANONYMOUS


def public_text(text: str, *, name: str, address: str = "", others: Iterable[str] = ()) -> str:
    """A text a person wrote, or one written to them, as the public may read it: their name as initials,
    their address masked, and every phone number, e-mail address and ID number masked. `others` are
    further names to reduce to initials (staff who signed an answer)."""
    return mask_text(text, names=(name, *others), addresses=(address,))


@dataclass(frozen=True, slots=True)
class PublicItem:
    citizen: str  # initials
    title: str
    content: str
    answer: str


def public_item(
    *,
    title: str,
    content: str,
    answer: str,
    citizen_name: str,
    citizen_address: str,
    staff: Iterable[str] = (),
) -> PublicItem:
    """A published feedback item's texts. Staff who wrote or approved the answer sometimes sign it: their
    names become initials too."""
    return PublicItem(
        citizen=public_name(citizen_name),
        title=public_text(title, name=citizen_name, address=citizen_address),
        content=public_text(content, name=citizen_name, address=citizen_address),
        answer=public_text(answer, name=citizen_name, address=citizen_address, others=staff),
    )


def public_position(latitude: float | None, longitude: float | None) -> tuple[float, float] | None:
    """Where a published item is, as the public sees it: rounded (POSITION_DECIMALS); None without one."""
    if latitude is None or longitude is None:
        return None
    return round(latitude, POSITION_DECIMALS), round(longitude, POSITION_DECIMALS)


@dataclass(frozen=True, slots=True)
class PublicQuestion:
    asker: str  # initials
    text: str
    answer: str


def public_question(text: str, answer: str, *, asker_name: str, asker_place: str = "") -> PublicQuestion:
    """A conference question and its answer: the same masks in both (the answer often greets the asker by
    name or repeats the number they gave). The answering official is named in public: not masked."""
    return PublicQuestion(
        asker=public_name(asker_name),
        text=public_text(text, name=asker_name, address=asker_place),
        answer=public_text(answer, name=asker_name, address=asker_place),
    )
