"""The public reference lists: the API and the filing form read them from one place."""

from __future__ import annotations

from feedback.directory import lists
from feedback.directory.reference import reference


async def test_lists_order_and_search(client, settings) -> None:  # noqa: ANN001
    ref = await reference(settings)
    names = [c.name for c in lists.categories(ref)]
    assert names == sorted(names) and names
    found = lists.communes(ref, "ha dong")
    assert found and all("Hà Đông" in c.name for c in found)
    codes = [u.code for u in lists.units(ref)]
    assert codes == sorted(codes)
    api = (await client.get("/api/v1/communes", params={"q": "ha dong"})).json()
    assert [c["code"] for c in api] == [c.code for c in found]
    assert api[0]["unit"] == lists.unit_code(ref, found[0].unit_id)
