"""The hourly TOWT model (``towt``) as a baseline and as a candidate for selection.

Inputs: kWh per hour and the outdoor temperature (°C) per hour, on one hourly index read as the
building's local wall clock (tz-aware in the building's zone, or naive local time). Hours missing from
either series are simply left out of the fit.

- ``fit``: R², CV(RMSE) and NMBE of the hourly fit, judged by ASHRAE Guideline 14's hourly limits. p is
  the fit's effective number of parameters, trace(H) (``TowtFit.effective_parameters``): each month's
  segment also learns from its neighbours at half weight, so counting every segment's coefficients in
  full (about 12 × 180) would overstate what the fit spends, and counting one segment's would understate it.
- ``uncertainty`` (what the fractional savings uncertainty needs) is measured on DAILY totals of the
  hourly fit, with granularity "daily": the FSU formula (Guideline 14 Annex B with the Sun & Baltazar
  correction, ``uncertainty``) is calibrated for monthly and daily models only, and hourly residuals are
  dominated by the daily cycle and strongly autocorrelated (lag-1 near 1), which its AR(1) correction
  does not describe; summed per day they are close to the daily models' case. Only complete local days
  (every hour of the day present, 23 or 25 on DST changes) count; p is the effective number of
  parameters for daily totals.
- ``oos_cv_rmse``: leave-one-month-out CV(RMSE) of monthly totals: for each baseline month, its segment
  is fitted again (occupancy, bins and coefficients) without that month's own hours, predicts them, and
  the month's predicted total is compared with the observed one over the same hours.
- Temperature bins: CalTRACK's endpoints (30, 45, 55, 65, 75, 90 °F), or one every 5 °F from 30 to 90 °F,
  whichever gives the lower ``oos_cv_rmse`` (CalTRACK's on a tie). A balance point inside a wide CalTRACK
  bin is fitted as a straight line across it, which misjudges a reporting month hotter or colder than its
  baseline month (a subtropical office's April: +3.7 % on its savings, against +1.5 % with 5 °F bins); the
  held-out months say when the finer bins are worth their slopes.
"""

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from mrv.calc.baseline_result import BaselineResult
from mrv.calc.candidates import Candidate, candidate_of
from mrv.calc.errors import CalcInputError
from mrv.calc.fit_stats import fit_statistics, guideline_14_failures
from mrv.calc.out_of_sample import cv_rmse_of_monthly_totals
from mrv.calc.towt import (
    TowtFit,
    TowtModel,
    _checked_hourly_index,
    fit_segment,
    fit_towt,
    segment_weights,
    wall_clock,
)
from mrv.calc.towt_adjusted import local_hours_in_days
from mrv.calc.towt_features import BIN_ENDPOINTS_C, FINE_BIN_ENDPOINTS_C, HOURS_PER_WEEK, time_of_week
from mrv.calc.uncertainty import BaselineUncertainty, lag1_autocorrelation

# The temperature bins tried, CalTRACK's first; the one with the lower leave-one-month-out error is kept.
BIN_SETS = (BIN_ENDPOINTS_C, FINE_BIN_ENDPOINTS_C)
TERMS = ("hour of the week", "temperature", "busy/quiet hours learned from the data", "month by month")
MIN_HOURS = 2 * HOURS_PER_WEEK
# The weather parser's bounds (metering.parsers.weather_csv), which this pure core may not import.
TEMPERATURE_RANGE_C = (-90.0, 60.0)


def towt_baseline(*, hourly_kwh: pd.Series, hourly_temperature_c: pd.Series) -> BaselineResult:
    """Fit the TOWT model on the baseline hours, with its leave-one-month-out error: on CalTRACK's temperature
    bins, or on bins every 5 °F when those predict the held-out months better (``BIN_SETS``)."""
    hours = baseline_hours(hourly_kwh=hourly_kwh, hourly_temperature_c=hourly_temperature_c)
    errors = {bins: leave_one_month_out_cv_rmse(hours, endpoints=bins) for bins in BIN_SETS}
    known = {bins: error for bins, error in errors.items() if error is not None}
    bins = min(known, key=lambda b: known[b]) if known else BIN_SETS[0]  # ties: CalTRACK's, listed first
    return _assessed(hours, _fit(hours, bins), oos_cv_rmse=errors[bins])


