"""CalTRACK's hourly time-of-week-and-temperature (TOWT) model: fit and prediction.

One model per calendar month ("month-by-month", CalTRACK 2.0 §3.7.5, "three-month weighted" in
eemeter): the model that predicts month m is fitted on the baseline hours of m (weight 1) and of the
calendar months before and after it (weight 0.5). In each, by weighted least squares (§3.10-3.11):

    kWh_h = α[time of week of h] + Σ_k β_occupied,k · Tc_k(T_h)     for an occupied time of week
    kWh_h = α[time of week of h] + Σ_k β_unoccupied,k · Tc_k(T_h)   for an unoccupied one

with 168 time-of-week coefficients α (no intercept), the occupancy split and the bin endpoints learned
from that segment's own hours (``towt_features``). The 168 α are solved in closed form: after the
temperature pieces are centred on their weighted mean per time of week, least squares on that small
matrix gives the slopes, and α is each time of week's weighted mean of kWh − slopes · pieces (the
Frisch-Waugh-Lovell theorem); the result is the full regression's, at the cost of a few columns.

A time of week with no baseline hour in a segment has no α; hours that fall on it cannot be predicted
(NaN), like a calendar month with no segment at all. Missing hours are simply absent from the fit.
"""

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from mrv.calc.errors import CalcInputError
from mrv.calc.towt_features import (
    BIN_ENDPOINTS_C,
    HOURS_PER_WEEK,
    occupied_times_of_week,
    temperature_bin_features,
    time_of_week,
    valid_bin_endpoints,
)

NEIGHBOUR_MONTH_WEIGHT = 0.5


