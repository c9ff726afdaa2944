"""The credit ledger's writes: request, verification, retirement. Each runs under row locks."""

import calendar
import math
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any

import pandas as pd
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from buildings.models import Building
from carbonexia import events
from carbonexia.audit.services import audit_record
from carbonexia.common.errors import Conflict, Forbidden, Invalid
from mrv import calc
from mrv.engine import MonthResult, MrvRun, creditable_dict, creditable_refusal, mrv_run
from mrv.models import CALCULATION_VERSION, Baseline
from mrv.selectors import current_baseline
from mrv.services import mrv_calculated_publish

from .models import MAX_BLOCK_CREDITS, MAX_BLOCK_TONS, CreditBlock, SerialCounter, Status
from .selectors import ineligible_months, requests_holding
from .serials import SerialRange, serial_string, split_range


def _tons(value: float) -> Decimal:
    # Rounded down: a stored credited amount never exceeds what was computed.
    return Decimal(str(value)).quantize(Decimal("0.001"), rounding=ROUND_DOWN)


def _whole_months(period_start: date, period_end: date) -> tuple[pd.Period, pd.Period]:
    errors: dict[str, list[str]] = {}
    if period_start.day != 1:
        errors["period_start"] = ["Credits cover whole calendar months: start on the 1st."]
    if period_end.day != calendar.monthrange(period_end.year, period_end.month)[1]:
        errors["period_end"] = ["Credits cover whole calendar months: end on the month's last day."]
    if period_end < period_start:
        errors["period_end"] = ["The period ends before it starts."]
    if errors:
        raise Invalid("The credit period is not a run of whole months.", errors=errors)
    return pd.Period(period_start, freq="M"), pd.Period(period_end, freq="M")


def _refuse_overlap(building: Building, period_start: date, period_end: date) -> None:
    if requests_holding(building, period_start, period_end).exists():
        raise Conflict(
            "Part of this period is already covered by a credit request or issued credits.",
            code="credit_period_overlap",
        )


def _refuse_ineligible(run: MrvRun) -> None:
    ineligible = ineligible_months(run)
    if ineligible:
        reasons = [f"{m.period}: {reason}" for m in ineligible for reason in m.reasons]
        raise Invalid(
            "Some months of the period cannot earn credits.",
            code="ineligible",
            errors={"months": {m.period: m.reasons for m in ineligible}},
            extra={"reasons": reasons},
        )


def _snapshot(
    *, baseline: Baseline, months: list[MonthResult], share: calc.VintageShare, creditable: calc.CreditableAllocation
) -> dict[str, Any]:
    period = creditable.totals
    return {
        "calculation_version": CALCULATION_VERSION,
        "taken_at": timezone.now().isoformat(),
        "baseline": {
            "id": str(baseline.pk),
            "method": baseline.method,
            "fit": baseline.fit,
            "valid": baseline.valid,
            "period_start": str(baseline.period_start),
            "period_end": str(baseline.period_end),
            "baseline_monthly_kwh": baseline.baseline_monthly_kwh,
            "granularity": baseline.model.get("granularity", "monthly"),
        },
        "months": [m.as_dict() for m in months],
        "totals": {
            "savings_kwh": share.savings_kwh,
            "co2_saved_kg": share.co2_saved_kg,
            "co2_saved_tons": share.co2_saved_kg / 1000,
            "co2_credited_tons": float(share.co2_creditable_tons),
            "fsu": period.fsu,
            "confidence": period.confidence,
            "note": period.uncertainty_note,
        },
        # The whole request: its one lower bound and how it was split into this block and its siblings.
        "request": {
            "first_month": creditable.vintages[0].months[0],
            "last_month": creditable.vintages[-1].months[-1],
            "co2_saved_tons": period.co2_saved_tons,
            **creditable_dict(creditable),
        },
    }


