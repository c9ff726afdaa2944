import logging

from celery import shared_task
from celery.exceptions import TimeLimitExceeded
from celery.signals import task_failure
from django.db import InterfaceError, OperationalError

from carbonexia.common.tasks import committed

from .models import Report
from .services import MAX_ATTEMPTS, failure_reason, report_fail, report_render, reports_sweep

log = logging.getLogger(__name__)

# Below the broker's visibility timeout (settings: twice the default hard limit), so a render that is
# still running is never handed to a second worker.
SOFT_TIME_LIMIT, TIME_LIMIT = 240, 300
RETRY_DELAY = 30
TRANSIENT_ERRORS = (OperationalError, InterfaceError, OSError)


@shared_task(
    bind=True,
    name="reports.render",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
    max_retries=MAX_ATTEMPTS - 1,
)
def render_report(self, report_id: str) -> str:
    """Renders one report. A lost worker gets the task redelivered (late ack); errors end it as failed,
    on a worker after bounded retries for errors of the database or the file system that may pass."""
    report = committed(self, Report, report_id)
    try:
        return report_render(report=report).status
    except Exception as error:
        retryable = isinstance(error, TRANSIENT_ERRORS) and self.request.retries < self.max_retries
        # In process (no broker) a retry would surface as an error in the request that asked for the report.
        if retryable and not self.request.is_eager:
            raise self.retry(exc=error, countdown=RETRY_DELAY * 2**self.request.retries) from None
        log.exception("Report %s failed to render", report_id)
        return report_fail(report=report, reason=failure_reason(error)).status


@task_failure.connect
def _fail_on_hard_time_limit(sender=None, exception=None, args=(), **kwargs):
    """Past its hard limit a render is killed in the pool, so the worker's main process records why."""
    if getattr(sender, "name", None) != render_report.name or not isinstance(exception, TimeLimitExceeded):
        return
    report = Report.objects.filter(pk=args[0]).first()
    if report is not None:
        report_fail(report=report, reason=failure_reason(exception))


@shared_task(name="reports.sweep_stuck", acks_late=True)
def sweep_stuck_reports() -> int:
    return reports_sweep()
