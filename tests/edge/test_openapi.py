"""The OpenAPI document lists every answer an operation can give, the security schemes and stable ids."""

from __future__ import annotations


async def test_document_lists_errors_security_and_ids(client) -> None:  # noqa: ANN001
    doc = (await client.get("/schema/openapi.json")).json()
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
    assert schemes["cookie"]["in"] == "cookie" and schemes["cookie"]["name"] == "pakn_session"

    operations = {
        (method.upper(), path): op
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and "responses" in op
    }
    ids = [op["operationId"] for op in operations.values()]
    assert len(ids) == len(set(ids))
    assert operations[("GET", "/api/v1/staff/feedback")]["operationId"] == "get_api_v1_staff_feedback"

    inbox = operations[("GET", "/api/v1/staff/feedback")]
    assert {"200", "400", "401", "403", "422"} <= set(inbox["responses"])
    assert {"bearer": []} in inbox["security"]
    filing = operations[("POST", "/api/v1/feedback")]
    assert {"201", "400", "409", "413", "422", "429"} <= set(filing["responses"])
    assert "security" not in filing
    item = operations[("GET", "/api/v1/admin/users/{user_id}")]
    assert {"401", "403", "404"} <= set(item["responses"])
    assert {"401", "429"} <= set(operations[("POST", "/api/v1/auth/login")]["responses"])
    assert "content" not in operations[("POST", "/api/v1/auth/logout")]["responses"]["204"]

    tracking = operations[("GET", "/api/v1/feedback/{code}")]
    assert {"citizen_token": []} in tracking["security"] and {"citizen_link": []} in tracking["security"]
    assert schemes["citizen_token"]["in"] == "header" and schemes["citizen_token"]["name"] == "X-Access-Token"
    assert schemes["citizen_link"]["in"] == "query" and schemes["citizen_link"]["name"] == "token"
