from django.contrib import admin

from carbonexia.common.admin import ReadOnlyAdminMixin, instant_column, shown_fields

from .models import Building, ProjectEvent, WeatherStation
from .services import building_power_ceiling_set


class ProjectEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ProjectEvent
    extra = 0
    fields = readonly_fields = ("event_type", "start_date", "end_date", "occupancy_pct", "description", "recorded_by")


def own_zone(building: Building) -> str:
    return building.timezone


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    """Read-only for verifiers: facility managers change buildings through the portal or the API. An admin
    (who alone holds the change permission) may set the power ceiling, through its service."""

    list_display = [
        "name",
        "owner",
        "building_type",
        "area_sqft",
        "grid_region",
        "timezone",
        instant_column("created_at", own_zone, description="Added"),
    ]
    list_filter = ["building_type", "grid_region"]
    search_fields = ["name", "address", "owner__email"]
    inlines = [ProjectEventInline]
    fields = shown_fields(Building, own_zone)
    readonly_fields = [field for field in fields if field != "max_power_w_per_sqft"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        building_power_ceiling_set(
            actor=request.user, building=obj, max_power_w_per_sqft=form.cleaned_data["max_power_w_per_sqft"]
        )


@admin.register(WeatherStation)
class WeatherStationAdmin(admin.ModelAdmin):
    list_display = ["name", "latitude", "longitude", "timezone", "owner"]
    search_fields = ["name"]
    readonly_fields = ["owner"]
