"""The public reference lists a filing form needs: `/api/v1/categories`, `/api/v1/communes?q=`,
`/api/v1/units`. They read the reference snapshot, so a coordinator's change shows at once."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from msgspec import Struct

from feedback.directory import lists
from feedback.directory.reference import reference
from feedback.settings import Settings


class CategoryOut(Struct):
    code: str
    name: str


class CommuneOut(Struct):
    code: str
    name: str
    unit: str | None


class UnitOut(Struct):
    code: str
    name: str
    kind: str
    parent: str | None


class ReferenceController(Controller):
    path = "/api/v1"
    tags = ["public"]

    @get("/categories")
    async def categories(self, settings: NamedDependency[Settings]) -> list[CategoryOut]:
        ref = await reference(settings)
        return [CategoryOut(c.code, c.name) for c in lists.categories(ref)]

    @get("/communes")
    async def communes(
        self,
        settings: NamedDependency[Settings],
        q: Annotated[str | None, QueryParameter(max_length=100)] = None,
    ) -> list[CommuneOut]:
        """Communes whose name contains `q` (with or without diacritics)."""
        ref = await reference(settings)
        return [
            CommuneOut(c.code, c.name, lists.unit_code(ref, c.unit_id)) for c in lists.communes(ref, q or "")
        ]

    @get("/units")
    async def units(self, settings: NamedDependency[Settings]) -> list[UnitOut]:
        ref = await reference(settings)
        return [UnitOut(u.code, u.name, u.kind, lists.unit_code(ref, u.parent_id)) for u in lists.units(ref)]
