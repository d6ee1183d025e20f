"""Login and logout, and the dependency that turns a bearer token or session cookie into the caller."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from msgspec import Meta, Struct

from feedback.accounts import services
from feedback.accounts.models import StaffUser
from feedback.security import sessions, throttle
from feedback.security.client import app_settings, client_address
from feedback.settings import Settings


class LoginIn(Struct, forbid_unknown_fields=True):
    email: Annotated[str, Meta(min_length=3, max_length=254)]
    password: Annotated[str, Meta(min_length=1, max_length=200)]


class LoginOut(Struct):
    token: str
    email: str
    role: str
    unit: str
    # For browsers using the session cookie: send it back as X-CSRF-Token on POST/PUT/PATCH/DELETE.
    csrf_token: str


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["staff"]

    @post("/login", status_code=200)
    async def login(
        self, data: JSONBody[LoginIn], request: Request, settings: NamedDependency[Settings]
    ) -> Response[LoginOut]:
        """The token works as a bearer token; browsers also get it as an HttpOnly cookie."""
        async with throttle.login_attempt(data.email, client_address(request, settings), settings):
            user, token = await services.login(data.email, data.password)
        unit = await user.unit
        csrf = sessions.csrf_token(settings.secret_key, token)
        body = LoginOut(token=token, email=user.email, role=user.role, unit=unit.code, csrf_token=csrf)
        return Response(body, cookies=sessions.login_cookies(settings, token, services.SESSION_LIFETIME))

    @post("/logout", status_code=204)
    async def logout(self, request: Request, settings: NamedDependency[Settings]) -> Response[None]:
        """End the session (bearer or cookie; with the cookie, X-CSRF-Token too) and clear the cookies."""
        await services.logout(await sessions.session_token(request, settings))
        return Response(None, status_code=204, cookies=sessions.cleared_cookies(settings))


async def current_user(request: Request) -> StaffUser:
    """The calling staff user, from `Authorization: Bearer` or the session cookie (plus CSRF token)."""
    token = await sessions.session_token(request, app_settings(request))
    return await services.user_for_token(token)
