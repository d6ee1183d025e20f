"""How official Vietnamese writes times, deadlines, names of units and their heads: the one home of
these conventions, pure functions used by the mail templates (as Jinja filters, notifications/render.py),
by the pages that show the same values, and by the code that names a letter's signer.

The conventions follow Nghị định 30/2020/NĐ-CP on administrative documents (Phụ lục II, capitalisation):

- a time is written "09 giờ 00, ngày 26/10/2026"; a deadline that runs to the end of its day (Civil
  Code 2015, Art. 148: a period ends at 24:00 of its last day) is written "hết ngày 09/11/2026";
- the name of an administrative unit is its level word, in lower case, then the proper name with each
  syllable capitalised ("phường Hà Đông", "xã Sóc Sơn", "thành phố Hà Nội"), except the special cases
  the decree names ("Thành phố Hồ Chí Minh", "Thủ đô Hà Nội");
- the name of an agency capitalises its first word and the words of its kind and field ("Ủy ban nhân
  dân phường Hà Đông", "Sở Xây dựng"); abbreviations such as UBND are spelt out in a letter;
- a position is the title then the agency ("Chủ tịch Ủy ban nhân dân phường Hà Đông", "Giám đốc Sở
  Xây dựng", "Chánh Văn phòng Ủy ban nhân dân Thành phố");
- numbers group thousands with a dot and write decimals with a comma ("14.322 hồ sơ", "92,5%"), as the
  reports of the seed documents do (TCVN 6909: the decimal sign is the comma).

Every function is idempotent: applying it to its own result changes nothing, so names already written
correctly (in the data, or by a coordinator) pass through unchanged.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime, time

# Abbreviations spelt out in letters (Nghị định 30/2020, Điều 8: a letter does not abbreviate names).
ABBREVIATIONS: dict[str, str] = {
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "UBMTTQ": "Ủy ban Mặt trận Tổ quốc",
    "Uỷ ban": "Ủy ban",  # one spelling of the tone mark, as the decree's examples write it
}
# The administrative levels whose word is lower case before a proper name (Phụ lục II, I.1.b).
LEVEL_WORDS = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Tỉnh", "Quận", "Huyện", "Xã")
# Names the decree writes with a capital level word.
SPECIAL_NAMES = ("Thành phố Hồ Chí Minh", "Thủ đô Hà Nội")

# The head of an agency, by the agency's first words; the longest prefix wins.
HEAD_TITLES: dict[str, str] = {
    "Ủy ban nhân dân": "Chủ tịch",
    "Hội đồng nhân dân": "Chủ tịch",
    "Văn phòng": "Chánh",
    "Thanh tra": "Chánh",
    "Sở": "Giám đốc",
    "Trung tâm": "Giám đốc",
    "Ban": "Trưởng",
    "Phòng": "Trưởng",  # "Trưởng phòng Kinh tế": the title absorbs the word, lower case
    "Cục": "Cục trưởng",
    "Chi cục": "Chi cục trưởng",
}
# How a position starts: a text that starts so names a position, not a person.
POSITION_WORDS = (
    "Chủ tịch", "Phó Chủ tịch", "Giám đốc", "Phó Giám đốc", "Chánh", "Phó Chánh", "Trưởng", "Phó Trưởng",
    "Cục trưởng", "Chi cục trưởng", "Thủ trưởng", "Lãnh đạo",
)  # fmt: skip

_ABBREVIATION = re.compile(r"\b(" + "|".join(map(re.escape, ABBREVIATIONS)) + r")\b")
_LEVEL = re.compile(r"\b(" + "|".join(map(re.escape, LEVEL_WORDS)) + r")(?=\s+(\w))")


@functools.lru_cache(maxsize=4096)  # a few hundred units, named in every letter (five times in some)
def name_in_text(name: str) -> str:
    """A unit's name as it reads in running text and in a salutation (the module's docstring):
    "UBND Phường Hà Đông" → "Ủy ban nhân dân phường Hà Đông", "Phường Hà Đông" → "phường Hà Đông"."""
    text = " ".join((name or "").split())
    text = _ABBREVIATION.sub(lambda m: ABBREVIATIONS[m.group(1)], text)

    def level(match: re.Match[str]) -> str:
        word, following = match.group(1), match.group(2)
        if not following[0].isupper():  # "Văn hóa - Xã hội": not a level before a name
            return word
        if any(text.startswith(special, match.start()) for special in SPECIAL_NAMES):
            return word
        return word[0].lower() + word[1:]

    return _LEVEL.sub(level, text)


def head_position(unit_name: str) -> str:
    """The position of a unit's head: "Sở Xây dựng" → "Giám đốc Sở Xây dựng", "Phòng Kinh tế phường
    Ba Đình" → "Trưởng phòng Kinh tế phường Ba Đình"; a kind of unit not listed → "Thủ trưởng <unit>"."""
    name = name_in_text(unit_name)
    for prefix in sorted(HEAD_TITLES, key=len, reverse=True):
        if name == prefix or name.startswith(prefix + " "):
            title = HEAD_TITLES[prefix]
            if prefix == "Phòng":
                return f"{title} phòng{name[len(prefix) :]}"
            return f"{title} {name}"
    return f"Thủ trưởng {name}" if name else ""


