"""Everything an MRV report shows, read from the building's stored evidence for the report's period."""

from datetime import datetime

import pandas as pd

from buildings.selectors import events_of
from credits.selectors import blocks_overlapping
from mrv import calc, evidence
from mrv.engine import MrvRun, mrv_run
from mrv.models import Baseline
from mrv.selectors import current_baseline

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
UPLOAD_ROWS = 50
WEEKDAYS = {"tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
COEFFICIENTS = {  # name in the stored model → (label, unit)
    "intercept": ("Base load (intercept)", "kWh per day"),
    "beta_hdd": ("Heating slope", "kWh per heating degree day"),
    "beta_cdd": ("Cooling slope", "kWh per cooling degree day"),
    "beta_occupancy": ("Occupancy slope", "kWh per day at full occupancy"),
    "beta_non_working": ("Non-working day (weekend or public holiday)", "kWh per day against a working day"),
    "beta_holiday": ("Public holiday", "kWh per day against a Monday"),
    "kwh_per_occupied_day": ("Energy per occupied day", "kWh"),
    "baseline_monthly_kwh": ("Baseline per month", "kWh"),
}


def report_context(*, report: Report, generated_at: datetime) -> dict:
    building = report.building
    first, last = pd.Period(report.period_start, freq="M"), pd.Period(report.period_end, freq="M")
    baseline = current_baseline(building)
    run = mrv_run(building=building, first=first, last=last, baseline=baseline)
    months = [m.as_dict() for m in run.months]
    uploads = evidence.uploads_of(building)
    blocks = list(blocks_overlapping(building, report.period_start, report.period_end))
    return {
        "report": report,
        "building": building,
        "generated_at": generated_at,
        "methodology": METHODOLOGY,
        "months": run.months,
        "kpis": _kpis(run),
        "charts": evidence.savings_charts(months),
        "baseline": _baseline(baseline),
        "uncertainty": run.totals["uncertainty"],
        "creditable": run.totals["creditable"],
        "quality_log": evidence.quality_log(building, months),
        "flagged_gaps": evidence.flagged_months_gaps(months),
        "anomalies": evidence.anomaly_rows(building, first, last, with_charts=False),
        "events": list(events_of(building).select_related("recorded_by")),
        "factors": evidence.factors_used(months),
        "credit_blocks": blocks,
        "uploads": list(uploads[:UPLOAD_ROWS]),
        "uploads_not_shown": max(uploads.count() - UPLOAD_ROWS, 0),
        "audit": evidence.audit_excerpt(building, also=blocks),
    }


def _kpis(run: MrvRun) -> dict:
    measured = [m for m in run.months if m.savings_kwh is not None]
    return {
        "baseline_kwh": sum(m.adjusted_baseline_kwh for m in measured),
        "actual_kwh": sum(m.actual_kwh for m in measured),
        "savings_kwh": run.totals["savings_kwh"],
        "co2_saved_tons": run.totals["co2_saved_kg"] / 1000,
        "co2_creditable_tons": run.totals["co2_creditable_tons"],
        "credits_creditable": run.totals["creditable"]["credits"],
        "months": len(run.months),
        "measured_months": len(measured),
        "eligible_months": sum(m.eligible for m in run.months),
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
        label, unit = COEFFICIENTS.get(name) or _day_of_week_coefficient(name)
        coefficients.append({"label": label, "unit": unit, "value": value})
    return {
        "record": baseline,
        "model_type": MODEL_TYPES.get(changepoint["model_type"], changepoint["model_type"]) if changepoint else None,
        "granularity": model.get("granularity"),
        "coefficients": coefficients,
        "heating_balance_point_c": changepoint["heating_balance_point_c"] if changepoint else None,
        "cooling_balance_point_c": changepoint["cooling_balance_point_c"] if changepoint else None,
        "n_parameters": calc.model_n_parameters(model),
        "guideline_14": evidence.guideline_14(baseline),
        "candidates": evidence.candidate_rows(baseline),
    }


def _day_of_week_coefficient(name: str) -> tuple[str, str]:
    day = name.removeprefix("beta_")
    return (day.capitalize(), "kWh per day against a Monday") if day in WEEKDAYS else (name, "")
