from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from buildings.selectors import building_for_read, building_for_write, may_change
from metering.meters.selectors import dead_letters_of, meter_for_write, meters_of
from metering.meters.services import meter_create, meter_delete

from ..access import portal_view, submitted
from ..forms import MeterForm
from ..submit import submit

DEAD_LETTERS_SHOWN = 20


@portal_view
def meters(request, building_id):
    building = building_for_read(user=request.user, building_id=building_id)
    form = MeterForm(**submitted(request))
    saved = None
    if request.method == "POST":
        building = building_for_write(user=request.user, building_id=building_id)
        saved = submit(form, lambda: meter_create(actor=request.user, building=building, **form.cleaned_data))
        if saved:
            form = MeterForm()  # rendered, not redirected: the secret is shown in this answer only
    context = {
        "building": building,
        "tab": "meters",
        "form": form,
        "may_change": may_change(user=request.user, building=building),
        "created": saved.result if saved else None,
        "meters": meters_of(building),
        "dead_letters": dead_letters_of(building, limit=DEAD_LETTERS_SHOWN),
    }
    return render(request, "portal/meters/page.html", context, status=form.status)


@portal_view
@require_POST
def meter_remove(request, building_id, meter_id):
    meter = meter_for_write(user=request.user, building_id=building_id, meter_id=meter_id)
    meter_delete(actor=request.user, meter=meter)
    messages.success(request, f"The meter {meter.device_id} was removed; the readings it sent stay.")
    return redirect("portal:meters", building_id=building_id)
