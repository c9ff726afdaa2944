from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from buildings.models import WeatherStation
from metering.weather.models import TemperatureReading
from metering.weather.selectors import station_daily_means, station_hourly_means

pytestmark = pytest.mark.django_db

STATION = {"name": "Bengaluru HAL", "latitude": 12.95, "longitude": 77.67, "timezone": "Asia/Kolkata"}


def _station(client):
    response = client.post("/weather/stations", STATION, format="json")
    assert response.status_code == 201
    return response.json()["station_id"]


def test_create_and_list_stations(as_owner, as_outsider):
    station_id = _station(as_owner)
    listed = as_owner.get("/weather/stations").json()
    assert [s["station_id"] for s in listed["results"]] == [station_id]
    assert as_outsider.get("/weather/stations").json()["count"] == 0


@pytest.mark.parametrize(
    ("field", "value"), [("latitude", 91), ("longitude", -181), ("timezone", "Nowhere/City"), ("name", "")]
)
def test_bad_station_fields_are_422(as_owner, field, value):
    response = as_owner.post("/weather/stations", {**STATION, field: value}, format="json")
    assert response.status_code == 422 and field in response.json()["errors"]
    assert not WeatherStation.objects.exists()


def test_hourly_and_daily_temperatures_make_local_daily_means(as_owner):
    station_id = _station(as_owner)
    hourly = [{"timestamp": f"2025-05-01T{h:02d}:00:00", "temperature_c": 20 + h % 12} for h in range(24)]
    response = as_owner.post(f"/weather/{station_id}/readings", {"readings": hourly}, format="json")
    assert response.status_code == 202 and response.json()["accepted"] == 24
    daily = [{"date": "2025-05-02", "temperature_c": 31.5}]
    assert as_owner.post(f"/weather/{station_id}/readings", {"readings": daily}, format="json").status_code == 202
    # 12 hours only on 3 May: still enough for a mean (>= 12 hours)
    half = [{"timestamp": f"2025-05-03T{h:02d}:00:00+05:30", "temperature_c": 10.0} for h in range(12)]
    as_owner.post(f"/weather/{station_id}/readings", {"readings": half}, format="json")
    sparse = [{"timestamp": f"2025-05-04T{h:02d}:00:00+05:30", "temperature_c": 10.0} for h in range(5)]
    as_owner.post(f"/weather/{station_id}/readings", {"readings": sparse}, format="json")
    station = WeatherStation.objects.get(pk=station_id)
    means = station_daily_means(
        station=station, start=datetime(2025, 4, 30, tzinfo=UTC), end=datetime(2025, 5, 6, tzinfo=UTC)
    )
    assert [d.strftime("%Y-%m-%d") for d in means.index] == ["2025-05-01", "2025-05-02", "2025-05-03"]
    # hand check: 20 + (0..11) twice → mean of 20..31 = 25.5
    assert list(means) == pytest.approx([25.5, 31.5, 10.0])


def test_hourly_means_are_per_local_clock_hour(as_owner):
    station_id = _station(as_owner)
    readings = [
        {"timestamp": "2025-05-01T10:00:00+05:30", "temperature_c": 20.0},
        {"timestamp": "2025-05-01T10:30:00+05:30", "temperature_c": 23.0},  # same local hour: mean 21.5
        {"timestamp": "2025-05-01T11:00:00+05:30", "temperature_c": 24.0},
        {"timestamp": "2025-05-01T13:00:00+05:30", "temperature_c": 26.0},  # after the window
    ]
    assert as_owner.post(f"/weather/{station_id}/readings", {"readings": readings}, format="json").status_code == 202
    daily = [{"date": "2025-05-01", "temperature_c": 31.5}]  # a daily value is no hour's reading
    assert as_owner.post(f"/weather/{station_id}/readings", {"readings": daily}, format="json").status_code == 202
    station = WeatherStation.objects.get(pk=station_id)
    means = station_hourly_means(
        station=station,
        start=datetime(2025, 5, 1, 4, 30, tzinfo=UTC),
        end=datetime(2025, 5, 1, 7, 30, tzinfo=UTC),
        timezone="Asia/Kolkata",
    )
    assert [hour.isoformat() for hour in means.index] == ["2025-05-01T10:00:00+05:30", "2025-05-01T11:00:00+05:30"]
    assert list(means) == pytest.approx([21.5, 24.0])


def test_temperature_csv_upload_and_bad_rows(as_owner):
    station_id = _station(as_owner)
    good = b"date,temperature_c\n2025-01-01,18.2\n2025-01-02,19.0\n"
    response = as_owner.post(
        f"/weather/{station_id}/upload-csv",
        {"file": SimpleUploadedFile("t.csv", good, content_type="text/csv")},
        format="multipart",
    )
    assert response.status_code == 201
    assert (response.json()["rows"], response.json()["inserted"]) == (2, 2)
    bad = b"date,temperature_c\n2025-01-03,18.2\n2025-01-04,75\n"
    rejected = as_owner.post(
        f"/weather/{station_id}/upload-csv",
        {"file": SimpleUploadedFile("t.csv", bad, content_type="text/csv")},
        format="multipart",
    )
    assert rejected.status_code == 422
    assert rejected.json()["errors"]["rows"][0]["row"] == 3
    assert TemperatureReading.objects.count() == 2


def test_outsider_cannot_touch_a_station(as_owner, as_outsider):
    station_id = _station(as_owner)
    reading = {"readings": [{"date": "2025-01-01", "temperature_c": 1}]}
    assert as_outsider.post(f"/weather/{station_id}/readings", reading, format="json").status_code == 404
    upload = {"file": SimpleUploadedFile("t.csv", b"date,temperature_c\n2025-01-01,1\n", content_type="text/csv")}
    assert as_outsider.post(f"/weather/{station_id}/upload-csv", upload, format="multipart").status_code == 404
    assert not TemperatureReading.objects.exists()


def test_bad_temperature_batches_are_422(as_owner):
    station_id = _station(as_owner)
    assert as_owner.post(f"/weather/{station_id}/readings", {"readings": "x"}, format="json").status_code == 422
    bad = as_owner.post(
        f"/weather/{station_id}/readings",
        {"readings": [{"temperature_c": 1}, {"date": "2025-01-01", "temperature_c": "hot"}]},
        format="json",
    )
    assert bad.status_code == 422
    assert [r["row"] for r in bad.json()["errors"]["rows"]] == [1, 2]
    assert not TemperatureReading.objects.exists()
