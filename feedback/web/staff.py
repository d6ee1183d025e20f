"""Staff pages: log in and out, the inbox, one item with its action forms (reports: web/reports.py).

Pages only read (`inbox.search`, `casework.api.item_out`) and call the casework services; every POST
checks the session and its CSRF token (`current_user`), then answers 303 back to the page, or shows the
page again with the service's message next to the field it names.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, get_args
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from feedback import clock
from feedback.accounts import services as accounts
from feedback.accounts.api import current_user
from feedback.accounts.models import StaffUser
from feedback.attachments import uploads
from feedback.casework.actions import BODIES, perform
from feedback.casework.api import item_out
from feedback.casework.inbox import read_filters, search
from feedback.casework.rules import EXTENDS_AT_ONCE, Action
from feedback.casework.schemas import AnswerIn
from feedback.deadlines.promises import SOURCE_NAMES
from feedback.directory.reference import reference
from feedback.errors import DomainError, Forbidden, NotFound, TooManyRequests, Unauthorized
from feedback.items.access import ROLES_THAT_SEE_ITEMS, get_for
from feedback.items.grounds import CLASSIFICATION_NAMES, REFUSAL_GROUNDS
from feedback.items.vocabulary import OPEN_STATUSES, is_open
from feedback.security import sessions, throttle
from feedback.security.client import client_address
from feedback.settings import Settings
from feedback.web.auth import INBOX, home_page, optional_user, staff_page_user
from feedback.web.forms import form_struct
from feedback.web.rendering import SEVERITY_NAMES, STATUS_NAMES, page

Config = NamedDependency[Settings]
PAGE_SIZE = 50
DUE_SOON = timedelta(hours=24)
ACTIONS: tuple[str, ...] = get_args(Action)
# The fields of each action's form (its body's fields, and the files of an answer): an error naming
# another field (or none) is shown above the form.
FORM_FIELDS = {
    action: (*BODIES[action].__struct_fields__, *(("files",) if action == "answer" else ()))
    for action in ACTIONS
}
DONE = {
    "accept": "Đã tiếp nhận xử lý phản ánh.",
    "refuse": "Đã từ chối tiếp nhận phản ánh.",
    "extend": "Đã gia hạn trả lời.",
    "extend_requested": "Đã gửi đề nghị gia hạn; chờ lãnh đạo đơn vị phê duyệt.",
    "approve_extension": "Đã phê duyệt gia hạn; người dân đã được gửi phiếu xin lỗi và hẹn lại ngày trả kết quả.",
    "refuse_extension": "Đã từ chối đề nghị gia hạn; cán bộ đề nghị đã được thông báo.",
    "assign": "Đã phân công cán bộ xử lý.",
    "note": "Đã thêm ghi chú nội bộ.",
    "answer": "Đã gửi câu trả lời.",
    "answer_draft": "Đã lưu dự thảo trả lời; dự thảo chờ lãnh đạo đơn vị duyệt rồi mới gửi người dân.",
    "approve": "Đã phê duyệt và gửi câu trả lời.",
    "reopen": "Đã mở lại phản ánh.",
    "cooperate": "Đã mời đơn vị phối hợp.",
    "duplicate": "Đã đánh dấu trùng.",
    "transfer": "Đã chuyển phản ánh.",
    "intake": "Đã lưu phản ánh tiếp nhận tại Bộ phận Một cửa.",
    "apologise": "Đã gửi phiếu xin lỗi và hẹn lại ngày trả kết quả; ngày hẹn được theo dõi.",
}


def _local_next(value: str | None) -> str:
    """Only a path of this site: never `//evil.example` or `/\\evil.example` or a full address."""
    if value and value.startswith("/") and not value.startswith(("//", "/\\")) and "\n" not in value:
        return value
    return ""


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _denied(request: Request, user: StaffUser | None, message: str, status: int = 403) -> Response[str]:
    return page(request, "staff_denied.html", {"message": message}, user=user, status_code=status)


# --- log in, log out --------------------------------------------------------------------------


@get("/staff/login", include_in_schema=False)
async def login_page(request: Request) -> Response[str]:
    next_path = _local_next(request.query_params.get("next"))
    return page(
        request,
        "staff_login.html",
        {"next": next_path, "email": "", "error": ""},
        user=await optional_user(request),
    )


@post("/staff/login", include_in_schema=False)
async def login_submit(request: Request, settings: Config) -> Response[str] | Redirect:
    form = await request.form()
    email, password = _text(form, "email").strip(), _text(form, "password")
    next_path = _local_next(_text(form, "next"))
    status, error = 401, ""
    if not email or not password or len(email) > 254 or len(password) > 200:
        error = "Nhập thư điện tử và mật khẩu"
    else:
        try:
            async with throttle.login_attempt(email, client_address(request, settings), settings):
                user, token = await accounts.login(email, password)
        except (Unauthorized, TooManyRequests) as exc:
            status, error = exc.status_code, exc.message
        else:
            cookies = sessions.login_cookies(settings, token, accounts.SESSION_LIFETIME)
            return Redirect(next_path or home_page(user.role), status_code=303, cookies=cookies)
    context = {"next": next_path, "email": email, "error": error}
    return page(request, "staff_login.html", context, status_code=status)


@post("/staff/logout", include_in_schema=False)
async def logout(request: Request, settings: Config) -> Redirect:
    try:
        token = await sessions.session_token(request, settings)
    except Unauthorized:
        return Redirect("/", status_code=303, cookies=sessions.cleared_cookies(settings))
    await accounts.logout(token)
    return Redirect("/", status_code=303, cookies=sessions.cleared_cookies(settings))


# --- the inbox --------------------------------------------------------------------------------


@get("/staff", include_in_schema=False)
async def inbox_page(request: Request, settings: Config) -> Response[str] | Redirect:
    user = await staff_page_user(request)
    if user.role not in ROLES_THAT_SEE_ITEMS:
        if home_page(user.role) != INBOX:  # an organiser who follows a link to the inbox
            return Redirect(home_page(user.role), status_code=303)
        return _denied(request, user, "Vai trò của bạn không xử lý phản ánh, kiến nghị.")
    params = request.query_params
    asked = {
        k: (params.get(k) or "").strip()
        for k in ("status", "category", "commune", "unit", "overdue", "approval", "q")
    }
    try:
        number = max(1, int(params.get("page") or 1))
    except ValueError:
        number = 1
    errors: dict[str, str] = {}
    overdue = {"1": True, "0": False}.get(asked["overdue"])
    result = None
    try:
        # The inbox's own reading of every filter: an unknown status is refused there, named.
        filters = read_filters(
            status=asked["status"] or None,
            category=asked["category"] or None,
            commune=asked["commune"] or None,
            unit=(asked["unit"] or None) if user.role == "coordinator" else None,
            overdue=overdue,
            awaiting_approval={"1": True, "0": False}.get(asked["approval"]),
            due_before=None,
            code=None,
            phone=None,
            email=None,
            q=asked["q"][:200] or None,
        )
        result = await search(user, filters, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    except DomainError as exc:
        errors[exc.field or "q"] = exc.message
    now = clock.now()
    rows = []
    for row in result.items if result else []:
        soon = not row.overdue and is_open(row.status) and row.due_at - now <= DUE_SOON
        rows.append({"row": row, "due_soon": soon})
    total = result.total if result else 0
    kept = {k: v for k, v in asked.items() if v}
    pages = {
        "previous": f"/staff?{urlencode({**kept, 'page': number - 1})}" if number > 1 else None,
        "next": f"/staff?{urlencode({**kept, 'page': number + 1})}"
        if result and (number * PAGE_SIZE < total or not result.total_exact)
        else None,
    }
    ref = await reference(settings)
    context = {
        "asked": asked,
        "errors": errors,
        "rows": rows,
        "total": total,
        "total_exact": result.total_exact if result else True,
        "number": number,
        "pages": pages,
        "statuses": STATUS_NAMES,
        "categories": sorted(ref.categories.values(), key=lambda c: c.name),
        "communes": sorted(ref.communes.values(), key=lambda c: c.name),
        "units": sorted(ref.units.values(), key=lambda u: u.name),
        "moved": params.get("moved", "")[:30],
    }
    return page(request, "staff_inbox.html", context, user=user, status_code=422 if errors else 200)


# --- one item ---------------------------------------------------------------------------------


async def _item_page(
    request: Request,
    user: StaffUser,
    code: str,
    settings: Settings,
    *,
    failed: str = "",
    error: DomainError | None = None,
    values: dict[str, str] | None = None,
) -> Response[str]:
    try:
        item = await item_out(user, code)
    except (NotFound, Forbidden) as exc:
        return _denied(request, user, exc.message, exc.status_code)
    ref = await reference(settings)
    unit = ref.unit_by_code(item.unit.code)
    officers = (
        await StaffUser.filter(unit_id=unit.id, role__in=("officer", "head"), active=True).order_by("name")
        if unit and "assign" in item.actions
        else []
    )
    field_errors: dict[str, str] = {}
    form_error = ""
    if error is not None:
        if error.field and error.field in FORM_FIELDS.get(failed, ()):
            field_errors[error.field] = error.message
        else:
            form_error = error.message
    done = request.query_params.get("done", "")
    context = {
        "item": item,
        "units": sorted((u for u in ref.units.values() if u.code != item.unit.code), key=lambda u: u.name),
        "categories": sorted(ref.categories.values(), key=lambda c: c.name),
        "severities": SEVERITY_NAMES,
        "classifications": CLASSIFICATION_NAMES,
        "grounds": list(REFUSAL_GROUNDS.values()),
        "ground": REFUSAL_GROUNDS.get(item.refuse_ground or ""),
        "officers": officers,
        "failed": failed,
        "field_errors": field_errors,
        "form_error": form_error,
        "values": values or {},
        "done": DONE.get(done, ""),
        "today": clock.now().astimezone(settings.tz).date().isoformat(),
        "extends_at_once": user.role in EXTENDS_AT_ONCE,  # else an extension is a request to the head
        "promise_sources": SOURCE_NAMES,
        "open_statuses": OPEN_STATUSES,
    }
    status = error.status_code if error is not None else 200
    return page(request, "staff_item.html", context, user=user, status_code=status)


@get("/staff/feedback/{code:str}", include_in_schema=False)
async def item_page(request: Request, code: FromPath[str], settings: Config) -> Response[str]:
    user = await staff_page_user(request)
    return await _item_page(request, user, code, settings)


def _to_login(code: str) -> Redirect:
    return Redirect(f"/staff/login?{urlencode({'next': f'/staff/feedback/{code}'})}", status_code=303)


async def _run(user: StaffUser, code: str, action: str, form: Any, settings: Settings) -> None:
    """The form of `action` as the API's body, then the same path as the API (`actions.perform`)."""
    await perform(user, code, action, form_struct(form, BODIES[action]), settings)


