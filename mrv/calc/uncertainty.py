"""Fractional savings uncertainty (FSU) of avoided-energy savings and the conservative credited amount.

Formula: CalTRACK 2.0 §4.3.2.4, the ASHRAE Guideline 14-2014 Annex B savings-uncertainty equation
with its constant 1.26 replaced by the Sun & Baltazar (2013, ASHRAE Transactions 119(1)) polynomial
in the reporting length M, which corrects for autocorrelated residuals:

    FSU = t · (a·M² + b·M + d) · CV(RMSE) · sqrt( (n/n') · (1 + 2/n') · (1/Q) ) / F

    n  = baseline data points; n' = n·(1 − ρ)/(1 + ρ), ρ = lag-1 autocorrelation of baseline residuals
    Q  = reporting data points (months for a monthly model, days for a daily one)
    M  = reporting months
    F  = savings / adjusted baseline over the reporting period
    t  = two-sided Student t at the confidence level with n − p degrees of freedom (CalTRACK §4.3.2.4.2)
    a, b, d = −0.00022, 0.03306, 0.94054 for monthly (billing) models,
              −0.00024, 0.03535, 1.00286 for daily models.

For M = 12 monthly the polynomial gives 1.3056 (Guideline 14's constant is 1.26). CV(RMSE) and p
follow ``fit_stats`` (p counts balance points). ρ is the standard sample autocorrelation
Σ(e_t − ē)(e_{t−1} − ē) / Σ(e_t − ē)²; a negative ρ is taken as 0 so that n' never exceeds n.
"""

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from mrv.calc.errors import CalcInputError

SUN_BALTAZAR_COEFFICIENTS: dict[str, tuple[float, float, float]] = {
    "monthly": (-0.00022, 0.03306, 0.94054),
    "daily": (-0.00024, 0.03535, 1.00286),
}


@dataclass(frozen=True)
class BaselineUncertainty:
    """What the FSU needs to know about a fitted baseline; stored with the baseline's model dict."""

    granularity: str
    n: int
    n_parameters: int
    cv_rmse: float
    autocorrelation: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "BaselineUncertainty":
        return cls(**data)


def lag1_autocorrelation(residuals: ArrayLike) -> float:
    """Sample lag-1 autocorrelation of residuals in time order (0.0 when they do not vary)."""
    centred = np.asarray(residuals, dtype=float)
    centred = centred - centred.mean()
    denominator = float(np.sum(centred**2))
    if centred.size < 2 or denominator == 0:
        return 0.0
    return float(np.sum(centred[1:] * centred[:-1]) / denominator)


def fsu(
    *,
    baseline: BaselineUncertainty,
    reporting_baseline_kwh: float,
    savings_kwh: float,
    reporting_months: int,
    reporting_points: int,
    confidence: float = 0.9,
) -> float | None:
    """Fractional savings uncertainty at ``confidence`` (two-sided), or None when it cannot be computed.

    None when savings or the reporting baseline are not positive, the reporting period is empty, the
    baseline leaves no degrees of freedom (n ≤ p), or residuals are perfectly autocorrelated (n' = 0).
    """
    if baseline.granularity not in SUN_BALTAZAR_COEFFICIENTS:
        raise CalcInputError("Savings uncertainty is only defined for monthly or daily models.")
    if not 0 < confidence < 1:
        raise CalcInputError("The confidence level must be between 0 and 1.")
    dof = baseline.n - baseline.n_parameters
    rho = max(baseline.autocorrelation, 0.0)
    if savings_kwh <= 0 or reporting_baseline_kwh <= 0 or reporting_months < 1 or reporting_points < 1:
        return None
    if dof < 1 or rho >= 1:
        return None
    n_effective = baseline.n * (1 - rho) / (1 + rho)
    t_value = stats.t.ppf(1 - (1 - confidence) / 2, dof)
    a, b, d = SUN_BALTAZAR_COEFFICIENTS[baseline.granularity]
    autocorrelation_factor = a * reporting_months**2 + b * reporting_months + d
    savings_fraction = savings_kwh / reporting_baseline_kwh
    spread = math.sqrt((baseline.n / n_effective) * (1 + 2 / n_effective) / reporting_points)
    return float(t_value * autocorrelation_factor * baseline.cv_rmse * spread / savings_fraction)


def savings_lower_bound(savings: float, fractional_uncertainty: float) -> float:
    """The conservative amount to credit: savings · (1 − FSU), never below 0."""
    return max(savings * (1 - fractional_uncertainty), 0.0)
