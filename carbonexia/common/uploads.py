from django.conf import settings
from rest_framework.exceptions import ParseError

from .errors import Invalid, ServiceError


class TooLarge(ServiceError):
    status = 413
    code = "too_large"


def uploaded_file(request, field: str = "file") -> tuple[bytes, str]:
    """The bytes and name of a multipart file field, with the API's 400/413/422 answers."""
    if not request.content_type.startswith("multipart/form-data"):
        raise ParseError("This endpoint expects a multipart/form-data upload with a 'file' field.")
    upload = request.FILES.get(field)
    if upload is None:
        raise Invalid("No file was uploaded.", errors={field: ["A file is required."]})
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise TooLarge(f"The file is larger than the {settings.MAX_UPLOAD_MB} MB limit.")
    return upload.read(), upload.name or "upload"