@transaction.atomic
def credits_request(*, actor: User, building: Building, period_start: date, period_end: date) -> list[CreditBlock]:
    """One PENDING block per vintage year of the period; every month must be eligible. The period's lower bound is
    computed once and split between the blocks by their central CO2 (`mrv.engine.period_creditable`), so the blocks
    hold exactly what the portal, the API and the report showed for the period."""
    first, last = _whole_months(period_start, period_end)
    building = Building.objects.select_for_update().get(pk=building.pk)
    _refuse_overlap(building, period_start, period_end)
    baseline = current_baseline(building)
    # Fresh, as evidence is never cached; a month not yet over in the building's zone is ineligible.
    run = mrv_run(building=building, first=first, last=last, baseline=baseline, now=timezone.now())
    _refuse_ineligible(run)
    # without a baseline no month is eligible, and every eligible month has savings: the request was refused above
    assert baseline is not None and run.creditable is not None
    creditable = run.creditable
    for share in creditable.vintages:
        _refuse_oversized(
            saved_tons=share.co2_saved_kg / 1000, credited_tons=share.co2_creditable_tons, vintage=share.vintage
        )
    if refusal := creditable_refusal(creditable):
        raise Invalid(refusal, code="below_one_credit")
    mrv_calculated_publish(building=building, run=run, first=first, last=last)
    months = {m.period: m for m in run.months}
    try:
        with transaction.atomic():
            return [
                _request_vintage(
                    actor=actor,
                    building=building,
                    share=share,
                    months=[months[period] for period in share.months],
                    baseline=baseline,
                    creditable=creditable,
                )
                for share in creditable.vintages
            ]
    except IntegrityError:  # the exclusion constraint: a writer that bypassed the locked check above
        raise Conflict("Part of this period is already covered.", code="credit_period_overlap") from None


def _request_vintage(
    *,
    actor: User,
    building: Building,
    share: calc.VintageShare,
    months: list[MonthResult],
    baseline: Baseline,
    creditable: calc.CreditableAllocation,
) -> CreditBlock:
    block = CreditBlock.objects.create(
        building=building,
        period_start=pd.Period(months[0].period, "M").start_time.date(),
        period_end=pd.Period(months[-1].period, "M").end_time.date(),
        vintage=share.vintage,
        co2_saved_tons=_tons(share.co2_saved_kg / 1000),
        co2_credited_tons=share.co2_creditable_tons,
        credits_requested=share.credits,
        uncertainty_note=creditable.totals.uncertainty_note[:300],
        snapshot=_snapshot(baseline=baseline, months=months, share=share, creditable=creditable),
        requested_by=actor,
    )
    block.factors_used.set({m.factor["id"] for m in months if m.factor})
    audit_record(
        actor=actor,
        action="credits.requested",
        obj=block,
        after={
            "building": str(building.pk),
            "vintage": share.vintage,
            "credits_requested": share.credits,
            "co2_credited_tons": str(block.co2_credited_tons),
        },
    )
    return block


def _refuse_oversized(*, saved_tons: float, credited_tons: Decimal, vintage: int) -> None:
    """A request no block's columns can hold is a 422 before anything is written (the constraints back it)."""
    fits = math.isfinite(saved_tons) and credited_tons.is_finite()
    if not (fits and saved_tons <= float(MAX_BLOCK_TONS) and credited_tons < MAX_BLOCK_CREDITS + 1):
        raise Invalid(
            f"The request is larger than a credit block can hold: the {vintage} part of the period comes to "
            f"{float(credited_tons):,.0f} t CO2e, and one block holds at most {MAX_BLOCK_CREDITS:,} credits.",
            code="block_too_large",
        )


def _issued_range(block: CreditBlock) -> SerialRange:
    if block.serial_start is None or block.serial_end is None:
        raise ValueError("A block has serial numbers only once it is issued.")
    return SerialRange(block.serial_start, block.serial_end)


def _locked(block: CreditBlock) -> CreditBlock:
    return CreditBlock.objects.select_for_update().select_related("building").get(pk=block.pk)


def _allocate(count: int) -> tuple[int, SerialRange]:
    counter = SerialCounter.objects.select_for_update().get(pk=1)
    serials = SerialRange(counter.next_serial, counter.next_serial + count - 1)
    issuance = counter.next_issuance
    counter.next_serial, counter.next_issuance = serials.last + 1, issuance + 1
    counter.save()
    return issuance, serials


def _serial_of(block: CreditBlock, serials: SerialRange) -> str:
    if block.issuance_number is None:
        raise ValueError("A block has serial numbers only once it is issued.")
    return serial_string(
        issuance=block.issuance_number,
        serials=serials,
        country=block.building.grid_region,
        building_id=str(block.building_id),
        vintage_start=block.period_start,
        vintage_end=block.period_end,
    )


