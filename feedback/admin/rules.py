"""Routing rules: (category, commune?, severity?) -> unit. The body's values are checked
(`admin.schemas`); here only that the rows it names exist and that no identical rule exists."""

from __future__ import annotations

from typing import Any

from feedback.admin.common import Page, category_by_code, commune_by_code, page, unit_by_code
from feedback.admin.schemas import RuleIn, RulePatch, changes
from feedback.directory import reference
from feedback.directory.models import RoutingRule
from feedback.errors import Conflict, NotFound


def _rules() -> Any:
    return RoutingRule.all().select_related("category", "commune", "unit")


async def list_rules(
    *,
    category: str | None = None,
    commune: str | None = None,
    unit: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[RoutingRule]:
    query = _rules()
    if category:
        query = query.filter(category__code=category)
    if commune:
        query = query.filter(commune__code=commune)
    if unit:
        query = query.filter(unit__code=unit)
    return await page(query, limit, offset, "category_id", "commune_id", "-priority", "id")


async def get_rule(rule_id: int) -> RoutingRule:
    rule = await _rules().get_or_none(id=rule_id)
    if rule is None:
        raise NotFound(f"Không có quy tắc phân công số {rule_id}")
    return rule


async def _unique(rule: RoutingRule) -> None:
    same = RoutingRule.filter(
        category_id=rule.category.id if rule.category else None,
        commune_id=rule.commune.id if rule.commune else None,
        severity=rule.severity,
        unit_id=rule.unit.id,
    )
    if rule.id is not None:
        same = same.exclude(id=rule.id)
    if await same.exists():
        raise Conflict("Đã có quy tắc giống hệt (cùng lĩnh vực, xã/phường, mức độ, đơn vị)", field="unit")


async def _apply(rule: RoutingRule, values: dict[str, Any]) -> None:
    """Set the fields `values` names, finding the rows it names by code."""
    if "category" in values:
        rule.category = await category_by_code(values["category"])
    if "commune" in values:
        commune = values["commune"]
        rule.commune = await commune_by_code(commune) if commune else None
    if "severity" in values:
        rule.severity = str(values["severity"]) if values["severity"] else None
    if "unit" in values:
        rule.unit = await unit_by_code(values["unit"])
    for key in ("priority", "active"):
        if key in values:
            setattr(rule, key, values[key])


async def create_rule(body: RuleIn) -> RoutingRule:
    rule = RoutingRule()
    await _apply(rule, changes(body))
    await _unique(rule)
    await rule.save()
    reference.invalidate()
    return await get_rule(rule.id)


async def update_rule(rule_id: int, body: RulePatch) -> RoutingRule:
    rule = await get_rule(rule_id)
    await _apply(rule, changes(body))
    await _unique(rule)
    await rule.save()
    reference.invalidate()
    return await get_rule(rule.id)


async def delete_rule(rule_id: int) -> None:
    rule = await get_rule(rule_id)
    await rule.delete()
    reference.invalidate()
