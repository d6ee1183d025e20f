import pytest

from feedback.directory.routing import Rule, route

MOI_TRUONG, THUE = 1, 2
HA_DONG, BA_DINH = 10, 20
RULES = [
    Rule(id=1, category_id=MOI_TRUONG, commune_id=None, severity=None, unit_id=100),  # Sở NN&MT
    Rule(id=2, category_id=MOI_TRUONG, commune_id=HA_DONG, severity=None, unit_id=200),  # phòng KT Hà Đông
    Rule(id=3, category_id=MOI_TRUONG, commune_id=HA_DONG, severity="urgent", unit_id=300),
    Rule(id=4, category_id=THUE, commune_id=None, severity=None, unit_id=400),
    Rule(id=5, category_id=THUE, commune_id=None, severity=None, unit_id=500, priority=10),
    Rule(id=6, category_id=None, commune_id=BA_DINH, severity=None, unit_id=600),
    Rule(id=7, category_id=None, commune_id=BA_DINH, severity=None, unit_id=700),
]


@pytest.mark.parametrize(
    ("category", "commune", "severity", "unit"),
    [
        (MOI_TRUONG, HA_DONG, "normal", 200),  # category + commune beats category only
        (MOI_TRUONG, HA_DONG, None, 200),
        (MOI_TRUONG, HA_DONG, "urgent", 300),  # the severity-specific rule beats the general one
        (MOI_TRUONG, None, "normal", 100),  # no place: the category-only rule
        (MOI_TRUONG, 99, "urgent", 100),  # another commune: the category-only rule
        (THUE, HA_DONG, "normal", 500),  # equal specificity: the higher priority wins
        (THUE, BA_DINH, "normal", 500),  # category-only and commune-only rules tie: priority decides
        (None, BA_DINH, "normal", 600),  # same specificity and priority: the lower id wins
        (None, HA_DONG, "normal", None),  # no category, no commune rule: nothing matches
        (None, None, None, None),
        (3, None, "complex", None),  # unknown category
    ],
)
def test_route(category: int | None, commune: int | None, severity: str | None, unit: int | None) -> None:
    assert route(RULES, category, commune, severity) == unit
    assert route(reversed(RULES), category, commune, severity) == unit  # order of loading is irrelevant


def test_specificity_beats_priority() -> None:
    rules = [
        Rule(id=1, category_id=THUE, commune_id=None, severity=None, unit_id=1, priority=100),
        Rule(id=2, category_id=THUE, commune_id=HA_DONG, severity=None, unit_id=2, priority=0),
    ]
    assert route(rules, THUE, HA_DONG, "normal") == 2


def test_route_with_no_rules() -> None:
    assert route([], MOI_TRUONG, HA_DONG, "normal") is None
