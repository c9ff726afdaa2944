"""A building's time zone and grid region (and a station's time zone) are checked by the model, through the
services, so the API, the portal and every other caller meet the same rule with the same words."""

import pytest

from buildings.models import Building, WeatherStation
from buildings.services import building_create, building_update, station_create
from carbonexia.common.errors import Invalid
from tests.metering.helpers import make_building

pytestmark = pytest.mark.django_db

NOT_A_ZONE = "'Mars/Olympus' is not an IANA time zone name, e.g. 'Asia/Kolkata'."
NOT_A_REGION = "Letters, digits and hyphens, starting with a letter (e.g. IN, US-CAMX)."


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"timezone": "Mars/Olympus"}, {"timezone": [NOT_A_ZONE]}),
        ({"grid_region": "1N"}, {"grid_region": [NOT_A_REGION]}),
    ],
)
def test_the_service_refuses_what_the_model_rules_out(owner, fields, errors):
    with pytest.raises(Invalid) as refused:
        building_create(owner=owner, name="Tower", area_sqft=1000, **fields)
    assert refused.value.errors == errors
    assert refused.value.detail == f"Some fields are not valid: {', '.join(errors)}."
    assert not Building.objects.exists()


def test_a_grid_region_is_kept_upper_case(owner):
    assert building_create(owner=owner, name="Tower", area_sqft=1000, grid_region="us-camx").grid_region == "US-CAMX"


def test_a_refused_update_leaves_the_building_as_stored(owner):
    building = make_building(owner)
    with pytest.raises(Invalid):
        building_update(actor=owner, building=building, name="Renamed", timezone="Mars/Olympus")
    assert (building.name, building.timezone, building.grid_region) == ("Plant 7", "Asia/Kolkata", "IN")
    assert Building.objects.get(pk=building.pk).timezone == "Asia/Kolkata"


def test_a_station_time_zone_follows_the_same_rule(owner):
    with pytest.raises(Invalid) as refused:
        station_create(owner=owner, name="Roof", latitude=1, longitude=1, timezone="Mars/Olympus")
    assert refused.value.errors == {"timezone": [NOT_A_ZONE]}
    assert not WeatherStation.objects.exists()


def test_the_api_answers_with_the_models_words(as_owner):
    office = {"name": "Tower", "area_sqft": 1000}
    zone = as_owner.post("/buildings", {**office, "timezone": "Mars/Olympus"}, format="json")
    assert zone.status_code == 422
    assert zone.json() == {
        "detail": "Some fields are not valid: timezone.",
        "code": "invalid",
        "errors": {"timezone": [NOT_A_ZONE]},
    }
    region = as_owner.post("/buildings", {**office, "grid_region": "1N"}, format="json")
    assert region.status_code == 422 and region.json()["errors"] == {"grid_region": [NOT_A_REGION]}
    station = {"name": "Roof", "latitude": 1, "longitude": 1, "timezone": "Mars/Olympus"}
    assert as_owner.post("/weather/stations", station, format="json").json()["errors"] == {"timezone": [NOT_A_ZONE]}
