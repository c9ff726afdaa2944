"""CSV help on the API (issue 16): .xlsx uploads, other binaries refused, the date-order choice, and templates."""

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from buildings.models import WeatherStation
from metering import parsers
from metering.readings.models import MeterReading
from metering.uploads.models import DateOrder, Upload
from metering.weather.models import TemperatureReading
from tests.metering.helpers import make_building, upload, workbook

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AMBIGUOUS = b"timestamp,kwh\n03/04/2025 00:00,1\n03/04/2025 00:15,2\n04/04/2025 00:00,3\n"


def post(client, building, data: bytes, name: str, **fields):
    return client.post(
        "/meter/upload-csv",
        {"building_id": str(building.pk), "file": SimpleUploadedFile(name, data, content_type=XLSX), **fields},
        format="multipart",
    )


def stored(building) -> list[tuple[datetime, float]]:
    rows = MeterReading.objects.filter(building=building).order_by("time").values_list("time", "value_kwh")
    return [(time.astimezone(UTC), kwh) for time, kwh in rows]


def test_an_xlsx_upload_is_stored_like_the_same_csv(as_owner, owner):
    building = make_building(owner)  # Asia/Kolkata, UTC+5:30
    data = workbook(("Timestamp", "kWh"), (datetime(2025, 1, 6, 0, 0), 1.5), (datetime(2025, 1, 6, 0, 15), 2))
    response = post(as_owner, building, data, "export.xlsx")
    assert response.status_code == 201, response.json()
    assert response.json()["rows"] == 2
    assert stored(building) == [
        (datetime(2025, 1, 5, 18, 30, tzinfo=UTC), 1.5),
        (datetime(2025, 1, 5, 18, 45, tzinfo=UTC), 2.0),
    ]
    kept = Upload.objects.get()
    assert kept.filename == "export.xlsx" and kept.size_bytes == len(data)


def test_a_bad_xlsx_row_is_a_422_naming_the_sheet_row_and_nothing_is_stored(as_owner, owner):
    building = make_building(owner)
    data = workbook(("timestamp", "kwh"), (datetime(2025, 1, 6), 1), (None, None), (datetime(2025, 1, 6, 1), -3))
    response = post(as_owner, building, data, "export.xlsx")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_rows"
    assert [row["row"] for row in response.json()["errors"]["rows"]] == [4]
    assert not MeterReading.objects.exists() and not Upload.objects.exists()


@pytest.mark.parametrize(
    ("data", "recognised"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "Excel 97-2003 workbook (.xls)"),
        (b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "PDF document"),
        ("timestamp,kwh\n2025-01-06 00:00,1\n".encode("utf-16"), "UTF-16 text"),
    ],
)
def test_other_binary_files_are_a_422_saying_what_they_are_and_nothing_is_stored(as_owner, owner, data, recognised):
    building = make_building(owner)
    response = upload(as_owner, building.pk, data, name="meter.csv")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_file" and recognised in body["detail"]
    assert "save it as" in body["detail"] or "Utility bills go to the bill upload" in body["detail"]
    assert body["errors"]["file"] == [body["detail"]]
    assert not MeterReading.objects.exists() and not Upload.objects.exists()


def test_ambiguous_dates_are_one_422_then_the_chosen_order_is_stored(as_owner, owner):
    building = make_building(owner, timezone="UTC")
    refused = upload(as_owner, building.pk, AMBIGUOUS)
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "ambiguous_dates"
    assert "3 April 2025 read day-first or 4 March 2025 read month-first" in body["detail"]
    assert body["errors"]["date_order"] == ["Choose the order of the dates in this file: day first or month first."]
    assert body["errors"]["examples"] == [
        {
            "row": 2,
            "value": "03/04/2025 00:00",
            "day_first": "2025-04-03T00:00:00",
            "month_first": "2025-03-04T00:00:00",
        }
    ]
    assert not MeterReading.objects.exists() and not Upload.objects.exists()

    chosen = post(as_owner, building, AMBIGUOUS, "m.csv", date_order="day_first")
    assert chosen.status_code == 201
    assert [time for time, _ in stored(building)] == [
        datetime(2025, 4, 3, 0, 0, tzinfo=UTC),
        datetime(2025, 4, 3, 0, 15, tzinfo=UTC),
        datetime(2025, 4, 4, 0, 0, tzinfo=UTC),
    ]
    assert Upload.objects.get().date_order == "day_first"


