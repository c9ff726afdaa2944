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


class SourceStation(models.Model):
    """A station of the public source's list (NOAA GHCNh), cached here and refreshed monthly; `inventory` holds
    the monthly report counts of recent years, {"2025": [12 counts]}, which station choice reads as coverage."""

    station_id = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=200)
    latitude = models.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])
    elevation_m = models.FloatField(null=True, blank=True)
    country = models.CharField(max_length=2, blank=True)
    inventory = models.JSONField(default=dict, blank=True)
    refreshed_at = models.DateTimeField()

    class Meta:
        ordering = ["station_id"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="source_station_place")]

    def __str__(self):
        return f"{self.station_id} {self.name}"


class FetchStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the worker"
    OK = "ok", "Fetched"
    NO_STATION = "no_station", "No suitable station"
    UNREACHABLE = "unreachable", "Source unreachable"
    FAILED = "failed", "Failed"


class BuildingWeather(models.Model):
    """How the weather of a located building is fetched: the station chosen and why, and the last attempt."""

    building = models.OneToOneField("buildings.Building", on_delete=models.CASCADE, related_name="weather_fetch")
    status = models.CharField(max_length=16, choices=FetchStatus.choices, default=FetchStatus.PENDING)
    message = models.CharField(max_length=500, blank=True)
    source_station = models.ForeignKey(SourceStation, null=True, blank=True, on_delete=models.SET_NULL)
    chosen_because = models.CharField(max_length=300, blank=True)
    # The nearest stations considered, each {"station_id","name","description","refused"}, best first.
    candidates = models.JSONField(default=list, blank=True)
    requested_at = models.DateTimeField()
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    hours_added = models.PositiveIntegerField(default=0)
    hours_corrected = models.PositiveIntegerField(
        default=0, help_text="Stored hours of the trailing window whose value the source had changed, last fetch."
    )

    def __str__(self):
        return f"weather of {self.building_id}: {self.status}"
