from django.contrib import admin
from django.utils.html import format_html_join

from carbonexia.common.admin import ReadOnlyAdminMixin

from .models import UtilityBill
from .selectors import bill_findings


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
        "created_at",
    ]
    list_filter = ["status", "confirmed", "area_check", "meter_check", "checks_acknowledged"]
    list_select_related = ["upload", "building"]
    search_fields = ["upload__filename", "upload__sha256", "building__name", "meter_number"]
    readonly_fields = ["check_findings", *(field.name for field in UtilityBill._meta.fields)]

    @admin.display(description="What the checks found")
    def check_findings(self, bill: UtilityBill) -> str:
        return format_html_join("", "<p>{}</p>", ((sentence,) for sentence in bill_findings(bill).sentences()))
