from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Model, ProtectedError
from django.dispatch import Signal
from django.utils import timezone

from accounts.models import Role, User
from carbonexia.audit.services import Actor, audit_record
from carbonexia.common.errors import Conflict, Forbidden, Invalid
from carbonexia.common.timezones import country_of_timezone

from .models import Building, EventType, ProjectEvent, WeatherStation

# Sent inside building_delete's transaction with `building` and `actor`, before anything is deleted.
building_deleting = Signal()
# Sent inside the creating or updating transaction with `building` when its coordinates or elevation were set or
# changed: the weather of the new place is to be fetched.
building_located = Signal()
# Sent inside the updating transaction with `building` when its time zone changed: whatever is kept per local
# day or month of the building (metering's day rows) is to be derived anew.
building_zone_changed = Signal()

LOCATION_FIELDS = ("latitude", "longitude", "elevation_m")

EDITABLE_FIELDS = (
    "name",
    "address",
    "building_type",
    "area_sqft",
    "timezone",
    "occupancy_weekday",
    "occupancy_weekend",
    "grid_region",
    "weather_station",
    *LOCATION_FIELDS,
)


def _snapshot(building: Building) -> dict[str, str]:
    return {
        field: str(getattr(building, f"{field}_id" if field == "weather_station" else field))
        for field in EDITABLE_FIELDS
    }


def _grid_region(building: Building) -> None:
    """Upper case, as regions are published (IN, US-CAMX); the time zone's country when none is given."""
    building.grid_region = building.grid_region.upper() or country_of_timezone(building.timezone)


def _validated(instance: Model) -> None:
    """The model's own rules (full_clean): what they refuse is a 422 naming the fields, for the API and the portal."""
    try:
        instance.full_clean()
    except ValidationError as exc:
        errors = exc.message_dict
        raise Invalid(f"Some fields are not valid: {', '.join(sorted(errors))}.", errors=errors) from None


def building_data_changed(building: Building) -> None:
    """Marks the building's MRV inputs as changed, inside the caller's transaction."""
    Building.objects.filter(pk=building.pk).update(data_version=F("data_version") + 1)


def station_data_changed(station: WeatherStation) -> None:
    """New weather changes the station's own data version and the MRV inputs of every building linked to it."""
    WeatherStation.objects.filter(pk=station.pk).update(data_version=F("data_version") + 1)
    Building.objects.filter(weather_station=station).update(data_version=F("data_version") + 1)


@transaction.atomic
def building_create(*, owner: User, **fields: Any) -> Building:
    building = Building(owner=owner, **fields)
    _grid_region(building)
    _validated(building)
    building.save()
    audit_record(actor=owner, action="building.created", obj=building, after=_snapshot(building))
    if building.located:
        building_located.send(sender=Building, building=building)
    return building


@transaction.atomic
def building_update(*, actor: User, building: Building, **changes: Any) -> Building:
    before = _snapshot(building)
    for field, value in changes.items():
        setattr(building, field, value)
    if "timezone" in changes and "grid_region" not in changes:
        building.grid_region = ""
    _grid_region(building)
    try:
        _validated(building)
    except Invalid:
        building.refresh_from_db()  # a refused change leaves the caller's building as stored
        raise
    building.save(update_fields=[*changes, "grid_region", "updated_at"])
    building_data_changed(building)
    after = _snapshot(building)
    audit_record(actor=actor, action="building.updated", obj=building, before=before, after=after)
    if before["timezone"] != after["timezone"]:
        building_zone_changed.send(sender=Building, building=building)
    if building.located and any(before[field] != after[field] for field in LOCATION_FIELDS):
        building_located.send(sender=Building, building=building)
    return building


@transaction.atomic
def building_station_link(*, actor: Actor, building: Building, station: WeatherStation) -> None:
    """Links the building to the station its temperatures come from (the weather fetch's choice)."""
    if building.weather_station_id == station.pk:
        return
    before = str(building.weather_station_id)
    Building.objects.filter(pk=building.pk).update(weather_station=station, updated_at=timezone.now())
    building.weather_station = station
    building_data_changed(building)
    audit_record(
        actor=actor,
        action="building.station_linked",
        obj=building,
        before={"weather_station": before},
        after={"weather_station": str(station.pk)},
    )


