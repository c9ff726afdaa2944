from django.contrib import admin

from carbonexia.common.admin import ReadOnlyAdminMixin

from .models import UtilityBill


@admin.register(UtilityBill)
class UtilityBillAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Bills are evidence: what was read sits beside what the owner confirmed; nobody edits them here."""

    list_display = [
        "upload",
        "building",
        "status",
        "kwh",
        "period_start",
        "period_end",
        "confirmed",
        "confirmed_kwh",
        "confirmed_period_start",
        "confirmed_period_end",
        "created_at",
    ]
    list_filter = ["status", "confirmed"]
    list_select_related = ["upload", "building"]
    search_fields = ["upload__filename", "upload__sha256", "building__name", "meter_number"]
    readonly_fields = [field.name for field in UtilityBill._meta.fields]
