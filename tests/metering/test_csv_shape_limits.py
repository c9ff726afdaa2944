"""Row 4 of issue 14: a CSV whose header has 2.5 million columns (5 MB) kept a worker busy for minutes before
a 201. Meter and temperature uploads now answer 422 invalid_file from a scan of the bytes, and store nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from metering.readings.models import MeterReading
from metering.uploads.models import Upload
from metering.weather.models import TemperatureReading
from tests.metering.helpers import make_building, upload

pytestmark = pytest.mark.django_db

WIDE = b"timestamp,kwh,temperature_c" + b",x" * 2_500_000 + b"\n2025-01-01 00:00,1,5\n"
LONG_LINE = b"date,temperature_c\n2025-01-01," + b"1" * 70_000 + b"\n"


def test_a_meter_csv_with_a_5_mb_header_is_422_and_nothing_is_stored(as_owner, owner):
    building = make_building(owner)
    response = upload(as_owner, building.pk, WIDE)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_file"
    assert body["detail"] == "The header on line 1 has 2,500,003 columns; a file may have at most 1,000."
    assert body["errors"] == {"file": [body["detail"]]}
    assert not Upload.objects.exists() and not MeterReading.objects.exists()


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        (WIDE, "The header on line 1 has 2,500,003 columns; a file may have at most 1,000."),
        (LONG_LINE, "Line 2 is 70,011 bytes long; a line may be at most 65,536 bytes."),
    ],
)
def test_a_temperature_csv_of_a_huge_header_or_line_is_422_and_nothing_is_stored(as_owner, data, detail):
    station = as_owner.post(
        "/weather/stations", {"name": "Site", "latitude": 12.9, "longitude": 77.6, "timezone": "UTC"}, format="json"
    ).json()["station_id"]
    response = as_owner.post(
        f"/weather/{station}/upload-csv",
        {"file": SimpleUploadedFile("t.csv", data, content_type="text/csv")},
        format="multipart",
    )
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["detail"]) == ("invalid_file", detail)
    assert not Upload.objects.exists() and not TemperatureReading.objects.exists()
