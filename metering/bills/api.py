from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from buildings.selectors import building_for_write
from carbonexia.common.schema import QUEUE_UNAVAILABLE
from carbonexia.common.uploads import uploaded_file

from ..uploads.models import UploadStatus
from .models import AreaCheck, BillSource, MeterCheck, UtilityBill
from .selectors import bill_findings, bill_for_confirm, bill_for_read
from .services import bill_confirm, bill_upload, extracted_fields

UPLOAD_ID = OpenApiParameter(
    "upload_id",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The bill's id as returned: upl_<32 hex> (a bill uploaded as a file), or "
    "upl_<32 hex>-<n> (the n-th billing period of a Green Button file).",
)
NOT_FOUND = OpenApiResponse(description="No such bill, or one of a building the caller may not read.")


class BillUploadIn(serializers.Serializer):
    file = serializers.FileField(help_text="The bill: PNG, JPEG or PDF, recognised by its content.")
    building_id = serializers.UUIDField()


class BillAcceptedOut(serializers.Serializer):
    upload_id = serializers.CharField()
    status = serializers.ChoiceField(choices=UploadStatus.choices)


class BillFieldsOut(serializers.Serializer):
    kwh = serializers.FloatField(allow_null=True)
    billing_days = serializers.IntegerField(allow_null=True, help_text="Days of the period, both ends included.")
    meter_number = serializers.CharField(allow_null=True)
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)


class BillConfidenceOut(serializers.Serializer):
    kwh = serializers.FloatField()
    billing_days = serializers.FloatField()
    meter_number = serializers.FloatField()
    period_start = serializers.FloatField()
    period_end = serializers.FloatField()


class BillConfirmationOut(serializers.Serializer):
    kwh = serializers.FloatField(source="confirmed_kwh")
    period_start = serializers.DateField(source="confirmed_period_start")
    period_end = serializers.DateField(source="confirmed_period_end")
    confirmed_by = serializers.EmailField(source="confirmed_by.email")
    confirmed_at = serializers.DateTimeField()


class FloorAreaCheckOut(serializers.Serializer):
    result = serializers.ChoiceField(choices=AreaCheck.choices)
    min_kwh = serializers.FloatField(
        allow_null=True, help_text="The least kWh plausible for the floor area over the bill's days."
    )
    max_kwh = serializers.FloatField(
        allow_null=True, help_text="The most kWh the floor area can draw over the bill's days at its power ceiling."
    )
    message = serializers.CharField(allow_null=True)


class MeterCheckOut(serializers.Serializer):
    result = serializers.ChoiceField(choices=MeterCheck.choices)
    meter_kwh = serializers.FloatField(
        allow_null=True, help_text="The meter's kWh over the bill's days; null unless readings cover them."
    )
    difference_pct = serializers.FloatField(
        allow_null=True, help_text="The bill's kWh above (+) or below (−) the meter's, in % of the meter's."
    )
    tolerance_pct = serializers.FloatField(
        allow_null=True, help_text="The difference allowed (BILL_METER_TOLERANCE_PCT)."
    )
    coverage_pct = serializers.FloatField(allow_null=True, help_text="How much of the bill's days readings cover.")
    message = serializers.CharField(allow_null=True)


class BillChecksOut(serializers.Serializer):
    flagged = serializers.BooleanField(help_text="A check doubts the figures: confirming needs acknowledge_mismatch.")
    acknowledged = serializers.BooleanField(help_text="The owner confirmed the flagged figures as they are.")
    checked_at = serializers.DateTimeField(allow_null=True)
    bill_kwh = serializers.FloatField(allow_null=True, help_text="The kWh checked: as confirmed, else as read.")
    floor_area = FloorAreaCheckOut()
    meter = MeterCheckOut()
    months_on_meter = serializers.ListField(
        child=serializers.CharField(), help_text="Months (YYYY-MM) of the period with meter readings: MRV uses those."
    )
    messages = serializers.ListField(child=serializers.CharField(), help_text="What the checks found, in words.")


def _checks(bill: UtilityBill) -> dict:
    findings = bill_findings(bill)
    check = findings.check
    said = check.sentences() if check else {}
    return {
        "flagged": findings.flagged,
        "acknowledged": findings.acknowledged,
        "checked_at": bill.checked_at,
        "bill_kwh": bill.checked_kwh,
        "floor_area": {
            "result": bill.area_check,
            "min_kwh": bill.area_min_kwh,
            "max_kwh": bill.area_max_kwh,
            "message": said.get("floor_area"),
        },
        "meter": {
            "result": bill.meter_check,
            "meter_kwh": bill.meter_kwh,
            "difference_pct": check.difference_pct if check else None,
            "tolerance_pct": bill.meter_tolerance_pct,
            "coverage_pct": bill.meter_coverage_pct,
            "message": said.get("meter"),
        },
        "months_on_meter": [str(month) for month in findings.months_on_meter],
        "messages": findings.sentences(),
    }


