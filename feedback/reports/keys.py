"""The row of a report whose items are asked for (`by` + `key`): a field's code, a channel, a commune's
code, an officer's id, a unit's code, or `-` for the row without one (no field, commune or officer),
read into the key values the counts group by (reports/query.py `_KEYS`). A value that names no row is
a 400 that says which, in Vietnamese."""

from __future__ import annotations

from typing import Any

from feedback.accounts.models import StaffUser
from feedback.directory.reference import Reference, UnitRef
from feedback.errors import DomainError
from feedback.items.vocabulary import CHANNEL_NAMES, Channel

GROUPS = ("unit", "category", "channel", "commune", "officer")
NONE = "-"  # the row of items without a key: "Chưa xác định lĩnh vực", "Chưa phân công cán bộ", …
WHAT = {"unit": "đơn vị", "category": "lĩnh vực", "channel": "kênh tiếp nhận", "commune": "xã, phường",
        "officer": "cán bộ"}  # fmt: skip
MAX_LENGTH = 80
NO_KEY = {
    "category": "Chưa xác định lĩnh vực",
    "commune": "Không gắn xã, phường",
    "officer": "Chưa phân công cán bộ",
    "unit": "Đơn vị khác",
    "channel": "Kênh khác",
}


class BadKey(DomainError):
    """A row the items cannot be listed by: 400."""

    status_code = 400


def _checked(by: str, key: str | None) -> str:
    if by not in GROUPS:
        raise BadKey(f"Không liệt kê được phản ánh theo '{by[:40]}'", field="by")
    key = (key or "").strip()
    if not key:
        raise BadKey(f"Cần chọn {WHAT[by]} (key) của dòng báo cáo", field="key")
    if len(key) > MAX_LENGTH:
        raise BadKey(f"Mã {WHAT[by]} quá dài", field="key")
    return key


def unit(key: str | None, ref: Reference) -> UnitRef:
    """by=unit: the unit of that code (its items with its sub-units')."""
    code = _checked("unit", key)
    found = ref.unit_by_code(code)
    if found is None:
        raise BadKey(f"Không có đơn vị mã '{code}'", field="key")
    return found


async def values(by: str, key: str | None, ref: Reference) -> tuple[Any, ...]:
    """The key values (ids, a channel; None: no key) of the row `key` names in a report by `by`
    (not by unit: see `unit`)."""
    key = _checked(by, key)
    if key == NONE and by in ("category", "commune", "officer"):
        return (None,)
    if by == "channel":
        if key not in tuple(Channel):
            raise BadKey(f"Không có kênh tiếp nhận '{key}'", field="key")
        return (key,)
    if by == "category":
        category = ref.categories.get(key)
        if category is None:
            raise BadKey(f"Không có lĩnh vực mã '{key}'", field="key")
        return (category.id,)
    if by == "commune":
        commune = ref.communes.get(key)
        if commune is None:
            raise BadKey(f"Không có xã, phường mã '{key}'", field="key")
        return (commune.id,)
    if by == "officer" and key.isdigit() and len(key) < 10 and await StaffUser.filter(id=int(key)).exists():
        return (int(key),)
    raise BadKey(f"Không có {WHAT[by]} '{key}'", field="key")


def of_row(by: str, code: str | None, ident: Any) -> str | None:
    """The `key` that lists the items of a row of `summary(by=…)` (its Key's code and ident); None: a
    row whose key is no longer in the directory (a deleted field), whose items cannot be named."""
    if by == "unit":
        return code
    if ident is None:
        return NONE if by != "channel" else None
    if by == "officer":
        return str(ident)
    return code


async def name(by: str, key: str | None, ref: Reference) -> str:
    """The name of the row `key` names (as the report shows it), or BadKey."""
    if by == "unit":
        return unit(key, ref).name
    [value] = await values(by, key, ref)
    if value is None:
        return NO_KEY[by]
    if by == "channel":
        return CHANNEL_NAMES.get(value, value)
    if by == "officer":
        user = await StaffUser.get(id=value)
        return user.name or user.email
    found = ref.categories if by == "category" else ref.communes
    return found[str(key).strip()].name
