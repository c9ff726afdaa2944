import pandas as pd
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe

from buildings import services
from buildings.selectors import building_for_read, building_for_write, buildings_visible_to
from credits.selectors import credit_position, creditable_now
from metering.weather.selectors import building_weather
from mrv.evidence import anomaly_rows
from mrv.selectors import current_baseline, latest_complete_month

from .. import charts
from ..access import portal_view, submitted
from ..forms import BuildingForm, MonthForm, PortalForm
from ..selectors import latest_month_of, long_run, reporting_months, year_over_year, year_to
from ..submit import submit

PAGE_SIZE = 20


def _safe(chart: dict[str, str] | None) -> dict | None:
    # The chart module escapes every label it draws, so its SVG is safe to mark as such.
    return {size: mark_safe(svg) for size, svg in chart.items()} if chart else None


def baseline_chart(months, marks=None, **labels) -> dict | None:
    """What the baseline expects against what was metered, month by month, at both widths."""
    return _safe(
        charts.both_widths(
            charts.baseline_vs_actual,
            periods=[month.period for month in months],
            baseline=[month.adjusted_baseline_kwh for month in months],
            actual=[month.actual_kwh for month in months],
            marks=marks,
            **labels,
        )
    )


def _dashboard_charts(building, baseline, run) -> dict:
    long = long_run(building, baseline, pd.Period(run.months[-1].period, freq="M"))
    return {
        "monthly": baseline_chart(run.months, marks=[month.anomalies for month in run.months]),
        "cumulative": _safe(
            charts.both_widths(
                charts.cumulative_savings,
                periods=[month.period for month in run.months],
                savings=[month.savings_kwh for month in run.months],
            )
        ),
        "reporting": baseline_chart(reporting_months(long, baseline)),
        "years": _safe(
            charts.both_widths(
                charts.year_over_year, years=year_over_year(long, pd.Period(run.months[-1].period, freq="M"))
            )
        ),
    }


@portal_view
def building_list(request):
    buildings = buildings_visible_to(request.user).select_related("weather_station")
    page = Paginator(buildings, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"building": building, "month": latest_month_of(building)} for building in page]
    return render(request, "portal/buildings/list.html", {"page": page, "rows": rows})


@portal_view
def building_create(request):
    form = BuildingForm(**submitted(request), user=request.user)
    saved = submit(form, lambda: services.building_create(owner=request.user, **form.cleaned_data))
    if saved:
        building = saved.result
        messages.success(request, f"{building.name} was added. Upload its meter data next.")
        return redirect("portal:data", building_id=building.pk)
    return render(request, "portal/buildings/create.html", {"form": form}, status=form.status)


@portal_view
def building_edit(request, building_id):
    building = building_for_write(user=request.user, building_id=building_id)
    initial = {field: getattr(building, field) for field in services.EDITABLE_FIELDS}
    form = BuildingForm(**submitted(request), user=request.user, initial=initial)

    def save_changes():
        if form.changes():
            services.building_update(actor=request.user, building=building, **form.changes())

    if submit(form, save_changes):
        messages.success(request, "The building's details were saved.")
        return redirect("portal:dashboard", building_id=building.pk)
    context = {
        "building": building,
        "form": form,
        "tab": "settings",
        "weather": building_weather(building, now=timezone.now()),
    }
    return render(request, "portal/buildings/edit.html", context, status=form.status)


@portal_view
def building_delete(request, building_id):
    building = building_for_write(user=request.user, building_id=building_id)
    form = PortalForm(**submitted(request))
    if submit(form, lambda: services.building_delete(actor=request.user, building=building)):
        messages.success(request, f"{building.name} and its data were deleted.")
        return redirect("portal:buildings")
    context = {"building": building, "form": form, "tab": "settings"}
    return render(request, "portal/buildings/delete.html", context, status=form.status)


@portal_view
def dashboard(request, building_id):
    building = building_for_read(user=request.user, building_id=building_id)
    form = MonthForm(request.GET or None)
    chosen = form.cleaned_data["month"] if form.is_valid() else None
    last = pd.Period(chosen, freq="M") if chosen else latest_complete_month(building)
    baseline = current_baseline(building)
    context = {
        "building": building,
        "form": form,
        "baseline": baseline,
        "tab": "dashboard",
        "position": credit_position(building),
        "creditable": creditable_now(building),
    }
    if last is not None:
        run = year_to(building, last)
        context.update(
            month=run.months[-1],
            months=run.months,
            totals=run.totals,
            charts=_dashboard_charts(building, baseline, run),
            anomalies=anomaly_rows(building, last - 11, last),
        )
    return render(request, "portal/buildings/dashboard.html", context, status=form.status)
