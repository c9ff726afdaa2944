from celery import shared_task

from .models import Upload, UploadStatus
from .services import meter_upload_process, upload_fail


@shared_task(name="metering.process_meter_upload", acks_late=True, max_retries=0)
def process_meter_upload(upload_id: str) -> str:
    upload = Upload.objects.select_related("building", "uploaded_by").filter(pk=upload_id).first()
    if upload is None:
        return "missing"
    try:
        return meter_upload_process(upload=upload).status
    except Exception as exc:
        upload.refresh_from_db()
        if upload.status == UploadStatus.PROCESSING:
            upload_fail(upload=upload, reason=f"The file could not be stored: {exc.__class__.__name__}.")
        raise
