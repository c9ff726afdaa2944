"""What a stored baseline model (``BaselineResult.model``) predicts for a reporting month."""

import pandas as pd

from mrv.calc.changepoint_model import ChangePointModel
from mrv.calc.errors import CalcInputError
from mrv.calc.monthly_inputs import daily_frame
from mrv.calc.uncertainty import BaselineUncertainty


def adjusted_baseline_kwh(
    *,
    model: dict,
    month: pd.Period | str,
    daily_temperature_c: pd.Series | None = None,
    daily_occupancy: pd.Series | None = None,
) -> float:
    """Baseline kWh for a reporting month under that month's conditions (routine adjustments only).

    Days without data are filled with the mean of the month's other days, which must cover at least
    90 % of the month.
    """
    method = model["method"]
    if method in ("historical", "static"):
        return float(model["baseline_monthly_kwh"])
    period = pd.Period(month, freq="M")
    inputs = {"temperature": daily_temperature_c, "occupancy": daily_occupancy}
    if method == "occupancy":
        needed = ["occupancy"]
    else:
        changepoint = ChangePointModel.from_dict(model["changepoint"])
        needed = ["temperature"] + (["occupancy"] if "beta_occupancy" in changepoint.coefficients else [])
    missing = [name for name in needed if inputs[name] is None]
    if missing:
        raise CalcInputError(f"The {method} baseline needs the month's daily {' and '.join(missing)}.")
    frame, _ = daily_frame(pd.PeriodIndex([period]), {name: inputs[name] for name in needed})
    if method == "occupancy":
        daily_usage = model["kwh_per_occupied_day"] * frame["occupancy"].to_numpy()
    else:
        occupancy = frame["occupancy"].to_numpy() if "occupancy" in needed else None
        daily_usage = changepoint.predict(temperature_c=frame["temperature"].to_numpy(), occupancy=occupancy)
    return float(daily_usage.mean() * period.days_in_month)


def model_uncertainty(model: dict) -> BaselineUncertainty | None:
    """The stored savings-uncertainty inputs of a baseline model, or None when it has none."""
    data = model.get("uncertainty")
    return None if data is None else BaselineUncertainty.from_dict(data)
