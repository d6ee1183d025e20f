"""Vietnamese text helpers: diacritics folding, category suggestion, phone numbers. Pure functions."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_WORD = re.compile(r"[a-z0-9]+")
# Characters people put inside phone numbers: "(+84) 912.345-678".
_PHONE_NOISE = re.compile(r"[\s.\-()/]")
_MOBILE = re.compile(r"0[35789]\d{8}")
_LANDLINE = re.compile(r"02\d{8,9}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
EMAIL_PATTERN = _EMAIL.pattern  # the same rule for schemas, where msgspec checks a pattern


def fold(text: str) -> str:
    """Lower case, no diacritics, single spaces: "Hà  Đông" -> "ha dong"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(text.lower().split())


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def suggest_category(text: str, categories: Sequence[tuple[str, str]]) -> str | None:
    """The code of the category whose keywords best match `text`, or None when none matches.

    `categories` holds (code, keywords), keywords separated by "|" or newlines. Keywords match whole
    words only, with or without diacritics; a phrase of n words weighs n, so "xây dựng trái phép"
    outweighs a stray "xây dựng". On a tie the category listed first wins.
    """
    padded = f" {' '.join(_words(text))} "
    best_code, best_score = None, 0
    for code, keywords in categories:
        score = 0
        for keyword in re.split(r"[|\n]", keywords):
            words = _words(keyword)
            if words:
                score += padded.count(f" {' '.join(words)} ") * len(words)
        if score > best_score:
            best_code, best_score = code, score
    return best_code


def normalize_phone(raw: str | None) -> str | None:
    """A Vietnamese phone number as "0XXXXXXXXX" (mobile, 10 digits; landline 02…, 10–11), or None."""
    if not raw:
        return None
    digits = _PHONE_NOISE.sub("", raw)
    # Country code +84 / 0084 / 84 (a national number always starts with 0), maybe followed by "(0)".
    for prefix in ("+84", "0084", "84"):
        if digits.startswith(prefix):
            digits = "0" + digits.removeprefix(prefix).removeprefix("0")
            break
    if _MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits):
        return digits
    return None


def is_email(text: str) -> bool:
    """A plausible e-mail address (something@domain.tld, at most 254 characters): the mail server has
    the last word; this only catches typing mistakes."""
    return len(text) <= 254 and _EMAIL.fullmatch(text) is not None


def has_nul(text: str) -> bool:
    """NUL (U+0000) in text: PostgreSQL's text type cannot store it and no keyboard types it, so pakn
    refuses it wherever text comes in (feedback/edge.py) instead of failing at the database."""
    return "\x00" in text
