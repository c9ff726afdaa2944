from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from carbonexia.common.models import parse_prefixed_id

from .models import UploadKind, UploadStatus
from .selectors import upload_for_read, upload_progress


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
