"""Every read of buildings goes through here, so tenant scoping lives in one place."""

from django.db.models import QuerySet

from accounts.roles import sees_all_buildings
from carbonexia.common.errors import Forbidden, NotFound

from .models import Building, ProjectEvent


def buildings_visible_to(user) -> QuerySet[Building]:
    buildings = Building.objects.all()
    return buildings if sees_all_buildings(user) else buildings.filter(owner=user)


def building_for_read(*, user, building_id) -> Building:
    building = buildings_visible_to(user).filter(pk=building_id).first()
    if building is None:
        raise NotFound("No such building.")
    return building


def building_for_write(*, user, building_id) -> Building:
    """The building when the caller owns it; 404 when they cannot see it, 403 when they only may read it."""
    building = building_for_read(user=user, building_id=building_id)
    if building.owner_id != user.pk:
        raise Forbidden("Only the building's owner may change its data.")
    return building


def events_of(building: Building) -> QuerySet[ProjectEvent]:
    return building.events.order_by("start_date", "created_at")
