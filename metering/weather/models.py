from django.db import models
from timescale.db.models.fields import TimescaleDateTimeField

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
