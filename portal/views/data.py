from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from buildings.selectors import building_for_read, building_for_write, events_of, station_for_write
from buildings.services import building_update, event_record, station_create
from carbonexia.common.errors import NotFound, ServiceError
from metering.bills.selectors import upload_bills
from metering.readings.services import meter_upload
from metering.uploads.examples import attachment, template_choices, upload_template
from metering.uploads.models import UploadKind, UploadStatus
from metering.uploads.selectors import upload_for_read, upload_progress
from metering.weather.services import temperature_csv_upload

from .. import charts
from ..access import portal_view
from ..forms import EventForm, ReadingsForm, StationForm, StationLinkForm
from ..ranges import day_span
from ..selectors import latest_reading_day, readings_in, recent_uploads
from ..submit import submit
from ..upload_forms import MeterUploadForm, TemperatureUploadForm

# Sent with a finished upload, so the readings chart on the page reloads itself.
READINGS_CHANGED = "readings-changed"


def _bad_rows(error: ServiceError) -> tuple[list | None, int | None]:
    """The rows a file was refused for (at most 100 listed) and how many there were in all."""
    errors = error.errors or {}
    return errors.get("rows"), errors.get("total")


def _readings(request, building) -> dict:
    """The readings chart of the days and interval the query string asks for; what cannot be shown is said, and
    the default window drawn. The date fields keep what was asked, even refused, and stay empty otherwise, so a
    new interval gets its own default window."""
    span, refusal = day_span(
        request.GET, tz=building.timezone, now=timezone.now(), latest_day=latest_reading_day(building)
    )
    frame = readings_in(building=building, span=span)
    chart = None
    if not frame.empty:
        chart = mark_safe(
            charts.readings(timestamps=list(frame["timestamp"]), kwh=frame["kwh"].tolist(), interval=span.interval)
        )
    asked = {key: request.GET[key] for key in ("start", "end") if request.GET.get(key)}
    return {
        "building": building,
        "readings_form": ReadingsForm(initial={"interval": span.interval, **asked}),
        "readings_query": urlencode({"interval": span.interval, **asked}),
        "readings_refusal": refusal,
        "span": span,
        "interval": span.interval,
        "readings": frame,
        "chart": chart,
    }


def _page(request, building, *, status: int = 200, **forms):
    """The data page; a form that failed is passed in bound, so it shows its errors."""
    readings = _readings(request, building)
    context = {
        "building": building,
        "tab": "data",
        "upload_form": MeterUploadForm(),
        "station_form": StationLinkForm(user=request.user, initial={"weather_station": building.weather_station_id}),
        "new_station_form": StationForm(initial={"timezone": building.timezone}),
        "temperature_form": TemperatureUploadForm(),
        "event_form": EventForm(),
        "uploads": recent_uploads(building),
        "meter_templates": template_choices(meter=True),
        "temperature_templates": template_choices(meter=False),
        "events": events_of(building).select_related("recorded_by"),
        **forms,
        **readings,
    }
    if readings["readings_refusal"] and status == 200:
        status = 422
    return render(request, "portal/data/page.html", context, status=status)


@portal_view
def data(request, building_id):
    building = building_for_read(user=request.user, building_id=building_id)
    # The interval was changed: only the chart (its URL is pushed, so Back may later ask for the whole page).
    if request.htmx and not request.htmx.history_restore_request:
        readings = _readings(request, building)
        status = 422 if readings["readings_refusal"] else 200
        return render(request, "portal/data/_readings.html", readings, status=status)
    return _page(request, building)


