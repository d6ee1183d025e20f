"""Categories (lĩnh vực) and the keywords that suggest them from a citizen's text. The body's values
are checked (`admin.schemas`); here only a code used once, and keywords stored folded."""

from __future__ import annotations

import re

from feedback.admin.common import Page
from feedback.admin.schemas import CategoryIn, CategoryPatch, changes
from feedback.directory import reference
from feedback.directory.models import Category
from feedback.errors import Conflict, NotFound
from feedback.text import fold


def fold_keywords(keywords: list[str]) -> str:
    """Keywords as stored: folded (no diacritics, lower case), unique, separated by "|"."""
    folded = [fold(k) for k in keywords]
    return "|".join(dict.fromkeys(k for k in folded if k))


def split_keywords(text: str) -> list[str]:
    """A form's keywords: one a line (commas, semicolons and "|" also separate them)."""
    return [k.strip() for k in re.split(r"[|\n,;]", text) if k.strip()]


def keyword_list(category: Category) -> list[str]:
    return [k for k in category.keywords.split("|") if k]


async def list_categories(q: str = "", *, limit: int = 100, offset: int = 0) -> Page[Category]:
    rows = await Category.all().order_by("name")
    needle = fold(q or "")
    matching = [c for c in rows if not needle or needle in fold(c.code) or needle in fold(c.name)]
    return Page(len(matching), matching[offset : offset + limit])


async def get_category(code: str) -> Category:
    category = await Category.get_or_none(code=code)
    if category is None:
        raise NotFound(f"Không có lĩnh vực mã {code!r}")
    return category


async def create_category(body: CategoryIn) -> Category:
    code = body.code.strip()
    if await Category.exists(code=code):
        raise Conflict(f"Đã có lĩnh vực mã {code}", field="code")
    category = await Category.create(
        code=code,
        name=body.name.strip(),
        keywords=fold_keywords(body.keywords),
        scope=str(body.scope),
        active=body.active,
    )
    reference.invalidate()
    return category


async def update_category(code: str, body: CategoryPatch) -> Category:
    values = changes(body)
    category = await get_category(code)
    if "name" in values:
        values["name"] = values["name"].strip()
    if "keywords" in values:
        values["keywords"] = fold_keywords(values["keywords"])
    if "scope" in values:
        values["scope"] = str(values["scope"])
    category.update_from_dict(values)
    await category.save()
    reference.invalidate()
    return category
