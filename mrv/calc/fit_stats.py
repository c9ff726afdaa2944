"""Goodness-of-fit statistics for a baseline model and the ASHRAE Guideline 14 acceptance test.

Formulas (ASHRAE Guideline 14-2014, section 4.3.2.4 and Annex B), with residual e_i = y_i − ŷ_i:

    CV(RMSE) = sqrt(Σ e_i² / (n − p)) / ȳ
    NMBE     = Σ e_i / ((n − p) · ȳ)
    R²       = 1 − Σ e_i² / Σ (y_i − ȳ)²

All three are returned as fractions (0.15 means 15 %).

The p convention: Guideline 14 defines p as "the number of parameters or terms in the baseline model".
We count every quantity estimated from the baseline data: the regression coefficients (intercept and
slopes) plus each balance-point temperature found by the grid search, i.e. the ASHRAE 1050-RP
"3P/4P/5P" change-point naming (Kissock, Haberl & Claridge 2003). A constant (mean) model has p = 1.
This is more conservative than CalTRACK 2.0 §4.3.2.2, which divides by n − c with c the slopes only.

Acceptance limits: monthly CV(RMSE) ≤ 15 % and |NMBE| ≤ 5 %; hourly 30 % and 10 % (Guideline 14).
Guideline 14 sets no separate daily limits; daily models are held to the hourly limits.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from mrv.calc.errors import CalcInputError

GUIDELINE_14_LIMITS: dict[str, tuple[float, float]] = {
    "monthly": (0.15, 0.05),
    "daily": (0.30, 0.10),
    "hourly": (0.30, 0.10),
}


@dataclass(frozen=True)
class FitStats:
    """Fit statistics; cv_rmse and nmbe are None when n ≤ p or the mean is 0, r2 when y is constant."""

    n: int
    n_parameters: int
    r2: float | None
    cv_rmse: float | None
    nmbe: float | None

    def to_dict(self) -> dict[str, Any]:
        """The API's ``fit`` object: ``{"r2", "cv_rmse", "nmbe", "n"}``."""
        return {"r2": self.r2, "cv_rmse": self.cv_rmse, "nmbe": self.nmbe, "n": self.n}


def fit_statistics(*, observed: ArrayLike, predicted: ArrayLike, n_parameters: int) -> FitStats:
    """R², CV(RMSE) and NMBE of ``predicted`` against ``observed`` for a model with ``n_parameters``."""
    y = np.asarray(observed, dtype=float)
    y_hat = np.asarray(predicted, dtype=float)
    if y.shape != y_hat.shape or y.ndim != 1:
        raise CalcInputError("Observed and predicted values must be 1-D arrays of the same length.")
    if not (np.isfinite(y).all() and np.isfinite(y_hat).all()):
        raise CalcInputError("Observed and predicted values must be finite numbers.")
    n = y.size
    residuals = y - y_hat
    total_ss = float(np.sum((y - y.mean()) ** 2)) if n else 0.0
    r2 = 1.0 - float(np.sum(residuals**2)) / total_ss if total_ss > 0 else None
    dof = n - n_parameters
    mean = float(y.mean()) if n else 0.0
    if dof <= 0 or mean == 0:
        return FitStats(n=n, n_parameters=n_parameters, r2=r2, cv_rmse=None, nmbe=None)
    cv_rmse = float(np.sqrt(np.sum(residuals**2) / dof) / mean)
    nmbe = float(np.sum(residuals) / (dof * mean))
    return FitStats(n=n, n_parameters=n_parameters, r2=r2, cv_rmse=cv_rmse, nmbe=nmbe)


def guideline_14_failures(stats: FitStats, *, granularity: str) -> list[str]:
    """Plain-language reasons the fit fails Guideline 14 at ``granularity``; empty when it passes."""
    if granularity not in GUIDELINE_14_LIMITS:
        raise CalcInputError(f"Unknown data granularity {granularity!r}.")
    max_cv, max_nmbe = GUIDELINE_14_LIMITS[granularity]
    if stats.cv_rmse is None or stats.nmbe is None:
        return [f"too few data points ({stats.n}) to measure the accuracy of {stats.n_parameters} parameters"]
    failures = []
    if stats.cv_rmse > max_cv:
        failures.append(
            f"CV(RMSE) of {stats.cv_rmse:.1%} is above the {max_cv:.0%} limit "
            f"of ASHRAE Guideline 14 for {granularity} data"
        )
    if abs(stats.nmbe) > max_nmbe:
        failures.append(
            f"NMBE of {stats.nmbe:.1%} is outside the ±{max_nmbe:.0%} limit "
            f"of ASHRAE Guideline 14 for {granularity} data"
        )
    return failures


def passes_guideline_14(stats: FitStats, *, granularity: str) -> bool:
    """True when CV(RMSE) and |NMBE| are within the Guideline 14 limits for ``granularity``."""
    return not guideline_14_failures(stats, granularity=granularity)


def guideline_14_verdict(
    *, fit: dict[str, Any], granularity: str | None, method: str, n_parameters: int | None
) -> dict[str, Any]:
    """The Guideline 14 verdict on a stored baseline fit, in the shape the evidence pages show.

    ``applies`` is False for a static baseline (no fit to judge); ``failures`` (also ``reasons``) are
    plain-language sentences; the limits are those of the fit's granularity.
    """
    if method == "static" or granularity is None or fit.get("cv_rmse") is None and fit.get("n", 0) == 0:
        why = ["a static baseline has no fit statistics"]
        return {
            "applies": False,
            "passes": None,
            "verdict": "Not applicable",
            "failures": why,
            "reasons": why,
            "granularity": granularity,
            "max_cv_rmse": None,
            "max_nmbe": None,
            "limits": None,
        }
    max_cv, max_nmbe = GUIDELINE_14_LIMITS[granularity]
    stats = FitStats(
        n=fit["n"], n_parameters=n_parameters or 1, r2=fit.get("r2"), cv_rmse=fit.get("cv_rmse"), nmbe=fit.get("nmbe")
    )
    failures = guideline_14_failures(stats, granularity=granularity)
    return {
        "applies": True,
        "passes": not failures,
        "verdict": "Meets ASHRAE Guideline 14" if not failures else "Does not meet ASHRAE Guideline 14",
        "failures": failures,
        "reasons": failures,
        "granularity": granularity,
        "max_cv_rmse": max_cv,
        "max_nmbe": max_nmbe,
        "limits": {"granularity": granularity, "cv_rmse": max_cv, "nmbe": max_nmbe},
    }
