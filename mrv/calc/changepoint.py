"""CalTRACK-style change-point models of usage per day on heating and cooling degree days.

Model (CalTRACK 2.0 §3.3.2, with optional extra regressors added):
    UPD_p = μ + β_H·HDD_p + β_C·CDD_p [+ Σ_j β_j·X_jp] + ε_p
where UPD_p is usage per day in period p and HDD_p, CDD_p, X_jp are the means per day over the
period's days that have a temperature (CalTRACK 3.5.1.3 fills missing days with the average).
Daily data is the special case of one-day periods. The extra regressors are named columns (the declared
occupancy, day-type indicators); each gets the coefficient ``beta_<name>`` and no sign or p-value test,
since they are not what the balance-point search is about.

Candidates: intercept-only, HDD-only, CDD-only and HDD+CDD (heating balance point ≤ cooling balance
point) for every balance point on the grid. All candidates of one type are solved at once as a stack
of weighted least-squares problems (batched QR). Weights are the days in each period (CalTRACK
§3.4.2); daily data has weight 1 (ordinary least squares, §3.4.1). A candidate qualifies when every
degree-day coefficient is > 0 and, by default, has a two-sided t-test p-value < 0.1 (CalTRACK 1.0
and the OpenEEmeter CalTRACK presets). Balance points need at least 10 days with degree days > 0
(daily data only) and 20 °F-days (≈ 11.1 °C-days) in total (CalTRACK §3.2.2.2). The qualified
candidate with the highest adjusted R² wins; ties go to the simpler model.

R² and adjusted R² are the weighted ones statsmodels reports for WLS: R² = 1 − Σw·e² / Σw·(y − ȳ_w)²,
adj R² = 1 − (1 − R²)(n − 1)/(n − k) with k regression coefficients (CalTRACK §3.4.3.3).
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from mrv.calc.changepoint_model import ChangePointModel
from mrv.calc.degree_days import cooling_degree_days, heating_degree_days
from mrv.calc.errors import CalcInputError


@dataclass(frozen=True)
class ChangePointSettings:
    """Balance-point grids (°C) and candidate qualification rules; defaults follow CalTRACK."""

    heating_balance_points_c: tuple[float, ...] = tuple(float(t) for t in range(7, 22))
    cooling_balance_points_c: tuple[float, ...] = tuple(float(t) for t in range(15, 29))
    max_p_value: float | None = 0.1
    min_nonzero_days: int = 10
    min_total_degree_days: float = 20 / 1.8


CALTRACK_SETTINGS = ChangePointSettings()


def fit_daily(
    *,
    usage_kwh: ArrayLike,
    temperature_c: ArrayLike,
    extra: Mapping[str, ArrayLike] | None = None,
    settings: ChangePointSettings = CALTRACK_SETTINGS,
) -> ChangePointModel:
    """Fit daily kWh on daily mean temperature (and named extra daily regressors), ordinary least squares."""
    usage = _finite_1d(usage_kwh, "daily usage")
    temps = _finite_1d(temperature_c, "daily temperatures")
    columns = _extra_columns(extra, len(usage))
    if len(temps) != len(usage):
        raise CalcInputError("Daily usage, temperatures and extra regressors must have one value per day.")
    hdd = heating_degree_days(temps, settings.heating_balance_points_c)
    cdd = cooling_degree_days(temps, settings.cooling_balance_points_c)
    return _select_model(
        y=usage,
        weights=np.ones_like(usage),
        hdd=hdd,
        cdd=cdd,
        extra=columns,
        granularity="daily",
        min_nonzero=settings.min_nonzero_days,
        settings=settings,
    )


def fit_billing_periods(
    *,
    period_kwh: ArrayLike,
    period_days: ArrayLike,
    temperature_c: ArrayLike,
    day_period: ArrayLike,
    extra: Mapping[str, ArrayLike] | None = None,
    settings: ChangePointSettings = CALTRACK_SETTINGS,
) -> ChangePointModel:
    """Fit billing periods (e.g. calendar months) by weighted least squares on usage per day.

    ``period_kwh`` and ``period_days`` hold one value per period. ``temperature_c`` holds the daily mean
    temperature of every day that has one, ``day_period`` the position (0-based) of that day's period,
    and ``extra`` (optional) named daily regressors (e.g. the occupancy fraction) for the same days.
    Every period needs at least one day.
    """
    kwh = _finite_1d(period_kwh, "period usage")
    days = _finite_1d(period_days, "period lengths")
    temps = _finite_1d(temperature_c, "daily temperatures")
    owner = np.asarray(day_period)
    columns = _extra_columns(extra, len(temps))
    if len(days) != len(kwh) or len(owner) != len(temps):
        raise CalcInputError("Each period needs a length, and each day a period.")
    if np.any(days <= 0):
        raise CalcInputError("Every period must last at least one day.")
    if not np.issubdtype(owner.dtype, np.integer) or not np.all((owner >= 0) & (owner < len(kwh))):
        raise CalcInputError("Each day must belong to one of the given periods.")
    day_counts = np.bincount(owner, minlength=len(kwh))
    if np.any(day_counts == 0):
        raise CalcInputError("Every period needs at least one day with a temperature.")
    hdd = _period_means(heating_degree_days(temps, settings.heating_balance_points_c), owner, day_counts)
    cdd = _period_means(cooling_degree_days(temps, settings.cooling_balance_points_c), owner, day_counts)
    extra_means = {
        name: _period_means(values[:, np.newaxis], owner, day_counts)[:, 0] for name, values in columns.items()
    }
    return _select_model(
        y=kwh / days,
        weights=days,
        hdd=hdd,
        cdd=cdd,
        extra=extra_means,
        granularity="billing",
        min_nonzero=0,
        settings=settings,
    )


_COEFFICIENT_NAMES = {
    "intercept_only": ["intercept"],
    "hdd_only": ["intercept", "beta_hdd"],
    "cdd_only": ["intercept", "beta_cdd"],
    "hdd_cdd": ["intercept", "beta_hdd", "beta_cdd"],
}


@dataclass(frozen=True)
class _Candidates:
    model_type: str
    heating: np.ndarray  # (K,) balance point per candidate, NaN when unused
    cooling: np.ndarray
    design: np.ndarray  # (K, n, k): intercept, [hdd], [cdd], extra columns

    @property
    def degree_day_columns(self) -> slice:
        return slice(1, len(_COEFFICIENT_NAMES[self.model_type]))


def _select_model(
    *,
    y: np.ndarray,
    weights: np.ndarray,
    hdd: np.ndarray,
    cdd: np.ndarray,
    extra: dict[str, np.ndarray],
    granularity: str,
    min_nonzero: int,
    settings: ChangePointSettings,
) -> ChangePointModel:
    n = len(y)
    if n < 2 + len(extra):
        raise CalcInputError(f"{n} data points are too few to fit a baseline model.")
    heat_ok = _sufficient(hdd, weights, min_nonzero, settings.min_total_degree_days)
    cool_ok = _sufficient(cdd, weights, min_nonzero, settings.min_total_degree_days)
    groups = _candidate_groups(
        hdd=hdd[:, heat_ok],
        cdd=cdd[:, cool_ok],
        extra=np.column_stack(list(extra.values())) if extra else np.empty((n, 0)),
        heating_grid=np.asarray(settings.heating_balance_points_c, dtype=float)[heat_ok],
        cooling_grid=np.asarray(settings.cooling_balance_points_c, dtype=float)[cool_ok],
    )
    best: tuple[float, _Candidates, int, dict[str, np.ndarray]] | None = None
    for group in groups:
        if group.design.shape[2] >= n:  # no residual degrees of freedom to judge the fit
            continue
        solved = _solve_stack(group.design, y, weights)
        slopes = solved["beta"][:, group.degree_day_columns]
        qualified = solved["full_rank"] & np.all(slopes > 0, axis=1)
        if settings.max_p_value is not None:
            p_values = solved["p_value"][:, group.degree_day_columns]
            qualified &= np.all(p_values < settings.max_p_value, axis=1)
        if not qualified.any():
            continue
        index = int(np.argmax(np.where(qualified, solved["adj_r2"], -np.inf)))
        if best is None or solved["adj_r2"][index] > best[0]:
            best = (float(solved["adj_r2"][index]), group, index, solved)
    if best is None:
        raise CalcInputError(
            f"No baseline model could be fitted: {' and '.join(extra) or 'the data'} does not vary independently."
        )
    _, group, index, solved = best
    names = _COEFFICIENT_NAMES[group.model_type] + [f"beta_{name}" for name in extra]
    heating, cooling = group.heating[index], group.cooling[index]
    return ChangePointModel(
        model_type=group.model_type,
        granularity=granularity,
        coefficients={name: float(value) for name, value in zip(names, solved["beta"][index], strict=True)},
        heating_balance_point_c=None if np.isnan(heating) else float(heating),
        cooling_balance_point_c=None if np.isnan(cooling) else float(cooling),
        n=n,
        dof=n - len(names),
        r2=float(solved["r2"][index]),
        adj_r2=float(solved["adj_r2"][index]),
        residuals=solved["residuals"][index],
        fitted=solved["fitted"][index],
    )


def _candidate_groups(
    *,
    hdd: np.ndarray,
    cdd: np.ndarray,
    extra: np.ndarray,
    heating_grid: np.ndarray,
    cooling_grid: np.ndarray,
) -> list[_Candidates]:
    """Design-matrix stacks per model type; hdd and cdd hold one column per grid balance point, extra (n, j)
    the regressors every candidate shares."""
    n = hdd.shape[0]
    pair_h, pair_c = np.meshgrid(np.arange(heating_grid.size), np.arange(cooling_grid.size), indexing="ij")
    keep = heating_grid[pair_h] <= cooling_grid[pair_c]
    pair_h, pair_c = pair_h[keep], pair_c[keep]

    def stack(columns: list[np.ndarray], k: int) -> np.ndarray:
        # columns are (K, n) arrays; the intercept and extra columns are shared by all K candidates
        shared = [np.broadcast_to(column, (k, n)) for column in extra.T]
        return np.stack([np.ones((k, n)), *columns, *shared], axis=-1)

    def unused(k: int) -> np.ndarray:
        return np.full(k, np.nan)

    groups = [_Candidates("intercept_only", unused(1), unused(1), stack([], 1))]
    if heating_grid.size:
        design = stack([hdd.T], heating_grid.size)
        groups.append(_Candidates("hdd_only", heating_grid, unused(heating_grid.size), design))
    if cooling_grid.size:
        design = stack([cdd.T], cooling_grid.size)
        groups.append(_Candidates("cdd_only", unused(cooling_grid.size), cooling_grid, design))
    if pair_h.size:
        design = stack([hdd[:, pair_h].T, cdd[:, pair_c].T], pair_h.size)
        groups.append(_Candidates("hdd_cdd", heating_grid[pair_h], cooling_grid[pair_c], design))
    return groups


def _solve_stack(design: np.ndarray, y: np.ndarray, weights: np.ndarray) -> dict[str, np.ndarray]:
    """Weighted least squares for a stack of design matrices (K, n, k) sharing y and weights."""
    n, k = design.shape[1], design.shape[2]
    root_w = np.sqrt(weights)
    xw = design * root_w[:, np.newaxis]
    q, r = np.linalg.qr(xw)
    diagonal = np.abs(np.diagonal(r, axis1=1, axis2=2))
    full_rank = np.all(diagonal > 1e-10 * np.linalg.norm(xw, axis=1), axis=1)
    r = np.where(full_rank[:, np.newaxis, np.newaxis], r, np.eye(k))
    beta = np.linalg.solve(r, np.einsum("knj,n->kj", q, y * root_w)[..., np.newaxis])[..., 0]
    fitted = np.einsum("knj,kj->kn", design, beta)
    residuals = y - fitted
    ssr = np.sum(weights * residuals**2, axis=1)
    dof = n - k
    r_inv = np.linalg.inv(r)
    unscaled_variance = np.sum(r_inv**2, axis=2)  # diag(R⁻¹ R⁻ᵀ) = diag((XᵀWX)⁻¹)
    with np.errstate(divide="ignore", invalid="ignore"):
        std_err = np.sqrt(ssr[:, np.newaxis] / dof * unscaled_variance)
        p_value = 2 * stats.t.sf(np.abs(beta / std_err), dof)
    total_ss = np.sum(weights * (y - np.average(y, weights=weights)) ** 2)
    r2 = 1 - ssr / total_ss if total_ss > 0 else np.zeros_like(ssr)
    adj_r2 = 1 - (1 - r2) * (n - 1) / dof
    return {
        "beta": beta,
        "p_value": p_value,
        "fitted": fitted,
        "residuals": residuals,
        "r2": r2,
        "adj_r2": adj_r2,
        "full_rank": full_rank,
    }


def _sufficient(degree_days: np.ndarray, weights: np.ndarray, min_nonzero: int, min_total: float) -> np.ndarray:
    nonzero = np.count_nonzero(degree_days > 0, axis=0)
    total = weights @ degree_days
    sufficient: np.ndarray = (nonzero >= max(min_nonzero, 1)) & (total >= min_total)
    return sufficient


def _period_means(daily_values: np.ndarray, day_period: np.ndarray, day_counts: np.ndarray) -> np.ndarray:
    sums = np.zeros((len(day_counts), daily_values.shape[1]))
    np.add.at(sums, day_period, daily_values)
    means: np.ndarray = sums / day_counts[:, np.newaxis]
    return means


def _extra_columns(extra: Mapping[str, ArrayLike] | None, n: int) -> dict[str, np.ndarray]:
    columns = {name: _finite_1d(values, f"daily {name}") for name, values in (extra or {}).items()}
    if any(len(values) != n for values in columns.values()) or {"hdd", "cdd"} & set(columns):
        raise CalcInputError("Each extra regressor needs one value per day and a name other than hdd or cdd.")
    return columns


def _finite_1d(values: ArrayLike, what: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1 or not np.isfinite(array).all():
        raise CalcInputError(f"The {what} must be a list of finite numbers.")
    return array
