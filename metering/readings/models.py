from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from timescale.db.models.fields import TimescaleDateTimeField

from ..parsers import MAX_READING_KWH
from ..uploads.models import Upload

# Chunks of 30 days: MRV reads one building over months or years, so fewer, larger chunks mean
# fewer index probes per query; at portfolio scale (1,000 buildings at 15 minutes ≈ 2.9 M rows,
# ~250 MB with indexes per chunk) a chunk still sits well inside memory, as TimescaleDB advises.
READING_CHUNK = "30 days"


class ReadingSource(models.TextChoices):
    API = "API", "API"
    CSV = "CSV", "CSV upload"
    MANUAL = "MANUAL", "Manual"
    BILL = "BILL", "Utility bill"
    GREENBUTTON = "ESPI", "Green Button"
    MQTT = "MQTT", "Smart meter (MQTT)"


class MeterReading(models.Model):
    """kWh consumed in the interval that starts at `time`; a hypertable on TimescaleDB."""

    # django-timescaledb drops this column's primary key when it makes the hypertable: the
    # identity of a reading is (building, time), which the unique constraint below guards.
    id = models.BigAutoField(primary_key=True)
    building = models.ForeignKey(
        "buildings.Building", on_delete=models.CASCADE, db_index=False, related_name="readings"
    )
    time = TimescaleDateTimeField(interval=READING_CHUNK)
    # Bounded so that sums over any span stay finite (see metering.parsers.plausibility).
    value_kwh = models.FloatField(validators=[MinValueValidator(0.0), MaxValueValidator(MAX_READING_KWH)])
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
            models.CheckConstraint(
                condition=models.Q(value_kwh__lte=MAX_READING_KWH), name="meter_reading_kwh_at_most"
            ),
        ]

    def __str__(self):
        return f"{self.time.isoformat()} {self.value_kwh} kWh"


class ReadingDay(models.Model):
    """kWh and reading count of one local calendar day of a building's readings, in its zone: derived from
    MeterReading by every write (metering.readings.rollup, on PostgreSQL), so that day and month totals read
    365 rows a building-year instead of 35,040 quarter-hours."""

    building = models.ForeignKey("buildings.Building", on_delete=models.CASCADE, db_index=False, related_name="+")
    day = models.DateTimeField()  # the day's first instant: time_bucket('1 day', time, zone)
    kwh = models.FloatField()
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["building", "day"], name="reading_day_building_day")]

    def __str__(self):
        return f"{self.day.isoformat()} {self.kwh} kWh ({self.count} readings)"
