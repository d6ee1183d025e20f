"""Every staff endpoint × role × how the user's unit stands to the item (SPEC §1, §8).

The expectations are written out here from the spec, not read from the code's tables:
- a role that may never do an action gets 403, whatever the item (so the refusal leaks nothing);
- a unit that neither handles nor cooperates on the item gets 404: the item does not exist for it;
- a cooperating unit reads the item, notes and sends its part ("answer"); nothing else (403);
- otherwise the action is allowed: 200, or 409 where the item's state does not permit it yet.
"""

from __future__ import annotations

import pytest

from tests.helpers import citizen_body, staff_headers

LEAD, COOPERATING, OTHER = "P-09556-KT", "P-00070-KT", "P-00004-KT"
ROLES = ("desk", "officer", "head", "coordinator", "organiser")
RELATIONS = ("lead", "cooperating", "other")

MAY = {
    "accept": {"officer", "head", "coordinator"},
    "refuse": {"officer", "head", "coordinator"},
    "transfer": {"officer", "head", "coordinator"},
    "extend": {"officer", "head", "coordinator"},
    "assign": {"head", "coordinator"},
    "note": {"desk", "officer", "head", "coordinator"},
    "answer": {"officer", "head", "coordinator"},
    "approve": {"head", "coordinator"},
    "reopen": {"coordinator"},
    "cooperate": {"officer", "head", "coordinator"},
    "duplicate": {"officer", "head", "coordinator"},
    # SPEC §4: "One extension per item, decided by the unit's head (an officer's request waits for the
    # head's approval, like a draft answer)": like approve, only heads and coordinators decide.
    "approve_extension": {"head", "coordinator"},
    "refuse_extension": {"head", "coordinator"},
}
COOPERATING_MAY = {"note", "answer"}
# The state of a fresh item does not allow these yet: no draft to approve, no extension request to
# decide, nothing answered to reopen.
NOT_YET = {"approve", "reopen", "approve_extension", "refuse_extension"}


def body(action: str, duplicate_of: str) -> dict:
    return {
        "accept": {"classification": "authority"},
        "refuse": {"ground": "no_contact", "reason": "Phản ánh nặc danh, không có thông tin liên hệ."},
        "transfer": {"unit": "P-09556-VP", "reason": "Thuộc lĩnh vực văn phòng phường."},
        "extend": {"due_date": "2026-12-11", "reason": "Cần thêm thời gian xác minh."},
        "assign": {"officer": "canbo.chinh@lead.vn"},
        "note": {"text": "Ghi chú nội bộ."},
        "answer": {"answer": "Đơn vị đã xem xét và trả lời như sau."},
        "approve": {},
        "reopen": {"reason": "Người dân chưa hài lòng."},
        "cooperate": {"unit": "P-09556-VHXH", "request": "Đề nghị phối hợp.", "due_date": "2026-12-01"},
        "duplicate": {"of": duplicate_of},
        "approve_extension": {},
        "refuse_extension": {"reason": "Đủ thông tin để trả lời đúng hạn."},
    }[action]


def expected(action: str, role: str, relation: str) -> set[int]:
    if action in ("read", "list"):
        if role == "organiser":
            return {403}
        return {404} if relation == "other" and role != "coordinator" else {200}
    if role not in MAY[action]:
        return {403}
    if role == "coordinator":
        return {409} if action in NOT_YET else {200}
    if relation == "other":
        return {404}
    if relation == "cooperating" and action not in COOPERATING_MAY:
        return {403}
    return {409} if action in NOT_YET else {200}


def unit_of(role: str, relation: str) -> str | None:
    if role == "coordinator":
        return None  # the coordinator office
    return {"lead": LEAD, "cooperating": COOPERATING, "other": OTHER}[relation]


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("role", ROLES)
async def test_matrix(client, role: str, relation: str) -> None:  # noqa: ANN001
    """One user per role and relation; every endpoint on a fresh item (logins are slow on purpose)."""
    if role == "coordinator" and relation != "lead":
        pytest.skip("a coordinator's unit stands to every item the same way")
    lead_officer = await staff_headers(client, "canbo.chinh@lead.vn", "officer", LEAD)
    user = await staff_headers(client, f"{role}.{relation}@test.vn", role, unit_of(role, relation))
    seen = {}
    for action in ["read", "list", *MAY]:
        item = (await client.post("/api/v1/feedback", json=citizen_body())).json()["code"]
        twin = (await client.post("/api/v1/feedback", json=citizen_body())).json()["code"]
        cooperate = {"unit": COOPERATING, "request": "Đề nghị cung cấp thông tin.", "due_date": "2026-12-01"}
        setup = await client.post(
            f"/api/v1/staff/feedback/{item}/cooperate", json=cooperate, headers=lead_officer
        )
        assert setup.status_code == 200, setup.text
        if action == "list":
            response = await client.get("/api/v1/staff/feedback", headers=user)
            found = response.status_code == 200 and item in [row["code"] for row in response.json()["items"]]
            status = 200 if found else (404 if response.status_code == 200 else response.status_code)
        elif action == "read":
            status = (await client.get(f"/api/v1/staff/feedback/{item}", headers=user)).status_code
        else:
            response = await client.post(
                f"/api/v1/staff/feedback/{item}/{action}", json=body(action, twin), headers=user
            )
            status = response.status_code
            assert status not in (400, 422), response.text  # the bodies are valid: only access is tested
        seen[action] = status
    wrong = {a: status for a, status in seen.items() if status not in expected(a, role, relation)}
    assert wrong == {}, f"{role}/{relation}: {seen}"


async def test_without_login_every_staff_endpoint_is_401(client) -> None:  # noqa: ANN001
    item = (await client.post("/api/v1/feedback", json=citizen_body())).json()["code"]
    assert (await client.get("/api/v1/staff/feedback")).status_code == 401
    assert (await client.get(f"/api/v1/staff/feedback/{item}")).status_code == 401
    for action in MAY:
        response = await client.post(f"/api/v1/staff/feedback/{item}/{action}", json=body(action, item))
        assert response.status_code == 401, action
    forged = {"Authorization": "Bearer not-a-session"}
    assert (await client.get("/api/v1/staff/feedback", headers=forged)).status_code == 401
