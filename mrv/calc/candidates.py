"""Candidate baseline models for one building's data, and the choice between them.

Families, by what the meter gives:
- daily (a daily meter, or the complete days of an interval meter): ``weather`` (temperature only),
  ``daytype`` (temperature + learned day types with public holidays; the weekday/weekend split and the
  per-weekday intercepts are both fitted and the one with the lower out-of-sample error is kept), and
  ``regression`` (temperature + the declared occupancy schedule and occupancy events).
- monthly (bills, monthly totals): ``historical``, ``weather``, ``regression``, ``occupancy``.
A candidate the data does not allow (no temperatures, occupancy that does not vary, too few days) is
left out, and ``choose_candidate`` is told nothing about it.

Every candidate carries ``oos_cv_rmse``, the leave-one-month-out CV(RMSE) of monthly totals
(``out_of_sample``), so candidates of any granularity compare on one scale.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from mrv.calc import daytypes
from mrv.calc.baselines import (
    BaselineResult,
    MonthlyKwh,
    daytype_baseline,
    historical_baseline,
    occupancy_baseline,
    regression_baseline,
    weather_baseline,
)
from mrv.calc.changepoint import CALTRACK_SETTINGS, ChangePointSettings
from mrv.calc.errors import CalcInputError

TERMS = {
    "historical": ("mean of the baseline months",),
    "weather": ("temperature",),
    "regression": ("temperature", "declared occupancy schedule and events"),
    "occupancy": ("declared occupancy schedule and events",),
}


@dataclass(frozen=True)
class Candidate:
    method: str  # "weather" | "daytype" | "regression" | "towt" | "historical" | "occupancy"
    terms: tuple[str, ...]  # words a facility manager reads, e.g. ("temperature", "weekday/weekend + holidays")
    granularity: str  # the granularity it was fitted at: "daily" | "hourly" | "monthly"
    result: BaselineResult  # fit (R², CV(RMSE), NMBE at its own granularity), JSON model, valid, warnings
    oos_cv_rmse: float | None  # leave-one-month-out CV(RMSE) of MONTHLY totals — the selection criterion

    @property
    def g14_pass(self) -> bool:
        return self.result.valid

    def as_dict(self) -> dict[str, Any]:
        """The API's candidate row: method, terms, granularity, r2, cv_rmse, nmbe, oos_cv_rmse, g14_pass."""
        fit = self.result.fit_dict()
        return {
            "method": self.method,
            "terms": list(self.terms),
            "granularity": self.granularity,
            "r2": fit["r2"],
            "cv_rmse": fit["cv_rmse"],
            "nmbe": fit["nmbe"],
            "oos_cv_rmse": self.oos_cv_rmse,
            "g14_pass": self.g14_pass,
        }


def candidate_of(result: BaselineResult, terms: tuple[str, ...] | None = None) -> Candidate:
    return Candidate(
        method=result.method,
        terms=terms or TERMS[result.method],
        granularity=result.model["granularity"],
        result=result,
        oos_cv_rmse=result.oos_cv_rmse,
    )


def daytype_candidate(
    *, daily_kwh: pd.Series, daily_temperature_c: pd.Series, country: str | None, settings: ChangePointSettings
) -> Candidate:
    """Both day-type schemes fitted; the one with the lower out-of-sample error (ties: the simpler one)."""
    fitted = []
    for scheme in daytypes.SCHEMES:  # simplest first
        result = daytype_baseline(
            daily_kwh=daily_kwh,
            daily_temperature_c=daily_temperature_c,
            scheme=scheme,
            country=country,
            settings=settings,
        )
        day_types = result.model["day_types"]
        terms = ("temperature", daytypes.terms(scheme=scheme, country=day_types["country"]))
        fitted.append(candidate_of(result, terms))
    return min(fitted, key=lambda c: _rank_error(c))


