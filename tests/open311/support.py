"""An independent Open311 client's checks: the GeoReport v2 JSON schemas (copied from the Open311
community's repository into tests/open311/schemas) and the XML read back with xml.etree."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import httpx
from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource

SCHEMAS = Path(__file__).parent / "schemas"
SWAGGER = SCHEMAS / "swagger.patched.json"


def _registry() -> Registry:
    resources = []
    for name in ("request", "requests", "service", "services", "service-definition"):
        contents = json.loads((SCHEMAS / f"{name}.json").read_text())
        resources.append((f"{name}.json", Resource.from_contents(contents, default_specification=_DRAFT)))
    return Registry().with_resources(resources)


_DRAFT = __import__("referencing.jsonschema", fromlist=["DRAFT7"]).DRAFT7
REGISTRY = _registry()


def validate(name: str, value: Any) -> None:
    """`value` against the GeoReport v2 schema `name` (request, requests, services, service-definition)."""
    schema = {"$ref": f"{name}.json"}
    Draft7Validator(schema, registry=REGISTRY, format_checker=FormatChecker()).validate(value)


def errors_json(response: httpx.Response, status: int) -> str:
    """An Open311 error in JSON: `[{"code", "description"}]` with the status; its description."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert isinstance(body, list) and len(body) == 1, body
    assert set(body[0]) == {"code", "description"} and body[0]["code"] == status
    assert body[0]["description"].strip()
    return body[0]["description"]


def errors_xml(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "errors"
    (error,) = root.findall("error")
    assert error.findtext("code") == str(status)
    return error.findtext("description") or ""


def xml_requests(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests"
    return [{child.tag: child.text or "" for child in request} for request in root.findall("request")]
