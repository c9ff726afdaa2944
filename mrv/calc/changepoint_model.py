"""The fitted change-point model: coefficients, balance points, fit, prediction and JSON round trip."""

from collections.abc import Mapping
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

    @property
    def extra_names(self) -> list[str]:
        """The extra regressors' names (``beta_<name>`` coefficients other than the degree days)."""
        return [name[5:] for name in self.coefficients if name.startswith("beta_") and name[5:] not in ("hdd", "cdd")]

    def design(self, *, temperature_c: ArrayLike, extra: Mapping[str, ArrayLike] | None = None) -> np.ndarray:
        """The (days, coefficients) matrix the model multiplies by its coefficients, columns in their order.

        Fixed balance points make the model linear, so refitting its coefficients on other days
        (``out_of_sample``) is a least-squares problem on this matrix.
        """
        temps = np.asarray(temperature_c, dtype=float)
        given = extra or {}
        columns = []
        for name in self.coefficients:
            if name == "intercept":
                columns.append(np.ones(temps.shape))
            elif name == "beta_hdd":  # a model has a balance point exactly when it has that coefficient
                columns.append(heating_degree_days(temps, cast(float, self.heating_balance_point_c)))
            elif name == "beta_cdd":
                columns.append(cooling_degree_days(temps, cast(float, self.cooling_balance_point_c)))
            elif name[5:] in given:
                columns.append(np.asarray(given[name[5:]], dtype=float))
            else:
                raise CalcInputError(f"This model needs daily {name[5:].replace('_', ' ')} to make a prediction.")
        return np.column_stack(columns)

    def predict(self, *, temperature_c: ArrayLike, extra: Mapping[str, ArrayLike] | None = None) -> np.ndarray:
        """Predicted usage for each day with the given daily mean temperature (and extra regressors).

        A period's predicted total is the sum over its days, which equals days × the model's usage per
        day at the period's mean degree days, because the model is linear in degree days.
        """
        usage: np.ndarray = self.design(temperature_c=temperature_c, extra=extra) @ np.fromiter(
            self.coefficients.values(), dtype=float
        )
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
