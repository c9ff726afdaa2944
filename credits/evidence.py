"""What a verifier needs to judge a credit request: the block's frozen snapshot, read through the same
evidence builders the portal and the PDF use (mrv.evidence)."""

import pandas as pd

from metering.bills.selectors import confirmed_bills_with_findings
from mrv import evidence
from mrv.models import Baseline

from .models import CreditBlock


def block_evidence(block: CreditBlock) -> dict:
    snapshot = block.snapshot
    baseline = Baseline.objects.get(pk=snapshot["baseline"]["id"])  # baselines are never rewritten
    candidates = evidence.candidate_rows(baseline)
    reviews = {review.month: review for review in block.building.month_reviews.select_related("reviewer")}
    return {
        "months": snapshot["months"],
        "baseline": snapshot["baseline"],
        "g14": evidence.guideline_14(baseline),
        "candidates": candidates,
        "charts": {
            **evidence.savings_charts(snapshot["months"]),
            "candidates": evidence.candidates_chart(candidates) if candidates else "",
        },
        "chosen_because": baseline.method_reason,
        "granularity": snapshot["baseline"]["granularity"],
        "totals": snapshot["totals"],
        # The whole request this block came from (absent in blocks requested before one bound per period).
        "request": snapshot.get("request"),
        "factors": evidence.factors_used(snapshot["months"]),
        # Each FLAGGED month with the verifier's review of it (the page links to it, or to the review to make).
        "flagged": [
            {**month, "month_start": start, "review": reviews.get(start)}
            for month in evidence.flagged_months_gaps(snapshot["months"])
            for start in [pd.Period(month["period"], freq="M").start_time.date()]
        ],
        "anomalies": evidence.anomaly_rows(
            block.building, pd.Period(block.period_start, freq="M"), pd.Period(block.period_end, freq="M")
        ),
        "uploads": evidence.uploads_of(block.building)[:50],
        # Bills that may stand in for meter data in the baseline or the block's months, with what their checks found.
        "bills": confirmed_bills_with_findings(
            building=block.building, start=snapshot["baseline"]["period_start"], end=block.period_end
        ),
        "events": block.building.events.order_by("start_date"),
        "audit": evidence.audit_excerpt(block.building, also=[block], rows=50),
    }
