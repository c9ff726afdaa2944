"""The fitted change-point model: coefficients, balance points, fit, prediction and JSON round trip."""

from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
from numpy.typing import ArrayLike

from mrv.calc.degree_days import cooling_degree_days, heating_degree_days
from mrv.calc.errors import CalcInputError

MODEL_TYPES = ("intercept_only", "hdd_only", "cdd_only", "hdd_cdd")


@dataclass(frozen=True, eq=False)
class ChangePointModel:
    """The selected model. ``residuals`` and ``fitted`` are usage per day, one per period, in input order.

    ``dof`` is n − k (regression coefficients only), as used for the coefficient t-tests and adjusted R².
    ``n_parameters`` adds the fitted balance points, the p used for Guideline 14 statistics.
    """

    model_type: str
    granularity: str
    coefficients: dict[str, float]
    heating_balance_point_c: float | None
    cooling_balance_point_c: float | None
    n: int
    dof: int
    r2: float
    adj_r2: float
    residuals: np.ndarray = field(repr=False)
    fitted: np.ndarray = field(repr=False)

    @property
    def n_parameters(self) -> int:
        balance_points = [self.heating_balance_point_c, self.cooling_balance_point_c]
        return len(self.coefficients) + sum(bp is not None for bp in balance_points)

    def predict(self, *, temperature_c: ArrayLike, occupancy: ArrayLike | None = None) -> np.ndarray:
        """Predicted usage for each day with the given daily mean temperature (and occupancy).

        A period's predicted total is the sum over its days, which equals days × the model's usage per
        day at the period's mean degree days, because the model is linear in degree days.
        """
        temps = np.asarray(temperature_c, dtype=float)
        usage = np.full(temps.shape, self.coefficients["intercept"], dtype=float)
        # A model has a balance point exactly when it has that degree-day coefficient.
        if "beta_hdd" in self.coefficients:
            heating_base = cast(float, self.heating_balance_point_c)
            usage += self.coefficients["beta_hdd"] * heating_degree_days(temps, heating_base)
        if "beta_cdd" in self.coefficients:
            cooling_base = cast(float, self.cooling_balance_point_c)
            usage += self.coefficients["beta_cdd"] * cooling_degree_days(temps, cooling_base)
        if "beta_occupancy" in self.coefficients:
            if occupancy is None:
                raise CalcInputError("This model needs daily occupancy to make a prediction.")
            usage += self.coefficients["beta_occupancy"] * np.asarray(occupancy, dtype=float)
        return usage

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict; ``from_dict`` rebuilds an equal model."""
        return {
            "model_type": self.model_type,
            "granularity": self.granularity,
            "coefficients": dict(self.coefficients),
            "heating_balance_point_c": self.heating_balance_point_c,
            "cooling_balance_point_c": self.cooling_balance_point_c,
            "n": self.n,
            "dof": self.dof,
            "r2": self.r2,
            "adj_r2": self.adj_r2,
            "residuals": self.residuals.tolist(),
            "fitted": self.fitted.tolist(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ChangePointModel":
        arrays: dict[str, Any] = {key: np.asarray(data[key], dtype=float) for key in ("residuals", "fitted")}
        scalars = {key: value for key, value in data.items() if key not in arrays}
        return cls(**scalars, **arrays)
