"""Login, and the dependency that turns a bearer token into the calling staff user."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, post
from litestar.params import JSONBody
from msgspec import Meta, Struct

from feedback.accounts import services
from feedback.accounts.models import StaffUser
from feedback.errors import Unauthorized


class LoginIn(Struct, forbid_unknown_fields=True):
    email: Annotated[str, Meta(min_length=3, max_length=254)]
    password: Annotated[str, Meta(min_length=1, max_length=200)]


class LoginOut(Struct):
    token: str
    email: str
    role: str
    unit: str


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["staff"]

    @post("/login", status_code=200)
    async def login(self, data: JSONBody[LoginIn]) -> LoginOut:
        user, token = await services.login(data.email, data.password)
        unit = await user.unit
        return LoginOut(token=token, email=user.email, role=user.role, unit=unit.code)


async def current_user(request: Request) -> StaffUser:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Cần đăng nhập: gửi tiêu đề Authorization: Bearer <token>")
    return await services.user_for_token(token.strip())