def is_position(text: str) -> bool:
    """Whether a head's recorded name is a position ("Chủ tịch UBND Phường Ba Đình"), not a person."""
    text = " ".join((text or "").split())
    return any(text == word or text.startswith(word + " ") for word in POSITION_WORDS)


def position_in_text(position: str) -> str:
    """A recorded position as running text: "Trưởng Phòng Kinh tế Phường Ba Đình" → "Trưởng phòng
    Kinh tế phường Ba Đình" (the title absorbs the word "phòng", as in head_position)."""
    text = name_in_text(position)
    return re.sub(r"^((?:Phó )?Trưởng) Phòng ", r"\1 phòng ", text)


def head_salutation(head_name: str, unit_name: str) -> str:
    """Whom a letter to a unit's head greets: "Ông/Bà <name>, <position>" when a person is on file,
    else the position itself (the head's recorded position, or the one the unit's name implies)."""
    head = " ".join((head_name or "").split())
    if head and not is_position(head):
        position = head_position(unit_name)
        return f"Ông/Bà {head}, {position}" if position else f"Ông/Bà {head}"
    return position_in_text(head) if head else head_position(unit_name)


def time_text(moment: datetime) -> str:
    """A moment, in the zone it is given in: "09 giờ 00, ngày 26/10/2026"."""
    # Fields, not strftime: every letter carries a few of these, and strftime is ten times slower.
    return f"{moment.hour:02d} giờ {moment.minute:02d}, ngày {date_text(moment)}"


def date_text(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def deadline_text(moment: datetime | date) -> str:
    """A deadline, in the zone it is given in: "hết ngày 09/11/2026" when it runs to the end of its
    day (23:59 or later), else the moment itself (an urgent item's deadline in office hours)."""
    if not isinstance(moment, datetime):
        return f"hết ngày {date_text(moment)}"
    if moment.time() >= time(23, 59):
        return f"hết ngày {date_text(moment)}"
    return time_text(moment)


def since_text(moment: datetime | date) -> str:
    """The start of a period: "từ 09 giờ 00, ngày 23/11/2026"; after a day that ended (a checkpoint
    at the end of its day), "từ sau ngày 02/12/2026"."""
    if not isinstance(moment, datetime) or moment.time() >= time(23, 59):
        return f"từ sau ngày {date_text(moment)}"
    return f"từ {time_text(moment)}"


def number_text(value: float | None, digits: int = 0) -> str:
    """A number as Vietnamese writes it: 14322 → "14.322", 4.25 → "4,25" (`digits` decimals kept, trailing
    zeros dropped); none → "—"."""
    if value is None:
        return "—"
    text = f"{value:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def percent_text(value: float | None) -> str:
    """A share as a percentage with one decimal: 0.925 → "92,5%", 1.0 → "100%"; none → "—". Only all
    is 100% and only nothing 0%: 0.9999 → "99,9%" (one late item in ten thousand is not "100% on time")."""
    if value is None:
        return "—"
    shown = round(value * 100, 1)
    if shown >= 100 and value < 1:
        shown = 99.9
    elif shown <= 0 < value:
        shown = 0.1
    return f"{number_text(shown, 1)}%"
