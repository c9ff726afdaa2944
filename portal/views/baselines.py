from django.contrib import messages
from django.shortcuts import redirect, render

from buildings.selectors import building_for_read, building_for_write
from mrv.evidence import candidate_rows, guideline_14
from mrv.selectors import baselines_of
from mrv.services import baseline_calculate

from ..access import portal_view, submitted
from ..forms import BaselineForm
from ..selectors import baseline_months
from ..submit import submit
from .buildings import baseline_chart


@portal_view
def baselines(request, building_id):
    find = building_for_write if request.method == "POST" else building_for_read
    building = find(user=request.user, building_id=building_id)
    form = BaselineForm(**submitted(request))
    saved = submit(form, lambda: baseline_calculate(actor=request.user, building=building, **form.cleaned_data))
    if saved:
        baseline = saved.result
        verdict = "meets" if baseline.valid else "does not meet"
        messages.success(
            request,
            f"A {baseline.get_method_display().lower()} baseline was computed; it {verdict} the acceptance criteria.",
        )
        return redirect("portal:baselines", building_id=building.pk)
    history = list(baselines_of(building).select_related("created_by"))
    context = {"building": building, "form": form, "history": history, "tab": "baselines"}
    if history:
        current = history[0]
        months = baseline_months(building, current)
        context.update(
            current=current,
            g14=guideline_14(current),
            candidates=candidate_rows(current),
            months=months,
            chart=baseline_chart(months, baseline_label="Model (kWh)", actual_label="Metered (kWh)"),
        )
    return render(request, "portal/baselines/page.html", context, status=form.status)
