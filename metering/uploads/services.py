"""Writes of uploads: every received file is stored and kept as evidence, then completed or failed."""

import hashlib

import pandas as pd
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from buildings.models import Building, WeatherStation
from carbonexia.audit.services import audit_record
from carbonexia.common.errors import Invalid

from .models import Upload, UploadStatus


def upload_store(
    *,
    kind: str,
    actor: User,
    data: bytes,
    filename: str,
    building: Building | None = None,
    station: WeatherStation | None = None,
) -> Upload:
    """An unsaved Upload with the file written to storage: every received file is kept as evidence."""
    upload = Upload(
        kind=kind,
        building=building,
        station=station,
        uploaded_by=actor,
        filename=filename[:255],
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    upload.file.save(filename or "upload", ContentFile(data), save=False)
    return upload


def upload_complete(
    *, upload: Upload, frame: pd.DataFrame, inserted: int, updated: int, until: pd.Timestamp | None = None
) -> Upload:
    """Ends an upload as stored: the rows of `frame` (column ts), of which `inserted` were new; `until` is the end of
    the last row's period when the rows are periods (bills), not instants."""
    rows = len(frame)
    upload.status = UploadStatus.COMPLETED
    upload.progress = 100
    upload.rows = rows
    upload.inserted, upload.updated = inserted, updated
    upload.period_start = frame["ts"].min().to_pydatetime()
    upload.period_end = (frame["ts"].max() if until is None else until).to_pydatetime()
    upload.finished_at = timezone.now()
    upload.save()
    audit_record(
        actor=upload.uploaded_by,
        action="upload.completed",
        obj=upload,
        after={
            "kind": upload.kind,
            "sha256": upload.sha256,
            "rows": rows,
            "inserted": inserted,
            "updated": updated,
        },
    )
    return upload


def upload_fail(*, upload: Upload, reason: Invalid | str) -> Upload:
    detail = reason if isinstance(reason, str) else reason.detail
    upload.status = UploadStatus.FAILED
    upload.error = detail
    upload.errors = None if isinstance(reason, str) else reason.errors
    upload.finished_at = timezone.now()
    upload.save(update_fields=["status", "error", "errors", "finished_at", "updated_at"])
    audit_record(actor=upload.uploaded_by, action="upload.failed", obj=upload, after={"error": detail})
    return upload
