"""Charts drawn by pakn itself: accessible inline SVG rendered on the server (no script, no CDN).

Pure: rows of (label, value) in, `markupsafe.Markup` out, ready to put in a Jinja page as `{{ chart }}`.
Every chart

- is `<svg role="img">` named by its `<title>` and described by a `<desc>` listing its data, so a
  screen reader reads what the eye sees;
- scales to its container (`viewBox`, `width="100%"`): the same drawing on a phone and on A4;
- writes every value as text beside its bar or point, so nothing depends on colour (print, colour
  blindness); colours are SVG attributes, not inline styles (the Content-Security-Policy forbids those);
- escapes every label (unit and field names come from the database).

A value of None (a rate without items) is drawn as "không có số liệu", never as 0.

    bar_chart([("Phường Hà Đông", 0.875), ("Sở Y tế", None)], title="Tỷ lệ đúng hạn", value_format=percent,
              max_value=1)
    line_chart([("10/2026", 0.9), ("11/2026", 0.95)], title="Tỷ lệ đúng hạn 12 tháng", value_format=percent,
               max_value=1)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

from notifications.official import number_text, percent_text

Value = float | int | None
Rows = Sequence[tuple[str, Value]]
Format = Callable[[float | int], str]

WIDTH = 360  # viewBox units; the drawing scales to its container (a phone's width: text stays legible)
FONT = 13
BAR_ROW = 40  # a label line above a bar
BAR_HEIGHT = 14
VALUE_ROOM = 78  # right of the longest bar: its value as text
LABEL_CHARS = 50  # about what fits on one line of WIDTH at FONT
LINE_HEIGHT = 220
DESC_ITEMS = 40  # the <desc> lists this many values; the table beside the chart has them all
INK, BAR, GRID, MUTED = "#1f2937", "#1d4ed8", "#d1d5db", "#6b7280"
NO_DATA = "không có số liệu"
EMPTY = "Không có số liệu trong kỳ"


def percent(value: float | int) -> str:
    """0.875 → "87,5%": the letters' one rule for shares (a rate under 100% never shows as "100%")."""
    return percent_text(value)


def integer(value: float | int) -> str:
    """14322 → "14.322": the letters' one rule for numbers."""
    return number_text(round(value))


def bar_chart(
    rows: Rows,
    *,
    title: str,
    value_format: Format = integer,
    max_value: float | None = None,
    description: str | None = None,
    chart_id: str | None = None,
) -> Markup:
    """Horizontal bars, one per row, each label on its own line above its bar (long names fit a phone).

    `max_value` is the full width (1 for rates); by default the largest value."""
    ident = chart_id or _ident(title)
    if not rows:
        return _empty(ident, title)
    top = max_value if max_value is not None else max((v for _, v in rows if v is not None), default=0)
    room = WIDTH - VALUE_ROOM
    parts = []
    for index, (label, value) in enumerate(rows):
        y = index * BAR_ROW
        shown = NO_DATA if value is None else value_format(value)
        width = 0.0 if value is None or not top else max(0.0, min(1.0, value / top)) * room
        parts.append(
            f'<g class="bar-row"><title>{escape(label)}: {escape(shown)}</title>'
            f'<text x="0" y="{y + FONT}" font-size="{FONT}" fill="{INK}">{escape(_cut(label))}</text>'
            f'<rect x="0" y="{y + FONT + 5}" width="{room:.1f}" height="{BAR_HEIGHT}" fill="none" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<rect class="bar" x="0" y="{y + FONT + 5}" width="{width:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{BAR}" stroke="{INK}" stroke-width="{0.5 if width else 0}"/>'
            f'<text x="{room + 6}" y="{y + FONT + 5 + BAR_HEIGHT - 2}" font-size="{FONT}" fill="{INK}"'
            f' font-weight="600">{escape(shown)}</text></g>'
        )
    height = len(rows) * BAR_ROW + 4
    return _svg(ident, title, description or _describe(rows, value_format), height, "".join(parts))


