import pandas as pd
from django import forms
from django.contrib import admin

from buildings.models import Building
from carbonexia.common import calendar
from carbonexia.common.admin import ReadOnlyAdminMixin, in_building_zone, instant_column
from carbonexia.common.errors import ServiceError

from .evidence import anomaly_rows, month_with_gaps
from .models import Baseline, MonthReview
from .services import month_review_record


@admin.register(Baseline)
class BaselineAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Baselines are evidence: read-only, never rewritten."""

    list_display = [
        "building",
        "method",
        "baseline_monthly_kwh",
        "period_start",
        "period_end",
        "valid",
        instant_column("created_at", in_building_zone, description="Computed"),
    ]
    list_filter = ["method", "valid"]
    search_fields = ["building__name"]
    list_select_related = ["building"]


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
        # The model form validates its instance after clean(): the stored review, or its unique
        # constraint would refuse the very row just stored (and show the verifier an error for it).
        self.instance = self.review
        return data


class ReviewedMonth(forms.Form):
    """The building and month a review page is about, read from the page's query (or the posted form)."""

    building = forms.ModelChoiceField(queryset=Building.objects.all())
    month = forms.DateField()

    def clean_month(self):
        month = self.cleaned_data["month"]
        if not calendar.within(month):
            raise forms.ValidationError(calendar.OUTSIDE)
        return month


@admin.register(MonthReview)
class MonthReviewAdmin(admin.ModelAdmin):
    """Verifiers approve or reject FLAGGED months (5–20 % missing) here; approval makes them eligible. The page
    shows the month's missing days and hours and what was filled in: a review's own, or on the add page the
    month asked for above the form (``add/?building=<id>&month=YYYY-MM-DD``), before deciding."""

    form = MonthReviewForm
    change_form_template = "admin/mrv/monthreview/change_form.html"
    list_display = [
        "building",
        "month",
        "decision",
        "reviewer",
        instant_column("created_at", in_building_zone, description="Reviewed"),
    ]
    list_filter = ["decision"]
    search_fields = ["building__name", "comment"]
    list_select_related = ["building", "reviewer"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type("ReviewFormForRequest", (form,), {"reviewer": request.user})

    def get_readonly_fields(self, request, obj=None):
        return ["building", "month", "decision", "comment", "reviewer"] if obj else []

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        asked = ReviewedMonth(request.POST if request.method == "POST" else request.GET or None, auto_id="preview_%s")
        context["preview_form"] = None if obj else asked
        context["under_review"] = self._under_review(asked, obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def _under_review(self, asked: ReviewedMonth, obj):
        if obj is not None:
            building, month = obj.building, obj.month
        elif asked.is_valid():
            building, month = asked.cleaned_data["building"], asked.cleaned_data["month"]
        else:
            return None
        period = pd.Period(month, freq="M")
        return {
            **month_with_gaps(building, period),
            "anomaly_rows": anomaly_rows(building, period, period),
            "zone": building.timezone,
        }

    def save_model(self, request, obj, form, change):
        obj.pk = form.review.pk  # already stored, audited, by month_review_record in the form
