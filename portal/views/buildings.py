from urllib.parse import urlencode

import pandas as pd
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from buildings import services
from buildings.selectors import building_for_read, building_for_write, buildings_visible_to
from credits.selectors import credit_position, creditable_now
from metering.weather.selectors import building_weather
from mrv.evidence import anomaly_rows
from mrv.selectors import current_baseline, latest_complete_month, reporting_start

from .. import charts
from ..access import portal_view, submitted
from ..forms import BuildingForm, MonthForm, MonthRangeForm, PortalForm
from ..ranges import QUICK, month_span, reporting_started
from ..selectors import latest_month_of, span_run, year_over_year, year_to, years_run, years_to_date
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


def _dashboard_charts(run) -> dict:
    return {
        "monthly": baseline_chart(run.months, marks=[month.anomalies for month in run.months]),
        "cumulative": _safe(
            charts.both_widths(
                charts.cumulative_savings,
                periods=[month.period for month in run.months],
                savings=[month.savings_kwh for month in run.months],
            )
        ),
    }


def _long_view(request, building, baseline, latest: pd.Period, kept: dict[str, str]) -> dict:
    """The span of months the query string asks for (by default the whole reporting period), its charts and its
    totals from the run GET /mrv/{id}/savings answers with; `kept` rides along in every link to it."""
    reporting_first = reporting_start(baseline)
    span, refusal = month_span(
        request.GET, latest=latest, tz=building.timezone, now=timezone.now(), reporting_first=reporting_first
    )
    run = span_run(building, span)
    years = year_over_year(years_run(building, span.last), span.last)
    here = reverse("portal:dashboard", args=[building.pk])
    span_keys = ("range", "start", "end")
    return {
        "span": span,
        "span_refusal": refusal,
        "reporting_started": reporting_started(latest=latest, reporting_first=reporting_first),
        "span_totals": run.totals,
        "span_form": MonthRangeForm(initial={"start": span.first.start_time, "end": span.last.start_time}),
        "kept": kept,
        "quick": [
            {"label": label, "url": f"{here}?{urlencode({**kept, 'range': choice})}", "current": choice == span.choice}
            for choice, label in QUICK.items()
        ],
        "long_charts": {
            "reporting": baseline_chart(run.months),
            "years": _safe(charts.both_widths(charts.year_over_year, years=years)),
        },
        "years_to_date": years_to_date(years),
        # For the month form to keep: the span the query string chose, if it chose a good one.
        "asked_span": span.query if not refusal and any(request.GET.get(key) for key in span_keys) else {},
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
    kept = {"month": f"{chosen:%Y-%m}"} if chosen else {}
    latest = latest_complete_month(building)
    baseline = current_baseline(building)
    # A range was chosen on the page: only the long view (its URL is pushed, so Back may ask for the whole page).
    if request.htmx and request.htmx.target == "long-view" and not request.htmx.history_restore_request and latest:
        long_view = _long_view(request, building, baseline, latest, kept)
        status = 422 if long_view["span_refusal"] else 200
        context = {"building": building, "swap_kept_span": True, **long_view}
        return render(request, "portal/buildings/_long_view.html", context, status=status)
    last = pd.Period(chosen, freq="M") if chosen else latest
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
            charts=_dashboard_charts(run),
            anomalies=anomaly_rows(building, last - 11, last),
        )
    status = form.status
    if latest is not None:
        long_view = _long_view(request, building, baseline, latest, kept)
        context.update(long_view)
        status = 422 if long_view["span_refusal"] else status
    return render(request, "portal/buildings/dashboard.html", context, status=status)
