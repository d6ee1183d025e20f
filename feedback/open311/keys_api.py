"""The coordinators' API for Open311 keys: `/api/v1/admin/api-keys` (SPEC §11)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody
from msgspec import Meta, Struct

from feedback.accounts.models import StaffUser
from feedback.admin.api import coordinator
from feedback.open311 import keys
from feedback.open311.models import ApiKey


class ApiKeyIn(Struct, forbid_unknown_fields=True):
    name: Annotated[str, Meta(min_length=1, max_length=keys.MAX_NAME, description="the client application")]


class ApiKeyIssued(Struct):
    """The key, shown this once: pakn keeps only its hash."""

    id: int
    name: str
    key: str


class ApiKeyOut(Struct):
    id: int
    name: str
    prefix: str  # the key's first characters, to tell keys apart
    created_at: datetime
    created_by: str
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, k: ApiKey) -> ApiKeyOut:
        return cls(k.id, k.name, k.prefix, k.created_at, k.created_by, k.last_used_at, k.revoked_at)


class ApiKeysController(Controller):
    path = "/api/v1/admin/api-keys"
    tags = ["admin"]
    dependencies = {"user": Provide(coordinator)}

    @post("/", status_code=201)
    async def issue(self, user: NamedDependency[StaffUser], data: JSONBody[ApiKeyIn]) -> ApiKeyIssued:
        """Issue a key for a client application; the answer is the only time the key is shown."""
        row, key = await keys.issue(data.name, by=user.email)
        return ApiKeyIssued(row.id, row.name, key)

    @get("/")
    async def listed(self, user: NamedDependency[StaffUser]) -> list[ApiKeyOut]:
        """Every key without the key itself: the ones in use first."""
        return [ApiKeyOut.of(k) for k in await keys.listed()]

    @delete("/{key_id:int}", status_code=204)
    async def revoke(self, user: NamedDependency[StaffUser], key_id: FromPath[int]) -> None:
        """Revoke a key: the application's POSTs are refused (403) from now on."""
        await keys.revoke(key_id)
