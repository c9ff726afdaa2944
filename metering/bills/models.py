import sys
import uuid
from datetime import date

from django.conf import settings
from django.db import models

from carbonexia.common.models import BaseModel, parse_prefixed_id, prefixed_id

from ..uploads.models import Upload, UploadStatus

MAX_BILL_DAYS = 100
# Far above any building's bill: 1e9 kWh in a 100-day bill is an average of 417 MW, a power station's output.
MAX_BILL_KWH = 1e9
# The Kyoto Protocol's base year: no carbon methodology looks further back, so neither does a baseline.
EARLIEST_BILL_DATE = date(1990, 1, 1)


def bill_public_id(upload_id: uuid.UUID, period_index: int) -> str:
    return prefixed_id("upl", upload_id) + (f"-{period_index}" if period_index else "")


def parse_bill_id(value: str) -> tuple[uuid.UUID | None, int]:
    """The upload id and period of a bill's public id (or of a bare upload UUID); (None, 0) when it is neither."""
    upload, _, period = value.partition("-") if value.startswith("upl_") else (value, "", "")
    if period and not (period.isdigit() and 0 < int(period) < 2**15):
        return None, 0
    return parse_prefixed_id("upl", upload), int(period or 0)


class AreaCheck(models.TextChoices):
    NOT_CHECKED = "not_checked", "Not checked"
    OK = "ok", "Plausible for the floor area"
    ABOVE_CEILING = "above_ceiling", "More than the floor area can draw"
    BELOW_FLOOR = "below_floor", "Implausibly little for the floor area"


class MeterCheck(models.TextChoices):
    NOT_CHECKED = "not_checked", "Not checked"
    OK = "ok", "Agrees with the meter"
    MISMATCH = "mismatch", "Differs from the meter"
    NOT_COVERED = "not_covered", "The meter does not cover the bill's days"


def _null_or_within(name: str, most: float) -> models.Q:
    """Null, or a number from 0 to `most`; an upper bound refuses infinity and NaN too."""
    return models.Q(**{f"{name}__isnull": True}) | models.Q(**{f"{name}__gte": 0, f"{name}__lte": most})


_CHECK_BOUNDS = {
    "checked_kwh": sys.float_info.max,
    "area_min_kwh": sys.float_info.max,
    "area_max_kwh": sys.float_info.max,
    "meter_kwh": sys.float_info.max,
    "meter_coverage_pct": 100,
    "meter_tolerance_pct": 100,
}


class BillSource(models.TextChoices):
    OCR = "ocr", "Read from an uploaded bill"
    GREENBUTTON = "greenbutton", "A billing period of a Green Button file"


class UtilityBill(BaseModel):
    """A utility bill: read by OCR from its own upload, or one billing period of a Green Button file (the utility's
    own figures). Its owner's confirmed figures are billing data for months without readings; the figures as read
    stay beside them, as evidence of what the bill said.

    A bill's public id is its upload's (upl_<32 hex>), followed by `-<period>` for the periods of a Green Button file,
    which share one upload."""

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="bills")
    period_index = models.PositiveSmallIntegerField(
        default=0, help_text="0 for a bill of its own upload; 1, 2, … for the billing periods of a Green Button file."
    )
    source = models.CharField(max_length=16, choices=BillSource.choices, default=BillSource.OCR)
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
    # The checks of the bill's figures (as read, then as confirmed) against the building and its meter; see checks.py.
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_kwh = models.FloatField(null=True, blank=True, help_text="The bill's kWh the checks judged.")
    area_check = models.CharField(max_length=16, choices=AreaCheck.choices, default=AreaCheck.NOT_CHECKED)
    area_min_kwh = models.FloatField(null=True, blank=True, help_text="The least kWh plausible for the floor area.")
    area_max_kwh = models.FloatField(
        null=True, blank=True, help_text="The most kWh the floor area can draw at the building's power ceiling."
    )
    meter_check = models.CharField(max_length=16, choices=MeterCheck.choices, default=MeterCheck.NOT_CHECKED)
    meter_kwh = models.FloatField(null=True, blank=True, help_text="The meter's kWh over the same days.")
    meter_coverage_pct = models.FloatField(
        null=True, blank=True, help_text="How much of the bill's days readings cover."
    )
    meter_tolerance_pct = models.FloatField(null=True, blank=True, help_text="The difference allowed from the meter.")
    checks_acknowledged = models.BooleanField(
        default=False, help_text="The owner confirmed the bill knowing its checks flagged it."
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="bill_status_created"),
            models.Index(fields=["building", "confirmed", "confirmed_period_start"], name="bill_building_confirmed"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["upload", "period_index"], name="bill_upload_period"),
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
            models.CheckConstraint(
                condition=models.Q(confirmed_kwh__isnull=True) | models.Q(confirmed_kwh__lte=MAX_BILL_KWH),
                name="bill_confirmed_kwh_at_most",
            ),
            models.CheckConstraint(
                condition=models.Q(confirmed_period_start__isnull=True)
                | models.Q(confirmed_period_start__gte=EARLIEST_BILL_DATE),
                name="bill_confirmed_since_1990",
            ),
            *(
                models.CheckConstraint(condition=_null_or_within(name, most), name=f"bill_{name}_bounds")
                for name, most in _CHECK_BOUNDS.items()
            ),
            models.CheckConstraint(
                condition=models.Q(confirmed=False)
                | models.Q(checks_acknowledged=True)
                | (
                    models.Q(area_check__in=[AreaCheck.OK, AreaCheck.NOT_CHECKED])
                    & ~models.Q(meter_check=MeterCheck.MISMATCH)
                ),
                name="bill_flagged_confirmed_acknowledged",
            ),
        ]

    def __str__(self):
        return f"Bill {self.upload.filename} ({self.status})"

    @property
    def public_id(self) -> str:
        return bill_public_id(self.upload_id, self.period_index)

    @property
    def flagged(self) -> bool:
        return (
            self.area_check in (AreaCheck.ABOVE_CEILING, AreaCheck.BELOW_FLOOR)
            or self.meter_check == MeterCheck.MISMATCH
        )
