"""Every read of buildings and their weather stations goes through here, so tenant scoping lives in one place."""

from django.db.models import QuerySet

from accounts.roles import sees_all_buildings
from carbonexia.common.errors import Forbidden, Invalid, NotFound

from .models import Building, ProjectEvent, WeatherStation


def buildings_visible_to(user) -> QuerySet[Building]:
    buildings = Building.objects.all()
    return buildings if sees_all_buildings(user) else buildings.filter(owner=user)


def building_for_read(*, user, building_id) -> Building:
    building = buildings_visible_to(user).filter(pk=building_id).first()
    if building is None:
        raise NotFound("No such building.")
    return building


def may_change(*, user, building: Building) -> bool:
    """Only a building's owner changes it; verifiers and admins who see it read it only."""
    return building.owner_id == user.pk


def building_for_write(*, user, building_id) -> Building:
    """The building when the caller owns it; 404 when they cannot see it, 403 when they only may read it."""
    building = building_for_read(user=user, building_id=building_id)
    if not may_change(user=user, building=building):
        raise Forbidden("Only the building's owner may change its data.")
    return building


def events_of(building: Building) -> QuerySet[ProjectEvent]:
    return building.events.order_by("start_date", "created_at")


def stations_visible_to(user) -> QuerySet[WeatherStation]:
    stations = WeatherStation.objects.all()
    return stations if sees_all_buildings(user) else stations.filter(owner=user)


def station_for_read(*, user, station_id) -> WeatherStation:
    station = stations_visible_to(user).filter(pk=station_id).first()
    if station is None:
        raise NotFound("No such weather station.")
    return station


def station_for_write(*, user, station_id) -> WeatherStation:
    station = station_for_read(user=user, station_id=station_id)
    if station.owner_id != user.pk:
        raise Forbidden("Only the station's owner may add its data.")
    return station


def station_for_link(*, user, station_id) -> WeatherStation:
    """A station named in a building's fields: unknown or foreign ids are a field error, not a 404."""
    station = stations_visible_to(user).filter(pk=station_id).first()
    if station is None:
        raise Invalid("No such weather station.", errors={"weather_station_id": ["No such weather station."]})
    return station
