"""Writes of the MRV engine: baselines (never rewritten) and verifier reviews of flagged months."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
from django.core.cache import cache
from django.db import transaction

from accounts.models import User
from buildings.models import Building, EventType
from buildings.services import building_data_changed
from carbonexia import events
from carbonexia.audit.services import audit_record
from carbonexia.common.errors import Conflict, Forbidden, Invalid
from mrv import calc

from . import inputs
from .cache_keys import MRV_CACHE_SECONDS, mrv_cache_key
from .engine import MrvRun, mrv_run
from .models import Baseline, Decision, Method, MonthReview
from .selectors import current_baseline

BASELINE_MONTHS = 12


def default_baseline_window(building: Building) -> tuple[date, date]:
    """The 12 complete months before the first retrofit (API.md), as their first and last day."""
    retrofit = building.events.filter(event_type=EventType.RETROFIT).order_by("start_date").first()
    if retrofit is None:
        raise Invalid(
            "Without a retrofit event there is no default baseline window: record the retrofit, "
            "or give baseline_start and baseline_end.",
            code="no_baseline_window",
        )
    last = pd.Period(retrofit.start_date, freq="M") - 1
    return calc.first_day(last - (BASELINE_MONTHS - 1)), calc.last_day(last)


def _from_readings(
    building: Building, first: date, last: date
) -> tuple[dict[str, float], pd.Series | None, list[str], dict[str, Any]]:
    months = inputs.months_between(pd.Period(first, freq="M"), pd.Period(last, freq="M"))
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
    return monthly, inputs.complete_days(building=building, first=first, last=last), warnings, sources


@dataclass(frozen=True)
class _BaselineInputs:
    first: date  # the exact baseline days, both included
    last: date
    monthly: dict[str, float]
    daily_kwh: pd.Series | None
    warnings: list[str]
    sources: dict[str, Any]
    hourly_kwh: pd.Series | None = None  # complete local hours of an interval meter read at least hourly

    @property
    def window(self) -> list[pd.Period]:
        return inputs.months_between(pd.Period(self.first, freq="M"), pd.Period(self.last, freq="M"))


def _posted_inputs(months: list[dict[str, Any]]) -> _BaselineInputs:
    monthly = {entry["period"]: float(entry["kwh"]) for entry in months}
    if len(monthly) != len(months):
        raise Invalid("A month is given twice.", errors={"months": ["Each period may appear once."]})
    posted = sorted(pd.Period(p, freq="M") for p in monthly)
    return _BaselineInputs(
        first=calc.first_day(posted[0]),
        last=calc.last_day(posted[-1]),
        monthly=monthly,
        daily_kwh=None,
        warnings=[],
        sources={"source": "posted"},
    )


def _stored_inputs(
    building: Building, baseline_start: date | None, baseline_end: date | None, *, hourly: bool
) -> _BaselineInputs:
    """The months, complete days and (when ``hourly``, for the towt model) complete hours of the window."""
    if (baseline_start is None) != (baseline_end is None):
        raise Invalid(
            "Give both baseline_start and baseline_end, or neither.",
            errors={"baseline_end" if baseline_start else "baseline_start": ["Required with the other."]},
        )
    first, last = (
        (baseline_start, baseline_end) if baseline_start and baseline_end else default_baseline_window(building)
    )
    if last < first:
        raise Invalid("The baseline window ends before it starts.", errors={"baseline_end": ["Before baseline_start."]})
    monthly, daily_kwh, warnings, month_sources = _from_readings(building, first, last)
    windowed = _windowed(monthly, first, last)
    warnings += [
        f"{month} is left out of the baseline: the window holds under half its days." for month in windowed.dropped
    ]
    return _BaselineInputs(
        first=first,
        last=last,
        monthly=windowed,
        daily_kwh=daily_kwh,
        warnings=warnings,
        sources={"source": "meter readings", "months": month_sources},
        hourly_kwh=inputs.hourly_kwh(
            building=building, start=_local_midnight(building, first), end=_after(building, last)
        )
        if hourly
        else None,
    )


def _windowed(monthly: dict[str, float], first: date, last: date) -> calc.WindowedMonths:
    """The months' kWh as the exact window holds them: a month it cuts prorated by days, or left out."""
    try:
        return calc.windowed_months(monthly, first=first, last=last)
    except calc.CalcInputError as error:  # every month left out
        raise Invalid(str(error), code="no_baseline_data") from None


def _local_midnight(building: Building, day: date) -> pd.Timestamp:
    return pd.Timestamp(day).tz_localize(building.timezone, nonexistent="shift_forward")


def _after(building: Building, day: date) -> pd.Timestamp:
    return _local_midnight(building, day + timedelta(days=1))


DAILY_METHODS = (None, Method.WEATHER, Method.DAYTYPE, Method.REGRESSION)


