"""What verifiers and readers of the evidence see, built in one place for the admin, the portal and the PDF:
the Guideline 14 verdict of a baseline and the candidate models it was chosen from, the emission factors a
run of months used, the quality log with the verifier's reviews, the anomalies in the readings with a chart of
the days around each, the building's uploads and the audit trail about it."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import accumulate

import pandas as pd
from django.db.models import Model, Q, QuerySet
from django.utils.safestring import SafeString, mark_safe

from buildings.models import Building
from carbonexia.audit.models import AuditEvent
from carbonexia.common import charts
from carbonexia.common.instants import format_instant
from metering.readings.selectors import meter_bucket_totals
from metering.uploads.models import Upload
from mrv import calc

from .anomalies import FoundAnomaly, building_anomalies, describe
from .models import Baseline, Method, MonthReview
from .selectors import cached_mrv_run, current_baseline

AUDIT_ROWS = 30
HOURS_SHOWN_PER_DAY = 12
WHEN = "%a %Y-%m-%d %H:%M"
# Each chart is a query; a page lists every anomaly but draws the days around the first ones only.
CHARTED_ANOMALIES = 12
ANOMALY_KINDS = {
    "spike": "Spike",
    "flat_line": "Stuck reading",
    "zero_run": "Zero use in occupied hours",
    "interval_change": "Reading interval changed",
    "shift": "Unexplained shift (non-routine event?)",
}


def guideline_14(baseline: Baseline) -> dict:
    """The ASHRAE Guideline 14 verdict on a baseline's fit at the granularity it was fitted on."""
    return calc.guideline_14_verdict(
        fit=baseline.fit,
        granularity=baseline.model.get("granularity", "monthly"),
        method=baseline.method,
        n_parameters=calc.model_n_parameters(baseline.model),
    )


def candidate_rows(baseline: Baseline) -> list[dict]:
    """The candidate models of a baseline side by side, the chosen one marked, in the order they were fitted.

    Each row: method (and its label), terms (words), granularity, r2, cv_rmse, nmbe, oos_cv_rmse, g14_pass,
    chosen. A baseline stored before candidates were kept has none.
    """
    labels = dict(Method.choices)
    return [
        {
            **candidate,
            "label": labels.get(candidate["method"], candidate["method"]),
            "terms": ", ".join(candidate["terms"]),
            "chosen": candidate["method"] == baseline.method,
        }
        for candidate in baseline.candidates
    ]


def factors_used(months: Iterable[dict]) -> list[dict]:
    """The emission factors a run of months (as `MonthResult.as_dict()`) used, each once, with its months."""
    used: dict[int, dict] = {}
    for month in months:
        factor = month["factor"]
        if factor is None:
            continue
        entry = used.setdefault(factor["id"], {**factor, "months": [], "carried_forward_months": []})
        entry["months"].append(month["period"])
        if factor["carried_forward"]:
            entry["carried_forward_months"].append(month["period"])
    return list(used.values())


def savings_charts(months: Sequence[dict]) -> dict[str, SafeString]:
    """A run of months (as ``MonthResult.as_dict()``) drawn for the PDF and the credit block's evidence: the
    adjusted baseline against the metered kWh month by month, and the savings added up."""
    labels = [m["period"] for m in months]
    running = accumulate(m["savings_kwh"] or 0.0 for m in months)
    cumulative = [total if m["savings_kwh"] is not None else None for m, total in zip(months, running, strict=True)]
    # The chart helpers escape every label they draw.
    return {
        "monthly": mark_safe(
            charts.bars_and_line(
                labels=labels,
                bars=[m["adjusted_baseline_kwh"] for m in months],
                line=[m["actual_kwh"] for m in months],
                bar_label="Adjusted baseline (kWh)",
                line_label="Actual (kWh)",
            )
        ),
        "cumulative": mark_safe(charts.line(labels=labels, values=cumulative, label="Cumulative savings (kWh)")),
    }


def candidates_chart(rows: Sequence[dict]) -> SafeString:
    """Each candidate model's out-of-sample monthly CV(RMSE), in % (what the choice minimised; the in-sample
    figure where none is known), against Guideline 14's monthly limit."""
    limit = 100 * calc.GUIDELINE_14_LIMITS["monthly"][0]
    cv = [100 * (row["cv_rmse"] if row.get("oos_cv_rmse") is None else row["oos_cv_rmse"]) for row in rows]
    return mark_safe(
        charts.bars_and_line(
            labels=[row["method"] for row in rows],
            bars=cv,
            line=[limit] * len(rows),
            bar_label="Out-of-sample CV(RMSE) %, monthly",
            line_label="Guideline 14 monthly limit %",
        )
    )


def quality_log(building: Building, months: Iterable[dict]) -> list[dict]:
    """Every month that is not OK, with the verifier's review where there is one."""
    reviews = {review.month: review for review in building.month_reviews.select_related("reviewer")}
    return [
        {"month": m, "review": reviews.get(calc.first_day(pd.Period(m["period"], freq="M")))}
        for m in months
        if m["quality"] != "OK"
    ]


