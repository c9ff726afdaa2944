from django.conf import settings
from django.db import models
from django.utils.text import slugify

from carbonexia.common.models import BaseModel, prefixed_id


class ReportStatus(models.TextChoices):
    PROCESSING = "processing", "Processing"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


def report_file_name(report: "Report", filename: str) -> str:
    """One fixed path per report, so a re-run overwrites the file instead of adding another."""
    return f"reports/{report.public_id}.pdf"


class Report(BaseModel):
    """A PDF evidence pack of a building's MRV over a period of whole months (both dates included)."""

    building = models.ForeignKey("buildings.Building", on_delete=models.CASCADE, related_name="reports")
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=16, choices=ReportStatus.choices, default=ReportStatus.PROCESSING)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to=report_file_name, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Render attempts started by workers.")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="report_period_ordered"
            ),
        ]

    def __str__(self):
        return f"Report {self.public_id} of {self.building} ({self.period_start}–{self.period_end})"

    @property
    def public_id(self) -> str:
        return prefixed_id("rep", self.id)

    @property
    def download_name(self) -> str:
        """The PDF's name when downloaded: who and which months, e.g. carbonexia-tower-b-2024-04-to-2025-03.pdf."""
        building = slugify(self.building.name)[:60].strip("-") or "building"
        return f"carbonexia-{building}-{self.period_start:%Y-%m}-to-{self.period_end:%Y-%m}.pdf"
