"""Maps every API error to the envelope of API.md: {"detail", "code", "errors"?}."""

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework_simplejwt import exceptions as jwt_exceptions

from .errors import ServiceError

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30  # when a dependency (the database, the task queue) is down

_DRF_CODES = {
    exceptions.ParseError: (400, "malformed_request"),
    exceptions.AuthenticationFailed: (401, "not_authenticated"),
    exceptions.NotAuthenticated: (401, "not_authenticated"),
    exceptions.PermissionDenied: (403, "permission_denied"),
    exceptions.NotFound: (404, "not_found"),
    exceptions.MethodNotAllowed: (405, "method_not_allowed"),
    exceptions.NotAcceptable: (406, "not_acceptable"),
    exceptions.UnsupportedMediaType: (415, "unsupported_media_type"),
    exceptions.Throttled: (429, "throttled"),
}

# SimpleJWT's refusals carry a dict of detail, code and per-token-class messages; a client gets one sentence.
_EXPIRED_OR_INVALID = "The access token is not valid or has expired; log in again."
_TOKEN_REFUSALS = {
    "token_not_valid": _EXPIRED_OR_INVALID,
    "bad_authorization_header": "The Authorization header must be 'Bearer', a space, and the access token.",
    "user_not_found": "The account this access token was issued to no longer exists.",
    "user_inactive": "The account this access token was issued to is disabled.",
}


def error_body(detail: str, code: str, errors=None) -> dict:
    body = {"detail": detail, "code": code}
    if errors:
        body["errors"] = errors
    return body


def _first_sentence(errors) -> str:
    if isinstance(errors, dict) and set(errors) == {"non_field_errors"}:
        return str(errors["non_field_errors"][0])
    if isinstance(errors, dict):
        fields = ", ".join(sorted(errors))
        return f"Some fields are not valid: {fields}."
    if isinstance(errors, list) and errors:
        return str(errors[0])
    return "The request is not valid."


def api_exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if exc.status == 503 else None
        return Response(
            {**error_body(exc.detail, exc.code, exc.errors), **exc.extra}, status=exc.status, headers=headers
        )
    if isinstance(exc, (OperationalError, InterfaceError)):
        # The connection failed or was lost (the request's transaction rolled back): worth a retry, not a bug.
        log.error("Database unavailable in %s", context.get("view").__class__.__name__, exc_info=exc)
        body = error_body("The database could not be reached; try again in a minute.", "database_unavailable")
        return Response(body, status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        return Response(error_body("The request body is larger than the upload limit.", "too_large"), status=413)

    if isinstance(exc, jwt_exceptions.AuthenticationFailed):
        code = str(exc.detail.get("code", "token_not_valid"))
        headers = {"WWW-Authenticate": exc.auth_header} if getattr(exc, "auth_header", None) else None
        return Response(error_body(_TOKEN_REFUSALS.get(code, _EXPIRED_OR_INVALID), code), status=401, headers=headers)

    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return Response(error_body(_first_sentence(errors), "invalid", errors), status=422)

    if isinstance(exc, exceptions.APIException):
        status_code, code = next(
            (value for cls, value in _DRF_CODES.items() if isinstance(exc, cls)),
            (exc.status_code, exc.default_code),
        )
        detail = exc.detail if isinstance(exc.detail, str) else _first_sentence(exc.detail)
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(int(exc.wait + 0.999))
        return Response(error_body(str(detail), code), status=status_code, headers=headers)

    log.exception("Unhandled error in %s", context.get("view").__class__.__name__, exc_info=exc)
    return Response(
        error_body("Something went wrong on our side; it has been logged.", "server_error"),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


def _wants_html(request) -> bool:
    accept = request.headers.get("Accept", "")
    return "text/html" in accept and not request.path.startswith("/api")


def json_not_found(request, exception=None):
    if _wants_html(request):
        from django.views.defaults import page_not_found

        return page_not_found(request, exception)
    return JsonResponse(error_body("Not found.", "not_found"), status=404)


def json_server_error(request):
    if _wants_html(request):
        from django.views.defaults import server_error

        return server_error(request)
    return JsonResponse(error_body("Something went wrong on our side; it has been logged.", "server_error"), status=500)


def json_bad_request(request, exception=None):
    return JsonResponse(error_body("The request could not be understood.", "malformed_request"), status=400)


def json_permission_denied(request, exception=None):
    return JsonResponse(error_body("You may not do this.", "permission_denied"), status=403)