def line_chart(
    points: Rows,
    *,
    title: str,
    value_format: Format = integer,
    max_value: float | None = None,
    description: str | None = None,
    chart_id: str | None = None,
) -> Markup:
    """A line through the points in order (months, say), from 0 up to `max_value` (default: the
    largest value); a None leaves a gap. Each point is a marked dot with its value in a tooltip, the
    first and last values written beside them, and gridlines at 0, half and the top, labelled."""
    ident = chart_id or _ident(title)
    if not points:
        return _empty(ident, title)
    values = [v for _, v in points if v is not None]
    top = max_value if max_value is not None else _nice(values)
    left, right, upper, lower = 44, 8, 18, 36
    plot_w, plot_h = WIDTH - left - right, LINE_HEIGHT - upper - lower
    step = plot_w / (len(points) - 1) if len(points) > 1 else 0
    parts = []
    for share in (0, 0.5, 1):
        y = upper + plot_h * (1 - share)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="{GRID}" '
            f'stroke-width="1"/><text x="{left - 4}" y="{y + 4:.1f}" font-size="11" fill="{MUTED}" '
            f'text-anchor="end">{escape(value_format(top * share))}</text>'
        )
    path, pen_down, dots = [], False, []
    every = 1 if len(points) <= 6 else 2 if len(points) <= 8 else 3  # labels that do not overlap
    last = len(points) - 1
    for index, (label, value) in enumerate(points):
        x = left + (step * index if len(points) > 1 else plot_w / 2)
        if (last - index) % every == 0:
            anchor = "end" if index == last and len(points) > 1 else "middle"
            parts.append(
                f'<text x="{x:.1f}" y="{LINE_HEIGHT - lower + 16}" font-size="11" fill="{MUTED}" '
                f'text-anchor="{anchor}">{escape(label)}</text>'
            )
        if value is None:
            pen_down = False
            continue
        y = upper + plot_h * (1 - max(0.0, min(1.0, value / top)))
        path.append(f"{'L' if pen_down else 'M'}{x:.1f} {y:.1f}")
        pen_down = True
        shown = value_format(value)
        dots.append(
            f'<g class="point"><title>{escape(label)}: {escape(shown)}</title>'
            f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="#fff" stroke="{BAR}" '
            f'stroke-width="2"/></g>'
        )
        if index in (0, last) or len(points) == 1:
            anchor = "start" if index == 0 and len(points) > 1 else "end"
            parts.append(
                f'<text x="{x + (4 if anchor == "start" else -4):.1f}" y="{y - 8:.1f}" font-size="12" '
                f'font-weight="600" fill="{INK}" text-anchor="{anchor}">{escape(shown)}</text>'
            )
    if path:
        parts.append(f'<path d="{" ".join(path)}" fill="none" stroke="{BAR}" stroke-width="2.5"/>')
    parts.extend(dots)
    return _svg(ident, title, description or _describe(points, value_format), LINE_HEIGHT, "".join(parts))


# --- pieces --------------------------------------------------------------------------------------


def _svg(ident: str, title: str, description: str, height: int, body: str) -> Markup:
    ident = str(escape(ident))
    return Markup(
        f'<svg class="chart" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif">'
        f'<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(description)}</desc>'
        f"{body}</svg>"
    )


def _empty(ident: str, title: str) -> Markup:
    body = f'<text x="0" y="{FONT + 4}" font-size="{FONT}" fill="{MUTED}">{EMPTY}</text>'
    return _svg(ident, title, EMPTY, FONT + 12, body)


def _nice(values: list[float | int]) -> float:
    """A round top for the axis: counts get one whose half is whole (2, 4, 10, 20, 40, 100 …)."""
    top = max(values, default=0)
    if not all(float(v).is_integer() for v in values):
        return top or 1
    nice = 2
    while nice < top:  # 2 → 4 → 10 → 20 → 40 → 100 …
        nice = nice * 5 // 2 if str(nice).startswith("4") else nice * 2
    return nice


def _describe(rows: Rows, value_format: Format) -> str:
    said = [f"{label}: {NO_DATA if v is None else value_format(v)}" for label, v in rows[:DESC_ITEMS]]
    more = f"; và {len(rows) - DESC_ITEMS} mục khác (xem bảng)" if len(rows) > DESC_ITEMS else ""
    return "; ".join(said) + more


def _cut(label: str) -> str:
    """One line: a longer label ends in "…" (the whole of it is in the row's tooltip and the table)."""
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _ident(title: str) -> str:
    """A stable id from the title (a page with two charts of one title passes `chart_id`)."""
    return "chart-" + hashlib.sha1(title.encode(), usedforsecurity=False).hexdigest()[:10]
