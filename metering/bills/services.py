"""Writes of utility bills: the upload, the worker's reading (OCR + the bill text parser), failure, the
sweeper that ends stuck readings, and the owner's confirmation that makes a bill billing data.

A bill only moves processing → completed or processing → failed, both final, so a late or repeated
delivery of the reading task never changes a bill that was read. Only a completed bill can be
confirmed, and confirmed again with corrections; every confirmation is audit-logged with what it replaced.
The figures are checked against the building and its meter (checks.py) when read and again when confirmed;
a bill the checks flag is confirmed only with the owner's explicit acknowledgement, which the audit keeps.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from buildings.models import Building
from buildings.services import building_data_changed
from carbonexia.audit.services import Actor, audit_record
from carbonexia.common.errors import Conflict, Invalid
from carbonexia.common.tasks import enqueue
from carbonexia.events import publish

from ..parsers.bill_text import parse_bill_text
from ..parsers.espi_billing import BillingPeriod
from ..uploads.models import Upload, UploadKind, UploadStatus
from ..uploads.services import upload_store
from . import ocr
from .checks import BillCheck, bill_check, checkable
from .models import EARLIEST_BILL_DATE, MAX_BILL_DAYS, MAX_BILL_KWH, BillSource, UtilityBill

# Far beyond one reading (the task's hard limit is 5 minutes) plus a redelivery after a lost worker.
PROCESSING_DEADLINE = timedelta(minutes=30)
WORKER, SWEEPER = "bills worker", "bills sweeper"
STUCK_REASON = "Reading the bill took too long or its worker stopped; upload it again."


def bill_upload(*, actor: User, building: Building, data: bytes, filename: str) -> UtilityBill:
    """Stores the file and its bill, processing, and queues the reading in the same transaction."""
    kind = ocr.file_kind(data)  # 415 before anything is stored
    with transaction.atomic():
        upload = upload_store(kind=UploadKind.BILL, actor=actor, data=data, filename=filename, building=building)
        upload.save()
        bill = UtilityBill.objects.create(upload=upload, building=building)
        audit_record(
            actor=actor,
            action="bill.uploaded",
            obj=bill,
            after={"upload_id": bill.public_id, "filename": upload.filename, "sha256": upload.sha256, "kind": kind},
        )
        enqueue("metering.process_bill", str(bill.pk))
    return bill


def extracted_fields(bill: UtilityBill) -> dict[str, Any]:
    return {
        "kwh": bill.kwh,
        "billing_days": bill.billing_days,
        "meter_number": bill.meter_number or None,
        "period_start": bill.period_start,
        "period_end": bill.period_end,
    }


def bill_process(*, bill: UtilityBill) -> UtilityBill:
    """The worker's half: read the stored file and keep what the bill says, or fail with the reason."""
    if bill.status != UploadStatus.PROCESSING:
        return bill  # a redelivered task finds the work done
    with bill.upload.file.open("rb") as stored:
        data = stored.read()
    try:
        read = ocr.bill_text(data)
    except ocr.Unreadable as exc:
        return bill_fail(bill=bill, reason=f"The bill could not be read: {exc}")
    fields = parse_bill_text(read.text)
    reading = {**read.summary(), "notes": list(fields.notes)}
    if fields.kwh is None and fields.period_start is None:
        reason = (
            "No text was found in the file; send a sharper scan or photo of the bill."
            if not read.text.strip()
            else "Text was read from the file, but no kWh consumed or billing period was found in it."
        )
        return bill_fail(bill=bill, reason=reason, raw_text=read.text, reading=reading)
    with transaction.atomic():
        locked = UtilityBill.objects.select_for_update().select_related("building").get(pk=bill.pk)
        if locked.status != UploadStatus.PROCESSING:
            return locked
        for name in ("kwh", "billing_days", "period_start", "period_end"):
            setattr(locked, name, getattr(fields, name))
        locked.meter_number = (fields.meter_number or "")[:64]
        locked.confidence, locked.raw_text, locked.reading = fields.confidence, read.text, reading
        _check_as_read(locked)
        _settle(locked, UploadStatus.COMPLETED)
        extracted = extracted_fields(locked)
        audit_record(actor=WORKER, action="bill.read", obj=locked, after={**extracted, "confidence": fields.confidence})
        publish(
            event_type="ocr_completed",
            owner=locked.building.owner,
            payload={
                "upload_id": locked.public_id,
                "building_id": str(locked.building_id),
                "extracted": {name: extracted[name] for name in ("kwh", "billing_days", "meter_number")},
            },
        )
    return locked