def gap_rows(month: dict) -> list[dict]:
    """The days a month (as ``MonthResult.as_dict()``) misses readings on, which hours, and the kWh filled in:
    one row per local day, for the verifier's review, the credit block's evidence and the PDF alike."""
    rows: dict[str, dict] = {}
    for gap in month.get("gaps", ()):  # snapshots taken before gaps were recorded hold none
        start, end = datetime.fromisoformat(gap["start"]), datetime.fromisoformat(gap["end"])
        row = rows.setdefault(
            start.date().isoformat(),
            {"day": start.date(), "hours": [], "more": 0, "missing_hours": 0.0, "slots": 0, "filled_kwh": 0.0},
        )
        until = "24:00" if end.date() > start.date() else f"{end:%H:%M}"
        hours = "all day" if f"{start:%H:%M}" == "00:00" and until == "24:00" else f"{start:%H:%M}–{until}"
        if len(row["hours"]) < HOURS_SHOWN_PER_DAY:
            row["hours"].append(hours)
        else:
            row["more"] += 1
        row["missing_hours"] += (end - start).total_seconds() / 3600
        row["slots"] += gap["slots"]
        row["filled_kwh"] += gap["filled_kwh"]
    return list(rows.values())


def flagged_months_gaps(months: Iterable[dict]) -> list[dict]:
    """Each FLAGGED month of a run (as ``MonthResult.as_dict()``) with the rows of its gaps."""
    return [{**m, "gap_rows": gap_rows(m)} for m in months if m["quality"] == "FLAGGED"]


def month_with_gaps(building: Building, month: pd.Period) -> dict:
    """A month's result as the savings page shows it (the same cached run), with its gap rows."""
    result = cached_mrv_run(building=building, first=month, last=month)[0].months[0].as_dict()
    return {**result, "gap_rows": gap_rows(result)}


def uploads_of(building: Building) -> QuerySet[Upload]:
    return Upload.objects.filter(building=building).select_related("uploaded_by").order_by("-created_at")


def audit_excerpt(building: Building, *, also: Sequence[Model] = (), rows: int = AUDIT_ROWS) -> list[AuditEvent]:
    """The latest audit rows about the building, its baselines, uploads, reviews and events, and the records
    in `also` (e.g. the credit blocks under review), oldest first."""
    related: list[tuple[type[Model], Iterable]] = [
        (Baseline, building.baselines.values_list("pk", flat=True)),
        (Upload, building.uploads.values_list("pk", flat=True)),
        (MonthReview, building.month_reviews.values_list("pk", flat=True)),
        (building.events.model, building.events.values_list("pk", flat=True)),
        *((type(record), [record.pk]) for record in also),
    ]
    about = Q(object_type=building._meta.label_lower, object_id=str(building.pk))
    for model, ids in related:
        about |= Q(object_type=model._meta.label_lower, object_id__in=[str(pk) for pk in ids])
    return list(reversed(AuditEvent.objects.filter(about).order_by("-seq")[:rows]))


def anomaly_rows(building: Building, first: pd.Period, last: pd.Period, *, with_charts: bool = True) -> list[dict]:
    """The anomalies of the months [first, last] as the dashboard, the verifier's review, the credit evidence and
    the PDF list them: kind, when, severity, the sentence, the explaining event, and a chart of the days around."""
    found = building_anomalies(building=building, first=first, last=last, baseline=current_baseline(building))
    return [
        {
            "anomaly_id": anomaly.anomaly_id,
            "kind": ANOMALY_KINDS[anomaly.kind],
            "start": anomaly.start.tz_convert(building.timezone),
            "end": anomaly.end.tz_convert(building.timezone),
            # Written here, in the building's zone with its name: a template would show the site's zone instead.
            "when": format_instant(anomaly.start, building.timezone, pattern=WHEN),
            "severity": anomaly.severity,
            "open": anomaly.open,
            "description": describe(anomaly, building.timezone),
            "explained_by": anomaly.explained_by,
            "chart": _around(building, anomaly) if with_charts and index < CHARTED_ANOMALIES else "",
        }
        for index, anomaly in enumerate(found)
    ]


def _around(building: Building, anomaly: FoundAnomaly) -> str:
    """kWh per hour from a day before to a day after the anomaly (at most four days), or per day for four weeks
    either side of a shift."""
    if anomaly.kind == "shift":
        interval, start, end = "day", anomaly.start - pd.Timedelta(days=28), anomaly.start + pd.Timedelta(days=28)
        labels_of = _day_labels
    else:
        interval, start = "hour", anomaly.start - pd.Timedelta(days=1)
        end = min(anomaly.end + pd.Timedelta(days=1), start + pd.Timedelta(days=4))
        labels_of = _hour_labels
    totals = meter_bucket_totals(building=building, interval=interval, start=start, end=end)
    if totals.empty:
        return ""
    labels = labels_of(totals["bucket"])
    return charts.line(
        labels=labels, values=totals["kwh"].astype(float).tolist(), label=f"kWh per {interval}", width=480, height=150
    )


def _day_labels(stamps: pd.Series) -> list[str]:
    return [f"{stamp:%d %b}" for stamp in stamps]


def _hour_labels(stamps: pd.Series) -> list[str]:
    """The date at midnight, the hour otherwise: short enough for a small chart."""
    return [f"{stamp:%d %b}" if stamp.hour == 0 else f"{stamp:%H}h" for stamp in stamps]
