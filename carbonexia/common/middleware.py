from django.conf import settings
from django.http import JsonResponse

from .exceptions import error_body


class UploadSizeLimitMiddleware:
    """Answers 413 before a too-large body is read, for every path (API.md: MAX_UPLOAD_MB)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_UPLOAD_BYTES:
            return JsonResponse(
                error_body(f"The request body is larger than the {settings.MAX_UPLOAD_MB} MB limit.", "too_large"),
                status=413,
            )
        return self.get_response(request)
