"""Writes of the MRV engine: baselines (never rewritten) and verifier reviews of flagged months."""

from datetime import date

import pandas as pd
from django.db import transaction

from buildings.models import Building, EventType
from buildings.services import building_data_changed
from carbonexia import events
from carbonexia.audit.services import audit_record
from carbonexia.common.errors import Conflict, Forbidden, Invalid
from mrv import calc

from . import inputs
from .models import Baseline, Decision, Method, MonthReview

BASELINE_MONTHS = 12


def default_baseline_window(building: Building) -> tuple[pd.Period, pd.Period]:
    """The 12 complete months before the first retrofit (API.md)."""
    retrofit = building.events.filter(event_type=EventType.RETROFIT).order_by("start_date").first()
    if retrofit is None:
        raise Invalid(
            "Without a retrofit event there is no default baseline window: record the retrofit, "
            "or give baseline_start and baseline_end.",
            code="no_baseline_window",
        )
    last = pd.Period(retrofit.start_date, freq="M") - 1
    return last - (BASELINE_MONTHS - 1), last


def _from_readings(building: Building, months: list[pd.Period]) -> tuple[dict, pd.Series | None, list[str], dict]:
    qualities = inputs.month_qualities(building=building, months=months)
    monthly, warnings, sources = {}, [], {}
    for month, quality in qualities.items():
        label = quality.label if quality else "no readings"
        sources[str(month)] = {"quality": label, "missing_pct": quality.missing_pct if quality else 100.0}
        if quality is None or quality.label == "REJECTED":
            why = "it has no readings" if quality is None else "over 20 % of its readings are missing"
            warnings.append(f"{month} is left out of the baseline: {why}.")
            continue
        if quality.label == "FLAGGED":
            warnings.append(f"{month} has {quality.missing_pct:.1f} % of readings missing; its gaps were filled.")
        monthly[str(month)] = quality.total_kwh
    if not monthly:
        raise Invalid("There are no usable meter readings in the baseline window.", code="no_baseline_data")
    return monthly, inputs.complete_days(building=building, months=months), warnings, sources


@transaction.atomic
def baseline_calculate(
    *,
    actor,
    building: Building,
    months: list[dict] | None = None,
    method: str | None = None,
    baseline_start: date | None = None,
    baseline_end: date | None = None,
    static_kwh: float | None = None,
) -> Baseline:
    building = Building.objects.select_for_update().get(pk=building.pk)
    if months:
        monthly = {entry["period"]: float(entry["kwh"]) for entry in months}
        if len(monthly) != len(months):
            raise Invalid("A month is given twice.", errors={"months": ["Each period may appear once."]})
        window = sorted(pd.Period(p, freq="M") for p in monthly)
        daily_kwh, warnings, sources = None, [], {"source": "posted"}
    else:
        if (baseline_start is None) != (baseline_end is None):
            raise Invalid(
                "Give both baseline_start and baseline_end, or neither.",
                errors={"baseline_end" if baseline_start else "baseline_start": ["Required with the other."]},
            )
        first, last = (
            (pd.Period(baseline_start, freq="M"), pd.Period(baseline_end, freq="M"))
            if baseline_start
            else default_baseline_window(building)
        )
        if last < first:
            raise Invalid(
                "The baseline window ends before it starts.", errors={"baseline_end": ["Before baseline_start."]}
            )
        window = inputs.months_between(first, last)
        monthly, daily_kwh, warnings, month_sources = _from_readings(building, window)
        sources = {"source": "meter readings", "months": month_sources}
    window = inputs.months_between(window[0], window[-1])
    temperatures = inputs.daily_temperatures(building=building, months=window)
    occupancy = inputs.daily_occupancy(building=building, months=window, events=inputs.calc_events(building))
    # Without weather data the default is the historical mean (issue 4), not an occupancy model.
    if method is None and temperatures is None:
        occupancy = None
    try:
        result = calc.calculate_baseline(
            method=method,
            monthly_kwh=monthly,
            daily_temperature_c=temperatures,
            daily_occupancy=occupancy,
            daily_kwh=daily_kwh if method in (None, Method.WEATHER, Method.REGRESSION) else None,
            static_kwh=static_kwh,
        )
    except calc.CalcInputError as exc:
        raise Invalid(str(exc), code="baseline_not_computable") from None
    baseline = Baseline.objects.create(
        building=building,
        method=result.method,
        method_reason=result.method_reason,
        baseline_monthly_kwh=result.baseline_monthly_kwh,
        period_start=window[0].start_time.date(),
        period_end=window[-1].end_time.date(),
        normalization=result.normalization,
        model=result.model,
        fit=result.fit_dict(),
        valid=result.valid,
        warnings=warnings + list(result.warnings),
        inputs={**sources, "monthly_kwh": monthly},
        created_by=actor,
    )
    building_data_changed(building)
    events.publish(
        event_type="baseline_computed",
        owner=building.owner,
        payload={
            "baseline_id": str(baseline.pk),
            "building_id": str(building.pk),
            "method": baseline.method,
            "baseline_monthly_kwh": baseline.baseline_monthly_kwh,
            "valid": baseline.valid,
            "fit": baseline.fit,
        },
    )
    audit_record(
        actor=actor,
        action="baseline.computed",
        obj=baseline,
        after={
            "building": str(building.pk),
            "method": baseline.method,
            "valid": baseline.valid,
            "baseline_monthly_kwh": baseline.baseline_monthly_kwh,
            "fit": baseline.fit,
        },
    )
    return baseline


@transaction.atomic
def month_review_record(*, reviewer, building: Building, month: pd.Period, decision: str, comment: str) -> MonthReview:
    """A verifier's approval or rejection of a FLAGGED month; never of a building they own."""
    if not reviewer.is_verifier:
        raise Forbidden("Only verifiers review flagged months.")
    if building.owner_id == reviewer.pk:
        raise Forbidden("Verifiers may not review months of a building they own.")
    if decision not in Decision.values:
        raise Invalid("The decision must be approve or reject.", errors={"decision": ["approve or reject"]})
    if not comment.strip():
        raise Invalid("A review needs a comment.", errors={"comment": ["Say why."]})
    quality = inputs.month_qualities(building=building, months=[month])[month]
    if quality is None or quality.label != "FLAGGED":
        raise Invalid(f"{month} is not a flagged month, so there is nothing to review.", code="not_flagged")
    if MonthReview.objects.filter(building=building, month=month.start_time.date()).exists():
        raise Conflict(f"{month} has already been reviewed.", code="already_reviewed")
    review = MonthReview.objects.create(
        building=building, month=month.start_time.date(), decision=decision, comment=comment, reviewer=reviewer
    )
    building_data_changed(building)
    audit_record(
        actor=reviewer,
        action="month.reviewed",
        obj=review,
        after={
            "building": str(building.pk),
            "month": str(month),
            "decision": decision,
            "comment": comment,
            "missing_pct": quality.missing_pct,
        },
    )
    return review
