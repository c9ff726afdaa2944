from carbonexia.common.routes import api_path

from . import api

urlpatterns = [
    *api_path("reports/generate", api.ReportGenerateView.as_view(), name="reports-generate"),
    *api_path("reports/<str:report_id>", api.ReportDetailView.as_view(), name="report"),
    *api_path("reports/<str:report_id>/download", api.ReportDownloadView.as_view(), name="report-download"),
]
