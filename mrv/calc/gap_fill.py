"""Missing readings of a month filled from the use expected in those slots, scaled to the observed neighbours.

A straight line between the readings either side of a gap runs across nights and weekends: a missing
weekday comes back at night-time level, actual use is understated and savings overstated. Here every
slot of the month's reading grid gets an *expected* kWh from a shape, in order of preference:

- ``ExpectedUse.slot_kwh``: a model that predicts each slot itself (the hourly baseline model);
- ``ExpectedUse.daily_kwh``: a daily model's kWh for each local date, spread over the day's slots by the
  building's observed time-of-week profile (and over the week too when the model has no day types);
- otherwise the observed time-of-week profile of the readings given (the month and the weeks around it).

Each gap (a run of consecutive missing slots) is then filled with expected × ratio, the ratio being the
observed over the expected kWh of the slots present in a window of ``RATIO_WINDOW_DAYS`` either side of
the gap. Missing slots inside the window simply do not count; at the month's edges the window keeps its
width by reaching further into the month; a window with no expected use falls back to the whole month's
ratio. The window stays inside the month so that readings of another month (before a retrofit, say)
never set the level; the weeks around the month only help to shape the profile.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from mrv.calc.errors import CalcInputError
from mrv.calc.reading_grid import DAY, ReadingGrid, day_based, localized, observed_profile, time_of_week

RATIO_WINDOW_DAYS = 7


@dataclass(frozen=True)
class ExpectedUse:
    """What the baseline model expects, to shape the fill; with neither, the observed weekly profile does.

    ``slot_kwh`` maps the slots' start instants to the kWh expected in each slot. ``daily_kwh`` holds the kWh
    expected per local date (naive dates); ``daily_knows_day_types`` says whether those figures already
    differ between working days and others (temperature-only models do not).
    """

    slot_kwh: Callable[[pd.DatetimeIndex], np.ndarray] | None = None
    daily_kwh: pd.Series | None = None
    daily_knows_day_types: bool = True


@dataclass(frozen=True)
class GapSpan:
    """Consecutive missing slots within one local day: [start, end) in the building's zone."""

    start: pd.Timestamp
    end: pd.Timestamp
    slots: int
    filled_kwh: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "slots": self.slots,
            "filled_kwh": self.filled_kwh,
        }


@dataclass(frozen=True)
class FilledMonth:
    """The month's kWh per slot with its gaps filled (index: slot starts in the building's zone); ``shape``
    names what shaped the fill: "hourly model", "daily model" or "weekly profile" ("" with nothing to fill)."""

    series: pd.Series
    total_kwh: float
    filled_kwh: float
    gaps: tuple[GapSpan, ...]
    shape: str


def fill_gaps(grid: ReadingGrid, *, expected: ExpectedUse | None = None) -> FilledMonth:
    """The month of ``grid`` with every missing slot filled (see the module's docstring)."""
    month = grid.month_kwh
    starts = grid.starts[grid.first : grid.last]
    missing = np.isnan(month)
    if not missing.any() or missing.all():
        values = np.nan_to_num(month)
        return FilledMonth(pd.Series(values, index=starts), float(values.sum()), 0.0, (), "")
    shape, expected_kwh = _expected(grid, expected or ExpectedUse())
    ratio = _gap_ratios(month, expected_kwh, missing, grid.interval)
    filled = np.where(missing, expected_kwh * ratio, month)
    filled_kwh = float(filled[missing].sum())
    return FilledMonth(
        series=pd.Series(filled, index=starts),
        total_kwh=float(filled.sum()),
        filled_kwh=filled_kwh,
        gaps=_spans(starts, filled, missing, grid.interval),
        shape=shape,
    )


def _expected(grid: ReadingGrid, expected: ExpectedUse) -> tuple[str, np.ndarray]:
    """The shape's name and the kWh it expects in each of the month's slots (finite, never negative)."""
    starts = grid.starts[grid.first : grid.last]
    week_bin, bins = time_of_week(grid.starts, grid.interval)
    profile = observed_profile(grid.kwh, week_bin, bins)
    observed_shape = profile[week_bin[grid.first : grid.last]]
    if expected.slot_kwh is not None:
        values = np.asarray(expected.slot_kwh(starts), dtype=float)
        if values.shape == starts.shape and np.isfinite(values).all():
            return "hourly model", np.clip(values, 0.0, None)
    if expected.daily_kwh is not None and (grid.interval == DAY or not day_based(grid.interval)):
        values = _spread_days(expected, starts, observed_shape, profile, grid.interval)
        if np.isfinite(values).all():
            return "daily model", np.clip(values, 0.0, None)
    # A model that cannot say (a day without temperature, say) leaves the shape to the readings.
    return "weekly profile", observed_shape