class BillOut(serializers.Serializer):
    upload_id = serializers.CharField(source="public_id")
    building_id = serializers.UUIDField()
    origin = serializers.ChoiceField(
        source="source",
        choices=BillSource.choices,
        help_text="ocr: an uploaded bill; greenbutton: a billing period of a Green Button file.",
    )
    status = serializers.ChoiceField(choices=UploadStatus.choices)
    extracted = serializers.SerializerMethodField(help_text="What the bill says, as read; null where not found.")
    confidence = serializers.SerializerMethodField(help_text="0–1 per extracted field; 0 where not found.")
    confirmed = serializers.BooleanField()
    confirmation = serializers.SerializerMethodField(
        help_text="The owner's confirmed figures, which MRV uses; null until confirmed."
    )
    error = serializers.SerializerMethodField(help_text="Why reading failed; null unless it did.")
    notes = serializers.SerializerMethodField(help_text="What the reader noticed, e.g. disagreeing figures.")
    checks = serializers.SerializerMethodField(
        help_text="The kWh checked against the floor area and the meter's total over the same days."
    )
    filename = serializers.CharField(source="upload.filename")
    created_at = serializers.DateTimeField()

    @extend_schema_field(BillFieldsOut)
    def get_extracted(self, bill: UtilityBill) -> dict:
        return BillFieldsOut(extracted_fields(bill)).data

    @extend_schema_field(BillConfidenceOut)
    def get_confidence(self, bill: UtilityBill) -> dict:
        return {name: float(bill.confidence.get(name, 0.0)) for name in BillConfidenceOut().fields}

    @extend_schema_field(BillConfirmationOut(allow_null=True))
    def get_confirmation(self, bill: UtilityBill) -> dict | None:
        return BillConfirmationOut(bill).data if bill.confirmed else None

    def get_error(self, bill: UtilityBill) -> str | None:
        return bill.error or None

    def get_notes(self, bill: UtilityBill) -> list[str]:
        return list(bill.reading.get("notes", []))

    @extend_schema_field(BillChecksOut)
    def get_checks(self, bill: UtilityBill) -> dict:
        return BillChecksOut(_checks(bill)).data


class BillConfirmIn(serializers.Serializer):
    kwh = serializers.FloatField(help_text="kWh consumed in the period: a finite number, 0 or more.")
    period_start = serializers.DateField(help_text="First day of the billing period (YYYY-MM-DD).")
    period_end = serializers.DateField(
        help_text="Last day of the billing period, included; at most 100 days after the start, not in the future."
    )
    acknowledge_mismatch = serializers.BooleanField(
        default=False,
        help_text="Confirm figures the checks flag (implausible for the floor area, or off the meter) as they are.",
    )


class BillUploadView(APIView):
    @extend_schema(
        request={"multipart/form-data": BillUploadIn},
        responses={
            202: BillAcceptedOut,
            403: OpenApiResponse(description="The caller may read the building but does not own it."),
            404: OpenApiResponse(description="No such building, or one the caller may not read."),
            413: OpenApiResponse(description="The file is larger than MAX_UPLOAD_MB."),
            415: OpenApiResponse(description="The file is not a PNG, JPEG or PDF."),
            503: QUEUE_UNAVAILABLE,
        },
        summary="Upload a utility bill (owner); a worker reads it with OCR",
    )
    def post(self, request):
        data, filename = uploaded_file(request)
        incoming = BillUploadIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        building = building_for_write(user=request.user, building_id=incoming.validated_data["building_id"])
        bill = bill_upload(actor=request.user, building=building, data=data, filename=filename)
        return Response({"upload_id": bill.public_id, "status": "processing"}, status=status.HTTP_202_ACCEPTED)


class BillDetailView(APIView):
    @extend_schema(
        parameters=[UPLOAD_ID],
        responses={200: BillOut, 404: NOT_FOUND},
        summary="A bill's status, what was read from it and its confirmation (owner, verifier or admin)",
    )
    def get(self, request, upload_id):
        bill = bill_for_read(user=request.user, bill_id=upload_id)
        return Response(BillOut(bill).data)


class BillConfirmView(APIView):
    @extend_schema(
        parameters=[UPLOAD_ID],
        request=BillConfirmIn,
        responses={
            200: BillOut,
            403: OpenApiResponse(description="The caller may read the bill but does not own its building."),
            404: NOT_FOUND,
            409: OpenApiResponse(
                description="The bill is still being read, could not be read, or its period overlaps another "
                "confirmed bill of the building."
            ),
            422: OpenApiResponse(
                description="The figures are not valid (`errors` names the field), or the checks flag them and "
                "`acknowledge_mismatch` was not set (code `bill_flagged`; `errors.acknowledge_mismatch` says why)."
            ),
        },
        summary="Confirm or correct a read bill's kWh and period (owner); it then counts as billing data",
    )
    def post(self, request, upload_id):
        bill = bill_for_confirm(user=request.user, bill_id=upload_id)
        incoming = BillConfirmIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        bill = bill_confirm(actor=request.user, bill=bill, **incoming.validated_data)
        return Response(BillOut(bill).data)
