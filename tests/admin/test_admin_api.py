"""The administration API: coordinators manage units, categories, rules, policies, calendar, users."""

from __future__ import annotations

from datetime import datetime

from feedback.directory.models import Category, Unit
from tests.helpers import PASSWORD, citizen_body, staff_headers

API = "/api/v1/admin"


async def test_only_coordinators_may_administer(client, restore_reference) -> None:  # noqa: ANN001
    assert (await client.get(f"{API}/units")).status_code == 401
    for role, unit in (
        ("officer", "SO-TC"),
        ("head", "SO-TC"),
        ("desk", "VP-UBND"),
        ("organiser", "VP-UBND"),
    ):
        headers = await staff_headers(client, f"{role}@hanoi.gov.vn", role, unit)
        for method, path, body in (
            ("GET", "/units", None),
            ("POST", "/categories", {"code": "x", "name": "X"}),
            ("PATCH", "/units/SO-TC", {"name": "Sở khác"}),
            ("GET", "/users", None),
            ("DELETE", "/calendar/2026-12-01", None),
        ):
            response = await client.request(method, f"{API}{path}", json=body, headers=headers)
            assert response.status_code == 403, (role, path, response.text)
    assert (await Unit.get(code="SO-TC")).name == "Sở Tài chính"


async def test_units_create_edit_and_validate(client, coordinator) -> None:  # noqa: ANN001
    listed = (await client.get(f"{API}/units", params={"q": "tai chinh"}, headers=coordinator)).json()
    assert "SO-TC" in [u["code"] for u in listed["items"]] and listed["total"] >= 1
    page = (await client.get(f"{API}/units", params={"limit": 5, "offset": 5}, headers=coordinator)).json()
    assert len(page["items"]) == 5 and page["total"] > 100

    body = {
        "code": "T-ADM-SO",
        "name": "Sở Thử nghiệm",
        "kind": "department",
        "parent": "HN",
        "email": "so-tn@hanoi.gov.vn",
    }
    created = await client.post(f"{API}/units", json=body, headers=coordinator)
    assert created.status_code == 201, created.text
    assert created.json()["parent"] == "HN" and created.json()["active"] is True
    child = await client.post(
        f"{API}/units",
        json={"code": "T-ADM-PHONG", "name": "Phòng thử", "kind": "office", "parent": "T-ADM-SO"},
        headers=coordinator,
    )
    assert child.status_code == 201

    duplicate = await client.post(f"{API}/units", json=body, headers=coordinator)
    assert duplicate.status_code == 409 and duplicate.json()["field"] == "code"
    for bad, field in (
        ({**body, "code": "T-ADM-2", "parent": "KHONG-CO"}, "parent"),
        ({**body, "code": "T-ADM-2", "kind": "bo"}, "kind"),
        ({**body, "code": "T-ADM-2", "name": "  "}, "name"),
        ({**body, "code": "T-ADM-2", "email": "khong-phai-thu"}, "email"),
        ({**body, "code": "co dau cách"}, "code"),
    ):
        response = await client.post(f"{API}/units", json=bad, headers=coordinator)
        assert response.status_code == 422 and response.json()["field"] == field, response.text
    unknown = await client.post(
        f"{API}/units", json={**body, "code": "T-ADM-3", "extra": 1}, headers=coordinator
    )
    assert unknown.status_code == 400

    # A unit cannot become its own ancestor (directly or through a descendant).
    for parent in ("T-ADM-SO", "T-ADM-PHONG"):
        loop = await client.patch(f"{API}/units/T-ADM-SO", json={"parent": parent}, headers=coordinator)
        assert loop.status_code == 422 and loop.json()["field"] == "parent"

    edited = await client.patch(
        f"{API}/units/T-ADM-SO",
        json={"name": "Sở Thử nghiệm mới", "requires_approval": True, "parent": None},
        headers=coordinator,
    )
    assert edited.status_code == 200, edited.text
    assert edited.json() == {
        **created.json(),
        "name": "Sở Thử nghiệm mới",
        "requires_approval": True,
        "parent": None,
    }
    public = {u["code"] for u in (await client.get("/api/v1/units")).json()}
    assert "T-ADM-SO" in public  # the reference snapshot was refreshed
    await client.patch(f"{API}/units/T-ADM-SO", json={"active": False}, headers=coordinator)
    assert "T-ADM-SO" not in {u["code"] for u in (await client.get("/api/v1/units")).json()}

    last = await client.patch(f"{API}/units/VP-UBND", json={"active": False}, headers=coordinator)
    assert last.status_code == 422 and last.json()["field"] == "active"
    assert (
        await client.patch(f"{API}/units/NOPE", json={"name": "x"}, headers=coordinator)
    ).status_code == 404


