"""One validation for the administration: the API and the pages refuse a value with the same words."""

from __future__ import annotations

import msgspec
import pytest

from feedback.accounts.models import ROLE_NAMES, ROLES
from feedback.admin import schemas
from feedback.directory.models import CATEGORY_SCOPES, SCOPE_NAMES, UNIT_KIND_NAMES, UNIT_KINDS
from tests.admin.test_admin_pages import _browser_login, _error_next_to

BODIES = [
    getattr(schemas, name)
    for name in dir(schemas)
    if isinstance(getattr(schemas, name), type)
    and issubclass(getattr(schemas, name), msgspec.Struct)
    and getattr(schemas, name).__module__ == schemas.__name__
]


def test_every_field_of_every_body_has_a_vietnamese_label() -> None:
    assert len(BODIES) == 12
    for body in BODIES:
        for field in body.__struct_fields__:
            assert field in schemas.LABELS, (body.__name__, field)


def test_every_role_kind_and_scope_has_a_name() -> None:
    assert set(ROLE_NAMES) == set(ROLES)
    assert set(UNIT_KIND_NAMES) == set(UNIT_KINDS)
    assert set(SCOPE_NAMES) == set(CATEGORY_SCOPES)


@pytest.mark.parametrize(
    ("message", "field", "expected"),
    [
        ("Expected `str` of length <= 200", "name", "Tên: tối đa 200 ký tự"),
        ("Expected `str` of length >= 8", "password", "Mật khẩu: cần ít nhất 8 ký tự"),
        ("Expected `int` >= 1", "answer_days", "Thời hạn trả lời (ngày làm việc): không được nhỏ hơn 1"),
        ("Expected `str` matching regex '\\S'", "name", "Tên: không được để trống"),
        ("Invalid enum value 'x'", "severity", "Mức độ: phải là một trong: Khẩn (urgent), "),
    ],
)
def test_explain(message: str, field: str, expected: str) -> None:
    assert schemas.explain(field, message).startswith(expected)


def test_only_values_outside_limits_are_refusals() -> None:
    assert schemas.refusal("keywords[3]", "Expected `str` of length <= 200").field == "keywords"
    assert schemas.refusal("data", "Object contains unknown field `x`") is None
    assert schemas.refusal("priority", "Expected `int`, got `str`") is None


async def test_the_api_and_the_page_say_the_same(client, browser, coordinator) -> None:  # noqa: ANN001
    body = {"code": "t-adm-same", "name": "Thử", "kind": "bo"}
    api = await client.post("/api/v1/admin/units", json=body, headers=coordinator)
    assert api.status_code == 422 and api.json()["field"] == "kind"
    csrf = await _browser_login(browser, "dieuphoi2@hanoi.gov.vn")
    form = await browser.post("/admin/units", data={**body, "csrf_token": csrf})
    assert form.status_code == 422
    assert _error_next_to(form.text, "kind") == api.json()["detail"]
    assert api.json()["detail"].startswith("Loại đơn vị: phải là một trong: Thành phố (city)")