def _fit(
    building: Building, gathered: _BaselineInputs, *, method: str | None, static_kwh: float | None
) -> tuple[calc.BaselineResult, list[str]]:
    """The fitted baseline and the warnings about its inputs."""
    temperatures = inputs.daily_temperatures(building=building, months=gathered.window)
    occupancy = inputs.daily_occupancy(building=building, months=gathered.window, events=inputs.calc_events(building))
    country = calc.holiday_country(building.grid_region)
    hourly_kwh, hourly_temperatures = gathered.hourly_kwh, None
    if hourly_kwh is not None:
        start, end = _local_midnight(building, gathered.first), _after(building, gathered.last)
        hourly_temperatures = inputs.hourly_temperatures(building=building, start=start, end=end)
    try:
        result = calc.calculate_baseline(
            method=method,
            monthly_kwh=gathered.monthly,
            daily_temperature_c=temperatures,
            daily_occupancy=occupancy,
            daily_kwh=gathered.daily_kwh if method in DAILY_METHODS else None,
            static_kwh=static_kwh,
            country=country,
            hourly_kwh=hourly_kwh,
            hourly_temperature_c=hourly_temperatures,
        )
    except calc.CalcInputError as exc:
        raise Invalid(str(exc), code="baseline_not_computable") from None
    notes = []
    if country is None and any(c.method == Method.DAYTYPE for c in result.candidates):
        notes.append(
            f"no public holidays are known for grid region {building.grid_region!r}: "
            "the day-type model knows weekends only"
        )
    return result, notes


def _persist(
    *, actor: User, building: Building, gathered: _BaselineInputs, result: calc.BaselineResult, notes: list[str]
) -> Baseline:
    baseline = Baseline.objects.create(
        building=building,
        method=result.method,
        method_reason=result.method_reason,
        candidates=[candidate.as_dict() for candidate in result.candidates],
        baseline_monthly_kwh=result.baseline_monthly_kwh,
        period_start=gathered.first,
        period_end=gathered.last,
        normalization=result.normalization,
        model=result.model,
        fit=result.fit_dict(),
        valid=result.valid,
        warnings=gathered.warnings + notes + list(result.warnings),
        inputs={**gathered.sources, "monthly_kwh": gathered.monthly},
        created_by=actor,
    )
    building_data_changed(building)
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
def baseline_calculate(
    *,
    actor: User,
    building: Building,
    months: list[dict[str, Any]] | None = None,
    method: str | None = None,
    baseline_start: date | None = None,
    baseline_end: date | None = None,
    static_kwh: float | None = None,
) -> Baseline:
    """Gathers the baseline's inputs (posted months or stored readings), fits, stores and announces it."""
    building = Building.objects.select_for_update().get(pk=building.pk)
    gathered = (
        _posted_inputs(months)
        if months
        else _stored_inputs(building, baseline_start, baseline_end, hourly=method in (None, Method.TOWT))
    )
    result, notes = _fit(building, gathered, method=method, static_kwh=static_kwh)
    baseline = _persist(actor=actor, building=building, gathered=gathered, result=result, notes=notes)
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
    return baseline


def mrv_calculated_publish(*, building: Building, run: MrvRun, first: pd.Period, last: pd.Period) -> None:
    """Announces an MRV run computed on purpose (a recompute, a credit request); reads never do."""
    events.publish(
        event_type="mrv_calculated",
        owner=building.owner,
        payload={
            "building_id": run.building_id,
            "baseline_id": run.baseline_id,
            "start": str(first),
            "end": str(last),
            "savings_kwh": run.totals["savings_kwh"],
            "co2_saved_kg": run.totals["co2_saved_kg"],
            "eligible_months": [m.period for m in run.months if m.eligible],
        },
    )


def mrv_recompute(*, building: Building, first: pd.Period, last: pd.Period) -> MrvRun:
    """Computes the run afresh, caches it for the reads that follow, and announces it."""
    run = mrv_run(building=building, first=first, last=last, baseline=current_baseline(building))
    cache.set(mrv_cache_key(building=building, first=first, last=last), run, timeout=MRV_CACHE_SECONDS)
    mrv_calculated_publish(building=building, run=run, first=first, last=last)
    return run


@transaction.atomic
def month_review_record(
    *, reviewer: User, building: Building, month: pd.Period, decision: str, comment: str
) -> MonthReview:
    """A verifier's approval or rejection of a FLAGGED month; never of a building they own."""
    if not reviewer.is_verifier:
        raise Forbidden("Only verifiers review flagged months.")
    if building.owner_id == reviewer.pk:
        raise Forbidden("Verifiers may not review months of a building they own.")
    if decision not in Decision.values:
        raise Invalid("The decision must be approve or reject.", errors={"decision": ["approve or reject"]})
    if not comment.strip():
        raise Invalid("A review needs a comment.", errors={"comment": ["Say why."]})
    # The engine says which months are FLAGGED: too many gaps, or an anomaly no recorded event explains.
    result = mrv_run(building=building, first=month, last=month, baseline=current_baseline(building)).months[0]
    if result.quality != "FLAGGED":
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
            "missing_pct": result.missing_pct,
            "anomalies": result.anomalies,
        },
    )
    return review