def towt_candidate(*, hourly_kwh: pd.Series, hourly_temperature_c: pd.Series) -> Candidate:
    """The TOWT baseline as a candidate for selection."""
    return candidate_of(towt_baseline(hourly_kwh=hourly_kwh, hourly_temperature_c=hourly_temperature_c), TERMS)


def towt_hourly_kwh(*, model: dict[str, Any], hourly_temperature_c: pd.Series) -> pd.Series:
    """What a stored towt model predicts for each hour of ``hourly_temperature_c`` (NaN: cannot say)."""
    return TowtModel.from_dict(model["towt"]).predict(hourly_temperature_c=hourly_temperature_c)


def baseline_hours(*, hourly_kwh: pd.Series, hourly_temperature_c: pd.Series) -> pd.DataFrame:
    """The hours with both a kWh reading and a temperature, checked, in time order."""
    _checked_hourly_index(hourly_kwh, what="kWh")
    _checked_hourly_index(hourly_temperature_c, what="temperatures")
    if (hourly_kwh.index.tz is None) != (hourly_temperature_c.index.tz is None):  # type: ignore[attr-defined]
        raise CalcInputError("The hourly kWh and temperatures must both be in local time, or both zone-aware.")
    frame = pd.concat(
        {"kwh": hourly_kwh.astype(float), "temperature": hourly_temperature_c.astype(float)}, axis=1, join="inner"
    )
    frame = frame.dropna().sort_index()
    kwh, temperature = frame["kwh"].to_numpy(), frame["temperature"].to_numpy()
    if not np.isfinite(kwh).all() or (kwh < 0).any():
        raise CalcInputError("Hourly energy use must be a finite number of kWh, 0 or more.")
    low, high = TEMPERATURE_RANGE_C
    if not ((temperature >= low) & (temperature <= high)).all():
        raise CalcInputError(f"Hourly temperatures must lie between {low:g} and {high:g} °C.")
    if len(frame) < MIN_HOURS:
        raise CalcInputError(
            f"The hourly model needs at least {MIN_HOURS} hours with both kWh and a temperature; "
            f"{len(frame)} were given."
        )
    return frame


def leave_one_month_out_cv_rmse(hours: pd.DataFrame, *, endpoints: Sequence[float] = BIN_ENDPOINTS_C) -> float | None:
    """CV(RMSE) of monthly totals, each month predicted by its segment refitted without that month.

    A month whose held-out hours fall on a time of week its neighbours never saw cannot be predicted
    and is left out; None with fewer than two months predicted (``out_of_sample``).
    """
    index = pd.DatetimeIndex(hours.index)
    kwh, temperature = hours["kwh"].to_numpy(), hours["temperature"].to_numpy()
    tow, months, periods = time_of_week(index), np.asarray(index.month), _periods(index)
    actual, predicted = [], []
    for period in periods.unique():
        held_out = np.asarray(periods == period)
        weights = np.where(held_out, 0.0, segment_weights(months, period.month))
        rows = np.flatnonzero(weights > 0)
        if not rows.size:
            continue
        segment = fit_segment(
            month=period.month,
            usage_kwh=kwh[rows],
            temperature_c=temperature[rows],
            tow=tow[rows],
            weights=weights[rows],
            endpoints=endpoints,
        ).segment
        month_prediction = segment.predict(tow[held_out], temperature[held_out])
        if np.isnan(month_prediction).any():
            continue
        actual.append(kwh[held_out].sum())
        predicted.append(month_prediction.sum())
    return cv_rmse_of_monthly_totals(observed=np.array(actual), predicted=np.array(predicted))