def _check_as_read(bill: UtilityBill) -> None:
    """Checks the figures as read, when all three were found and the period is one the checks can judge."""
    kwh, start, end = bill.kwh, bill.period_start, bill.period_end
    if kwh is None or start is None or end is None or not checkable(start, end):
        return
    _keep_check(bill, bill_check(building=bill.building, kwh=kwh, period_start=start, period_end=end))


def _keep_check(bill: UtilityBill, check: BillCheck) -> None:
    for name, value in check.fields().items():
        setattr(bill, name, value)
    bill.checked_at = timezone.now()


def _settle(locked: UtilityBill, status: str, *, error: str = "") -> None:
    """Ends a locked bill and its upload row (the evidence the admin lists) with the same status."""
    now = timezone.now()
    locked.status, locked.error, locked.finished_at = status, error, now
    locked.save()
    Upload.objects.filter(pk=locked.upload_id).update(
        status=status, error=error, progress=100, finished_at=now, updated_at=now
    )


@transaction.atomic
def bill_fail(
    *, bill: UtilityBill, reason: str, raw_text: str = "", reading: dict[str, Any] | None = None, actor: Actor = WORKER
) -> UtilityBill:
    """Ends a processing bill as failed with a reason for its owner; a bill already ended is left alone."""
    locked = UtilityBill.objects.select_for_update().get(pk=bill.pk)
    if locked.status != UploadStatus.PROCESSING:
        return locked
    locked.raw_text, locked.reading = raw_text, reading or {}
    _settle(locked, UploadStatus.FAILED, error=reason)
    audit_record(actor=actor, action="bill.failed", obj=locked, after={"error": reason})
    return locked


def failure_reason(error: BaseException) -> str:
    """What the bill's owner is told when reading fails unexpectedly; the traceback goes to the log only."""
    if isinstance(error, SoftTimeLimitExceeded):
        return "Reading the bill took longer than allowed; send a smaller file or fewer pages."
    return (
        "The bill could not be read because of an error on our side, which has been logged "
        f"({error.__class__.__name__}); upload it again, and contact support if it keeps failing."
    )


def bills_sweep(*, deadline: timedelta = PROCESSING_DEADLINE) -> int:
    """Fails every bill still processing `deadline` after its upload; returns how many."""
    stuck = list(UtilityBill.objects.filter(status=UploadStatus.PROCESSING, created_at__lt=timezone.now() - deadline))
    for bill in stuck:
        bill_fail(bill=bill, reason=STUCK_REASON, actor=SWEEPER)
    return len(stuck)


def _confirmation(bill: UtilityBill) -> dict[str, Any]:
    return {
        "kwh": bill.confirmed_kwh,
        "period_start": bill.confirmed_period_start,
        "period_end": bill.confirmed_period_end,
    }


def _check_figures(*, building: Building, kwh: float, period_start: date, period_end: date) -> None:
    errors = {}
    if not math.isfinite(kwh) or kwh < 0:
        errors["kwh"] = ["Must be a finite number of kWh, 0 or more."]
    elif kwh > MAX_BILL_KWH:
        errors["kwh"] = [f"Must be at most {MAX_BILL_KWH:,.0f} kWh: no building's bill comes near it."]
    today = pd.Timestamp.now(tz=building.timezone).date()
    if period_start < EARLIEST_BILL_DATE:
        errors["period_start"] = [f"Must not be before {EARLIEST_BILL_DATE.isoformat()}."]
    if period_start > period_end:
        errors["period_end"] = ["Must not be before period_start."]
    elif (period_end - period_start).days + 1 > MAX_BILL_DAYS:
        errors["period_end"] = [f"A bill covers at most {MAX_BILL_DAYS} days, both ends included."]
    elif period_end > today:
        errors["period_end"] = [f"Must not be after today ({today.isoformat()} in the building's time zone)."]
    if errors:
        raise Invalid("The confirmed figures are not valid; nothing was changed.", errors=errors)


