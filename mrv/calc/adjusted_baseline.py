"""What a stored baseline model (``BaselineResult.model``) predicts for a reporting month."""

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import pandas as pd

from mrv.calc.changepoint_model import ChangePointModel
from mrv.calc.daytypes import day_type_columns
from mrv.calc.errors import CalcInputError
from mrv.calc.gap_fill import ExpectedUse
from mrv.calc.monthly_inputs import MIN_COVERAGE, coverage_shortfall_labels, days_in_months
from mrv.calc.towt_adjusted import towt_adjusted_kwh, towt_expected_use
from mrv.calc.uncertainty import BaselineUncertainty


def adjusted_baseline_kwh(
    *,
    model: dict[str, Any],
    month: pd.Period | str,
    daily_temperature_c: pd.Series | None = None,
    daily_occupancy: pd.Series | None = None,
) -> float:
    """Baseline kWh for a reporting month under that month's conditions (routine adjustments only).

    Days without data are filled with the mean of the month's other days, which must cover at least
    90 % of the month.
    """
    period = pd.Period(month, freq="M")
    result = adjusted_baselines_kwh(
        model=model, months=[period], daily_temperature_c=daily_temperature_c, daily_occupancy=daily_occupancy
    )[period]
    if isinstance(result, CalcInputError):
        raise result
    return result


def adjusted_baselines_kwh(
    *,
    model: dict[str, Any],
    months: Sequence[pd.Period | str],
    daily_temperature_c: pd.Series | None = None,
    daily_occupancy: pd.Series | None = None,
    hourly_temperature_c: pd.Series | None = None,
) -> dict[pd.Period, float | CalcInputError]:
    """``adjusted_baseline_kwh`` for many months at once, predicting every day (or hour) in one pass.

    A month that cannot be adjusted maps to the CalcInputError saying why, so one month's gap does
    not hide the others' results. An hourly (towt) model reads ``hourly_temperature_c`` alone.
    """
    periods = pd.PeriodIndex([pd.Period(m, freq="M") for m in months])
    if model["method"] in ("historical", "static"):
        return dict.fromkeys(periods, float(model["baseline_monthly_kwh"]))
    if model["method"] == "towt":
        return towt_adjusted_kwh(model=model, months=list(periods), hourly_temperature_c=hourly_temperature_c)
    predicted = _predicted_days(model, periods, daily_temperature_c, daily_occupancy)
    if isinstance(predicted, CalcInputError):
        return dict.fromkeys(periods, predicted)
    daily_usage, position, needed = predicted
    days = np.bincount(position, minlength=len(periods))
    totals = np.bincount(position, weights=daily_usage.to_numpy(), minlength=len(periods))
    short = dict(zip(periods, coverage_shortfall_labels(position, periods), strict=True))
    return {
        period: CalcInputError(
            f"Daily {' and '.join(needed)} data must cover at least {MIN_COVERAGE:.0%} of the days "
            f"of every month; too little in {period} ({short[period]})."
        )
        if short[period]
        else float(totals[i] / days[i] * period.days_in_month)
        for i, period in enumerate(periods)
    }


def expected_use(
    *,
    model: dict[str, Any],
    months: Sequence[pd.Period | str],
    daily_temperature_c: pd.Series | None = None,
    daily_occupancy: pd.Series | None = None,
    hourly_temperature_c: pd.Series | None = None,
) -> ExpectedUse | None:
    """The shape a stored model gives the gap fill of ``months``: an hourly (towt) model's kWh for each
    reading slot and each day, a daily model's kWh for each day it can predict; None for models fitted on months (their
    days were never checked against readings) and for a towt model without hourly temperatures."""
    if model.get("method") == "towt":
        if hourly_temperature_c is None:
            return None
        return towt_expected_use(model=model, hourly_temperature_c=hourly_temperature_c)
    if model.get("granularity") != "daily" or "changepoint" not in model:
        return None
    periods = pd.PeriodIndex([pd.Period(m, freq="M") for m in months])
    predicted = _predicted_days(model, periods, daily_temperature_c, daily_occupancy)
    if isinstance(predicted, CalcInputError):
        return None
    daily_usage, _, _ = predicted
    # Occupancy or day-type terms tell weekdays from weekends; a temperature-only model's day is an average one.
    knows_day_types = bool(model.get("day_types")) or "beta_occupancy" in model["changepoint"]["coefficients"]
    return ExpectedUse(daily_kwh=daily_usage, daily_knows_day_types=knows_day_types)


def _predicted_days(
    model: dict[str, Any],
    periods: pd.PeriodIndex,
    daily_temperature_c: pd.Series | None,
    daily_occupancy: pd.Series | None,
) -> tuple[pd.Series, np.ndarray, list[str]] | CalcInputError:
    """The model's kWh for each day of ``periods`` that has its inputs, each day's position in ``periods``
    and the names of the inputs it needs; the CalcInputError saying which input is missing altogether."""
    method = model["method"]
    inputs = {"temperature": daily_temperature_c, "occupancy": daily_occupancy}
    if method == "occupancy":
        needed = ["occupancy"]
    else:
        changepoint = ChangePointModel.from_dict(model["changepoint"])
        needed = ["temperature"] + (["occupancy"] if "occupancy" in changepoint.extra_names else [])
    missing = [name for name in needed if inputs[name] is None]
    if missing:
        return CalcInputError(f"The {method} baseline needs the month's daily {' and '.join(missing)}.")
    present = {name: cast(pd.Series, inputs[name]) for name in needed}  # none is missing, checked above
    frame, position = days_in_months(periods, present)
    if method == "occupancy":
        daily_usage = model["kwh_per_occupied_day"] * frame["occupancy"].to_numpy()
    else:
        extra = {"occupancy": frame["occupancy"].to_numpy()} if "occupancy" in needed else {}
        if model.get("day_types"):
            dates = cast(pd.DatetimeIndex, frame.index)
            extra |= day_type_columns(dates, scheme=model["day_types"]["scheme"], country=model["day_types"]["country"])
        daily_usage = changepoint.predict(temperature_c=frame["temperature"].to_numpy(), extra=extra)
    return pd.Series(daily_usage, index=frame.index), position, needed


def model_uncertainty(model: dict[str, Any]) -> BaselineUncertainty | None:
    """The stored savings-uncertainty inputs of a baseline model, or None when it has none."""
    data = model.get("uncertainty")
    return None if data is None else BaselineUncertainty.from_dict(data)


def model_n_parameters(model: dict[str, Any]) -> int | None:
    """p of a stored model's fit statistics: kept with its uncertainty inputs, else counted from the model."""
    if model.get("uncertainty"):
        n_parameters: int = model["uncertainty"]["n_parameters"]
        return n_parameters
    if model.get("changepoint"):
        return ChangePointModel.from_dict(model["changepoint"]).n_parameters
    return None if model.get("method") == "static" else 1
