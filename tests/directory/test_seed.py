import pytest
from tortoise.transactions import in_transaction

from feedback.directory.models import (
    GENERAL_OFFICE_SUFFIX,
    Category,
    Commune,
    DeadlinePolicy,
    RoutingRule,
    Unit,
)
from feedback.directory.routing import RULE_FIELDS, Rule, route
from feedback.directory.seed import SeedReport, seed
from feedback.text import suggest_category

OFFICES = ("VP", "KT", "VHXH", "HCC")


async def _route(category: str | None, commune: str | None, severity: str = "normal") -> str | None:
    rules = [Rule(**row) for row in await RoutingRule.filter(active=True).values(*RULE_FIELDS)]
    category_id = (await Category.get(code=category)).id if category else None
    commune_id = (await Commune.get(code=commune)).id if commune else None
    unit_id = route(rules, category_id, commune_id, severity)
    return None if unit_id is None else (await Unit.get(id=unit_id)).code


async def test_seeded_counts(database: str) -> None:
    assert await Commune.all().count() == 126
    assert await Commune.filter(kind="phường").count() == 51
    assert await Commune.filter(kind="xã").count() == 75
    assert await Unit.filter(kind="commune").count() == 126
    assert await Unit.filter(kind="office").count() == 126 * 4
    assert await Unit.filter(kind="department").count() == 15
    assert await Unit.filter(kind="coordinator").count() == 1
    assert await Unit.filter(kind="city").count() == 1
    assert await Category.all().count() == 20
    assert await RoutingRule.all().count() >= 126 * 10
    policies = {p.severity: p for p in await DeadlinePolicy.filter(category_id=None)}
    assert {s: (p.accept_hours, p.answer_days, p.progress_days) for s, p in policies.items()} == {
        "urgent": (4, 2, None),
        "normal": (8, 10, None),
        "complex": (8, 20, 7),
    }


async def test_every_commune_has_its_committee_and_offices(database: str) -> None:
    units = {u.id: u for u in await Unit.all()}
    by_code = {u.code: u for u in units.values()}
    city = by_code["HN"]
    for commune in await Commune.all():
        committee = units[commune.unit_id]
        assert committee.kind == "commune"
        assert committee.name == f"UBND {commune.name}"
        assert committee.parent_id == city.id
        for suffix in OFFICES:
            office = by_code[f"{committee.code}-{suffix}"]
            assert office.kind == "office" and office.parent_id == committee.id
            assert office.name.endswith(commune.name) and office.email and office.head_email
        general = by_code[f"{committee.code}{GENERAL_OFFICE_SUFFIX}"]  # receives items with no field
        assert general.kind == "office" and general.name.startswith("Văn phòng HĐND và UBND")
    ward, commune = by_code["P-00004-KT"], by_code["X-00376-KT"]
    assert ward.name == "Phòng Kinh tế, Hạ tầng và Đô thị Phường Ba Đình"
    assert commune.name == "Phòng Kinh tế Xã Sóc Sơn"


async def test_commune_names_are_folded_for_search(database: str) -> None:
    commune = await Commune.get(code="09556")
    assert (commune.name, commune.name_folded) == ("Phường Hà Đông", "phuong ha dong")
    assert await Commune.filter(name_folded__contains="ha dong").count() == 1


async def test_second_seed_adds_nothing(database: str) -> None:
    before = await Unit.all().count(), await RoutingRule.all().count()
    assert await seed() == SeedReport()
    assert (await Unit.all().count(), await RoutingRule.all().count()) == before


async def test_seed_keeps_a_coordinators_edits(database: str) -> None:
    unit = await Unit.get(code="SO-XD")
    rule = await RoutingRule.get(category__code="moi-truong", commune__code="09556", severity=None)
    original = unit.email, rule.unit_id
    other = await Unit.get(code="SO-NNMT")
    try:
        await Unit.filter(id=unit.id).update(email="tiepdan.soxd@hanoi.gov.vn")
        await RoutingRule.filter(id=rule.id).update(unit_id=other.id)
        assert (await seed()).total == 0
        assert (await Unit.get(id=unit.id)).email == "tiepdan.soxd@hanoi.gov.vn"
        assert await RoutingRule.filter(category__code="moi-truong", commune__code="09556").count() == 1
        assert await _route("moi-truong", "09556") == "SO-NNMT"
    finally:
        await Unit.filter(id=unit.id).update(email=original[0])
        await RoutingRule.filter(id=rule.id).update(unit_id=original[1])


async def test_seed_restores_what_is_missing(database: str) -> None:
    async with in_transaction():
        await DeadlinePolicy.filter(category_id=None, severity="complex").delete()
    assert await seed() == SeedReport(policies=1)
    policy = await DeadlinePolicy.get(category_id=None, severity="complex")
    assert (policy.accept_hours, policy.answer_days, policy.progress_days) == (8, 20, 7)


@pytest.mark.parametrize(
    ("category", "commune", "unit"),
    [
        ("moi-truong", "09556", "P-09556-KT"),  # Môi trường in Phường Hà Đông: its own office
        ("moi-truong", "00376", "X-00376-KT"),  # ... in Xã Sóc Sơn: Phòng Kinh tế
        ("trat-tu-do-thi", "00004", "P-00004-KT"),
        ("tu-phap-ho-tich", "00004", "P-00004-VP"),
        ("an-toan-thuc-pham", "10489", "X-10489-VHXH"),
        ("moi-truong", None, "SO-NNMT"),  # no place: the department
        ("thue-phi", "09556", "SO-TC"),  # Thuế goes to Sở Tài chính wherever it comes from
        ("thue-phi", None, "SO-TC"),
        ("lao-dong-bhxh", "00004", "SO-NV"),
        ("giao-duc", None, "SO-GDDT"),
        ("thu-tuc-hanh-chinh", "00004", "VP-UBND"),
        ("khac", None, "VP-UBND"),
        ("cu-tru-can-cuoc", None, None),  # no rule: the caller sends it to the coordinator office
        (None, "00004", None),
    ],
)
async def test_default_routing(
    database: str, category: str | None, commune: str | None, unit: str | None
) -> None:
    assert await _route(category, commune) == unit


async def test_every_category_without_a_place_except_police_matters_has_a_rule(database: str) -> None:
    unrouted = [c.code for c in await Category.all() if await _route(c.code, None) is None]
    assert sorted(unrouted) == ["an-ninh-trat-tu", "cu-tru-can-cuoc"]


async def test_suggestion_from_seeded_keywords(database: str) -> None:
    categories = await Category.filter(active=True).order_by("id").values_list("code", "keywords")
    assert suggest_category("rac thai un u", categories) == "moi-truong"
    assert suggest_category("Rác thải ùn ứ", categories) == "moi-truong"
    assert suggest_category("Xin cảm ơn", categories) is None
