"""Which unit handles an item: the most specific matching routing rule. Pure; the caller loads the rules,
e.g. `[Rule(**row) for row in await RoutingRule.filter(active=True).values(*RULE_FIELDS)]`, and sends the
items for which `route` returns None to the coordinator office.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

RULE_FIELDS = ("id", "category_id", "commune_id", "severity", "unit_id", "priority")


@dataclass(frozen=True)
class Rule:
    id: int
    category_id: int | None
    commune_id: int | None
    severity: str | None
    unit_id: int
    priority: int = 0

    def matches(self, category_id: int | None, commune_id: int | None, severity: str | None) -> bool:
        """A rule matches when each criterion it names equals the item's (None names nothing)."""
        return (
            (self.category_id is None or self.category_id == category_id)
            and (self.commune_id is None or self.commune_id == commune_id)
            and (self.severity is None or self.severity == severity)
        )

    @property
    def specificity(self) -> int:
        return sum(value is not None for value in (self.category_id, self.commune_id, self.severity))


def route(
    rules: Iterable[Rule], category_id: int | None, commune_id: int | None, severity: str | None
) -> int | None:
    """The unit id of the winning rule, or None when no rule matches.

    The most specific rule wins (most criteria named); then the higher priority; then the older rule
    (lower id), so that the answer never depends on the order the rules were loaded in.
    """
    matching = [rule for rule in rules if rule.matches(category_id, commune_id, severity)]
    if not matching:
        return None
    best = max(matching, key=lambda rule: (rule.specificity, rule.priority, -rule.id))
    return best.unit_id
