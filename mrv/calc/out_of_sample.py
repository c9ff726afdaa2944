"""The out-of-sample criterion that ranks candidate baselines: leave-one-month-out CV(RMSE) of monthly totals.

For each baseline month m, the candidate's linear coefficients are refitted on the rows (days, or billing
periods) of the other months, with the balance points of the full fit kept (a faster, slightly optimistic
shortcut: the balance-point search is not repeated), and the refitted model predicts m's total:

    CV(RMSE)_oos = sqrt( Σ_m (E_m − Ê_m)² / M ) / Ē

E_m is the observed total of month m, Ê_m its out-of-sample prediction, Ē the mean observed month and M the
number of months. Out of sample, every month's error is a genuine prediction error, so the sum is divided
by M, not by M − p as the in-sample CV(RMSE) of Guideline 14 is. Daily, hourly and monthly models all
report it on monthly totals, so they compare on one scale. Fewer than two months → None (nothing to hold
out against).

Rows carry weights (days per billing period, 1 for a day); a row's total is weight × its usage per day.
A refit whose design loses rank when a month is held out (e.g. the only holidays fall in that month) takes
the minimum-norm solution, so the unidentified coefficient stays 0.
"""

import numpy as np
from numpy.typing import ArrayLike

from mrv.calc.errors import CalcInputError


def cv_rmse_of_monthly_totals(*, observed: ArrayLike, predicted: ArrayLike) -> float | None:
    """sqrt(mean((E_m − Ê_m)²)) / mean(E_m); None without two months or with a zero mean."""
    e = np.asarray(observed, dtype=float)
    e_hat = np.asarray(predicted, dtype=float)
    if e.shape != e_hat.shape or e.ndim != 1:
        raise CalcInputError("Observed and predicted monthly totals must be 1-D arrays of the same length.")
    mean = float(e.mean()) if e.size else 0.0
    if e.size < 2 or mean <= 0:
        return None
    return float(np.sqrt(np.mean((e - e_hat) ** 2)) / mean)


def leave_one_month_out(
    *, design: ArrayLike, usage_per_day: ArrayLike, weights: ArrayLike, month: ArrayLike
) -> float | None:
    """CV(RMSE) of monthly totals when each month is predicted by the model refitted on the others.

    ``design`` (rows, k) is the model's matrix at its fixed balance points, ``usage_per_day`` and
    ``weights`` one value per row, ``month`` each row's month as any label.
    """
    x = np.asarray(design, dtype=float)
    y = np.asarray(usage_per_day, dtype=float)
    w = np.asarray(weights, dtype=float)
    labels, position = np.unique(np.asarray(month), return_inverse=True)
    if x.ndim != 2 or not (len(x) == len(y) == len(w) == len(position)):
        raise CalcInputError("Each row needs its design values, usage, weight and month.")
    if len(labels) < 2:
        return None
    held_out = position[np.newaxis, :] == np.arange(len(labels))[:, np.newaxis]  # (M, rows)
    root_w = np.sqrt(np.where(held_out, 0.0, w))
    # One weighted least-squares problem per held-out month, solved as a stack: β_m = pinv(√W_m X) √W_m y.
    beta = np.linalg.pinv(x[np.newaxis] * root_w[..., np.newaxis]) @ (root_w * y)[..., np.newaxis]
    row_totals = w * np.einsum("rk,mk->mr", x, beta[..., 0])  # every month's model applied to every row
    predicted = np.sum(np.where(held_out, row_totals, 0.0), axis=1)
    observed = np.bincount(position, weights=w * y, minlength=len(labels))
    return cv_rmse_of_monthly_totals(observed=observed, predicted=predicted)
