import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from buildings.models import ProjectEvent, WeatherStation
from metering.readings.models import MeterReading
from metering.uploads.models import Upload, UploadKind
from metering.uploads.selectors import upload_progress_key
from tests.metering.helpers import csv_bytes, make_building
from tests.portal.conftest import HX

pytestmark = pytest.mark.django_db

GOOD_ROWS = [("2025-01-01T00:00:00", 10), ("2025-01-01T01:00:00", 12.5), ("2025-01-01T02:00:00", 11)]
BAD_ROWS = [("2025-01-01T00:00:00", 10), ("yesterday", 12.5), ("2025-01-01T02:00:00", -3)]


@pytest.fixture
def building(owner):
    return make_building(owner)


def post_csv(portal, building, data: bytes, **headers):
    url = f"/portal/buildings/{building.pk}/data/upload/"
    return portal.post(url, {"file": SimpleUploadedFile("meter.csv", data, content_type="text/csv")}, headers=headers)


def test_an_upload_stores_the_readings_and_refreshes_the_chart(portal, building):
    response = post_csv(portal, building, csv_bytes(GOOD_ROWS), **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Completed" in html and "3 readings stored (3 new, 0 replaced)" in html
    assert "2025-01-01 00:00 Asia/Kolkata to 2025-01-01 02:00 Asia/Kolkata" in html  # in the building's zone
    assert response["HX-Trigger"] == "readings-changed"
    assert 'id="upload-form"' in html and 'hx-swap-oob="true"' in html  # a fresh form
    assert MeterReading.objects.filter(building=building).count() == 3
    chart = portal.get(f"/portal/buildings/{building.pk}/data/?interval=hour", headers=HX).content.decode()
    assert chart.startswith('\n<section id="readings"') and chart.count("<circle") == 3


def test_without_htmx_an_upload_goes_back_to_the_data_page(portal, building):
    response = post_csv(portal, building, csv_bytes(GOOD_ROWS))
    assert response.status_code == 302 and response["Location"] == f"/portal/buildings/{building.pk}/data/"
    page = portal.get(response["Location"]).content.decode()
    assert "meter.csv was received." in page and "Recent uploads" in page


@pytest.mark.parametrize("headers", [HX, {}], ids=["htmx", "plain"])
def test_a_bad_file_lists_its_rows_and_stores_nothing(portal, building, headers):
    response = post_csv(portal, building, csv_bytes(BAD_ROWS), **headers)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Nothing was stored." in html and "2 rows with errors" in html
    rows = html[html.index("<tbody>", html.index("row-errors")) :]
    assert '<td class="num">3</td><td>timestamp</td>' in rows and '<td class="num">4</td><td>kwh</td>' in rows
    assert not MeterReading.objects.exists() and not Upload.objects.exists()
    assert "HX-Trigger" not in response


def test_an_upload_without_a_file_is_refused_inline(portal, building):
    response = portal.post(f"/portal/buildings/{building.pk}/data/upload/", {}, headers=HX)
    assert response.status_code == 422 and b"This field is required." in response.content
    assert not Upload.objects.exists()


def test_a_large_file_is_handed_to_a_worker_and_polled_until_stored(
    portal, building, settings, tasks_in_process, django_capture_on_commit_callbacks
):
    settings.METER_CSV_ASYNC_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        response = post_csv(portal, building, csv_bytes(GOOD_ROWS), **HX)
    html = response.content.decode()
    upload = Upload.objects.get()
    poll = f"/portal/buildings/{building.pk}/data/uploads/{upload.pk}/"
    assert f'hx-get="{poll}" hx-trigger="every 1s"' in html and "<progress" in html and "Processing" in html
    assert "HX-Trigger" not in response

    done = portal.get(poll, headers=HX)
    assert "Completed" in done.content.decode() and "every 1s" not in done.content.decode()
    assert done["HX-Trigger"] == "readings-changed"
    assert MeterReading.objects.filter(building=building).count() == 3
    assert portal.get(poll)["Location"] == f"/portal/buildings/{building.pk}/data/"


def test_a_file_being_stored_shows_the_workers_progress(portal, owner, building):
    upload = Upload.objects.create(
        kind=UploadKind.METER_CSV, building=building, uploaded_by=owner, filename="year.csv", size_bytes=1, sha256="0"
    )
    cache.set(upload_progress_key(upload.pk), 40)
    poll = f"/portal/buildings/{building.pk}/data/uploads/{upload.pk}/"
    html = portal.get(poll, headers=HX).content.decode()
    assert "year.csv: storing the readings, 40 % done." in html and '<progress max="100" value="40"' in html
    assert f'hx-get="{poll}" hx-trigger="every 1s"' in html


def test_a_large_bad_file_fails_with_its_rows(
    portal, building, settings, tasks_in_process, django_capture_on_commit_callbacks
):
    settings.METER_CSV_ASYNC_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        post_csv(portal, building, csv_bytes(BAD_ROWS), **HX)
    upload = Upload.objects.get()
    html = portal.get(f"/portal/buildings/{building.pk}/data/uploads/{upload.pk}/", headers=HX).content.decode()
    assert "Failed" in html and "Nothing was stored." in html and "2 rows with errors" in html
    assert not MeterReading.objects.exists()


def test_the_readings_chart_sums_per_chosen_interval(portal, building):
    post_csv(portal, building, csv_bytes(GOOD_ROWS), **HX)
    day = portal.get(f"/portal/buildings/{building.pk}/data/?interval=day", headers=HX).content.decode()
    assert "kWh per day" in day and day.count("<circle") == 1 and "33.5" in day
    wrong = portal.get(f"/portal/buildings/{building.pk}/data/?interval=minute", headers=HX).content.decode()
    assert "“minute” is not an interval" in wrong and "kWh per day" in wrong


def test_a_station_is_linked_or_created_and_linked(portal, owner, outsider, building):
    mine = WeatherStation.objects.create(owner=owner, name="Mine", latitude=1, longitude=1, timezone="UTC")
    theirs = WeatherStation.objects.create(owner=outsider, name="Theirs", latitude=1, longitude=1, timezone="UTC")
    url = f"/portal/buildings/{building.pk}/data/station/"
    refused = portal.post(url, {"weather_station": str(theirs.pk)})
    assert refused.status_code == 422 and b"Select a valid choice." in refused.content
    assert portal.post(url, {"weather_station": str(mine.pk)}).status_code == 302
    building.refresh_from_db()
    assert building.weather_station == mine

    new = {"name": "Airport", "latitude": "95", "longitude": "72.8", "timezone": "Asia/Kolkata"}
    refused = portal.post(f"{url}new/", new)
    assert refused.status_code == 422 and b"less than or equal to 90" in refused.content
    assert b"<details open>" in refused.content  # the add-a-station form stays open with its errors
    assert not WeatherStation.objects.filter(name="Airport").exists()
    assert portal.post(f"{url}new/", {**new, "latitude": "19.1"}).status_code == 302
    building.refresh_from_db()
    assert building.weather_station.name == "Airport"


@pytest.mark.parametrize(
    ("event", "field", "message"),
    [
        ({"event_type": "occupancy_change", "start_date": "2024-05-01"}, "occupancy_pct", "Required for an occupancy"),
        ({"event_type": "shutdown", "start_date": "2024-05-09", "end_date": "2024-05-01"}, "end_date", "Must be on or"),
        ({"event_type": "retrofit", "start_date": "soon"}, "start_date", "Enter a valid date."),
        ({"event_type": "party", "start_date": "2024-05-01"}, "event_type", "Select a valid choice."),
    ],
)
def test_a_bad_event_is_refused_inline(portal, building, event, field, message):
    response = portal.post(f"/portal/buildings/{building.pk}/data/events/", event)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html and f'id="id_{field}_error"' in html
    assert not ProjectEvent.objects.exists()


def test_an_event_is_recorded_and_listed(portal, building):
    event = {"event_type": "retrofit", "start_date": "2024-03-04", "end_date": "2024-03-29", "description": "LEDs"}
    response = portal.post(f"/portal/buildings/{building.pk}/data/events/", event, follow=True)
    assert b"The retrofit was recorded." in response.content and b"LEDs" in response.content
    assert ProjectEvent.objects.get().recorded_by.email == "owner@example.test"


def test_temperatures_are_uploaded_for_the_linked_station(portal, owner, building):
    url = f"/portal/buildings/{building.pk}/data/station/temperatures/"
    temperatures = SimpleUploadedFile("t.csv", b"date,temperature_c\n2025-01-01,21.5\n2025-01-02,22\n")
    assert portal.post(url, {"file": temperatures}).status_code == 404  # no station linked yet
    station = WeatherStation.objects.create(owner=owner, name="Roof", latitude=1, longitude=1, timezone="UTC")
    building.weather_station = station
    building.save()
    bad = SimpleUploadedFile("t.csv", b"date,temperature_c\n2025-01-01,210\n")
    refused = portal.post(url, {"file": bad})
    html = refused.content.decode()
    assert refused.status_code == 422 and "°C is outside the plausible range" in html and "1 row with errors" in html
    assert not station.readings.exists()
    temperatures.seek(0)
    response = portal.post(url, {"file": temperatures}, follow=True)
    assert b"2 temperatures were stored for Roof." in response.content
    assert station.readings.count() == 2
