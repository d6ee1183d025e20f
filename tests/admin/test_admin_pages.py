"""The administration pages: coordinators see lists, create and edit rows with plain HTML forms."""

from __future__ import annotations

import re

from feedback.accounts.services import create_user
from feedback.directory.models import CalendarException, Category, Unit
from tests.helpers import PASSWORD


async def _browser_login(browser, email: str, role: str = "coordinator", unit: str | None = "VP-UBND") -> str:  # noqa: ANN001
    """Log in like the browser: the client keeps the session cookie; the pages carry the CSRF token."""
    await create_user(email=email, role=role, unit_code=unit, password=PASSWORD, name="Điều phối")
    response = await browser.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200 and browser.cookies.get("pakn_session")
    return browser.cookies["pakn_csrf"]


def _error_next_to(html: str, field: str) -> str:
    """The message shown right after the field `field` (its id is f-<field>)."""
    match = re.search(
        rf'id="f-{field}".*?<p class="field-error" id="f-{field}-error">([^<]*)</p>', html, re.S
    )
    assert match, html[-3000:]
    return match.group(1)


async def test_list_pages_render(browser) -> None:  # noqa: ANN001
    csrf = await _browser_login(browser, "dieuphoi@hanoi.gov.vn")
    index = await browser.get("/admin")
    assert index.status_code == 200 and 'href="/admin/rules"' in index.text
    for slug, expected in (
        ("units", "UBND Thành phố Hà Nội"),
        ("categories", "Môi trường"),
        ("rules", "Quy tắc phân công"),
        ("policies", "Mặc định"),
        ("calendar", "Lịch làm việc"),
        ("users", "dieuphoi@hanoi.gov.vn"),
    ):
        response = await browser.get(f"/admin/{slug}")
        assert response.status_code == 200, (slug, response.text[:500])
        assert expected in response.text and f'name="csrf_token" value="{csrf}"' in response.text
        assert "style=" not in response.text and "<script>" not in response.text
    found = await browser.get("/admin/units", params={"q": "ha dong"})
    assert "P-09556" in found.text and "SO-TC" not in found.text
    second = await browser.get("/admin/rules", params={"offset": 50})
    assert "Trang trước" in second.text
    english = await browser.get("/admin/units", params={"lang": "en"})
    assert "Units" in english.text and "Add" in english.text
    edit = await browser.get("/admin/units/SO-TC")
    assert edit.status_code == 200 and 'value="Sở Tài chính"' in edit.text
    assert (await browser.get("/admin/units/KHONG-CO")).status_code == 404


