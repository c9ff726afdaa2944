"""Monthly savings and CO2, period totals, and the conservative tonnes to credit.

    savings_kwh  = adjusted baseline − actual + non-routine adjustment      (IPMVP Option C)
    co2_saved_kg = savings_kwh × emission factor (kg CO2e per kWh)
    credited     = total CO2 × (1 − FSU), never below 0: the lower bound of the savings at the given
                   two-sided confidence (90 % by default), FSU from ``uncertainty.fsu`` on the totals.

A positive non-routine adjustment adds to savings (e.g. load added after the retrofit that the baseline
does not know about). The same FSU fraction is applied to CO2 as to kWh because CO2 is kWh times the
month's factor. When no FSU can be computed the credited amount is the central estimate (not below 0)
and ``uncertainty_note`` says why.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from mrv.calc.errors import CalcInputError
from mrv.calc.uncertainty import BaselineUncertainty, fsu, savings_lower_bound


@dataclass(frozen=True)
class MonthSavings:
    period: str
    adjusted_baseline_kwh: float
    actual_kwh: float
    non_routine_adjustment_kwh: float
    savings_kwh: float
    emission_factor_kg_per_kwh: float | None
    co2_saved_kg: float | None


@dataclass(frozen=True)
class SavingsTotals:
    adjusted_baseline_kwh: float
    actual_kwh: float
    savings_kwh: float
    co2_saved_kg: float
    co2_saved_tons: float
    fsu: float | None
    confidence: float
    co2_credited_tons: float
    uncertainty_note: str


def month_savings(
    *,
    period: pd.Period | str,
    adjusted_baseline_kwh: float,
    actual_kwh: float,
    emission_factor_kg_per_kwh: float | None,
    non_routine_adjustment_kwh: float = 0.0,
) -> MonthSavings:
    """One month's savings; ``co2_saved_kg`` is None when there is no emission factor."""
    if emission_factor_kg_per_kwh is not None and emission_factor_kg_per_kwh < 0:
        raise CalcInputError("An emission factor cannot be negative.")
    savings = float(adjusted_baseline_kwh - actual_kwh + non_routine_adjustment_kwh)
    co2 = None if emission_factor_kg_per_kwh is None else savings * emission_factor_kg_per_kwh
    return MonthSavings(
        period=str(pd.Period(period, freq="M")),
        adjusted_baseline_kwh=float(adjusted_baseline_kwh),
        actual_kwh=float(actual_kwh),
        non_routine_adjustment_kwh=float(non_routine_adjustment_kwh),
        savings_kwh=savings,
        emission_factor_kg_per_kwh=emission_factor_kg_per_kwh,
        co2_saved_kg=co2,
    )


def savings_totals(
    *,
    months: Sequence[MonthSavings],
    uncertainty: BaselineUncertainty | None,
    confidence: float = 0.9,
) -> SavingsTotals:
    """Totals over ``months`` (months without a factor add no CO2) and the credited tonnes.

    ``uncertainty`` comes from the baseline (``BaselineResult.uncertainty``); None for a static one.
    """
    baseline = sum(month.adjusted_baseline_kwh for month in months)
    savings = sum(month.savings_kwh for month in months)
    co2_kg = sum(month.co2_saved_kg for month in months if month.co2_saved_kg is not None)
    fraction = None
    if uncertainty is None:
        note = "no savings uncertainty: the baseline has no fit statistics; credited = central estimate"
    else:
        days = sum(pd.Period(month.period, freq="M").days_in_month for month in months)
        fraction = fsu(
            baseline=uncertainty,
            reporting_baseline_kwh=baseline,
            savings_kwh=savings,
            reporting_months=len(months),
            reporting_points=len(months) if uncertainty.granularity == "monthly" else days,
            confidence=confidence,
        )
        note = (
            f"credited = lower bound at {confidence:.0%} confidence; savings uncertainty {fraction:.1%}"
            if fraction is not None
            else "no savings uncertainty: savings are not positive or the baseline has too few points; "
            "credited = central estimate"
        )
    credited_kg = max(co2_kg, 0.0) if fraction is None else savings_lower_bound(co2_kg, fraction)
    return SavingsTotals(
        adjusted_baseline_kwh=float(baseline),
        actual_kwh=float(sum(month.actual_kwh for month in months)),
        savings_kwh=float(savings),
        co2_saved_kg=float(co2_kg),
        co2_saved_tons=float(co2_kg) / 1000,
        fsu=fraction,
        confidence=confidence,
        co2_credited_tons=credited_kg / 1000,
        uncertainty_note=note,
    )
