"""Open311 GeoReport v2 under /open311/v2/ (SPEC §11): each resource as `.json` and `.xml`, errors as
`[{"code", "description"}]` (`<errors><error>…`) with 400, 403, 404 (and 429 from the rate limit).

Handlers parse, call one service, and shape the answer: the requests come from feedback/open311/
requests.py, new ones go through intake (`intake.services.submit`) like any other, with the channel
`open311`.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post, route
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException, ValidationException
from litestar.params import FromPath
from tortoise.exceptions import DoesNotExist

from feedback.directory.reference import reference
from feedback.edge import is_tracking_code
from feedback.errors import DomainError, NotFound, TooManyRequests
from feedback.intake import services as intake
from feedback.open311 import forms, keys, requests, services, xml
from feedback.open311.schemas import (
    DiscoveryOut,
    Endpoint,
    Open311Error,
    RequestCreated,
    RequestOut,
    ServiceDefinitionOut,
    ServiceOut,
    TokenOut,
)
from feedback.security.throttle import rate_limited
from feedback.settings import Settings

BASE = "/open311/v2"
FORMATS = {"json": "application/json", "xml": "text/xml; charset=utf-8"}
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-30T00:00:00+07:00"  # when this endpoint's behaviour last changed (discovery)


def _both(name: str) -> list[str]:
    return [f"/{name}.json", f"/{name}.xml"]


def _format(path: str) -> str:
    return "xml" if path.endswith(".xml") else "json"


def _split(value: str) -> tuple[str, str]:
    """`PAKN.20261123.0001.json` → (`PAKN.20261123.0001`, `json`); 404 for another suffix."""
    stem, dot, suffix = value.rpartition(".")
    if not dot or suffix not in FORMATS or not stem:
        raise NotFound("Địa chỉ cần kết thúc bằng .json hoặc .xml")
    return stem, suffix


def answer(fmt: str, root: str, value: Any, status_code: int = 200) -> Response[bytes]:
    body = xml.render(root, msgspec.to_builtins(value)) if fmt == "xml" else msgspec.json.encode(value)
    return Response(body, status_code=status_code, media_type=FORMATS[fmt])


def error(request: Request, exc: Exception) -> Response[bytes]:
    """Every refusal of an Open311 route in Open311's shape; intake's rules (422) are a 400 that names
    the Open311 parameter at fault."""
    headers = {}
    if isinstance(exc, DomainError):
        status, text = exc.status_code, exc.message
        if status == 422:
            status = 400
        if exc.field and status == 400 and forms.open311_name(exc.field) not in text:
            text = f"{forms.open311_name(exc.field)}: {text}"
        if isinstance(exc, TooManyRequests):
            headers["Retry-After"] = str(exc.retry_after)
    elif isinstance(exc, DoesNotExist):
        status, text = 404, "Không tìm thấy"
    elif isinstance(exc, ValidationException):
        status, text = 400, "Yêu cầu sai dạng"
    elif isinstance(exc, HTTPException) and exc.status_code < 500:
        status, text = exc.status_code, "Không tìm thấy" if exc.status_code == 404 else str(exc.detail)
    else:
        raise exc
    response = answer(_format(request.url.path), "errors", [Open311Error(status, text)], status)
    response.headers.update(headers)
    return response


async def _form(request: Request) -> dict[str, str]:
    """The parameters of a POST: the query (where the GeoReport swagger puts them) and the url-encoded
    body, the body's winning; one value each (the last)."""
    values = {k: v for k, v in request.query_params.items() if isinstance(v, str)}
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        form = await request.form()
        values.update({k: v for k, v in form.items() if isinstance(v, str)})
    return values


def _notice(submitted: intake.Submitted, unit: str, settings: Settings) -> str:
    day = submitted.item.due_at.astimezone(settings.tz).strftime("%d/%m/%Y")
    return (
        f"Đã tiếp nhận và chuyển {unit}; hạn trả lời: hết ngày {day}. Người phản ánh nhận thư xác nhận"
        " kèm đường dẫn tra cứu nếu đã cho địa chỉ thư điện tử."
    )


