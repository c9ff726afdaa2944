"""Issue 14, rows 1-3: readings and temperatures from the future, or beyond what a building can draw or a column can
hold, are row errors on every input path (422, nothing stored)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from buildings.models import WeatherStation
from buildings.services import building_power_ceiling_set
from carbonexia.audit.models import AuditEvent
from carbonexia.common.errors import Forbidden
from metering.readings.models import MeterReading
from metering.uploads.models import Upload
from metering.weather.models import TemperatureReading
from tests.metering.helpers import csv_bytes, make_building, upload

pytestmark = pytest.mark.django_db

NOW = "2026-05-10T06:00:00+00:00"  # 11:30 in Kolkata, where make_building puts the building


def _post(client, building, readings):
    return client.post("/meter/readings", {"building_id": str(building.pk), "readings": readings}, format="json")


def _rejected(response, *, column: str) -> dict:
    assert response.status_code == 422, response.json()
    body = response.json()
    assert body["code"] == "invalid_rows"
    assert {row["column"] for row in body["errors"]["rows"]} == {column}
    return body


def _nothing_stored():
    assert not MeterReading.objects.exists() and not Upload.objects.exists()
    assert not TemperatureReading.objects.exists()


# Row 1: readings dated next year.


def test_a_json_reading_dated_next_year_is_refused(as_owner, owner, clock):
    clock.set(NOW)
    building = make_building(owner)
    single = as_owner.post(
        "/meter/readings",
        {"building_id": str(building.pk), "timestamp": "2027-05-01T00:00:00", "kwh": 10},
        format="json",
    )
    body = _rejected(single, column="timestamp")
    assert body["errors"]["rows"][0]["message"] == (
        "'2027-05-01T00:00:00' is in the future: nothing later than 2026-05-10 11:35 (Asia/Kolkata) is accepted now."
    )
    batch = _post(
        as_owner, building, [{"timestamp": "2026-05-10T11:00:00", "kwh": 1}, {"timestamp": "2027-01-01", "kwh": 1}]
    )
    assert _rejected(batch, column="timestamp")["errors"]["rows"][0]["row"] == 2
    _nothing_stored()


def test_a_csv_with_a_row_dated_next_year_is_refused_whole(as_owner, owner, clock):
    clock.set(NOW)
    building = make_building(owner)
    data = csv_bytes([("2026-05-10 10:45", 1), ("2026-05-10 11:00", 1), ("2027-05-01 00:00", 1)])
    body = _rejected(upload(as_owner, building.pk, data), column="timestamp")
    assert [row["row"] for row in body["errors"]["rows"]] == [4]
    _nothing_stored()


def test_a_senders_clock_may_run_a_few_minutes_fast(as_owner, owner, clock, settings):
    clock.set(NOW)
    building = make_building(owner)
    # 06:04:59 UTC is 4 min 59 s ahead: within the 300 s allowed by default.
    assert _post(as_owner, building, [{"timestamp": "2026-05-10T06:04:59Z", "kwh": 1}]).status_code == 202
    _rejected(_post(as_owner, building, [{"timestamp": "2026-05-10T06:05:01Z", "kwh": 1}]), column="timestamp")
    settings.READING_CLOCK_SKEW_SECONDS = 0
    _rejected(_post(as_owner, building, [{"timestamp": "2026-05-10T06:00:01Z", "kwh": 1}]), column="timestamp")
    assert MeterReading.objects.count() == 1


def test_a_large_csv_with_a_future_row_fails_on_the_worker_path(
    as_owner, owner, clock, settings, django_capture_on_commit_callbacks, tasks_in_process
):
    clock.set(NOW)
    settings.METER_CSV_ASYNC_ROWS = 3
    building = make_building(owner)
    data = csv_bytes([(f"2026-05-10 0{h}:00", 1) for h in range(5)] + [("2026-12-01 00:00", 1)])
    with django_capture_on_commit_callbacks(execute=True):
        upload_id = upload(as_owner, building.pk, data).json()["upload_id"]
    status = as_owner.get(f"/meter/uploads/{upload_id}").json()
    assert status["status"] == "failed"
    assert [(row["row"], row["column"]) for row in status["errors"]["rows"]] == [(7, "timestamp")]
    assert not MeterReading.objects.exists()


def _station(client) -> str:
    body = {"name": "Pune", "latitude": 18.5, "longitude": 73.9, "timezone": "Asia/Kolkata"}
    return client.post("/weather/stations", body, format="json").json()["station_id"]


def test_temperatures_dated_in_the_future_are_refused_in_json_and_csv(as_owner, clock):
    clock.set(NOW)
    station_id = _station(as_owner)
    future = [{"date": "2026-05-10", "temperature_c": 30}, {"date": "2026-05-11", "temperature_c": 31}]
    response = as_owner.post(f"/weather/{station_id}/readings", {"readings": future}, format="json")
    assert _rejected(response, column="date")["errors"]["rows"][0]["row"] == 2
    data = b"timestamp,temperature_c\n2026-05-10 11:00,30\n2027-01-01 00:00,12\n"
    response = as_owner.post(
        f"/weather/{station_id}/upload-csv",
        {"file": SimpleUploadedFile("w.csv", data, content_type="text/csv")},
        format="multipart",
    )
    assert [row["row"] for row in _rejected(response, column="timestamp")["errors"]["rows"]] == [3]
    _nothing_stored()


# Row 2: daily kWh of 1e15. Row 3: readings of 1.7e308.


@pytest.mark.parametrize("kwh", [1e15, 1.7e308])
def test_readings_no_meter_can_produce_are_refused_as_json(as_owner, owner, kwh):
    building = make_building(owner)
    readings = [{"timestamp": "2025-01-01", "kwh": kwh}, {"timestamp": "2025-01-02", "kwh": kwh}]
    body = _rejected(_post(as_owner, building, readings), column="kwh")
    assert body["errors"]["total"] == 2
    assert "at most 1,000,000,000 kWh" in body["errors"]["rows"][0]["message"]
    _nothing_stored()


@pytest.mark.parametrize("kwh", ["1e15", "1.7e308"])
def test_readings_no_meter_can_produce_are_refused_in_a_csv(as_owner, owner, kwh):
    building = make_building(owner)
    body = _rejected(upload(as_owner, building.pk, csv_bytes([("2025-01-01", kwh), ("2025-01-02", kwh)])), column="kwh")
    assert [row["row"] for row in body["errors"]["rows"]] == [2, 3]
    _nothing_stored()


def test_a_reading_implying_more_power_than_the_building_can_draw_is_refused(as_owner, owner):
    building = make_building(owner)  # 50,000 sq ft at the default 50 W per sq ft: at most 2,500 kW
    readings = [{"timestamp": f"2025-01-01T00:{m:02d}:00", "kwh": 600} for m in (0, 15, 30)]
    readings[1]["kwh"] = 700  # 2,800 kW over its 15 minutes
    body = _rejected(_post(as_owner, building, readings), column="kwh")
    assert body["errors"]["rows"] == [
        {
            "row": 2,
            "column": "kwh",
            "message": "'700' kWh in 15 minutes is an average of 2,800 kW, more than this building can draw: "
            "at most 2,500 kW (50 W per sq ft × 50,000 sq ft).",
        }
    ]
    readings[1]["kwh"] = 625  # exactly 2,500 kW
    assert _post(as_owner, building, readings).status_code == 202


def test_a_lone_reading_is_judged_over_the_buildings_stored_interval(as_owner, owner):
    building = make_building(owner)
    # 48,000 kWh in a day is 2,000 kW, but as a lone quarter-hour it would be 192,000 kW.
    alone = [{"timestamp": "2025-01-03T00:00:00", "kwh": 48_000}]
    _rejected(_post(as_owner, building, alone), column="kwh")
    days = [{"timestamp": f"2025-01-0{d}T00:00:00", "kwh": 48_000} for d in (1, 2)]
    assert _post(as_owner, building, days).status_code == 202
    assert _post(as_owner, building, alone).status_code == 202
    assert MeterReading.objects.count() == 3


def test_an_admin_raises_one_buildings_power_ceiling_in_the_admin(owner, make_user, client):
    building = make_building(owner, name="Data hall")
    admin = make_user("admin", email="admin@example.test")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    page = f"/admin/buildings/building/{building.pk}/change/"
    assert client.get(page).status_code == 200
    response = client.post(page, {"max_power_w_per_sqft": "300", **_empty_inline()})
    assert response.status_code == 302, response.content.decode()[:2000]
    building.refresh_from_db()
    assert building.max_power_w_per_sqft == 300 and building.power_ceiling_w_per_sqft == 300
    event = AuditEvent.objects.get(action="building.power_ceiling_set")
    assert (event.before, event.after) == ({"max_power_w_per_sqft": None}, {"max_power_w_per_sqft": 300.0})
    refused = client.post(page, {"max_power_w_per_sqft": "5000", **_empty_inline()})
    assert refused.status_code == 200 and b"less than or equal to 1000" in refused.content
    building.refresh_from_db()
    assert building.max_power_w_per_sqft == 300


def _empty_inline() -> dict:
    return {
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
    }


def test_a_raised_ceiling_lets_a_dense_buildings_readings_in(as_owner, owner, make_user):
    building = make_building(owner, name="Data hall")
    readings = [{"timestamp": "2025-01-01T00:00:00", "kwh": 7_500}, {"timestamp": "2025-01-01T01:00:00", "kwh": 7_500}]
    _rejected(_post(as_owner, building, readings), column="kwh")  # 7,500 kW > 2,500 kW
    admin = make_user("admin", email="admin@example.test")
    building_power_ceiling_set(actor=admin, building=building, max_power_w_per_sqft=150)
    assert _post(as_owner, building, readings).status_code == 202


def test_only_an_admin_sets_the_ceiling_and_never_through_the_api_or_the_portal(
    as_owner, owner, verifier, client, make_user
):
    building = make_building(owner)
    for actor in (owner, verifier):
        with pytest.raises(Forbidden):
            building_power_ceiling_set(actor=actor, building=building, max_power_w_per_sqft=300)
    patched = as_owner.patch(f"/buildings/{building.pk}", {"max_power_w_per_sqft": 300}, format="json")
    assert patched.status_code == 200
    building.refresh_from_db()
    assert building.max_power_w_per_sqft is None
    verifier.is_staff = True
    verifier.save()
    client.force_login(verifier)
    page = f"/admin/buildings/building/{building.pk}/change/"
    assert client.get(page).status_code == 200  # read-only view
    assert client.post(page, {"max_power_w_per_sqft": "300", **_empty_inline()}).status_code == 403
    building.refresh_from_db()
    assert building.max_power_w_per_sqft is None


@pytest.mark.parametrize(
    ("model", "values"),
    [
        (MeterReading, {"value_kwh": 1e15, "source": "API"}),
        (TemperatureReading, {"temperature_c": 100.0, "resolution": "hour"}),
    ],
)
def test_the_database_refuses_values_beyond_their_bounds(owner, model, values):
    building = make_building(owner)
    station = WeatherStation.objects.create(owner=owner, name="s", latitude=0, longitude=0)
    owner_field = {"building": building} if model is MeterReading else {"station": station}
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(time="2025-01-01T00:00Z", **owner_field, **values)