def _confirmed_overlapping(building: Building, period_start: date, period_end: date) -> QuerySet[UtilityBill]:
    """The building's confirmed bills sharing a day with the period: confirmed bills never overlap."""
    return UtilityBill.objects.filter(
        building=building,
        confirmed=True,
        confirmed_period_start__lte=period_end,
        confirmed_period_end__gte=period_start,
    ).select_related("upload")


def _overlap_refused(overlapping: UtilityBill, *, where: str = "The period") -> Conflict:
    return Conflict(
        f"{where} overlaps bill {overlapping.public_id} ({overlapping.confirmed_period_start} to "
        f"{overlapping.confirmed_period_end}), which is already confirmed: its days would be counted twice.",
        code="bill_overlap",
    )


@transaction.atomic
def bill_confirm(
    *,
    actor: User,
    bill: UtilityBill,
    kwh: float,
    period_start: date,
    period_end: date,
    acknowledge_mismatch: bool = False,
) -> UtilityBill:
    """The owner's kWh and period for a read bill (as read, or corrected); from now on billing data. When the
    checks flag the figures, only with `acknowledge_mismatch`."""
    # The building's row lock serialises confirmations of its bills, so the overlap check below holds.
    building = Building.objects.select_for_update().get(pk=bill.building_id)
    locked = UtilityBill.objects.select_for_update().get(pk=bill.pk)
    if locked.status == UploadStatus.PROCESSING:
        raise Conflict("The bill is still being read; confirm it once its status is completed.", code="bill_processing")
    if locked.status == UploadStatus.FAILED:
        raise Conflict(
            "The bill could not be read, so it cannot be confirmed; upload a clearer copy.", code="bill_failed"
        )
    _check_figures(building=building, kwh=kwh, period_start=period_start, period_end=period_end)
    overlapping = _confirmed_overlapping(building, period_start, period_end).exclude(pk=locked.pk).first()
    if overlapping:
        raise _overlap_refused(overlapping)
    check = bill_check(building=building, kwh=kwh, period_start=period_start, period_end=period_end)
    if check.flagged and not acknowledge_mismatch:
        raise Invalid(
            "The bill's checks flag its figures, so nothing was confirmed: correct them, or confirm them as they are "
            "with acknowledge_mismatch.",
            code="bill_flagged",
            errors={"acknowledge_mismatch": check.problems()},
        )
    before = _confirmation(locked) if locked.confirmed else None
    _keep_check(locked, check)
    locked.checks_acknowledged = check.flagged
    locked.confirmed = True
    locked.confirmed_kwh, locked.confirmed_period_start, locked.confirmed_period_end = kwh, period_start, period_end
    locked.confirmed_by, locked.confirmed_at = actor, timezone.now()
    locked.save()
    building_data_changed(building)
    audit_record(
        actor=actor,
        action="bill.confirmed",
        obj=locked,
        before=before,
        after={
            **_confirmation(locked),
            "extracted": extracted_fields(locked),
            "checks": {**check.fields(), "flagged": check.flagged, "acknowledged": locked.checks_acknowledged},
        },
    )
    return locked


@dataclass(frozen=True)
class BillingImport:
    created: list[UtilityBill]
    unchanged: int  # periods already confirmed with the same days and kWh


