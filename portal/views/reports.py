from django.http import FileResponse
from django.shortcuts import redirect, render

from buildings.selectors import building_for_read
from carbonexia.common.errors import Conflict, NotFound
from mrv.selectors import latest_complete_month
from reports.models import ReportStatus
from reports.selectors import report_for_read
from reports.services import report_request

from ..access import portal_view, submitted
from ..forms import PeriodForm
from ..selectors import reports_of
from ..submit import submit


def _report(request, building_id, report_id):
    building = building_for_read(user=request.user, building_id=building_id)
    report = report_for_read(user=request.user, report_id=report_id)
    if report.building_id != building.pk:
        raise NotFound("No such report.")
    return building, report


@portal_view
def reports(request, building_id):
    building = building_for_read(user=request.user, building_id=building_id)
    last = latest_complete_month(building)
    initial = {"period_start": (last - 11).start_time.date(), "period_end": last.start_time.date()} if last else {}
    form = PeriodForm(**submitted(request), initial=initial)
    # No message on the next page: the report's own row says where it stands, and polling keeps it current.
    if submit(form, lambda: report_request(actor=request.user, building=building, **form.cleaned_data)):
        return redirect("portal:reports", building_id=building.pk)
    context = {"building": building, "form": form, "reports": reports_of(user=request.user, building=building)}
    return render(request, "portal/reports/page.html", {**context, "tab": "reports"}, status=form.status)


@portal_view
def report_status(request, building_id, report_id):
    building, report = _report(request, building_id, report_id)
    if not request.htmx:
        return redirect("portal:reports", building_id=building.pk)
    return render(request, "portal/reports/_report.html", {"building": building, "report": report})


@portal_view
def report_download(request, building_id, report_id):
    _, report = _report(request, building_id, report_id)
    if report.status != ReportStatus.COMPLETED:
        raise Conflict("The report is not ready: it is still being generated, or it failed.", code="report_not_ready")
    try:
        stored = report.file.open("rb")
    except FileNotFoundError:
        raise Conflict("The report's file is no longer stored; generate it again.", code="report_missing") from None
    return FileResponse(stored, as_attachment=True, filename=report.download_name, content_type="application/pdf")
