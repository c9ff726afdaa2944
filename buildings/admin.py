from django.contrib import admin

from .models import Building, ProjectEvent


class ProjectEventInline(admin.TabularInline):
    model = ProjectEvent
    extra = 0
    fields = ["event_type", "start_date", "end_date", "occupancy_pct", "description", "recorded_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    """Read-only for verifiers: facility managers change buildings through the portal or the API."""

    list_display = ["name", "owner", "building_type", "grid_region", "timezone", "created_at"]
    list_filter = ["building_type", "grid_region"]
    search_fields = ["name", "address", "owner__email"]
    inlines = [ProjectEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
