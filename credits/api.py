from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from buildings.selectors import building_for_read, building_for_write
from carbonexia.common.api import paginated, validated
from carbonexia.common.calendar import CalendarDateField
from carbonexia.common.pagination import PageNumberPagination

from . import selectors, services
from .models import CreditBlock


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
