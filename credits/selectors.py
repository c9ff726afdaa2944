import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd
from django.db.models import Max, QuerySet, Sum
from django.utils import timezone

from buildings.selectors import buildings_visible_to
from carbonexia.common.errors import NotFound
from carbonexia.common.instants import days_since
from mrv.engine import MonthResult, MrvRun
from mrv.selectors import (
    MAX_MONTHS,
    cached_mrv_run,
    current_baseline,
    flagged_months_awaiting_review,
    latest_complete_month,
)

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


def requests_holding(building, start: date, end: date) -> QuerySet[CreditBlock]:
    """The live requests that hold a day of [start, end]: while there is one, a request of that period is
    refused (credits_request) and its preview says so."""
    return live_requests(building).filter(period_start__lte=end, period_end__gte=start).order_by("period_start")


def ineligible_months(run: MrvRun) -> list[MonthResult]:
    return [month for month in run.months if not month.eligible]


@dataclass(frozen=True)
class RequestPreview:
    """What a credit request of these months would meet, before anything is stored."""

    run: MrvRun
    ineligible: list[MonthResult]
    held_by: list[CreditBlock]  # live requests already holding some of the months

    @property
    def refused(self) -> bool:
        return bool(self.ineligible or self.held_by or self.refusal)

    @property
    def refusal(self) -> str | None:
        """Why a request of months that are all eligible and free would still be refused (below one credit)."""
        return self.run.totals["creditable"]["refusal"]


def credit_request_preview(building, first: pd.Period, last: pd.Period) -> RequestPreview:
    run, _ = cached_mrv_run(building=building, first=first, last=last)
    held_by = list(requests_holding(building, first.start_time.date(), last.end_time.date()))
    return RequestPreview(run=run, ineligible=ineligible_months(run), held_by=held_by)


# The run of [first, last] of one building, from the cache when it is there.
RunOf = Callable[[pd.Period, pd.Period], MrvRun]


def _runs_of(building) -> RunOf:
    """Each run read once however often it is asked for (the free period's run is read again for its tonnes)."""
    return functools.cache(lambda first, last: cached_mrv_run(building=building, first=first, last=last)[0])


def next_free_credit_period(building, *, run: RunOf | None = None) -> tuple[pd.Period, pd.Period] | None:
    """The first run of eligible months after the baseline and every live credit request (up to the latest complete
    month, at most MAX_MONTHS), when a request of it would be accepted; else None, so a form is never pre-filled
    with a period credits_request refuses."""
    return free_credit_period(
        last=latest_complete_month(building),
        baseline=current_baseline(building),
        covered=live_requests(building).aggregate(end=Max("period_end"))["end"],
        run=run or _runs_of(building),
    )


def free_credit_period(
    *, last: pd.Period | None, baseline, covered: date | None, run: RunOf
) -> tuple[pd.Period, pd.Period] | None:
    """`next_free_credit_period` from what it reads: the latest complete month, the current baseline, the last day
    live requests cover, and the building's runs."""
    if last is None or baseline is None:
        return None
    first = pd.Period(max(covered or baseline.period_end, baseline.period_end), freq="M") + 1
    if first > last:
        return None
    eligible = [month.eligible for month in run(first, min(last, first + MAX_MONTHS - 1)).months]
    if True not in eligible:
        return None
    start = eligible.index(True)
    end = eligible.index(False, start) - 1 if False in eligible[start:] else len(eligible) - 1
    chosen = (first + start, first + end)
    chosen_run = run(*chosen)
    # No live request holds a day of it: it starts after the last day they cover.
    preview = RequestPreview(run=chosen_run, ineligible=ineligible_months(chosen_run), held_by=[])
    return None if preview.refused else chosen


def live_request_ends(buildings) -> dict:
    """The last day the live requests of each of the buildings cover, by building id, in one query."""
    ends = (
        CreditBlock.objects.filter(building__in=buildings, parent__isnull=True)
        .exclude(status=Status.REJECTED)
        .values("building_id")
        .annotate(end=Max("period_end"))
    )
    return {row["building_id"]: row["end"] for row in ends}


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


@dataclass(frozen=True)
class CreditPosition:
    """A building's credits by where they stand: `issued` counts every credit ever issued (those since retired
    included), `retired` those retired, `pending` those requested and awaiting a verifier."""

    issued: int = 0
    retired: int = 0
    pending: int = 0

    @property
    def held(self) -> int:
        """Issued and not retired: what the owner may still retire."""
        return self.issued - self.retired


def credit_positions(buildings) -> dict:
    """Each building's CreditPosition by building id, in one query; a building without blocks is absent."""
    sums: dict = {}
    rows = (
        CreditBlock.objects.filter(building__in=buildings)
        .exclude(status=Status.REJECTED)
        .values("building_id", "status")
        .annotate(requested=Sum("credits_requested"), issued=Sum("credits_issued"))
    )
    for row in rows:
        counts = sums.setdefault(row["building_id"], {"issued": 0, "retired": 0, "pending": 0})
        if row["status"] == Status.PENDING:
            counts["pending"] += row["requested"] or 0
        else:  # ISSUED or RETIRED: a retired part is a block of its own, split off its issued parent
            counts["issued"] += row["issued"] or 0
            if row["status"] == Status.RETIRED:
                counts["retired"] += row["issued"] or 0
    return {building_id: CreditPosition(**counts) for building_id, counts in sums.items()}


def credit_position(building) -> CreditPosition:
    return credit_positions([building]).get(building.pk, CreditPosition())


@dataclass(frozen=True)
class Creditable:
    """What a credit request of the next free months would credit (`mrv.engine.period_creditable`)."""

    first: pd.Period
    last: pd.Period
    co2_creditable_tons: float
    credits: int


def creditable_now(building) -> Creditable | None:
    """The creditable tonnes and whole credits of the months a request could cover today (the credits page's
    default period), from the cached MRV run; None when no month is free to request."""
    run = _runs_of(building)
    return creditable_over(next_free_credit_period(building, run=run), run=run)


def creditable_over(period: tuple[pd.Period, pd.Period] | None, *, run: RunOf) -> Creditable | None:
    """What a request of `period` (a free_credit_period) would credit; None without one."""
    if period is None:
        return None
    totals = run(*period).totals
    return Creditable(
        first=period[0],
        last=period[1],
        co2_creditable_tons=totals["co2_creditable_tons"],
        credits=totals["creditable"]["credits"],
    )
