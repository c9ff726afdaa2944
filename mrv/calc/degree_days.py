"""Daily mean temperatures on local calendar days, and heating/cooling degree days.

Degree days use the CalTRACK definition (CalTRACK 2.0, 3.3.4-3.3.5) in °C:
HDD = max(base − T_mean, 0) and CDD = max(T_mean − base, 0) for each day's mean temperature.
"""

from typing import cast

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from mrv.calc.errors import CalcInputError

# Readings spaced this far apart (modal spacing) are daily values, not hourly samples; 20 h leaves room
# for the 23 h and 25 h spacings of local midnights around DST changes.
_DAILY_SPACING = pd.Timedelta(hours=20)


def daily_mean_temperature(
    *,
    temperature_c: pd.Series,
    timezone: str,
    min_hourly_coverage: float = 0.5,
) -> pd.Series:
    """Mean temperature (°C) of each local calendar day in ``timezone``.

    Hourly or finer readings (tz-aware index) are first averaged per clock hour; a day's mean is the
    mean of its hourly means, or NaN when fewer than ``min_hourly_coverage`` of the day's hours (23, 24
    or 25 with DST) have a reading (CalTRACK 2.2.2.3: no more than 50 % missing).
    Daily readings are dated by the calendar date written in their own timestamp (a daily value is a
    date, not an instant), so their index may also be naive. A lone reading counts as a daily value.

    Returns a float Series on a naive, gap-free daily DatetimeIndex of local dates (missing days NaN).
    """
    readings = temperature_c.dropna().astype(float)
    if not isinstance(readings.index, pd.DatetimeIndex):
        raise CalcInputError("Temperature readings need timestamps.")
    if readings.empty:
        return pd.Series(dtype=float, index=pd.DatetimeIndex([], freq="D"), name="temperature_c")
    readings = readings.sort_index()
    index = cast(pd.DatetimeIndex, readings.index)  # checked above; sorting keeps it
    if _modal_spacing(index) >= _DAILY_SPACING:
        dates = _wall_clock(index).normalize()
        daily = readings.groupby(dates).mean()
    else:
        if index.tz is None:
            raise CalcInputError("Hourly temperature readings need timezone-aware timestamps.")
        daily = _daily_from_hourly(readings.tz_convert(timezone), timezone, min_hourly_coverage)
    full_range = pd.date_range(daily.index.min(), daily.index.max(), freq="D")
    return daily.reindex(full_range).rename("temperature_c")


def heating_degree_days(daily_mean_c: ArrayLike, base_c: float | ArrayLike) -> np.ndarray:
    """HDD = max(base − T, 0). A scalar base gives shape (n_days,); an array of k bases gives (n_days, k)."""
    temps, bases = _as_arrays(daily_mean_c, base_c)
    hdd: np.ndarray = np.maximum(bases - temps, 0.0)
    return hdd


def cooling_degree_days(daily_mean_c: ArrayLike, base_c: float | ArrayLike) -> np.ndarray:
    """CDD = max(T − base, 0). A scalar base gives shape (n_days,); an array of k bases gives (n_days, k)."""
    temps, bases = _as_arrays(daily_mean_c, base_c)
    cdd: np.ndarray = np.maximum(temps - bases, 0.0)
    return cdd


def _as_arrays(daily_mean_c: ArrayLike, base_c: float | ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    temps = np.asarray(daily_mean_c, dtype=float)
    bases = np.asarray(base_c, dtype=float)
    if temps.ndim != 1 or bases.ndim > 1:
        raise CalcInputError("Degree days need a 1-D array of daily temperatures and a scalar or 1-D base.")
    if bases.ndim == 0:
        return temps, bases
    return temps[:, np.newaxis], bases[np.newaxis, :]


def _daily_from_hourly(readings: pd.Series, timezone: str, min_hourly_coverage: float) -> pd.Series:
    dates = _wall_clock(cast(pd.DatetimeIndex, readings.index)).normalize()
    first_day, last_day = dates.min(), dates.max() + pd.Timedelta(days=1)
    day_edges = pd.DatetimeIndex([first_day, last_day]).tz_localize(
        timezone,
        ambiguous=True,  # type: ignore[arg-type]  # pandas takes one bool for all; the stubs want an array
        nonexistent="shift_forward",
    )
    # Whole clock hours counted from local midnight, so a day holds 23, 24 or 25 of them.
    hours = pd.date_range(day_edges[0], day_edges[1], freq="h", inclusive="left")
    hour_of_reading = hours.searchsorted(readings.index, side="right") - 1
    hourly_means = readings.groupby(hour_of_reading).mean().reindex(np.arange(len(hours)))
    hour_dates = _wall_clock(hours).normalize()
    by_day = pd.Series(hourly_means.to_numpy(), index=hour_dates).groupby(level=0)
    coverage = by_day.count() / by_day.size()
    return by_day.mean().where(coverage >= min_hourly_coverage)


def _wall_clock(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    return index.tz_localize(None) if index.tz is not None else index


def _modal_spacing(index: pd.DatetimeIndex) -> pd.Timedelta:
    if len(index) < 2:
        return _DAILY_SPACING
    gaps = np.diff(index.unique().asi8)  # type: ignore[attr-defined]  # asi8 is missing from the stubs
    values, counts = np.unique(gaps, return_counts=True)
    return pd.Timedelta(int(values[np.argmax(counts)]), unit="ns")