def _rows_refused(rows: list[dict[str, Any]], what: str, *, code: str, **errors: Any) -> Invalid:
    count = len(rows)
    return Invalid(
        f"{count} billing period{'' if count == 1 else 's'} of the file {what}; nothing was stored.",
        code=code,
        errors={"rows": rows, "total": count, **errors},
    )


def _same_figures(bill: UtilityBill, first_day: date, last_day: date, kwh: float) -> bool:
    return (bill.confirmed_period_start, bill.confirmed_period_end) == (first_day, last_day) and math.isclose(
        bill.confirmed_kwh or 0.0, kwh, rel_tol=1e-9, abs_tol=1e-9
    )


def greenbutton_bills_import(
    *, actor: User, upload: Upload, periods: list[BillingPeriod], acknowledge_mismatch: bool = False
) -> BillingImport:
    """Each billing period of a Green Button file as a confirmed bill of the
    upload's building: the utility's own figures, under the bill rules of a confirmation (bounds, no overlap with a
    confirmed bill, the checks, which need `acknowledge_mismatch` to pass a flagged figure). A period already
    confirmed with the same days and kWh is left as it is (so a file uploaded again creates nothing); any other
    overlap refuses the whole file, as any bad period does. In the caller's transaction."""
    assert upload.building_id is not None  # a meter file always belongs to a building
    building = Building.objects.select_for_update().get(pk=upload.building_id)
    rows = []
    for period in periods:
        try:
            _check_figures(building=building, kwh=period.kwh, period_start=period.first_day, period_end=period.last_day)
        except Invalid as refusal:
            said = (refusal.errors or {}).items()
            rows += [{"row": period.line, "column": field, "message": m} for field, ms in said for m in ms]
    if rows:
        raise _rows_refused(rows, "are not valid bills", code="invalid_rows")
    created: list[UtilityBill] = []
    flagged: list[dict[str, Any]] = []
    unchanged, now = 0, timezone.now()
    for index, period in enumerate(periods, start=1):
        first_day, last_day, kwh = period.first_day, period.last_day, period.kwh
        overlapping = list(_confirmed_overlapping(building, first_day, last_day)[:2])
        if len(overlapping) == 1 and _same_figures(overlapping[0], first_day, last_day, kwh):
            unchanged += 1
            continue
        if overlapping:
            raise _overlap_refused(
                overlapping[0], where=f"The billing period on line {period.line} ({first_day} to {last_day})"
            )
        check = bill_check(building=building, kwh=kwh, period_start=first_day, period_end=last_day)
        if check.flagged and not acknowledge_mismatch:
            flagged.append({"row": period.line, "column": "value", "message": " ".join(check.problems())})
        bill = UtilityBill(
            upload=upload,
            period_index=index,
            source=BillSource.GREENBUTTON,
            building=building,
            status=UploadStatus.COMPLETED,
            kwh=kwh,
            billing_days=(last_day - first_day).days + 1,
            period_start=first_day,
            period_end=last_day,
            confidence={name: 1.0 for name in ("kwh", "billing_days", "period_start", "period_end")},
            reading={"notes": [f"Billing period of the Green Button file {upload.filename}, line {period.line}."]},
            finished_at=now,
            checks_acknowledged=check.flagged,
            confirmed=True,
            confirmed_kwh=kwh,
            confirmed_period_start=first_day,
            confirmed_period_end=last_day,
            confirmed_by=actor,
            confirmed_at=now,
        )
        _keep_check(bill, check)
        created.append(bill)
    if flagged:
        raise _rows_refused(
            flagged,
            "are flagged by the bill checks (send acknowledge_mismatch to import them as they are)",
            code="bill_flagged",
            acknowledge_mismatch=[row["message"] for row in flagged],
        )
    for bill in created:
        bill.full_clean(exclude=["upload", "building", "confirmed_by"])
        bill.save()
        audit_record(
            actor=actor,
            action="bill.imported",
            obj=bill,
            after={**_confirmation(bill), "line": bill.reading["notes"][0]},
        )
    if created:
        building_data_changed(building)
    return BillingImport(created=created, unchanged=unchanged)
