from celery import shared_task

from carbonexia.common.tasks import committed

from ..uploads.models import Upload, UploadStatus
from ..uploads.services import upload_fail
from .services import meter_upload_process


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
