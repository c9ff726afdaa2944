"""What the DRF views share: checking request data against a serializer, and answering a list a page at a time
(with the schema of such a page)."""

from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
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


def page_of(name: str, item: type[serializers.Serializer]):
    """The schema of a paginated answer, as PageNumberPagination renders it."""
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
        },
    )


PAGE_PARAMETERS = [
    OpenApiParameter("page", int, description="A page number within the paginated result set."),
    OpenApiParameter("page_size", int, description="Number of results to return per page."),
]