def _spread_days(
    expected: ExpectedUse,
    starts: pd.DatetimeIndex,
    observed_shape: np.ndarray,
    profile: np.ndarray,
    interval: pd.Timedelta,
) -> np.ndarray:
    """Each day's expected kWh shared among its slots as the observed profile shares that day."""
    daily = cast(pd.Series, expected.daily_kwh)
    by_date = pd.Series(daily.to_numpy(dtype=float), index=pd.DatetimeIndex(daily.index).normalize())
    if by_date.index.has_duplicates:
        raise CalcInputError("The expected daily kWh has more than one value for some dates.")
    dates = starts.tz_localize(None).normalize()
    day_kwh = by_date.reindex(dates).to_numpy()
    if not expected.daily_knows_day_types:
        # The model gives an average day: the observed profile says how a Monday or a Sunday differs from it.
        weekday_totals = _weekday_totals(profile, interval)
        if weekday_totals.mean() > 0:
            day_kwh = day_kwh * weekday_totals[starts.dayofweek.to_numpy()] / weekday_totals.mean()
    if day_based(interval):
        return cast(np.ndarray, day_kwh)
    codes, _ = pd.factorize(dates)
    day_total = np.bincount(codes, weights=observed_shape)[codes]
    share = np.divide(observed_shape, day_total, out=np.full(len(starts), np.nan), where=day_total > 0)
    spread: np.ndarray = day_kwh * share
    return spread


def _weekday_totals(profile: np.ndarray, interval: pd.Timedelta) -> np.ndarray:
    """The profile's kWh on each weekday, Monday first."""
    if day_based(interval):
        return profile
    weekday = np.minimum(np.arange(len(profile)) * 7 // len(profile), 6)
    return np.bincount(weekday, weights=profile, minlength=7)


def _gap_ratios(month: np.ndarray, expected: np.ndarray, missing: np.ndarray, interval: pd.Timedelta) -> np.ndarray:
    """Per slot: observed ÷ expected kWh over the present slots of the window around the slot's gap."""
    n = len(month)
    gap_start, gap_end = _runs(missing)
    width = int(np.ceil(pd.Timedelta(days=RATIO_WINDOW_DAYS) / interval))
    low, high = gap_start - width, gap_end + width
    high = np.where(low < 0, high - low, high)  # at the month's first days the window reaches further on
    low = np.where(high > n, low - (high - n), low)  # and at its last days further back
    low, high = np.clip(low, 0, n), np.clip(high, 0, n)
    present = ~missing
    observed = np.concatenate(([0.0], np.cumsum(np.where(present, month, 0.0))))
    shape = np.concatenate(([0.0], np.cumsum(np.where(present, expected, 0.0))))
    window_observed, window_expected = observed[high] - observed[low], shape[high] - shape[low]
    fallback = observed[-1] / shape[-1] if shape[-1] > 0 else 1.0
    ratios = np.divide(
        window_observed, window_expected, out=np.full(len(gap_start), fallback), where=window_expected > 0
    )
    per_slot = np.zeros(n)
    per_slot[missing] = np.repeat(ratios, gap_end - gap_start)
    return per_slot


def _runs(mask: np.ndarray, breaks: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """[start, end) of every run of True in ``mask``; a slot marked in ``breaks`` starts a new run."""
    linked = np.concatenate(([False], mask[:-1] & mask[1:]))  # slot i continues the run of slot i - 1
    if breaks is not None:
        linked &= ~breaks
    begins = mask & ~linked
    ends = mask & ~np.concatenate((linked[1:], [False]))
    return np.flatnonzero(begins), np.flatnonzero(ends) + 1


def _spans(
    starts: pd.DatetimeIndex, filled: np.ndarray, missing: np.ndarray, interval: pd.Timedelta
) -> tuple[GapSpan, ...]:
    """The filled gaps, split at local midnight so a verifier reads them day by day."""
    dates = starts.tz_localize(None).normalize().to_numpy()
    new_day = np.concatenate(([True], dates[1:] != dates[:-1]))
    first, end = _runs(missing, breaks=new_day)
    kwh = np.add.reduceat(np.where(missing, filled, 0.0), first) if len(first) else np.array([])
    ends = _slot_ends(starts, end - 1, interval)
    return tuple(
        GapSpan(start=starts[a], end=stop, slots=int(b - a), filled_kwh=float(k))
        for a, b, stop, k in zip(first, end, ends, kwh, strict=True)
    )


def _slot_ends(starts: pd.DatetimeIndex, last: np.ndarray, interval: pd.Timedelta) -> list[pd.Timestamp]:
    if day_based(interval):
        naive = starts[last].tz_localize(None) + interval
        return list(localized(naive, str(starts.tz)))
    return list(starts[last] + interval)
