"""A fitted baseline (``BaselineResult``) and the assessment every fitted method shares: fit statistics,
the Guideline 14 verdict, the savings-uncertainty inputs and the JSON model."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mrv.calc.adjusted_baseline import adjusted_baseline_kwh, model_uncertainty
from mrv.calc.changepoint_model import ChangePointModel
from mrv.calc.fit_stats import FitStats, fit_statistics, guideline_14_failures
from mrv.calc.uncertainty import BaselineUncertainty, lag1_autocorrelation

if TYPE_CHECKING:
    from mrv.calc.candidates import Candidate


@dataclass(frozen=True)
class BaselineResult:
    """A baseline. ``model`` is JSON-able and holds everything later calculations need.

    ``candidates`` lists every model fitted when the method was chosen (the winner among them) and
    ``method_reason`` says why it won; a method asked for by name is its own single candidate.
    """

    method: str
    baseline_monthly_kwh: float
    model: dict[str, Any]
    fit: FitStats | None
    valid: bool
    warnings: list[str] = field(default_factory=list)
    method_reason: str = "requested"
    oos_cv_rmse: float | None = None
    candidates: "tuple[Candidate, ...]" = ()

    @property
    def normalization(self) -> dict[str, bool]:
        return {
            "weather": self.method in ("weather", "daytype", "regression", "towt"),
            "occupancy": self.method in ("occupancy", "regression"),
        }

    @property
    def uncertainty(self) -> BaselineUncertainty | None:
        return model_uncertainty(self.model)

    def fit_dict(self) -> dict[str, Any]:
        """The API's ``fit`` object; all None (n = 0) for a static baseline."""
        return self.fit.to_dict() if self.fit else {"r2": None, "cv_rmse": None, "nmbe": None, "n": 0}

    def adjusted_baseline_kwh(
        self,
        *,
        month: pd.Period | str,
        daily_temperature_c: pd.Series | None = None,
        daily_occupancy: pd.Series | None = None,
    ) -> float:
        return adjusted_baseline_kwh(
            model=self.model,
            month=month,
            daily_temperature_c=daily_temperature_c,
            daily_occupancy=daily_occupancy,
        )


def flat_warning(changepoint: ChangePointModel) -> list[str]:
    if changepoint.model_type == "intercept_only":
        return ["no clear link between weather and energy use was found: the model is flat"]
    return []


def assessed(
    *,
    method: str,
    baseline_monthly_kwh: float,
    observed: np.ndarray,
    predicted: np.ndarray,
    n_parameters: int,
    granularity: str,
    model: dict[str, Any],
    warnings: list[str],
    oos_cv_rmse: float | None,
) -> BaselineResult:
    fit = fit_statistics(observed=observed, predicted=predicted, n_parameters=n_parameters)
    failures = guideline_14_failures(fit, granularity=granularity)
    uncertainty = None
    if fit.cv_rmse is not None:
        uncertainty = BaselineUncertainty(
            granularity=granularity,
            n=fit.n,
            n_parameters=n_parameters,
            cv_rmse=fit.cv_rmse,
            autocorrelation=lag1_autocorrelation(observed - predicted),
        )
    full_model = {
        **model,
        "method": method,
        "baseline_monthly_kwh": baseline_monthly_kwh,
        "granularity": granularity,
        "uncertainty": None if uncertainty is None else uncertainty.to_dict(),
    }
    return BaselineResult(
        method=method,
        baseline_monthly_kwh=baseline_monthly_kwh,
        model=full_model,
        fit=fit,
        valid=not failures,
        warnings=warnings + [f"not valid: {failure}" for failure in failures],
        oos_cv_rmse=oos_cv_rmse,
    )
