"""The portal's charts: plain numbers in, an SVG string out, no Django and no JavaScript.

The drawing itself is the same pure module the PDF report uses (carbonexia.common.charts), so a month looks the
same on screen and on paper; this module turns the portal's series into its labels and values.
"""

from collections.abc import Callable, Sequence
from datetime import datetime
from itertools import accumulate

from carbonexia.common import charts as svg

READING_LABELS = {"hour": "%d %b %Hh", "day": "%d %b", "month": "%b %Y"}
# A phone's copy of a chart: drawn narrower, so that scaled to a 390 px screen its text stays legible.
NARROW_WIDTH = 400
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_label(period: str) -> str:
    """'2024-04' → 'Apr 24'."""
    return datetime.strptime(period, "%Y-%m").strftime("%b %y")


def running_total(values: Sequence[float | None]) -> list[float | None]:
    """The total so far at each known value; an unknown value stays a gap and adds nothing."""
    totals = accumulate(value or 0.0 for value in values)
    return [None if value is None else total for value, total in zip(values, totals, strict=True)]


def baseline_vs_actual(
    *,
    periods: Sequence[str],
    baseline: Sequence[float | None],
    actual: Sequence[float | None],
    baseline_label: str = "Adjusted baseline (kWh)",
    actual_label: str = "Actual (kWh)",
    marks: Sequence[int] | None = None,
    width: int = 680,
) -> str:
    """Monthly bars of what the baseline expects and a line of what was metered; `marks` counts each month's
    anomalies. Empty when no month has either."""
    if not svg.has_values(baseline, actual):
        return ""
    return svg.bars_and_line(
        labels=[month_label(period) for period in periods],
        bars=baseline,
        line=actual,
        bar_label=baseline_label,
        line_label=actual_label,
        marks=marks,
        mark_label="Anomalies",
        width=width,
    )


def cumulative_savings(*, periods: Sequence[str], savings: Sequence[float | None], width: int = 680) -> str:
    """The savings so far, month by month; empty when no month has savings."""
    if not svg.has_values(savings):
        return ""
    return svg.line(
        labels=[month_label(period) for period in periods],
        values=running_total(savings),
        label="Cumulative savings (kWh)",
        width=width,
    )


def year_over_year(*, years: dict[str, Sequence[float | None]], width: int = 680) -> str:
    """Metered kWh per calendar month of two years: the earlier as bars, the later as a line; empty when neither
    has a month."""
    (earlier, before), (later, after) = years.items()
    if not svg.has_values(before, after):
        return ""
    return svg.bars_and_line(
        labels=list(MONTH_NAMES),
        bars=before,
        line=after,
        bar_label=f"{earlier} (kWh)",
        line_label=f"{later} (kWh)",
        width=width,
    )


def both_widths(draw: Callable[..., str], **series) -> dict[str, str] | None:
    """The chart at the page's width and at a phone's, or None when it has nothing to draw."""
    wide = draw(**series)
    return {"wide": wide, "narrow": draw(**series, width=NARROW_WIDTH)} if wide else None


def readings(*, timestamps: Sequence[datetime], kwh: Sequence[float], interval: str) -> str:
    """Metered kWh per hour, day or month; timestamps already in the building's time zone."""
    labels = [stamp.strftime(READING_LABELS[interval]) for stamp in timestamps]
    return svg.line(labels=labels, values=list(kwh), label=f"kWh per {interval}")
