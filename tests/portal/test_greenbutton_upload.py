"""The data page's one upload form takes a Green Button file as well as a CSV, told apart by content."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from metering.readings.models import MeterReading, ReadingSource
from metering.uploads.models import Upload, UploadKind
from tests.metering.helpers import make_building
from tests.portal.conftest import HX
from tests.support.greenbutton import GAS, Channel, Point, blocks_of, feed

pytestmark = pytest.mark.django_db

JAN_1 = "2025-01-01T05:00"  # local midnight in New York


@pytest.fixture
def building(owner):
    return make_building(owner, timezone="America/New_York")


def two_points() -> bytes:
    return feed(
        Point("Main meter", [Channel(blocks_of(JAN_1, [1_000] * 4))]),
        Point("Car park", [Channel(blocks_of(JAN_1, [7] * 2))]),
    )


def post_file(client, building, data: bytes, *, name="usage.xml", **fields):
    url = f"/portal/buildings/{building.pk}/data/upload/"
    file = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(url, {"file": file, **fields}, headers=HX)


def test_the_form_offers_green_button_and_the_usage_point(portal, building):
    html = portal.get(f"/portal/buildings/{building.pk}/data/").content.decode()
    assert "Meter data (CSV, Excel or Green Button)" in html and 'name="usage_point"' in html and ".xml" in html


def test_a_green_button_file_is_stored_by_its_content_whatever_its_name(portal, building):
    response = post_file(portal, building, feed(Point("Main", [Channel(blocks_of(JAN_1, [500] * 8))])), name="x.csv")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Completed" in html and "8 readings stored (8 new, 0 replaced)" in html
    assert "2025-01-01 00:00 America/New_York to 2025-01-01 01:45 America/New_York" in html  # in the building's zone
    assert Upload.objects.get().kind == UploadKind.GREENBUTTON
    assert set(MeterReading.objects.values_list("source", flat=True)) == {ReadingSource.GREENBUTTON}


def test_several_usage_points_are_asked_for_on_the_field_then_the_choice_is_stored(portal, building):
    refused = post_file(portal, building, two_points())
    assert refused.status_code == 422
    html = refused.content.decode()
    assert "2 usage points" in html and "&#x27;Car park&#x27;" in html
    assert not Upload.objects.exists()
    chosen = post_file(portal, building, two_points(), usage_point="Car park")
    assert chosen.status_code == 200 and "2 readings stored" in chosen.content.decode()
    assert sorted(MeterReading.objects.values_list("value_kwh", flat=True)) == [0.007, 0.007]


def test_a_gas_usage_point_is_refused_on_the_form(portal, building):
    gas = feed(Point("Boiler", [Channel(blocks_of(JAN_1, [100]))], kind=GAS))
    response = post_file(portal, building, gas)
    assert response.status_code == 422 and "measures gas" in response.content.decode()
    assert not Upload.objects.exists() and not MeterReading.objects.exists()


def test_another_users_building_is_404(outsider_portal, building):
    response = post_file(outsider_portal, building, feed(Point("Main", [Channel(blocks_of(JAN_1, [500]))])))
    assert response.status_code == 404
    assert not Upload.objects.exists()