class Open311Controller(Controller):
    path = BASE
    tags = ["open311"]
    exception_handlers = {
        DomainError: error,
        DoesNotExist: error,
        ValidationException: error,
        HTTPException: error,
    }

    @get(_both("discovery"))
    async def discovery(
        self, request: Request, settings: NamedDependency[Settings]
    ) -> Response[DiscoveryOut]:
        """Where the GeoReport v2 endpoint is and what it speaks."""
        url = f"{settings.base_url.rstrip('/')}{BASE}"
        body = DiscoveryOut(
            changeset=CHANGESET,
            contact="Văn phòng UBND thành phố: " + settings.base_url,
            key_service="Văn phòng UBND cấp api_key cho từng ứng dụng (trang /admin/api-keys)",
            endpoints=[
                Endpoint(SPECIFICATION, url, CHANGESET, "production", ["application/json", "text/xml"])
            ],
        )
        return answer(_format(request.url.path), "discovery", body)

    @get(_both("services"))
    async def services(
        self, request: Request, settings: NamedDependency[Settings]
    ) -> Response[list[ServiceOut]]:
        """The fields (lĩnh vực) a request can be about."""
        return answer(_format(request.url.path), "services", services.services(await reference(settings)))

    @get("/services/{service_file:str}")
    async def service_definition(
        self, service_file: FromPath[str], settings: NamedDependency[Settings]
    ) -> Response[ServiceDefinitionOut]:
        """`{service_code}.json|.xml`: the attributes a POST may carry for this service."""
        code, fmt = _split(service_file)
        body = services.definition(await reference(settings), code)
        return answer(fmt, "service_definition", body)

    @get(_both("requests"))
    async def requests_list(
        self, request: Request, settings: NamedDependency[Settings]
    ) -> Response[list[RequestOut]]:
        """Requests by `service_request_id` (a comma list, which overrides the rest), or by `service_code`,
        `start_date`, `end_date` (W3C date-times; at most 90 days, the last 90 by default) and `status`
        (open, closed); newest first, at most 1000. No personal data."""
        query = {k: v for k, v in request.query_params.items() if isinstance(v, str)}
        found = await requests.requests(forms.filters(query, settings.tz), settings.tz)
        return answer(_format(request.url.path), "service_requests", found)

    @post(_both("requests"), status_code=200, guards=[rate_limited("open311")])
    async def create(
        self, request: Request, settings: NamedDependency[Settings]
    ) -> Response[list[RequestCreated]]:
        """File a request (application/x-www-form-urlencoded) with the application's `api_key`:
        `service_code`, `lat`+`long` or `address_string`, `description`, `first_name`, `last_name`,
        `email`, `phone`, `media_url`, and the service definition's `attribute[...]`. It goes through the
        same intake as any other (routing, deadline, acknowledgement) with the channel `open311`."""
        form = await _form(request)
        await keys.check(form.get("api_key", ""))
        submitted = await intake.submit(forms.new_request(form), settings)
        unit = (await reference(settings)).units[submitted.item.unit_id].name
        body = [RequestCreated(submitted.item.code, _notice(submitted, unit, settings))]
        return answer(_format(request.url.path), "service_requests", body)

    @get("/requests/{request_file:str}")
    async def request_one(
        self, request_file: FromPath[str], settings: NamedDependency[Settings]
    ) -> Response[list[RequestOut]]:
        """`{service_request_id}.json|.xml`: one request, as a list of one. No personal data."""
        code, fmt = _split(request_file)
        found = await requests.one(code, settings.tz) if is_tracking_code(code) else None
        if found is None:
            raise NotFound("Không có yêu cầu với service_request_id này", field="service_request_id")
        return answer(fmt, "service_requests", [found])

    @route("/{rest:path}", http_method=["GET", "POST"], include_in_schema=False)
    async def unknown(self, rest: FromPath[str]) -> None:
        """Any other path under /open311/v2: Open311's 404, not the rest of the API's."""
        raise NotFound("Không có tài nguyên này trong Open311 GeoReport v2 (xem discovery.json)")

    @get("/tokens/{token_file:str}")
    async def token(self, token_file: FromPath[str]) -> Response[list[TokenOut]]:
        """`{token}.json|.xml`. pakn answers a POST with its service_request_id at once and issues no
        tokens, so every token is unknown (404)."""
        _split(token_file)
        # The value is not repeated: a citizen may paste the secret token of their tracking link here.
        raise NotFound(
            "Không có token này: pakn trả service_request_id ngay khi tiếp nhận, không dùng token",
            field="token",
        )
