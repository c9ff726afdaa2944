from django.contrib import admin

from carbonexia.common.admin import instant_column

from . import selectors, services
from .models import EmissionFactor

CREATED = instant_column("created_at", description="Created")  # a region's factor, not a building's: in UTC, named


@admin.register(EmissionFactor)
class EmissionFactorAdmin(admin.ModelAdmin):
    list_display = [
        "region",
        "dataset",
        "version",
        "factor_type",
        "factor_kg_per_kwh",
        "valid_from",
        "valid_to",
        "for_credits",
    ]
    list_filter = ["region", "factor_type", "dataset", "for_credits"]
    search_fields = ["region", "dataset", "version", "source"]
    ordering = ["region", "valid_from", "factor_type"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and selectors.factors_in_use(obj):
            return [*services.EDITABLE_FIELDS, CREATED]
        return [CREATED]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and selectors.factors_in_use(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # The bulk action deletes a queryset without asking about each row; factors are deleted one at a time.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        if change:
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            services.emission_factor_update(factor=obj, actor=request.user, **changes)
            return
        created = services.emission_factor_create(actor=request.user, **form.cleaned_data)
        # The admin logs and redirects with the instance it passed in.
        obj.pk, obj.created_at = created.pk, created.created_at

    def delete_model(self, request, obj):
        services.emission_factor_delete(factor=obj, actor=request.user)