async def _after(user: StaffUser, code: str, action: str) -> Redirect:
    if action == "extend" and user.role not in EXTENDS_AT_ONCE:
        action = "extend_requested"  # an officer's extension waits for the head
    if action == "answer":
        item = await get_for(user, code)
        if item.draft_answer:
            action = "answer_draft"  # the unit's head approves before the citizen gets it
    if action == "transfer":
        try:
            await get_for(user, code)
        except NotFound:
            return Redirect(f"/staff?{urlencode({'moved': code})}", status_code=303)
    return Redirect(f"/staff/feedback/{code}?done={action}", status_code=303)


@post("/staff/feedback/{code:str}/{action:str}", include_in_schema=False)
async def act(request: Request, code: FromPath[str], action: FromPath[str], settings: Config) -> Any:
    """One form of the item page (url-encoded; the answer form with files comes to `answer_files`)."""
    if action not in ACTIONS:
        raise NotFoundException()
    return await _act(request, code, action, settings)


async def _act(request: Request, code: str, action: str, settings: Settings) -> Any:
    try:
        user = await current_user(request)  # the session, and the CSRF token of the form
    except Unauthorized:  # the session ended: log in again, then back to the item
        return _to_login(code)
    form = await request.form()
    try:
        await _run(user, code, action, form, settings)
    except DomainError as exc:
        values = {k: _text(form, k) for k in FORM_FIELDS[action] if k != "files"}
        return await _item_page(request, user, code, settings, failed=action, error=exc, values=values)
    return await _after(user, code, action)


