"""Who may do what with a conference (SPEC §1, §6): organisers within their unit and its sub-units,
coordinators everywhere, answers by the handlers of the question's unit; `conferences.access`."""

from __future__ import annotations

from feedback.conferences.access import units_under
from feedback.directory.reference import UnitRef
from tests.helpers import staff_headers

CONFERENCE = {
    "host_unit": "P-09556-KT",
    "title": "Đối thoại về hạ tầng đô thị phường Hà Đông",
    "starts_at": "2026-12-03T08:00:00+07:00",
    "place": "Hội trường UBND phường Hà Đông",
}
QUESTION = {"asker_name": "Nguyễn Văn An", "category": "giao-thong",
            "text": "Đèn tín hiệu ngã tư Quang Trung hỏng đã lâu, bao giờ sửa?"}  # fmt: skip
ANSWER = {"answer": "Phường đã đề nghị sửa trong tuần.", "answer_mode": "at_conference",
          "official_name": "Hoàng Văn Em", "official_position": "Trưởng phòng Kinh tế"}  # fmt: skip


def test_units_under_is_the_unit_and_its_subtree() -> None:
    def unit(id_: int, parent: int | None) -> UnitRef:
        return UnitRef(id=id_, code=f"U{id_}", name="", kind="", parent_id=parent, email="", head_email="")

    units = {u.id: u for u in (unit(1, None), unit(2, 1), unit(3, 2), unit(4, 1), unit(5, None))}
    assert units_under(units, 2) == {2, 3}
    assert units_under(units, 1) == {1, 2, 3, 4}
    assert units_under(units, 5) == {5}
    assert units_under(units, None) == frozenset()


async def _conference(client, organiser) -> str:  # noqa: ANN001
    """A conference of the ward's economic office (a sub-unit of the ward), collecting, with question 1
    assigned to that office."""
    created = await client.post("/api/v1/conferences/", json=CONFERENCE, headers=organiser)
    assert created.status_code == 201, created.text
    base = f"/api/v1/conferences/{created.json()['id']}"
    assert (
        await client.post(f"{base}/status", json={"status": "collecting"}, headers=organiser)
    ).status_code == 200
    assert (await client.post(f"{base}/questions", json=QUESTION, headers=organiser)).status_code == 201
    assigned = await client.post(
        f"{base}/questions/1/assign", json={"unit": "P-09556-KT", "due_date": "2026-12-01"}, headers=organiser
    )
    assert assigned.status_code == 200, assigned.text
    return base


async def test_a_desk_officer_of_the_unit_may_not_answer_but_its_handlers_may(client) -> None:  # noqa: ANN001
    ward = await staff_headers(client, "tochuc@hadong.vn", "organiser", "P-09556")
    base = await _conference(client, ward)
    desk = await staff_headers(client, "motcua@hadong.vn", "desk", "P-09556-KT")
    refused = await client.post(f"{base}/questions/1/answer", json=ANSWER, headers=desk)
    assert refused.status_code == 403, refused.text
    head = await staff_headers(client, "truongphong@hadong.vn", "head", "P-09556-KT")
    answered = await client.post(f"{base}/questions/1/answer", json=ANSWER, headers=head)
    assert answered.status_code == 200 and answered.json()["status"] == "answered"


async def test_an_organiser_runs_only_the_conferences_of_the_own_unit_and_its_sub_units(client) -> None:  # noqa: ANN001
    ward = await staff_headers(client, "tochuc@hadong.vn", "organiser", "P-09556")
    base = await _conference(client, ward)  # hosted by a sub-unit of the ward: the ward's organiser runs it
    cid = base.rsplit("/", 1)[-1]
    assert (await client.get(base, headers=ward)).status_code == 200
    assert (await client.get(f"{base}/export.xlsx", headers=ward)).status_code == 200

    elsewhere = await staff_headers(client, "tochuc@badinh.vn", "organiser", "P-00004")
    assert (await client.get("/api/v1/conferences/", headers=elsewhere)).json() == []
    for url in (
        base,
        f"{base}/questions",
        f"{base}/export.docx",
        f"{base}/export.xlsx",
        f"{base}/export.csv",
    ):
        assert (await client.get(url, headers=elsewhere)).status_code == 404, url
    assert (await client.patch(base, json={"title": "Tên khác hẳn"}, headers=elsewhere)).status_code == 404
    assert (
        await client.post(f"{base}/status", json={"status": "held"}, headers=elsewhere)
    ).status_code == 404
    assert (await client.post(f"{base}/questions", json=QUESTION, headers=elsewhere)).status_code == 404
    assert (
        await client.post(f"{base}/questions/1/answer", json=ANSWER, headers=elsewhere)
    ).status_code == 404
    assert (
        await client.post(f"{base}/questions/1/assign", json={"unit": "P-00004", "due_date": "2026-12-01"},
                          headers=elsewhere)
    ).status_code == 404  # fmt: skip
    # Nor may it make one for the ward, or move the ward's conference to its own unit.
    refused = await client.post(
        "/api/v1/conferences/", json={**CONFERENCE, "host_unit": "P-09556"}, headers=elsewhere
    )
    assert refused.status_code == 403 and refused.json()["field"] == "host_unit"
    moved = await client.patch(base, json={"host_unit": "P-00004"}, headers=ward)
    assert moved.status_code == 403

    # The office's own organiser does not reach up to the ward's conferences.
    office = await staff_headers(client, "tochuc.kt@hadong.vn", "organiser", "P-09556-KT")
    assert (await client.get(base, headers=office)).status_code == 200
    ward_conference = await client.post("/api/v1/conferences/", json={**CONFERENCE, "host_unit": "P-09556"},
                                        headers=ward)  # fmt: skip
    assert (
        await client.get(f"/api/v1/conferences/{ward_conference.json()['id']}", headers=office)
    ).status_code == 404
    assert [c["id"] for c in (await client.get("/api/v1/conferences/", headers=office)).json()] == [int(cid)]

    # The coordinator office sees and exports them all.
    coordinator = await staff_headers(client, "dieuphoi@hanoi.vn", "coordinator", None)
    assert len((await client.get("/api/v1/conferences/", headers=coordinator)).json()) == 2
    assert (await client.get(f"{base}/export.docx", headers=coordinator)).status_code == 200
