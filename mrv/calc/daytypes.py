"""Day types of calendar dates for baseline models: working days, weekends and public holidays.

A public holiday of the building's country (the maintained ``holidays`` package) is a non-working day,
as is a day of the country's weekend (Saturday and Sunday unless the package says otherwise). Two
schemes of indicator columns, each measured against the intercept's day type:

- ``weekday_weekend``: one column, ``non_working`` = 1 on weekend days and holidays (two levels).
- ``day_of_week``: ``tuesday`` … ``sunday`` (Monday is the intercept's day) and ``holiday``; a holiday
  is its own level whatever weekday it falls on, so its weekday column is 0 that day (eight levels).

A column that is 0 on every date given is left out: its coefficient could not be estimated.
"""

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import holidays
import numpy as np
import pandas as pd

from mrv.calc.errors import CalcInputError

SCHEMES = ("weekday_weekend", "day_of_week")
SCHEME_TERMS = {"weekday_weekend": "weekday/weekend", "day_of_week": "day of the week"}
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_WEEKEND = frozenset({5, 6})


def holiday_country(grid_region: str) -> str | None:
    """The country whose holidays apply: the first two letters of a grid region ("US-CAMX" → "US") when
    the holidays package knows that country, else None."""
    country = grid_region[:2].upper()
    return country if country in _supported_countries() else None


def public_holidays(country: str, years: Iterable[int]) -> frozenset[pd.Timestamp]:
    """The country's public holidays in ``years``, as midnight Timestamps."""
    return frozenset().union(*(_holidays_of_year(country, year) for year in sorted(set(years))))


def weekend_days(country: str | None) -> frozenset[int]:
    """The weekdays (Monday = 0) of the country's weekend."""
    return _weekend(country) if country else DEFAULT_WEEKEND


def day_type_columns(dates: pd.DatetimeIndex, *, scheme: str, country: str | None) -> dict[str, np.ndarray]:
    """Indicator columns (0/1 floats, one value per date) of ``scheme``; ``country`` None means no holidays."""
    if scheme not in SCHEMES:
        raise CalcInputError(f"Unknown day-type scheme {scheme!r}.")
    days = dates.normalize()
    holiday = holidays_among(days, country)
    weekday = days.dayofweek.to_numpy()
    if scheme == "weekday_weekend":
        non_working = np.isin(weekday, sorted(weekend_days(country))) | holiday
        columns = {"non_working": non_working}
    else:
        columns = {name: (weekday == number) & ~holiday for number, name in enumerate(WEEKDAY_NAMES) if number}
        columns["holiday"] = holiday
    return {name: column.astype(float) for name, column in columns.items()}


def fitted_columns(dates: pd.DatetimeIndex, *, scheme: str, country: str | None) -> dict[str, np.ndarray]:
    """``day_type_columns`` without the columns that are 0 on every date (nothing to estimate from)."""
    columns = day_type_columns(dates, scheme=scheme, country=country)
    return {name: column for name, column in columns.items() if column.any()}


def terms(*, scheme: str, country: str | None) -> str:
    """The day-type term in words a facility manager reads, e.g. "weekday/weekend + IN holidays"."""
    return SCHEME_TERMS[scheme] + (f" + {country} public holidays" if country else "")


def holidays_among(dates: pd.DatetimeIndex, country: str | None) -> np.ndarray:
    """True for each date that is a public holiday of ``country`` (all False for None)."""
    days = dates.normalize()
    if country is None or days.empty:
        return np.zeros(len(days), dtype=bool)
    years = range(int(days.year.min()), int(days.year.max()) + 1)
    holiday: np.ndarray = days.isin(list(public_holidays(country, years)))
    return holiday


@lru_cache(maxsize=1)
def _supported_countries() -> frozenset[str]:
    return frozenset(holidays.list_supported_countries())


@lru_cache(maxsize=256)
def _holidays_of_year(country: str, year: int) -> frozenset[pd.Timestamp]:
    # Some calendars (e.g. India's lunar ones) take ~30 ms a year to build, so each is built once.
    calendar: Any = holidays.country_holidays(country, years=year)
    return frozenset(pd.Timestamp(day) for day in calendar)


@lru_cache(maxsize=64)
def _weekend(country: str) -> frozenset[int]:
    calendar: Any = holidays.country_holidays(country, years=())
    return frozenset(int(day) for day in getattr(calendar, "weekend", DEFAULT_WEEKEND))
