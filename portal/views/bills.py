from django.contrib import messages
from django.shortcuts import redirect, render

from buildings.selectors import building_for_read, building_for_write
from carbonexia.common.errors import NotFound
from metering.bills.selectors import bill_findings, bill_for_confirm, bill_for_read
from metering.bills.services import bill_confirm, bill_upload

from ..access import portal_view, submitted
from ..forms import BillConfirmForm
from ..selectors import bills_of
from ..submit import submit
from ..upload_forms import BillUploadForm


@portal_view
def bills(request, building_id):
    find = building_for_write if request.method == "POST" else building_for_read
    building = find(user=request.user, building_id=building_id)
    form = BillUploadForm(**submitted(request))
    saved = submit(form, lambda: bill_upload(actor=request.user, building=building, **form.upload()))
    if saved:  # no message on the next page: the bill's status block says where it stands, polling keeps it current
        return redirect("portal:bill", building_id=building.pk, bill_id=saved.result.public_id)
    context = {"building": building, "form": form, "bills": bills_of(building), "tab": "bills"}
    return render(request, "portal/bills/page.html", context, status=form.status)


@portal_view
def bill(request, building_id, bill_id):
    find = building_for_write if request.method == "POST" else building_for_read
    building = find(user=request.user, building_id=building_id)
    read = bill_for_confirm if request.method == "POST" else bill_for_read
    found = read(user=request.user, bill_id=bill_id)
    if found.building_id != building.pk:
        raise NotFound("No such bill.")
    figures = ("kwh", "period_start", "period_end")
    source = "confirmed_" if found.confirmed else ""
    findings = bill_findings(found)
    initial = {name: getattr(found, source + name) for name in figures}
    form = BillConfirmForm(**submitted(request), initial=initial, flagged=findings.flagged)
    if submit(form, lambda: bill_confirm(actor=request.user, bill=found, **form.cleaned_data)):
        messages.success(request, "The bill's figures were confirmed; baselines and savings now use them.")
        return redirect("portal:bill", building_id=building.pk, bill_id=found.public_id)
    confidence = {name: found.confidence.get(name) for name in (*figures, "billing_days", "meter_number")}
    context = {
        "building": building,
        "bill": found,
        "confidence": confidence,
        "findings": findings,
        "form": form,
        "tab": "bills",
    }
    if request.htmx and request.method == "GET":  # a poll while the bill is being read
        return render(request, "portal/bills/_bill.html", context)
    return render(request, "portal/bills/bill.html", context, status=form.status)
