"""OpenAPI generation: one listing per path, and the error answers every operation can give (API.md, Errors)."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import force_instance, is_serializer
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

BODY_METHODS = {"POST", "PUT", "PATCH"}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "required": True, "description": "Seconds to wait."}}


def drop_slash_twins(endpoints, **kwargs):
    """Every API path is routed with and without a trailing slash; the schema lists each once."""
    return [endpoint for endpoint in endpoints if not (endpoint[0].endswith("/") and endpoint[0] != "/")]


class ErrorOut(serializers.Serializer):
    detail = serializers.CharField(help_text="One human sentence.")
    code = serializers.CharField(help_text="A machine code, e.g. not_found, invalid, invalid_rows.")
    # A field named like Serializer.errors: this serializer only describes the schema, it never validates.
    errors = serializers.DictField(  # type: ignore[assignment]
        required=False, help_text="Field name → messages; for files, rows and total."
    )


QUEUE_UNAVAILABLE = OpenApiResponse(
    ErrorOut, description="The task queue is down (code queue_unavailable); nothing was stored. Retry-After says when."
)


class AutoSchema(SpectacularAutoSchema):
    """Adds the error answers the exception handler gives, derived from what the view does, and puts the
    error envelope on every error response a view documented with a description only."""

    def _request_fields(self) -> set[str]:
        request = self.get_request_serializer()
        serializers_ = [force_instance(s) for s in (request.values() if isinstance(request, dict) else [request])]
        return {str(name) for serializer in serializers_ if is_serializer(serializer) for name in serializer.fields}  # type: ignore[union-attr]

    def _default_errors(self, operation: dict) -> dict[str, str]:
        parameters = operation.get("parameters", [])
        authenticated = any(requirement for requirement in operation.get("security", [{}]))
        has_body = self.method in BODY_METHODS and "requestBody" in operation
        names_object = any(p["in"] == "path" for p in parameters) or (
            has_body and "building_id" in self._request_fields()
        )
        errors = {}
        if has_body:
            errors["400"] = "The body is not JSON, or not multipart where a file is expected."
            errors["413"] = "The body is larger than MAX_UPLOAD_MB."
            errors["415"] = "The body's media type is not one this operation reads."
        if has_body or any(p["in"] == "query" for p in parameters):
            errors["422"] = "A field or parameter is not valid; `errors` names it."
        if authenticated:
            errors["401"] = "No token, or a bad or expired one."
        if names_object:
            errors["404"] = "No such object, or one the caller may not see."
        elif any(p["name"] == "page" for p in parameters):
            errors["404"] = "No such page."
        if authenticated and names_object and self.method not in {"GET", "HEAD"}:
            errors["403"] = "The caller may read the object but not change it (e.g. a verifier, not its owner)."
        if self.view.get_throttles():
            errors["429"] = "Throttled; Retry-After says when to try again."
        errors["503"] = "The database (or the task queue, where work is queued) is unavailable; see Retry-After."
        return errors

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        error_ref = {"application/json": {"schema": self.resolve_serializer(ErrorOut, "response").ref}}
        responses = operation["responses"]
        for code, description in self._default_errors(operation).items():
            responses.setdefault(code, {"description": description})
        for code, response in responses.items():
            if code >= "400" and "content" not in response:
                response["content"] = error_ref
            if code == "429" or (code == "503" and response["content"] == error_ref):
                response.setdefault("headers", RETRY_AFTER)
        return operation
