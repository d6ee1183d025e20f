"""The bodies of the administration: what a coordinator may send, checked once at the edge.

The JSON API (`admin/api.py`) and the pages (`web/admin/`) convert into these Structs, so both refuse
the same values with the same words: `explain` says in Vietnamese what is wrong with a field. The
services then check only what needs the database (duplicates, references, the unit tree).

POST bodies (`...In`) carry every field; PATCH bodies (`...Patch`) only those that change. Codes never
change: they are the keys other systems and the seed data use.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from msgspec import UNSET, Meta, Struct, UnsetType

from feedback.accounts.models import ROLE_NAMES, ROLES, Role
from feedback.directory.models import (
    CATEGORY_SCOPES,
    SCOPE_NAMES,
    UNIT_KIND_NAMES,
    UNIT_KINDS,
    Scope,
    UnitKind,
)
from feedback.errors import DomainError
from feedback.items.vocabulary import SEVERITIES, SEVERITY_NAMES, Severity
from feedback.text import EMAIL_PATTERN

MAX_HOURS = 24 * 30
MAX_DAYS = 365

# A new row's key; a reference to an existing row only needs to be found.
Code = Annotated[str, Meta(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
Ref = Annotated[str, Meta(min_length=1, max_length=40)]
Name = Annotated[str, Meta(max_length=200, pattern=r"\S")]
Text = Annotated[str, Meta(max_length=200)]
Email = Annotated[str, Meta(max_length=254, pattern=rf"^(?:{EMAIL_PATTERN})?$")]
Login = Annotated[str, Meta(max_length=254, pattern=rf"^{EMAIL_PATTERN}$")]
Password = Annotated[str, Meta(min_length=8, max_length=200)]
Keywords = Annotated[list[Annotated[str, Meta(max_length=200)]], Meta(max_length=100)]
Hours = Annotated[int, Meta(ge=1, le=MAX_HOURS)]
Days = Annotated[int, Meta(ge=1, le=MAX_DAYS)]
Priority = Annotated[int, Meta(ge=-1000, le=1000)]


class UnitIn(Struct, forbid_unknown_fields=True):
    code: Code
    name: Name
    kind: UnitKind
    parent: Ref | None = None
    email: Email = ""
    head_email: Email = ""
    head_name: Text = ""
    requires_approval: bool = False
    active: bool = True


class UnitPatch(Struct, forbid_unknown_fields=True):
    name: Name | UnsetType = UNSET
    kind: UnitKind | UnsetType = UNSET
    parent: Ref | None | UnsetType = UNSET
    email: Email | UnsetType = UNSET
    head_email: Email | UnsetType = UNSET
    head_name: Text | UnsetType = UNSET
    requires_approval: bool | UnsetType = UNSET
    active: bool | UnsetType = UNSET


class CategoryIn(Struct, forbid_unknown_fields=True):
    code: Code
    name: Annotated[str, Meta(max_length=160, pattern=r"\S")]
    keywords: Keywords = []
    scope: Scope = Scope.OTHER
    active: bool = True


class CategoryPatch(Struct, forbid_unknown_fields=True):
    name: Annotated[str, Meta(max_length=160, pattern=r"\S")] | UnsetType = UNSET
    keywords: Keywords | UnsetType = UNSET
    scope: Scope | UnsetType = UNSET
    active: bool | UnsetType = UNSET


class RuleIn(Struct, forbid_unknown_fields=True):
    category: Ref
    unit: Ref
    commune: Ref | None = None
    severity: Severity | None = None
    priority: Priority = 0
    active: bool = True


class RulePatch(Struct, forbid_unknown_fields=True):
    category: Ref | UnsetType = UNSET
    unit: Ref | UnsetType = UNSET
    commune: Ref | None | UnsetType = UNSET
    severity: Severity | None | UnsetType = UNSET
    priority: Priority | UnsetType = UNSET
    active: bool | UnsetType = UNSET


class PolicyIn(Struct, forbid_unknown_fields=True):
    severity: Severity
    accept_hours: Hours
    answer_days: Days
    category: Ref | None = None
    progress_days: Days | None = None


class PolicyPatch(Struct, forbid_unknown_fields=True):
    accept_hours: Hours | UnsetType = UNSET
    answer_days: Days | UnsetType = UNSET
    progress_days: Days | None | UnsetType = UNSET


class ExceptionIn(Struct, forbid_unknown_fields=True):
    day: date
    working: bool
    note: Text = ""


class ExceptionPatch(Struct, forbid_unknown_fields=True):
    working: bool | UnsetType = UNSET
    note: Text | UnsetType = UNSET


class UserIn(Struct, forbid_unknown_fields=True):
    email: Login
    role: Role
    password: Password
    unit: Ref | None = None
    name: Text = ""
    active: bool = True


class UserPatch(Struct, forbid_unknown_fields=True):
    name: Text | UnsetType = UNSET
    role: Role | UnsetType = UNSET
    unit: Ref | UnsetType = UNSET
    active: bool | UnsetType = UNSET
    # A new password (reset); the account's sessions end.
    password: Password | UnsetType = UNSET


def changes(body: Struct) -> dict[str, Any]:
    """The fields a body sets (a PATCH body leaves the others UNSET)."""
    return {f: v for f in body.__struct_fields__ if (v := getattr(body, f)) is not UNSET}


# --- refusals, in Vietnamese --------------------------------------------------------------------------

LABELS = {
    "code": "Mã",
    "name": "Tên",
    "kind": "Loại đơn vị",
    "parent": "Mã đơn vị cấp trên",
    "email": "Thư điện tử",
    "head_email": "Thư điện tử của lãnh đạo",
    "head_name": "Chức danh, tên lãnh đạo",
    "keywords": "Từ khóa",
    "scope": "Phạm vi",
    "category": "Mã lĩnh vực",
    "unit": "Mã đơn vị",
    "commune": "Mã xã/phường",
    "severity": "Mức độ",
    "priority": "Độ ưu tiên",
    "accept_hours": "Thời hạn tiếp nhận (giờ làm việc)",
    "answer_days": "Thời hạn trả lời (ngày làm việc)",
    "progress_days": "Kỳ báo cáo tiến độ (ngày)",
    "day": "Ngày",
    "working": "Ngày làm việc",
    "note": "Ghi chú",
    "role": "Vai trò",
    "password": "Mật khẩu",
    "active": "Đang hoạt động",
    "requires_approval": "Lãnh đạo duyệt trả lời",
}
_CHOICES = {
    "kind": (UNIT_KINDS, UNIT_KIND_NAMES),
    "scope": (CATEGORY_SCOPES, SCOPE_NAMES),
    "severity": (SEVERITIES, SEVERITY_NAMES),
    "role": (ROLES, ROLE_NAMES),
}
_HINTS = {
    "code": "chỉ gồm chữ cái không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới (tối đa 40 ký tự)",
    "name": "không được để trống",
    "email": "không phải địa chỉ thư điện tử hợp lệ",
    "head_email": "không phải địa chỉ thư điện tử hợp lệ",
    "day": "cần dạng năm-tháng-ngày",
}
_LENGTH = re.compile(r"length ([<>])= (\d+)")
_BOUND = re.compile(r"`int` ([<>])= (-?\d+)")
# msgspec's words for a value outside its field's limits (a 422), as against a body of the wrong shape
# (unknown or missing fields, wrong types, a date that does not parse: a 400, as for every API body).
_LIMIT = re.compile(r"^(Invalid enum value|Expected `\w+` (of length|matching regex|[<>]=))")


def explain(field: str, message: str) -> str:
    """msgspec's `message` about `field`, in Vietnamese, naming the field."""
    if length := _LENGTH.search(message):
        n = length.group(2)
        detail = f"tối đa {n} ký tự" if length.group(1) == "<" else f"cần ít nhất {n} ký tự"
        if field == "keywords" and "array" in message:
            detail = f"tối đa {n} từ khóa"
    elif bound := _BOUND.search(message):
        detail = f"không được {'lớn' if bound.group(1) == '<' else 'nhỏ'} hơn {bound.group(2)}"
    elif "missing required field" in message:
        detail = "không được để trống"
    elif field in _CHOICES:
        allowed, names = _CHOICES[field]
        detail = "phải là một trong: " + ", ".join(f"{names[v]} ({v})" for v in allowed)
    elif field in _HINTS:
        detail = _HINTS[field]
    elif "`int`" in message:
        detail = "cần một số nguyên"
    else:
        detail = "giá trị không hợp lệ"
    return f"{LABELS.get(field, field)}: {detail}"


def refusal(key: str, message: str) -> DomainError | None:
    """The 422 for a value outside its field's limits (`key` as Litestar names it: `keywords[0]`), or
    None when the body has the wrong shape."""
    if not _LIMIT.match(message):
        return None
    field = key.split("[", 1)[0]
    return DomainError(explain(field, message), field=field)
