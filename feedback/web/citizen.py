"""Pages for citizens: home, filing, confirmation, tracking, published answers.

All pages are server-rendered and work without JavaScript; htmx (served locally) adds the category
suggestion and the commune search on the filing form, and static/pakn.js the browser location.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect

from feedback.attachments import uploads
from feedback.attachments.services import attachments_of
from feedback.casework import rating as casework
from feedback.directory import lists
from feedback.directory.reference import reference
from feedback.edge import MAX_VALUE, edge_refusal, is_tracking_code
from feedback.errors import DomainError, NotFound
from feedback.intake import mail
from feedback.intake import services as intake
from feedback.intake.api import created_out, tracked
from feedback.intake.schemas import FeedbackCreate
from feedback.items.access import get_by_token
from feedback.publication import published
from feedback.security.throttle import rate_limited
from feedback.settings import Settings
from feedback.text import suggest_category
from feedback.web.auth import optional_user
from feedback.web.filing_form import FIELD_OF, FORM_FIELDS, LIMIT_MESSAGES, every_problem, form_body
from feedback.web.forms import form_struct
from feedback.web.i18n import language, translator
from feedback.web.rendering import SEVERITY_NAMES, STATUS_NAMES, page

ACCEPT_FILES = ".jpg,.jpeg,.png,.pdf,.docx,.xlsx,image/jpeg,image/png,application/pdf"
PUBLIC_PAGE_SIZE = 20


@get("/", include_in_schema=False)
async def home(request: Request) -> Response[str]:
    return page(request, "home.html", user=await optional_user(request))


# --- filing ------------------------------------------------------------------------------------------


async def form_page(
    request: Request,
    settings: Settings,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    **extra: Any,
) -> Response[str]:
    """The filing form: the citizen's, or with `desk` (and its channels) the one-stop desk's."""
    ref = await reference(settings)
    context = {
        "desk": False,
        "saved": None,
        "values": values,
        "errors": errors or {},
        "categories": lists.categories(ref),
        "communes": lists.communes(ref),
        "severities": SEVERITY_NAMES,
        "accept": ACCEPT_FILES,
        "max_files": uploads.MAX_FILES,
        "max_mb": uploads.MAX_FILE_SIZE // 2**20,
        **extra,
    }
    return page(
        request, "feedback_new.html", context, user=await optional_user(request), status_code=status_code
    )


@get("/feedback/new", include_in_schema=False)
async def feedback_form(request: Request, settings: NamedDependency[Settings]) -> Response[str]:
    return await form_page(request, settings, {"severity": "normal"})


@post(
    "/feedback/new",
    include_in_schema=False,
    status_code=303,
    request_max_body_size=uploads.MAX_BODY,
    guards=[rate_limited("submit")],
)
async def feedback_submit(request: Request, settings: NamedDependency[Settings]) -> Response[str] | Redirect:
    try:
        form = await uploads.read_form(request, settings, text_fields=FORM_FIELDS)
    except DomainError as exc:
        # A refused file: every typed value comes back (exc.form_fields); only the files must be chosen
        # again, which the page says next to the file field.
        field = "files" if exc.field == uploads.FILES else (exc.field or "files")
        status = exc.status_code if exc.status_code != 404 else 422
        kept = {name: exc.form_fields.get(name, "") for name in FORM_FIELDS} | {
            "severity": exc.form_fields.get("severity") or "normal"
        }
        return await form_page(request, settings, kept, {field: exc.message}, status)
    values = {name: form.fields.get(name, "") for name in FORM_FIELDS}
    if errors := await every_problem(form_body(form.fields), FeedbackCreate, settings):
        await form.discard()
        return await form_page(request, settings, values, errors, 422)
    try:
        async with form.discard_on_error():
            data = form_struct(
                form_body(form.fields), FeedbackCreate, messages=LIMIT_MESSAGES, fields=FIELD_OF
            )
            submitted = await intake.submit(data, settings, uploads=form.uploads)
    except DomainError as exc:
        field = FIELD_OF.get(exc.field or "", exc.field or "form")
        return await form_page(request, settings, values, {field: exc.message}, 422)
    # Post/Redirect/Get: reloading the confirmation must not file the item again.
    query = urlencode({"token": submitted.token})
    return Redirect(f"/feedback/sent/{quote(submitted.item.code)}?{query}", status_code=303)


@get("/feedback/sent/{code:str}", include_in_schema=False)
async def feedback_sent(
    request: Request,
    code: FromPath[str],
    settings: NamedDependency[Settings],
    token: Annotated[str, QueryParameter(required=False, max_length=MAX_VALUE)] = "",
) -> Response[str]:
    """The confirmation after filing: the code and the secret link (the token is in this page's address
    as in the link itself)."""
    user = await optional_user(request)
    try:
        if not is_tracking_code(code):
            raise NotFound("Không tìm thấy phản ánh với mã và khóa tra cứu này")
        item = await get_by_token(code, token)
    except NotFound as exc:
        return page(request, "citizen_not_found.html", {"message": exc.message}, user=user, status_code=404)
    ref = await reference(settings)
    suggested = ref.category_by_id(item.suggested_category_id)
    files = await attachments_of(item)
    created = await created_out(intake.Submitted(item, token, suggested, len(files)), settings)
    context = {
        "created": created,
        "track_url": mail.track_url(settings, created.code, created.token),
        "track_path": f"/track/{quote(created.code)}?token={quote(created.token)}",
        "attachments": len(files),
        "email_given": bool(item.citizen_email),
        "postal_only": not item.citizen_email and not item.citizen_phone,
    }
    return page(request, "feedback_created.html", context, user=user)


@get("/feedback/suggest", include_in_schema=False)
async def suggest(
    request: Request,
    settings: NamedDependency[Settings],
    title: Annotated[str, QueryParameter(max_length=10_000)] = "",
    content: Annotated[str, QueryParameter(max_length=20_000)] = "",
) -> Response[str]:
    """An HTML fragment for the filing form: the suggested field, with a button that selects it."""
    ref = await reference(settings)
    code = suggest_category(f"{title} {content}", [(c.code, c.keywords) for c in ref.categories.values()])
    category = ref.categories.get(code) if code else None
    return page(request, "_suggestion.html", {"category": category})


@get("/feedback/communes", include_in_schema=False)
async def communes(
    request: Request,
    settings: NamedDependency[Settings],
    q: Annotated[str, QueryParameter(max_length=100)] = "",
    commune: Annotated[str, QueryParameter(max_length=10)] = "",
) -> Response[str]:
    """An HTML fragment: the commune `<select>` narrowed to the names matching `q` (diacritics optional)."""
    ref = await reference(settings)
    found = lists.communes(ref, q)
    selected = commune
    if q.strip() and found and commune not in {c.code for c in found}:
        selected = found[0].code
    return page(request, "_communes.html", {"communes": found, "selected": selected, "q": q})


# --- tracking ----------------------------------------------------------------------------------------

_LINK = re.compile(r"/track/([^/?#\s]+)(?:\?(?:.*&)?token=([^&#\s]+))?")


_CODE_SHAPE = "Mã số phản ánh có dạng PAKN.YYYYMMDD.NNNN, ví dụ PAKN.20261123.0001"


@get("/track", include_in_schema=False)
async def track_form(
    request: Request,
    # The edge's bound (MAX_VALUE): a longer value is its refusal, a shorter one this form's message.
    code: Annotated[str, QueryParameter(max_length=MAX_VALUE)] = "",
    token: Annotated[str, QueryParameter(max_length=MAX_VALUE)] = "",
) -> Response:
    """Code and token (or the whole secret link pasted in the code box) → the tracking page.

    What cannot be a code (an e-mail typed in the wrong box, a value the edge refused) comes back as
    the form with the message next to the field; the value is neither shown again nor logged."""
    code, token = code.strip(), token.strip()
    if match := _LINK.search(code):  # the citizen pasted the link from the e-mail
        code, token = match.group(1), token or (match.group(2) or "")
    errors = {}
    if refusal := edge_refusal(request.scope):
        errors["token" if refusal.field == "token" else "code"] = (
            refusal.message if refusal.field in ("code", "token") else _CODE_SHAPE
        )
    elif code and not is_tracking_code(code):
        errors["code"], code = _CODE_SHAPE, ""
    elif code and token:
        return Redirect(f"/track/{quote(code.upper())}?{urlencode({'token': token})}", status_code=303)
    elif code or token or "code" in request.query_params:
        if not code:
            errors["code"] = "Nhập mã số phản ánh, ví dụ PAKN.20261123.0001"
        if not token:
            errors["token"] = "Nhập mã tra cứu trong thư xác nhận"
    return page(
        request,
        "track_form.html",
        {
            "code": code,
            "token": token,
            "errors": errors,
            "refusal": None,
            "contact_errors": {},
            "contact_code": "",
            "sent": "",
        },
        user=await optional_user(request),
        status_code=422 if errors else 200,
    )


async def _track_page(
    request: Request,
    code: str,
    token: str,
    *,
    rated: bool = False,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response[str]:
    user = await optional_user(request)
    try:
        if not is_tracking_code(code):  # a code no item can have: never as far as the database
            raise NotFound("Không tìm thấy phản ánh với mã và khóa tra cứu này")
        item = await get_by_token(code, token)
    except NotFound as exc:
        return page(request, "citizen_not_found.html", {"message": exc.message}, user=user, status_code=404)
    data = await tracked(item)
    context = {
        "item": data,
        "token": token,
        "token_query": urlencode({"token": token}),
        "rated": rated,
        "errors": errors or {},
        "values": values or {},
    }
    return page(request, "track.html", context, user=user, status_code=status_code)


@get("/track/{code:str}", include_in_schema=False)
async def track_page(
    request: Request,
    code: FromPath[str],
    token: Annotated[str, QueryParameter(required=False)] = "",
    rated: Annotated[str, QueryParameter(required=False)] = "",
) -> Response[str]:
    return await _track_page(request, code, token, rated=rated == "1")


@post("/track/{code:str}/rating", include_in_schema=False, guards=[rate_limited("rating")])
async def track_rating(
    request: Request, code: FromPath[str], settings: NamedDependency[Settings]
) -> Response:
    form = await request.form()
    token = str(form.get("token") or "")
    values = {
        "rating": str(form.get("rating") or ""),
        "comment": str(form.get("comment") or ""),
        "reopen": "1" if form.get("reopen") else "",
    }
    errors: dict[str, str] = {}
    rating = int(values["rating"]) if values["rating"] in {"1", "2", "3", "4", "5"} else 0
    if not rating:
        errors["rating"] = "Chọn mức đánh giá từ 1 đến 5 sao"
    elif len(values["comment"]) > 2000:
        errors["comment"] = "Ý kiến tối đa 2.000 ký tự"
    if not errors:
        try:
            await casework.rate(
                code,
                token,
                settings,
                rating=rating,
                comment=values["comment"].strip(),
                reopen=bool(values["reopen"]),
            )
        except NotFound:
            return await _track_page(request, code, token)  # the "not found" page
        except DomainError as exc:
            errors[exc.field or "rating"] = exc.message
    if errors:
        return await _track_page(request, code, token, errors=errors, values=values, status_code=422)
    query = urlencode({"token": token, "rated": "1"})
    return Redirect(f"/track/{quote(code)}?{query}#rating", status_code=303)


# --- published answers -------------------------------------------------------------------------------


@get("/public", include_in_schema=False)
async def public_list(
    request: Request,
    settings: NamedDependency[Settings],
    q: Annotated[str, QueryParameter(max_length=200)] = "",
    category: Annotated[str, QueryParameter(max_length=40)] = "",
    commune: Annotated[str, QueryParameter(max_length=10)] = "",
    page_no: Annotated[int, QueryParameter(name="page", ge=1, le=100_000)] = 1,
) -> Response[str]:
    ref = await reference(settings)
    filters = published.Filters(q=q or None, category=category or None, commune=commune or None)
    offset = (page_no - 1) * PUBLIC_PAGE_SIZE
    total, items = await published.search(filters, limit=PUBLIC_PAGE_SIZE, offset=offset)
    pages = max(1, math.ceil(total / PUBLIC_PAGE_SIZE))
    kept = {k: v for k, v in {"q": q, "category": category, "commune": commune}.items() if v}

    def page_url(number: int) -> str:
        return "/public?" + urlencode({**kept, "page": number})

    translate = translator(language(request))
    context = {
        "items": items,
        "total": total,
        "q": q,
        "category": category,
        "commune": commune,
        "categories": lists.categories(ref),
        "communes": lists.communes(ref),
        "page_no": page_no,
        "pages": pages,
        "prev_url": page_url(page_no - 1) if page_no > 1 else "",
        "next_url": page_url(page_no + 1) if page_no < pages else "",
        # The map (with PAKN_MAP_TILES) shows every item of these filters that has a place, not one page.
        "map_query": urlencode(kept),
        "map_statuses": {s: translate(STATUS_NAMES[s]) for s in published.PUBLIC_STATUSES},
    }
    return page(request, "public_list.html", context, user=await optional_user(request))


@get("/public/{code:str}", include_in_schema=False)
async def public_item(request: Request, code: FromPath[str]) -> Response[str]:
    user = await optional_user(request)
    try:
        item = await published.one(code)
    except NotFound as exc:
        return page(request, "citizen_not_found.html", {"message": exc.message}, user=user, status_code=404)
    return page(request, "public_item.html", {"item": item}, user=user)


CITIZEN_ROUTES = [
    home,
    feedback_form,
    feedback_submit,
    feedback_sent,
    suggest,
    communes,
    track_form,
    track_page,
    track_rating,
    public_list,
    public_item,
]
