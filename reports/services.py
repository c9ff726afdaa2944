"""Writes of reports: the request, the worker's render, failure, and the sweeper that ends stuck renders.

A report only ever moves processing → completed or processing → failed; both are final, so a late or
repeated delivery of the render task never changes a finished report.
"""

import calendar
import hashlib
import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from buildings.models import Building
from carbonexia.audit.services import Actor, audit_record
from carbonexia.common.errors import Invalid, ServiceError
from carbonexia.common.tasks import enqueue
from carbonexia.events import publish

from .context import report_context
from .models import Report, ReportStatus, report_file_name
from .pdf import RenderedPdf, pdf_from_html

log = logging.getLogger(__name__)

TEMPLATE = "reports/report.html"
EARLIEST = date(2000, 1, 1)
MAX_MONTHS = 10 * 12
MAX_ATTEMPTS = 3
# Longer than every legitimate path to an answer: three attempts at the task's hard time limit, their
# retry back-off, and one redelivery after the broker's visibility timeout when a whole worker dies.
PROCESSING_DEADLINE = timedelta(minutes=45)
WORKER, SWEEPER = "reports worker", "reports sweeper"
STUCK_REASON = "The report took too long or its worker stopped; generate it again."


def report_download_path(report: Report) -> str:
    return reverse("report-download", kwargs={"report_id": report.public_id})


def _check_period(building: Building, start: date, end: date) -> None:
    if end < start:
        raise Invalid("The period ends before it starts.", errors={"period_end": ["Must not be before period_start."]})
    errors = {}
    if start.day != 1:
        errors["period_start"] = ["Reports cover whole months: use the first day of a month."]
    if end.day != calendar.monthrange(end.year, end.month)[1]:
        errors["period_end"] = ["Reports cover whole months: use the last day of a month."]
    if errors:
        raise Invalid("Reports cover whole calendar months.", errors=errors)
    if start < EARLIEST:
        raise Invalid("The period starts too early.", errors={"period_start": [f"Must be {EARLIEST} or later."]})
    if end > timezone.localdate(timezone=ZoneInfo(building.timezone)):
        raise Invalid("The period has not ended yet.", errors={"period_end": ["Must be a month that has ended."]})
    if (end.year - start.year) * 12 + end.month - start.month + 1 > MAX_MONTHS:
        raise Invalid(
            f"A report covers at most {MAX_MONTHS // 12} years.",
            errors={"period_end": [f"At most {MAX_MONTHS // 12} years after period_start."]},
        )


def report_request(*, actor: User, building: Building, period_start: date, period_end: date) -> Report:
    """Stores a processing report and queues its rendering in the same transaction."""
    _check_period(building, period_start, period_end)
    with transaction.atomic():
        report = Report.objects.create(
            building=building, period_start=period_start, period_end=period_end, requested_by=actor
        )
        audit_record(
            actor=actor,
            action="report.requested",
            obj=report,
            after={"building": str(building.pk), "period_start": period_start, "period_end": period_end},
        )
        enqueue("reports.render", str(report.pk))
    return report


def report_render(*, report: Report) -> Report:
    """The worker's half: renders a processing report's PDF; a finished report is returned untouched."""
    report = _attempt_start(report)
    if report.status != ReportStatus.PROCESSING:
        return report
    generated_at = timezone.now()
    html = render_to_string(TEMPLATE, report_context(report=report, generated_at=generated_at))
    return _complete(report, pdf_from_html(html), generated_at)


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().get(pk=report.pk)


def _attempt_start(report: Report) -> Report:
    """Counts the attempt in its own commit, so an attempt whose worker dies is still counted."""
    with transaction.atomic():
        locked = _locked(report)
        if locked.status != ReportStatus.PROCESSING:
            return locked
        if locked.attempts >= MAX_ATTEMPTS:
            return _fail(
                locked,
                reason=f"The report could not be generated in {MAX_ATTEMPTS} attempts; generate it again.",
                actor=WORKER,
            )
        locked.attempts += 1
        locked.save(update_fields=["attempts", "updated_at"])
    return Report.objects.select_related("building__weather_station", "building__owner", "requested_by").get(
        pk=report.pk
    )


@transaction.atomic
def _complete(report: Report, rendered: RenderedPdf, generated_at: datetime) -> Report:
    locked = _locked(report)
    if locked.status != ReportStatus.PROCESSING:
        log.info("Report %s was %s before its render finished; the PDF is discarded.", report.pk, locked.status)
        return locked
    name = report_file_name(locked, "")
    locked.file.storage.delete(name)
    locked.file.save(name, ContentFile(rendered.data), save=False)
    locked.sha256 = hashlib.sha256(rendered.data).hexdigest()
    locked.page_count = rendered.page_count
    locked.generated_at = generated_at
    locked.status = ReportStatus.COMPLETED
    locked.save()
    audit_record(
        actor=WORKER,
        action="report.completed",
        obj=locked,
        after={"sha256": locked.sha256, "page_count": locked.page_count, "attempts": locked.attempts},
    )
    publish(
        event_type="report_ready",
        owner=report.building.owner,
        payload={"report_id": locked.public_id, "file_path": report_download_path(locked)},
    )
    return locked


def _fail(locked: Report, *, reason: str, actor: Actor) -> Report:
    locked.status = ReportStatus.FAILED
    locked.error = reason
    locked.save(update_fields=["status", "error", "updated_at"])
    audit_record(actor=actor, action="report.failed", obj=locked, after={"error": reason, "attempts": locked.attempts})
    return locked


@transaction.atomic
def report_fail(*, report: Report, reason: str, actor: Actor = WORKER) -> Report:
    """Ends a processing report as failed with a reason for its reader; a finished report is left alone."""
    locked = _locked(report)
    return _fail(locked, reason=reason, actor=actor) if locked.status == ReportStatus.PROCESSING else locked


def failure_reason(error: BaseException) -> str:
    """What the report's reader is told; the traceback goes to the log only."""
    if isinstance(error, ServiceError):
        return error.detail
    if isinstance(error, (SoftTimeLimitExceeded, TimeLimitExceeded)):
        return "The report took longer than allowed to render; generate it again, or for a shorter period."
    return (
        "The report could not be rendered because of an error on our side, which has been logged "
        f"({error.__class__.__name__}); generate it again, and contact support if it keeps failing."
    )


def reports_sweep(*, deadline: timedelta = PROCESSING_DEADLINE) -> int:
    """Fails every report still processing `deadline` after it was requested; returns how many."""
    cutoff = timezone.now() - deadline
    stuck = list(Report.objects.filter(status=ReportStatus.PROCESSING, created_at__lt=cutoff))
    for report in stuck:
        report_fail(report=report, reason=STUCK_REASON, actor=SWEEPER)
    return len(stuck)