async def test_categories_keywords_are_folded(client, coordinator) -> None:  # noqa: ANN001
    created = await client.post(
        f"{API}/categories",
        json={
            "code": "t-adm-cay-xanh",
            "name": "Cây xanh đô thị",
            "keywords": ["Cây đổ", "cành  cây gãy", "cây đổ"],
            "scope": "local",
        },
        headers=coordinator,
    )
    assert created.status_code == 201, created.text
    assert created.json()["keywords"] == ["cay do", "canh cay gay"]
    assert (await Category.get(code="t-adm-cay-xanh")).keywords == "cay do|canh cay gay"
    assert "t-adm-cay-xanh" in {c["code"] for c in (await client.get("/api/v1/categories")).json()}

    dup = await client.post(
        f"{API}/categories", json={"code": "moi-truong", "name": "X"}, headers=coordinator
    )
    assert dup.status_code == 409 and dup.json()["field"] == "code"
    scope = await client.post(
        f"{API}/categories", json={"code": "t-adm-2", "name": "X", "scope": "?"}, headers=coordinator
    )
    assert scope.status_code == 422 and scope.json()["field"] == "scope"

    edited = await client.patch(
        f"{API}/categories/moi-truong",
        json={"name": "Môi trường (sửa)", "active": False},
        headers=coordinator,
    )
    assert edited.status_code == 200 and edited.json()["active"] is False
    assert "moi-truong" not in {c["code"] for c in (await client.get("/api/v1/categories")).json()}
    found = (await client.get(f"{API}/categories", params={"q": "moi truong"}, headers=coordinator)).json()
    assert [c["code"] for c in found["items"]] == ["moi-truong"]


async def test_a_new_rule_changes_where_new_items_go(client, coordinator) -> None:  # noqa: ANN001
    before = (await client.post("/api/v1/feedback", json=citizen_body())).json()
    assert before["unit"]["code"] == "P-09556-KT"

    body = {
        "category": "moi-truong",
        "commune": "09556",
        "severity": "urgent",
        "unit": "SO-NNMT",
        "priority": 5,
    }
    rule = await client.post(f"{API}/rules", json=body, headers=coordinator)
    assert rule.status_code == 201, rule.text
    assert rule.json() | {"id": 0} == {**body, "id": 0, "active": True}
    urgent = (await client.post("/api/v1/feedback", json=citizen_body(severity="urgent"))).json()
    assert urgent["unit"]["code"] == "SO-NNMT"  # the more specific rule wins
    normal = (await client.post("/api/v1/feedback", json=citizen_body())).json()
    assert normal["unit"]["code"] == "P-09556-KT"

    dup = await client.post(f"{API}/rules", json=body, headers=coordinator)
    assert dup.status_code == 409
    for bad, field in (
        ({**body, "category": "khong-co"}, "category"),
        ({**body, "commune": "99999"}, "commune"),
        ({**body, "unit": "KHONG-CO"}, "unit"),
        ({**body, "severity": "rat-gap"}, "severity"),
    ):
        response = await client.post(f"{API}/rules", json=bad, headers=coordinator)
        assert response.status_code == 422 and response.json()["field"] == field, response.text

    rule_id = rule.json()["id"]
    off = await client.patch(f"{API}/rules/{rule_id}", json={"active": False}, headers=coordinator)
    assert off.status_code == 200 and off.json()["active"] is False
    again = (await client.post("/api/v1/feedback", json=citizen_body(severity="urgent"))).json()
    assert again["unit"]["code"] == "P-09556-KT"
    listed = (
        await client.get(f"{API}/rules", params={"unit": "SO-NNMT", "commune": "09556"}, headers=coordinator)
    ).json()
    assert [r["id"] for r in listed["items"]] == [rule_id]
    assert (await client.delete(f"{API}/rules/{rule_id}", headers=coordinator)).status_code == 204
    assert (await client.get(f"{API}/rules/{rule_id}", headers=coordinator)).status_code == 404


