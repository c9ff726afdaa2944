"""Data quality of one month of meter readings, judged against the meter's own reading interval.

Expected readings = month length / interval, counted on a grid that starts at local midnight of the
1st. Sub-daily meters use the grid in absolute time, so a month with a DST change has one hour fewer
or more (e.g. 2,972 or 2,980 quarter-hours in a 31-day month). Meters reading once a day (or every
k days) use local calendar days. Each reading fills the grid slot its timestamp falls in (timestamps
mark the start of an interval, as stored).

    missing = 0          → OK
    0 < missing ≤ 5 %    → INTERPOLATED: empty slots filled (``gap_fill``)
    5 % < missing ≤ 20 % → FLAGGED: filled likewise, and needs a verifier's review
    missing > 20 %       → REJECTED

The month total counts filled slots for INTERPOLATED and FLAGGED months: leaving gaps empty would
understate use and so overstate savings. They are filled from the use expected in those slots, scaled to
the observed neighbours (``gap_fill``), never by straight lines across nights and weekends. REJECTED
months report only the measured readings.
"""

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import cast

import numpy as np
import pandas as pd

from mrv.calc.errors import CalcInputError
from mrv.calc.gap_fill import ExpectedUse, GapSpan, fill_gaps
from mrv.calc.reading_grid import day_based, reading_grid

INTERPOLATED_MAX_MISSING_PCT = 5
FLAGGED_MAX_MISSING_PCT = 20
QUALITY_LABELS = ("OK", "INTERPOLATED", "FLAGGED", "REJECTED")


@dataclass(frozen=True)
class MonthQuality:
    """``total_kwh`` is the month's kWh used for savings; ``measured_kwh`` sums only real readings.

    ``filled_kwh`` is what filling added (``total_kwh − measured_kwh`` for a filled month, else 0); ``gaps``
    are the filled spans, each within one local day, and ``fill_shape`` names the shape they were filled
    from (``FilledMonth.shape``). Billed months know how many days no bill covers, not which: no spans.
    """

    label: str
    total_kwh: float
    measured_kwh: float
    missing_pct: float
    expected_count: int
    present_count: int
    interval: pd.Timedelta
    filled_kwh: float = 0.0
    gaps: tuple[GapSpan, ...] = ()
    fill_shape: str = ""


def infer_interval(index: pd.DatetimeIndex) -> pd.Timedelta:
    """The meter's reading interval: the most common spacing between consecutive timestamps."""
    gaps = np.diff(index.unique().sort_values().asi8)  # type: ignore[attr-defined]  # missing from the stubs
    if gaps.size == 0:
        raise CalcInputError("At least two readings are needed to tell the meter's reading interval.")
    values, counts = np.unique(gaps, return_counts=True)
    return pd.Timedelta(int(values[np.argmax(counts)]), unit="ns")


def months_bounds(
    months: Sequence[pd.Period | str] | pd.PeriodIndex, timezone: str
) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    """Each month's first and first-after instants, at local midnight in ``timezone`` (one vectorised pass)."""
    # Remembered: a portfolio recompute asks for the same twelve months in the same few zones thousands of times,
    # and the answer (immutable indexes) depends on nothing else.
    return _months_bounds(tuple(months), timezone)


@functools.lru_cache(maxsize=4096)
def _months_bounds(months: tuple[pd.Period | str, ...], timezone: str) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    periods = pd.PeriodIndex([pd.Period(m, freq="M") for m in months])
    # Months since 1970-01 are numpy's datetime64[M]: the first days without pandas' Period-to-Timestamp path,
    # which costs more than the rest of the function.
    since_1970 = np.asarray((periods.year - 1970) * 12 + periods.month - 1, dtype="int64")
    firsts = np.concatenate([since_1970, since_1970 + 1]).astype("datetime64[M]").astype("datetime64[ns]")
    local = pd.DatetimeIndex(firsts).tz_localize(
        timezone,
        ambiguous=True,  # type: ignore[arg-type]  # pandas takes one bool for all; the stubs want an array
        nonexistent="shift_forward",
    )
    return local[: len(periods)], local[len(periods) :]


