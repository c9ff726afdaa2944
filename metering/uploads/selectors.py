"""Reads of uploads: tenant scoping, and a processing upload's progress."""

from django.core.cache import cache

from accounts.roles import sees_all_buildings
from carbonexia.common.errors import NotFound

from .models import Upload, UploadStatus


def upload_for_read(*, user, upload_id, kinds: tuple[str, ...]) -> Upload:
    uploads = Upload.objects.filter(kind__in=kinds)
    if not sees_all_buildings(user):
        uploads = uploads.filter(uploaded_by=user)
    upload = uploads.filter(pk=upload_id).first() if upload_id else None
    if upload is None:
        raise NotFound("No such upload.")
    return upload


def upload_progress_key(upload_id) -> str:
    return f"upload-progress:{upload_id}"


def upload_progress(upload: Upload) -> int:
    """Percent done: a worker reports progress through the cache while the row is locked in its transaction."""
    if upload.status != UploadStatus.PROCESSING:
        return upload.progress
    return cache.get(upload_progress_key(upload.pk), upload.progress)
