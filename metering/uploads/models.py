from django.conf import settings
from django.db import models

from carbonexia.common.models import BaseModel, prefixed_id


class UploadKind(models.TextChoices):
    METER_CSV = "meter_csv", "Meter CSV"
    GREENBUTTON = "greenbutton", "Green Button"
    WEATHER_CSV = "weather_csv", "Weather CSV"
    BILL = "bill", "Utility bill"


class DateOrder(models.TextChoices):
    """How a file writes slashed dates such as 03/04/2025, as its sender says (the parsers' DAY_FIRST, MONTH_FIRST)."""

    DAY_FIRST = "day_first", "Day first (03/04/2025 is 3 April)"
    MONTH_FIRST = "month_first", "Month first (03/04/2025 is March 4)"


class UploadStatus(models.TextChoices):
    PROCESSING = "processing", "Processing"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


class Upload(BaseModel):
    """Every file received, kept as evidence for verifiers: who sent what, when, with its SHA-256."""

    kind = models.CharField(max_length=16, choices=UploadKind.choices)
    building = models.ForeignKey(
        "buildings.Building", null=True, blank=True, on_delete=models.CASCADE, related_name="uploads"
    )
    station = models.ForeignKey(
        "buildings.WeatherStation", null=True, blank=True, on_delete=models.CASCADE, related_name="uploads"
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="uploads/%Y/%m/")
    filename = models.CharField(max_length=255)
    usage_point = models.CharField(
        max_length=255, blank=True, help_text="The Green Button usage point the sender chose (its id or title)."
    )
    date_order = models.CharField(
        max_length=11,
        choices=DateOrder.choices,
        blank=True,
        help_text="The order of slashed dates the sender chose; empty when the file settles it or has none.",
    )
    size_bytes = models.BigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    status = models.CharField(max_length=16, choices=UploadStatus.choices, default=UploadStatus.PROCESSING)
    progress = models.PositiveSmallIntegerField(default=0)
    rows = models.IntegerField(null=True, blank=True)
    inserted = models.IntegerField(null=True, blank=True)
    updated = models.IntegerField(null=True, blank=True)
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    errors = models.JSONField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} ({self.get_kind_display()})"

    @property
    def public_id(self) -> str:
        return prefixed_id("upl", self.id)
