"""Everything an MRV report shows, read from the building's stored evidence for the report's period."""

from datetime import date, datetime
from itertools import accumulate

import pandas as pd
from django.apps import apps
from django.db.models import Q
from django.utils.safestring import mark_safe

from buildings.selectors import events_of
from carbonexia.audit.models import AuditEvent
from metering.models import Upload
from mrv import calc
from mrv.engine import MonthResult, MrvRun, mrv_run
from mrv.models import Baseline, MonthReview
from mrv.selectors import current_baseline

from . import charts
from .models import Report

METHODOLOGY = [
    ("GHG project standard", "ISO 14064-2: quantification, monitoring and reporting of GHG reductions"),
    ("Measurement and verification", "IPMVP Option C (whole facility): the utility meter measures the savings"),
    ("Registry programmes", "Verra VCS / Gold Standard"),
    ("Baseline model acceptance", "ASHRAE Guideline 14 (CV(RMSE) and NMBE limits)"),
    ("Savings uncertainty", "Fractional savings uncertainty at 90 % confidence; the lower bound is credited"),
]
MODEL_TYPES = {
    "intercept_only": "flat (no weather dependence)",
    "hdd_only": "heating-only (HDD)",
    "cdd_only": "cooling-only (CDD)",
    "hdd_cdd": "heating and cooling (HDD + CDD)",
}
AUDIT_ROWS = 30
UPLOAD_ROWS = 50
COEFFICIENTS = {  # name in the stored model → (label, unit)
    "intercept": ("Base load (intercept)", "kWh per day"),
    "beta_hdd": ("Heating slope", "kWh per heating degree day"),
    "beta_cdd": ("Cooling slope", "kWh per cooling degree day"),
    "beta_occupancy": ("Occupancy slope", "kWh per day at full occupancy"),
    "kwh_per_occupied_day": ("Energy per occupied day", "kWh"),
    "baseline_monthly_kwh": ("Baseline per month", "kWh"),
}


def report_context(*, report: Report, generated_at: datetime) -> dict:
    building = report.building
    first, last = pd.Period(report.period_start, freq="M"), pd.Period(report.period_end, freq="M")
    baseline = current_baseline(building)
    run = mrv_run(building=building, first=first, last=last, baseline=baseline)
    uploads = Upload.objects.filter(building=building).select_related("uploaded_by").order_by("-created_at")
    blocks = _credit_blocks(building, report.period_start, report.period_end)
    return {
        "report": report,
        "building": building,
        "generated_at": generated_at,
        "methodology": METHODOLOGY,
        "months": run.months,
        "kpis": _kpis(run),
        "charts": _charts(run.months),
        "baseline": _baseline(baseline),
        "uncertainty": run.totals["uncertainty"],
        "quality_log": _quality_log(building, run.months),
        "events": list(events_of(building).select_related("recorded_by")),
        "factors": _factors(run.months),
        "credit_blocks": blocks,
        "uploads": list(uploads[:UPLOAD_ROWS]),
        "uploads_not_shown": max(uploads.count() - UPLOAD_ROWS, 0),
        "audit": _audit_excerpt(building, blocks or []),
    }


def _kpis(run: MrvRun) -> dict:
    measured = [m for m in run.months if m.savings_kwh is not None]
    uncertainty = run.totals["uncertainty"]
    return {
        "baseline_kwh": sum(m.adjusted_baseline_kwh for m in measured),
        "actual_kwh": sum(m.actual_kwh for m in measured),
        "savings_kwh": run.totals["savings_kwh"],
        "co2_saved_tons": run.totals["co2_saved_kg"] / 1000,
        "co2_credited_tons": uncertainty["co2_credited_kg"] / 1000,
        "months": len(run.months),
        "measured_months": len(measured),
        "eligible_months": sum(m.eligible for m in run.months),
    }


