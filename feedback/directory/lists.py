"""The public reference lists, as the filing form and the API show them: active categories by name,
communes by name (narrowed by a name typed with or without diacritics), active units by code.

Pure: they read a reference snapshot (`directory.reference`), which holds only active rows.
"""

from __future__ import annotations

from feedback.directory.reference import CategoryRef, CommuneRef, Reference, UnitRef
from feedback.text import fold


def categories(ref: Reference) -> list[CategoryRef]:
    return sorted(ref.categories.values(), key=lambda c: c.name)


def communes(ref: Reference, q: str = "") -> list[CommuneRef]:
    needle = fold(q or "")
    return [c for c in sorted(ref.communes.values(), key=lambda c: c.name) if needle in fold(c.name)]


def units(ref: Reference) -> list[UnitRef]:
    return sorted(ref.units.values(), key=lambda u: u.code)


def unit_code(ref: Reference, unit_id: int | None) -> str | None:
    """The code of an active unit (a commune's UBND, a unit's parent), or None."""
    unit = ref.units.get(unit_id) if unit_id is not None else None
    return unit.code if unit else None
