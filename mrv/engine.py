"""Monthly MRV: adjusted baseline, actual use, savings, CO2, quality and eligibility for a run of months."""

from dataclasses import dataclass, field

import pandas as pd

from buildings.models import Building
from metering.factors import FactorChoice, factors_for_days
from mrv import calc

from . import inputs
from .models import Baseline, Decision, MonthReview


@dataclass
class MonthResult:
    period: str
    adjusted_baseline_kwh: float | None
    actual_kwh: float | None
    savings_kwh: float | None
    co2_saved_kg: float | None
    emission_factor_kg_per_kwh: float | None
    missing_pct: float
    quality: str
    eligible: bool
    reasons: list[str]
    warnings: list[str] = field(default_factory=list)
    factor: dict | None = None  # the factor's identity, for evidence snapshots

    def as_dict(self) -> dict:
        # dataclasses.asdict deep-copies every value, a noticeable share of a long run's answer time
        return {
            **vars(self),
            "reasons": list(self.reasons),
            "warnings": list(self.warnings),
            "factor": dict(self.factor) if self.factor else None,
        }


@dataclass
class MrvRun:
    building_id: str
    baseline_id: str | None
    months: list[MonthResult]
    totals: dict


def _factor(choice: FactorChoice | None) -> tuple[float | None, dict | None]:
    if choice is None:
        return None, None  # the eligibility rules say so in their reasons
    f = choice.factor
    info = {
        "id": f.pk,
        "region": f.region,
        "dataset": f.dataset,
        "version": f.version,
        "factor_type": f.factor_type,
        "factor_kg_per_kwh": float(f.factor_kg_per_kwh),
        "valid_from": str(f.valid_from),
        "valid_to": str(f.valid_to) if f.valid_to else None,
        "source": f.source,
        "carried_forward": choice.carried_forward,
    }
    return float(f.factor_kg_per_kwh), info


def mrv_run(*, building: Building, first: pd.Period, last: pd.Period, baseline: Baseline | None) -> MrvRun:
    months = inputs.months_between(first, last)
    first_days = [calc.first_day(month) for month in months]
    events = inputs.calc_events(building)
    qualities = inputs.month_qualities(building=building, months=months)
    temperatures = inputs.daily_temperatures(building=building, months=months)
    occupancy = inputs.daily_occupancy(building=building, months=months, events=events)
    approved = set(
        MonthReview.objects.filter(
            building=building,
            decision=Decision.APPROVE,
            month__range=(first_days[0], first_days[-1]),
        ).values_list("month", flat=True)
    )
    adjusted_by_month = (
        calc.adjusted_baselines_kwh(
            model=baseline.model, months=months, daily_temperature_c=temperatures, daily_occupancy=occupancy
        )
        if baseline is not None
        else {}
    )
    factor_choices = factors_for_days(region=building.grid_region, days=first_days)
    results, savings_for_totals = [], []
    for month, first_day in zip(months, first_days, strict=True):
        quality = qualities[month]
        label = quality.label if quality else "REJECTED"
        missing = quality.missing_pct if quality else 100.0
        actual = quality.total_kwh if quality else None
        reasons, warnings = [], []
        adjusted = adjusted_by_month.get(month)
        if isinstance(adjusted, calc.CalcInputError):
            reasons.append(f"The baseline cannot be adjusted for this month: {adjusted}")
            adjusted = None
        factor, factor_info = _factor(factor_choices[first_day])
        saved = None
        if adjusted is not None and actual is not None:
            saved = calc.month_savings(
                period=str(month), adjusted_baseline_kwh=adjusted, actual_kwh=actual, emission_factor_kg_per_kwh=factor
            )
            savings_for_totals.append(saved)
        facts = calc.MonthFacts(
            month=month,
            savings_kwh=saved.savings_kwh if saved else 0.0,
            quality=label,
            missing_pct=missing,
            baseline_valid=bool(baseline and baseline.valid),
            emission_factor_available=factor is not None,
            emission_factor_carried_forward=bool(factor_info and factor_info["carried_forward"]),
            verifier_approved=first_day in approved,
            events=tuple(events),
        )
        eligibility = calc.check_eligibility(facts)
        reasons = _unique(reasons + list(eligibility.reasons))
        if quality is None:
            reasons = _unique(["There are no meter readings for this month.", *reasons])
        if baseline is None:
            reasons = _unique(["The building has no baseline yet.", *reasons])
        results.append(
            MonthResult(
                period=str(month),
                adjusted_baseline_kwh=adjusted,
                actual_kwh=actual,
                savings_kwh=saved.savings_kwh if saved else None,
                co2_saved_kg=saved.co2_saved_kg if saved else None,
                emission_factor_kg_per_kwh=factor,
                missing_pct=round(missing, 3),
                quality=label,
                eligible=eligibility.eligible and not reasons,
                reasons=reasons,
                warnings=warnings + list(eligibility.warnings),
                factor=factor_info,
            )
        )
    uncertainty = calc.model_uncertainty(baseline.model) if baseline else None
    totals = calc.savings_totals(months=savings_for_totals, uncertainty=uncertainty) if savings_for_totals else None
    return MrvRun(
        building_id=str(building.pk),
        baseline_id=str(baseline.pk) if baseline else None,
        months=results,
        totals=_totals(totals),
    )


def _totals(totals) -> dict:
    if totals is None:
        return {
            "savings_kwh": 0.0,
            "co2_saved_kg": 0.0,
            "uncertainty": {
                "fsu": None,
                "confidence": 0.9,
                "co2_credited_kg": 0.0,
                "note": "no month has both a baseline and readings",
            },
        }
    return {
        "savings_kwh": totals.savings_kwh,
        "co2_saved_kg": totals.co2_saved_kg,
        "uncertainty": {
            "fsu": totals.fsu,
            "confidence": 0.9,
            "co2_credited_kg": totals.co2_credited_tons * 1000,
            "note": totals.uncertainty_note,
        },
    }


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
