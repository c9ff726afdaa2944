import pandas as pd
from django.contrib import messages
from django.shortcuts import redirect, render

from buildings.selectors import building_for_read, building_for_write
from carbonexia.common.errors import NotFound
from credits.selectors import block_for_read, blocks_of, credit_request_preview, next_free_credit_period
from credits.services import credits_request, credits_retire

from ..access import portal_view, submitted
from ..forms import PeriodForm, RetireForm
from ..submit import submit


def _eligibility(building, form: PeriodForm) -> dict:
    """What a request of the form's months would meet (the rules credits_request applies), before anything is
    stored."""
    if not form.is_bound:
        return {}
    form.is_valid()
    start, end = form.cleaned_data.get("period_start"), form.cleaned_data.get("period_end")
    if not (start and end):
        return {}
    preview = credit_request_preview(building, pd.Period(start, freq="M"), pd.Period(end, freq="M"))
    return {"preview": preview, "run": preview.run}


@portal_view
def credits(request, building_id):
    find = building_for_write if request.method == "POST" else building_for_read
    building = find(user=request.user, building_id=building_id)
    default = next_free_credit_period(building)
    initial = {}
    if default:
        initial = {"period_start": default[0].start_time.date(), "period_end": default[1].start_time.date()}
    form = PeriodForm(request.POST if request.method == "POST" else request.GET or None, initial=initial)
    if request.method == "POST":  # a GET may bind the form too, for the preview
        saved = submit(form, lambda: credits_request(actor=request.user, building=building, **form.cleaned_data))
        if saved:
            count = sum(block.credits_requested for block in saved.result)
            messages.success(request, f"{count} credits were requested; a verifier will review them.")
            return redirect("portal:credits", building_id=building.pk)
    preview = _eligibility(building, form if form.is_bound else PeriodForm(initial))
    if request.htmx and request.method == "GET":  # the months were changed: only the eligibility preview
        return render(request, "portal/credits/_eligibility.html", {"building": building, **preview})
    context = {"building": building, "form": form, "blocks": blocks_of(building), "tab": "credits", **preview}
    context["proposed"] = default
    return render(request, "portal/credits/page.html", context, status=form.status)


@portal_view
def retire(request, building_id, credit_id):
    building = building_for_write(user=request.user, building_id=building_id)
    block = block_for_read(user=request.user, credit_id=credit_id)
    if block.building_id != building.pk:
        raise NotFound("No such credit block.")
    form = RetireForm(**submitted(request))
    saved = submit(form, lambda: credits_retire(actor=request.user, block=block, **form.cleaned_data))
    if saved:
        retired = saved.result
        messages.success(request, f"{retired.credits_issued} credits were retired: {retired.serial}.")
        return redirect("portal:credits", building_id=building.pk)
    context = {"building": building, "credit": block, "form": form, "tab": "credits"}
    return render(request, "portal/credits/retire.html", context, status=form.status)
