"""A stored towt model's adjusted baseline for reporting months, and its shape for the gap fill, from the
months' hourly temperatures."""

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from mrv.calc.errors import CalcInputError
from mrv.calc.gap_fill import ExpectedUse
from mrv.calc.monthly_inputs import MIN_COVERAGE
from mrv.calc.towt import TowtModel, wall_clock


def towt_adjusted_kwh(
    *, model: dict[str, Any], months: Sequence[pd.Period], hourly_temperature_c: pd.Series | None
) -> dict[pd.Period, float | CalcInputError]:
    """Each month's baseline kWh: the model's hourly predictions summed and scaled up to the month's hours.

    The hours that can be predicted (a temperature, and a time of week and month the baseline saw)
    must be at least 90 % of the month's local hours, the coverage the daily methods ask of days; a
    month short of that maps to the CalcInputError saying why.
    """
    periods = pd.PeriodIndex([pd.Period(month, freq="M") for month in months])
    if hourly_temperature_c is None or hourly_temperature_c.dropna().empty:
        return dict.fromkeys(
            periods, CalcInputError("The hourly (towt) baseline needs the month's hourly temperatures.")
        )
    temperatures = hourly_temperature_c.dropna()
    predicted = TowtModel.from_dict(model["towt"]).predict(hourly_temperature_c=temperatures)
    index = pd.DatetimeIndex(predicted.index)
    wall = wall_clock(index)
    # Months counted from year 0, on numbers: building a Period for each hour takes longer than predicting it.
    position = pd.Index(periods.year * 12 + periods.month).get_indexer(wall.year * 12 + wall.month)
    inside = position >= 0
    known = inside & predicted.notna().to_numpy()
    hours = _hours_in_months(periods, index.tz)
    with_temperature = np.bincount(position[inside], minlength=len(periods))
    counted = np.bincount(position[known], minlength=len(periods))
    totals = np.bincount(position[known], weights=predicted.to_numpy()[known], minlength=len(periods))
    results: dict[pd.Period, float | CalcInputError] = {}
    for i, period in enumerate(periods):
        if with_temperature[i] < MIN_COVERAGE * hours[i]:
            results[period] = CalcInputError(
                f"Hourly temperatures must cover at least {MIN_COVERAGE:.0%} of the hours of every month; "
                f"too little in {period} ({with_temperature[i] / hours[i]:.0%})."
            )
        elif counted[i] < MIN_COVERAGE * hours[i]:
            results[period] = CalcInputError(
                f"The hourly baseline saw too few hours like those of {period} to predict it "
                f"({counted[i] / hours[i]:.0%} of its hours)."
            )
        else:
            results[period] = float(totals[i] / counted[i] * hours[i])
    return results


def towt_expected_use(*, model: dict[str, Any], hourly_temperature_c: pd.Series) -> ExpectedUse:
    """The use a stored towt model expects (``gap_fill.ExpectedUse``): per reading slot, its local hour's
    kWh shared evenly among the hour's slots (NaN where the hour cannot be predicted); per local date, the
    sum of its hours, for the dates whose every hour can be predicted."""
    predicted = TowtModel.from_dict(model["towt"]).predict(hourly_temperature_c=hourly_temperature_c.dropna())
    index = pd.DatetimeIndex(predicted.index)
    known = predicted.dropna()
    dates = wall_clock(pd.DatetimeIndex(known.index)).normalize()
    by_date = known.groupby(dates).agg(["sum", "count"])
    whole = by_date["count"].to_numpy() == local_hours_in_days(pd.DatetimeIndex(by_date.index), index.tz)
    by_hour = pd.Series(predicted.to_numpy(), index=wall_clock(index)).groupby(level=0).mean()  # a clock
    # change repeats one local hour

    def slot_kwh(starts: pd.DatetimeIndex) -> np.ndarray:
        interval = pd.Series(starts).diff().median() if len(starts) > 1 else pd.Timedelta(hours=1)
        share = interval / pd.Timedelta(hours=1)
        return np.asarray(by_hour.reindex(wall_clock(starts).floor("h")).to_numpy() * share, dtype=float)

    return ExpectedUse(slot_kwh=slot_kwh, daily_kwh=by_date["sum"][whole], daily_knows_day_types=True)


def local_hours_in_days(days: pd.DatetimeIndex, tz: Any) -> np.ndarray:
    """Clock hours of each local date (naive dates): 24, or 23 and 25 on the days a clock changes in ``tz``."""
    if tz is None:
        return np.full(len(days), 24)
    first_hour = np.ones(len(days), dtype=bool)  # a midnight that repeats: its first occurrence
    starts = days.tz_localize(tz, ambiguous=first_hour, nonexistent="shift_forward")
    ends = (days + pd.Timedelta(days=1)).tz_localize(tz, ambiguous=first_hour, nonexistent="shift_forward")
    return np.asarray((ends - starts) / pd.Timedelta(hours=1), dtype=int)


def _hours_in_months(periods: pd.PeriodIndex, tz: Any) -> np.ndarray:
    """Local clock hours in each month: 24 a day, one less or more in a month with a DST change."""
    starts = periods.start_time
    ends = periods.end_time.normalize() + pd.Timedelta(days=1)
    if tz is not None:
        first = np.ones(len(periods), dtype=bool)
        starts = starts.tz_localize(tz, ambiguous=first, nonexistent="shift_forward")
        ends = ends.tz_localize(tz, ambiguous=first, nonexistent="shift_forward")
    return np.asarray((ends - starts) / pd.Timedelta(hours=1), dtype=float)