async def test_policies(client, coordinator) -> None:  # noqa: ANN001
    policies = (await client.get(f"{API}/policies", headers=coordinator)).json()
    assert {p["severity"] for p in policies if p["category"] is None} == {"urgent", "normal", "complex"}
    created = await client.post(
        f"{API}/policies",
        json={"category": "moi-truong", "severity": "normal", "accept_hours": 8, "answer_days": 5},
        headers=coordinator,
    )
    assert created.status_code == 201, created.text
    item = (await client.post("/api/v1/feedback", json=citizen_body())).json()
    # Five working days instead of ten: the default deadline (7/12, see the intake tests) less a week.
    assert item["due_at"].startswith("2026-11-30T"), item["due_at"]
    dup = await client.post(
        f"{API}/policies",
        json={"category": "moi-truong", "severity": "normal", "accept_hours": 8, "answer_days": 5},
        headers=coordinator,
    )
    assert dup.status_code == 409
    for bad, field in (
        (
            {"severity": "normal", "accept_hours": 8, "answer_days": -1, "category": "giao-thong"},
            "answer_days",
        ),
        (
            {"severity": "normal", "accept_hours": 0, "answer_days": 3, "category": "giao-thong"},
            "accept_hours",
        ),
        (
            {
                "severity": "normal",
                "accept_hours": 8,
                "answer_days": 3,
                "progress_days": -2,
                "category": "giao-thong",
            },
            "progress_days",
        ),
        ({"severity": "normal", "accept_hours": 8, "answer_days": 3, "category": "khong-co"}, "category"),
        ({"severity": "x", "accept_hours": 8, "answer_days": 3}, "severity"),
    ):
        response = await client.post(f"{API}/policies", json=bad, headers=coordinator)
        assert response.status_code == 422 and response.json()["field"] == field, response.text
    policy_id = created.json()["id"]
    patched = await client.patch(f"{API}/policies/{policy_id}", json={"answer_days": 3}, headers=coordinator)
    assert patched.status_code == 200 and patched.json()["answer_days"] == 3
    negative = await client.patch(
        f"{API}/policies/{policy_id}", json={"answer_days": -3}, headers=coordinator
    )
    assert negative.status_code == 422 and negative.json()["field"] == "answer_days"
    default = next(p for p in policies if p["category"] is None and p["severity"] == "normal")
    refused = await client.delete(f"{API}/policies/{default['id']}", headers=coordinator)
    assert refused.status_code == 422
    assert (await client.delete(f"{API}/policies/{policy_id}", headers=coordinator)).status_code == 204


async def test_a_calendar_exception_moves_new_deadlines(client, coordinator) -> None:  # noqa: ANN001
    first = (await client.post("/api/v1/feedback", json=citizen_body())).json()
    day_off = await client.post(
        f"{API}/calendar",
        json={"day": "2026-11-25", "working": False, "note": "Nghỉ bù"},
        headers=coordinator,
    )
    assert day_off.status_code == 201, day_off.text
    second = (await client.post("/api/v1/feedback", json=citizen_body())).json()
    d1, d2 = (datetime.fromisoformat(x["due_at"]).date() for x in (first, second))
    assert (d2 - d1).days == 1, (d1, d2)  # one working day fewer: one day later (no weekend between)

    listed = (await client.get(f"{API}/calendar", params={"year": 2026}, headers=coordinator)).json()
    assert listed == [{"day": "2026-11-25", "working": False, "note": "Nghỉ bù"}]
    patched = await client.patch(
        f"{API}/calendar/2026-11-25", json={"note": "Nghỉ đột xuất"}, headers=coordinator
    )
    assert patched.json()["note"] == "Nghỉ đột xuất"
    bad = await client.post(
        f"{API}/calendar", json={"day": "25/11/2026", "working": False}, headers=coordinator
    )
    assert bad.status_code == 400
    assert (await client.delete(f"{API}/calendar/2026-11-25", headers=coordinator)).status_code == 204
    third = (await client.post("/api/v1/feedback", json=citizen_body())).json()
    assert datetime.fromisoformat(third["due_at"]).date() == d1
    assert (await client.delete(f"{API}/calendar/2026-11-25", headers=coordinator)).status_code == 404


