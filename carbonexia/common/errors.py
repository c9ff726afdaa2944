"""The one error type services raise; the API exception handler and the portal turn it into answers."""

from typing import Any


class ServiceError(Exception):
    status = 422
    code = "invalid"

    def __init__(
        self, detail: str, *, code: str | None = None, errors: dict[str, Any] | None = None, extra: dict | None = None
    ):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.extra = extra or {}  # further top-level keys of the error body, e.g. credits' "reasons"
        if code:
            self.code = code


class Invalid(ServiceError):
    status = 422
    code = "invalid"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Forbidden(ServiceError):
    status = 403
    code = "permission_denied"


class Unavailable(ServiceError):
    status = 503
    code = "unavailable"
