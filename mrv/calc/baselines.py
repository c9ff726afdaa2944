"""The five baseline methods over monthly energy use, and the adjusted baseline for a reporting month.

- historical: mean of the latest (up to) 12 months; no adjustment.
- static: a fixed kWh per month entered by hand; no adjustment, no fit statistics.
- occupancy: kWh per occupied day = Σ kWh / Σ (days × mean occupancy fraction) over the baseline;
  a reporting month's baseline = that rate × its occupied days.
- weather: change-point model of usage per day on degree days (``changepoint``), fitted on the months
  as billing periods, or on days when daily kWh is given; a reporting month's baseline = the model
  under that month's daily temperatures.
- regression: the weather model with daily occupancy as an additional regressor.

``baseline_monthly_kwh`` is the mean of the baseline months' kWh (``static_kwh`` for static). For the
fitted methods it also equals the mean fitted month, because least squares with an intercept (or the
occupancy ratio) reproduces the baseline total.

Validity: a fitted method (historical counts as a constant model, p = 1) is valid when it passes
ASHRAE Guideline 14 at its data granularity (``fit_stats``); that needs n > p, so a one-month
historical baseline is not valid. A static baseline has no fit statistics; it is valid, with a
warning, and its savings carry no computed uncertainty.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from mrv.calc.adjusted_baseline import adjusted_baseline_kwh, model_uncertainty
from mrv.calc.changepoint import CALTRACK_SETTINGS, ChangePointSettings, fit_billing_periods, fit_daily
from mrv.calc.errors import CalcInputError
from mrv.calc.fit_stats import FitStats, fit_statistics, guideline_14_failures
from mrv.calc.monthly_inputs import as_monthly_kwh, daily_frame
from mrv.calc.uncertainty import BaselineUncertainty, lag1_autocorrelation

METHODS = ("historical", "weather", "occupancy", "regression", "static")
HISTORICAL_MAX_MONTHS = 12

MonthlyKwh = pd.Series | Mapping[str, float]


@dataclass(frozen=True)
class BaselineResult:
    """A baseline. ``model`` is JSON-able and holds everything later calculations need."""

    method: str
    baseline_monthly_kwh: float
    model: dict[str, Any]
    fit: FitStats | None
    valid: bool
    warnings: list[str] = field(default_factory=list)
    method_reason: str = "requested"

    @property
    def normalization(self) -> dict[str, bool]:
        return {
            "weather": self.method in ("weather", "regression"),
            "occupancy": self.method in ("occupancy", "regression"),
        }

    @property
    def uncertainty(self) -> BaselineUncertainty | None:
        return model_uncertainty(self.model)

    def fit_dict(self) -> dict[str, Any]:
        """The API's ``fit`` object; all None (n = 0) for a static baseline."""
        return self.fit.to_dict() if self.fit else {"r2": None, "cv_rmse": None, "nmbe": None, "n": 0}

    def adjusted_baseline_kwh(
        self,
        *,
        month: pd.Period | str,
        daily_temperature_c: pd.Series | None = None,
        daily_occupancy: pd.Series | None = None,
    ) -> float:
        return adjusted_baseline_kwh(
            model=self.model,
            month=month,
            daily_temperature_c=daily_temperature_c,
            daily_occupancy=daily_occupancy,
        )


