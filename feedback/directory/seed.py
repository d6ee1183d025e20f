"""Reference data: Hanoi's units, communes, categories, default routing rules and deadline policies.

`seed()` only inserts what is missing, keyed by code (or natural key), so it is safe to run on every
start and never overwrites a coordinator's edits. The data lives in `data/` next to this module.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
from tortoise.transactions import in_transaction

from feedback.directory.models import Category, Commune, DeadlinePolicy, RoutingRule, Unit
from feedback.text import fold

DATA = Path(__file__).with_name("data")


@dataclass(frozen=True)
class SeedReport:
    """How many rows of each kind `seed()` inserted (0 everywhere when nothing was missing)."""

    units: int = 0
    communes: int = 0
    categories: int = 0
    rules: int = 0
    policies: int = 0

    @property
    def total(self) -> int:
        return sum(getattr(self, field.name) for field in fields(self))

    def __str__(self) -> str:
        counts = ", ".join(f"{getattr(self, field.name)} {field.name}" for field in fields(self))
        return f"added {counts}"


@cache
def _json(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@cache
def communes() -> tuple[dict[str, str], ...]:
    """Hanoi's communes and wards: code (5 digits, as the statistics office writes it), name, kind, slug."""
    with (DATA / "communes.csv").open(encoding="utf-8", newline="") as file:
        return tuple(
            {
                "code": f"{int(row['ward_code']):05d}",
                "name": row["ward_name"],
                "kind": row["division_type"],
                "slug": row["codename"].replace("_", "-"),
            }
            for row in csv.DictReader(file)
        )


def commune_unit_code(commune: dict[str, str]) -> str:
    """The code of a commune's people's committee: "P-00004" (phường), "X-00376" (xã)."""
    return f"{_json('units.json')['commune']['code_prefix'][commune['kind']]}-{commune['code']}"


def unit_specs() -> list[dict[str, Any]]:
    """Every unit to seed, parents before children, as Unit field values with `parent` as a code."""
    config = _json("units.json")
    domain = config["domain"]

    def spec(code: str, name: str, kind: str, parent: str | None, mailbox: str, head_name: str) -> dict:
        return {
            "code": code,
            "name": name,
            "kind": kind,
            "parent": parent,
            "email": f"{mailbox}@{domain}",
            "head_email": f"lanhdao.{mailbox}@{domain}",
            "head_name": head_name,
        }

    specs = [
        spec(u["code"], u["name"], u["kind"], u["parent"], u["email"], u["head_name"]) for u in config["city"]
    ]
    committee = config["commune"]
    for commune in communes():
        code = commune_unit_code(commune)
        name = committee["name"].format(commune=commune["name"])
        specs.append(spec(code, name, "commune", "HN", commune["slug"], f"{committee['head_title']} {name}"))
        for office in config["offices"]:
            title = office["name"] if isinstance(office["name"], str) else office["name"][commune["kind"]]
            office_name = f"{title} {commune['name']}"
            mailbox = f"{office['suffix'].lower()}.{commune['slug']}"
            head = f"{office['head_title']} {office_name}"
            specs.append(spec(f"{code}-{office['suffix']}", office_name, "office", code, mailbox, head))
    return specs


async def _ids(model: type[Model], conn: BaseDBAsyncClient) -> dict[str, int]:
    return dict(await model.all().using_db(conn).values_list("code", "id"))


async def _seed_units(conn: BaseDBAsyncClient) -> tuple[int, dict[str, int]]:
    ids = await _ids(Unit, conn)
    missing = [spec for spec in unit_specs() if spec["code"] not in ids]
    created = 0
    # One round per tree level: a unit can be inserted once its parent has an id.
    while missing:
        ready = [spec for spec in missing if spec["parent"] is None or spec["parent"] in ids]
        if not ready:
            raise ValueError(f"units with unknown parents: {sorted(s['code'] for s in missing)[:5]}")
        await Unit.bulk_create(
            [
                Unit(**{k: v for k, v in s.items() if k != "parent"}, parent_id=ids.get(s["parent"]))
                for s in ready
            ],
            using_db=conn,
        )
        created += len(ready)
        ids = await _ids(Unit, conn)
        missing = [spec for spec in missing if spec["code"] not in ids]
    return created, ids


async def _seed_communes(conn: BaseDBAsyncClient, unit_ids: dict[str, int]) -> tuple[int, dict[str, int]]:
    ids = await _ids(Commune, conn)
    new = [
        Commune(
            code=c["code"],
            name=c["name"],
            name_folded=fold(c["name"]),
            kind=c["kind"],
            unit_id=unit_ids[commune_unit_code(c)],
        )
        for c in communes()
        if c["code"] not in ids
    ]
    if new:
        await Commune.bulk_create(new, using_db=conn)
        ids = await _ids(Commune, conn)
    return len(new), ids


async def _seed_categories(conn: BaseDBAsyncClient) -> tuple[int, dict[str, int]]:
    ids = await _ids(Category, conn)
    new = [
        Category(
            code=c["code"],
            name=c["name"],
            scope=c["scope"],
            keywords="|".join(dict.fromkeys(fold(k) for k in c["keywords"])),
        )
        for c in _json("categories.json")
        if c["code"] not in ids
    ]
    if new:
        await Category.bulk_create(new, using_db=conn)
        ids = await _ids(Category, conn)
    return len(new), ids


def rule_specs(
    unit_ids: dict[str, int], commune_ids: dict[str, int], category_ids: dict[str, int]
) -> list[tuple[int, int | None, None, int]]:
    """The default rules as (category_id, commune_id, severity, unit_id)."""
    table = _json("routing.json")
    city = [(category_ids[category], None, None, unit_ids[unit]) for category, unit in table["city"].items()]
    per_commune = [
        (category_ids[category], commune_ids[c["code"]], None, unit_ids[f"{commune_unit_code(c)}-{office}"])
        for c in communes()
        for category, office in table["per_commune"].items()
    ]
    return city + per_commune


async def _seed_rules(
    conn: BaseDBAsyncClient,
    unit_ids: dict[str, int],
    commune_ids: dict[str, int],
    category_ids: dict[str, int],
) -> int:
    # Keyed by the criteria, not the unit: a rule a coordinator pointed at another unit stays as it is.
    existing = set(
        await RoutingRule.all().using_db(conn).values_list("category_id", "commune_id", "severity")
    )
    new = [
        RoutingRule(category_id=category, commune_id=commune, severity=severity, unit_id=unit)
        for category, commune, severity, unit in rule_specs(unit_ids, commune_ids, category_ids)
        if (category, commune, severity) not in existing
    ]
    if new:
        await RoutingRule.bulk_create(new, using_db=conn)
    return len(new)


async def _seed_policies(conn: BaseDBAsyncClient) -> int:
    existing = set(
        await DeadlinePolicy.filter(category_id=None).using_db(conn).values_list("severity", flat=True)
    )
    new = [
        DeadlinePolicy(category_id=None, **p) for p in _json("policies.json") if p["severity"] not in existing
    ]
    if new:
        await DeadlinePolicy.bulk_create(new, using_db=conn)
    return len(new)


async def seed() -> SeedReport:
    """Insert the reference data that is missing, in one transaction; never update existing rows."""
    async with in_transaction() as conn:
        units, unit_ids = await _seed_units(conn)
        communes_, commune_ids = await _seed_communes(conn, unit_ids)
        categories, category_ids = await _seed_categories(conn)
        rules = await _seed_rules(conn, unit_ids, commune_ids, category_ids)
        policies = await _seed_policies(conn)
    return SeedReport(units, communes_, categories, rules, policies)