@post(
    "/staff/feedback/{code:str}/answer",
    include_in_schema=False,
    request_max_body_size=uploads.MAX_BODY,
)
async def answer_files(request: Request, code: FromPath[str], settings: Config) -> Any:
    """The answer form: multipart (text, files and the CSRF token as fields), or url-encoded."""
    if not uploads.is_multipart(request):
        if (request.content_length or 0) > uploads.MAX_TEXT_PART:
            raise DomainError("Nội dung quá dài", field="answer")
        return await _act(request, code, "answer", settings)
    token = request.cookies.get(sessions.SESSION_COOKIE, "")
    try:
        user = await accounts.user_for_token(token) if token else None
    except Unauthorized:
        user = None
    if user is None:
        return _to_login(code)
    try:
        form = await uploads.read_form(request, settings, text_fields=("answer", sessions.CSRF_FIELD))
    except DomainError as exc:  # a refused file stops the reading: its field is the files input
        if exc.field is None and exc.status_code in (400, 413):
            exc.field = "files"
        return await _item_page(request, user, code, settings, failed="answer", error=exc, values={})
    async with form.discard_on_error():  # a forged request leaves no file behind either
        sessions.require_csrf(
            settings,
            token,
            request.headers.get(sessions.CSRF_HEADER) or form.fields.get(sessions.CSRF_FIELD, ""),
        )
    values = {"answer": form.fields.get("answer", "")}
    try:
        async with form.discard_on_error():
            await perform(
                user, code, "answer", form_struct(form.fields, AnswerIn), settings, uploads=form.uploads
            )
    except DomainError as exc:
        return await _item_page(request, user, code, settings, failed="answer", error=exc, values=values)
    return await _after(user, code, "answer")


STAFF_ROUTES = [login_page, login_submit, logout, inbox_page, item_page, answer_files, act]
