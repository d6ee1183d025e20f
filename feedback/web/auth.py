"""Staff on the web pages: the session cookie (set at login) names the user; a page that needs a login
sends the browser to the login page instead of answering 401."""

from __future__ import annotations

from urllib.parse import quote

from litestar import Request
from litestar.exceptions import HTTPException
from litestar.response import Redirect

from feedback.accounts import services
from feedback.accounts.models import StaffUser
from feedback.errors import DomainError
from feedback.security.sessions import SESSION_COOKIE

# Where each role starts after logging in (with no page asked for): its own work, not a page it may not
# see. An organiser runs conferences, a desk officer enters what the desk received; everyone else
# starts at the inbox.
HOME_PAGES = {"organiser": "/conferences/manage", "desk": "/staff/intake"}
INBOX = "/staff"


def home_page(role: str) -> str:
    return HOME_PAGES.get(role, INBOX)


class LoginRequired(HTTPException):
    """Raised by `staff_page_user`; the app turns it into a redirect to the login page."""

    status_code = 303


async def optional_user(request: Request) -> StaffUser | None:
    """The logged-in staff user, or None (public pages show the staff menu to staff)."""
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        return None
    try:
        return await services.user_for_token(token)
    except DomainError:
        return None


async def staff_page_user(request: Request) -> StaffUser:
    """For staff pages (GET): the user, or a redirect to the login page that comes back here after."""
    user = await optional_user(request)
    if user is None:
        raise LoginRequired(detail=request.url.path)
    return user


def to_login(request: Request, exc: LoginRequired) -> Redirect:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Redirect(f"/staff/login?next={quote(target, safe='')}", status_code=303)
