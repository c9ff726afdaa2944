"""Bounds from physics and the calendar that every meter reading and temperature keeps.

- Time: no value may be dated later than `latest`, the caller's "now" plus a little clock skew.
- Power: a reading's kWh over its interval is the average power the building drew; it may not exceed the
  building's floor area times its ceiling in W per sq ft. A reading's interval runs to the next reading
  (the stored convention: kWh used in the interval that starts at the timestamp); the last one of a batch
  takes the spacing from the one before it, and a reading alone takes the building's known interval, else
  a day when it is dated by a day alone, else 15 minutes, the usual metering interval: for an hourly or
  daily meter the guess errs towards more power, never towards letting a value through. No interval is
  taken as longer than LONGEST_INTERVAL, so sparse readings cannot hide a month's worth of energy behind
  a gap of years.
- Size: no reading above MAX_READING_KWH, whatever its interval: the bound of the stored column, far above
  any real meter (a gigawatt site over a month is 0.74 TWh), so sums of readings stay finite and exact.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .errors import RowErrors, quoted

MAX_READING_KWH = 1e9
LONGEST_INTERVAL = pd.Timedelta(days=31)
DAY = pd.Timedelta(days=1)
QUARTER_HOUR = pd.Timedelta(minutes=15)
_HOUR_NS = pd.Timedelta(hours=1).value


@dataclass(frozen=True)
class PowerCeiling:
    """The most power one building can draw, and its meter's known interval."""

    area_sqft: float
    max_w_per_sqft: float
    interval: pd.Timedelta | None  # the building's stored reading interval; None when it has too few readings
    # Or how to look it up, asked only for a reading that stands alone: most batches never need the query.
    find_interval: Callable[[], pd.Timedelta | None] | None = None

    def known_interval(self) -> pd.Timedelta | None:
        return self.find_interval() if self.find_interval is not None else self.interval

    @property
    def max_kw(self) -> float:
        return self.area_sqft * self.max_w_per_sqft / 1000


def flag_future(
    ts: pd.Series, *, latest: pd.Timestamp, tz: str, raw: ArrayLike, column: str | np.ndarray, errors: RowErrors
) -> pd.Series:
    """Report instants later than `latest` and blank them."""
    future = (ts > latest).to_numpy()
    shown = latest.tz_convert(tz).strftime("%Y-%m-%d %H:%M")
    errors.add(
        future,
        column=column,
        message=lambda value: f"{quoted(value)} is in the future: nothing later than {shown} ({tz}) is accepted now.",
        value=raw,
    )
    return ts.where(~future)


def interval_hours(instants: np.ndarray, *, lone: pd.Timedelta) -> np.ndarray:
    """The interval of each reading in hours, for sorted, distinct instants (datetime64[ns])."""
    ns = instants.astype("datetime64[ns]").astype(np.int64)
    if len(ns) == 1:
        spans = np.array([lone.value], dtype=np.int64)
    else:
        following = np.diff(ns)
        spans = np.append(following, following[-1])
    hours: np.ndarray = np.minimum(spans, LONGEST_INTERVAL.value) / _HOUR_NS
    return hours


def flag_over_power(
    ts: pd.Series,
    kwh: pd.Series,
    *,
    date_only: np.ndarray,
    ceiling: PowerCeiling,
    raw: ArrayLike,
    column: str,
    errors: RowErrors,
    hours: np.ndarray | None = None,
) -> None:
    """Report readings whose kWh over their interval is more power than the building can draw. `hours` are the
    readings' own intervals where the source states them (Green Button does); else each runs to the next reading."""
    usable = ts.notna().to_numpy() & kwh.notna().to_numpy() & ~ts.duplicated().to_numpy()
    positions = np.flatnonzero(usable)
    if not len(positions):
        return
    if hours is None:
        instants = ts.to_numpy(dtype="datetime64[ns]")
        order = positions[np.argsort(instants[positions], kind="stable")]
        # Only a reading alone takes the building's interval, so only then is it looked up.
        lone = pd.Timedelta(0)  # unused: each reading runs to the next
        if len(order) == 1:
            lone = ceiling.known_interval() or (DAY if date_only[order[0]] else QUARTER_HOUR)
        hours = np.full(len(ts), np.nan)
        hours[order] = interval_hours(instants[order], lone=lone)
    kw = kwh.to_numpy(dtype=float) / hours
    at_most = f"{ceiling.max_kw:,.0f} kW ({ceiling.max_w_per_sqft:g} W per sq ft × {ceiling.area_sqft:,.0f} sq ft)"
    errors.add(
        kw > ceiling.max_kw,
        column=column,
        message=lambda value, kw, hours: (
            f"{quoted(value)} kWh in {_duration(hours)} is an average of {kw:,.0f} kW, more than this building "
            f"can draw: at most {at_most}."
        ),
        value=raw,
        kw=kw,
        hours=hours,
    )


def _duration(hours: float) -> str:
    if hours < 1:
        return _count(round(hours * 60), "minute")
    if hours < 24:
        return _count(hours, "hour")
    return _count(hours / 24, "day")


def _count(amount: float, unit: str) -> str:
    return f"{amount:g} {unit}{'' if amount == 1 else 's'}"
