from django.contrib import admin
from django.utils.html import format_html_join

from carbonexia.common.admin import Column, ReadOnlyAdminMixin, in_building_zone, instant_column, shown_fields

from .models import UtilityBill
from .selectors import bill_findings

# What the checks found, then every field as read and as confirmed.
SHOWN: list[Column] = ["check_findings", *shown_fields(UtilityBill, in_building_zone)]


@admin.register(UtilityBill)
class UtilityBillAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Bills are evidence: what was read sits beside what the owner confirmed, and what the checks against the
    building and its meter found; nobody edits them here."""

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
        "area_check",
        "meter_check",
        "meter_kwh",
        "checks_acknowledged",
        instant_column("created_at", in_building_zone, description="Received"),
    ]
    list_filter = ["status", "confirmed", "area_check", "meter_check", "checks_acknowledged"]
    list_select_related = ["upload", "building"]
    search_fields = ["upload__filename", "upload__sha256", "building__name", "meter_number"]
    fields = readonly_fields = SHOWN

    @admin.display(description="What the checks found")
    def check_findings(self, bill: UtilityBill) -> str:
        return format_html_join("", "<p>{}</p>", ((sentence,) for sentence in bill_findings(bill).sentences()))
