"""A non-routine event candidate: a sustained step in the daily residuals (actual − baseline model) of the
reporting period that no recorded event explains.

For each day t the step is the mean residual of the W days from t minus that of the W days before it
(W = 2 × ``shift_min_days``): a model that misfits the season drifts slowly and moves two neighbouring windows
little, a tenant moving out moves them by the whole step. Its statistic is |step| / (σ · sqrt(2/W)) scaled by
sqrt((1 − ρ)/(1 + ρ)), with σ and ρ the standard deviation and lag-1 autocorrelation of the residuals around
their 2W-day moving mean away from the step (positive ρ shrinks the effective number of days). The day with the
largest step is reported when the statistic reaches ``shift_statistic``, the step is at least ``shift_min_share`` of the
mean daily expected use, and it is sustained: the mean of all later residuals differs from the W days before
the step in the same direction by at least half the step (a dip that recovers is not a shift).
"""

import numpy as np
import pandas as pd

from mrv.calc.anomalies import DEFAULT_THRESHOLDS, SEVERE, Anomaly, AnomalyThresholds
from mrv.calc.uncertainty import lag1_autocorrelation


def residual_shift(
    daily_residual_kwh: pd.Series,
    *,
    daily_expected_kwh: pd.Series,
    thresholds: AnomalyThresholds = DEFAULT_THRESHOLDS,
) -> Anomaly | None:
    """The sustained step of the daily residuals, or None; both series are per local date (naive)."""
    residual = daily_residual_kwh.dropna().sort_index()
    window = 2 * thresholds.shift_min_days
    n = len(residual)
    if n < 2 * window:
        return None
    y = residual.to_numpy(dtype=float)
    total = np.concatenate([[0.0], np.cumsum(y)])
    splits = np.arange(window, n - window + 1)
    after = (total[splits + window] - total[splits]) / window
    before = (total[splits] - total[splits - window]) / window
    step = after - before
    best = int(np.argmax(np.abs(step)))
    split = _refined(total, int(splits[best]), window, n)
    best = int(np.clip(split - window, 0, len(step) - 1))
    size = float(step[best])
    # The noise is judged away from the step, which would otherwise pass for slow, correlated noise.
    local = pd.Series(y).rolling(2 * window, center=True, min_periods=window).mean().to_numpy()
    away = np.abs(np.arange(n) - split) > window
    around = (y - local)[away]
    sigma = float(np.std(around))
    rho = max(lag1_autocorrelation(around), 0.0)
    if not sigma > 0 or rho >= 1:
        return None
    statistic = abs(size) / (sigma * np.sqrt(2 / window)) * np.sqrt((1 - rho) / (1 + rho))
    sustained = float(y[split:].mean() - before[best])
    typical = float(daily_expected_kwh.reindex(residual.index).mean())
    if (
        statistic < thresholds.shift_statistic
        or not typical > 0
        or abs(size) < thresholds.shift_min_share * typical
        or sustained * size <= 0
        or abs(sustained) < abs(size) / 2
    ):
        return None
    dates = pd.DatetimeIndex(residual.index)
    return Anomaly(
        kind="shift",
        start=dates[split],
        end=dates[-1] + pd.Timedelta(days=1),
        severity=SEVERE,
        evidence={
            "kwh_per_day": round(size, 1),
            "share_of_expected": round(size / typical, 4),
            "mean_residual_before_kwh": round(float(before[best]), 1),
            "mean_residual_after_kwh": round(float(after[best]), 1),
            "statistic": round(float(statistic), 2),
        },
    )


def _refined(total: np.ndarray, split: int, window: int, n: int) -> int:
    """The day within a window of ``split`` that best cuts the residuals around it into two flat stretches
    (least squares: the largest (t − a)(b − t)/(b − a) · (mean before − mean after)²), so the step is dated to
    the day rather than to wherever noise tilted the windowed difference."""
    a, b = max(split - 2 * window, 0), min(split + 2 * window, n)
    cuts = np.arange(max(split - window, a + 1), min(split + window, b - 1) + 1)
    left = (total[cuts] - total[a]) / (cuts - a)
    right = (total[b] - total[cuts]) / (b - cuts)
    gain = (cuts - a) * (b - cuts) / (b - a) * (left - right) ** 2
    return int(cuts[int(np.argmax(gain))])
