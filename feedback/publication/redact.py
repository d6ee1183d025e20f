"""Redaction for publication (SPEC §8): names become initials; phone numbers, e-mail addresses and ID
numbers are replaced by a bracketed Vietnamese note. Pure functions of strings.

A mask is a whole placeholder such as "[số điện thoại đã ẩn]", never a partial number like
"09xx xxx x78": the kept digits would narrow the number down for anyone who already half-knows it, and
one consistent placeholder reads better in a published answer.

Masking errs towards hiding: a run of nine or more digits that is not money is treated as an ID number,
because in citizens' feedback it almost always is one (CMND, CCCD, tax code, bank account). Dates, money
with thousands separators, house numbers, tracking codes and law numbers are short or punctuated
differently, and are kept.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from feedback.publication.names import person_name_spans
from feedback.text import fold, normalize_phone

PHONE_MASK = "[số điện thoại đã ẩn]"
EMAIL_MASK = "[email đã ẩn]"
ID_MASK = "[số giấy tờ đã ẩn]"
ADDRESS_MASK = "[địa chỉ đã ẩn]"

# --- initials ------------------------------------------------------------------------------------------

# Tone marks. The other marks (circumflex, breve, horn) make letters of their own (Â, Ă, Ơ, Ư) and stay,
# so "Ứng" gives "Ư." and "Ánh" gives "A.". An apostrophe belongs to the word: "H'Hen Niê" -> "H.N.".
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_NAME_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’])*")


def initials(name: str) -> str:
    """ "Nguyễn Văn An" -> "N.V.A."; "An" -> "A."; "" -> ""."""
    letters = []
    for word in _NAME_WORD.findall(unicodedata.normalize("NFC", name)):
        first = "".join(c for c in unicodedata.normalize("NFD", word[0]) if c not in _TONES)
        letters.append(unicodedata.normalize("NFC", first).upper())
    return "".join(f"{letter}." for letter in letters)


# --- e-mail addresses --------------------------------------------------------------------------------

# "@" or the "[at]"/"(at)" people write to dodge spam robots; \w so Vietnamese letters count too.
_EMAIL = re.compile(r"[\w.+\-]+(?:@|\s?[\[(]at[\])]\s?)[\w\-]+(?:\.[\w\-]+)+", re.IGNORECASE)

# --- phone numbers -----------------------------------------------------------------------------------

# Between two digits: nothing, one of " .-", or a parenthesis closing/opening an area code: "(024) 3825".
_SEP = r"(?:[ .\-]|\)[ .\-]?|[ .\-]?\()?"
_COUNTRY = r"(?:\(\+?84\)|\+84|\(0084\)|0084|84)"
# National numbers start with three digits written together ("091", "024"), which tells a phone number
# from a date written with dots or dashes ("05-11-2026 08:30" has ten digits too).
_NATIONAL = rf"0(?:[35789]\d(?:{_SEP}\d){{7}}|2\d(?:{_SEP}\d){{7,8}})"
_INTERNATIONAL = rf"{_COUNTRY}(?:{_SEP}\(0\))?{_SEP}0?(?:[35789](?:{_SEP}\d){{8}}|2(?:{_SEP}\d){{8,9}})"
# Not inside a longer number: "1.093.456.789 đồng" or the "0001" of "PAKN.20261123.0001".
_PHONE = re.compile(rf"(?<!\d)(?<!\d[.,])(?P<open>\()?(?:{_NATIONAL}|{_INTERNATIONAL})(?!\d)")
_DIGIT_GROUP = re.compile(r"\d+")


def _mask_phone(match: re.Match[str]) -> str:
    raw = match.group(0)
    groups = _DIGIT_GROUP.findall(raw.replace("(0)", ""))
    # A one-digit group is how dates and lists are written, not phone numbers.
    if normalize_phone(raw) is None or min(len(g) for g in groups) < 2:
        return raw
    # "(0912345678)": the closing parenthesis is outside the match, so keep the opening one too.
    if match.group("open") and ")" not in raw:
        return f"({PHONE_MASK}"
    return PHONE_MASK


# --- ID numbers --------------------------------------------------------------------------------------

_MONEY_UNIT = r"\s*(?:đồng|đ|vnđ|vnd|₫)(?!\w)"
# Nine or more digits in a row (CMND 9, CCCD 12, tax codes, bank accounts), or a CCCD written in groups
# ("001 099 012 345", "0010.9901.2345"); never money ("150000000 đồng").
_ID = re.compile(
    rf"(?<!\d)(?<!\d[.,])(?:\d{{9,}}|0\d{{2,3}}(?:[ .]\d{{3,4}}){{2,3}})(?!\d)(?![.,]\d)(?!{_MONEY_UNIT})",
    re.IGNORECASE,
)
# Vietnamese passport: one letter and seven digits ("B1234567").
_PASSPORT = re.compile(r"(?<!\w)[A-Za-z]\d{7}(?!\w)")


def _mask_id(match: re.Match[str]) -> str:
    raw = match.group(0)
    grouped = not raw.isdigit()
    return ID_MASK if not grouped or sum(c.isdigit() for c in raw) == 12 else raw


# --- names and addresses, matched with or without diacritics ------------------------------------------


def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"
    return "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)).lower()


class _FoldTable(dict):
    """A `str.translate` table that folds each character the first time it is seen: folding a text is
    then one C loop, which matters when a booklet masks the texts of thousands of questions."""

    def __missing__(self, codepoint: int) -> str:
        folded = _fold_char(chr(codepoint))
        if len(self) < _FOLD_CACHED:  # bounded: a text of every code point must not grow it forever
            self[codepoint] = folded
        return folded


_FOLD_CACHED = 20_000
_FOLD = _FoldTable()


def _folded_with_index(text: str) -> tuple[str, Sequence[int]]:
    """`text` folded character by character (as feedback.text.fold, without collapsing spaces), with the
    index in `text` of each folded character, so a match in the folded text maps back to the original."""
    folded = text.translate(_FOLD)
    if len(folded) == len(text):  # every character folded to one: the index is the identity
        return folded, range(len(text))
    pieces = [_fold_char(char) for char in text]
    return "".join(pieces), [i for i, plain in enumerate(pieces) for _ in plain]


def _replace_phrase(text: str, phrase: str, replacement: str, *, capitalised: bool = False) -> str:
    """Replace every whole-word occurrence of `phrase`, ignoring case, diacritics and punctuation between
    its words. With `capitalised`, only occurrences whose first letter is upper case count."""
    words = re.findall(r"\w+", fold(phrase))
    if not words:
        return text
    folded, index = _folded_with_index(text)
    if any(word not in folded for word in words):  # most texts never name the person: done
        return text
    pattern = re.compile(r"(?<!\w)" + r"\W+".join(map(re.escape, words)) + r"(?!\w)")
    pieces, last = [], 0
    for match in pattern.finditer(folded):
        start, end = index[match.start()], index[match.end() - 1] + 1
        if start < last or (capitalised and not text[start].isupper()):
            continue
        pieces += [text[last:start], replacement]
        last = end
    return "".join(pieces) + text[last:]


# --- all together ------------------------------------------------------------------------------------


def mask_people(text: str) -> str:
    """`text` with the full names of people written in it reduced to initials, as the writer's own name
    is: "ông Nguyễn Văn Nam ở số 5" -> "ông N.V.N. ở số 5"; "phố Lê Lợi" stays (`publication.names`)."""
    pieces, last = [], 0
    for start, end in person_name_spans(text):
        pieces += [text[last:start], initials(text[start:end])]
        last = end
    return "".join(pieces) + text[last:]


def mask_text(
    text: str, *, names: Iterable[str] = (), addresses: Iterable[str] = (), others: bool = True
) -> str:
    """`text` with e-mail addresses, phone numbers and ID numbers masked, each name in `names` replaced by
    its initials and each address in `addresses` masked (names and addresses with or without diacritics,
    in any case), and, with `others`, the full names of other people written in it reduced to initials.

    A one-word name is replaced only where it is capitalised, so the name "An" leaves "an toàn" alone.
    An address without a digit ("Hà Đông") identifies nobody and is left, so the text keeps its places.
    """
    # NFC first: text typed on some systems arrives decomposed, which would hide names from the match.
    text = unicodedata.normalize("NFC", text)
    text = _EMAIL.sub(EMAIL_MASK, text)
    text = _PHONE.sub(_mask_phone, text)
    text = _ID.sub(_mask_id, text)
    text = _PASSPORT.sub(ID_MASK, text)
    for address in addresses:
        if any(c.isdigit() for c in address):
            text = _replace_phrase(text, unicodedata.normalize("NFC", address), ADDRESS_MASK)
    # Longest names first, so "Nguyễn Văn An" becomes "N.V.A." before a shorter name could split it.
    for name in sorted(names, key=lambda n: len(n.split()), reverse=True):
        name = unicodedata.normalize("NFC", name)
        if replacement := initials(name):
            text = _replace_phrase(text, name, replacement, capitalised=len(name.split()) == 1)
    return mask_people(text) if others else text
