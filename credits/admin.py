from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse

from carbonexia.common.admin import in_building_zone, instant_column
from carbonexia.common.errors import ServiceError
from carbonexia.common.instants import format_instant

from .evidence import block_evidence
from .models import CreditBlock, Status
from .services import credits_verify

RETIRED = instant_column("retired_at", in_building_zone, description="Retired at")


class QueueFilter(admin.SimpleListFilter):
    """Opens on the verifiers' queue: pending requests, oldest first."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*Status.choices, ("all", "All")]

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or Status.PENDING) == lookup,
                "display": title,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
            }

    def queryset(self, request, queryset):
        value = self.value() or Status.PENDING
        return queryset if value == "all" else queryset.filter(status=value)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve and issue"), ("reject", "Reject")], widget=forms.RadioSelect
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Required to reject; recorded with the decision either way.",
    )


@admin.register(CreditBlock)
class CreditBlockAdmin(admin.ModelAdmin):
    change_form_template = "admin/credits/creditblock/change_form.html"
    list_display = [
        "requested",
        "building",
        "period_start",
        "period_end",
        "vintage",
        "co2_credited_tons",
        "credits_requested",
        "status",
        "serial",
    ]
    list_filter = [QueueFilter, "vintage"]
    search_fields = ["building__name", "serial"]
    ordering = ["created_at"]
    list_select_related = ["building"]

    # The snapshot is read through the evidence below the fields (charts and tables), never shown as JSON; times
    # are shown in the building's zone with its name (carbonexia.common.instants).
    fieldsets = [
        (None, {"fields": ["building", ("period_start", "period_end", "vintage"), "status", "requested"]}),
        (
            "Tonnes and credits",
            {
                "fields": [
                    ("co2_saved_tons", "co2_credited_tons"),
                    ("credits_requested", "credits_issued"),
                    "uncertainty_note",
                ]
            },
        ),
        (
            "Issuance",
            {
                "fields": [
                    "serial",
                    ("issuance_number", "serial_start", "serial_end"),
                    "verified",
                    "verification_comment",
                ]
            },
        ),
        ("Retirement", {"fields": [("retired_quantity", RETIRED), "beneficiary", "retirement_reason"]}),
        ("Records", {"fields": ["parent", "factors_used", "id"], "classes": ["collapse"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        """A pending block has no issuance or retirement yet: those sections start folded."""
        if obj is None or obj.status != Status.PENDING:
            return self.fieldsets
        folded = {"Issuance", "Retirement"}
        return [(name, {**opts, "classes": ["collapse"]} if name in folded else opts) for name, opts in self.fieldsets]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in CreditBlock._meta.fields] + ["factors_used", "requested", "verified", RETIRED]

    @admin.display(description="Requested", ordering="created_at")
    def requested(self, block):
        return f"{format_instant(block.created_at, block.building.timezone)} by {block.requested_by}"

    @admin.display(description="Verified")
    def verified(self, block):
        if block.verified_at is None:
            return "-"
        return f"{format_instant(block.verified_at, block.building.timezone)} by {block.verified_by}"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        decide = self.admin_site.admin_view(self.decide_view)
        return [path("<uuid:object_id>/decide/", decide, name="credits_creditblock_decide"), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        block = get_object_or_404(CreditBlock, pk=object_id)
        extra_context = {
            **(extra_context or {}),
            "evidence": block_evidence(block),
            "decision_form": DecisionForm(),
            "can_decide": block.status == Status.PENDING
            and request.user.is_verifier
            and block.building.owner_id != request.user.pk,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def decide_view(self, request, object_id):
        block = get_object_or_404(CreditBlock, pk=object_id)
        back = reverse("admin:credits_creditblock_change", args=[block.pk])
        form = DecisionForm(request.POST or None)
        if request.method != "POST" or not form.is_valid():
            messages.error(request, "Choose approve or reject.")
            return HttpResponseRedirect(back)
        try:
            block = credits_verify(verifier=request.user, block=block, **form.cleaned_data)
        except ServiceError as exc:
            messages.error(request, exc.detail)
            return HttpResponseRedirect(back)
        messages.success(request, f"{block.get_status_display()}: {block.serial or block.verification_comment}")
        return HttpResponseRedirect(reverse("admin:credits_creditblock_changelist"))
