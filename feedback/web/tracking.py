"""Tracking without the secret link: the code and the phone number or e-mail given at filing, and a new
link sent to that e-mail. Both rate-limited per item and per address (security.throttle.contact_attempt);
both answer the same for a wrong code and a wrong contact, so the forms tell nobody whose item it is.

POST, not GET: a phone number or an e-mail in a URL would stay in the browser's history."""

from __future__ import annotations

from litestar import Request, Response, post
from litestar.di import NamedDependency

from feedback.edge import is_tracking_code
from feedback.errors import NotFound
from feedback.intake.api import track_by_contact, tracked
from feedback.intake.relink import send_new_link
from feedback.security.client import client_address
from feedback.security.throttle import contact_attempt, rate_limited
from feedback.settings import Settings
from feedback.web.auth import optional_user
from feedback.web.rendering import page

_MAX = 254
SENT = (
    "Nếu mã số phản ánh và địa chỉ thư điện tử khớp với phản ánh đã gửi, đường dẫn tra cứu mới đã được "
    "gửi tới hộp thư của Ông/Bà. Đường dẫn cũ không còn sử dụng được."
)


def _fields(form: object, *names: str) -> list[str]:
    values = []
    for name in names:
        value = form.get(name) if hasattr(form, "get") else None  # type: ignore[union-attr]
        values.append(value.strip()[:_MAX] if isinstance(value, str) else "")
    return values


async def _form(request: Request, status: int, **context: object) -> Response[str]:
    shown = {
        "code": "",
        "token": "",
        "errors": {},
        "refusal": None,
        "contact_errors": {},
        "contact_code": "",
        "sent": "",
    }
    return page(
        request,
        "track_form.html",
        {**shown, **context},
        user=await optional_user(request),
        status_code=status,
    )


@post("/track/contact", include_in_schema=False, status_code=200)
async def track_with_contact(request: Request, settings: NamedDependency[Settings]) -> Response[str]:
    code, contact = _fields(await request.form(), "code", "contact")
    errors = {}
    if not is_tracking_code(code.upper()):
        errors["contact_code"] = "Nhập mã số phản ánh, ví dụ PAKN.20261123.0001"
    if not contact:
        errors["contact"] = "Nhập số điện thoại hoặc thư điện tử đã khai khi gửi phản ánh"
    if errors:
        return await _form(request, 422, contact_errors=errors, contact_code=code)
    try:
        item = await track_by_contact(code.upper(), contact, request, settings)
    except NotFound as exc:
        user = await optional_user(request)
        return page(request, "citizen_not_found.html", {"message": exc.message}, user=user, status_code=404)
    context = {
        "item": await tracked(item),
        "token": "",
        "token_query": "",
        "rated": False,
        "errors": {},
        "values": {},
    }
    return page(request, "track.html", context, user=await optional_user(request))


@post("/track/resend", include_in_schema=False, status_code=200, guards=[rate_limited("resend")])
async def resend_link(request: Request, settings: NamedDependency[Settings]) -> Response[str]:
    code, email = _fields(await request.form(), "code", "email")
    if not is_tracking_code(code.upper()) or "@" not in email:
        errors = {"resend": "Nhập mã số phản ánh và địa chỉ thư điện tử đã khai khi gửi phản ánh"}
        return await _form(request, 422, contact_errors=errors, contact_code=code)
    try:
        async with contact_attempt(code, client_address(request, settings), settings):
            await send_new_link(code, email, settings)
    except NotFound:
        pass  # counted, and the same answer: the form must not tell whether this e-mail filed this item
    return await _form(request, 200, sent=SENT)


TRACKING_ROUTES = [track_with_contact, resend_link]
