"""Reads of smart meters, scoped through the building they are registered on."""

from django.db.models import QuerySet

from buildings.selectors import building_for_write
from carbonexia.common.errors import NotFound

from .models import DeadLetter, Meter


def meters_of(building) -> QuerySet[Meter]:
    return Meter.objects.filter(building=building).order_by("device_id")


def meter_for_write(*, user, building_id, meter_id) -> Meter:
    """A meter of a building the caller owns; another user's, or one of another building, is 404."""
    meter = meters_of(building_for_write(user=user, building_id=building_id)).filter(pk=meter_id).first()
    if meter is None:
        raise NotFound("No such meter.")
    return meter


def dead_letters_of(building, *, limit: int) -> list[DeadLetter]:
    """The newest messages refused from the building's registered meters."""
    return list(DeadLetter.objects.filter(meter__building=building).select_related("meter")[:limit])