@transaction.atomic
def credits_verify(*, verifier: User, block: CreditBlock, decision: str, comment: str) -> CreditBlock:
    if not verifier.is_verifier:
        raise Forbidden("Only verifiers decide on credit issuance.")
    block = _locked(block)
    if block.building.owner_id == verifier.pk:
        raise Forbidden("Verifiers may not verify credits of a building they own.")
    if decision not in ("approve", "reject"):
        raise Invalid("The decision must be approve or reject.", errors={"decision": ["approve or reject"]})
    if decision == "reject" and not comment.strip():
        raise Invalid("A rejection needs a comment saying why.", errors={"comment": ["Required to reject."]})
    if block.status != Status.PENDING:
        raise Conflict(f"This block is {block.status}; only PENDING blocks are verified.", code="not_pending")
    before = {"status": block.status}
    block.verified_by, block.verified_at, block.verification_comment = verifier, timezone.now(), comment
    if decision == "approve":
        block.issuance_number, serials = _allocate(block.credits_requested)
        block.status, block.credits_issued = Status.ISSUED, serials.count
        block.serial_start, block.serial_end, block.serial = serials.first, serials.last, _serial_of(block, serials)
    else:
        block.status = Status.REJECTED
    block.save()
    audit_record(
        actor=verifier,
        action=f"credits.{block.status.lower()}",
        obj=block,
        before=before,
        after={"status": block.status, "serial": block.serial, "comment": comment},
    )
    if block.status == Status.ISSUED:
        events.publish(
            event_type="credits_issued",
            owner=block.building.owner,
            payload={
                "credit_id": str(block.pk),
                "building_id": str(block.building_id),
                "vintage": block.vintage,
                "credits_issued": block.credits_issued,
                "serial_start": block.serial_start,
                "serial_end": block.serial_end,
                "serial": block.serial,
            },
        )
    return block


@transaction.atomic
def credits_retire(
    *, actor: User, block: CreditBlock, quantity: int | None, beneficiary: str, reason: str
) -> CreditBlock:
    """Retires `quantity` credits (all by default) for a beneficiary; a part splits off as a RETIRED block."""
    block = _locked(block)
    if block.building.owner_id != actor.pk:
        raise Forbidden("Only the building's owner retires its credits.")
    if block.status != Status.ISSUED:
        raise Conflict(f"This block is {block.status}; only ISSUED credits can be retired.", code="not_issued")
    quantity = block.credits if quantity is None else quantity
    errors = {}
    if not 1 <= quantity <= block.credits:
        errors["quantity"] = [f"Between 1 and {block.credits}, the credits this block holds."]
    if not beneficiary.strip():
        errors["beneficiary"] = ["Say on whose behalf the credits are retired."]
    if not reason.strip():
        errors["reason"] = ["Say why the credits are retired."]
    if errors:
        raise Invalid("The retirement is not valid.", errors=errors)
    taken, rest = split_range(_issued_range(block), quantity)
    retired = block
    if rest is not None:
        block.serial_start, block.credits_issued, block.serial = rest.first, rest.count, _serial_of(block, rest)
        block.co2_saved_tons -= quantity
        block.co2_credited_tons -= quantity
        block.save()
        retired = CreditBlock(
            building=block.building,
            parent=block,
            period_start=block.period_start,
            period_end=block.period_end,
            vintage=block.vintage,
            co2_saved_tons=quantity,
            co2_credited_tons=quantity,
            credits_requested=quantity,
            issuance_number=block.issuance_number,
            uncertainty_note=block.uncertainty_note,
            snapshot=block.snapshot,
            requested_by=block.requested_by,
            verified_by=block.verified_by,
            verified_at=block.verified_at,
            verification_comment=block.verification_comment,
        )
    retired.status, retired.credits_issued, retired.retired_quantity = Status.RETIRED, quantity, quantity
    retired.serial_start, retired.serial_end, retired.serial = taken.first, taken.last, _serial_of(block, taken)
    retired.beneficiary, retired.retirement_reason, retired.retired_at = beneficiary, reason, timezone.now()
    retired.save()
    if retired is not block:
        retired.factors_used.set(block.factors_used.all())
    audit_record(
        actor=actor,
        action="credits.retired",
        obj=retired,
        after={
            "quantity": quantity,
            "serial": retired.serial,
            "beneficiary": beneficiary,
            "reason": reason,
            "remaining_block": str(block.pk) if rest else None,
        },
    )
    return retired


def credits_withdraw_for_deleted_building(*, building: Building, **_: Any) -> None:
    """A building being deleted takes its pending and rejected requests with it; issued or retired credits
    are a registry record, so they refuse the delete (CreditBlock.building is also a protected key)."""
    blocks = building.credit_blocks.all()
    if blocks.filter(status__in=[Status.ISSUED, Status.RETIRED]).exists():
        raise Conflict(
            "This building has issued or retired carbon credits, so it cannot be deleted.", code="building_has_credits"
        )
    blocks.delete()
