"""The inbox's filters take only the vocabulary's values: an unknown one is a 422 naming the filter."""

from __future__ import annotations

from tests.helpers import citizen_body, staff_headers


async def test_severity_filters_and_unknown_values_are_named(client) -> None:  # noqa: ANN001
    coordinator = await staff_headers(client, "dieuphoi@hanoi.gov.vn", "coordinator", None)
    for severity in ("urgent", "normal"):
        assert (
            await client.post("/api/v1/feedback", json=citizen_body(severity=severity))
        ).status_code == 201

    urgent = await client.get("/api/v1/staff/feedback?severity=urgent", headers=coordinator)
    assert urgent.status_code == 200 and [i["severity"] for i in urgent.json()["items"]] == ["urgent"]

    for name in ("severity", "status"):
        response = await client.get(f"/api/v1/staff/feedback?{name}=zzz", headers=coordinator)
        assert response.status_code == 422 and response.json()["field"] == name, response.text
        assert "zzz" not in response.json()["detail"]
