"""The charts (feedback/reports/charts.py): pure functions from rows to accessible SVG."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markupsafe import Markup

from feedback.reports.charts import bar_chart, integer, line_chart, percent

SVG = "{http://www.w3.org/2000/svg}"
LONG = "Ủy ban nhân dân phường Hà Đông — Phòng Kinh tế, Hạ tầng và Đô thị (bộ phận tiếp nhận phản ánh)"


def parsed(chart: Markup) -> ET.Element:
    """The chart is well-formed XML (so also valid inline SVG) whatever its labels held."""
    return ET.fromstring(str(chart))


def bar_widths(chart: Markup) -> list[float]:
    return [float(r.get("width")) for r in parsed(chart).iter(f"{SVG}rect") if r.get("class") == "bar"]


def test_formats_are_vietnamese() -> None:
    assert percent(0.875) == "87,5%" and percent(1) == "100%" and percent(0) == "0%"
    assert percent(0.90004) == "90%" and percent(2 / 3) == "66,7%"
    assert integer(14322) == "14.322" and integer(0) == "0" and integer(383.0) == "383"


def test_a_bar_chart_is_an_accessible_image() -> None:
    chart = bar_chart([("Phường Hà Đông", 0.5), ("Sở Y tế", 1.0)], title="Tỷ lệ đúng hạn", value_format=percent,
                      max_value=1)  # fmt: skip
    assert isinstance(chart, Markup)
    root = parsed(chart)
    assert (
        root.get("role") == "img" and root.get("width") == "100%" and root.get("viewBox").startswith("0 0 ")
    )
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Tỷ lệ đúng hạn"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert desc.text == "Phường Hà Đông: 50%; Sở Y tế: 100%"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["Phường Hà Đông", "50%", "Sở Y tế", "100%"]  # every value written, not only coloured
    half, full = bar_widths(chart)
    assert full > 0 and abs(half - full / 2) < 0.2
    assert "style=" not in chart  # the Content-Security-Policy forbids inline styles


def test_zero_and_full_and_missing_values() -> None:
    chart = bar_chart([("A", 0), ("B", 1), ("C", None)], title="t", value_format=percent, max_value=1)
    zero, full, missing = bar_widths(chart)
    assert zero == 0 and missing == 0 and full == 282.0
    texts = [t.text for t in parsed(chart).iter(f"{SVG}text")]
    assert texts == ["A", "0%", "B", "100%", "C", "không có số liệu"]
    # Without max_value the largest is the full width; all zeros draw no bar and do not divide by zero.
    assert bar_widths(bar_chart([("A", 5), ("B", 10)], title="t")) == [141.0, 282.0]
    assert bar_widths(bar_chart([("A", 0), ("B", 0)], title="t")) == [0, 0]
    assert bar_widths(bar_chart([("A", None)], title="t")) == [0]


def test_labels_are_escaped() -> None:
    evil = '<script>alert("x")</script> & "Phường"'
    for chart in (bar_chart([(evil, 3)], title=evil), line_chart([(evil, 3), ("b", 4)], title=evil)):
        assert "<script>" not in chart and "&lt;script&gt;" in chart
        root = parsed(chart)
        assert root.find(f"{SVG}title").text == evil
    named = bar_chart([("a", 1)], title="t", chart_id='x" onload="alert(1)')
    assert 'onload="' not in named


def test_long_vietnamese_labels_are_cut_on_the_drawing_but_whole_in_the_tooltip() -> None:
    chart = bar_chart([(LONG, 7)], title="Theo lĩnh vực")
    root = parsed(chart)
    shown = next(root.iter(f"{SVG}text")).text
    assert shown.endswith("…") and len(shown) <= 50 and LONG.startswith(shown[:-1])
    assert root.find(f"{SVG}g/{SVG}title").text == f"{LONG}: 7"
    assert LONG in root.find(f"{SVG}desc").text


def test_empty_data_says_so() -> None:
    for chart in (bar_chart([], title="Trống"), line_chart([], title="Trống")):
        root = parsed(chart)
        assert root.get("role") == "img" and root.find(f"{SVG}title").text == "Trống"
        assert [t.text for t in root.iter(f"{SVG}text")] == ["Không có số liệu trong kỳ"]


def test_a_line_chart_draws_its_points_with_gaps() -> None:
    months = [(f"{m:02d}/2026", None if m == 5 else m / 12) for m in range(1, 13)]
    chart = line_chart(months, title="Tỷ lệ đúng hạn 12 tháng", value_format=percent, max_value=1)
    root = parsed(chart)
    assert len([g for g in root.iter(f"{SVG}g") if g.get("class") == "point"]) == 11
    path = root.find(f"{SVG}path").get("d")
    assert path.count("M") == 2  # the line breaks at the month without items
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"0%", "50%", "100%"} <= set(texts)  # the axis is labelled
    assert "12/2026" in texts and "8,3%" in texts and "100%" in texts  # first and last values written
    ys = [float(v) for v in re.findall(r"[ML][\d.]+ ([\d.]+)", path)]
    assert ys == sorted(ys, reverse=True)  # rising rates go up the drawing
    single = parsed(line_chart([("10/2026", 0)], title="Một tháng", max_value=1))
    assert len([g for g in single.iter(f"{SVG}g") if g.get("class") == "point"]) == 1


def test_ids_are_stable_and_distinct() -> None:
    a, b = bar_chart([("a", 1)], title="Một"), bar_chart([("a", 1)], title="Hai")
    assert a == bar_chart([("a", 1)], title="Một") and parsed(a).get("aria-labelledby") != parsed(b).get(
        "aria-labelledby"
    )


def test_a_count_axis_has_round_whole_marks() -> None:
    texts = [t.text for t in parsed(line_chart([("a", 0), ("b", 1)], title="t")).iter(f"{SVG}text")]
    assert texts[:3] == ["0", "1", "2"]  # not "0, 0, 1": the half of the top is a whole number
    texts = [t.text for t in parsed(line_chart([("a", 23), ("b", 7)], title="t")).iter(f"{SVG}text")]
    assert texts[:3] == ["0", "20", "40"]
