from django.contrib import admin

from carbonexia.common.admin import ReadOnlyAdminMixin, in_building_zone, instant_column, shown_fields

from .models import Report


@admin.register(Report)
class ReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Reports are evidence: listed for verifiers, generated only through the API."""

    list_display = [
        "public_id",
        "building",
        "period_start",
        "period_end",
        "status",
        "attempts",
        instant_column("created_at", in_building_zone, description="Requested"),
    ]
    list_filter = ["status"]
    search_fields = ["building__name", "sha256"]
    list_select_related = ["building"]
    fields = readonly_fields = shown_fields(Report, in_building_zone)
