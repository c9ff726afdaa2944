from datetime import date

from django.db.models import Q
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers

from .models import EmissionFactor


class EmissionFactorQuery(serializers.Serializer):
    region = serializers.CharField(
        required=False, max_length=16, help_text="Grid region code, e.g. IN or US (case-insensitive)."
    )
    year = serializers.IntegerField(
        required=False,
        min_value=date.min.year,
        max_value=date.max.year,
        help_text="Only factors whose validity intersects this calendar year (an open end counts as ongoing).",
    )


class EmissionFactorOut(serializers.ModelSerializer):
    region_id = serializers.CharField(source="region")
    year = serializers.IntegerField(source="valid_from.year", help_text="Calendar year of valid_from.")
    factor_kg_per_kwh = serializers.DecimalField(
        max_digits=8, decimal_places=5, coerce_to_string=False, help_text="kg CO2e per kWh."
    )

    class Meta:
        model = EmissionFactor
        fields = [
            "region_id",
            "year",
            "factor_kg_per_kwh",
            "valid_from",
            "valid_to",
            "source",
            "dataset",
            "version",
            "factor_type",
            "for_credits",
        ]


class EmissionFactorListView(generics.ListAPIView):
    serializer_class = EmissionFactorOut
    filter_backends: list = []

    def get_queryset(self):
        query = EmissionFactorQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        factors = EmissionFactor.objects.order_by("region", "valid_from", "factor_type", "id")
        if "region" in query.validated_data:
            factors = factors.filter(region__iexact=query.validated_data["region"])
        if "year" in query.validated_data:
            year = query.validated_data["year"]
            factors = factors.filter(valid_from__lte=date(year, 12, 31)).filter(
                Q(valid_to__isnull=True) | Q(valid_to__gte=date(year, 1, 1))
            )
        return factors

    @extend_schema(
        parameters=[EmissionFactorQuery],
        responses={
            200: EmissionFactorOut(many=True),
            401: OpenApiResponse(description="No token, or a bad or expired one."),
            422: OpenApiResponse(description="A query parameter is not valid; `errors` names it."),
        },
        summary="Grid emission factors, filtered by region and calendar year",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
