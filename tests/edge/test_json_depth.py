"""The edge's nesting rule for JSON bodies (feedback/edge.py): exact, and cheap for the usual body."""

from __future__ import annotations

import pytest

from feedback.edge import MAX_DEPTH, Rejected, check_json, json_depth


@pytest.mark.parametrize(
    ("body", "depth"),
    [
        (b'{"a": 1}', 1),
        (b'{"a": {"b": [1, [2]]}}', 4),
        (b"[1, [2], [3], [4]]", 2),
        (b'{"a": "[[[[ {{{{ ]]"}', 1),  # brackets inside strings do not nest
        (b'{"a": "\\"[[[\\" {"}', 1),  # nor after an escaped quote
        (b"[" * 40 + b"]" * 40, 40),
    ],
)
def test_depth_is_exact(body: bytes, depth: int) -> None:
    assert json_depth(body) == depth


def test_deep_bodies_are_refused_and_brackets_in_text_are_not() -> None:
    with pytest.raises(Rejected):
        check_json(b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1))
    # More brackets than the limit, all of them in a citizen's text: the body nests one level.
    check_json(('{"content": "' + "[trích dẫn] {ghi chú} " * 40 + '"}').encode())
