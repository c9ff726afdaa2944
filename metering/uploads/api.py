from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from buildings.selectors import building_for_read
from carbonexia.common.models import parse_prefixed_id

from .. import parsers
from .examples import attachment, upload_template
from .models import DateOrder, UploadKind, UploadStatus
from .selectors import upload_for_read, upload_progress


def date_order_field() -> serializers.ChoiceField:
    """The sender's order of slashed dates, on every CSV/workbook upload."""
    return serializers.ChoiceField(
        choices=DateOrder.choices,
        required=False,
        help_text="How the file writes slashed dates such as 03/04/2025. Needed only when the file does not settle "
        "it (no day above 12, or both orders in one file): the upload is then refused with 422 `ambiguous_dates`.",
    )


class UploadOut(serializers.Serializer):
    upload_id = serializers.CharField(source="public_id")
    kind = serializers.CharField()
    status = serializers.CharField()
    progress = serializers.SerializerMethodField()
    building_id = serializers.UUIDField(allow_null=True)
    station_id = serializers.UUIDField(allow_null=True)
    filename = serializers.CharField()
    sha256 = serializers.CharField()
    size_bytes = serializers.IntegerField()
    rows = serializers.IntegerField(allow_null=True)
    inserted = serializers.IntegerField(allow_null=True)
    updated = serializers.IntegerField(allow_null=True)
    period_start = serializers.DateTimeField(allow_null=True)
    period_end = serializers.DateTimeField(allow_null=True)
    error = serializers.CharField(allow_blank=True)
    errors = serializers.JSONField(allow_null=True)  # type: ignore[assignment]  # output only, never validates
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_progress(self, upload) -> int:
        return upload_progress(upload)


class UploadAcceptedOut(serializers.Serializer):
    upload_id = serializers.CharField()
    status = serializers.ChoiceField(choices=UploadStatus.choices)


class CsvUploadedOut(serializers.Serializer):
    status = serializers.CharField()
    upload_id = serializers.CharField()
    rows = serializers.IntegerField()
    inserted = serializers.IntegerField()
    updated = serializers.IntegerField()
    period_start = serializers.DateTimeField()
    period_end = serializers.DateTimeField()


def csv_upload_response(upload):
    if upload.status == "processing":
        return Response({"upload_id": upload.public_id, "status": "processing"}, status=status.HTTP_202_ACCEPTED)
    body = {
        "status": "accepted",
        "upload_id": upload.public_id,
        "rows": upload.rows,
        "inserted": upload.inserted,
        "updated": upload.updated,
        "period_start": upload.period_start,
        "period_end": upload.period_end,
    }
    return Response(CsvUploadedOut(body).data, status=status.HTTP_201_CREATED)


class UploadStatusView(APIView):
    @extend_schema(responses={200: UploadOut}, summary="Status, progress and errors of a CSV or Green Button upload")
    def get(self, request, upload_id):
        upload = upload_for_read(
            user=request.user,
            upload_id=parse_prefixed_id("upl", upload_id),
            kinds=(UploadKind.METER_CSV, UploadKind.GREENBUTTON, UploadKind.WEATHER_CSV),
        )
        return Response(UploadOut(upload).data)


class UploadTemplateQuery(serializers.Serializer):
    granularity = serializers.ChoiceField(
        choices=list(parsers.TEMPLATE_GRANULARITIES),
        help_text="15min, hourly, daily or monthly meter readings; temperature_hourly or temperature_daily.",
    )


class UploadTemplateView(APIView):
    def perform_content_negotiation(self, request, force=False):
        # The CSV bypasses renderers; errors are JSON even for a client that only accepts text/csv.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        parameters=[UploadTemplateQuery],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="No such building, or one the caller may not read."),
        },
        summary="An example CSV for this building's uploads: the header the parser wants and three rows",
        description="Timestamps are ISO 8601 with the offset of the building's zone (its weather station's for "
        "temperatures); daily and monthly files are dates alone, days in that zone, which the file name states. "
        "The file is accepted as it is by POST /meter/upload-csv (or /weather/{station_id}/upload-csv).",
    )
    def get(self, request, building_id):
        building = building_for_read(user=request.user, building_id=building_id)
        query = UploadTemplateQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        return attachment(upload_template(building=building, granularity=query.validated_data["granularity"]))
