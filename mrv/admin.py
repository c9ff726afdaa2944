import pandas as pd
from django import forms
from django.contrib import admin

from carbonexia.common.admin import ReadOnlyAdminMixin
from carbonexia.common.errors import ServiceError

from .models import Baseline, MonthReview
from .services import month_review_record


@admin.register(Baseline)
class BaselineAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Baselines are evidence: read-only, never rewritten."""

    list_display = ["building", "method", "baseline_monthly_kwh", "period_start", "period_end", "valid", "created_at"]
    list_filter = ["method", "valid"]
    search_fields = ["building__name"]


class MonthReviewForm(forms.ModelForm):
    """Records the review through the service while validating, so a refusal shows on the form."""

    month = forms.DateField(help_text="Any day of the flagged month, e.g. 2025-03-01.")
    reviewer = None  # set by the admin for the request

    class Meta:
        model = MonthReview
        fields = ["building", "month", "decision", "comment"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.review = month_review_record(
                reviewer=self.reviewer,
                building=data["building"],
                month=pd.Period(data["month"], freq="M"),
                decision=data["decision"],
                comment=data["comment"],
            )
        except ServiceError as exc:
            raise forms.ValidationError(exc.detail) from None
        return data


@admin.register(MonthReview)
class MonthReviewAdmin(admin.ModelAdmin):
    """Verifiers approve or reject FLAGGED months (5–20 % missing) here; approval makes them eligible."""

    form = MonthReviewForm
    list_display = ["building", "month", "decision", "reviewer", "created_at"]
    list_filter = ["decision"]
    search_fields = ["building__name", "comment"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type("ReviewFormForRequest", (form,), {"reviewer": request.user})

    def get_readonly_fields(self, request, obj=None):
        return ["building", "month", "decision", "comment", "reviewer"] if obj else []

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = form.review.pk  # already stored, audited, by month_review_record in the form
