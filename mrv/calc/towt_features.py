"""The features of CalTRACK's hourly time-of-week-and-temperature (TOWT) model, vectorised over hours.

CalTRACK 2.0, hourly methods (section numbers of the CalTRACK methods document, docs/methods.rst):

- Time of week (§3.8.2): 168 hourly intervals starting Monday 00:00, on the building's wall clock.
- Occupancy (§3.8.3-3.8.4): a weighted least-squares fit of usage per hour on heating degree-hours
  below 50 °F and cooling degree-hours above 65 °F (with an intercept); a time of week is "occupied"
  when the fit underpredicts (residual > 0) more than 65 % of its hours, else "unoccupied". The states
  mean high and low load, not necessarily people.
- Temperature bins (§3.9): endpoints 30, 45, 55, 65, 75 and 90 °F (here in °C); a bin holding fewer than
  20 hours is merged into its neighbour by dropping its larger endpoint, except the top bin, which drops
  its lower one. Like the reference implementation (eemeter), the outermost bins are checked first and the
  inner ones only once both ends hold enough hours, repeating until every bin does.
- Bin features (§3.9.1.3-3.9.1.5): piecewise-linear pieces of the temperature, one per bin, that add up
  to the temperature itself, so each bin gets its own slope (kWh per °C).
"""

from collections.abc import Sequence

import numpy as np
import pandas as pd

HOURS_PER_WEEK = 168


def fahrenheit_to_celsius(value_f: float) -> float:
    return (value_f - 32.0) / 1.8


BIN_ENDPOINTS_C: tuple[float, ...] = tuple(fahrenheit_to_celsius(f) for f in (30, 45, 55, 65, 75, 90))
# Every 5 °F over the same range: a kink in the response (a balance point) inside one of CalTRACK's 10-15 °F
# bins is bent into a straight line there, which a hotter or colder reporting year then extrapolates.
FINE_BIN_ENDPOINTS_C: tuple[float, ...] = tuple(fahrenheit_to_celsius(f) for f in range(30, 95, 5))
MIN_HOURS_PER_BIN = 20
OCCUPANCY_HEATING_BASE_C = fahrenheit_to_celsius(50)  # 10 °C
OCCUPANCY_COOLING_BASE_C = fahrenheit_to_celsius(65)  # 18.33 °C
OCCUPIED_UNDERPREDICTED_SHARE = 0.65


def time_of_week(index: pd.DatetimeIndex) -> np.ndarray:
    """0 for Monday 00:00-01:00 … 167 for Sunday 23:00-24:00, read on the index's own wall clock.

    Counted on whole hours since 1970-01-01 (a Thursday, day 3 of the week), which is several times faster
    than pandas' dayofweek and hour fields."""
    wall = index.tz_localize(None) if index.tz is not None else index
    hours = wall.as_unit("ns").to_numpy().astype("int64") // 3_600_000_000_000
    return np.asarray(((hours // 24 + 3) % 7) * 24 + hours % 24, dtype=np.intp)


def temperature_bin_features(temperature_c: np.ndarray, endpoints: Sequence[float]) -> np.ndarray:
    """(n, len(endpoints) + 1) pieces of each temperature, one per bin, summing to the temperature.

    The first piece is min(T, B1); piece k is T − B_k clipped to [0, B_{k+1} − B_k]; the last is
    max(T − B_N, 0). With no endpoints the one piece is T itself.
    """
    edges = np.asarray(endpoints, dtype=float)
    lower = np.concatenate(([-np.inf], edges))
    upper = np.concatenate((edges, [np.inf]))
    clipped = np.clip(np.asarray(temperature_c, dtype=float)[:, np.newaxis], lower, upper)
    features: np.ndarray = clipped - np.where(np.isfinite(lower), lower, 0.0)
    return features


def valid_bin_endpoints(
    temperature_c: np.ndarray,
    endpoints: Sequence[float] = BIN_ENDPOINTS_C,
    min_hours: int = MIN_HOURS_PER_BIN,
) -> tuple[float, ...]:
    """The endpoints left once every bin (right-closed) holds at least ``min_hours`` hours."""
    kept = sorted(endpoints)
    temperatures = np.asarray(temperature_c, dtype=float)
    while kept:
        counts = np.bincount(np.searchsorted(kept, temperatures, side="left"), minlength=len(kept) + 1)
        drop = {kept[0]} if counts[0] < min_hours else set()
        if counts[-1] < min_hours:
            drop.add(kept[-1])
        if not drop:
            drop = {kept[i] for i in range(1, len(kept)) if counts[i] < min_hours}
        if not drop:
            break
        kept = [edge for edge in kept if edge not in drop]
    return tuple(kept)


def occupied_times_of_week(
    *, usage_kwh: np.ndarray, temperature_c: np.ndarray, tow: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """168 booleans: the times of week the degree-hour fit underpredicts in more than 65 % of their hours."""
    design = np.column_stack(
        (
            np.ones_like(temperature_c),
            np.maximum(OCCUPANCY_HEATING_BASE_C - temperature_c, 0.0),
            np.maximum(temperature_c - OCCUPANCY_COOLING_BASE_C, 0.0),
        )
    )
    weighted = design * weights[:, np.newaxis]
    coefficients = np.linalg.pinv(weighted.T @ design) @ (weighted.T @ usage_kwh)
    underpredicted = usage_kwh - design @ coefficients > 0
    hours = np.bincount(tow, minlength=HOURS_PER_WEEK)
    share = np.bincount(tow, weights=underpredicted, minlength=HOURS_PER_WEEK) / np.maximum(hours, 1)
    occupied: np.ndarray = share > OCCUPIED_UNDERPREDICTED_SHARE
    return occupied
