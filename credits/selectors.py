import pandas as pd
from django.db.models import Max, QuerySet
from django.utils import timezone

from buildings.selectors import buildings_visible_to
from carbonexia.common.errors import NotFound
from carbonexia.common.instants import days_since
from mrv.selectors import current_baseline, flagged_months_awaiting_review, latest_complete_month

from .models import CreditBlock, Status


def blocks_visible_to(user) -> QuerySet[CreditBlock]:
    return CreditBlock.objects.filter(building__in=buildings_visible_to(user)).select_related("building", "verified_by")


def block_for_read(*, user, credit_id) -> CreditBlock:
    block = blocks_visible_to(user).filter(pk=credit_id).first()
    if block is None:
        raise NotFound("No such credit block.")
    return block


def blocks_of(building) -> QuerySet[CreditBlock]:
    return building.credit_blocks.select_related("verified_by").order_by("period_start", "serial_start", "created_at")


def blocks_overlapping(building, start, end) -> QuerySet[CreditBlock]:
    """Every block of the building (splits included) that covers a day of [start, end]."""
    return blocks_of(building).filter(period_start__lte=end, period_end__gte=start)


def live_requests(building) -> QuerySet[CreditBlock]:
    """The requests that hold their period: every original block that was not rejected. A period covered
    here cannot be requested again (the no-double-counting rule; PostgreSQL also enforces it)."""
    return building.credit_blocks.filter(parent__isnull=True).exclude(status=Status.REJECTED)


def next_free_credit_period(building) -> tuple[pd.Period, pd.Period] | None:
    """The months after both the baseline and every live credit request, up to the latest complete month."""
    last, baseline = latest_complete_month(building), current_baseline(building)
    if last is None or baseline is None:
        return None
    covered = live_requests(building).aggregate(end=Max("period_end"))["end"]
    first = pd.Period(max(covered or baseline.period_end, baseline.period_end), freq="M") + 1
    return (first, last) if first <= last else None


def pending_queue() -> QuerySet[CreditBlock]:
    """What verifiers have to decide, oldest request first."""
    return CreditBlock.objects.filter(status=Status.PENDING).select_related("building").order_by("created_at")


def verifier_queue() -> dict:
    """What waits for a verifier, oldest first, each with how many days it has waited: the pending credit
    blocks (waiting since they were requested) and the FLAGGED months nobody has reviewed (since they ended),
    with how many buildings were not looked through yet. The admin index shows it; counts are the lengths of
    these lists."""
    now = timezone.now()
    blocks = [{"block": block, "waiting_days": days_since(block.created_at, now)} for block in pending_queue()]
    flagged, not_computed = flagged_months_awaiting_review()
    months = [{**month, "waiting_days": days_since(month["since"], now)} for month in flagged]
    return {
        "blocks": blocks,
        "months": months,
        "blocks_count": len(blocks),
        "months_count": len(months),
        # Buildings whose months are not computed yet (mrv.selectors.flagged_months_awaiting_review).
        "buildings_not_computed": not_computed,
    }