def month_bounds(month: pd.Period | str, timezone: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The month's first and first-after instants, at local midnight in ``timezone``."""
    starts, ends = months_bounds([month], timezone)
    return starts[0], ends[0]


def expected_readings_per_month(
    *, months: Sequence[pd.Period | str], timezone: str, interval: pd.Timedelta
) -> np.ndarray:
    """How many readings each complete month holds for a meter reading every ``interval``."""
    return _expected_readings_per_month(tuple(months), timezone, interval).copy()


@functools.lru_cache(maxsize=4096)
def _expected_readings_per_month(
    months: tuple[pd.Period | str, ...], timezone: str, interval: pd.Timedelta
) -> np.ndarray:
    periods = pd.PeriodIndex([pd.Period(m, freq="M") for m in months])
    if day_based(interval):
        spans = pd.to_timedelta(periods.days_in_month, unit="D")
    else:
        starts, ends = months_bounds(periods, timezone)
        spans = ends - starts
    counts: np.ndarray = np.ceil(np.asarray(spans / interval, dtype=float)).astype(int)
    return counts


def expected_readings(*, month: pd.Period | str, timezone: str, interval: pd.Timedelta) -> int:
    """How many readings a complete month holds for a meter reading every ``interval``."""
    return int(expected_readings_per_month(months=[month], timezone=timezone, interval=interval)[0])


def complete_month(*, total_kwh: float, count: int, interval: pd.Timedelta) -> MonthQuality:
    """The quality of a month whose every expected reading is present (known without the readings)."""
    return MonthQuality(
        label="OK",
        total_kwh=total_kwh,
        measured_kwh=total_kwh,
        missing_pct=0.0,
        expected_count=count,
        present_count=count,
        interval=interval,
    )


def billed_month(*, kwh: float, covered_days: int, days: int) -> MonthQuality:
    """The quality of a month known only from utility bills, ``kwh`` over ``covered_days`` of its ``days``.

    Days no bill covers count like missing readings of a daily meter; INTERPOLATED and FLAGGED months
    are scaled to all their days at the bills' mean daily use, REJECTED ones keep the billed kWh.
    """
    if not 0 < covered_days <= days:
        raise CalcInputError("Bills must cover at least one and at most all of the month's days.")
    missing = days - covered_days
    label = _label(missing, days)
    total = kwh * days / covered_days if label in ("INTERPOLATED", "FLAGGED") else kwh
    return MonthQuality(
        label=label,
        total_kwh=total,
        measured_kwh=kwh,
        missing_pct=100.0 * missing / days,
        expected_count=days,
        present_count=covered_days,
        interval=pd.Timedelta(days=1),
        filled_kwh=total - kwh,
    )


def assess_month(
    *,
    readings: pd.Series,
    month: pd.Period | str,
    timezone: str,
    interval: pd.Timedelta | None = None,
    expected_use: ExpectedUse | None = None,
) -> MonthQuality:
    """Quality label, missing share and kWh total of ``month`` (local to ``timezone``).

    ``readings`` are kWh per interval on a tz-aware index and may extend beyond the month: readings of the
    ``gap_fill.CONTEXT_DAYS`` around it shape the fill of its gaps, only the month's readings count.
    ``interval`` defaults to the modal spacing of all given readings. ``expected_use`` is the baseline
    model's expectation that shapes the fill; without it the observed weekly profile does.
    """
    if not isinstance(readings.index, pd.DatetimeIndex) or readings.index.tz is None:
        raise CalcInputError("Meter readings need timezone-aware timestamps.")
    readings = readings.dropna().astype(float)
    index = cast(pd.DatetimeIndex, readings.index)  # checked above; dropna keeps it
    interval = infer_interval(index) if interval is None else pd.Timedelta(interval)
    if interval <= pd.Timedelta(0):
        raise CalcInputError("The reading interval must be positive.")
    period = pd.Period(month, freq="M")
    start, end = month_bounds(period, timezone)
    expected = expected_readings(month=period, timezone=timezone, interval=interval)
    grid = reading_grid(
        readings=readings,
        start=start,
        month_start=period.start_time,
        slots=expected,
        interval=interval,
        timezone=timezone,
    )
    present = int(np.count_nonzero(~np.isnan(grid.month_kwh)))
    missing = expected - present
    label = _label(missing, expected)
    measured = float(readings[(index >= start) & (index < end)].sum())
    quality = MonthQuality(
        label=label,
        total_kwh=measured,
        measured_kwh=measured,
        missing_pct=100.0 * missing / expected,
        expected_count=expected,
        present_count=present,
        interval=interval,
    )
    if label not in ("INTERPOLATED", "FLAGGED"):
        return quality
    filled = fill_gaps(grid, expected=expected_use)
    return replace(
        quality,
        total_kwh=filled.total_kwh,
        filled_kwh=filled.filled_kwh,
        gaps=filled.gaps,
        fill_shape=filled.shape,
    )


def _label(missing: int, expected: int) -> str:
    # Integer comparisons, so exactly 5 % and exactly 20 % land in the lower band without rounding doubt.
    if missing == 0:
        return "OK"
    if 100 * missing <= INTERPOLATED_MAX_MISSING_PCT * expected:
        return "INTERPOLATED"
    if 100 * missing <= FLAGGED_MAX_MISSING_PCT * expected:
        return "FLAGGED"
    return "REJECTED"
