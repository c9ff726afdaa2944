from django.conf import settings
from django.db import models

from carbonexia.common.models import BaseModel, prefixed_id

from ..uploads.models import Upload, UploadStatus


class UtilityBill(BaseModel):
    """A utility bill read by OCR. Its owner's confirmed figures are billing data for months without readings;
    the figures as read stay beside them, as evidence of what the bill said."""

    upload = models.OneToOneField(Upload, on_delete=models.CASCADE, related_name="bill")
    building = models.ForeignKey("buildings.Building", on_delete=models.CASCADE, related_name="bills")
    status = models.CharField(max_length=16, choices=UploadStatus.choices, default=UploadStatus.PROCESSING)
    kwh = models.FloatField(null=True, blank=True)
    billing_days = models.PositiveIntegerField(null=True, blank=True)
    meter_number = models.CharField(max_length=64, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    confidence = models.JSONField(default=dict, blank=True)
    raw_text = models.TextField(blank=True)
    reading = models.JSONField(default=dict, blank=True, help_text="How the text was read, page by page, and notes.")
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    confirmed = models.BooleanField(default=False)
    confirmed_kwh = models.FloatField(null=True, blank=True)
    confirmed_period_start = models.DateField(null=True, blank=True)
    confirmed_period_end = models.DateField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="bill_status_created"),
            models.Index(fields=["building", "confirmed", "confirmed_period_start"], name="bill_building_confirmed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confirmed=False)
                | models.Q(
                    status=UploadStatus.COMPLETED,
                    confirmed_kwh__gte=0,
                    confirmed_period_start__lte=models.F("confirmed_period_end"),
                    confirmed_by__isnull=False,
                    confirmed_at__isnull=False,
                ),
                name="bill_confirmed_complete",
            ),
        ]

    def __str__(self):
        return f"Bill {self.upload.filename} ({self.status})"

    @property
    def public_id(self) -> str:
        return prefixed_id("upl", self.upload_id)
