import pytest

from buildings.models import Building, ProjectEvent, WeatherStation
from carbonexia.audit.models import AuditEvent
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

OFFICE = {
    "name": "Tower A",
    "address": "1 MG Road, Bengaluru",
    "building_type": "commercial_office",
    "area_sqft": 120000,
    "timezone": "Asia/Kolkata",
    "occupancy_profile": {"weekday": 90, "weekend": 15},
}


def _create(client, **overrides):
    return client.post("/buildings", {**OFFICE, **overrides}, format="json")


def test_create_then_read_a_building(as_owner, owner):
    created = _create(as_owner)
    assert created.status_code == 201
    assert created.json()["status"] == "created"
    building_id = created.json()["building_id"]
    body = as_owner.get(f"/buildings/{building_id}").json()
    assert body["name"] == "Tower A"
    assert body["grid_region"] == "IN"
    assert body["occupancy_profile"] == {"weekday": 90, "weekend": 15}
    assert body["weather_station_id"] is None
    assert set(body) == {
        "building_id",
        "name",
        "address",
        "building_type",
        "area_sqft",
        "timezone",
        "occupancy_profile",
        "grid_region",
        "latitude",
        "longitude",
        "elevation_m",
        "weather_station_id",
        "created_at",
        "updated_at",
    }
    assert Building.objects.get(pk=building_id).owner == owner
    assert AuditEvent.objects.filter(action="building.created", object_id=building_id).exists()


@pytest.mark.parametrize(("zone", "region"), [("America/New_York", "US"), ("Europe/Berlin", "DE"), ("UTC", "")])
def test_grid_region_follows_the_time_zone_unless_given(as_owner, zone, region):
    building_id = _create(as_owner, timezone=zone).json()["building_id"]
    assert as_owner.get(f"/buildings/{building_id}").json()["grid_region"] == region
    explicit = _create(as_owner, timezone=zone, grid_region="in").json()["building_id"]
    assert as_owner.get(f"/buildings/{explicit}").json()["grid_region"] == "IN"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("timezone", "Mars/Olympus"),
        ("area_sqft", 0),
        ("area_sqft", -5),
        ("area_sqft", "big"),
        ("occupancy_profile", {"weekday": 101, "weekend": 0}),
        ("occupancy_profile", {"weekday": 50}),
        ("building_type", "castle"),
        ("name", ""),
        ("grid_region", "!!"),
    ],
)
def test_bad_building_fields_are_422_and_nothing_is_stored(as_owner, field, value):
    response = _create(as_owner, **{field: value})
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not Building.objects.exists()


def test_list_shows_only_own_buildings_to_facility_managers_and_all_to_verifiers(as_owner, as_outsider, as_verifier):
    _create(as_owner)
    _create(as_outsider, name="Other")
    mine = as_owner.get("/buildings").json()
    assert mine["count"] == 1 and mine["results"][0]["name"] == "Tower A"
    assert set(mine) == {"count", "next", "previous", "results"}
    assert as_verifier.get("/buildings").json()["count"] == 2


