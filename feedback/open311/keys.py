"""Issuing, listing, revoking and checking the API keys of Open311 client applications (SPEC §11).

A key is a random secret shown once; the database keeps its SHA-256 like the citizens' tokens
(`items.access.hash_token`), so a copy of the database gives no working key.
"""

from __future__ import annotations

import secrets

from feedback import clock
from feedback.errors import DomainError, Forbidden, NotFound
from feedback.items.access import hash_token
from feedback.open311.models import ApiKey

KEY_PREFIX = "pakn_"
MAX_NAME = 120
MAX_KEY = 100  # far longer than any key issued here; a longer one is not looked up
UNKNOWN_KEY = "api_key không hợp lệ hoặc đã bị thu hồi"
MISSING_KEY = "Cần api_key (khóa do Văn phòng UBND cấp cho ứng dụng) để gửi phản ánh qua Open311"


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(30)


async def issue(name: str, *, by: str = "") -> tuple[ApiKey, str]:
    """A new key for the application `name`: the row, and the key itself (shown once, never stored)."""
    name = name.strip()
    if not name:
        raise DomainError("Cần tên ứng dụng được cấp khóa", field="name")
    if len(name) > MAX_NAME:
        raise DomainError(f"Tên ứng dụng tối đa {MAX_NAME} ký tự", field="name")
    key = new_key()
    row = await ApiKey.create(
        name=name, key_hash=hash_token(key), prefix=key[:12], created_at=clock.now(), created_by=by
    )
    return row, key


async def listed() -> list[ApiKey]:
    """Every key, the ones in use first, newest first."""
    rows = await ApiKey.all().order_by("-id")
    return sorted(rows, key=lambda k: k.revoked_at is not None)


async def revoke(key_id: int) -> ApiKey:
    """Revoke a key (once: revoking it again changes nothing)."""
    row = await ApiKey.get_or_none(id=key_id)
    if row is None:
        raise NotFound(f"Không có khóa API số {key_id}")
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        await row.save(update_fields=["revoked_at"])
    return row


async def check(key: str) -> ApiKey:
    """The application a key belongs to; Forbidden (403) for a missing, unknown or revoked key."""
    key = key.strip()
    if not key:
        raise Forbidden(MISSING_KEY, field="api_key")
    row = None
    if len(key) <= MAX_KEY:
        row = await ApiKey.get_or_none(key_hash=hash_token(key), revoked_at__isnull=True)
    if row is None:
        raise Forbidden(UNKNOWN_KEY, field="api_key")
    await ApiKey.filter(id=row.id).update(last_used_at=clock.now())
    return row
