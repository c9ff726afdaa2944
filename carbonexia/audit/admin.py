from django.contrib import admin

from carbonexia.common.admin import ReadOnlyAdminMixin, instant_column, shown_fields
from carbonexia.common.instants import SECONDS

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every audit row of every account and building: its time in UTC, named (the evidence page and the PDF show a
    building's rows in the building's zone)."""

    list_display = [
        "seq",
        instant_column("occurred_at", description="Occurred", pattern=SECONDS),
        "actor_label",
        "action",
        "object_type",
        "object_id",
    ]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor_label"]
    fields = readonly_fields = shown_fields(AuditEvent, pattern=SECONDS)
