"""The answers of Open311 GeoReport v2, as msgspec Structs: optional fields are omitted, never null
(`omit_defaults`), so one Struct gives the JSON, the XML (feedback/open311/xml.py) and the OpenAPI."""

from __future__ import annotations

from msgspec import Struct


class Open311Error(Struct):
    code: int
    description: str


class ServiceOut(Struct, omit_defaults=True):
    service_code: str
    service_name: str
    metadata: bool
    type: str
    description: str | None = None
    keywords: str | None = None
    group: str | None = None


class AttributeValue(Struct):
    key: str
    name: str


class AttributeOut(Struct, omit_defaults=True):
    variable: bool
    code: str
    datatype: str
    required: bool
    datatype_description: str | None = None
    order: int | None = None
    description: str | None = None
    values: list[AttributeValue] | None = None


class ServiceDefinitionOut(Struct):
    service_code: str
    attributes: list[AttributeOut]


class RequestOut(Struct, omit_defaults=True):
    """One request as anyone may read it: no personal data (feedback/open311/requests.py)."""

    service_request_id: str
    status: str
    service_code: str
    requested_datetime: str
    service_name: str | None = None
    status_notes: str | None = None
    description: str | None = None
    agency_responsible: str | None = None
    updated_datetime: str | None = None
    expected_datetime: str | None = None
    address: str | None = None
    lat: float | None = None
    long: float | None = None


class RequestCreated(Struct, omit_defaults=True):
    service_request_id: str
    service_notice: str | None = None


class TokenOut(Struct):
    service_request_id: str
    token: str


class Endpoint(Struct):
    specification: str
    url: str
    changeset: str
    type: str
    formats: list[str]


class DiscoveryOut(Struct):
    changeset: str
    contact: str
    key_service: str
    endpoints: list[Endpoint]
