from django.contrib import admin

from carbonexia.common.admin import ReadOnlyAdminMixin

from .models import Report


@admin.register(Report)
class ReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Reports are evidence: listed for verifiers, generated only through the API."""

    list_display = ["public_id", "building", "period_start", "period_end", "status", "attempts", "created_at"]
    list_filter = ["status"]
    search_fields = ["building__name", "sha256"]
    readonly_fields = [field.name for field in Report._meta.fields]