@dataclass(frozen=True)
class TowtSegment:
    """The model that predicts one calendar month (1-12)."""

    month: int
    occupied: tuple[bool, ...]  # per time of week
    time_of_week_kwh: tuple[float | None, ...]  # α per time of week; None where the segment had no hour
    occupied_bin_endpoints_c: tuple[float, ...]
    occupied_slopes: tuple[float, ...]  # kWh per °C, one per occupied bin
    unoccupied_bin_endpoints_c: tuple[float, ...]
    unoccupied_slopes: tuple[float, ...]

    def predict(self, tow: np.ndarray, temperature_c: np.ndarray) -> np.ndarray:
        """kWh per hour; NaN at a time of week the segment never saw."""
        alpha = np.array([np.nan if a is None else a for a in self.time_of_week_kwh])
        occupied = np.asarray(self.occupied)[tow]
        occupied_load = temperature_bin_features(temperature_c, self.occupied_bin_endpoints_c) @ self.occupied_slopes
        unoccupied_load = (
            temperature_bin_features(temperature_c, self.unoccupied_bin_endpoints_c) @ self.unoccupied_slopes
        )
        predicted: np.ndarray = alpha[tow] + np.where(occupied, occupied_load, unoccupied_load)
        return predicted

    def to_dict(self) -> dict[str, Any]:
        return {field.name: _json_value(getattr(self, field.name)) for field in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "TowtSegment":
        return cls(
            month=int(data["month"]),
            occupied=tuple(bool(flag) for flag in data["occupied"]),
            time_of_week_kwh=tuple(None if a is None else float(a) for a in data["time_of_week_kwh"]),
            occupied_bin_endpoints_c=tuple(float(b) for b in data["occupied_bin_endpoints_c"]),
            occupied_slopes=tuple(float(s) for s in data["occupied_slopes"]),
            unoccupied_bin_endpoints_c=tuple(float(b) for b in data["unoccupied_bin_endpoints_c"]),
            unoccupied_slopes=tuple(float(s) for s in data["unoccupied_slopes"]),
        )


@dataclass(frozen=True)
class TowtModel:
    """Segments by calendar month; JSON-able through ``to_dict``/``from_dict``."""

    segments: dict[int, TowtSegment]

    def predict(self, *, hourly_temperature_c: pd.Series) -> pd.Series:
        """kWh per hour on the temperatures' index (local wall clock); NaN where no segment can say."""
        index = _checked_hourly_index(hourly_temperature_c, what="temperatures")
        temperatures = hourly_temperature_c.to_numpy(dtype=float)
        predicted = np.full(len(index), np.nan)
        wall = wall_clock(index)  # a zone-aware index computes its local fields anew for each one asked
        tow, months = time_of_week(wall), np.asarray(wall.month)
        for month, segment in self.segments.items():
            rows = months == month
            predicted[rows] = segment.predict(tow[rows], temperatures[rows])
        return pd.Series(predicted, index=index, name="kwh")

    def to_dict(self) -> dict[str, Any]:
        return {"segments": [segment.to_dict() for segment in self.segments.values()]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "TowtModel":
        segments = [TowtSegment.from_dict(segment) for segment in data["segments"]]
        return cls({segment.month: segment for segment in segments})


@dataclass(frozen=True)
class _SegmentSolution:
    """A fitted segment and what its leverage needs: Σ weights per time of week, the centred pieces of
    the fitted rows and the pseudo-inverse of their weighted cross-product."""

    segment: TowtSegment
    weight_per_tow: np.ndarray
    centred_pieces: np.ndarray
    cross_product_inverse: np.ndarray


def fit_segment(
    *,
    month: int,
    usage_kwh: np.ndarray,
    temperature_c: np.ndarray,
    tow: np.ndarray,
    weights: np.ndarray,
    endpoints: Sequence[float] = BIN_ENDPOINTS_C,
) -> _SegmentSolution:
    """Fit the model for calendar ``month`` on the rows given (weights > 0), with the temperature bins of
    ``endpoints`` that hold enough hours."""
    occupied = occupied_times_of_week(usage_kwh=usage_kwh, temperature_c=temperature_c, tow=tow, weights=weights)
    occupied_rows = occupied[tow]
    occupied_edges = valid_bin_endpoints(temperature_c[occupied_rows], endpoints)
    unoccupied_edges = valid_bin_endpoints(temperature_c[~occupied_rows], endpoints)
    n_occupied = len(occupied_edges) + 1
    pieces = np.zeros((len(usage_kwh), n_occupied + len(unoccupied_edges) + 1))
    pieces[occupied_rows, :n_occupied] = temperature_bin_features(temperature_c[occupied_rows], occupied_edges)
    pieces[~occupied_rows, n_occupied:] = temperature_bin_features(temperature_c[~occupied_rows], unoccupied_edges)

    weight_per_tow = np.bincount(tow, weights=weights, minlength=HOURS_PER_WEEK)
    seen = weight_per_tow > 0
    divisor = np.where(seen, weight_per_tow, 1.0)
    usage_mean = np.bincount(tow, weights=weights * usage_kwh, minlength=HOURS_PER_WEEK) / divisor
    piece_means = (
        np.column_stack([np.bincount(tow, weights=weights * column, minlength=HOURS_PER_WEEK) for column in pieces.T])
        / divisor[:, np.newaxis]
    )
    centred = pieces - piece_means[tow]
    weighted = centred * weights[:, np.newaxis]
    cross_product_inverse = np.linalg.pinv(weighted.T @ centred)
    slopes = cross_product_inverse @ (weighted.T @ (usage_kwh - usage_mean[tow]))
    alpha = usage_mean - piece_means @ slopes
    segment = TowtSegment(
        month=month,
        occupied=tuple(bool(flag) for flag in occupied),
        time_of_week_kwh=tuple(float(a) if known else None for a, known in zip(alpha, seen, strict=True)),
        occupied_bin_endpoints_c=occupied_edges,
        occupied_slopes=tuple(float(s) for s in slopes[:n_occupied]),
        unoccupied_bin_endpoints_c=unoccupied_edges,
        unoccupied_slopes=tuple(float(s) for s in slopes[n_occupied:]),
    )
    return _SegmentSolution(segment, weight_per_tow, centred, cross_product_inverse)


@dataclass(frozen=True)
class TowtFit:
    """The model, each baseline hour's fitted kWh (from its own month's segment) and what the
    effective number of parameters needs."""

    model: TowtModel
    fitted_kwh: np.ndarray
    tow: np.ndarray
    solutions: dict[int, tuple[_SegmentSolution, np.ndarray, np.ndarray]]  # month → (solution, own rows
    # as positions among the segment's rows, the same rows as positions among all hours)

    def effective_parameters(self, groups: np.ndarray) -> float:
        """Degrees of freedom the fit spends on totals over groups of baseline hours (−1: left out).

        Each fitted hour is a linear function of the observed ones, ŷ = H·y (H from its own month's
        weighted regression). For a total over a group g of n_g hours, the generalized degrees of
        freedom (Ye 1998) with a change spread evenly over the group are Σ_g (1/n_g)·Σ_{i,j∈g} H_ij;
        with single hours as groups this is trace(H), the usual count for a linear smoother. H splits
        into the time-of-week part [tow_i = tow_j]/W_tow and the slopes' part f̃_iᵀ M⁺ f̃_j (own-month
        rows carry weight 1), so both sums come from per-group counts and per-group sums of f̃.
        """
        sizes = np.bincount(groups[groups >= 0])
        total = 0.0
        for solution, positions, rows in self.solutions.values():
            group = groups[rows]
            kept = group >= 0
            group, tow = group[kept], self.tow[rows][kept]
            if not group.size:
                continue
            keys, counts = np.unique(group * HOURS_PER_WEEK + tow, return_counts=True)
            same_tow = counts**2 / solution.weight_per_tow[keys % HOURS_PER_WEEK] / sizes[keys // HOURS_PER_WEEK]
            first, inverse = np.unique(group, return_inverse=True)
            pieces = solution.centred_pieces[positions][kept]
            sums = np.column_stack([np.bincount(inverse, weights=column) for column in pieces.T])
            slopes_part = np.einsum("gi,ij,gj->g", sums, solution.cross_product_inverse, sums) / sizes[first]
            total += float(same_tow.sum() + slopes_part.sum())
        return total


def fit_towt(
    *,
    usage_kwh: np.ndarray,
    temperature_c: np.ndarray,
    index: pd.DatetimeIndex,
    endpoints: Sequence[float] = BIN_ENDPOINTS_C,
) -> TowtFit:
    """Fit a segment for every calendar month with baseline hours in its three-month window."""
    tow, months = time_of_week(index), np.asarray(index.month)
    fitted = np.full(len(index), np.nan)
    solutions = {}
    for month in range(1, 13):
        weights = segment_weights(months, month)
        rows = np.flatnonzero(weights > 0)
        if not rows.size:
            continue
        solution = fit_segment(
            month=month,
            usage_kwh=usage_kwh[rows],
            temperature_c=temperature_c[rows],
            tow=tow[rows],
            weights=weights[rows],
            endpoints=endpoints,
        )
        positions = np.flatnonzero(months[rows] == month)
        own = rows[positions]
        fitted[own] = solution.segment.predict(tow[own], temperature_c[own])
        solutions[month] = (solution, positions, own)
    model = TowtModel({month: solution.segment for month, (solution, _, _) in solutions.items()})
    return TowtFit(model=model, fitted_kwh=fitted, tow=tow, solutions=solutions)


def segment_weights(months: np.ndarray, month: int) -> np.ndarray:
    """Weight of each hour (by its calendar month 1-12) in the segment of ``month``: 1, 0.5 or 0."""
    before, after = (month - 2) % 12 + 1, month % 12 + 1
    weights: np.ndarray = np.where(months == month, 1.0, 0.0)
    return np.where((months == before) | (months == after), NEIGHBOUR_MONTH_WEIGHT, weights)


def _json_value(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _checked_hourly_index(series: pd.Series, *, what: str) -> pd.DatetimeIndex:
    index = series.index
    if not isinstance(index, pd.DatetimeIndex):
        raise CalcInputError(f"The hourly {what} need timestamps.")
    if index.has_duplicates:
        raise CalcInputError(f"The hourly {what} have more than one value for some hours.")
    wall = wall_clock(index)
    if len(index) and (wall != wall.floor("h")).any():
        raise CalcInputError(f"The hourly {what} must be stamped on the hour of the building's local time.")
    return index


def wall_clock(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """The index's local wall-clock times, naive."""
    return index.tz_localize(None) if index.tz is not None else index
