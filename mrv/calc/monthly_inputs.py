"""Shape checks for the monthly and daily series the baseline methods take, and daily coverage per month."""

import re
from collections.abc import Mapping
from datetime import date
from typing import cast

import numpy as np
import pandas as pd

from mrv.calc.errors import CalcInputError
from mrv.calc.months import first_day, last_day

# CalTRACK 2.0 §2.2.3.2: temperature data must cover 90 % of each billing period. We apply the same
# rule to daily occupancy and daily kWh.
MIN_COVERAGE = 0.9
_YEAR_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
# A month the baseline window cuts is used only when the window holds at least half of its days: below that, its
# kWh (a bill's or a month's total, spread evenly over the month's days) would speak mostly for days outside.
MIN_WINDOW_SHARE = 0.5


class WindowedMonths(dict[str, float]):
    """kWh per month ("YYYY-MM") of a baseline window of exact days, ``first`` to ``last`` (both included).

    A month the window cuts holds its kWh prorated by days: the month's kWh × the window's days in it / its
    days (use is taken as even over the month, all that a monthly total or a bill can say). The monthly
    models fit such a month as a billing period of the window's days alone (their temperatures and occupancy);
    the historical mean counts it at its kWh per day × the month's days. A month the window holds for less
    than MIN_WINDOW_SHARE of its days is left out; ``dropped`` names those months.
    """

    def __init__(self, kwh: Mapping[str, float], *, first: date, last: date, dropped: tuple[str, ...] = ()):
        super().__init__(kwh)
        self.first, self.last, self.dropped = first, last, dropped

    def window_days(self, months: pd.PeriodIndex) -> np.ndarray:
        """The window's days in each month."""
        spans = [(min(last_day(month), self.last) - max(first_day(month), self.first)).days + 1 for month in months]
        days: np.ndarray = np.maximum(np.asarray(spans, dtype=float), 0.0)
        return days

    def holds(self, dates: pd.DatetimeIndex) -> np.ndarray:
        """Whether each (naive) date lies in the window."""
        return np.asarray((dates >= pd.Timestamp(self.first)) & (dates <= pd.Timestamp(self.last)))


def windowed_months(monthly_kwh: Mapping[str, float], *, first: date, last: date) -> WindowedMonths:
    """The months' kWh as the exact window [first, last] holds them (``WindowedMonths``)."""
    if last < first:
        raise CalcInputError("The baseline window ends before it starts.")
    monthly = as_monthly_kwh(monthly_kwh)
    months = cast(pd.PeriodIndex, monthly.index)
    probe = WindowedMonths({}, first=first, last=last)
    share = probe.window_days(months) / months.days_in_month.to_numpy()
    kept = share >= MIN_WINDOW_SHARE
    cut = zip(months[kept], monthly[kept], share[kept], strict=True)
    prorated = {str(month): float(kwh * part) for month, kwh, part in cut}
    dropped = tuple(str(month) for month in months[~kept])
    if not prorated:
        raise CalcInputError(
            f"The baseline window holds at least {MIN_WINDOW_SHARE:.0%} of the days of no month given."
        )
    return WindowedMonths(prorated, first=first, last=last, dropped=dropped)


def month_days(monthly_kwh: Mapping[str, float] | pd.Series, months: pd.PeriodIndex) -> np.ndarray:
    """The days each month's kWh stands for: the window's days in it for ``WindowedMonths``, else all its days."""
    if isinstance(monthly_kwh, WindowedMonths):
        return monthly_kwh.window_days(months)
    return months.days_in_month.to_numpy().astype(float)


def window_frame(
    monthly_kwh: Mapping[str, float] | pd.Series, frame: pd.DataFrame, position: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray]:
    """The days of ``frame`` (and their positions) that the kWh stand for: those in the window, if any."""
    if not isinstance(monthly_kwh, WindowedMonths):
        return frame, position
    inside = monthly_kwh.holds(cast(pd.DatetimeIndex, frame.index))
    return frame[inside], position[inside]