def test_an_unknown_date_order_is_a_field_error(as_owner, owner):
    building = make_building(owner)
    response = post(as_owner, building, AMBIGUOUS, "m.csv", date_order="year_first")
    assert response.status_code in (400, 422)
    assert "date_order" in response.json()["errors"]
    assert not Upload.objects.exists()


def test_a_large_file_keeps_the_chosen_order_for_the_worker(
    as_owner, owner, settings, django_capture_on_commit_callbacks, tasks_in_process
):
    settings.METER_CSV_ASYNC_ROWS = 2
    building = make_building(owner, timezone="UTC")
    data = workbook(("timestamp", "kwh"), *((f"0{day}/02/2025", day) for day in range(1, 5)))
    with django_capture_on_commit_callbacks(execute=True):
        response = post(as_owner, building, data, "big.xlsx", date_order="month_first")
    assert response.status_code == 202
    assert as_owner.get(f"/meter/uploads/{response.json()['upload_id']}").json()["status"] == "completed"
    # 01/02/2025 ... 04/02/2025 read month-first: 2 January, 2 February, 2 March, 2 April.
    assert [(time.month, time.day) for time, _ in stored(building)] == [(1, 2), (2, 2), (3, 2), (4, 2)]


def test_the_date_orders_are_the_parsers():
    assert {DateOrder.DAY_FIRST, DateOrder.MONTH_FIRST} == {parsers.DAY_FIRST, parsers.MONTH_FIRST}


@pytest.mark.parametrize("granularity", ["15min", "hourly", "daily", "monthly"])
def test_a_meter_template_is_stored_as_it_is(as_owner, owner, granularity):
    building = make_building(owner)
    response = as_owner.get(f"/meter/{building.pk}/upload-template", {"granularity": granularity})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="carbonexia-{granularity}-template-Asia-Kolkata.csv"' in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    assert len(lines) == 4 and lines[0] in ("timestamp,kwh", "date,kwh")
    if granularity in ("15min", "hourly"):
        assert lines[1].startswith("2025-01-06T00:00:00+05:30,")
    stored_back = upload(as_owner, building.pk, response.content)
    assert stored_back.status_code == 201, stored_back.json()
    assert stored_back.json()["rows"] == 3 and MeterReading.objects.count() == 3


@pytest.mark.parametrize("granularity", ["temperature_hourly", "temperature_daily"])
def test_a_temperature_template_is_in_the_station_zone_and_stored_as_it_is(as_owner, owner, granularity):
    station = WeatherStation.objects.create(
        owner=owner, name="Airport", latitude=40.6, longitude=-73.8, timezone="America/New_York"
    )
    building = make_building(owner)
    building.weather_station = station
    building.save()
    response = as_owner.get(f"/meter/{building.pk}/upload-template", {"granularity": granularity})
    assert "America-New_York" in response["Content-Disposition"]
    stored_back = as_owner.post(
        f"/weather/{station.pk}/upload-csv", {"file": SimpleUploadedFile("t.csv", response.content)}, format="multipart"
    )
    assert stored_back.status_code == 201, stored_back.json()
    assert TemperatureReading.objects.filter(station=station).count() == 3


def test_the_template_of_another_users_building_is_404_and_a_bad_granularity_a_field_error(
    as_owner, as_outsider, owner
):
    building = make_building(owner)
    assert as_outsider.get(f"/meter/{building.pk}/upload-template", {"granularity": "daily"}).status_code == 404
    bad = as_owner.get(f"/meter/{building.pk}/upload-template", {"granularity": "weekly"})
    assert bad.status_code in (400, 422) and "granularity" in bad.json()["errors"]
    # JSON errors even for a client that only accepts CSV.
    csv_only = as_outsider.get(f"/meter/{building.pk}/upload-template?granularity=daily", HTTP_ACCEPT="text/csv")
    assert csv_only.status_code == 404 and csv_only.json()["code"] == "not_found"
