"""A baseline computed by method name, or chosen among the candidates the data allows (``candidates``).

Without a method: the daily family when daily kWh and temperatures are given (a daily or interval
meter), joined by the hourly ``towt`` model when hourly kWh and temperatures are given too (an interval
meter of 1 h or less), else the monthly family; ``choose_candidate`` picks by the out-of-sample error.
With a method name that method is fitted (at daily granularity when daily kWh is given and the method has
a daily form; ``towt`` on hours) and returned as the one candidate. "static" is never chosen; it must be
asked for.
"""

import dataclasses

import pandas as pd

from mrv.calc.baselines import (
    BaselineResult,
    MonthlyKwh,
    historical_baseline,
    occupancy_baseline,
    regression_baseline,
    static_baseline,
    weather_baseline,
)
from mrv.calc.candidates import (
    Candidate,
    candidate_of,
    choose_candidate,
    daily_candidates,
    daytype_candidate,
    monthly_candidates,
)
from mrv.calc.changepoint import CALTRACK_SETTINGS, ChangePointSettings
from mrv.calc.errors import CalcInputError
from mrv.calc.towt_baseline import towt_candidate

NEEDS = {
    "weather": ["temperatures"],
    "daytype": ["temperatures", "kWh"],
    "occupancy": ["occupancy"],
    "regression": ["temperatures", "occupancy"],
}


def calculate_baseline(
    *,
    method: str | None = None,
    monthly_kwh: MonthlyKwh | None = None,
    daily_temperature_c: pd.Series | None = None,
    daily_occupancy: pd.Series | None = None,
    daily_kwh: pd.Series | None = None,
    static_kwh: float | None = None,
    country: str | None = None,
    settings: ChangePointSettings = CALTRACK_SETTINGS,
    hourly_kwh: pd.Series | None = None,
    hourly_temperature_c: pd.Series | None = None,
) -> BaselineResult:
    """The baseline by ``method``, or the winner of the candidates (with all of them in ``candidates``).

    ``country`` gives the public holidays of the day-type model (None: weekends only).
    """
    hourly = None if hourly_kwh is None or hourly_temperature_c is None else (hourly_kwh, hourly_temperature_c)
    if method == "static":
        if static_kwh is None:
            raise CalcInputError("A static baseline needs static_kwh.")
        return static_baseline(static_kwh=static_kwh)
    if daily_kwh is not None and daily_kwh.empty:
        daily_kwh = None
    if method is None:
        return _chosen(monthly_kwh, daily_temperature_c, daily_occupancy, daily_kwh, country, settings, hourly)
    if method == "towt":
        if hourly is None:
            raise CalcInputError("The towt method needs hourly kWh from an interval meter and hourly temperatures.")
        candidate = towt_candidate(hourly_kwh=hourly[0], hourly_temperature_c=hourly[1])
        return dataclasses.replace(candidate.result, method_reason="requested", candidates=(candidate,))
    given = {"temperatures": daily_temperature_c, "occupancy": daily_occupancy, "kWh": daily_kwh}
    missing = [name for name in NEEDS.get(method, []) if given[name] is None]
    if missing:
        raise CalcInputError(f"The {method} method needs daily {' and '.join(missing)}.")
    candidate = _requested(method, monthly_kwh, daily_temperature_c, daily_occupancy, daily_kwh, country, settings)
    return dataclasses.replace(candidate.result, method_reason="requested", candidates=(candidate,))


def _chosen(
    monthly_kwh: MonthlyKwh | None,
    temperatures: pd.Series | None,
    occupancy: pd.Series | None,
    daily_kwh: pd.Series | None,
    country: str | None,
    settings: ChangePointSettings,
    hourly: tuple[pd.Series, pd.Series] | None,
) -> BaselineResult:
    notes = []
    candidates: list[Candidate] = []
    if temperatures is None:
        notes.append("no temperature data was given, so no weather model was tried")
    elif daily_kwh is not None:
        try:
            candidates = daily_candidates(
                daily_kwh=daily_kwh,
                daily_temperature_c=temperatures,
                daily_occupancy=occupancy,
                country=country,
                settings=settings,
            )
        except CalcInputError as error:
            notes.append(f"no daily model could be fitted ({error}), so monthly models were tried")
        if candidates and hourly is not None:
            try:
                candidates.append(towt_candidate(hourly_kwh=hourly[0], hourly_temperature_c=hourly[1]))
            except CalcInputError as error:
                notes.append(f"the hourly model could not be fitted ({error})")
    if not candidates:
        if monthly_kwh is None:
            raise CalcInputError("Monthly energy use is needed to compute a baseline.")
        candidates = monthly_candidates(
            monthly_kwh=monthly_kwh, daily_temperature_c=temperatures, daily_occupancy=occupancy, settings=settings
        )
    winner, because = choose_candidate(candidates)
    reason = "; ".join([because, *notes])
    return dataclasses.replace(winner.result, method_reason=reason, candidates=tuple(candidates))


def _requested(
    method: str,
    monthly_kwh: MonthlyKwh | None,
    temperatures: pd.Series | None,
    occupancy: pd.Series | None,
    daily_kwh: pd.Series | None,
    country: str | None,
    settings: ChangePointSettings,
) -> Candidate:
    # NEEDS was checked by the caller, so the inputs a method uses below are present.
    if method == "daytype":
        assert daily_kwh is not None and temperatures is not None
        return daytype_candidate(
            daily_kwh=daily_kwh, daily_temperature_c=temperatures, country=country, settings=settings
        )
    if method == "weather":
        assert temperatures is not None
        return candidate_of(
            weather_baseline(
                monthly_kwh=monthly_kwh, daily_temperature_c=temperatures, daily_kwh=daily_kwh, settings=settings
            )
        )
    if method == "regression":
        assert temperatures is not None and occupancy is not None
        return candidate_of(
            regression_baseline(
                monthly_kwh=monthly_kwh,
                daily_temperature_c=temperatures,
                daily_occupancy=occupancy,
                daily_kwh=daily_kwh,
                settings=settings,
            )
        )
    if method not in ("historical", "occupancy"):
        raise CalcInputError(f"Unknown baseline method {method!r}.")
    if monthly_kwh is None:
        raise CalcInputError("Monthly energy use is needed to compute a baseline.")
    if method == "historical":
        return candidate_of(historical_baseline(monthly_kwh=monthly_kwh))
    assert occupancy is not None
    return candidate_of(occupancy_baseline(monthly_kwh=monthly_kwh, daily_occupancy=occupancy))