@portal_view
@require_POST
def upload(request, building_id):
    building = building_for_write(user=request.user, building_id=building_id)
    form = MeterUploadForm(request.POST, request.FILES)
    saved = submit(form, lambda: meter_upload(actor=request.user, building=building, **form.upload()))
    result = {}
    if saved:
        result.update(upload=saved.result, progress=upload_progress(saved.result), billing=upload_bills(saved.result))
    elif form.refusal:
        result["row_errors"], result["total_errors"] = _bad_rows(form.refusal)
    if not request.htmx:
        if not saved:
            return _page(request, building, status=form.status, upload_form=form, **result)
        messages.success(request, f"{saved.result.filename} was received.")
        return redirect("portal:data", building_id=building.pk)
    context = {"building": building, "upload_form": form if form.errors else MeterUploadForm(), **result}
    response = render(request, "portal/data/_upload_response.html", context, status=form.status)
    if saved and saved.result.status == UploadStatus.COMPLETED:
        response["HX-Trigger"] = READINGS_CHANGED
    return response


@require_GET
@portal_view
def template(request, building_id, granularity):
    """An example file for this building's uploads (GET /meter/{id}/upload-template)."""
    building = building_for_read(user=request.user, building_id=building_id)
    return attachment(upload_template(building=building, granularity=granularity))


@portal_view
def upload_status(request, building_id, upload_id):
    building = building_for_read(user=request.user, building_id=building_id)
    upload = upload_for_read(
        user=request.user, upload_id=upload_id, kinds=(UploadKind.METER_CSV, UploadKind.GREENBUTTON)
    )
    if upload.building_id != building.pk:
        raise NotFound("No such upload.")
    if not request.htmx:
        return redirect("portal:data", building_id=building.pk)
    response = render(
        request,
        "portal/data/_upload_status.html",
        {"building": building, "upload": upload, "progress": upload_progress(upload)},
    )
    if upload.status == UploadStatus.COMPLETED:
        response["HX-Trigger"] = READINGS_CHANGED
    return response


@portal_view
@require_POST
def station_link(request, building_id):
    building = building_for_write(user=request.user, building_id=building_id)
    form = StationLinkForm(request.POST, user=request.user)
    if submit(form, lambda: building_update(actor=request.user, building=building, **form.cleaned_data)):
        messages.success(request, "The weather station link was saved.")
        return redirect("portal:data", building_id=building.pk)
    return _page(request, building, status=form.status, station_form=form)


@portal_view
@require_POST
def station_add(request, building_id):
    building = building_for_write(user=request.user, building_id=building_id)
    form = StationForm(request.POST)

    @transaction.atomic  # a station and its link to the building, or neither
    def add_and_link():
        station = station_create(owner=request.user, **form.cleaned_data)
        building_update(actor=request.user, building=building, weather_station=station)
        return station

    saved = submit(form, add_and_link)
    if saved:
        messages.success(request, f"The station {saved.result.name} was added and linked to this building.")
        return redirect("portal:data", building_id=building.pk)
    return _page(request, building, status=form.status, new_station_form=form)


@portal_view
@require_POST
def temperatures(request, building_id):
    building = building_for_write(user=request.user, building_id=building_id)
    if building.weather_station_id is None:
        raise NotFound("The building has no weather station.")
    station = station_for_write(user=request.user, station_id=building.weather_station_id)
    form = TemperatureUploadForm(request.POST, request.FILES)
    saved = submit(form, lambda: temperature_csv_upload(actor=request.user, station=station, **form.upload()))
    if saved:
        messages.success(request, f"{saved.result.rows} temperatures were stored for {station.name}.")
        return redirect("portal:data", building_id=building.pk)
    row_errors = {}
    if form.refusal:
        rows, total = _bad_rows(form.refusal)
        row_errors = {"temperature_rows": rows, "temperature_total": total}
    return _page(request, building, status=form.status, temperature_form=form, **row_errors)


@portal_view
@require_POST
def event_create(request, building_id):
    building = building_for_write(user=request.user, building_id=building_id)
    form = EventForm(request.POST)
    saved = submit(form, lambda: event_record(building=building, recorded_by=request.user, **form.cleaned_data))
    if saved:
        messages.success(request, f"The {saved.result.get_event_type_display().lower()} was recorded.")
        return redirect("portal:data", building_id=building.pk)
    return _page(request, building, status=form.status, event_form=form)
