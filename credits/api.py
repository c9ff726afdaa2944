from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from buildings.models import BuildingType
from buildings.selectors import building_for_read, building_for_write
from carbonexia.common.api import PAGE_PARAMETERS, page_of, paginated, validated
from carbonexia.common.calendar import CalendarDateField
from carbonexia.common.pagination import PageNumberPagination

from . import selectors, services
from .models import CreditBlock
from .portfolio import DEFAULT_SORT, SEARCH_MAX_LENGTH, SORTS, portfolio, with_creditable


class CreditBlockOut(serializers.ModelSerializer):
    credit_id = serializers.UUIDField(source="id")
    building_id = serializers.UUIDField()
    parent_id = serializers.UUIDField(allow_null=True, help_text="The block a partial retirement split this from.")
    credits_issued = serializers.IntegerField(allow_null=True, help_text="Credits this block holds once issued.")
    serial_start = serializers.IntegerField(allow_null=True, help_text="First unit serial number of the block.")
    serial_end = serializers.IntegerField(allow_null=True, help_text="Last unit serial number of the block.")
    serial = serializers.CharField(help_text="The registry-style block serial (issuance, range, country, vintage).")
    verified_by = serializers.EmailField(source="verified_by.email", allow_null=True, default=None)
    co2_saved_tons = serializers.FloatField()
    co2_credited_tons = serializers.FloatField()

    class Meta:
        model = CreditBlock
        fields = [
            "credit_id",
            "building_id",
            "parent_id",
            "period_start",
            "period_end",
            "vintage",
            "co2_saved_tons",
            "co2_credited_tons",
            "credits_requested",
            "credits_issued",
            "status",
            "issuance_number",
            "serial_start",
            "serial_end",
            "serial",
            "uncertainty_note",
            "verified_by",
            "verified_at",
            "verification_comment",
            "retired_quantity",
            "beneficiary",
            "retirement_reason",
            "retired_at",
            "created_at",
        ]


class IssueIn(serializers.Serializer):
    building_id = serializers.UUIDField()
    period_start = CalendarDateField()
    period_end = CalendarDateField()


class IssueOut(serializers.Serializer):
    credit_id = serializers.UUIDField(help_text="The first (or only) block; a period across years has one per vintage.")
    status = serializers.CharField()
    co2_saved_tons = serializers.FloatField()
    co2_credited_tons = serializers.FloatField()
    credits_requested = serializers.IntegerField()
    blocks = CreditBlockOut(many=True)


