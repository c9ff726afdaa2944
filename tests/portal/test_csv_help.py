"""CSV help on the data page (issue 16, missing item 4): templates, .xlsx, and the date-order question."""

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from buildings.models import WeatherStation
from metering.readings.models import MeterReading
from metering.uploads.models import Upload
from tests.metering.helpers import make_building, workbook
from tests.portal.conftest import HX

pytestmark = pytest.mark.django_db

AMBIGUOUS = b"timestamp,kwh\n03/04/2025 00:00,1\n04/04/2025 00:00,2\n"


@pytest.fixture
def building(owner):
    return make_building(owner, timezone="Europe/London")


def post(portal, building, data: bytes, name: str, url: str = "upload/", **fields):
    return portal.post(
        f"/portal/buildings/{building.pk}/data/{url}", {"file": SimpleUploadedFile(name, data), **fields}, headers=HX
    )


def test_the_data_page_links_a_template_per_granularity_and_each_is_stored_as_it_is(portal, building):
    page = portal.get(f"/portal/buildings/{building.pk}/data/").content.decode()
    assert "three example rows in\n    Europe/London" in page
    for granularity in ("15min", "hourly", "daily", "monthly"):
        link = f"/portal/buildings/{building.pk}/data/templates/{granularity}.csv"
        assert f'href="{link}" download' in page
        template = portal.get(link)
        assert template.status_code == 200 and template["Content-Type"] == "text/csv; charset=utf-8"
        assert f"carbonexia-{granularity}-template-Europe-London.csv" in template["Content-Disposition"]
        stored = post(portal, building, template.content, f"{granularity}.csv")
        assert stored.status_code == 200 and "3 readings stored" in stored.content.decode()
    assert Upload.objects.filter(building=building).count() == 4
    # Temperature templates appear with the station's upload form only.
    assert "temperature_daily" not in page


def test_temperature_templates_sit_by_the_station_upload_and_are_stored_as_they_are(portal, owner, building):
    station = WeatherStation.objects.create(owner=owner, name="Heathrow", latitude=51.5, longitude=-0.45)
    building.weather_station = station
    building.save()
    page = portal.get(f"/portal/buildings/{building.pk}/data/").content.decode()
    link = f"/portal/buildings/{building.pk}/data/templates/temperature_daily.csv"
    assert "Temperature templates, in UTC" in page and f'href="{link}"' in page
    response = portal.post(
        f"/portal/buildings/{building.pk}/data/station/temperatures/",
        {"file": SimpleUploadedFile("t.csv", portal.get(link).content)},
    )
    assert response.status_code == 302
    assert "3 temperatures were stored" in portal.get(response["Location"]).content.decode()


def test_another_users_template_and_an_unknown_one_are_404(portal, outsider_portal, building):
    assert outsider_portal.get(f"/portal/buildings/{building.pk}/data/templates/daily.csv").status_code == 404
    assert portal.get(f"/portal/buildings/{building.pk}/data/templates/weekly.csv").status_code == 404


def test_an_xlsx_upload_is_stored(portal, building):
    data = workbook(("timestamp", "kwh"), (datetime(2025, 7, 1, 0, 0), 4), (datetime(2025, 7, 1, 0, 15), 5))
    response = post(portal, building, data, "july.xlsx")
    assert response.status_code == 200 and "2 readings stored" in response.content.decode()
    # 1 July 00:00 in London is BST (UTC+1): 30 June 23:00 UTC.
    first = MeterReading.objects.filter(building=building).order_by("time").first()
    assert first.time.astimezone(UTC) == datetime(2025, 6, 30, 23, 0, tzinfo=UTC)


def test_a_pdf_is_refused_saying_what_it_is_and_nothing_is_stored(portal, building):
    response = post(portal, building, b"%PDF-1.4\n1 0 obj\n", "bill.pdf")
    assert response.status_code == 422
    assert "it is a PDF document. Utility bills go to the bill upload" in response.content.decode()
    assert not Upload.objects.exists()


def test_ambiguous_dates_ask_once_on_the_date_order_field_and_the_choice_is_stored(portal, building):
    refused = post(portal, building, AMBIGUOUS, "meter.csv")
    html = refused.content.decode()
    assert refused.status_code == 422
    assert html.count("which is 3 April 2025 read day-first or 4 March 2025 read month-first") == 1
    assert "Choose the order of the dates in this file: day first or month first." in html  # on the field
    assert "row-errors" not in html  # one question, not a row error per line
    assert not MeterReading.objects.exists()
    chosen = post(portal, building, AMBIGUOUS, "meter.csv", date_order="day_first")
    assert chosen.status_code == 200 and "2 readings stored" in chosen.content.decode()
    times = [t.astimezone(UTC) for t in MeterReading.objects.order_by("time").values_list("time", flat=True)]
    assert times == [datetime(2025, 4, 2, 23, 0, tzinfo=UTC), datetime(2025, 4, 3, 23, 0, tzinfo=UTC)]  # BST


def test_an_unknown_date_order_is_refused_on_the_form(portal, building):
    response = post(portal, building, AMBIGUOUS, "meter.csv", date_order="year_first")
    assert response.status_code == 422 and "Select a valid choice" in response.content.decode()
    assert not Upload.objects.exists()
