from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from buildings.selectors import building_for_read
from carbonexia.common.api import validated
from carbonexia.common.errors import Conflict
from carbonexia.common.schema import QUEUE_UNAVAILABLE

from . import selectors, services
from .models import Report, ReportStatus

REPORT_ID = OpenApiParameter(
    "report_id", OpenApiTypes.STR, OpenApiParameter.PATH, description="The report's id as returned: rep_<32 hex>."
)
NOT_FOUND = OpenApiResponse(description="No such report, or one of a building the caller may not read.")


class ReportGenerateIn(serializers.Serializer):
    building_id = serializers.UUIDField()
    period_start = serializers.DateField(help_text="The first day of a month (YYYY-MM-DD), 2000-01-01 or later.")
    period_end = serializers.DateField(
        help_text="The last day of a month that has ended, at most 10 years after period_start; included."
    )


class ReportAcceptedOut(serializers.Serializer):
    report_id = serializers.CharField()
    status = serializers.ChoiceField(choices=ReportStatus.choices)


class ReportOut(serializers.Serializer):
    report_id = serializers.CharField(source="public_id")
    building_id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=ReportStatus.choices)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    generated_at = serializers.DateTimeField(allow_null=True)
    error = serializers.SerializerMethodField(help_text="Why the report failed; null unless it did.")
    file_path = serializers.SerializerMethodField(help_text="Where to download the PDF once completed.")
    sha256 = serializers.SerializerMethodField(help_text="SHA-256 of the PDF once completed.")
    page_count = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()

    def get_error(self, report: Report) -> str | None:
        return report.error or None

    def get_file_path(self, report: Report) -> str | None:
        return services.report_download_path(report) if report.status == ReportStatus.COMPLETED else None

    def get_sha256(self, report: Report) -> str | None:
        return report.sha256 or None


class ReportGenerateView(APIView):
    @extend_schema(
        request=ReportGenerateIn,
        responses={
            202: ReportAcceptedOut,
            404: OpenApiResponse(description="No such building, or one the caller may not read."),
            422: OpenApiResponse(description="The period is not valid; `errors` names the field."),
            503: QUEUE_UNAVAILABLE,
        },
        summary="Generate a PDF MRV report of a building over whole months (owner, verifier or admin)",
    )
    def post(self, request):
        data = validated(ReportGenerateIn, request.data)
        building = building_for_read(user=request.user, building_id=data["building_id"])
        report = services.report_request(
            actor=request.user, building=building, period_start=data["period_start"], period_end=data["period_end"]
        )
        return Response({"report_id": report.public_id, "status": report.status}, status=status.HTTP_202_ACCEPTED)


class ReportDetailView(APIView):
    @extend_schema(
        parameters=[REPORT_ID], responses={200: ReportOut, 404: NOT_FOUND}, summary="A report's status and details"
    )
    def get(self, request, report_id):
        return Response(ReportOut(selectors.report_for_read(user=request.user, report_id=report_id)).data)


class ReportDownloadView(APIView):
    def perform_content_negotiation(self, request, force=False):
        # The PDF bypasses renderers; errors are JSON even for a client that only accepts application/pdf.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        parameters=[REPORT_ID],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            404: NOT_FOUND,
            409: OpenApiResponse(description="The report is still processing, or it failed (`detail` says why)."),
        },
        summary="Download a completed report's PDF",
    )
    def get(self, request, report_id):
        report = selectors.report_for_read(user=request.user, report_id=report_id)
        if report.status == ReportStatus.PROCESSING:
            raise Conflict("The report is still being generated; try again shortly.", code="report_not_ready")
        if report.status == ReportStatus.FAILED:
            raise Conflict(f"The report failed: {report.error}", code="report_failed")
        try:
            stored = report.file.open("rb")
        except FileNotFoundError:
            raise Conflict("The report's file is no longer stored; generate it again.", code="report_missing") from None
        response = FileResponse(
            stored, as_attachment=True, filename=report.download_name, content_type="application/pdf"
        )
        response["ETag"] = f'"{report.sha256}"'
        return response
