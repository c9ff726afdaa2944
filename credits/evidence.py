"""What a verifier needs to judge a credit request, gathered from the block's frozen snapshot and the
building's records (uploads with their SHA-256, events, the audit trail)."""

from carbonexia.audit.models import AuditEvent
from metering.models import Upload
from mrv import calc

from .models import CreditBlock


def block_evidence(block: CreditBlock) -> dict:
    snapshot = block.snapshot
    baseline = snapshot["baseline"]
    granularity = baseline.get("granularity", "monthly")
    factors = {}
    for month in snapshot["months"]:
        if month.get("factor"):
            factors[month["factor"]["id"]] = month["factor"]
    object_ids = [str(block.pk), str(block.building_id), baseline["id"]]
    return {
        "months": snapshot["months"],
        "flagged": [m for m in snapshot["months"] if m["quality"] != "OK"],
        "baseline": baseline,
        "g14": calc.guideline_14_verdict(
            fit=baseline["fit"], granularity=granularity, method=baseline["method"], n_parameters=None
        ),
        "granularity": granularity,
        "totals": snapshot["totals"],
        "factors": list(factors.values()),
        "uploads": Upload.objects.filter(building=block.building_id).order_by("-created_at")[:50],
        "events": block.building.events.order_by("start_date"),
        "audit": AuditEvent.objects.filter(object_id__in=object_ids).order_by("-seq")[:50],
    }
