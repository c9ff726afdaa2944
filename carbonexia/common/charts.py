"""Server-side SVG charts for the PDF report, the portal and the admin: plain Python in, an SVG string out, no Django,
no JavaScript.

Geometry: the plot area is the canvas minus ``MARGIN`` (left, top, right, bottom). Each of n
categories gets a band of plot_width / n; bars are centred in their band and line points sit at
band centres. A value v maps to y = top + (y_max − v) / (y_max − y_min) · plot_height, where the
axis range [y_min, y_max] is widened to whole ``nice_ticks`` steps and always includes 0.
"""

import math
from collections.abc import Sequence
from html import escape

MARGIN = (56, 14, 12, 34)  # left, top, right, bottom, in SVG user units
BAR_SHARE = 0.6
MAX_X_LABELS = 12
X_LABEL_SPACING = 40  # the least room one x label takes: a narrow chart labels fewer categories
FONT = 'font-family="DejaVu Sans, sans-serif" font-size="9"'
BAR_COLOUR = "#9db8d9"
LINE_COLOUR = "#1d5e3a"
MARK_COLOUR = "#b3261e"


def nice_ticks(low: float, high: float, *, count: int = 5) -> list[float]:
    """Evenly spaced round ticks (steps of 1, 2, 2.5 or 5 × 10^k) covering [low, high] and 0."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1.0
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [round(i * step, 10) for i in range(first, last + 1)]


def short_number(value: float) -> str:
    """Axis labels: 1500 → '1.5k', 2000000 → '2M', -250 → '-250'."""
    for threshold, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= threshold:
            return f"{value / threshold:g}{suffix}"
    return f"{value:g}"


class _Plot:
    def __init__(self, *, n: int, ticks: list[float], width: int, height: int):
        left, top, right, bottom = MARGIN
        self.left, self.top = left, top
        self.plot_width, self.plot_height = width - left - right, height - top - bottom
        self.band = self.plot_width / n
        self.y_min, self.y_max = ticks[0], ticks[-1]
        self.ticks = ticks

    def x(self, index: int) -> float:
        return self.left + self.band * (index + 0.5)

    def y(self, value: float) -> float:
        return self.top + (self.y_max - value) / (self.y_max - self.y_min) * self.plot_height

    def axes(self, labels: Sequence[str]) -> list[str]:
        right = self.left + self.plot_width
        parts = []
        for tick in self.ticks:
            y = _num(self.y(tick))
            colour = "#555" if tick == 0 else "#ddd"
            parts.append(f'<line x1="{self.left}" y1="{y}" x2="{_num(right)}" y2="{y}" stroke="{colour}"/>')
            label = short_number(tick)
            parts.append(f'<text x="{self.left - 4}" y="{y}" dy="3" text-anchor="end" {FONT}>{label}</text>')
        room = max(1, int(self.plot_width // X_LABEL_SPACING))
        every = math.ceil(len(labels) / min(MAX_X_LABELS, room))
        baseline = _num(self.top + self.plot_height + 12)
        for index, label in enumerate(labels):
            if index % every == 0:
                x = _num(self.x(index))
                parts.append(f'<text x="{x}" y="{baseline}" text-anchor="middle" {FONT}>{escape(label)}</text>')
        return parts


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def has_values(*series: Sequence[float | None]) -> bool:
    """Whether there is anything to draw: a chart of unknowns would be an empty 0–1 axis, so say so in words."""
    return any(value is not None for values in series for value in values)


def _ticks_for(*series: Sequence[float | None]) -> list[float]:
    values = [v for s in series for v in s if v is not None]
    return nice_ticks(min(values, default=0.0), max(values, default=0.0))


def _polylines(plot: _Plot, values: Sequence[float | None]) -> list[str]:
    """One polyline per run of known values (a gap breaks the line) and a dot on every point."""
    runs: list[list[str]] = []
    current: list[str] = []
    for index, value in enumerate(values):
        if value is None:
            if current:
                runs.append(current)
            current = []
            continue
        current.append(f"{_num(plot.x(index))},{_num(plot.y(value))}")
    if current:
        runs.append(current)
    stroke = f'fill="none" stroke="{LINE_COLOUR}" stroke-width="1.6"'
    parts = [f'<polyline points="{" ".join(run)}" {stroke}/>' for run in runs]
    parts += [
        f'<circle cx="{_num(plot.x(i))}" cy="{_num(plot.y(v))}" r="2" fill="{LINE_COLOUR}"/>'
        for i, v in enumerate(values)
        if v is not None
    ]
    return parts


def _legend(entries: Sequence[tuple[str, str]], *, height: int) -> list[str]:
    parts, x = [], MARGIN[0]
    for colour, label in entries:
        parts.append(f'<rect x="{x}" y="{height - 11}" width="10" height="6" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{height - 5}" {FONT}>{escape(label)}</text>')
        x += 20 + 6 * len(label)
    return parts


def _svg(parts: list[str], *, width: int, height: int, title: str) -> str:
    body = "".join(parts)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">{body}</svg>'
    )


def bars_and_line(
    *,
    labels: Sequence[str],
    bars: Sequence[float | None],
    line: Sequence[float | None],
    bar_label: str,
    line_label: str,
    marks: Sequence[int] | None = None,
    mark_label: str = "",
    width: int = 680,
    height: int = 230,
) -> str:
    """Bars for one series and a line for another over the same categories (e.g. baseline vs actual); ``marks``
    (a count per category, e.g. anomalies) puts a numbered marker at the top of each category that has any."""
    if not labels or len(bars) != len(labels) or len(line) != len(labels):
        raise ValueError("bars and line need one value (or None) per label")
    if marks is not None and len(marks) != len(labels):
        raise ValueError("marks need one count per label")
    plot = _Plot(n=len(labels), ticks=_ticks_for(bars, line), width=width, height=height)
    bar_width = plot.band * BAR_SHARE
    parts = plot.axes(labels)
    for index, value in enumerate(bars):
        if value is None:
            continue
        top, zero = plot.y(max(value, 0.0)), plot.y(min(value, 0.0))
        parts.append(
            f'<rect x="{_num(plot.x(index) - bar_width / 2)}" y="{_num(top)}" width="{_num(bar_width)}" '
            f'height="{_num(zero - top)}" fill="{BAR_COLOUR}"/>'
        )
    parts += _polylines(plot, line)
    legend = [(BAR_COLOUR, bar_label), (LINE_COLOUR, line_label)]
    if marks is not None and any(marks):
        parts += _marks(plot, marks)
        legend.append((MARK_COLOUR, mark_label))
    parts += _legend(legend, height=height)
    return _svg(parts, width=width, height=height, title=f"{bar_label} and {line_label}")


def _marks(plot: _Plot, counts: Sequence[int]) -> list[str]:
    parts = []
    for index, count in enumerate(counts):
        if count:
            x, y = _num(plot.x(index)), _num(plot.top + 6)
            parts.append(f'<circle cx="{x}" cy="{y}" r="6" fill="{MARK_COLOUR}"/>')
            parts.append(f'<text x="{x}" y="{y}" dy="3" text-anchor="middle" fill="#fff" {FONT}>{count}</text>')
    return parts


def line(
    *, labels: Sequence[str], values: Sequence[float | None], label: str, width: int = 680, height: int = 200
) -> str:
    """One series as a line with points, on an axis that includes 0."""
    if not labels or len(values) != len(labels):
        raise ValueError("the line needs one value (or None) per label")
    plot = _Plot(n=len(labels), ticks=_ticks_for(values), width=width, height=height)
    parts = plot.axes(labels) + _polylines(plot, values)
    parts += _legend([(LINE_COLOUR, label)], height=height)
    return _svg(parts, width=width, height=height, title=label)
