"""What the DRF views share: checking request data against a serializer, and answering a list a page at a time."""

from rest_framework.response import Response


def validated(serializer_class, data) -> dict:
    """The serializer's validated data; invalid data raises DRF's ValidationError, which the exception handler
    answers as the 422 envelope with the fields at fault."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def paginated(request, view, queryset, serializer_class) -> Response:
    """One page of the queryset in the view's `pagination_class` (which also gives the schema its page shape)."""
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)
