"""What verifiers and readers of the evidence see, built in one place for the admin, the portal and the PDF:
the Guideline 14 verdict of a baseline and the candidate models it was chosen from, the emission factors a
run of months used, the quality log with the verifier's reviews, the building's uploads and the audit trail
about it."""

from collections.abc import Iterable, Sequence

import pandas as pd
from django.db.models import Model, Q, QuerySet

from buildings.models import Building
from carbonexia.audit.models import AuditEvent
from metering.uploads.models import Upload
from mrv import calc

from .models import Baseline, Method, MonthReview

AUDIT_ROWS = 30


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


def quality_log(building: Building, months: Iterable[dict]) -> list[dict]:
    """Every month that is not OK, with the verifier's review where there is one."""
    reviews = {review.month: review for review in building.month_reviews.select_related("reviewer")}
    return [
        {"month": m, "review": reviews.get(calc.first_day(pd.Period(m["period"], freq="M")))}
        for m in months
        if m["quality"] != "OK"
    ]


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
