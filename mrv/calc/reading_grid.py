"""A month's readings summed into the meter's slots, with the weeks around it, and their weekly profile.

Sub-daily meters use a grid in absolute time from local midnight of the 1st, so a month with a clock
change has an hour more or less; meters reading once a day (or every k days) use local calendar days.
Each reading fills the slot its timestamp falls in (timestamps mark the start of an interval).
"""

from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd

CONTEXT_DAYS = 14
DAY = pd.Timedelta(days=1)
_WEEK_SECONDS = 7 * 86_400


@dataclass(frozen=True)
class ReadingGrid:
    """Readings summed into the meter's slots over the month and ``CONTEXT_DAYS`` either side.

    ``kwh`` is NaN where a slot has no reading; ``first``/``last`` delimit the month's slots.
    """

    starts: pd.DatetimeIndex  # each slot's start, aware, in the building's zone
    kwh: np.ndarray
    first: int
    last: int  # exclusive
    interval: pd.Timedelta

    @property
    def month_kwh(self) -> np.ndarray:
        return self.kwh[self.first : self.last]


def day_based(interval: pd.Timedelta) -> bool:
    return interval % DAY == pd.Timedelta(0)


def reading_grid(
    *,
    readings: pd.Series,
    start: pd.Timestamp,
    month_start: pd.Timestamp,
    slots: int,
    interval: pd.Timedelta,
    timezone: str,
) -> ReadingGrid:
    """The grid of ``slots`` slots from ``start`` (sub-daily meters, absolute time) or from the naive local
    ``month_start`` (day-based meters, local calendar days), widened by ``CONTEXT_DAYS`` either side."""
    index = cast(pd.DatetimeIndex, readings.index)
    before = int(np.ceil(pd.Timedelta(days=CONTEXT_DAYS) / interval))
    steps = np.arange(-before, slots + before)
    offsets = pd.to_timedelta(steps * interval.value, unit="ns")
    if day_based(interval):
        origin, stamps = month_start, index.tz_convert(timezone).tz_localize(None)
        starts = localized(origin + offsets, timezone)
    else:
        origin, stamps = start, index
        starts = (start + offsets).tz_convert(timezone)
    position = np.asarray((stamps - origin) // interval, dtype=np.int64) + before
    inside = (position >= 0) & (position < len(steps))
    sums = np.bincount(position[inside], weights=readings.to_numpy(dtype=float)[inside], minlength=len(steps))
    seen = np.bincount(position[inside], minlength=len(steps)) > 0
    return ReadingGrid(
        starts=starts, kwh=np.where(seen, sums, np.nan), first=before, last=before + slots, interval=interval
    )


def time_of_week(starts: pd.DatetimeIndex, interval: pd.Timedelta) -> tuple[np.ndarray, int]:
    """Each slot's bin of the local week: one per interval of the week (one per weekday for daily meters)."""
    if day_based(interval):
        if interval != DAY:
            return np.zeros(len(starts), dtype=np.int64), 1  # a meter read every few days has no weekly shape
        return starts.dayofweek.to_numpy().astype(np.int64), 7
    seconds = (
        starts.dayofweek.to_numpy() * 86_400
        + starts.hour.to_numpy() * 3_600
        + starts.minute.to_numpy() * 60
        + starts.second.to_numpy()
    )
    step = int(interval.total_seconds())
    return (seconds // step).astype(np.int64), -(-_WEEK_SECONDS // step)


def observed_profile(kwh: np.ndarray, week_bin: np.ndarray, bins: int) -> np.ndarray:
    """Mean observed kWh per time-of-week bin; a bin never observed takes the mean of the same time of day
    on days of its kind (Monday–Friday or weekend), else the overall mean."""
    seen = ~np.isnan(kwh)
    values = kwh[seen]
    overall = float(values.mean()) if values.size else 0.0
    per_bin = means_by_group(week_bin[seen], values, bins)
    if not np.isnan(per_bin).any():
        return per_bin
    per_day = max(bins // 7, 1)
    kind = (np.arange(bins) // per_day >= 5).astype(np.int64) * per_day + np.arange(bins) % per_day
    by_kind = means_by_group(kind[week_bin[seen]], values, 2 * per_day)[kind]
    return np.where(np.isnan(per_bin), np.where(np.isnan(by_kind), overall, by_kind), per_bin)


def means_by_group(groups: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    counts = np.bincount(groups, minlength=size)
    sums = np.bincount(groups, weights=values, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        means: np.ndarray = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return means


def localized(naive: pd.DatetimeIndex, timezone: str) -> pd.DatetimeIndex:
    return naive.tz_localize(
        timezone,
        ambiguous=np.ones(len(naive), dtype=bool),
        nonexistent="shift_forward",
    )
