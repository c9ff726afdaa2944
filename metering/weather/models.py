from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from timescale.db.models.fields import TimescaleDateTimeField

from ..parsers import MAX_TEMPERATURE_C, MIN_TEMPERATURE_C
from ..uploads.models import Upload


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
    temperature_c = models.FloatField(
        validators=[MinValueValidator(MIN_TEMPERATURE_C), MaxValueValidator(MAX_TEMPERATURE_C)]
    )
    resolution = models.CharField(max_length=4, choices=TemperatureResolution.choices)
    upload = models.ForeignKey(
        Upload, null=True, blank=True, on_delete=models.SET_NULL, db_index=False, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["station", "resolution", "time"], name="temperature_station_time"),
            models.CheckConstraint(
                condition=models.Q(temperature_c__range=(MIN_TEMPERATURE_C, MAX_TEMPERATURE_C)),
                name="temperature_plausible",
            ),
        ]

    def __str__(self):
        return f"{self.time.isoformat()} {self.temperature_c} °C ({self.resolution})"
