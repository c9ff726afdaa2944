"""The verifiers' read-only view of fetched weather: per building, its station, the last fetch and its coverage."""

from django.contrib import admin
from django.utils import timezone

from carbonexia.common.admin import ReadOnlyAdminMixin, in_building_zone, instant_column, shown_fields

from .models import BuildingWeather
from .selectors import recent_coverage


@admin.register(BuildingWeather)
class BuildingWeatherAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "building",
        "station",
        "status",
        instant_column("last_attempt_at", in_building_zone, description="Last attempt"),
        instant_column("last_success_at", in_building_zone, description="Last success"),
        "coverage",
        "hours_added",
        "hours_corrected",
        "message",
    ]
    list_filter = ["status"]
    search_fields = ["building__name", "source_station__station_id", "source_station__name"]
    list_select_related = ["building__weather_station", "source_station"]
    list_per_page = 50
    fields = readonly_fields = shown_fields(BuildingWeather, in_building_zone)

    @admin.display(description="Station")
    def station(self, record: BuildingWeather) -> str:
        return str(record.source_station) if record.source_station else "—"

    @admin.display(description="Hours stored, last 30 days")
    def coverage(self, record: BuildingWeather) -> str:
        station = record.building.weather_station
        if station is None:
            return "—"
        return f"{recent_coverage(station=station, now=timezone.now()):.0%}"
