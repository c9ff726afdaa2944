import logging

from celery import shared_task

from carbonexia.common.tasks import committed

from .bill_services import bill_fail, bill_process, bills_sweep, failure_reason
from .models import Upload, UploadStatus, UtilityBill
from .services import meter_upload_process, upload_fail

log = logging.getLogger(__name__)


@shared_task(bind=True, name="metering.process_meter_upload", acks_late=True, reject_on_worker_lost=True)
def process_meter_upload(self, upload_id: str) -> str:
    upload = committed(self, Upload, upload_id, related=("building", "uploaded_by"))
    try:
        return meter_upload_process(upload=upload).status
    except Exception as exc:
        upload.refresh_from_db()
        if upload.status == UploadStatus.PROCESSING:
            upload_fail(upload=upload, reason=f"The file could not be stored: {exc.__class__.__name__}.")
        raise


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
