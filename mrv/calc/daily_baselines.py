"""Change-point baselines fitted on days: a daily meter, or the complete days of an interval meter.

Fitted on exactly the days given (the first and last month may be partial); ``baseline_monthly_kwh`` is
the mean kWh per day × 365.25 / 12, the average month. ``daytype`` adds the day-type intercepts of
``daytypes`` to the weather model.
"""

from collections.abc import Mapping
from typing import Any, cast

import numpy as np
import pandas as pd

from mrv.calc import daytypes
from mrv.calc.baseline_result import BaselineResult, assessed, flat_warning
from mrv.calc.changepoint import CALTRACK_SETTINGS, ChangePointSettings, fit_daily
from mrv.calc.errors import CalcInputError
from mrv.calc.monthly_inputs import MIN_COVERAGE, as_daily
from mrv.calc.out_of_sample import leave_one_month_out

DAYS_PER_MONTH = 365.25 / 12


def daytype_baseline(
    *,
    daily_kwh: pd.Series,
    daily_temperature_c: pd.Series,
    scheme: str,
    country: str | None,
    settings: ChangePointSettings = CALTRACK_SETTINGS,
) -> BaselineResult:
    """The weather model with the day-type intercepts of ``scheme``, on days."""
    return daily_changepoint_baseline(
        method="daytype",
        daily_kwh=daily_kwh,
        daily_temperature_c=daily_temperature_c,
        day_types={"scheme": scheme, "country": country},
        settings=settings,
    )


def daily_changepoint_baseline(
    *,
    method: str,
    daily_kwh: pd.Series,
    daily_temperature_c: pd.Series,
    extra: Mapping[str, pd.Series] | None = None,
    day_types: dict[str, Any] | None = None,
    settings: ChangePointSettings = CALTRACK_SETTINGS,
) -> BaselineResult:
    """A change-point model fitted on exactly the days of ``daily_kwh`` that have every input.

    Temperatures (and the extra inputs) must cover at least 90 % of those days.
    """
    usage = as_daily(daily_kwh, what="kWh")
    if usage.empty:
        raise CalcInputError("There are no complete days of energy use to fit a daily baseline.")
    named = {"temperature": daily_temperature_c, **(extra or {})}
    frame = pd.DataFrame({"kWh": usage, **{name: as_daily(s, what=name) for name, s in named.items()}})
    frame = frame.loc[usage.index].dropna()
    if len(frame) < MIN_COVERAGE * len(usage):
        raise CalcInputError(
            f"Daily {' and '.join(named)} data must cover at least {MIN_COVERAGE:.0%} of the baseline days; "
            f"it covers {len(frame) / len(usage):.0%}."
        )
    dates = cast(pd.DatetimeIndex, frame.index)
    columns = {name: frame[name].to_numpy() for name in (extra or {})}
    warnings = []
    model_extra: dict[str, Any] = {}
    if day_types is not None:
        day_types, day_columns, note = _day_type_columns(dates, **day_types)
        columns |= day_columns
        warnings += note
        model_extra["day_types"] = day_types
    temperatures = frame["temperature"].to_numpy()
    observed = frame["kWh"].to_numpy()
    changepoint = fit_daily(usage_kwh=observed, temperature_c=temperatures, extra=columns, settings=settings)
    design = changepoint.design(temperature_c=temperatures, extra=columns)
    oos = leave_one_month_out(
        design=design, usage_per_day=observed, weights=np.ones(len(observed)), month=dates.year * 12 + dates.month
    )
    return assessed(
        method=method,
        baseline_monthly_kwh=float(observed.mean() * DAYS_PER_MONTH),
        observed=observed,
        predicted=changepoint.fitted,
        n_parameters=changepoint.n_parameters,
        granularity="daily",
        model={
            "changepoint": changepoint.to_dict(),
            **model_extra,
            "first_day": str(dates[0].date()),
            "last_day": str(dates[-1].date()),
        },
        warnings=warnings + flat_warning(changepoint),
        oos_cv_rmse=oos,
    )


def _day_type_columns(
    dates: pd.DatetimeIndex, *, scheme: str, country: str | None
) -> tuple[dict[str, Any], dict[str, np.ndarray], list[str]]:
    """The scheme's columns on the fit days. Without a holiday among them the model cannot learn one, so
    holidays are then left out altogether (at prediction too) and a warning says so."""
    warnings = []
    columns = daytypes.day_type_columns(dates, scheme=scheme, country=country)
    if country is not None and not daytypes.holidays_among(dates, country).any():
        warnings.append(f"no {country} public holiday fell on a baseline day: holidays count as ordinary days")
        country = None
        columns = daytypes.day_type_columns(dates, scheme=scheme, country=None)
    columns = {name: column for name, column in columns.items() if name != "holiday" or column.any()}
    if not all(column.any() for column in columns.values()):
        raise CalcInputError("The baseline days do not include every day type, so day types cannot be learned.")
    return {"scheme": scheme, "country": country}, columns, warnings
