import re
from datetime import date

import pandas as pd
import pytest

from buildings.models import Building, WeatherStation
from buildings.services import building_update
from credits.services import credits_request, credits_verify
from tests.metering.helpers import make_building
from tests.metering.weather.source import three_stations

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Harbour View Offices",
    "address": "12 Quay Street",
    "building_type": "commercial_office",
    "area_sqft": "42000",
    "timezone": "Asia/Kolkata",
    "occupancy_weekday": "90",
    "occupancy_weekend": "10",
    "grid_region": "",
    "weather_station": "",
}


def test_create_stores_the_building_and_derives_its_grid_region(portal, owner):
    station = WeatherStation.objects.create(owner=owner, name="Roof", latitude=19, longitude=72.8, timezone="UTC")
    response = portal.post("/portal/buildings/new/", {**FORM, "weather_station": str(station.pk)})
    building = Building.objects.get(owner=owner)
    assert response.status_code == 302 and response["Location"] == f"/portal/buildings/{building.pk}/data/"
    assert (building.name, building.area_sqft, building.occupancy_weekday) == ("Harbour View Offices", 42000, 90)
    assert building.grid_region == "IN" and building.weather_station == station


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("timezone", "Mars/Olympus", "is not an IANA time zone name"),
        ("area_sqft", "0", "Must be greater than 0."),
        ("area_sqft", "-5", "Must be greater than 0."),
        ("occupancy_weekday", "101", "less than or equal to 100"),
        ("occupancy_weekend", "-1", "greater than or equal to 0"),
        ("building_type", "castle", "Select a valid choice."),
        ("grid_region", "1N", "starting with a letter"),
        ("name", "", "This field is required."),
    ],
)
def test_create_with_bad_input_shows_inline_errors_and_stores_nothing(portal, owner, field, value, message):
    response = portal.post("/portal/buildings/new/", {**FORM, field: value})
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert re.search(rf'id="id_{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_{field}"', html)
    assert not Building.objects.filter(owner=owner).exists()


def test_a_station_of_another_user_cannot_be_chosen(portal, owner, outsider):
    foreign = WeatherStation.objects.create(owner=outsider, name="Theirs", latitude=1, longitude=1, timezone="UTC")
    response = portal.post("/portal/buildings/new/", {**FORM, "weather_station": str(foreign.pk)})
    assert response.status_code == 422 and b"Select a valid choice." in response.content
    assert b"Theirs" not in response.content
    assert not Building.objects.filter(owner=owner).exists()


def test_edit_saves_only_what_changed(portal, owner):
    building = make_building(owner)
    page = portal.get(f"/portal/buildings/{building.pk}/settings/")
    assert b'value="Plant 7"' in page.content
    form = {**FORM, "name": "Plant 7 (north)", "area_sqft": "50000", "timezone": "Asia/Kolkata"}
    form |= {"building_type": "other", "occupancy_weekday": "100", "occupancy_weekend": "20", "grid_region": "IN"}
    response = portal.post(f"/portal/buildings/{building.pk}/settings/", form)
    assert response.status_code == 302
    building.refresh_from_db()
    assert building.name == "Plant 7 (north)" and building.address == "12 Quay Street"


def test_edit_with_bad_input_changes_nothing(portal, owner):
    building = make_building(owner)
    response = portal.post(f"/portal/buildings/{building.pk}/settings/", {**FORM, "area_sqft": "0"})
    assert response.status_code == 422 and b"Must be greater than 0." in response.content
    building.refresh_from_db()
    assert building.name == "Plant 7" and building.area_sqft == 50000


def test_delete_removes_the_building(portal, owner):
    building = make_building(owner)
    assert b"This cannot be undone." in portal.get(f"/portal/buildings/{building.pk}/delete/").content
    assert portal.post(f"/portal/buildings/{building.pk}/delete/")["Location"] == "/portal/"
    assert not Building.objects.filter(pk=building.pk).exists()


def test_a_building_with_issued_credits_is_not_deleted(portal, owner, verifier, measured):
    (block,) = credits_request(
        actor=owner, building=measured, period_start=date(2024, 4, 1), period_end=date(2024, 5, 31)
    )
    credits_verify(verifier=verifier, block=block, decision="approve", comment="ok")
    response = portal.post(f"/portal/buildings/{measured.pk}/delete/")
    assert response.status_code == 409
    assert b"has issued or retired carbon credits, so it cannot be deleted" in response.content
    assert Building.objects.filter(pk=measured.pk).exists()


def test_the_list_shows_each_buildings_latest_month(portal, owner, measured):
    make_building(owner, name="Empty annex")
    html = portal.get("/portal/").content.decode()
    assert "MRV test" in html and "2025-03" in html
    assert 'class="badge quality-ok">OK<' in html and 'class="badge yes">Eligible<' in html
    assert "Empty annex" in html and "No meter data yet" in html


