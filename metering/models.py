from django.conf import settings
from django.db import models
from timescale.db.models.fields import TimescaleDateTimeField

from carbonexia.common.models import BaseModel, prefixed_id

# Chunks of 30 days: MRV reads one building over months or years, so fewer, larger chunks mean
# fewer index probes per query; at portfolio scale (1,000 buildings at 15 minutes ≈ 2.9 M rows,
# ~250 MB with indexes per chunk) a chunk still sits well inside memory, as TimescaleDB advises.
READING_CHUNK = "30 days"


class ReadingSource(models.TextChoices):
    API = "API", "API"
    CSV = "CSV", "CSV upload"
    MANUAL = "MANUAL", "Manual"
    BILL = "BILL", "Utility bill"


class UploadKind(models.TextChoices):
    METER_CSV = "meter_csv", "Meter CSV"
    WEATHER_CSV = "weather_csv", "Weather CSV"
    BILL = "bill", "Utility bill"


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


class MeterReading(models.Model):
    """kWh consumed in the interval that starts at `time`; a hypertable on TimescaleDB."""

    # django-timescaledb drops this column's primary key when it makes the hypertable: the
    # identity of a reading is (building, time), which the unique constraint below guards.
    id = models.BigAutoField(primary_key=True)
    building = models.ForeignKey(
        "buildings.Building", on_delete=models.CASCADE, db_index=False, related_name="readings"
    )
    time = TimescaleDateTimeField(interval=READING_CHUNK)
    value_kwh = models.FloatField()
    source = models.CharField(max_length=8, choices=ReadingSource.choices)
    # Provenance only, set by our own ingestion in the upload's transaction: no database-level foreign
    # key, whose per-row check at commit would cost as much as the COPY itself on a year of readings.
    upload = models.ForeignKey(
        Upload, null=True, blank=True, on_delete=models.SET_NULL, db_index=False, related_name="+", db_constraint=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["building", "time"], name="meter_reading_building_time"),
            models.CheckConstraint(condition=models.Q(value_kwh__gte=0), name="meter_reading_kwh_non_negative"),
        ]

    def __str__(self):
        return f"{self.time.isoformat()} {self.value_kwh} kWh"


class TemperatureResolution(models.TextChoices):
    HOUR = "hour", "Hourly"
    DAY = "day", "Daily mean"
    # Kept up to date from the hourly rows at ingestion: TimescaleDB's continuous aggregates are not in
    # its Apache-licensed build, and MRV reads years of daily means on every cold calculation.
    MEAN = "mean", "Daily mean of hourly readings"


class TemperatureReading(models.Model):
    """A station's air temperature at `time` (hourly) or its daily mean (day starting at `time`)."""

    id = models.BigAutoField(primary_key=True)
    station = models.ForeignKey(
        "buildings.WeatherStation", on_delete=models.CASCADE, db_index=False, related_name="readings"
    )
    time = TimescaleDateTimeField(interval="365 days")
    temperature_c = models.FloatField()
    resolution = models.CharField(max_length=4, choices=TemperatureResolution.choices)
    upload = models.ForeignKey(
        Upload, null=True, blank=True, on_delete=models.SET_NULL, db_index=False, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["station", "resolution", "time"], name="temperature_station_time"),
        ]

    def __str__(self):
        return f"{self.time.isoformat()} {self.temperature_c} °C ({self.resolution})"


class FactorType(models.TextChoices):
    COMBINED_MARGIN = "combined_margin", "Combined margin"
    WEIGHTED_AVERAGE = "weighted_average", "Weighted average"
    OPERATING_MARGIN = "operating_margin", "Operating margin"
    BUILD_MARGIN = "build_margin", "Build margin"
    TOTAL_OUTPUT = "total_output", "Total output emission rate"


class EmissionFactor(models.Model):
    """A grid emission factor as published; the one used by a credit is never edited in place."""

    id = models.BigAutoField(primary_key=True)
    region = models.CharField(max_length=16, db_index=True)
    dataset = models.CharField(max_length=120)
    version = models.CharField(max_length=40)
    factor_type = models.CharField(max_length=24, choices=FactorType.choices)
    factor_kg_per_kwh = models.DecimalField(max_digits=8, decimal_places=5)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    source = models.TextField()
    for_credits = models.BooleanField(
        default=False, help_text="The factor type used for efficiency credits in this region (one per period)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["region", "valid_from", "factor_type"]
        constraints = [
            models.UniqueConstraint(fields=["region", "dataset", "version", "factor_type"], name="factor_identity"),
            models.CheckConstraint(condition=models.Q(factor_kg_per_kwh__gt=0), name="factor_positive"),
        ]

    def __str__(self):
        return f"{self.region} {self.dataset} {self.version} {self.factor_type}: {self.factor_kg_per_kwh} kg/kWh"


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