@transaction.atomic
def station_for_source(
    *, owner: User, source_id: str, name: str, latitude: float, longitude: float, timezone_name: str
) -> WeatherStation:
    """The owner's station mirroring a public one, created on first use; several of their buildings share it."""
    station = WeatherStation.objects.filter(owner=owner, source_id=source_id).first()
    if station is not None:
        return station
    station = WeatherStation(
        owner=owner,
        name=name[:200],
        latitude=latitude,
        longitude=longitude,
        timezone=timezone_name,
        source_id=source_id,
    )
    _validated(station)
    station.save()
    audit_record(actor=owner, action="station.created", obj=station, after={"name": station.name, "source": source_id})
    return station


@transaction.atomic
def building_delete(*, actor: User, building: Building) -> None:
    """Deletes the building with everything that is only about it. Apps above buildings withdraw what they
    own through `building_deleting` (or refuse with a ServiceError); a record that must be kept holds a
    protected key, which refuses the delete."""
    snapshot = _snapshot(building)
    building_id = building.pk
    building_deleting.send(sender=Building, building=building, actor=actor)
    try:
        building.delete()
    except ProtectedError:
        raise Conflict(
            "Records that must be kept refer to this building, so it cannot be deleted.", code="building_in_use"
        ) from None
    audit_record(
        actor=actor,
        action="building.deleted",
        object_type="buildings.building",
        object_id=str(building_id),
        before=snapshot,
    )


@transaction.atomic
def event_record(
    *,
    building: Building,
    recorded_by: User,
    event_type: str,
    start_date: date,
    end_date: date | None = None,
    description: str = "",
    occupancy_pct: int | None = None,
) -> ProjectEvent:
    if event_type == EventType.OCCUPANCY_CHANGE and occupancy_pct is None:
        raise Invalid(
            "An occupancy change needs the new occupancy.",
            errors={"occupancy_pct": ["Required for an occupancy_change event."]},
        )
    if end_date is not None and end_date < start_date:
        raise Invalid("The event ends before it starts.", errors={"end_date": ["Must be on or after start_date."]})
    event = ProjectEvent(
        building=building,
        recorded_by=recorded_by,
        event_type=event_type,
        start_date=start_date,
        end_date=end_date,
        description=description,
        occupancy_pct=occupancy_pct,
    )
    event.full_clean()
    event.save()
    building_data_changed(building)
    audit_record(
        actor=recorded_by,
        action="event.recorded",
        obj=event,
        after={
            "building": str(building.pk),
            "event_type": event_type,
            "start_date": start_date,
            "end_date": end_date,
            "occupancy_pct": occupancy_pct,
        },
    )
    return event


@transaction.atomic
def station_create(*, owner: User, name: str, latitude: float, longitude: float, timezone: str) -> WeatherStation:
    station = WeatherStation(owner=owner, name=name, latitude=latitude, longitude=longitude, timezone=timezone)
    _validated(station)
    station.save()
    audit_record(
        actor=owner,
        action="station.created",
        obj=station,
        after={"name": name, "latitude": latitude, "longitude": longitude, "timezone": timezone},
    )
    return station


@transaction.atomic
def building_power_ceiling_set(*, actor: User, building: Building, max_power_w_per_sqft: float | None) -> Building:
    """An admin's setting of the power ceiling the building's readings are held to (None: the default). Not a
    facility manager's: the API and the portal never pass it, as it decides which readings are accepted."""
    if actor.role != Role.ADMIN:
        raise Forbidden("Only an admin sets a building's power ceiling.")
    building = Building.objects.select_for_update().get(pk=building.pk)
    before = building.max_power_w_per_sqft
    building.max_power_w_per_sqft = max_power_w_per_sqft
    _validated(building)
    building.save(update_fields=["max_power_w_per_sqft", "updated_at"])
    audit_record(
        actor=actor,
        action="building.power_ceiling_set",
        obj=building,
        before={"max_power_w_per_sqft": before},
        after={"max_power_w_per_sqft": max_power_w_per_sqft},
    )
    return building
