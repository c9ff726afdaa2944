from django.contrib import admin

from carbonexia.common.admin import ReadOnlyAdminMixin, in_building_zone, instant_column, shown_fields
from carbonexia.common.instants import SECONDS

from .models import DeadLetter, Meter


def letter_zone(letter: DeadLetter) -> str | None:
    """A refused message of a registered meter in its building's zone; of an unknown device, in UTC."""
    return letter.meter.building.timezone if letter.meter else None


@admin.register(Meter)
class MeterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "device_id",
        "building",
        instant_column("last_message_at", in_building_zone, description="Last message", pattern=SECONDS),
        instant_column("created_at", in_building_zone, description="Added"),
    ]
    search_fields = ["device_id", "building__name"]
    list_select_related = ["building"]
    fields = readonly_fields = shown_fields(Meter, in_building_zone, leave_out=["secret_salt"], pattern=SECONDS)


@admin.register(DeadLetter)
class DeadLetterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        instant_column("received_at", letter_zone, description="Received", pattern=SECONDS),
        "device_id",
        "reason",
    ]
    list_filter = ["received_at"]
    search_fields = ["device_id", "reason"]
    list_select_related = ["meter__building"]
    fields = readonly_fields = shown_fields(DeadLetter, letter_zone, pattern=SECONDS)