def test_the_dashboard_summarises_the_latest_month_with_charts_and_calendar(portal, measured):
    html = portal.get(f"/portal/buildings/{measured.pk}/").content.decode()
    assert "2025-03 at a glance" in html and "The twelve months to 2025-03" in html
    # Four charts (twelve months, cumulative savings, the reporting period, this year over last), each with the
    # copy drawn for a phone.
    assert html.count("<svg") == 8 and 'aria-label="Adjusted baseline (kWh) and Actual (kWh)"' in html
    calendar = re.search(r'<ol class="calendar">(.*?)</ol>', html, re.S).group(1)
    months = re.findall(r'quality-(\w+)"><span class="month">([\d-]+)</span> <span class="label">(\w+)<', calendar)
    assert [month for _, month, _ in months] == [str(p) for p in pd.period_range("2024-04", "2025-03", freq="M")]
    assert all(css == label.lower() for css, _, label in months)


def test_the_dashboard_explains_an_ineligible_month(portal, measured):
    html = portal.get(f"/portal/buildings/{measured.pk}/?month=2024-03").content.decode()
    assert "Why 2024-03 cannot earn credits" in html and "retrofit" in html.lower()


def test_the_dashboard_refuses_a_malformed_month_inline(portal, measured):
    response = portal.get(f"/portal/buildings/{measured.pk}/?month=March")
    assert response.status_code == 422 and b"Enter a month as YYYY-MM." in response.content
    assert b"2025-03 at a glance" in response.content  # and falls back to the latest month


def test_a_building_without_data_invites_an_upload(portal, owner):
    building = make_building(owner)
    html = portal.get(f"/portal/buildings/{building.pk}/").content.decode()
    assert "There is no meter data yet" in html and f"/portal/buildings/{building.pk}/data/" in html


def test_the_owner_sets_coordinates_and_the_settings_page_shows_the_weather(portal, owner, tasks_in_process):
    building = make_building(owner)
    page = portal.get(f"/portal/buildings/{building.pk}/settings/")
    assert b"Give the building's latitude and longitude" in page.content
    form = {**FORM, "name": "Plant 7", "area_sqft": "50000", "building_type": "other", "grid_region": "IN"}
    form |= {"occupancy_weekday": "100", "occupancy_weekend": "20", "latitude": "12.97", "longitude": "77.59"}
    response = portal.post(f"/portal/buildings/{building.pk}/settings/", form)
    assert response.status_code == 302
    building.refresh_from_db()
    assert (building.latitude, building.longitude) == (12.97, 77.59)
    page = portal.get(f"/portal/buildings/{building.pk}/settings/")
    # No GHCNh server in this test: the source URL points where nothing listens.
    assert b"The weather source could not be reached" in page.content


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"latitude": "91", "longitude": "10"}, b"less than or equal to 90"),
        ({"latitude": "12.5"}, b"Give latitude and longitude together, or neither."),
        ({"latitude": "nan", "longitude": "10"}, b"Enter a number."),
    ],
)
def test_bad_coordinates_show_inline_and_change_nothing(portal, owner, change, message):
    building = make_building(owner)
    response = portal.post(f"/portal/buildings/{building.pk}/settings/", {**FORM, **change})
    assert response.status_code == 422 and message in response.content
    building.refresh_from_db()
    assert building.latitude is None and building.longitude is None


def test_an_outsider_cannot_open_the_settings_page_with_the_weather(client, outsider, owner):
    building = make_building(owner)
    client.force_login(outsider)
    assert client.get(f"/portal/buildings/{building.pk}/settings/").status_code == 404


def test_the_settings_page_shows_the_chosen_station_why_and_coverage(portal, owner, settings, clock, tasks_in_process):
    server = three_stations().start()
    settings.WEATHER_SOURCE_URL, settings.WEATHER_HISTORY_YEARS = server.url, 2
    clock.set("2026-01-03T12:00:00+00:00")
    building = make_building(owner, timezone="America/New_York")
    try:
        building_update(actor=owner, building=building, latitude=40.70, longitude=-73.90, elevation_m=20.0)
    finally:
        server.stop()
    page = portal.get(f"/portal/buildings/{building.pk}/settings/").content.decode()
    assert "LA GUARDIA TEST (NOAA GHCNh USW00000002): 12 km away, 40 m lower, 100 % of hours in 2025" in page
    assert "not suitable: reported in fewer than 80 % of the hours of 2025" in page
    # December 2025: 23 of 744 hours stored (3.1 %); January 2026 so far: 37 of 61 (60.7 %).
    assert re.search(
        r"<td>2025-12</td><td class=\"num\">23</td><td class=\"num\">744</td><td class=\"num\">3.1 %", page
    )
    assert re.search(
        r"<td>2026-01</td><td class=\"num\">37</td><td class=\"num\">61</td><td class=\"num\">60.7 %", page
    )