def historical_baseline(*, monthly_kwh: MonthlyKwh) -> BaselineResult:
    monthly = as_monthly_kwh(monthly_kwh)
    warnings = ["not adjusted for weather or occupancy: a hotter, colder or busier month changes the savings"]
    if len(monthly) > HISTORICAL_MAX_MONTHS:
        warnings.append(f"used the latest {HISTORICAL_MAX_MONTHS} of the {len(monthly)} months given")
        monthly = monthly.iloc[-HISTORICAL_MAX_MONTHS:]
    elif len(monthly) < HISTORICAL_MAX_MONTHS:
        warnings.append(f"based on {len(monthly)} month(s); {HISTORICAL_MAX_MONTHS} are recommended")
    mean = float(monthly.mean())
    return _assessed(
        method="historical",
        monthly=monthly,
        observed=monthly.to_numpy(),
        predicted=np.full(len(monthly), mean),
        n_parameters=1,
        granularity="monthly",
        model={},
        warnings=warnings,
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
    frame, position = daily_frame(months, {"occupancy": daily_occupancy})
    occupied_days = _occupied_days(frame["occupancy"].to_numpy(), position, months)
    if occupied_days.sum() <= 0:
        raise CalcInputError("Occupancy is zero throughout the baseline, so it cannot scale energy use.")
    rate = float(monthly.sum() / occupied_days.sum())
    return _assessed(
        method="occupancy",
        monthly=monthly,
        observed=monthly.to_numpy(),
        predicted=rate * occupied_days,
        n_parameters=1,
        granularity="monthly",
        model={"kwh_per_occupied_day": rate},
        warnings=["not adjusted for weather"],
    )


def weather_baseline(
    *,
    monthly_kwh: MonthlyKwh,
    daily_temperature_c: pd.Series,
    daily_kwh: pd.Series | None = None,
    settings: ChangePointSettings = CALTRACK_SETTINGS,
) -> BaselineResult:
    return _changepoint_baseline(
        method="weather",
        monthly_kwh=monthly_kwh,
        columns={"temperature": daily_temperature_c},
        daily_kwh=daily_kwh,
        settings=settings,
    )


def regression_baseline(
    *,
    monthly_kwh: MonthlyKwh,
    daily_temperature_c: pd.Series,
    daily_occupancy: pd.Series,
    daily_kwh: pd.Series | None = None,
    settings: ChangePointSettings = CALTRACK_SETTINGS,
) -> BaselineResult:
    return _changepoint_baseline(
        method="regression",
        monthly_kwh=monthly_kwh,
        columns={"temperature": daily_temperature_c, "occupancy": daily_occupancy},
        daily_kwh=daily_kwh,
        settings=settings,
    )


def _changepoint_baseline(
    *,
    method: str,
    monthly_kwh: MonthlyKwh,
    columns: dict[str, pd.Series],
    daily_kwh: pd.Series | None,
    settings: ChangePointSettings,
) -> BaselineResult:
    monthly = as_monthly_kwh(monthly_kwh)
    months = cast(pd.PeriodIndex, monthly.index)
    frame, position = daily_frame(months, columns | ({} if daily_kwh is None else {"kWh": daily_kwh}))
    temperatures = frame["temperature"].to_numpy()
    occupancy = frame["occupancy"].to_numpy() if "occupancy" in frame else None
    if daily_kwh is None:
        days = months.days_in_month.to_numpy()
        changepoint = fit_billing_periods(
            period_kwh=monthly.to_numpy(),
            period_days=days,
            temperature_c=temperatures,
            day_period=position,
            occupancy=occupancy,
            settings=settings,
        )
        observed, predicted, granularity = monthly.to_numpy(), changepoint.fitted * days, "monthly"
    else:
        observed = frame["kWh"].to_numpy()
        changepoint = fit_daily(
            usage_kwh=observed,
            temperature_c=temperatures,
            occupancy=occupancy,
            settings=settings,
        )
        predicted, granularity = changepoint.fitted, "daily"
    warnings = []
    if changepoint.model_type == "intercept_only":
        warnings.append("no clear link between weather and energy use was found: the model is flat")
    return _assessed(
        method=method,
        monthly=monthly,
        observed=observed,
        predicted=predicted,
        n_parameters=changepoint.n_parameters,
        granularity=granularity,
        model={"changepoint": changepoint.to_dict()},
        warnings=warnings,
    )


def _assessed(
    *,
    method: str,
    monthly: pd.Series,
    observed: np.ndarray,
    predicted: np.ndarray,
    n_parameters: int,
    granularity: str,
    model: dict[str, Any],
    warnings: list[str],
) -> BaselineResult:
    fit = fit_statistics(observed=observed, predicted=predicted, n_parameters=n_parameters)
    failures = guideline_14_failures(fit, granularity=granularity)
    uncertainty = None
    if fit.cv_rmse is not None:
        uncertainty = BaselineUncertainty(
            granularity=granularity,
            n=fit.n,
            n_parameters=n_parameters,
            cv_rmse=fit.cv_rmse,
            autocorrelation=lag1_autocorrelation(observed - predicted),
        )
    baseline_monthly_kwh = float(monthly.mean())
    full_model = {
        **model,
        "method": method,
        "baseline_monthly_kwh": baseline_monthly_kwh,
        "months": [str(month) for month in monthly.index],
        "granularity": granularity,
        "uncertainty": None if uncertainty is None else uncertainty.to_dict(),
    }
    return BaselineResult(
        method=method,
        baseline_monthly_kwh=baseline_monthly_kwh,
        model=full_model,
        fit=fit,
        valid=not failures,
        warnings=warnings + [f"not valid: {failure}" for failure in failures],
    )


def _occupied_days(occupancy: np.ndarray, position: np.ndarray, months: pd.PeriodIndex) -> np.ndarray:
    """Days × mean occupancy per month, the mean taken over the days that have a value."""
    sums = np.bincount(position, weights=occupancy, minlength=len(months))
    counts = np.bincount(position, minlength=len(months))
    occupied: np.ndarray = sums / counts * months.days_in_month.to_numpy()
    return occupied
