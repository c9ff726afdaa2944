"""Pick the best baseline method the data supports, and compute a baseline by method name.

Rules, in order (CalTRACK prefers weather-normalised models; their fits need enough months):
1. Daily temperatures cover ≥ 90 % of every baseline month and there are at least
   MIN_MONTHS_FOR_REGRESSION months → "weather"; or "regression" when daily occupancy also covers every
   month and its monthly mean moves by at least MIN_OCCUPANCY_SWING between months.
2. Otherwise, daily occupancy covers every month → "occupancy".
3. Otherwise → "historical".
"static" is never chosen; it must be asked for.
"""

import dataclasses
from typing import NamedTuple, cast

import pandas as pd

from mrv.calc.baselines import (
    BaselineResult,
    MonthlyKwh,
    historical_baseline,
    occupancy_baseline,
    regression_baseline,
    static_baseline,
    weather_baseline,
)
from mrv.calc.changepoint import CALTRACK_SETTINGS, ChangePointSettings
from mrv.calc.errors import CalcInputError
from mrv.calc.monthly_inputs import as_daily, as_monthly_kwh, coverage_shortfalls

MIN_MONTHS_FOR_REGRESSION = 6
MIN_OCCUPANCY_SWING = 0.10


class MethodChoice(NamedTuple):
    method: str
    why: str


def choose_baseline_method(
    *,
    monthly_kwh: MonthlyKwh,
    daily_temperature_c: pd.Series | None = None,
    daily_occupancy: pd.Series | None = None,
) -> MethodChoice:
    """The method to use and a sentence saying why."""
    months = cast(pd.PeriodIndex, as_monthly_kwh(monthly_kwh).index)
    n = len(months)
    occupancy_covers = daily_occupancy is not None and not coverage_shortfalls(daily_occupancy, months)
    if daily_temperature_c is None:
        weather_gap = "no temperature data was given"
    elif n < MIN_MONTHS_FOR_REGRESSION:
        weather_gap = f"a weather model needs at least {MIN_MONTHS_FOR_REGRESSION} months and {n} were given"
    elif short := coverage_shortfalls(daily_temperature_c, months):
        weather_gap = f"temperature data is incomplete in {', '.join(short)}"
    else:
        weather_gap = None
    if weather_gap is None:
        covered = f"daily temperatures cover all {n} baseline months"
        if occupancy_covers:
            assert daily_occupancy is not None  # occupancy_covers says so
            swing = _occupancy_swing(daily_occupancy, months)
            if swing >= MIN_OCCUPANCY_SWING:
                return MethodChoice(
                    "regression",
                    f"{covered} and occupancy varied by {swing:.0%} between months, "
                    "so both weather and occupancy are modelled",
                )
        return MethodChoice("weather", f"{covered}, so the baseline is normalised for weather")
    if occupancy_covers:
        return MethodChoice(
            "occupancy", f"{weather_gap}, but daily occupancy covers every month, so use per occupied day"
        )
    return MethodChoice("historical", f"{weather_gap}, so the baseline is the mean of the monthly use")


def calculate_baseline(
    *,
    method: str | None = None,
    monthly_kwh: MonthlyKwh | None = None,
    daily_temperature_c: pd.Series | None = None,
    daily_occupancy: pd.Series | None = None,
    daily_kwh: pd.Series | None = None,
    static_kwh: float | None = None,
    settings: ChangePointSettings = CALTRACK_SETTINGS,
) -> BaselineResult:
    """Compute a baseline by ``method`` name; without one, use ``choose_baseline_method``."""
    if method == "static":
        if static_kwh is None:
            raise CalcInputError("A static baseline needs static_kwh.")
        return static_baseline(static_kwh=static_kwh)
    if monthly_kwh is None:
        raise CalcInputError("Monthly energy use is needed to compute a baseline.")
    reason = "requested"
    if method is None:
        method, reason = choose_baseline_method(
            monthly_kwh=monthly_kwh, daily_temperature_c=daily_temperature_c, daily_occupancy=daily_occupancy
        )
    needs = {
        "weather": ["temperatures"],
        "occupancy": ["occupancy"],
        "regression": ["temperatures", "occupancy"],
    }
    given = {"temperatures": daily_temperature_c, "occupancy": daily_occupancy}
    missing = [name for name in needs.get(method, []) if given[name] is None]
    if missing:
        raise CalcInputError(f"The {method} method needs daily {' and '.join(missing)}.")
    if method == "historical":
        result = historical_baseline(monthly_kwh=monthly_kwh)
    elif method == "occupancy":
        assert daily_occupancy is not None  # not missing, checked above
        result = occupancy_baseline(monthly_kwh=monthly_kwh, daily_occupancy=daily_occupancy)
    elif method == "weather":
        assert daily_temperature_c is not None  # not missing, checked above
        result = weather_baseline(
            monthly_kwh=monthly_kwh,
            daily_temperature_c=daily_temperature_c,
            daily_kwh=daily_kwh,
            settings=settings,
        )
    elif method == "regression":
        assert daily_temperature_c is not None and daily_occupancy is not None  # not missing, checked above
        result = regression_baseline(
            monthly_kwh=monthly_kwh,
            daily_temperature_c=daily_temperature_c,
            daily_occupancy=daily_occupancy,
            daily_kwh=daily_kwh,
            settings=settings,
        )
    else:
        raise CalcInputError(f"Unknown baseline method {method!r}.")
    return dataclasses.replace(result, method_reason=reason)


def _occupancy_swing(daily_occupancy: pd.Series, months: pd.PeriodIndex) -> float:
    """Largest minus smallest monthly mean occupancy over the baseline months."""
    occupancy = as_daily(daily_occupancy, what="occupancy")
    dates = cast(pd.DatetimeIndex, occupancy.index)
    monthly_mean = occupancy.groupby(dates.to_period("M")).mean().reindex(months)
    return float(monthly_mean.max() - monthly_mean.min())
