"""Staff accounts: creation, login and the bearer tokens that stand for a login."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from feedback import clock
from feedback.accounts.models import ROLES, StaffSession, StaffUser
from feedback.directory.models import Unit
from feedback.errors import Conflict, DomainError, Unauthorized
from feedback.text import is_email

SESSION_LIFETIME = timedelta(hours=12)
_hasher = PasswordHasher()  # argon2id: memory-hard, so a stolen table is slow to crack
# Verifying against a dummy hash when the account does not exist keeps login time the same,
# so timing does not tell which e-mail addresses have accounts.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_user(
    *, email: str, role: str, unit_code: str | None, password: str, name: str = ""
) -> StaffUser:
    email = email.strip().lower()
    if not is_email(email):
        raise DomainError(f"Địa chỉ thư điện tử không hợp lệ: {email!r}", field="email")
    if role not in ROLES:
        raise DomainError(f"Vai trò phải là một trong {', '.join(ROLES)}", field="role")
    if len(password) < 8:
        raise DomainError("Mật khẩu cần ít nhất 8 ký tự", field="password")
    if unit_code:
        unit = await Unit.get_or_none(code=unit_code)
        if unit is None:
            raise DomainError(f"Không có đơn vị mã {unit_code!r}", field="unit")
    elif role == "coordinator":
        unit = await Unit.filter(kind="coordinator").first()
    else:
        raise DomainError("Cần mã đơn vị (--unit) cho vai trò này", field="unit")
    if await StaffUser.exists(email=email):
        raise Conflict(f"Đã có tài khoản {email}", field="email")
    return await StaffUser.create(
        email=email,
        name=name,
        role=role,
        unit=unit,
        password_hash=hash_password(password),
        created_at=clock.now(),
    )


async def login(email: str, password: str) -> tuple[StaffUser, str]:
    user = await StaffUser.get_or_none(email=email.strip().lower(), active=True)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        user = None
    if user is None:
        raise Unauthorized("Sai thư điện tử hoặc mật khẩu")
    token = secrets.token_urlsafe(32)
    now = clock.now()
    await StaffSession.create(
        token_hash=_token_hash(token), user=user, created_at=now, expires_at=now + SESSION_LIFETIME
    )
    return user, token


async def user_for_token(token: str) -> StaffUser:
    session = await StaffSession.get_or_none(token_hash=_token_hash(token)).select_related("user")
    if session is None or session.expires_at <= clock.now() or not session.user.active:
        raise Unauthorized("Phiên đăng nhập không hợp lệ hoặc đã hết hạn; hãy đăng nhập lại")
    return session.user


async def logout(token: str) -> None:
    """End the session behind `token` (nothing happens if it has already ended)."""
    await StaffSession.filter(token_hash=_token_hash(token)).delete()
