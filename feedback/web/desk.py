"""The one-stop desk's page (Bộ phận Một cửa): enter an item received on paper, by post, by phone, by
e-mail or in person, with its real receipt time and the scanned papers; then print its receipt.

The same filing form as the citizen's (citizen.form_page, one template), with the channel and the
receipt time; the same path as the API (`intake.submit` with the desk officer as actor)."""

from __future__ import annotations

from datetime import datetime

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect

from feedback import clock
from feedback.attachments import uploads
from feedback.errors import DomainError, NotFound
from feedback.intake import services as intake
from feedback.intake.schemas import StaffFeedbackCreate
from feedback.items.access import ENTERS_RECEIVED_ITEMS, entered_by
from feedback.items.vocabulary import CHANNEL_NAMES, Channel
from feedback.security import sessions
from feedback.settings import Settings
from feedback.web.auth import staff_page_user
from feedback.web.citizen import form_page
from feedback.web.filing_form import FIELD_OF, FORM_FIELDS, LIMIT_MESSAGES, every_problem, form_body
from feedback.web.forms import form_struct
from feedback.web.rendering import page

# What reaches a desk: the others come by their own way (online, a conference, Open311).
DESK_CHANNELS = {c: CHANNEL_NAMES[c] for c in (Channel.DESK, Channel.POSTAL, Channel.PHONE, Channel.EMAIL)}
DESK_FIELDS = (*FORM_FIELDS, "channel", "received_at")
_MINUTE = "%Y-%m-%dT%H:%M"


def _denied(request: Request, user: object) -> Response[str]:
    message = "Chỉ Bộ phận Một cửa hoặc điều phối viên được nhập phản ánh."
    return page(request, "staff_denied.html", {"message": message}, user=user, status_code=403)


async def _desk_page(  # noqa: ANN202
    request: Request,
    settings: Settings,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status: int = 200,
    saved: object = None,
):
    return await form_page(
        request, settings, values, errors, status, desk=True, channels=DESK_CHANNELS, saved=saved
    )


@get("/staff/intake", include_in_schema=False)
async def intake_page(request: Request, settings: NamedDependency[Settings]) -> Response[str]:
    user = await staff_page_user(request)
    if user.role not in ENTERS_RECEIVED_ITEMS:
        return _denied(request, user)
    now = clock.now().astimezone(settings.tz).strftime(_MINUTE)
    saved = None
    if code := request.query_params.get("saved", "")[:30]:
        try:  # only an item this officer entered: the page says where it went and hands the receipt
            saved = await entered_by(user, code)
            await saved.fetch_related("unit")
        except NotFound:
            saved = None
    values = {"severity": "normal", "channel": Channel.DESK, "received_at": now}
    return await _desk_page(request, settings, values, saved=saved)


def _received_at(raw: str, settings: Settings) -> str | None:
    """The receipt time typed at the desk (local, to the minute) as an ISO time with the zone."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        moment = datetime.strptime(raw[:16], _MINUTE).replace(tzinfo=settings.tz)
    except ValueError:
        raise DomainError(
            "Thời điểm tiếp nhận cần dạng ngày/tháng/năm giờ:phút", field="received_at"
        ) from None
    return moment.isoformat()


@post("/staff/intake", include_in_schema=False, request_max_body_size=uploads.MAX_BODY)
async def intake_submit(request: Request, settings: NamedDependency[Settings]) -> Response[str] | Redirect:
    user = await staff_page_user(request)
    if user.role not in ENTERS_RECEIVED_ITEMS:
        return _denied(request, user)
    try:
        form = await uploads.read_form(request, settings, text_fields=(*DESK_FIELDS, sessions.CSRF_FIELD))
    except DomainError as exc:
        field = "files" if exc.field == uploads.FILES else (exc.field or "files")
        kept = {name: exc.form_fields.get(name, "") for name in DESK_FIELDS}
        return await _desk_page(request, settings, kept, {field: exc.message}, 422)
    async with form.discard_on_error():  # a forged request leaves no file behind
        sent = request.headers.get(sessions.CSRF_HEADER) or form.fields.get(sessions.CSRF_FIELD, "")
        sessions.require_csrf(settings, request.cookies.get(sessions.SESSION_COOKIE, ""), sent)
    values = {name: form.fields.get(name, "") for name in DESK_FIELDS}
    errors: dict[str, str] = {}
    body = form_body(form.fields) | {"channel": values["channel"] or Channel.DESK, "received_at": None}
    try:
        body["received_at"] = _received_at(values["received_at"], settings)
    except DomainError as exc:
        errors["received_at"] = exc.message
    # Every problem at once, as on the citizen's form.
    if errors := errors | await every_problem(body, StaffFeedbackCreate, settings):
        await form.discard()
        return await _desk_page(request, settings, values, errors, 422)
    try:
        async with form.discard_on_error():
            data = form_struct(body, StaffFeedbackCreate, messages=LIMIT_MESSAGES, fields=FIELD_OF)
            submitted = await intake.submit(data, settings, actor=user, uploads=form.uploads)
    except DomainError as exc:
        field = FIELD_OF.get(exc.field or "", exc.field or "form")
        return await _desk_page(request, settings, values, {field: exc.message}, 422)
    return Redirect(f"/staff/intake?saved={submitted.item.code}", status_code=303)


DESK_ROUTES = [intake_page, intake_submit]
