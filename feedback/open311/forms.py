"""What an Open311 client sends, read into pakn's terms: the list's filters and a new request's form
(as intake's `FeedbackCreate`). Pure: a value that cannot be read is a `BadRequest` naming the Open311
parameter, so that a client's developer sees which of their fields is wrong."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import msgspec

from feedback.body_errors import explain
from feedback.edge import YEARS, in_years
from feedback.errors import DomainError
from feedback.intake.schemas import StaffFeedbackCreate
from feedback.items.vocabulary import SEVERITIES, Channel

MAX_IDS = 100  # service_request_id: a comma list of at most this many codes
MAX_SPAN = timedelta(days=90)  # GeoReport v2: a date range may not span more than 90 days
DEFAULT_SPAN = MAX_SPAN  # and without dates, the most recent 90 days
TITLE_LENGTH = 120  # a title made from the description's first words
UNCLASSIFIED = "chua-phan-loai"  # the service of a request whose field the receiving unit decides
STATUSES = ("open", "closed")


class BadRequest(DomainError):
    status_code = 400


@dataclass(frozen=True)
class Filters:
    codes: tuple[str, ...] = ()  # service_request_id: overrides every other filter
    services: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()


def _list(raw: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))


def parse_datetime(name: str, raw: str, tz: ZoneInfo, *, end: bool = False) -> datetime:
    """A W3C date-time (2026-11-23T09:00:00+07:00, or Z); a date alone is that day in pakn's time zone
    (its start, or for `end_date` its end); a time without an offset is pakn's local time."""
    text = raw.strip()
    example = "ví dụ 2026-11-23T09:00:00+07:00"
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            found = datetime.combine(day, time.max if end else time.min, tzinfo=tz)
        else:
            found = datetime.fromisoformat(text)
            found = found if found.tzinfo else found.replace(tzinfo=tz)
    except ValueError:
        raise BadRequest(f"{name} không phải ngày giờ W3C hợp lệ ({example})", field=name) from None
    if not in_years(found.year):
        raise BadRequest(f"{name} cần trong khoảng năm {YEARS[0]}–{YEARS[1]}", field=name)
    return found


def filters(query: Mapping[str, str], tz: ZoneInfo) -> Filters:
    """The filters of GET requests; 400 for a bad status, date or range."""
    codes = tuple(code.upper() for code in _list(query.get("service_request_id", "")))
    if len(codes) > MAX_IDS:
        raise BadRequest(f"service_request_id: tối đa {MAX_IDS} mã mỗi lần", field="service_request_id")
    statuses = _list(query.get("status", "").lower())
    if any(s not in STATUSES for s in statuses):
        raise BadRequest("status chỉ nhận open, closed hoặc open,closed", field="status")
    start = parse_datetime("start_date", query["start_date"], tz) if query.get("start_date") else None
    end = parse_datetime("end_date", query["end_date"], tz, end=True) if query.get("end_date") else None
    if start and end and start > end:
        raise BadRequest("start_date phải trước end_date", field="start_date")
    if start and end and end - start > MAX_SPAN:
        raise BadRequest("Khoảng start_date–end_date không được quá 90 ngày", field="end_date")
    return Filters(codes, _list(query.get("service_code", "")), start, end, statuses)


def _number(name: str, raw: str, bound: float) -> float | None:
    if not raw.strip():
        return None
    try:
        value = float(raw)
    except ValueError:
        raise BadRequest(f"{name} phải là một số (độ thập phân WGS-84)", field=name) from None
    if not math.isfinite(value) or not -bound <= value <= bound:
        raise BadRequest(f"{name} cần trong khoảng -{bound:g}..{bound:g}", field=name)
    return value


# intake's fields (and msgspec's paths of them) by the Open311 parameter a client sets
OPEN311_NAMES = {
    "title": "attribute[title]",
    "content": "description",
    "citizen.name": "first_name/last_name",
    "citizen.phone": "phone",
    "citizen.email": "email",
    "citizen.address": "attribute[contact_address]",
    "category": "service_code",
    "commune": "attribute[commune]",
    "address": "address_string",
    "latitude": "lat",
    "longitude": "long",
    "severity": "attribute[severity]",
    "publish": "attribute[publish]",
}


def open311_name(field: str | None) -> str:
    return OPEN311_NAMES.get(field or "", field or "")


def _title(form: Mapping[str, str], description: str) -> str:
    given = form.get("attribute[title]", "").strip()
    if given:
        return given
    first = description.strip().splitlines()[0] if description.strip() else ""
    return first if len(first) <= TITLE_LENGTH else first[: TITLE_LENGTH - 1].rstrip() + "…"


def new_request(form: Mapping[str, str]) -> StaffFeedbackCreate:
    """A POSTed request as intake's body, with the channel `open311` and the receipt time now.

    The citizen's name is the family name (last_name) then the given name (first_name), as Vietnamese
    names are written; the place of the problem is lat/long or address_string (one is required, as in
    GeoReport v2); Điều 7's contact address comes in attribute[contact_address].
    """
    latitude = _number("lat", form.get("lat", ""), 90)
    longitude = _number("long", form.get("long", ""), 180)
    if (latitude is None) != (longitude is None):
        raise BadRequest("Cần cả lat và long (hoặc không gửi cả hai)", field="lat")
    place = form.get("address_string", "").strip()
    if latitude is None and not place:
        raise BadRequest("Cần vị trí: lat và long, hoặc address_string", field="address_string")
    service = form.get("service_code", "").strip()
    if not service:
        raise BadRequest("Thiếu service_code (mã lĩnh vực, xem services.json)", field="service_code")
    severity = form.get("attribute[severity]", "").strip() or "normal"
    if severity not in SEVERITIES:
        raise BadRequest(f"attribute[severity] chỉ nhận {', '.join(SEVERITIES)}", field="attribute[severity]")
    publish = form.get("attribute[publish]", "").strip().lower()
    if publish not in ("", "true", "false", "1", "0"):
        raise BadRequest("attribute[publish] chỉ nhận true hoặc false", field="attribute[publish]")
    description = form.get("description", "")
    if not description.strip():
        raise BadRequest("Thiếu description (nội dung phản ánh)", field="description")
    content = description.strip()
    media = form.get("media_url", "").strip()
    if media:
        if not media.startswith(("http://", "https://")) or len(media) > 500:
            raise BadRequest("media_url cần là một địa chỉ http(s) không quá 500 ký tự", field="media_url")
        content = f"{content}\n\nẢnh/tệp đính kèm (media_url): {media}"
    name = f"{form.get('last_name', '').strip()} {form.get('first_name', '').strip()}".strip()
    body = {
        "title": _title(form, description),
        "content": content,
        "category": None if service == UNCLASSIFIED else service,
        "commune": form.get("attribute[commune]", "").strip() or None,
        "address": place,
        "latitude": latitude,
        "longitude": longitude,
        "severity": severity,
        "publish": publish in ("true", "1"),
        "channel": Channel.OPEN311.value,
        "citizen": {
            "name": name,
            "phone": form.get("phone", ""),
            "email": form.get("email", ""),
            "address": form.get("attribute[contact_address]", ""),
        },
    }
    try:
        return msgspec.convert(body, StaffFeedbackCreate)
    except msgspec.ValidationError as exc:
        message = str(exc)
        path = message.rpartition(" - at `$.")[2].rstrip("`") if " - at `$." in message else ""
        name = open311_name(path)
        raise BadRequest(explain(name, message.split(" - at ")[0]), field=name or None) from None