class VerifyIn(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RetireIn(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1, required=False)
    beneficiary = serializers.CharField(max_length=200)
    reason = serializers.CharField(max_length=2000)


class BuildingCreditsView(APIView):
    pagination_class = PageNumberPagination

    @extend_schema(responses={200: CreditBlockOut(many=True)}, summary="A building's credit blocks")
    def get(self, request, building_id):
        building = building_for_read(user=request.user, building_id=building_id)
        return paginated(request, self, selectors.blocks_of(building), CreditBlockOut)


class IssueView(APIView):
    @extend_schema(
        request=IssueIn,
        responses={
            201: IssueOut,
            409: OpenApiResponse(description="The period overlaps a block that is not REJECTED."),
        },
        summary="Request credits for whole months; every month must be eligible",
    )
    def post(self, request):
        data = validated(IssueIn, request.data)
        building = building_for_write(user=request.user, building_id=data["building_id"])
        blocks = services.credits_request(
            actor=request.user, building=building, period_start=data["period_start"], period_end=data["period_end"]
        )
        body = {
            "credit_id": blocks[0].pk,
            "status": "PENDING",
            "co2_saved_tons": float(sum(b.co2_saved_tons for b in blocks)),
            "co2_credited_tons": float(sum(b.co2_credited_tons for b in blocks)),
            "credits_requested": sum(b.credits_requested for b in blocks),
            "blocks": blocks,
        }
        return Response(IssueOut(body).data, status=status.HTTP_201_CREATED)


class VerifyView(APIView):
    @extend_schema(
        request=VerifyIn,
        responses={200: CreditBlockOut, 409: OpenApiResponse(description="The block is not PENDING.")},
        summary="Approve or reject a request (verifiers)",
    )
    def post(self, request, credit_id):
        block = selectors.block_for_read(user=request.user, credit_id=credit_id)
        data = validated(VerifyIn, request.data)
        return Response(CreditBlockOut(services.credits_verify(verifier=request.user, block=block, **data)).data)


class RetireView(APIView):
    @extend_schema(
        request=RetireIn,
        responses={200: CreditBlockOut, 409: OpenApiResponse(description="The block is not ISSUED.")},
        summary="Retire credits (owner); a part splits off as its own RETIRED block, which is returned",
    )
    def post(self, request, credit_id):
        block = selectors.block_for_read(user=request.user, credit_id=credit_id)
        data = validated(RetireIn, request.data)
        retired = services.credits_retire(
            actor=request.user,
            block=block,
            quantity=data.get("quantity"),
            beneficiary=data["beneficiary"],
            reason=data["reason"],
        )
        return Response(CreditBlockOut(retired).data)


class PortfolioQuery(serializers.Serializer):
    """The portfolio page's own choices (portal.forms.PortfolioForm), under the same names."""

    q = serializers.CharField(
        required=False, allow_blank=True, max_length=SEARCH_MAX_LENGTH, help_text="Names containing this."
    )
    type = serializers.ChoiceField(
        choices=BuildingType.choices, required=False, allow_blank=True, help_text="Only buildings of this type."
    )
    issues = serializers.BooleanField(required=False, default=False, help_text="Only buildings with issues.")
    sort = serializers.ChoiceField(
        choices=SORTS,
        required=False,
        default=DEFAULT_SORT,
        help_text="A column, descending with a leading '-'; buildings without the figure come last either way, "
        "ties in name order.",
    )


class PortfolioRowOut(serializers.Serializer):
    building_id = serializers.UUIDField(source="building.pk")
    name = serializers.CharField(source="building.name")
    building_type = serializers.ChoiceField(source="building.building_type", choices=BuildingType.choices)
    area_sqft = serializers.FloatField(source="building.area_sqft")
    first_month = serializers.CharField(
        source="first", allow_null=True, help_text="YYYY-MM: the first of the twelve months (null without readings)."
    )
    last_month = serializers.CharField(
        source="last", allow_null=True, help_text="YYYY-MM: the latest complete month in the building's zone."
    )
    ytd_first_month = serializers.CharField(
        source="ytd_first", allow_null=True, help_text="YYYY-MM: January of last_month's year."
    )
    ytd_kwh = serializers.FloatField(allow_null=True, help_text="Metered kWh from ytd_first_month to last_month.")
    kwh_12m = serializers.FloatField(allow_null=True, help_text="Metered kWh from first_month to last_month.")
    eui_kwh_per_sqft = serializers.FloatField(
        source="intensity.kwh_per_sqft", allow_null=True, help_text="kwh_12m per sq ft; null unless all 12 metered."
    )
    eui_kwh_per_m2 = serializers.FloatField(source="intensity.kwh_per_m2", allow_null=True, help_text="kwh_12m per m².")
    savings_kwh = serializers.FloatField(allow_null=True, help_text="Over the twelve months, as /mrv/{id}/savings.")
    saved_share = serializers.FloatField(
        allow_null=True, help_text="savings_kwh / adjusted baseline kWh (0.2 = 20 % below the baseline)."
    )
    co2_saved_tons = serializers.FloatField(allow_null=True, help_text="Tonnes CO2e avoided (central estimate).")
    credits_issued = serializers.IntegerField(source="credits.issued", help_text="Ever issued, retired included.")
    credits_pending = serializers.IntegerField(source="credits.pending", help_text="Requested, awaiting a verifier.")
    credits_retired = serializers.IntegerField(source="credits.retired")
    creditable_now_tons = serializers.FloatField(
        source="creditable_tons", help_text="Tonnes a credit request of the next free months would credit; 0 if none."
    )
    creditable_now_credits = serializers.IntegerField(source="creditable_credits", help_text="Its whole credits.")
    creditable_now_first_month = serializers.CharField(source="creditable.first", allow_null=True)
    creditable_now_last_month = serializers.CharField(source="creditable.last", allow_null=True)
    last_reading_at = serializers.DateTimeField(
        source="last_reading", allow_null=True, help_text="The latest meter reading's instant."
    )
    last_bill_day = serializers.DateField(allow_null=True, help_text="The last day of the latest confirmed bill.")
    flagged_months = serializers.ListField(
        child=serializers.CharField(), help_text="YYYY-MM: FLAGGED months of the twelve no verifier reviewed yet."
    )
    open_anomalies = serializers.IntegerField(help_text="Severe anomalies of the twelve months no event explains.")
    issues = serializers.ListField(child=serializers.CharField(), help_text="What needs attention, in words.")


class PortfolioView(APIView):
    pagination_class = PageNumberPagination

    @extend_schema(
        parameters=[PortfolioQuery, *PAGE_PARAMETERS],
        responses={200: page_of("PortfolioPage", PortfolioRowOut)},
        summary="Every building the caller may see, with its last twelve months, credits and issues",
    )
    def get(self, request):
        query = validated(PortfolioQuery, request.query_params)
        rows = portfolio(
            user=request.user,
            search=query.get("q", ""),
            building_type=query.get("type", ""),
            has_issues=query["issues"],
            sort=query["sort"],
        )
        paginator = self.pagination_class()
        page = with_creditable(paginator.paginate_queryset(rows, request, view=self) or [])
        return paginator.get_paginated_response(PortfolioRowOut(page, many=True).data)