async def test_users_create_edit_and_log_in(client, coordinator) -> None:  # noqa: ANN001
    body = {
        "email": "Moi@Hanoi.gov.vn",
        "role": "officer",
        "unit": "SO-TC",
        "password": "mat-khau-moi-123",
        "name": "Cán bộ Mới",
    }
    created = await client.post(f"{API}/users", json=body, headers=coordinator)
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["email"] == "moi@hanoi.gov.vn" and user["unit"] == "SO-TC" and "password" not in user
    login = await client.post(
        "/api/v1/auth/login", json={"email": "moi@hanoi.gov.vn", "password": "mat-khau-moi-123"}
    )
    assert login.status_code == 200 and login.json()["role"] == "officer"
    token = {"Authorization": f"Bearer {login.json()['token']}"}

    for bad, field, status in (
        ({**body, "email": "khong-hop-le"}, "email", 422),
        ({**body, "email": "x@hanoi.gov.vn", "role": "vua"}, "role", 422),
        ({**body, "email": "x@hanoi.gov.vn", "unit": "KHONG-CO"}, "unit", 422),
        ({**body, "email": "x@hanoi.gov.vn", "password": "ngan"}, "password", 422),
        (body, "email", 409),
    ):
        response = await client.post(f"{API}/users", json=bad, headers=coordinator)
        assert response.status_code == status and response.json()["field"] == field, response.text

    edited = await client.patch(
        f"{API}/users/{user['id']}",
        json={"name": "Trưởng phòng", "role": "head", "unit": "SO-XD"},
        headers=coordinator,
    )
    assert edited.status_code == 200 and edited.json()["role"] == "head" and edited.json()["unit"] == "SO-XD"
    assert (await client.get("/api/v1/staff/feedback", headers=token)).status_code == 200

    reset = await client.patch(
        f"{API}/users/{user['id']}", json={"password": "mat-khau-khac-456"}, headers=coordinator
    )
    assert reset.status_code == 200
    assert (await client.get("/api/v1/staff/feedback", headers=token)).status_code == 401  # sessions ended
    old = await client.post(
        "/api/v1/auth/login", json={"email": "moi@hanoi.gov.vn", "password": "mat-khau-moi-123"}
    )
    assert old.status_code == 401
    new = await client.post(
        "/api/v1/auth/login", json={"email": "moi@hanoi.gov.vn", "password": "mat-khau-khac-456"}
    )
    assert new.status_code == 200

    await client.patch(f"{API}/users/{user['id']}", json={"active": False}, headers=coordinator)
    locked = await client.post(
        "/api/v1/auth/login", json={"email": "moi@hanoi.gov.vn", "password": "mat-khau-khac-456"}
    )
    assert locked.status_code == 401

    me = (await client.get(f"{API}/users", params={"q": "dieuphoi"}, headers=coordinator)).json()["items"][0]
    myself = await client.patch(f"{API}/users/{me['id']}", json={"active": False}, headers=coordinator)
    assert myself.status_code == 422 and myself.json()["field"] == "active"
    unknown = await client.patch(f"{API}/users/{me['id']}", json={"email": "x@y.vn"}, headers=coordinator)
    assert unknown.status_code == 400
    listed = (await client.get(f"{API}/users", params={"role": "head"}, headers=coordinator)).json()
    assert [u["email"] for u in listed["items"]] == ["moi@hanoi.gov.vn"]
    assert PASSWORD
