"""The baseline methods, each fitted to one granularity of data, with its fit and out-of-sample error.

Over monthly energy use (billing periods):
- historical: mean of the latest (up to) 12 months; no adjustment.
- static: a fixed kWh per month entered by hand; no adjustment, no fit statistics.
- occupancy: kWh per occupied day = Σ kWh / Σ (days × mean occupancy fraction) over the baseline;
  a reporting month's baseline = that rate × its occupied days.
- weather: change-point model of usage per day on degree days (``changepoint``) fitted on the months as
  billing periods; a reporting month's baseline = the model under that month's daily temperatures.
- regression: the weather model with the declared daily occupancy as an additional regressor.

Over daily energy use (a daily meter, or the complete days of an interval meter), fitted on exactly the
days given: weather and regression as above but on days, and
- daytype: the weather model with day-type intercepts (``daytypes``: weekday/weekend or each day of the
  week, public holidays of the building's country as non-working days).

``baseline_monthly_kwh`` is the mean of the baseline months' kWh for monthly fits (``static_kwh`` for
static), and the mean kWh per day × 365.25 / 12 (the average month) for daily fits, whose first and last
months may be partial.

Validity: a fitted method (historical counts as a constant model, p = 1) is valid when it passes
ASHRAE Guideline 14 at its data granularity (``fit_stats``); that needs n > p, so a one-month
historical baseline is not valid. A static baseline has no fit statistics; it is valid, with a
warning, and its savings carry no computed uncertainty. ``oos_cv_rmse`` is the leave-one-month-out
CV(RMSE) of monthly totals (``out_of_sample``) that ranks candidates.
"""

from collections.abc import Mapping
from typing import cast

import numpy as np
import pandas as pd

from mrv.calc.baseline_result import BaselineResult, assessed, flat_warning
from mrv.calc.changepoint import CALTRACK_SETTINGS, ChangePointSettings, fit_billing_periods
from mrv.calc.daily_baselines import daily_changepoint_baseline, daytype_baseline
from mrv.calc.errors import CalcInputError
from mrv.calc.monthly_inputs import as_monthly_kwh, daily_frame, month_days, window_frame
from mrv.calc.out_of_sample import cv_rmse_of_monthly_totals, leave_one_month_out

__all__ = ["BaselineResult", "daily_changepoint_baseline", "daytype_baseline"]  # re-exported for callers

METHODS = ("historical", "weather", "daytype", "occupancy", "regression", "static")
HISTORICAL_MAX_MONTHS = 12

MonthlyKwh = pd.Series | Mapping[str, float]


def historical_baseline(*, monthly_kwh: MonthlyKwh) -> BaselineResult:
    monthly = as_monthly_kwh(monthly_kwh)
    warnings = ["not adjusted for weather or occupancy: a hotter, colder or busier month changes the savings"]
    if len(monthly) > HISTORICAL_MAX_MONTHS:
        warnings.append(f"used the latest {HISTORICAL_MAX_MONTHS} of the {len(monthly)} months given")
        monthly = monthly.iloc[-HISTORICAL_MAX_MONTHS:]
    elif len(monthly) < HISTORICAL_MAX_MONTHS:
        warnings.append(f"based on {len(monthly)} month(s); {HISTORICAL_MAX_MONTHS} are recommended")
    kwh = _whole_month_kwh(monthly, monthly_kwh)
    mean = float(kwh.mean())
    n = len(kwh)
    # Each month held out is predicted by the mean of the others.
    others_mean = (kwh.sum() - kwh) / (n - 1) if n > 1 else kwh
    return assessed(
        method="historical",
        baseline_monthly_kwh=mean,
        observed=kwh,
        predicted=np.full(n, mean),
        n_parameters=1,
        granularity="monthly",
        model={"months": [str(month) for month in monthly.index]},
        warnings=warnings,
        oos_cv_rmse=cv_rmse_of_monthly_totals(observed=kwh, predicted=others_mean),
    )


def static_baseline(*, static_kwh: float) -> BaselineResult:
    if not np.isfinite(static_kwh) or static_kwh < 0:
        raise CalcInputError("The static baseline must be a finite number of kWh, 0 or more.")
    model = {"method": "static", "baseline_monthly_kwh": float(static_kwh), "uncertainty": None}
    warning = "a fixed value entered by hand: no fit statistics and no savings uncertainty apply"
    return BaselineResult("static", float(static_kwh), model, fit=None, valid=True, warnings=[warning])