def as_monthly_kwh(monthly_kwh: pd.Series | Mapping[str, float]) -> pd.Series:
    """kWh per month as a float Series on a sorted monthly PeriodIndex.

    Accepts a Series or mapping keyed by ``"YYYY-MM"`` strings, monthly Periods or Timestamps.
    """
    series = pd.Series(monthly_kwh, dtype=float)
    if series.empty:
        raise CalcInputError("At least one month of energy use is needed.")
    # pandas alone would read "January" as the year 1, so text must look like YYYY-MM.
    text = [label for label in series.index if isinstance(label, str)]
    if not all(_YEAR_MONTH.fullmatch(label) for label in text):
        raise CalcInputError("Months must be given as YYYY-MM.")
    try:
        series.index = pd.PeriodIndex(series.index, freq="M")
    except (TypeError, ValueError) as error:
        raise CalcInputError("Months must be given as YYYY-MM.") from error
    if series.index.has_duplicates:
        raise CalcInputError("Each month may appear only once.")
    if not np.isfinite(series.to_numpy()).all() or (series < 0).any():
        raise CalcInputError("Monthly energy use must be a finite number of kWh, 0 or more.")
    return series.sort_index().rename("kwh")


def as_daily(values: pd.Series, *, what: str) -> pd.Series:
    """Values on a naive index of calendar dates (a tz-aware index keeps its own wall-clock date)."""
    if not isinstance(values.index, pd.DatetimeIndex):
        raise CalcInputError(f"The daily {what} values need dates.")
    index = values.index.tz_localize(None) if values.index.tz is not None else values.index
    daily = pd.Series(values.to_numpy(dtype=float), index=index.normalize(), name=what).dropna()
    if daily.index.has_duplicates:
        raise CalcInputError(f"The daily {what} values have more than one value for some dates.")
    if not np.isfinite(daily.to_numpy()).all():
        raise CalcInputError(f"The daily {what} values must be finite numbers.")
    return daily.sort_index()


def days_in_months(months: pd.PeriodIndex, columns: Mapping[str, pd.Series]) -> tuple[pd.DataFrame, np.ndarray]:
    """Days in ``months`` that have a value in every column, and each day's position in ``months``."""
    frame = pd.DataFrame({name: as_daily(values, what=name) for name, values in columns.items()})
    return _in_months(frame, months)


def coverage_shortfall_labels(position: np.ndarray, months: pd.PeriodIndex) -> list[str]:
    """Per month: "" when its days are covered enough, else its coverage as e.g. "40%"."""
    coverage = np.bincount(position, minlength=len(months)) / months.days_in_month.to_numpy()
    return ["" if share >= MIN_COVERAGE else f"{share:.0%}" for share in coverage]


def daily_frame(months: pd.PeriodIndex, columns: Mapping[str, pd.Series]) -> tuple[pd.DataFrame, np.ndarray]:
    """Days in ``months`` that have a value in every column, and each day's position in ``months``.

    Raises CalcInputError naming the months where such days cover less than MIN_COVERAGE.
    """
    frame, position = days_in_months(months, columns)
    short = _shortfalls(position, months)
    if short:
        raise CalcInputError(
            f"Daily {' and '.join(columns)} data must cover at least {MIN_COVERAGE:.0%} of the days "
            f"of every month; too little in {', '.join(short)}."
        )
    return frame, position


def coverage_shortfalls(daily: pd.Series, months: pd.PeriodIndex) -> list[str]:
    """Months whose days ``daily`` covers less than MIN_COVERAGE, as "2024-03 (40%)" strings."""
    _, position = _in_months(as_daily(daily, what="data").to_frame(), months)
    return _shortfalls(position, months)


def _in_months(frame: pd.DataFrame, months: pd.PeriodIndex) -> tuple[pd.DataFrame, np.ndarray]:
    complete = frame.dropna()
    dates = cast(pd.DatetimeIndex, complete.index)  # as_daily made it
    position = months.get_indexer(dates.to_period("M"))
    return complete[position >= 0], position[position >= 0]


def _shortfalls(position: np.ndarray, months: pd.PeriodIndex) -> list[str]:
    labels = coverage_shortfall_labels(position, months)
    return [f"{month} ({label})" for month, label in zip(months, labels, strict=True) if label]
