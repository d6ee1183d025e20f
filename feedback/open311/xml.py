"""Open311's XML: the JSON answer's values under the element names of GeoReport v2. Pure."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

# XML 1.0 cannot carry these characters at all (a citizen's text may hold one): they are dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# The element of each member of a list, by the list's element name.
_MEMBER = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if item is not None:
                _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list):
        member = _MEMBER.get(element.tag, "item")
        for item in value:
            _fill(ET.SubElement(element, member), item)
    else:
        element.text = _text(value)


def render(root: str, value: Any) -> bytes:
    """`value` (plain data: dicts, lists, strings, numbers, booleans) as the XML document `<root>`."""
    element = ET.Element(root)
    _fill(element, value)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)