def test_patch_changes_fields_and_rederives_region(as_owner):
    building_id = _create(as_owner).json()["building_id"]
    response = as_owner.patch(
        f"/buildings/{building_id}", {"timezone": "America/Chicago", "name": "Tower B"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Tower B"
    assert response.json()["grid_region"] == "US"
    bad = as_owner.patch(f"/buildings/{building_id}", {"area_sqft": 0}, format="json")
    assert bad.status_code == 422
    assert Building.objects.get(pk=building_id).area_sqft == 120000


def test_outsider_gets_404_on_every_building_endpoint(as_owner, as_outsider):
    building_id = _create(as_owner).json()["building_id"]
    for method, path, body in [
        ("get", f"/buildings/{building_id}", None),
        ("patch", f"/buildings/{building_id}", {"name": "Mine now"}),
        ("delete", f"/buildings/{building_id}", None),
        ("get", f"/buildings/{building_id}/events", None),
        ("post", f"/buildings/{building_id}/events", {"event_type": "retrofit", "start_date": "2025-01-01"}),
    ]:
        response = getattr(as_outsider, method)(path, body, format="json")
        assert response.status_code == 404, (method, path)
        assert response.json()["code"] == "not_found"
    assert Building.objects.get(pk=building_id).name == "Tower A"
    assert not ProjectEvent.objects.exists()


def test_verifier_reads_but_may_not_change(as_owner, as_verifier):
    building_id = _create(as_owner).json()["building_id"]
    assert as_verifier.get(f"/buildings/{building_id}").status_code == 200
    assert as_verifier.patch(f"/buildings/{building_id}", {"name": "x"}, format="json").status_code == 403
    assert as_verifier.delete(f"/buildings/{building_id}").status_code == 403


def test_delete_removes_the_building_and_is_audited(as_owner):
    building_id = _create(as_owner).json()["building_id"]
    assert as_owner.delete(f"/buildings/{building_id}").status_code == 204
    assert as_owner.get(f"/buildings/{building_id}").status_code == 404
    assert AuditEvent.objects.filter(action="building.deleted", object_id=building_id).exists()


def test_events_record_and_list(as_owner):
    building_id = _create(as_owner).json()["building_id"]
    retrofit = as_owner.post(
        f"/buildings/{building_id}/events",
        {"event_type": "retrofit", "start_date": "2025-01-15", "description": "LED + VFDs"},
        format="json",
    )
    assert retrofit.status_code == 201
    assert retrofit.json()["event_type"] == "retrofit"
    occupancy = as_owner.post(
        f"/buildings/{building_id}/events",
        {"event_type": "occupancy_change", "start_date": "2025-03-01", "end_date": "2025-03-31", "occupancy_pct": 40},
        format="json",
    )
    assert occupancy.status_code == 201
    listed = as_owner.get(f"/buildings/{building_id}/events").json()
    assert [e["event_type"] for e in listed["results"]] == ["retrofit", "occupancy_change"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"event_type": "party", "start_date": "2025-01-01"}, "event_type"),
        ({"event_type": "retrofit"}, "start_date"),
        ({"event_type": "retrofit", "start_date": "2025-13-01"}, "start_date"),
        ({"event_type": "occupancy_change", "start_date": "2025-01-01"}, "occupancy_pct"),
        ({"event_type": "shutdown", "start_date": "2025-02-01", "end_date": "2025-01-01"}, "end_date"),
        ({"event_type": "occupancy_change", "start_date": "2025-01-01", "occupancy_pct": 120}, "occupancy_pct"),
    ],
)
def test_bad_events_are_422_and_nothing_is_stored(as_owner, body, field):
    building_id = _create(as_owner).json()["building_id"]
    response = as_owner.post(f"/buildings/{building_id}/events", body, format="json")
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not ProjectEvent.objects.exists()


def test_weather_station_link_accepts_own_stations_only(as_owner, owner, outsider):
    mine = WeatherStation.objects.create(
        owner=owner, name="Roof", latitude=12.97, longitude=77.59, timezone="Asia/Kolkata"
    )
    theirs = WeatherStation.objects.create(owner=outsider, name="Theirs", latitude=1, longitude=1)
    linked = _create(as_owner, weather_station_id=str(mine.pk))
    assert linked.status_code == 201
    detail = as_owner.get(f"/buildings/{linked.json()['building_id']}").json()
    assert detail["weather_station_id"] == str(mine.pk)
    refused = _create(as_owner, weather_station_id=str(theirs.pk))
    assert refused.status_code == 422
    assert "weather_station_id" in refused.json()["errors"]


def test_unauthenticated_is_401(anon):
    assert anon.get("/buildings").status_code == 401
    assert client_for(None).post("/buildings", OFFICE, format="json").status_code == 401