def daily_candidates(
    *,
    daily_kwh: pd.Series,
    daily_temperature_c: pd.Series,
    daily_occupancy: pd.Series | None = None,
    country: str | None = None,
    settings: ChangePointSettings = CALTRACK_SETTINGS,
) -> list[Candidate]:
    """The daily family the data allows, simplest first; raises CalcInputError when not even ``weather`` fits."""
    days, temperatures = daily_kwh, daily_temperature_c
    found = [candidate_of(weather_baseline(daily_kwh=days, daily_temperature_c=temperatures, settings=settings))]
    optional: list[Callable[[], Candidate]] = [
        lambda: daytype_candidate(daily_kwh=days, daily_temperature_c=temperatures, country=country, settings=settings)
    ]
    if daily_occupancy is not None:
        occupancy = daily_occupancy
        optional.append(
            lambda: candidate_of(
                regression_baseline(
                    daily_kwh=days, daily_temperature_c=temperatures, daily_occupancy=occupancy, settings=settings
                )
            )
        )
    return found + _allowed(optional)


def monthly_candidates(
    *,
    monthly_kwh: MonthlyKwh,
    daily_temperature_c: pd.Series | None = None,
    daily_occupancy: pd.Series | None = None,
    settings: ChangePointSettings = CALTRACK_SETTINGS,
) -> list[Candidate]:
    """The billing-period family the data allows, simplest first (``historical`` always)."""
    monthly, temperatures, occupancy = monthly_kwh, daily_temperature_c, daily_occupancy
    found = [candidate_of(historical_baseline(monthly_kwh=monthly))]
    optional: list[Callable[[], Candidate]] = []
    if temperatures is not None:
        optional.append(
            lambda: candidate_of(
                weather_baseline(monthly_kwh=monthly, daily_temperature_c=temperatures, settings=settings)
            )
        )
    if temperatures is not None and occupancy is not None:
        optional.append(
            lambda: candidate_of(
                regression_baseline(
                    monthly_kwh=monthly, daily_temperature_c=temperatures, daily_occupancy=occupancy, settings=settings
                )
            )
        )
    if occupancy is not None:
        optional.append(lambda: candidate_of(occupancy_baseline(monthly_kwh=monthly, daily_occupancy=occupancy)))
    return found + _allowed(optional)


def choose_candidate(candidates: list[Candidate]) -> tuple[Candidate, str]:
    """The candidate to use and a sentence saying why.

    Rule: the lowest ``oos_cv_rmse`` among the candidates that pass ASHRAE Guideline 14 at their own
    granularity. Fallbacks, in order: when none passes, the lowest ``oos_cv_rmse`` of all (and the
    sentence says none passes); a candidate without an out-of-sample error (fewer than two months) ranks
    after every one with it, and among those the lowest in-sample CV(RMSE) wins. Ties go to the candidate
    listed first, the simpler one in every family.
    """
    if not candidates:
        raise CalcInputError("No baseline model could be fitted to the data given.")
    passing = [c for c in candidates if c.g14_pass]
    pool = passing or candidates
    winner = min(pool, key=_rank_error)
    return winner, _because(winner, pool, candidates, any_pass=bool(passing))


def _rank_error(candidate: Candidate) -> tuple[int, float]:
    if candidate.oos_cv_rmse is not None:
        return 0, candidate.oos_cv_rmse
    cv = candidate.result.fit.cv_rmse if candidate.result.fit else None
    return 1, cv if cv is not None else float("inf")


def _because(winner: Candidate, pool: list[Candidate], candidates: list[Candidate], *, any_pass: bool) -> str:
    label = f"{winner.method} ({', '.join(winner.terms)})"
    if len(candidates) == 1:
        return f"{label} was the only model the data allows"
    if winner.oos_cv_rmse is None:
        error = "the lowest CV(RMSE); too few months to measure an out-of-sample error"
    else:
        error = (
            f"the lowest out-of-sample error ({winner.oos_cv_rmse:.1%} CV(RMSE) of monthly totals, "
            "each month predicted from the others)"
        )
        runner_up = sorted((c for c in pool if c is not winner), key=_rank_error)
        if runner_up and runner_up[0].oos_cv_rmse is not None:
            error += f"; next best {runner_up[0].method} at {runner_up[0].oos_cv_rmse:.1%}"
    if any_pass:
        scope = f"of the {len(pool)} of {len(candidates)} candidates that meet ASHRAE Guideline 14"
    else:
        scope = f"of {len(candidates)} candidates, none of which meets ASHRAE Guideline 14"
    return f"{label} has {error}, {scope}"


def _allowed(fits: list[Callable[[], Candidate]]) -> list[Candidate]:
    allowed = []
    for fit in fits:
        try:
            allowed.append(fit())
        except CalcInputError:
            continue  # the data does not allow this candidate (e.g. occupancy that never varies)
    return allowed
