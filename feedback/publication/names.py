"""Finding the full names of people written in a text (Nghị định 13/2023/NĐ-CP: a third person's name is
personal data too), so that public pages can reduce them to initials. Pure functions of strings.

A Vietnamese full name is a family name from a known list (data/family_names.csv) followed by one to
three capitalised syllables: "Nguyễn Văn Nam", "Lê Thị Hoa", "NGUYEN VAN NAM", "Tôn Nữ Thị Hà". Many
streets, schools, wards and bridges carry the names of historical people, so the words just before a
name decide what it is:

- a place word ("phố", "đường", "ngõ", "trường THCS", "phường", "cầu", "chợ", "bệnh viện", …), or a
  house or alley number ("số 5 Lê Lợi", "ngõ 71 Nguyễn Trãi"): a place, kept;
- a person word ("ông", "bà", "anh", "chị", "cô", "chú", "bác", "đồng chí", "cán bộ", …): a person,
  masked, even when the name is also a street's;
- neither: a person, unless the name is a known place or a historical figure whose name is used bare
  for streets (data/named_places.csv, and Hà Nội's communes in directory/data/communes.csv):
  "đoạn Nguyễn Trãi ùn tắc", "Hà Đông", "Hoàng Mai".

A text written all in capitals gives no capitalisation to go by: there a name needs a person word.
Errors that remain, measured on tests/publication/data/names_sample.tsv, are listed in docs/privacy.md.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from feedback.text import fold

_DATA = Path(__file__).parent / "data"
_COMMUNES = Path(__file__).parents[1] / "directory" / "data" / "communes.csv"


def _phrases(listed: str) -> frozenset[str]:
    return frozenset(phrase.strip() for phrase in listed.split(","))


# Words (lower case, with diacritics) that make the name after them a place: streets and alleys,
# administrative units, schools, hospitals, bridges, markets, buildings, businesses named after people.
PLACE_WORDS = _phrases(
    "phố, đường, ngõ, ngách, hẻm, kiệt, tuyến, đoạn, dốc, ngã tư, ngã ba, ngã sáu, nút giao, vòng xuyến, "
    "phường, quận, xã, huyện, thị xã, thị trấn, tỉnh, thành phố, tp, tx, thôn, xóm, ấp, bản, làng, "
    "tổ dân phố, khu phố, khu, khu đô thị, kđt, khu tập thể, ktt, khu dân cư, chung cư, tòa nhà, số nhà, "
    "trường, thcs, thpt, th, mn, ptth, ptcs, tiểu học, trung học, trung học cơ sở, trung học phổ thông, "
    "mầm non, đại học, học viện, cao đẳng, chuyên, bệnh viện, bv, đa khoa, trạm y tế, phòng khám, "
    "cầu, chợ, công viên, vườn hoa, quảng trường, sân vận động, nhà văn hóa, nhà văn hoá, nhà thi đấu, "
    "bến xe, bến, ga, hầm, cảng, đình, chùa, đền, miếu, nhà thờ, tượng đài, lăng, bảo tàng, thư viện, "
    "công ty, cty, cửa hàng, siêu thị, nhà sách, tập đoàn, hợp tác xã, htx, giải, quỹ"
)
# Abbreviations written with a dot: "P. Lê Đại Hành", "Q. Hai Bà Trưng", "TP. Hồ Chí Minh".
PLACE_ABBREVIATIONS = frozenset({"p", "q", "tp", "tx", "tt", "h", "x", "đ", "ng", "kđt", "bv", "th"})
# Words that make the name after them a person: forms of address, titles, "tên là".
PERSON_WORDS = _phrases(
    "ông, bà, anh, chị, em, cô, chú, bác, cháu, cụ, dì, dượng, thím, mợ, cậu, thầy, con, vợ, chồng, "
    "mẹ, bố, cha, đồng chí, đ/c, cán bộ, công chức, viên chức, chủ tịch, phó chủ tịch, bí thư, "
    "tổ trưởng, trưởng thôn, trưởng khu, giám đốc, hiệu trưởng, bác sĩ, bs, y tá, giáo viên, cô giáo, "
    "thầy giáo, công an, cảnh sát, chiến sĩ, kế toán, chủ hộ, chủ nhà, chủ quán, hộ, gia đình, "
    "họ tên, tên là, tôi là, hộ ông, hộ bà, hàng xóm"
)
# The same words typed without diacritics, for a text typed so ("ong Tran Van Binh", "duong Tran Phu"),
# less those that then mean something else too: "cho" (chợ, cho), "den" (đền, đến), "ban" (bản, bạn), "ga".
_PLAIN_PLACE_WORDS = frozenset(fold(w) for w in PLACE_WORDS) - {"cho", "den", "ban", "ga"}
_PLAIN_PERSON_WORDS = frozenset(fold(w) for w in PERSON_WORDS) - _PLAIN_PLACE_WORDS  # "duong": đường
_COMMUNE_WORDS = frozenset({"phuong", "xa", "quan", "huyen"})
_CONTEXT_WORDS = _PLAIN_PLACE_WORDS | _PLAIN_PERSON_WORDS
# Kept whatever comes before: people the public knows by name, who are no personal data to hide.
_NO_PERSON_BEFORE = frozenset({"anh hùng", "vua", "đại tướng", "danh nhân", "nhà thơ"})

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d[\w/]*(?:[.,-]\d[\w/]*)*|[^\w\s]")
# A folded Vietnamese syllable: an initial consonant, a vowel nucleus, a final consonant ("nguyen",
# "thuong", "khanh"); acronyms ("UBND", "THCS") and foreign words ("Park", "Street") do not fit.
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?"
)


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    start: int
    end: int
    gap: str  # what separates it from the token before

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def folded(self) -> str:
        return _fold_word(self.text)

    @property
    def is_word(self) -> bool:
        return self.text[0].isalpha()

    @property
    def is_number(self) -> bool:
        return self.text[0].isdigit()


@cache
def family_names() -> tuple[frozenset[str], frozenset[str]]:
    """The family names in lower case with diacritics, and folded (for text typed without them)."""
    with (_DATA / "family_names.csv").open(encoding="utf-8") as f:
        names = {unicodedata.normalize("NFC", row["family_name"]).lower() for row in csv.DictReader(f)}
    return frozenset(names), frozenset(fold(name) for name in names)


@cache
def named_places() -> tuple[frozenset[str], frozenset[str]]:
    """Folded names that are places or historical figures when nothing before them says otherwise,
    and those kept even after a person word (people the public knows by name)."""
    with (_DATA / "named_places.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    places = {fold(row["name"]) for row in rows}
    with _COMMUNES.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            places.add(fold(re.sub(r"^(Phường|Xã)\s+", "", row["ward_name"])))
    public = {fold(row["name"]) for row in rows if row["kind"] == "public_figure"}
    return frozenset(places), frozenset(public)


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    """Folded once per distinct word: a booklet masks the texts of thousands of questions."""
    return fold(word)


def _tokens(text: str) -> list[_Token]:
    tokens, last = [], 0
    for match in _TOKEN.finditer(text):
        tokens.append(_Token(match.group(), match.start(), match.end(), text[last : match.start()]))
        last = match.end()
    return tokens


def _has_diacritics(word: str) -> bool:
    return _fold_word(word) != word.lower()


def _capitalised(word: str) -> bool:
    """ "Nam", "NAM", "H'Hen"; not "nam" or "NaM"."""
    rest = word[1:]
    return word[0].isupper() and (rest == rest.lower() or rest == rest.upper())


def _is_family(token: _Token) -> bool:
    if not token.is_word or not _capitalised(token.text):
        return False
    with_marks, folded = family_names()
    return token.lower in with_marks if _has_diacritics(token.text) else token.folded in folded


def _is_syllable(token: _Token, *, last: bool = False) -> bool:
    """A capitalised word that can be a Vietnamese syllable, one space after the word before. With
    `last` (after a family and a middle name), a single capital too: "Nguyễn Văn A", "Lê Thị B"."""
    if not token.is_word or not _capitalised(token.text) or token.gap != " ":
        return False
    if last and len(token.text) == 1:
        return True
    if "'" in token.text or "’" in token.text:  # "H'Hen": names of the Central Highlands' peoples
        return True
    # "Ông"/"Bà" start the next phrase ("… Nguyễn Văn Nam Bà Hoa …"); "Anh", "Em" are given names too.
    return bool(_SYLLABLE.fullmatch(token.folded)) and token.lower not in ("ông", "bà")


def _words_before(tokens: Sequence[_Token], i: int, n: int) -> str | None:
    """The `n` words just before token `i`, lower case, if they belong to the same phrase."""
    if i - n < 0 or tokens[i].gap.strip():
        return None
    words = tokens[i - n : i]
    if not all(t.is_word for t in words) or any(t.gap.strip() or "\n" in t.gap for t in words[1:]):
        return None
    return " ".join(t.lower for t in words)


def _context(tokens: Sequence[_Token], i: int, *, plain: bool) -> str:
    """What the words before the name at `i` make of it: "place", "person", "official" (a title of a
    commune's committee: "Chủ tịch UBND phường Trần Văn Bình") or "" (nothing said).
    `plain`: the text has no diacritics, so the words are compared folded."""
    if i == 0:
        return ""
    before = tokens[i - 1]
    if before.is_number and not tokens[i].gap.strip():  # "số 5 Lê Lợi", "ngõ 71 Nguyễn Trãi"
        return "place"
    if before.text == "." and i >= 2 and tokens[i - 2].lower in PLACE_ABBREVIATIONS:  # "TP. Hồ Chí Minh"
        return "place"
    for n in (3, 2, 1):  # the longest phrase first: "trường tiểu học" before "học"
        words = _words_before(tokens, i, n)
        if words is None:
            continue
        if words in _NO_PERSON_BEFORE:
            return "place"  # a historical person, as public as a place
        if words in PERSON_WORDS or (plain and words in _PLAIN_PERSON_WORDS):
            return "person"
        if (
            words in PLACE_WORDS
            or (n == 1 and words in PLACE_ABBREVIATIONS)
            or (plain and words in _PLAIN_PLACE_WORDS)
        ):
            return "official" if n == 1 and _after_a_title(tokens, i - 1) else "place"
    return ""


def _after_a_title(tokens: Sequence[_Token], i: int) -> bool:
    """Whether the commune word at `i` ends a title: "Chủ tịch UBND phường", "cán bộ UBND xã"."""
    if tokens[i].folded not in _COMMUNE_WORDS or i < 2 or tokens[i - 1].folded != "ubnd":
        return False
    return any(_words_before(tokens, i - 1, n) in PERSON_WORDS for n in (3, 2, 1))


def person_name_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of the people's full names in `text` (NFC)."""
    tokens = _tokens(text)
    letters = [c for c in text if c.isalpha()]
    shouting = len(letters) >= 8 and sum(c.isupper() for c in letters) > 0.6 * len(letters)
    plain = text.isascii()
    places, public = named_places()
    spans, i = [], 0
    while i < len(tokens):
        if not _is_family(tokens[i]):
            i += 1
            continue
        # Without diacritics "Duong" is Dương and đường, "Ho" Hồ and hộ: before another family name, it is
        # the word ("Duong Nguyen Trai", "Ho Tran Van Binh").
        if plain and i + 1 < len(tokens) and _is_family(tokens[i + 1]) and tokens[i].folded in _CONTEXT_WORDS:
            i += 1
            continue
        context = _context(tokens, i, plain=plain)
        # Most names have three syllables: in a text all in capitals, where the next word is capitalised
        # too, a name is taken to end there ("ÔNG NGUYỄN VĂN NAM XÂY NHÀ").
        longest = 3 if shouting else 4
        j = i + 1
        while j < len(tokens) and j - i < longest and _is_syllable(tokens[j], last=j - i >= 2):
            # "Hà Đông Nguyễn Văn A": a place ends where the place's name does, unless a person word
            # came before ("chị Hoàng Mai Anh").
            if context != "person" and j - i >= 2 and _joined(tokens, i, j) in places:
                break
            j += 1
        if j - i < 2:
            i += 1
            continue
        name = _joined(tokens, i, j)
        # "Hồ Tây", "Hồ Linh Đàm": hồ is a lake as well as a family name.
        lake = tokens[i].folded == "ho" and _joined(tokens, i + 1, j) in places
        if context == "person":
            hidden = name not in public
        elif context == "official":  # the commune's own name when it is a known one ("phường Lê Đại Hành")
            hidden = name not in places and name not in public
        else:
            # Kept: a place word before; a known place or figure; anything in a text all in capitals.
            hidden = not (context or shouting or name in places or lake or name in public)
        if hidden:
            spans.append((tokens[i].start, tokens[j - 1].end))
        i = j
    return spans


def _joined(tokens: Sequence[_Token], i: int, j: int) -> str:
    return " ".join(t.folded for t in tokens[i:j])
