from django.conf import settings
from django.db import models

from carbonexia.common.models import BaseModel

# Bumped whenever the calculation core changes results for the same inputs, so a stored baseline
# always says which rules produced it.
CALCULATION_VERSION = "mrv-2.0"


class Method(models.TextChoices):
    HISTORICAL = "historical", "Historical mean"
    WEATHER = "weather", "Weather normalised"
    DAYTYPE = "daytype", "Weather and day types (weekends, public holidays)"
    OCCUPANCY = "occupancy", "Occupancy normalised"
    REGRESSION = "regression", "Change-point regression (temperature and occupancy)"
    STATIC = "static", "Static"
    TOWT = "towt", "Time of week and temperature (hourly)"


class Baseline(BaseModel):
    """One computed baseline; a new calculation adds a row and never rewrites an old one."""

    building = models.ForeignKey("buildings.Building", on_delete=models.CASCADE, related_name="baselines")
    method = models.CharField(max_length=16, choices=Method.choices)
    method_reason = models.TextField(blank=True, help_text="Why this method: the chooser's sentence, or 'requested'.")
    candidates = models.JSONField(
        default=list, blank=True, help_text="Every model fitted when the method was chosen, with its fit and error."
    )
    baseline_monthly_kwh = models.FloatField()
    period_start = models.DateField()
    period_end = models.DateField()
    normalization = models.JSONField(default=dict)
    model = models.JSONField(default=dict)
    fit = models.JSONField(default=dict)
    valid = models.BooleanField()
    warnings = models.JSONField(default=list)
    inputs = models.JSONField(default=dict, help_text="The monthly kWh and their sources the fit was made on.")
    calculation_version = models.CharField(max_length=32, default=CALCULATION_VERSION)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"

    def __str__(self):
        return f"{self.get_method_display()} baseline of {self.building} ({self.period_start}–{self.period_end})"


class Decision(models.TextChoices):
    APPROVE = "approve", "Approve"
    REJECT = "reject", "Reject"


class MonthReview(BaseModel):
    """A verifier's decision on a FLAGGED month (5–20 % of readings missing)."""

    building = models.ForeignKey("buildings.Building", on_delete=models.CASCADE, related_name="month_reviews")
    month = models.DateField(help_text="The first day of the reviewed month.")
    decision = models.CharField(max_length=8, choices=Decision.choices)
    comment = models.TextField()
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["building", "month"], name="one_review_per_month")]

    def __str__(self):
        return f"{self.building} {self.month:%Y-%m}: {self.decision}"
