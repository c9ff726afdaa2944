"""Assembling monthly MRV results: adjusted baseline, actual use, savings, CO2, quality and eligibility.

The one-way pipeline: `inputs` gathers what is stored → the baseline's fitted model adjusts it → this
module assembles each month's result and the period totals → `selectors` caches a run, `services`
publishes one computed on purpose. Nothing here writes or publishes.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
from django.utils import timezone

from buildings.models import Building
from metering.factors.selectors import FactorChoice, factors_for_days
from mrv import calc

from . import inputs
from .anomalies import FoundAnomaly, anomalies_by_month, building_anomalies, describe
from .models import Baseline, Decision, MonthReview

CONFIDENCE = 0.9


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
    filled_kwh: float = 0.0  # what filling the month's gaps added to actual_kwh
    gaps: list[dict] = field(default_factory=list)  # the filled spans (GapSpan.to_dict), for the verifier
    fill_shape: str = ""
    anomalies: int = 0  # anomalies in the month's readings, explained or not (mrv.anomalies)
    factor: dict | None = None  # the factor's identity, for evidence snapshots
    # The month's savings as the calculation core computed them; totals and credits sum these.
    savings: calc.MonthSavings | None = field(default=None, repr=False)

    def as_dict(self) -> dict:
        # dataclasses.asdict deep-copies every value, a noticeable share of a long run's answer time
        plain = {
            **vars(self),
            "reasons": list(self.reasons),
            "warnings": list(self.warnings),
            "gaps": [dict(gap) for gap in self.gaps],
        }
        plain["factor"] = dict(self.factor) if self.factor else None
        del plain["savings"]
        return plain


@dataclass
class MrvRun:
    building_id: str
    baseline_id: str | None
    months: list[MonthResult]
    totals: dict
    # What a credit request for these months would hold, block by block; None when no month is eligible.
    creditable: calc.CreditableAllocation | None = None


@dataclass(frozen=True)
class _PeriodInputs:
    """Everything stored that a run over a span of months reads, gathered once."""

    months: list[pd.Period]
    first_days: list[date]
    events: list[calc.ProjectEvent]
    qualities: dict
    adjusted: dict
    factors: dict[date, FactorChoice | None]
    approved: set[date]
    current: pd.Period  # the month still running in the building's zone
    anomalies: dict[pd.Period, list[FoundAnomaly]]  # those that touch each month
    zone: str  # the building's time zone


PeriodInputs = _PeriodInputs  # the name mrv.recompute builds them by


def mrv_run(
    *, building: Building, first: pd.Period, last: pd.Period, baseline: Baseline | None, now: datetime | None = None
) -> MrvRun:
    """Each month of [first, last] assembled; a month still running at `now` (default: the clock) in the building's
    zone is never eligible."""
    gathered = _gather(building=building, first=first, last=last, baseline=baseline, now=now or timezone.now())
    return run_from_inputs(building=building, baseline=baseline, gathered=gathered)


def run_from_inputs(*, building: Building, baseline: Baseline | None, gathered: PeriodInputs) -> MrvRun:
    """The run assembled from its gathered inputs (by `mrv_run`, or for a batch of buildings by mrv.recompute)."""
    months = [
        _assemble_month(month, first_day, gathered=gathered, baseline=baseline)
        for month, first_day in zip(gathered.months, gathered.first_days, strict=True)
    ]
    creditable = period_creditable(months=months, baseline=baseline)
    return MrvRun(
        building_id=str(building.pk),
        baseline_id=str(baseline.pk) if baseline else None,
        months=months,
        totals=totals_dict(period_totals(months=months, baseline=baseline), creditable),
        creditable=creditable,
    )


def period_totals(*, months: list[MonthResult], baseline: Baseline | None) -> calc.SavingsTotals | None:
    """Savings, CO2 and the credited lower bound over the months that have savings; None when none has."""
    savings = [m.savings for m in months if m.savings is not None]
    if not savings:
        return None
    return calc.savings_totals(months=savings, uncertainty=_uncertainty(baseline), confidence=CONFIDENCE)


def period_creditable(*, months: list[MonthResult], baseline: Baseline | None) -> calc.CreditableAllocation | None:
    """The creditable tonnes of a run of months: the one lower bound of its eligible months (the months a credit
    request credits; a request that includes any other is refused), split into one share per vintage year. The
    API's `co2_creditable_tons`, the portal's preview and dashboard, the PDF and each requested block read it."""
    eligible = [m.savings for m in months if m.eligible and m.savings is not None]
    return calc.creditable_allocation(months=eligible, uncertainty=_uncertainty(baseline), confidence=CONFIDENCE)


def creditable_refusal(creditable: calc.CreditableAllocation) -> str | None:
    """Why a request of these months would be refused although each is eligible: a vintage block would hold less
    than one whole credit. None when every vintage earns at least one."""
    short = [share for share in creditable.vintages if share.credits < 1]
    if not short:
        return None
    return " ".join(
        f"The {share.vintage} part of the period credits {share.co2_creditable_tons} t, less than one whole credit."
        for share in short
    )


def _uncertainty(baseline: Baseline | None) -> calc.BaselineUncertainty | None:
    return calc.model_uncertainty(baseline.model) if baseline else None


def creditable_dict(creditable: calc.CreditableAllocation | None) -> dict:
    """The creditable figures as plain JSON, for the API's totals, the portal, the PDF and a block's snapshot."""
    if creditable is None:
        note = "no month of the period can earn credits"
        return {
            "co2_creditable_tons": 0.0,
            "creditable": {
                "credits": 0,
                "fsu": None,
                "confidence": CONFIDENCE,
                "note": note,
                "refusal": None,
                "vintages": [],
            },
        }
    totals = creditable.totals
    return {
        "co2_creditable_tons": float(creditable.co2_creditable_tons),
        "creditable": {
            "credits": creditable.credits,
            "fsu": totals.fsu,
            "confidence": totals.confidence,
            "note": totals.uncertainty_note,
            "refusal": creditable_refusal(creditable),
            "vintages": [
                {
                    "vintage": share.vintage,
                    "months": list(share.months),
                    "co2_saved_tons": share.co2_saved_kg / 1000,
                    "co2_creditable_tons": float(share.co2_creditable_tons),
                    "credits": share.credits,
                }
                for share in creditable.vintages
            ],
        },
    }


def totals_dict(totals: calc.SavingsTotals | None, creditable: calc.CreditableAllocation | None) -> dict:
    return _measured_totals_dict(totals) | creditable_dict(creditable)


def _measured_totals_dict(totals: calc.SavingsTotals | None) -> dict:
    if totals is None:
        return {
            "savings_kwh": 0.0,
            "co2_saved_kg": 0.0,
            "uncertainty": {
                "fsu": None,
                "confidence": CONFIDENCE,
                "co2_credited_kg": 0.0,
                "note": "no month has both a baseline and readings",
            },
        }
    return {
        "savings_kwh": totals.savings_kwh,
        "co2_saved_kg": totals.co2_saved_kg,
        "uncertainty": {
            "fsu": totals.fsu,
            "confidence": totals.confidence,
            "co2_credited_kg": totals.co2_credited_tons * 1000,
            "note": totals.uncertainty_note,
        },
    }


def _gather(
    *, building: Building, first: pd.Period, last: pd.Period, baseline: Baseline | None, now: datetime
) -> _PeriodInputs:
    months = inputs.months_between(first, last)
    first_days = [calc.first_day(month) for month in months]
    events = inputs.calc_events(building)
    adjusted, expected_use = _adjusted(building=building, months=months, baseline=baseline, events=events)
    approved = MonthReview.objects.filter(
        building=building, decision=Decision.APPROVE, month__range=(first_days[0], first_days[-1])
    ).values_list("month", flat=True)
    return _PeriodInputs(
        months=months,
        first_days=first_days,
        events=events,
        qualities=inputs.month_qualities(building=building, months=months, expected_use=expected_use),
        adjusted=adjusted,
        factors=factors_for_days(region=building.grid_region, days=first_days),
        approved=set(approved),
        current=calc.current_month(timezone=building.timezone, now=pd.Timestamp(now)),
        anomalies=anomalies_by_month(
            building_anomalies(building=building, first=first, last=last, baseline=baseline),
            timezone=building.timezone,
        ),
        zone=building.timezone,
    )


def _adjusted(
    *, building: Building, months: list[pd.Period], baseline: Baseline | None, events: list[calc.ProjectEvent]
) -> tuple[dict, Callable[[], calc.ExpectedUse | None] | None]:
    """Each month's adjusted baseline (or why it has none), and a function giving the model's shape for the gap
    fill: needed only where a month has gaps, so computed then, once."""
    if baseline is None:
        return {}, None
    model = baseline.model
    conditions = functools.cache(
        lambda: inputs.model_conditions(building=building, months=months, model=model, events=events)
    )

    def adjust() -> dict:
        return calc.adjusted_baselines_kwh(model=model, months=months, **conditions())

    def expected_use() -> calc.ExpectedUse | None:
        return calc.expected_use(model=model, months=months, **conditions())

    if model.get("granularity") != "hourly":
        return adjust(), expected_use
    # An hourly (towt) model reads the station's hours and the stored baseline, nothing of the building's own data.
    return inputs.station_cached(
        building, f"towt-adjusted:{baseline.pk}:{months[0]}:{months[-1]}", adjust
    ), expected_use


def _assemble_month(
    month: pd.Period, first_day: date, *, gathered: _PeriodInputs, baseline: Baseline | None
) -> MonthResult:
    quality = gathered.qualities[month]
    found = gathered.anomalies.get(month, [])
    open_anomalies = [describe(anomaly, gathered.zone) for anomaly in found if anomaly.open]
    label = quality.label if quality else "REJECTED"
    if open_anomalies and label in ("OK", "INTERPOLATED"):
        label = "FLAGGED"
    missing = quality.missing_pct if quality else 100.0
    actual = quality.total_kwh if quality else None
    reasons = []
    adjusted = gathered.adjusted.get(month)
    if isinstance(adjusted, calc.CalcInputError):
        reasons.append(f"The baseline cannot be adjusted for this month: {adjusted}")
        adjusted = None
    factor, factor_info = _factor(gathered.factors[first_day])
    ended = month < gathered.current
    saved = None
    if adjusted is not None and actual is not None:
        saved = calc.month_savings(
            period=str(month), adjusted_baseline_kwh=adjusted, actual_kwh=actual, emission_factor_kg_per_kwh=factor
        )
    eligibility = calc.check_eligibility(
        calc.MonthFacts(
            month=month,
            savings_kwh=saved.savings_kwh if saved else None,
            quality=label,
            missing_pct=missing,
            baseline_valid=bool(baseline and baseline.valid),
            emission_factor_available=factor is not None,
            ended=ended,
            emission_factor_carried_forward=bool(factor_info and factor_info["carried_forward"]),
            verifier_approved=first_day in gathered.approved,
            events=tuple(gathered.events),
            open_anomalies=tuple(open_anomalies),
            baseline_exists=baseline is not None,
        )
    )
    # A month still running is only that; otherwise the eligibility rules' reasons follow the engine's own.
    reasons = list(eligibility.reasons) if not ended else reasons + list(eligibility.reasons)
    return MonthResult(
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
        warnings=list(eligibility.warnings),
        filled_kwh=quality.filled_kwh if quality else 0.0,
        gaps=[gap.to_dict() for gap in quality.gaps] if quality else [],
        fill_shape=quality.fill_shape if quality else "",
        anomalies=len(found),
        factor=factor_info,
        savings=saved,
    )


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
