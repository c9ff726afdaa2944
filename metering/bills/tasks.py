import logging

from celery import shared_task

from carbonexia.common.tasks import committed

from .models import UtilityBill
from .services import bill_fail, bill_process, bills_sweep, failure_reason

log = logging.getLogger(__name__)


# Below the broker's visibility timeout (twice the default hard limit), so a bill still being read is
# never handed to a second worker; five pages tried in four orientations fit well inside.
BILL_SOFT_TIME_LIMIT, BILL_TIME_LIMIT = 240, 300


@shared_task(
    bind=True,
    name="metering.process_bill",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=BILL_SOFT_TIME_LIMIT,
    time_limit=BILL_TIME_LIMIT,
)
def process_bill(self, bill_id: str) -> str:
    bill = committed(self, UtilityBill, bill_id, related=("upload", "building"))
    try:
        return bill_process(bill=bill).status
    except Exception as error:
        log.exception("Bill %s could not be read", bill_id)
        return bill_fail(bill=bill, reason=failure_reason(error)).status


@shared_task(name="metering.sweep_stuck_bills", acks_late=True)
def sweep_stuck_bills() -> int:
    return bills_sweep()
