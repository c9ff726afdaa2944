"""What a verifier needs to judge a credit request: the block's frozen snapshot, read through the same
evidence builders the portal and the PDF use (mrv.evidence)."""

from mrv import evidence
from mrv.models import Baseline

from .models import CreditBlock


def block_evidence(block: CreditBlock) -> dict:
    snapshot = block.snapshot
    baseline = Baseline.objects.get(pk=snapshot["baseline"]["id"])  # baselines are never rewritten
    return {
        "months": snapshot["months"],
        "baseline": snapshot["baseline"],
        "g14": evidence.guideline_14(baseline),
        "granularity": snapshot["baseline"]["granularity"],
        "totals": snapshot["totals"],
        "factors": evidence.factors_used(snapshot["months"]),
        "uploads": evidence.uploads_of(block.building)[:50],
        "events": block.building.events.order_by("start_date"),
        "audit": evidence.audit_excerpt(block.building, also=[block], rows=50),
    }