async def test_only_coordinators_see_admin_pages(browser) -> None:  # noqa: ANN001
    anonymous = await browser.get("/admin/units", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/staff/login")
    csrf = await _browser_login(browser, "chuyenvien@hanoi.gov.vn", "officer", "SO-TC")
    assert (await browser.get("/admin")).status_code == 403
    refused = await browser.post(
        "/admin/units/SO-TC", data={"csrf_token": csrf, "name": "X", "kind": "department"}
    )
    assert refused.status_code == 403
    assert (await Unit.get(code="SO-TC")).name == "Sở Tài chính"


async def test_create_unit_with_error_then_valid(browser) -> None:  # noqa: ANN001
    csrf = await _browser_login(browser, "dieuphoi@hanoi.gov.vn")
    form = {
        "csrf_token": csrf,
        "code": "T-ADM-WEB",
        "name": "Phòng thử nghiệm",
        "kind": "office",
        "parent": "KHONG-CO",
        "active": "1",
    }
    bad = await browser.post("/admin/units", data=form)
    assert bad.status_code == 422
    assert "KHONG-CO" in _error_next_to(bad.text, "parent")
    assert 'value="Phòng thử nghiệm"' in bad.text  # what was typed stays
    assert not await Unit.exists(code="T-ADM-WEB")

    missing_csrf = await browser.post("/admin/units", data={**form, "csrf_token": "sai"})
    assert missing_csrf.status_code == 403

    good = await browser.post("/admin/units", data={**form, "parent": "SO-TC"}, follow_redirects=False)
    assert good.status_code == 303 and good.headers["location"] == "/admin/units/T-ADM-WEB?saved=1"
    unit = await Unit.get(code="T-ADM-WEB").select_related("parent")
    assert unit.parent.code == "SO-TC" and unit.active and not unit.requires_approval

    loop = await browser.post(
        "/admin/units/SO-TC",
        data={
            "csrf_token": csrf,
            "name": "Sở Tài chính",
            "kind": "department",
            "parent": "T-ADM-WEB",
            "active": "1",
        },
    )
    assert loop.status_code == 422 and _error_next_to(loop.text, "parent")
    edited = await browser.post(
        "/admin/units/T-ADM-WEB",
        data={"csrf_token": csrf, "name": "Phòng đã đổi tên", "kind": "office", "parent": "SO-TC"},
        follow_redirects=False,
    )
    assert edited.status_code == 303
    unit = await Unit.get(code="T-ADM-WEB")
    assert unit.name == "Phòng đã đổi tên" and unit.active is False  # unchecked box


async def test_category_rule_policy_calendar_user_forms(browser) -> None:  # noqa: ANN001
    csrf = await _browser_login(browser, "dieuphoi@hanoi.gov.vn")
    created = await browser.post(
        "/admin/categories",
        data={
            "csrf_token": csrf,
            "code": "t-adm-web",
            "name": "Thử",
            "keywords": "Cây đổ\nĐèn hỏng",
            "scope": "local",
            "active": "1",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    assert (await Category.get(code="t-adm-web")).keywords == "cay do|den hong"

    bad_rule = await browser.post(
        "/admin/rules",
        data={
            "csrf_token": csrf,
            "category": "t-adm-web",
            "commune": "99999",
            "unit": "SO-TC",
            "priority": "1",
        },
    )
    assert bad_rule.status_code == 422 and "99999" in _error_next_to(bad_rule.text, "commune")
    not_a_number = await browser.post(
        "/admin/rules",
        data={"csrf_token": csrf, "category": "t-adm-web", "unit": "SO-TC", "priority": "nhiều"},
    )
    assert not_a_number.status_code == 422 and _error_next_to(not_a_number.text, "priority")
    rule = await browser.post(
        "/admin/rules",
        data={"csrf_token": csrf, "category": "t-adm-web", "unit": "SO-TC", "priority": "1", "active": "1"},
        follow_redirects=False,
    )
    assert rule.status_code == 303
    rule_url = rule.headers["location"].split("?")[0]
    assert (await browser.get(rule_url)).status_code == 200
    deleted = await browser.post(f"{rule_url}/delete", data={"csrf_token": csrf}, follow_redirects=False)
    assert deleted.status_code == 303

    negative = await browser.post(
        "/admin/policies",
        data={
            "csrf_token": csrf,
            "category": "t-adm-web",
            "severity": "normal",
            "accept_hours": "8",
            "answer_days": "-1",
        },
    )
    assert negative.status_code == 422 and _error_next_to(negative.text, "answer_days")
    policy = await browser.post(
        "/admin/policies",
        data={
            "csrf_token": csrf,
            "category": "t-adm-web",
            "severity": "normal",
            "accept_hours": "8",
            "answer_days": "5",
        },
        follow_redirects=False,
    )
    assert policy.status_code == 303

    bad_day = await browser.post(
        "/admin/calendar", data={"csrf_token": csrf, "day": "31/12/2026", "note": "x"}
    )
    assert bad_day.status_code == 422 and _error_next_to(bad_day.text, "day")
    day = await browser.post(
        "/admin/calendar",
        data={"csrf_token": csrf, "day": "2026-12-31", "note": "Nghỉ thêm"},
        follow_redirects=False,
    )
    assert day.status_code == 303 and day.headers["location"].startswith("/admin/calendar/2026-12-31")
    exception = await CalendarException.get(day="2026-12-31")
    assert exception.working is False and exception.note == "Nghỉ thêm"

    short = await browser.post(
        "/admin/users",
        data={
            "csrf_token": csrf,
            "email": "moi@hanoi.gov.vn",
            "role": "officer",
            "unit": "SO-TC",
            "password": "ngan",
        },
    )
    assert short.status_code == 422 and _error_next_to(short.text, "password")
    assert 'value="ngan"' not in short.text  # a password is never sent back
    user = await browser.post(
        "/admin/users",
        data={
            "csrf_token": csrf,
            "email": "moi@hanoi.gov.vn",
            "role": "officer",
            "unit": "SO-TC",
            "password": "mat-khau-moi-123",
            "active": "1",
        },
        follow_redirects=False,
    )
    assert user.status_code == 303
    login = await browser.post(
        "/api/v1/auth/login", json={"email": "moi@hanoi.gov.vn", "password": "mat-khau-moi-123"}
    )
    assert login.status_code == 200