def occupancy_baseline(*, monthly_kwh: MonthlyKwh, daily_occupancy: pd.Series) -> BaselineResult:
    monthly = as_monthly_kwh(monthly_kwh)
    months = cast(pd.PeriodIndex, monthly.index)
    frame, position = window_frame(monthly_kwh, *daily_frame(months, {"occupancy": daily_occupancy}))
    occupied_days = _occupied_days(frame["occupancy"].to_numpy(), position, month_days(monthly_kwh, months))
    if occupied_days.sum() <= 0:
        raise CalcInputError("Occupancy is zero throughout the baseline, so it cannot scale energy use.")
    kwh = monthly.to_numpy()
    rate = float(kwh.sum() / occupied_days.sum())
    # Each month held out is predicted by the other months' rate × its occupied days.
    with np.errstate(divide="ignore", invalid="ignore"):
        others_rate = (kwh.sum() - kwh) / (occupied_days.sum() - occupied_days)
    predicted_out = np.nan_to_num(others_rate * occupied_days)
    return assessed(
        method="occupancy",
        baseline_monthly_kwh=float(_whole_month_kwh(monthly, monthly_kwh).mean()),
        observed=kwh,
        predicted=rate * occupied_days,
        n_parameters=1,
        granularity="monthly",
        model={"kwh_per_occupied_day": rate, "months": [str(month) for month in months]},
        warnings=["not adjusted for weather"],
        oos_cv_rmse=cv_rmse_of_monthly_totals(observed=kwh, predicted=predicted_out),
    )


def weather_baseline(
    *,
    daily_temperature_c: pd.Series,
    monthly_kwh: MonthlyKwh | None = None,
    daily_kwh: pd.Series | None = None,
    settings: ChangePointSettings = CALTRACK_SETTINGS,
) -> BaselineResult:
    """Fitted on the days of ``daily_kwh`` when given, else on the months of ``monthly_kwh``."""
    if daily_kwh is not None:
        return daily_changepoint_baseline(
            method="weather", daily_kwh=daily_kwh, daily_temperature_c=daily_temperature_c, settings=settings
        )
    return _billing_changepoint_baseline(
        method="weather",
        monthly_kwh=_required(monthly_kwh),
        columns={"temperature": daily_temperature_c},
        settings=settings,
    )


def regression_baseline(
    *,
    daily_temperature_c: pd.Series,
    daily_occupancy: pd.Series,
    monthly_kwh: MonthlyKwh | None = None,
    daily_kwh: pd.Series | None = None,
    settings: ChangePointSettings = CALTRACK_SETTINGS,
) -> BaselineResult:
    """The weather model plus declared occupancy; on days when ``daily_kwh`` is given, else on months."""
    if daily_kwh is not None:
        return daily_changepoint_baseline(
            method="regression",
            daily_kwh=daily_kwh,
            daily_temperature_c=daily_temperature_c,
            extra={"occupancy": daily_occupancy},
            settings=settings,
        )
    return _billing_changepoint_baseline(
        method="regression",
        monthly_kwh=_required(monthly_kwh),
        columns={"temperature": daily_temperature_c, "occupancy": daily_occupancy},
        settings=settings,
    )


def _billing_changepoint_baseline(
    *, method: str, monthly_kwh: MonthlyKwh, columns: dict[str, pd.Series], settings: ChangePointSettings
) -> BaselineResult:
    monthly = as_monthly_kwh(monthly_kwh)
    months = cast(pd.PeriodIndex, monthly.index)
    frame, position = window_frame(monthly_kwh, *daily_frame(months, columns))
    temperatures = frame["temperature"].to_numpy()
    extra = {name: frame[name].to_numpy() for name in columns if name != "temperature"}
    days = month_days(monthly_kwh, months)
    kwh = monthly.to_numpy()
    changepoint = fit_billing_periods(
        period_kwh=kwh,
        period_days=days,
        temperature_c=temperatures,
        day_period=position,
        extra=extra,
        settings=settings,
    )
    daily_design = changepoint.design(temperature_c=temperatures, extra=extra)
    day_counts = np.bincount(position, minlength=len(months))
    period_design = np.column_stack(
        [np.bincount(position, weights=column, minlength=len(months)) / day_counts for column in daily_design.T]
    )
    oos = leave_one_month_out(
        design=period_design, usage_per_day=kwh / days, weights=days, month=np.arange(len(months))
    )
    return assessed(
        method=method,
        baseline_monthly_kwh=float(_whole_month_kwh(monthly, monthly_kwh).mean()),
        observed=kwh,
        predicted=changepoint.fitted * days,
        n_parameters=changepoint.n_parameters,
        granularity="monthly",
        model={"changepoint": changepoint.to_dict(), "months": [str(month) for month in months]},
        warnings=flat_warning(changepoint),
        oos_cv_rmse=oos,
    )


def _required(monthly_kwh: MonthlyKwh | None) -> MonthlyKwh:
    if monthly_kwh is None:
        raise CalcInputError("Monthly or daily energy use is needed to fit this baseline.")
    return monthly_kwh


def _occupied_days(occupancy: np.ndarray, position: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Days × mean occupancy per month, the mean taken over the days that have a value."""
    sums = np.bincount(position, weights=occupancy, minlength=len(days))
    counts = np.bincount(position, minlength=len(days))
    occupied: np.ndarray = sums / counts * days
    return occupied


def _whole_month_kwh(monthly: pd.Series, monthly_kwh: MonthlyKwh) -> np.ndarray:
    """Each month's kWh, a month the baseline window cuts (WindowedMonths) at its kWh per day × its days."""
    months = cast(pd.PeriodIndex, monthly.index)
    whole: np.ndarray = monthly.to_numpy() / month_days(monthly_kwh, months) * months.days_in_month.to_numpy()
    return whole
