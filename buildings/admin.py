from django.contrib import admin

from carbonexia.common.admin import ReadOnlyAdminMixin

from .models import Building, ProjectEvent, WeatherStation


class ProjectEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ProjectEvent
    extra = 0
    fields = readonly_fields = ("event_type", "start_date", "end_date", "occupancy_pct", "description", "recorded_by")


@admin.register(Building)
class BuildingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only for verifiers: facility managers change buildings through the portal or the API."""

    list_display = ["name", "owner", "building_type", "grid_region", "timezone", "created_at"]
    list_filter = ["building_type", "grid_region"]
    search_fields = ["name", "address", "owner__email"]
    inlines = [ProjectEventInline]


@admin.register(WeatherStation)
class WeatherStationAdmin(admin.ModelAdmin):
    list_display = ["name", "latitude", "longitude", "timezone", "owner"]
    search_fields = ["name"]
    readonly_fields = ["owner"]
