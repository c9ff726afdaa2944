"""GET /buildings/{id}/weather and coordinates on the building (API.md, second round)."""

import pytest

from buildings.models import Building
from metering.weather.models import BuildingWeather, FetchStatus

from ..helpers import make_building
from .source import CHOSEN, NOW

pytestmark = pytest.mark.django_db

PLACE = {"latitude": 40.70, "longitude": -73.90, "elevation_m": 20.0}


def test_an_outsider_gets_404(as_outsider, owner):
    building = make_building(owner)
    assert as_outsider.get(f"/buildings/{building.pk}/weather").status_code == 404
    response = as_outsider.patch(f"/buildings/{building.pk}", PLACE, format="json")
    assert response.status_code == 404
    assert Building.objects.get(pk=building.pk).latitude is None


def test_a_building_without_coordinates_says_so(as_owner, owner):
    building = make_building(owner)
    body = as_owner.get(f"/buildings/{building.pk}/weather").json()
    assert body["status"] == "not_located" and body["station"] is None and body["coverage"] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"latitude": 91, "longitude": 0}, "latitude"),
        ({"latitude": 10, "longitude": -180.5}, "longitude"),
        ({"latitude": "north", "longitude": 0}, "latitude"),
        ({"latitude": 12.5}, "longitude"),
        ({"longitude": 77.5}, "latitude"),
        ({**PLACE, "elevation_m": 7000}, "elevation_m"),
        ({**PLACE, "elevation_m": "NaN"}, "elevation_m"),
        ({"latitude": "Infinity", "longitude": 0}, "latitude"),
    ],
)
def test_bad_coordinates_are_422_and_nothing_is_stored(as_owner, owner, change, field):
    building = make_building(owner)
    response = as_owner.patch(f"/buildings/{building.pk}", change, format="json")
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    stored = Building.objects.get(pk=building.pk)
    assert (stored.latitude, stored.longitude, stored.elevation_m) == (None, None, None)
    assert not BuildingWeather.objects.exists()


def test_setting_coordinates_starts_a_fetch_and_the_weather_says_what_came_of_it(
    ghcnh,
    as_owner,
    owner,
    clock,
    tasks_in_process,
    django_capture_on_commit_callbacks,
):
    clock.set(NOW)
    building = make_building(owner, timezone="America/New_York")
    response = as_owner.patch(f"/buildings/{building.pk}", PLACE, format="json")
    assert response.status_code == 200
    assert (response.json()["latitude"], response.json()["longitude"], response.json()["elevation_m"]) == (
        40.70,
        -73.90,
        20.0,
    )
    body = as_owner.get(f"/buildings/{building.pk}/weather").json()
    assert body["status"] == "ok", body
    assert body["chosen_because"] == "12 km away, 40 m lower, 100 % of hours in 2025"
    assert body["station"]["source_id"] == f"ghcnh:{CHOSEN[0]}"
    assert body["station"]["station_id"] == as_owner.get(f"/buildings/{building.pk}").json()["weather_station_id"]
    assert [month["period"] for month in body["coverage"]] == ["2025-12", "2026-01"]
    assert body["last_success_at"] == "2026-01-03T12:00:00Z"


def test_a_change_that_is_not_about_the_place_fetches_nothing(as_owner, owner):
    building = make_building(owner)
    Building.objects.filter(pk=building.pk).update(**PLACE)
    assert as_owner.patch(f"/buildings/{building.pk}", {"name": "Renamed"}, format="json").status_code == 200
    assert not BuildingWeather.objects.exists()


def test_a_new_building_with_coordinates_fetches_and_an_unreachable_source_is_its_status(as_owner, tasks_in_process):
    # No GHCNh server in this test: the source URL points where nothing listens.
    response = as_owner.post(
        "/buildings", {"name": "New", "area_sqft": 1000, "timezone": "America/New_York", **PLACE}, format="json"
    )
    assert response.status_code == 201
    body = as_owner.get(f"/buildings/{response.json()['building_id']}/weather").json()
    assert body["status"] == FetchStatus.UNREACHABLE and "could not be reached" in body["message"]
    assert body["last_attempt_at"] is not None and body["last_success_at"] is None


def test_clearing_the_coordinates_stops_the_fetching(as_owner, located):
    BuildingWeather.objects.create(building=located, status=FetchStatus.OK, requested_at=located.created_at)
    response = as_owner.patch(f"/buildings/{located.pk}", {"latitude": None, "longitude": None}, format="json")
    assert response.status_code == 200 and response.json()["latitude"] is None
    assert as_owner.get(f"/buildings/{located.pk}/weather").json()["status"] == "not_located"
