"""How a staff session travels: a bearer token for API clients, a cookie plus a CSRF token for browsers.

Both carry the same session token (a StaffSession row). A browser sends the cookie by itself, even on
a request another site triggers, so with the cookie every unsafe method must also prove it comes from
our own pages: an `X-CSRF-Token` header (or a `csrf_token` field of a url-encoded form) equal to
HMAC(secret key, session token). Another site can neither read that value nor compute it, and the
server stores nothing extra. A bearer token is never sent by the browser on its own, so it needs no CSRF check.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from litestar import Request
from litestar.datastructures import Cookie
from litestar.enums import RequestEncodingType

from feedback.errors import Forbidden, Unauthorized
from feedback.settings import Settings

SESSION_COOKIE = "pakn_session"
CSRF_COOKIE = "pakn_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token(secret_key: str, session_token: str) -> str:
    """The CSRF token that goes with a session token: HMAC-SHA256 under the service's secret key."""
    return hmac.new(secret_key.encode(), b"csrf:" + session_token.encode(), hashlib.sha256).hexdigest()


def _cookie(settings: Settings, name: str, value: str, *, httponly: bool, max_age: int) -> Cookie:
    # Lax: the cookie comes along when a citizen or officer follows a link to pakn from an e-mail, but
    # not on another site's POST; Secure whenever the service is served over https.
    return Cookie(
        key=name,
        value=value,
        path="/",
        max_age=max_age,
        expires=0 if max_age == 0 else None,
        secure=settings.base_url.startswith("https://"),
        httponly=httponly,
        samesite="lax",
    )


def login_cookies(settings: Settings, session_token: str, lifetime: timedelta) -> list[Cookie]:
    """The session cookie (HttpOnly: scripts cannot steal it) and the CSRF cookie (pages read it)."""
    seconds = int(lifetime.total_seconds())
    return [
        _cookie(settings, SESSION_COOKIE, session_token, httponly=True, max_age=seconds),
        _cookie(
            settings,
            CSRF_COOKIE,
            csrf_token(settings.secret_key, session_token),
            httponly=False,
            max_age=seconds,
        ),
    ]


def cleared_cookies(settings: Settings) -> list[Cookie]:
    """Cookies that make the browser forget both session cookies."""
    return [
        _cookie(settings, SESSION_COOKIE, "", httponly=True, max_age=0),
        _cookie(settings, CSRF_COOKIE, "", httponly=False, max_age=0),
    ]


async def session_token(request: Request, settings: Settings) -> str:
    """The caller's session token, from `Authorization: Bearer` or from the session cookie.

    Raises Unauthorized without either, and Forbidden when a cookie-borne unsafe request lacks the
    matching CSRF token. The token's validity (expiry, active user) is the accounts service's business.
    """
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Cần đăng nhập: gửi tiêu đề Authorization: Bearer <token>")
        return token.strip()
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        raise Unauthorized(
            "Cần đăng nhập: gửi tiêu đề Authorization: Bearer <token> hoặc đăng nhập trên trang web"
        )
    if request.method not in SAFE_METHODS:
        require_csrf(settings, token, request.headers.get(CSRF_HEADER) or await _form_field(request))
    return token


def require_csrf(settings: Settings, session: str, sent: str) -> None:
    """The CSRF token sent with a cookie-borne change must be the session's. Pages whose forms carry
    files read the body themselves and pass the `csrf_token` field they found."""
    if not sent or not hmac.compare_digest(sent, csrf_token(settings.secret_key, session)):
        raise Forbidden(
            "Yêu cầu bị từ chối vì thiếu hoặc sai mã chống giả mạo (CSRF): gửi tiêu đề X-CSRF-Token "
            "bằng giá trị cookie pakn_csrf, hoặc tải lại trang rồi thử lại"
        )


async def _form_field(request: Request) -> str:
    # A plain HTML form (no script) cannot set headers: it sends the token as a hidden field.
    # Litestar keeps the parsed form in the connection state, so the handler can still read it.
    # Only url-encoded forms: multipart bodies (uploads) are streamed by their handlers, which must
    # not find them already read, so those send the X-CSRF-Token header.
    if request.content_type[0] != RequestEncodingType.URL_ENCODED:
        return ""
    value = (await request.form()).get(CSRF_FIELD)
    return value if isinstance(value, str) else ""