def _fit(hours: pd.DataFrame, endpoints: Sequence[float]) -> TowtFit:
    return fit_towt(
        usage_kwh=hours["kwh"].to_numpy(),
        temperature_c=hours["temperature"].to_numpy(),
        index=pd.DatetimeIndex(hours.index),
        endpoints=endpoints,
    )


def _assessed(hours: pd.DataFrame, fit: TowtFit, *, oos_cv_rmse: float | None) -> BaselineResult:
    index = pd.DatetimeIndex(hours.index)
    kwh = hours["kwh"].to_numpy()
    hourly_p = math.ceil(fit.effective_parameters(np.arange(len(kwh))))
    stats = fit_statistics(observed=kwh, predicted=fit.fitted_kwh, n_parameters=hourly_p)
    failures = guideline_14_failures(stats, granularity="hourly")
    uncertainty = _daily_uncertainty(index, kwh, fit)
    periods = _periods(index)
    per_month = hours["kwh"].groupby(periods).agg(["mean"])
    month_hours = pd.PeriodIndex(per_month.index).days_in_month.to_numpy() * 24
    baseline_monthly_kwh = float((per_month["mean"].to_numpy() * month_hours).mean())
    model = {
        "method": "towt",
        "granularity": "hourly",
        "baseline_monthly_kwh": baseline_monthly_kwh,
        "months": [str(period) for period in per_month.index],
        "uncertainty": None if uncertainty is None else uncertainty.to_dict(),
        "towt": fit.model.to_dict(),
    }
    return BaselineResult(
        method="towt",
        baseline_monthly_kwh=baseline_monthly_kwh,
        model=model,
        fit=stats,
        valid=not failures,
        warnings=_coverage_warnings(fit.model, set(index.month)) + [f"not valid: {failure}" for failure in failures],
        oos_cv_rmse=oos_cv_rmse,
    )


def _daily_uncertainty(index: pd.DatetimeIndex, kwh: np.ndarray, fit: TowtFit) -> BaselineUncertainty | None:
    dates = wall_clock(index).normalize()
    day, days = pd.factorize(dates)
    counts = np.bincount(day)
    complete = counts == local_hours_in_days(pd.DatetimeIndex(days), index.tz)
    groups = np.where(complete[day], (np.cumsum(complete) - 1)[day], -1)  # complete days numbered 0, 1, …
    kept = groups >= 0
    observed = np.bincount(groups[kept], weights=kwh[kept])
    predicted = np.bincount(groups[kept], weights=fit.fitted_kwh[kept])
    daily_p = math.ceil(fit.effective_parameters(groups))
    stats = fit_statistics(observed=observed, predicted=predicted, n_parameters=daily_p)
    if stats.cv_rmse is None:
        return None
    return BaselineUncertainty(
        granularity="daily",
        n=stats.n,
        n_parameters=daily_p,
        cv_rmse=stats.cv_rmse,
        autocorrelation=lag1_autocorrelation(observed - predicted),
    )


def _coverage_warnings(model: TowtModel, baseline_months: set[int]) -> list[str]:
    warnings = []
    if absent := [month for month in range(1, 13) if month not in model.segments]:
        warnings.append(f"no baseline hours in or next to {_month_names(absent)}: those months cannot be predicted")
    if borrowed := [month for month in model.segments if month not in baseline_months]:
        warnings.append(f"no baseline hours in {_month_names(borrowed)}: predicted from the neighbouring months alone")
    for month, segment in model.segments.items():
        if unseen := sum(alpha is None for alpha in segment.time_of_week_kwh):
            warnings.append(
                f"{unseen} hour(s) of the week have no baseline data around {_month_names([month])}: "
                "those hours cannot be predicted"
            )
    return warnings


def _month_names(months: list[int]) -> str:
    return ", ".join(pd.Timestamp(2000, month, 1).month_name() for month in months)


def _periods(index: pd.DatetimeIndex) -> pd.PeriodIndex:
    return wall_clock(index).to_period("M")