def _charts(months: list[MonthResult]) -> dict:
    labels = [m.period for m in months]
    running = accumulate(m.savings_kwh or 0.0 for m in months)
    cumulative = [total if m.savings_kwh is not None else None for m, total in zip(months, running, strict=True)]
    return {
        # The chart helpers escape every label they draw.
        "monthly": mark_safe(
            charts.bars_and_line(
                labels=labels,
                bars=[m.adjusted_baseline_kwh for m in months],
                line=[m.actual_kwh for m in months],
                bar_label="Adjusted baseline (kWh)",
                line_label="Actual (kWh)",
            )
        ),
        "cumulative": mark_safe(charts.line(labels=labels, values=cumulative, label="Cumulative savings (kWh)")),
    }


def _baseline(baseline: Baseline | None) -> dict | None:
    if baseline is None:
        return None
    model = baseline.model
    changepoint = model.get("changepoint")
    if changepoint:
        values = changepoint["coefficients"]
    elif "kwh_per_occupied_day" in model:
        values = {"kwh_per_occupied_day": model["kwh_per_occupied_day"]}
    else:
        values = {"baseline_monthly_kwh": baseline.baseline_monthly_kwh}
    coefficients = []
    for name, value in values.items():
        label, unit = COEFFICIENTS.get(name, (name, ""))
        coefficients.append({"label": label, "unit": unit, "value": value})
    return {
        "record": baseline,
        "model_type": MODEL_TYPES.get(changepoint["model_type"], changepoint["model_type"]) if changepoint else None,
        "granularity": model.get("granularity"),
        "coefficients": coefficients,
        "heating_balance_point_c": changepoint["heating_balance_point_c"] if changepoint else None,
        "cooling_balance_point_c": changepoint["cooling_balance_point_c"] if changepoint else None,
        "n_parameters": calc.model_n_parameters(model),
        "guideline_14": _guideline_14(baseline),
    }


def _guideline_14(baseline: Baseline) -> dict:
    return calc.guideline_14_verdict(
        fit=baseline.fit,
        granularity=baseline.model.get("granularity"),
        method=baseline.method,
        n_parameters=calc.model_n_parameters(baseline.model),
    )


def _quality_log(building, months: list[MonthResult]) -> list[dict]:
    """Every month that is not OK, with the verifier's review where there is one."""
    reviews = {
        review.month: review for review in MonthReview.objects.filter(building=building).select_related("reviewer")
    }
    return [
        {"month": m, "review": reviews.get(pd.Period(m.period, freq="M").start_time.date())}
        for m in months
        if m.quality != "OK"
    ]


def _factors(months: list[MonthResult]) -> list[dict]:
    """The emission factors the months used, each once, with the months that used it."""
    used: dict[int, dict] = {}
    for month in months:
        if month.factor is None:
            continue
        entry = used.setdefault(month.factor["id"], {**month.factor, "months": [], "carried_forward_months": []})
        entry["months"].append(month.period)
        if month.factor["carried_forward"]:
            entry["carried_forward_months"].append(month.period)
    return list(used.values())


def _credit_blocks(building, start: date, end: date) -> list | None:
    """The building's credit blocks overlapping the period; None while the credits ledger does not exist."""
    if not apps.is_installed("credits"):
        return None
    try:
        credit_block = apps.get_model("credits", "CreditBlock")
    except LookupError:
        return None
    blocks = credit_block.objects.filter(building=building, period_start__lte=end, period_end__gte=start)
    return list(blocks.select_related("verified_by").order_by("period_start", "serial_start"))


def _audit_excerpt(building, blocks: list) -> list[AuditEvent]:
    """The latest audit rows about the building, its baselines, uploads, reviews, events and the period's
    credit blocks, oldest first."""
    related = [
        (Baseline, building.baselines.values_list("pk", flat=True)),
        (Upload, building.uploads.values_list("pk", flat=True)),
        (MonthReview, building.month_reviews.values_list("pk", flat=True)),
        (building.events.model, building.events.values_list("pk", flat=True)),
        *([(type(blocks[0]), [block.pk for block in blocks])] if blocks else []),
    ]
    about = Q(object_type=building._meta.label_lower, object_id=str(building.pk))
    for model, ids in related:
        about |= Q(object_type=model._meta.label_lower, object_id__in=[str(pk) for pk in ids])
    return list(reversed(AuditEvent.objects.filter(about).order_by("-seq")[:AUDIT_ROWS]))
